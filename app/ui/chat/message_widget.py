"""One message bubble: Markdown body, stats line, actions and branch arrows.

A reply's body is one rich-text view per ``SEGMENT_CHARS`` of Markdown (whole top-level
blocks): while it streams only the last view is repainted, so a flush costs the same at
the 10th token and the 4,000th. A short reply is one view. The split depends only on the
text, so a streamed reply ends up exactly as the same reply shown afresh.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.chats.types import Branch, Message
from app.ui import theme
from app.ui.chat import citations, markdown
from app.ui.widgets import named


def stats_text(stats: dict, finish_reason: str | None = None) -> str:
    """ "123 tokens · TTFT 0.21 s · 41.3 tok/s" (plus why it stopped, when unusual)."""
    parts = []
    if stats.get("completion_tokens") is not None:
        parts.append(f"{stats['completion_tokens']} tokens")
    if stats.get("ttft_s") is not None:
        parts.append(f"TTFT {stats['ttft_s']:.2f} s")
    if stats.get("decode_tok_s"):
        parts.append(f"{stats['decode_tok_s']:.1f} tok/s")
    if finish_reason == "cancelled":
        parts.append("stopped")
    elif finish_reason in ("length", "context_full"):
        parts.append(
            "cut off (length limit)" if finish_reason == "length" else "cut off (context full)"
        )
    if stats.get("dropped_messages"):
        parts.append(f"{stats['dropped_messages']} older messages left out to fit the context")
    return " · ".join(parts)


class _Body(QTextBrowser):
    """A read-only rich-text view as tall as its content (the transcript scrolls, not it)."""

    def __init__(self) -> None:
        super().__init__()
        self.setOpenLinks(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.viewport().setAutoFillBackground(False)
        self.setStyleSheet("background: transparent;")
        self.document().setDocumentMargin(2)

    def fit(self) -> None:
        width = max(self.viewport().width(), 100)
        if self.document().textWidth() != width:  # setting it lays the whole document out again
            self.document().setTextWidth(width)
        h = int(self.document().size().height()) + 4
        if h != self.height():
            self.setFixedHeight(h)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.fit()

    def sizeHint(self) -> QSize:
        return QSize(400, self.height())


SEGMENT_CHARS = 2000  # Markdown per view of a long reply (see the module's docstring)


class MessageWidget(QFrame):
    """Emits ``action_triggered(action, message_id)``: copy, edit, regenerate, delete, branch."""

    action_triggered = Signal(str, str)

    def __init__(
        self, role: str, message: Message | None = None, *, label: str | None = None
    ) -> None:
        super().__init__()
        self.role = role
        self.message = message
        self._text = message.content if message else ""
        self._code: list[str] = []
        self._stream: markdown.StreamRender | None = None  # the reply being painted by blocks
        self._open: list[str] = []  # the finished blocks' HTML in the last view
        self._open_chars = 0  # and their Markdown's length
        self.setObjectName("MessageUser" if role == "user" else "MessageAssistant")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 8, 12, 6)
        lay.setSpacing(4)
        top = QHBoxLayout()
        who = QLabel(label or (self.tr("You") if role == "user" else self.tr("Assistant")))
        who.setObjectName("MessageRole")
        top.addWidget(who)
        top.addStretch(1)
        self._branch_label = QLabel()
        self._branch_label.setObjectName("Muted")
        self._prev = self._tool("‹", self.tr("Previous version"))
        self._next = self._tool("›", self.tr("Next version"))
        self._prev.clicked.connect(self._on_prev_clicked)
        self._next.clicked.connect(self._on_next_clicked)
        self._branch: Branch | None = None
        for w in (self._prev, self._branch_label, self._next):
            top.addWidget(w)
            w.hide()
        lay.addLayout(top)
        self.body = named(
            _Body(), self.tr("Your message") if role == "user" else self.tr("The reply")
        )
        self.body.anchorClicked.connect(self._on_body_anchor_clicked)
        self.bodies: list[_Body] = [self.body]  # more than one for a long reply
        self._bodies_layout = QVBoxLayout()
        self._bodies_layout.setSpacing(0)
        self._bodies_layout.addWidget(self.body)
        lay.addLayout(self._bodies_layout)
        self.sources_label = QLabel()
        self.sources_label.setObjectName("MessageSources")
        self.sources_label.setWordWrap(True)
        self.sources_label.setAccessibleName(self.tr("Sources of this reply"))
        # Tab reaches the citations; Enter opens the focused one
        self.sources_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.sources_label.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.sources_label.linkActivated.connect(self._on_sources_label_link_activated)
        self.sources_label.hide()
        lay.addWidget(self.sources_label)
        self.stats_label = QLabel()
        self.stats_label.setObjectName("MessageStats")
        self.stats_label.hide()
        lay.addWidget(self.stats_label)
        self._actions = QHBoxLayout()
        self._actions.setSpacing(2)
        self.buttons: dict[str, QToolButton] = {}
        names = ["copy", "edit", "delete"] if role == "user" else ["copy", "regenerate", "delete"]
        for name in names:
            text, tip = {
                "copy": (self.tr("Copy"), self.tr("Copy this message")),
                "edit": (self.tr("Edit"), self.tr("Edit this message")),
                "regenerate": (self.tr("Regenerate"), self.tr("Regenerate this message")),
                "delete": (self.tr("Delete"), self.tr("Delete this message")),
            }[name]
            b = self._tool(text, tip)
            b.clicked.connect(lambda _=False, n=name: self._emit(n))
            self._actions.addWidget(b)
            self.buttons[name] = b
        self._actions.addStretch(1)
        lay.addLayout(self._actions)
        self.set_streaming(message is None)
        self.set_text(self._text)
        if message is not None and role == "assistant":
            self.set_stats(stats_text(message.stats, message.finish_reason))

    def _tool(self, text: str, tip: str) -> QToolButton:
        b = QToolButton()
        b.setText(text)
        b.setToolTip(tip)
        b.setAccessibleName(tip)  # "‹" or "Copy" alone says too little to a screen reader
        b.setObjectName("MessageAction")
        b.setCursor(Qt.CursorShape.PointingHandCursor)
        return b

    def _emit(self, action: str) -> None:
        if self.message is not None:
            self.action_triggered.emit(action, self.message.id)

    # ---------------------------------------------------------------- content
    @property
    def text(self) -> str:
        return self._text

    @property
    def sources(self) -> list[dict]:
        if self.message is None or self.role != "assistant":
            return []
        return list(self.message.stats.get("sources") or [])

    def set_text(self, text: str, *, streaming: bool = False) -> None:
        self._text = text
        if self.role == "user":
            self.body.setPlainText(text)
            self._code = []
        else:
            sources = [] if streaming else self.sources
            shown = citations.link_citations(text, sources) if sources else text
            self._paint(shown, streaming)
            self._code = []  # parsed on the first click of a copy link
            # the theme's link colour, or the system's in high contrast
            link = QGuiApplication.palette().color(QPalette.ColorRole.Link).name()
            self.sources_label.setText(
                self.tr("Sources: ") + citations.sources_html(sources, link) if sources else ""
            )
            self.sources_label.setVisible(bool(sources))
        self.body.fit()

    def _paint(self, text: str, streaming: bool) -> None:
        """Paint Markdown ``text``, reusing what is on screen when ``text`` extends it."""
        dark = theme.is_dark()
        sr = self._stream
        if sr is None or sr.dark != dark or not sr.extends(text):
            sr = self._stream = markdown.StreamRender(dark=dark)
            self._drop_bodies()
        new, tail = sr.update(text, streaming=streaming)
        if sr.whole:
            self._drop_bodies()
            self.body.setHtml(tail)
        else:
            for html, n in new:
                self._open.append(html)
                self._open_chars += n
                if self._open_chars >= SEGMENT_CHARS:  # this view is complete: start the next one
                    last = self.bodies[-1]
                    last.setHtml("".join(self._open))
                    last.fit()
                    self._open, self._open_chars = [], 0
                    self._add_body()
            last = self.bodies[-1]
            last.setHtml("".join(self._open) + tail)
            last.fit()

    def _drop_bodies(self) -> None:
        for b in self.bodies[1:]:
            b.setParent(None)
            b.deleteLater()
        del self.bodies[1:]
        self._open, self._open_chars = [], 0

    def _add_body(self) -> None:
        b = named(_Body(), self.body.accessibleName())
        b.anchorClicked.connect(self._on_body_anchor_clicked)
        self._bodies_layout.addWidget(b)
        QWidget.setTabOrder(self.bodies[-1], b)  # Tab reads the reply in order
        self.bodies.append(b)

    def _on_sources_label_link_activated(self, href: str) -> None:
        self._on_body_anchor_clicked(QUrl(href))

    def set_stats(self, text: str) -> None:
        self.stats_label.setText(text)
        self.stats_label.setVisible(bool(text))

    def set_streaming(self, streaming: bool) -> None:
        for b in self.buttons.values():
            b.setVisible(not streaming)

    def set_branch(self, branch: Branch) -> None:
        show = branch.count > 1
        for w in (self._prev, self._branch_label, self._next):
            w.setVisible(show)
        if not show:
            return
        self._branch_label.setText(f"{branch.index + 1}/{branch.count}")
        self._prev.setEnabled(branch.previous is not None)
        self._next.setEnabled(branch.next is not None)
        self._branch = branch

    def _on_prev_clicked(self) -> None:
        if self._branch is not None and self._branch.previous:
            self.action_triggered.emit("branch", self._branch.previous)

    def _on_next_clicked(self) -> None:
        if self._branch is not None and self._branch.next:
            self.action_triggered.emit("branch", self._branch.next)

    def _on_body_anchor_clicked(self, url: QUrl) -> None:
        if url.scheme() == "copy":
            if not self._code:
                self._code = markdown.code_blocks(self._text)
            i = int(url.path() or 0)
            if 0 <= i < len(self._code):
                QGuiApplication.clipboard().setText(self._code[i])
        elif url.scheme() == "cite" and self.message is not None:
            self.action_triggered.emit(f"cite:{url.path()}", self.message.id)
        elif url.scheme() in ("http", "https", "mailto"):
            QDesktopServices.openUrl(url)
