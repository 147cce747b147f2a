"""Small shared widgets: a dismissible banner."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

W = TypeVar("W", bound=QWidget)


class Banner(QFrame):
    """A one-line notice with an optional action ("Undo", "Load model"...)."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("Banner")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(10, 6, 6, 6)
        self.label = QLabel()
        self.label.setWordWrap(True)
        lay.addWidget(self.label, 1)
        self.action = QPushButton()
        self.action.hide()
        lay.addWidget(self.action)
        close = QToolButton()
        close.setText("✕")
        close.setToolTip(self.tr("Dismiss"))
        close.setAccessibleName(self.tr("Dismiss"))
        close.clicked.connect(self.hide)
        lay.addWidget(close)
        self._callback: Callable[[], None] | None = None
        self.action.clicked.connect(self._on_action_clicked)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.hide)
        self.hide()

    def show_message(
        self,
        text: str,
        *,
        error: bool = False,
        action: str | None = None,
        callback: Callable[[], None] | None = None,
        timeout_ms: int = 0,
    ) -> None:
        self.setObjectName("BannerError" if error else "Banner")
        self.style().unpolish(self)
        self.style().polish(self)
        self.label.setText(text)
        self._callback = callback
        self.action.setVisible(bool(action))
        self.action.setText(action or "")
        self._timer.stop()
        if timeout_ms:
            self._timer.start(timeout_ms)
        self.show()

    @property
    def text(self) -> str:
        return self.label.text() if self.isVisible() else ""

    def _on_action_clicked(self) -> None:
        cb = self._callback
        self.hide()
        if cb is not None:
            cb()


def named(widget: W, name: str, description: str | None = None, *, tip: bool = True) -> W:
    """Give ``widget`` an accessible name (and description); the description doubles as tooltip."""
    widget.setAccessibleName(name)
    if description:
        widget.setAccessibleDescription(description)
        if tip and not widget.toolTip():
            widget.setToolTip(description)
    return widget


def announce(widget: QWidget, text: str) -> None:
    """Tell screen readers about ``text`` (a finished reply, a download done) without moving focus."""
    from PySide6.QtGui import QAccessible, QAccessibleEvent

    widget.setAccessibleDescription(text)
    if QAccessible.isActive():
        QAccessible.updateAccessibility(
            QAccessibleEvent(widget, QAccessible.Event.DescriptionChanged)
        )
        QAccessible.updateAccessibility(QAccessibleEvent(widget, QAccessible.Event.Alert))
