"""Per-chat settings: system prompt and sampling parameters, saved with the conversation."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QTimer, Signal
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

#: (key, label, min, max, step, decimals, default, tooltip); decimals 0 = integer
PARAMS: list[tuple[str, str, float, float, float, int, float, str]] = [
    (
        "temperature",
        QT_TRANSLATE_NOOP("ChatSettingsPanel", "Temperature"),
        0.0,
        2.0,
        0.05,
        2,
        0.8,
        QT_TRANSLATE_NOOP("ChatSettingsPanel", "Higher is more varied, lower more focused."),
    ),
    (
        "top_p",
        QT_TRANSLATE_NOOP("ChatSettingsPanel", "Top P"),
        0.0,
        1.0,
        0.01,
        2,
        0.95,
        QT_TRANSLATE_NOOP(
            "ChatSettingsPanel",
            "Sample from the smallest set of tokens with this total probability.",
        ),
    ),
    (
        "top_k",
        QT_TRANSLATE_NOOP("ChatSettingsPanel", "Top K"),
        0,
        1000,
        1,
        0,
        40,
        QT_TRANSLATE_NOOP("ChatSettingsPanel", "Sample from the K most likely tokens (0: all)."),
    ),
    (
        "min_p",
        QT_TRANSLATE_NOOP("ChatSettingsPanel", "Min P"),
        0.0,
        1.0,
        0.01,
        2,
        0.05,
        QT_TRANSLATE_NOOP(
            "ChatSettingsPanel", "Drop tokens less likely than this fraction of the top token."
        ),
    ),
    (
        "repeat_penalty",
        QT_TRANSLATE_NOOP("ChatSettingsPanel", "Repeat penalty"),
        0.5,
        2.0,
        0.01,
        2,
        1.0,
        QT_TRANSLATE_NOOP("ChatSettingsPanel", "Above 1 discourages repeating recent tokens."),
    ),
    (
        "max_tokens",
        QT_TRANSLATE_NOOP("ChatSettingsPanel", "Max reply tokens"),
        0,
        131072,
        64,
        0,
        0,
        QT_TRANSLATE_NOOP("ChatSettingsPanel", "0: until the model stops or the context is full."),
    ),
    (
        "seed",
        QT_TRANSLATE_NOOP("ChatSettingsPanel", "Seed"),
        -1,
        2**31 - 1,
        1,
        0,
        -1,
        QT_TRANSLATE_NOOP("ChatSettingsPanel", "-1: a new random seed for each reply."),
    ),
]
SAMPLING_KEYS = ("temperature", "top_p", "top_k", "min_p", "repeat_penalty", "seed")


def sampling_kwargs(params: dict[str, Any]) -> dict[str, Any]:
    """The SamplingParams fields in a conversation's params (seed -1 means random)."""
    kw = {k: params[k] for k in SAMPLING_KEYS if k in params}
    if kw.get("seed", -1) in (-1, None):
        kw.pop("seed", None)
    return kw


class ChatSettingsPanel(QWidget):
    """Emits ``changed(system, params)`` shortly after the user stops editing."""

    changed = Signal(object, dict)

    def __init__(self) -> None:
        super().__init__()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 8, 8, 8)
        title = QLabel(self.tr("Chat settings"))
        title.setObjectName("CardTitle")
        lay.addWidget(title)
        lay.addWidget(QLabel(self.tr("System prompt")))
        self.system = QPlainTextEdit()
        self.system.setPlaceholderText(
            self.tr("Instructions for the model in this chat (optional)")
        )
        self.system.setMaximumHeight(120)
        self.system.setAccessibleName(self.tr("System prompt for this chat"))
        lay.addWidget(self.system)
        form = QFormLayout()
        self.fields: dict[str, QSpinBox | QDoubleSpinBox] = {}
        for key, label, lo, hi, step, dec, default, tip in PARAMS:
            w: QSpinBox | QDoubleSpinBox
            if dec:
                w = QDoubleSpinBox()
                w.setDecimals(dec)
            else:
                w = QSpinBox()
            w.setRange(lo, hi)  # type: ignore[arg-type]
            w.setSingleStep(step)  # type: ignore[arg-type]
            w.setValue(default)  # type: ignore[arg-type]
            w.setToolTip(QCoreApplication.translate("ChatSettingsPanel", tip))
            w.setProperty("default", default)
            w.valueChanged.connect(self._on_field_changed)
            form.addRow(QCoreApplication.translate("ChatSettingsPanel", label), w)
            self.fields[key] = w
        lay.addLayout(form)
        note = QLabel(
            self.tr("Saved with this chat. The model and its load settings are in the bar above.")
        )
        note.setObjectName("Muted")
        note.setWordWrap(True)
        lay.addWidget(note)
        lay.addStretch(1)
        self.system.textChanged.connect(self._on_field_changed)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(400)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._loading = False

    def load(self, system: str | None, params: dict[str, Any]) -> None:
        self._loading = True
        self.system.setPlainText(system or "")
        for key, w in self.fields.items():
            w.setValue(params.get(key, w.property("default")))
        self._loading = False
        self._timer.stop()

    def values(self) -> tuple[str | None, dict[str, Any]]:
        params: dict[str, Any] = {}
        for key, w in self.fields.items():
            v = w.value()
            if v != w.property("default"):
                params[key] = int(v) if isinstance(w, QSpinBox) else round(float(v), 4)
        system = self.system.toPlainText().strip() or None
        return system, params

    def _on_field_changed(self, *_: Any) -> None:
        if not self._loading:
            self._timer.start()

    def _on_timer_timeout(self) -> None:
        self.changed.emit(*self.values())
