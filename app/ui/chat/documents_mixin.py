"""Chats that answer from documents: attach collections, reply with numbered sources, open a source.

Mixed into :class:`ChatPage`. Retrieval (embedding the question, searching Chroma) runs
on a worker thread through ``run_op``; the reply then streams like any other. The sources
are saved with the reply, so its citations still open after a restart.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from app.chats.types import Message
from app.engine.types import ChatMessage
from app.ui.bridge import run_op
from app.ui.chat.citations import CollectionPicker, SourceDialog
from app.ui.chat.settings_panel import sampling_kwargs
from app.ui.errors import one_line


class DocumentsChatMixin:
    collections: CollectionPicker
    source_dialog: SourceDialog | None
    _sources: tuple[Any, ...]
    _retrieving: bool
    _cancel_retrieval: bool

    def _init_documents(self) -> None:
        self.collections = CollectionPicker()
        self.source_dialog = None
        self._sources = ()
        self._retrieving = False
        self._cancel_retrieval = False
        self.collections.changed.connect(self._on_collections_changed)
        self.collections.menu_.aboutToShow.connect(self.refresh_collections)
        self.model_bar.layout().insertWidget(2, self.collections)  # type: ignore[attr-defined]
        QWidget.setTabOrder(self.model_bar.load_button, self.collections)  # type: ignore[attr-defined]

    # ------------------------------------------------------------ attaching
    def attached_collections(self) -> list[str]:
        conv = self.conv  # type: ignore[attr-defined]
        return list((conv.params or {}).get("collections") or []) if conv is not None else []

    def refresh_collections(self) -> None:
        """Ask the RAG service for the collection names (off the GUI thread: it may import Chroma)."""
        services = self.services  # type: ignore[attr-defined]

        def names() -> list[str]:
            return [c.name for c in services.rag.collections()]

        run_op(names, self.collections.set_available, lambda _e: None, name="hearth-collections")

    def set_collections(self, names: list[str]) -> None:
        self.collections.set_chosen(names)
        self._on_collections_changed(names)

    def _on_collections_changed(self, names: list[str]) -> None:
        if self.conv is None:  # type: ignore[attr-defined]
            self.new_conversation()  # type: ignore[attr-defined]
        conv = self.conv  # type: ignore[attr-defined]
        params = {k: v for k, v in (conv.params or {}).items() if k != "collections"}
        if names:
            params["collections"] = list(names)
        self.conv = self.store.update_conversation(conv.id, params=params)  # type: ignore[attr-defined]

    def _with_collections(self, params: dict[str, Any]) -> dict[str, Any]:
        attached = self.attached_collections()
        return {**params, "collections": attached} if attached else dict(params)

    # ------------------------------------------------------------ replying
    def _reply_from_documents(
        self, user_msg_id: str, path: list[Message], names: list[str]
    ) -> None:
        """Retrieve, fit the passages into the prompt and stream the answer (relay already set up)."""
        services, relay = self.services, self.relay  # type: ignore[attr-defined]
        request = self._request(path)  # type: ignore[attr-defined]
        params = self.conv.params  # type: ignore[attr-defined]
        messages = [ChatMessage(m.role, m.content) for m in request.messages]
        max_tokens = request.max_tokens or 512
        self._retrieving = True
        self._cancel_retrieval = False
        self._sources = ()
        self.transcript.streaming.set_stats(
            QCoreApplication.translate("ChatPage", "Searching your documents…")
        )  # type: ignore[attr-defined]

        def work() -> Any:
            from app.engine.types import SamplingParams

            return services.rag.answer_stream(
                services.ensure_inference(), names, messages, max_tokens=max_tokens,
                sampling=SamplingParams(**sampling_kwargs(params)), stop=request.stop,
                on_event=relay.on_event,
            )  # fmt: skip

        def started(answer: Any) -> None:
            self._retrieving = False
            self._sources = tuple(answer.sources)
            if self._cancel_retrieval:
                answer.handle.cancel()
            if not answer.handle.done and relay is self.relay:  # type: ignore[attr-defined]
                self.handle = answer.handle  # type: ignore[attr-defined]

        def failed(exc: BaseException) -> None:
            self._retrieving = False
            self._on_relay_failed(exc)  # type: ignore[attr-defined]

        run_op(work, started, failed, name="hearth-rag-answer")

    def _source_stats(self) -> dict[str, Any]:
        sources, self._sources = self._sources, ()
        return {"sources": [s.to_dict() for s in sources]} if sources else {}

    def open_source(self, msg_id: str, number: int) -> SourceDialog | None:
        m = self.store.message(msg_id)  # type: ignore[attr-defined]
        source = next((s for s in m.stats.get("sources") or [] if int(s["number"]) == number), None)
        if source is None:
            self.banner.show_message(
                QCoreApplication.translate(
                    "ChatPage", "That source is not recorded with this reply."
                )
            )  # type: ignore[attr-defined]
            return None
        try:
            dlg = SourceDialog(source, self)  # type: ignore[arg-type]
        except Exception as exc:
            self.banner.show_message(one_line(exc), error=True)  # type: ignore[attr-defined]
            return None
        self.source_dialog = dlg
        dlg.show()
        return dlg
