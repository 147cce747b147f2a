"""Conversations grouped by date, with full-text search and a context menu."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QMenu,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.chats.store import ChatStore
from app.chats.types import Conversation, SearchHit
from app.ui.bridge import run_op

ID_ROLE = Qt.ItemDataRole.UserRole


def date_group(ts: float, today: date | None = None) -> str:
    """ "Today", "Yesterday", "Previous 7 days", "Previous 30 days", or "Month YYYY"."""
    today = today or date.today()
    d = datetime.fromtimestamp(ts).date()
    if d >= today:
        return QCoreApplication.translate("ConversationList", "Today")
    if d == today - timedelta(days=1):
        return QCoreApplication.translate("ConversationList", "Yesterday")
    if d > today - timedelta(days=7):
        return QCoreApplication.translate("ConversationList", "Previous 7 days")
    if d > today - timedelta(days=30):
        return QCoreApplication.translate("ConversationList", "Previous 30 days")
    return d.strftime("%B %Y")


class ConversationList(QWidget):
    """Signals carry conversation ids; the page does the work."""

    conversation_selected = Signal(str)
    new_requested = Signal()
    rename_requested = Signal(str)
    delete_requested = Signal(str)
    export_requested = Signal(str, str)  # id, "md" | "json"
    import_requested = Signal()

    def __init__(self, store: ChatStore) -> None:
        super().__init__()
        self.store = store
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 8, 4, 8)
        top = QHBoxLayout()
        self.new_button = QPushButton(self.tr("New chat"))
        self.new_button.setToolTip(self.tr("Start a new conversation (Ctrl+N)"))
        self.new_button.clicked.connect(self.new_requested)
        top.addWidget(self.new_button, 1)
        imp = QPushButton(self.tr("Import…"))
        imp.setToolTip(self.tr("Import a conversation exported as JSON"))
        imp.clicked.connect(self.import_requested)
        top.addWidget(imp)
        lay.addLayout(top)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search chats (Ctrl+K)"))
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName(self.tr("Search chats"))
        self.search.textChanged.connect(self._on_search_text_changed)
        lay.addWidget(self.search)
        self.tree = QTreeWidget()
        self.tree.setObjectName("ConversationList")
        self.tree.setAccessibleName(self.tr("Chats"))
        self.tree.setAccessibleDescription(
            self.tr("Your conversations by date; the context menu renames, exports or deletes")
        )
        self.tree.setHeaderHidden(True)
        self.tree.setRootIsDecorated(False)
        self.tree.setIndentation(6)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._on_tree_context_menu)
        self.tree.itemClicked.connect(self._on_tree_item_clicked)
        self.tree.itemActivated.connect(self._on_tree_item_clicked)
        lay.addWidget(self.tree, 1)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(150)
        self._search_timer.timeout.connect(self.refresh)
        self.current_id: str | None = None
        self._generation = 0  # of refresh(): a slower, older read is not shown

    def refresh(self) -> None:
        """Rebuild from the store: grouped by date, or search results while searching.

        The store is read on a worker thread (a long history's search takes tens of
        milliseconds); only the newest refresh's result is shown.
        """
        query = self.search.text().strip()
        self._generation += 1
        generation = self._generation

        def read() -> list[SearchHit] | list[Conversation]:
            return self.store.search(query) if query else self.store.conversations()

        run_op(
            read,
            lambda rows: self._show(generation, query, rows),
            owner=self,
            name="hearth-chat-list",
        )

    def _show(
        self, generation: int, query: str, rows: list[SearchHit] | list[Conversation]
    ) -> None:
        if generation != self._generation:  # a newer refresh is on its way
            return
        self.tree.clear()
        if query:
            hits = [h for h in rows if isinstance(h, SearchHit)]
            group = QTreeWidgetItem(
                [self.tr("%d found") % len(hits) if hits else self.tr("Nothing found")]
            )
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.tree.addTopLevelItem(group)
            for h in hits:
                item = QTreeWidgetItem([h.conversation.title])
                item.setData(0, ID_ROLE, h.conversation.id)
                item.setToolTip(0, h.snippet)
                if h.message_id:
                    item.setText(
                        0, f"{h.conversation.title}\n   {h.snippet.replace(chr(10), ' ')[:70]}"
                    )
                group.addChild(item)
            group.setExpanded(True)
            return
        groups: dict[str, QTreeWidgetItem] = {}
        today = date.today()
        for c in rows:
            assert isinstance(c, Conversation)
            name = date_group(c.updated, today)
            if name not in groups:
                g = QTreeWidgetItem([name])
                g.setFlags(Qt.ItemFlag.ItemIsEnabled)
                f = g.font(0)
                f.setBold(True)
                g.setFont(0, f)
                self.tree.addTopLevelItem(g)
                g.setExpanded(True)
                groups[name] = g
            self._add_item(groups[name], c)
        self.select(self.current_id)

    def _add_item(self, parent: QTreeWidgetItem, c: Conversation) -> None:
        item = QTreeWidgetItem([c.title])
        item.setData(0, ID_ROLE, c.id)
        item.setToolTip(
            0,
            self.tr("%s\nLast message %s")
            % (c.title, time.strftime("%Y-%m-%d %H:%M", time.localtime(c.updated))),
        )
        parent.addChild(item)

    def items(self) -> list[QTreeWidgetItem]:
        out = []
        for i in range(self.tree.topLevelItemCount()):
            g = self.tree.topLevelItem(i)
            out += [g.child(j) for j in range(g.childCount())]
        return out

    def select(self, conv_id: str | None) -> None:
        self.current_id = conv_id
        for item in self.items():
            if item.data(0, ID_ROLE) == conv_id:
                self.tree.setCurrentItem(item)
                return
        self.tree.clearSelection()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _on_search_text_changed(self, _text: str) -> None:
        self._search_timer.start()

    def _on_tree_item_clicked(self, item: QTreeWidgetItem, _col: int = 0) -> None:
        cid = item.data(0, ID_ROLE)
        if cid:
            self.current_id = cid
            self.conversation_selected.emit(cid)

    def _on_tree_context_menu(self, pos) -> None:
        item = self.tree.itemAt(pos)
        cid = item.data(0, ID_ROLE) if item else None
        if not cid:
            return
        menu = QMenu(self)
        menu.addAction(self.tr("Rename…"), lambda: self.rename_requested.emit(cid))
        menu.addAction(
            self.tr("Export as Markdown…"), lambda: self.export_requested.emit(cid, "md")
        )
        menu.addAction(self.tr("Export as JSON…"), lambda: self.export_requested.emit(cid, "json"))
        menu.addSeparator()
        menu.addAction(self.tr("Delete"), lambda: self.delete_requested.emit(cid))
        menu.exec(self.tree.viewport().mapToGlobal(pos))
