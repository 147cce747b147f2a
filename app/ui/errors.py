"""Errors as the window shows them: one plain sentence and a suggestion, chosen by type."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from app.core.errors import (
    ContextOverflowError,
    HearthError,
    InsufficientMemoryError,
    ModelFileError,
    ModelLoadError,
    NoModelLoadedError,
    NotAGGUFError,
    TruncatedModelError,
    UnsupportedModelError,
)

_SUGGESTIONS: list[tuple[type[BaseException], str]] = [
    (
        InsufficientMemoryError,
        QT_TRANSLATE_NOOP(
            "Errors", "Try fewer GPU layers, a smaller context, or a smaller quant of this model."
        ),
    ),
    (
        TruncatedModelError,
        QT_TRANSLATE_NOOP("Errors", "The download looks incomplete: download the file again."),
    ),
    (NotAGGUFError, QT_TRANSLATE_NOOP("Errors", "Choose a .gguf model file.")),
    (
        UnsupportedModelError,
        QT_TRANSLATE_NOOP("Errors", "Pick a model of a supported architecture, or update Hearth."),
    ),
    (ModelFileError, QT_TRANSLATE_NOOP("Errors", "Check that the file exists and is readable.")),
    (
        ModelLoadError,
        QT_TRANSLATE_NOOP("Errors", "Try fewer GPU layers, a smaller context, or a smaller quant."),
    ),
    (
        NoModelLoadedError,
        QT_TRANSLATE_NOOP("Errors", "Load a model from the picker above the chat."),
    ),
    (
        ContextOverflowError,
        QT_TRANSLATE_NOOP(
            "Errors",
            "Start a new chat, shorten your message, or load the model with a larger context.",
        ),
    ),
]


def describe(exc: BaseException) -> tuple[str, str]:
    """``(sentence, suggestion)`` for a dialog or banner."""
    if isinstance(exc, HearthError):
        hint = exc.hint or next((s for t, s in _SUGGESTIONS if isinstance(exc, t)), "")
        return exc.message, QCoreApplication.translate("Errors", hint) if hint else hint
    if isinstance(exc, MemoryError):
        return QCoreApplication.translate(
            "Errors", "The computer ran out of memory."
        ), QCoreApplication.translate("Errors", _SUGGESTIONS[0][1])
    if isinstance(exc, OSError):
        return f"{exc.strerror or exc}.", QCoreApplication.translate(
            "Errors", "Check the file and folder permissions."
        )
    return QCoreApplication.translate(
        "Errors", "Something went wrong: %s."
    ) % exc, QCoreApplication.translate(
        "Errors", "Try again; if it keeps happening, run 'hearth doctor'."
    )


def one_line(exc: BaseException) -> str:
    sentence, hint = describe(exc)
    return f"{sentence} {hint}".strip()
