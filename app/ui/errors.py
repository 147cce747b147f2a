"""Errors as the window shows them: one plain sentence and a suggestion, chosen by type."""

from __future__ import annotations

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
        "Try fewer GPU layers, a smaller context, or a smaller quant of this model.",
    ),
    (TruncatedModelError, "The download looks incomplete: download the file again."),
    (NotAGGUFError, "Choose a .gguf model file."),
    (UnsupportedModelError, "Pick a model of a supported architecture, or update Hearth."),
    (ModelFileError, "Check that the file exists and is readable."),
    (ModelLoadError, "Try fewer GPU layers, a smaller context, or a smaller quant."),
    (NoModelLoadedError, "Load a model from the picker above the chat."),
    (
        ContextOverflowError,
        "Start a new chat, shorten your message, or load the model with a larger context.",
    ),
]


def describe(exc: BaseException) -> tuple[str, str]:
    """``(sentence, suggestion)`` for a dialog or banner."""
    if isinstance(exc, HearthError):
        hint = exc.hint or next((s for t, s in _SUGGESTIONS if isinstance(exc, t)), "")
        return exc.message, hint
    if isinstance(exc, MemoryError):
        return "The computer ran out of memory.", _SUGGESTIONS[0][1]
    if isinstance(exc, OSError):
        return f"{exc.strerror or exc}.", "Check the file and folder permissions."
    return f"Something went wrong: {exc}.", "Try again; if it keeps happening, run 'hearth doctor'."


def one_line(exc: BaseException) -> str:
    sentence, hint = describe(exc)
    return f"{sentence} {hint}".strip()
