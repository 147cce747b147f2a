"""Conversation-level actions of the Chats page: rename, delete (with undo), export, import.

A mixin of :class:`~app.ui.chat.page.ChatPage` (it uses the page's store, list, banner
and ``open_conversation``), kept apart so each module stays small.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QInputDialog

from app.chats.types import Conversation
from app.ui.bridge import run_op
from app.ui.errors import one_line


class ConversationActionsMixin:
    store: Any
    list: Any
    banner: Any
    conv: Conversation | None

    def _on_list_rename_requested(self, conv_id: str) -> None:
        c = self.store.conversation(conv_id)
        title, ok = QInputDialog.getText(
            self,
            QCoreApplication.translate("ChatPage", "Rename chat"),
            QCoreApplication.translate("ChatPage", "Name:"),
            text=c.title,
        )
        if ok and title.strip():
            self.rename(conv_id, title)

    def rename(self, conv_id: str, title: str) -> None:
        old = self.store.conversation(conv_id).title
        self.store.rename(conv_id, title)
        self.list.refresh()
        self.banner.show_message(QCoreApplication.translate("ChatPage", "Renamed to “%s”.") % (title.strip(),), action=QCoreApplication.translate("ChatPage", "Undo"), timeout_ms=10000,
                                 callback=lambda: (self.store.rename(conv_id, old), self.list.refresh()))  # fmt: skip

    def _on_list_delete_requested(self, conv_id: str) -> None:
        self.delete_conversation(conv_id)

    def delete_conversation(self, conv_id: str) -> None:
        title = self.store.conversation(conv_id).title
        self.store.delete_conversation(conv_id)
        if self.conv is not None and self.conv.id == conv_id:
            self.stop()
            self.conv = None
            rest = self.store.conversations()
            if rest:
                self.open_conversation(rest[0].id)
            else:
                self.reload()
        self.list.refresh()
        self.banner.show_message(QCoreApplication.translate("ChatPage", "Deleted “%s”.") % (title,), action=QCoreApplication.translate("ChatPage", "Undo"), timeout_ms=15000,
                                 callback=lambda: self.undo_delete(conv_id))  # fmt: skip

    def undo_delete(self, conv_id: str) -> None:
        self.store.restore_conversation(conv_id)
        self.list.refresh()
        self.open_conversation(conv_id)

    def _on_list_export_requested(self, conv_id: str, fmt: str) -> None:
        c = self.store.conversation(conv_id)
        safe = (
            "".join(ch if ch.isalnum() or ch in " -_" else "_" for ch in c.title).strip() or "chat"
        )
        ext = "md" if fmt == "md" else "json"
        flt = (
            QCoreApplication.translate("ChatPage", "Markdown (*.md)")
            if fmt == "md"
            else QCoreApplication.translate("ChatPage", "JSON (*.json)")
        )
        path, _ = QFileDialog.getSaveFileName(
            self,
            QCoreApplication.translate("ChatPage", "Export chat"),
            str(Path.home() / f"{safe}.{ext}"),
            flt,
        )
        if path:
            self.export(conv_id, Path(path))

    def export(self, conv_id: str, path: Path) -> None:
        from app.chats.export import write_export

        run_op(lambda: write_export(self.store, conv_id, path),
               lambda p: self.banner.show_message(QCoreApplication.translate("ChatPage", "Exported to %s.") % (p,), timeout_ms=8000),
               lambda e: self.banner.show_message(one_line(e), error=True))  # fmt: skip

    def _on_list_import_requested(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            QCoreApplication.translate("ChatPage", "Import chat"),
            str(Path.home()),
            QCoreApplication.translate("ChatPage", "Hearth chat export (*.json)"),
        )
        if path:
            self.import_path(Path(path))

    def import_path(self, path: Path) -> None:
        from app.chats.export import import_file

        def done(conv: Conversation) -> None:
            self.list.refresh()
            self.open_conversation(conv.id)
            self.banner.show_message(
                QCoreApplication.translate("ChatPage", "Imported “%s”.") % (conv.title,),
                timeout_ms=8000,
            )

        run_op(
            lambda: import_file(self.store, path),
            done,
            lambda e: self.banner.show_message(one_line(e), error=True),
        )
