"""Edit a message before sending it again (the original stays as another branch)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)


class EditMessageDialog(QDialog):
    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Edit message"))
        self.resize(560, 300)
        lay = QVBoxLayout(self)
        note = QLabel(
            self.tr(
                "Sending the edited message starts a new branch; the original stays (use ‹ › to switch)."
            )
        )
        note.setWordWrap(True)
        lay.addWidget(note)
        self.edit = QPlainTextEdit(text)
        lay.addWidget(self.edit, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.addButton("Send", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def text(self) -> str:
        return self.edit.toPlainText().strip()
