"""The message box: Enter sends, Shift+Enter starts a new line, Esc stops a reply."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget


class _Edit(QPlainTextEdit):
    submitted = Signal()

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not (
            event.modifiers() & Qt.KeyboardModifier.ShiftModifier
        ):
            self.submitted.emit()
            return
        super().keyPressEvent(event)


class Composer(QWidget):
    sent = Signal(str)
    stop_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(24, 4, 24, 12)
        row = QHBoxLayout()
        self.edit = _Edit()
        self.edit.setObjectName("Composer")
        self.edit.setAccessibleName(self.tr("Message"))
        self.edit.setAccessibleDescription(
            self.tr("Enter sends, Shift+Enter starts a new line, Esc stops the reply")
        )
        self.edit.setPlaceholderText(
            self.tr("Message the model…  (Enter to send, Shift+Enter for a new line)")
        )
        self.edit.setFixedHeight(72)
        self.edit.setTabChangesFocus(True)  # Tab moves on to Send, as everywhere else
        self.edit.submitted.connect(self._on_edit_submitted)
        row.addWidget(self.edit, 1)
        self.send_button = QPushButton(self.tr("Send"))
        self.send_button.setDefault(True)
        self.send_button.clicked.connect(self._on_edit_submitted)
        self.stop_button = QPushButton(self.tr("Stop"))
        self.stop_button.setToolTip(self.tr("Stop the reply (Esc)"))
        self.stop_button.clicked.connect(self.stop_requested)
        self.stop_button.hide()
        row.addWidget(self.send_button)
        row.addWidget(self.stop_button)
        lay.addLayout(row)
        self._busy = False

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.send_button.setVisible(not busy)
        self.stop_button.setVisible(busy)

    def _on_edit_submitted(self) -> None:
        text = self.edit.toPlainText().strip()
        if not text or self._busy:
            return
        self.edit.clear()
        self.sent.emit(text)
