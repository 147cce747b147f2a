"""The bar above a chat: pick a model (library, personas, files), load settings, progress."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QToolButton,
    QWidget,
)

from app.ui.bridge import run_op

OPEN_FILE = "__open_file__"


class ElidedLabel(QLabel):
    """A one-line label that ends in "…" when it is narrower than its text (instead of being
    cut off mid-word); ``text()`` keeps the whole text and the tooltip shows it."""

    def setText(self, text: str) -> None:
        super().setText(text)
        self.setToolTip(text)

    def minimumSizeHint(self) -> QSize:
        return QSize(self.minimumWidth(), super().minimumSizeHint().height())

    def paintEvent(self, _event: Any) -> None:
        r = self.contentsRect()
        text = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, r.width())
        painter = QPainter(self)
        painter.drawText(r, int(self.alignment()), text)
        painter.end()


class ModelBar(QWidget):
    model_chosen = Signal(str)  # a catalog name or a path
    settings_requested = Signal(str)  # open the load dialog for this name
    eject_requested = Signal()
    cancel_requested = Signal()
    panel_toggled = Signal(bool)

    def __init__(self) -> None:
        super().__init__()
        lay = QHBoxLayout(self)
        lay.setContentsMargins(12, 8, 12, 4)
        self.combo = QComboBox()
        self.combo.setMinimumWidth(200)
        self.combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.combo.setMinimumContentsLength(18)
        self.combo.setAccessibleName(self.tr("Model for this chat"))
        self.combo.setToolTip(
            self.tr("Model for this chat: your library, personas, or a .gguf file")
        )
        self.combo.activated.connect(self._on_combo_activated)
        lay.addWidget(self.combo)
        self.load_button = QPushButton(self.tr("Load settings…"))
        self.load_button.setToolTip(
            self.tr("GPU layers, context size, flash attention, KV cache, threads")
        )
        self.load_button.clicked.connect(
            lambda: self.settings_requested.emit(self.selected() or "")
        )
        lay.addWidget(self.load_button)
        self.eject_button = QPushButton(self.tr("Eject"))
        self.eject_button.setToolTip(self.tr("Unload the model and free its memory"))
        self.eject_button.clicked.connect(self.eject_requested)
        lay.addWidget(self.eject_button)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setMaximumWidth(160)
        self.progress.setFormat(self.tr("Loading %p%"))
        self.progress.hide()
        lay.addWidget(self.progress)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.clicked.connect(self.cancel_requested)
        self.cancel_button.hide()
        lay.addWidget(self.cancel_button)
        self.state = ElidedLabel(self.tr("No model loaded"))
        self.state.setObjectName("Muted")
        self.state.setMinimumWidth(40)
        lay.addWidget(self.state, 1)
        self.panel_button = QToolButton()
        self.panel_button.setText(self.tr("Chat settings"))
        self.panel_button.setCheckable(True)
        self.panel_button.toggled.connect(self.panel_toggled)
        lay.addWidget(self.panel_button)
        self._entries: list[tuple[str, str]] = []  # (label, name)
        self.kinds: dict[str, str] = {}  # name -> "model" | "persona"

    # ------------------------------------------------------------- catalog
    def refresh_catalog(self, extra: list[str] | None = None) -> None:
        """List library models and personas (read off the GUI thread)."""

        def listing() -> list[Any]:
            from app.resolve import list_catalog

            return list_catalog()

        run_op(
            listing,
            lambda entries: self.set_entries(entries, extra or []),
            lambda _e: self.set_entries([], extra or []),
            owner=self.combo,
        )

    def set_entries(self, entries: list[Any], extra: list[str]) -> None:
        current = self.selected()
        self._entries = []
        for e in entries:
            kind = "persona" if e.kind == "persona" else "model"
            self.kinds[e.name] = kind
            size = f"  ·  {e.size_bytes / 2**30:.1f} GB" if e.size_bytes else ""
            self._entries.append(
                (f"{e.name}{size}" + ("  (persona)" if kind == "persona" else ""), e.name)
            )
        names = {n for _, n in self._entries}
        for p in extra:
            if p and p not in names:
                self._entries.append((Path(p).name, p))
        self.combo.clear()
        self.combo.addItem(self.tr("Choose a model…"), None)
        for label, name in self._entries:
            self.combo.addItem(label, name)
        self.combo.addItem(self.tr("Open a GGUF file…"), OPEN_FILE)
        self.select(current)

    def select(self, name: str | None) -> None:
        if name and self.combo.findData(name) < 0:
            self.combo.insertItem(
                self.combo.count() - 1, Path(name).name if name.endswith(".gguf") else name, name
            )
        idx = self.combo.findData(name) if name else 0
        self.combo.setCurrentIndex(max(idx, 0))

    def selected(self) -> str | None:
        data = self.combo.currentData()
        return data if data and data != OPEN_FILE else None

    def _on_combo_activated(self, index: int) -> None:
        data = self.combo.itemData(index)
        if data == OPEN_FILE:
            path, _ = QFileDialog.getOpenFileName(
                self, self.tr("Open a model"), str(Path.home()), self.tr("GGUF models (*.gguf)")
            )
            if not path:
                self.combo.setCurrentIndex(0)
                return
            self.select(path)
            data = path
        if data:
            self.model_chosen.emit(data)

    # ---------------------------------------------------------------- state
    def set_loading(self, name: str | None) -> None:
        busy = name is not None
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        self.progress.setValue(0)
        if busy:
            self.state.setText(self.tr("Loading %s…") % (name,))

    def set_progress(self, p: float) -> None:
        self.progress.setValue(int(p * 100))

    def set_state(self, text: str) -> None:
        self.state.setText(text)
