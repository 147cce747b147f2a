"""The scrolling list of messages, with a streaming reply repainted in batches.

Deltas are appended to a buffer; a timer repaints the reply every ``REPAINT_MS``,
so the cost of rendering Markdown is paid ~20 times a second, not once per token.
The view follows the stream while the user is at the bottom and stays put once the
user scrolls up (scrolling back to the bottom resumes following).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from app.chats.types import Branch, Message
from app.ui.chat.message_widget import MessageWidget, stats_text

REPAINT_MS = 50
_FOLLOW_SLACK = 40  # px from the bottom that still counts as "at the bottom"


class TranscriptView(QScrollArea):
    action_triggered = Signal(str, str)  # forwarded from the message widgets

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("Transcript")
        self.setAccessibleName(self.tr("Messages"))
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        inner = QWidget()
        inner.setObjectName("TranscriptInner")
        self._layout = QVBoxLayout(inner)
        self._layout.setContentsMargins(24, 16, 24, 16)
        self._layout.setSpacing(10)
        self._empty = QLabel(self.tr("Send a message to start."))
        self._empty.setObjectName("Muted")
        self._empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._layout.addWidget(self._empty)
        self._layout.addStretch(1)
        self.setWidget(inner)
        self.widgets: list[MessageWidget] = []
        self.streaming: MessageWidget | None = None
        self._buffer: list[str] = []
        self._text = ""
        self._follow = True
        self.repaints = 0  # how many times the streaming reply was repainted (tests, metrics)
        self._timer = QTimer(self)
        self._timer.setInterval(REPAINT_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        sb = self.verticalScrollBar()
        sb.valueChanged.connect(self._on_scrollbar_value_changed)
        sb.rangeChanged.connect(self._on_scrollbar_range_changed)

    # ------------------------------------------------------------ messages
    def set_empty_text(self, text: str) -> None:
        self._empty.setText(text)

    def shown_ids(self) -> list[str]:
        return [w.message.id for w in self.widgets if w.message is not None]

    def show_messages(
        self,
        messages: list[Message],
        branch_of: Callable[[str], Branch],
        labels: dict[str, str],
        *,
        rebuild: bool = False,
    ) -> None:
        """Show ``messages`` (root to leaf); when they extend what is shown, only the new ones are added
        (``rebuild`` repaints everything, e.g. after a theme change)."""
        shown = self.shown_ids()
        ids = [m.id for m in messages if m.role != "system"]
        if (
            not rebuild
            and self.streaming is None
            and len(self.widgets) == len(shown)
            and shown
            and ids[: len(shown)] == shown
        ):
            for m in messages:
                if m.role != "system" and m.id not in shown:
                    w = MessageWidget(m.role, m, label=labels.get(m.id))
                    w.set_branch(branch_of(m.id))
                    self._add(w)
            if self.widgets:
                self.widgets[-1].set_branch(branch_of(self.widgets[-1].message.id))
            self._follow = True
            QTimer.singleShot(0, self.scroll_to_bottom)
            return
        self.setUpdatesEnabled(False)
        for w in self.widgets:
            w.setParent(None)
            w.deleteLater()
        self.widgets = []
        self.streaming = None
        for m in messages:
            if m.role == "system":
                continue
            w = MessageWidget(m.role, m, label=labels.get(m.id))
            w.set_branch(branch_of(m.id))
            self._add(w)
        self._empty.setVisible(not self.widgets)
        self.setUpdatesEnabled(True)
        self._follow = True
        QTimer.singleShot(0, self.scroll_to_bottom)

    def _add(self, w: MessageWidget) -> None:
        w.action_triggered.connect(self.action_triggered)
        self._layout.insertWidget(self._layout.count() - 1, w)
        self.widgets.append(w)
        self._empty.hide()
        self._order_tabs(w)

    def _order_tabs(self, w: MessageWidget) -> None:
        """Tab reaches ``w``'s controls after the messages above it, before the message box (a
        widget added later would otherwise come last in the window's tab order)."""

        def focusable(m: QWidget) -> list[QWidget]:
            return [c for c in m.findChildren(QWidget) if c.focusPolicy() & Qt.FocusPolicy.TabFocus]

        prev: QWidget = self
        for m in reversed(self.widgets[:-1]):
            above = focusable(m)
            if above:
                prev = above[-1]
                break
        for c in focusable(w):
            QWidget.setTabOrder(prev, c)
            prev = c

    def add_pending_user(self, text: str) -> MessageWidget:
        w = MessageWidget("user", None, label="You")
        w.set_text(text)
        self._add(w)
        return w

    # ------------------------------------------------------------- streaming
    def begin_reply(self, label: str = "Assistant") -> MessageWidget:
        w = MessageWidget("assistant", None, label=label)
        w.set_text("")
        w.set_stats(self.tr("Thinking…"))
        self._add(w)
        self.streaming = w
        self._buffer = []
        self._text = ""
        self._follow = True
        self._timer.start()
        QTimer.singleShot(0, self.scroll_to_bottom)
        return w

    def append(self, text: str) -> None:
        """Queue a delta; it shows at the next repaint."""
        self._buffer.append(text)

    def end_reply(self, message: Message | None = None, branch: Branch | None = None) -> str:
        """Stop streaming and paint the final text; with ``message`` the bubble becomes that saved reply
        (actions, stats and branch arrows), otherwise it is removed."""
        self._timer.stop()
        self._buffer = []
        text = self._text
        w, self.streaming = self.streaming, None
        if w is not None:
            if message is None:
                self.widgets.remove(w)
                w.setParent(None)
                w.deleteLater()
            else:
                w.message = message
                w.set_text(message.content)
                w.set_stats(stats_text(message.stats, message.finish_reason))
                w.set_streaming(False)
                if branch is not None:
                    w.set_branch(branch)
        return text

    def _flush(self) -> None:
        if not self._buffer or self.streaming is None:
            return
        self._text += "".join(self._buffer)
        self._buffer = []
        self.streaming.set_text(self._text, streaming=True)
        self.streaming.set_stats("")
        self.repaints += 1

    def _on_timer_timeout(self) -> None:
        self._flush()

    # -------------------------------------------------------------- scrolling
    @property
    def following(self) -> bool:
        return self._follow

    def scroll_to_bottom(self) -> None:
        sb = self.verticalScrollBar()
        sb.setValue(sb.maximum())

    def _on_scrollbar_value_changed(self, value: int) -> None:
        self._follow = value >= self.verticalScrollBar().maximum() - _FOLLOW_SLACK

    def _on_scrollbar_range_changed(self, _min: int, maximum: int) -> None:
        if self._follow:
            self.verticalScrollBar().setValue(maximum)
