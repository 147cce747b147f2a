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

from app.ui.widgets import named


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
        self.edit = named(QPlainTextEdit(text), self.tr("Edited message"))
        self.edit.setTabChangesFocus(True)
        lay.addWidget(self.edit, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.addButton(self.tr("&Send"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def text(self) -> str:
        return self.edit.toPlainText().strip()
