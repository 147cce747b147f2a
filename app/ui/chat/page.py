"""The Chats page: conversation list, model bar, transcript, context meter, composer.

Order of saving: the user's message is written before its reply is requested; the
reply is written when it completes (or is stopped), so a crash loses at most the
reply in flight. Replies are requested with ``TruncationPolicy.DROP_OLDEST``; when
turns are dropped the user is told, under the reply and in a banner.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.chats.types import Conversation, Message
from app.engine.types import (
    ChatMessage,
    FinishReason,
    GenerationRequest,
    GenerationResult,
    SamplingParams,
    TruncationPolicy,
)
from app.ui.bridge import GenerationRelay, watch_future
from app.ui.chat.composer import Composer
from app.ui.chat.conversation_actions import ConversationActionsMixin
from app.ui.chat.conversation_list import ConversationList
from app.ui.chat.documents_mixin import DocumentsChatMixin
from app.ui.chat.edit_dialog import EditMessageDialog
from app.ui.chat.model_bar import ModelBar
from app.ui.chat.settings_panel import ChatSettingsPanel, sampling_kwargs
from app.ui.chat.transcript import TranscriptView
from app.ui.errors import one_line
from app.ui.model_controller import ModelController
from app.ui.services import AppServices
from app.ui.widgets import Banner


class ChatPage(DocumentsChatMixin, ConversationActionsMixin, QWidget):
    reply_finished = Signal(object)  # GenerationResult
    load_dialog_requested = Signal(str)

    def __init__(self, services: AppServices, models: ModelController) -> None:
        super().__init__()
        self.services = services
        self.store = services.chats
        self.models = models
        self.conv: Conversation | None = None
        self.handle: Any = None
        self.relay: GenerationRelay | None = None
        self.pending_reply: str | None = None  # user message waiting for a model
        self._meter_seq = 0

        self.list = ConversationList(self.store)
        self.model_bar = ModelBar()
        self.transcript = TranscriptView()
        self.banner = Banner()
        self.composer = Composer()
        self.panel = ChatSettingsPanel()
        self.panel.hide()
        self.meter = QProgressBar()
        self.meter.setMaximumHeight(8)
        self.meter.setTextVisible(False)
        self.meter_label = QLabel(self.tr("No model loaded"))
        self.meter_label.setObjectName("Muted")
        self.meter.setAccessibleName(self.tr("Context used"))
        # screen readers hear "Reply finished" through this label's Alert event
        self.live = QLabel()
        self.live.setObjectName("LiveStatus")
        self.live.setAccessibleName(self.tr("Reply status"))
        self.live.setFixedHeight(0)  # read by screen readers, never painted
        self.live.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)

        center = QWidget()
        c = QVBoxLayout(center)
        c.setContentsMargins(0, 0, 0, 0)
        c.setSpacing(0)
        c.addWidget(self.model_bar)
        c.addWidget(self.banner)
        c.addWidget(self.transcript, 1)
        meter_row = QHBoxLayout()
        meter_row.setContentsMargins(24, 2, 24, 0)
        meter_row.addWidget(self.meter, 1)
        meter_row.addWidget(self.meter_label)
        c.addLayout(meter_row)
        c.addWidget(self.composer)
        c.addWidget(self.live)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("ChatSplitter")
        self.splitter.addWidget(self.list)
        self.splitter.addWidget(center)
        self.splitter.addWidget(self.panel)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([240, 800, 260])
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.splitter)

        self.list.conversation_selected.connect(self.open_conversation)
        self.list.new_requested.connect(self.new_conversation)
        self.list.rename_requested.connect(self._on_list_rename_requested)
        self.list.delete_requested.connect(self._on_list_delete_requested)
        self.list.export_requested.connect(self._on_list_export_requested)
        self.list.import_requested.connect(self._on_list_import_requested)
        self.composer.sent.connect(self.send)
        self.composer.stop_requested.connect(self.stop)
        self.transcript.action_triggered.connect(self._on_transcript_action_triggered)
        self.panel.changed.connect(self._on_panel_changed)
        self.model_bar.panel_toggled.connect(self.panel.setVisible)
        self.model_bar.model_chosen.connect(self._on_model_bar_model_chosen)
        self.model_bar.settings_requested.connect(self.load_dialog_requested)
        self.model_bar.eject_requested.connect(self.models.unload)
        self.model_bar.cancel_requested.connect(self.models.cancel_load)
        models.loading_started.connect(self.model_bar.set_loading)
        models.load_progressed.connect(self.model_bar.set_progress)
        models.loaded.connect(self._on_models_loaded)
        models.load_failed.connect(self._on_models_load_failed)
        models.unloaded.connect(self._on_models_unloaded)
        self._init_documents()

    # ------------------------------------------------------------ conversations
    def start(self) -> None:
        """Fill the list and open the most recent chat."""
        self.list.refresh()
        convs = self.store.conversations()
        if convs:
            self.open_conversation(convs[0].id)
        self.model_bar.refresh_catalog(self._known_paths())
        if self.models.current is not None:
            self._on_models_loaded(self.models.current)

    def _known_paths(self) -> list[str]:
        refs = [self.models.current_ref or "", self.services.settings.models.last_model or ""]
        return [r for r in refs if r]

    @property
    def busy(self) -> bool:
        return self.handle is not None or self._retrieving

    def new_conversation(self) -> Conversation:
        if self.busy:
            self.stop()
        model = self.models.current_ref or (self.conv.model if self.conv else None)
        self.conv = self.store.create_conversation(model=model)
        self.list.current_id = self.conv.id
        self.list.refresh()
        self._show_conversation()
        self.composer.edit.setFocus()
        return self.conv

    def open_conversation(self, conv_id: str) -> None:
        if self.busy and self.conv and self.conv.id != conv_id:
            self.stop()
        self.conv = self.store.conversation(conv_id)
        self.list.select(conv_id)
        self._show_conversation()
        self.collections.set_chosen(self.attached_collections())

    def _show_conversation(self) -> None:
        assert self.conv is not None
        self.panel.load(self.conv.system, self.conv.params)
        self.model_bar.select(self.conv.model or self.models.current_ref)
        self.reload()

    def reload(self, *, rebuild: bool = False) -> None:
        """Show the current branch of the open conversation from the store."""
        if self.conv is None:
            self.transcript.show_messages([], self.store.branch, {})
            return
        path = self.store.path(self.conv.id)
        labels = {m.id: self.tr("Assistant · %s") % (Path(m.model).stem if m.model.endswith(".gguf") else m.model,)
                  for m in path if m.role == "assistant" and m.model}  # fmt: skip
        self.transcript.show_messages(path, self.store.branch, labels, rebuild=rebuild)
        self.update_meter()

    # ------------------------------------------------------------------ sending
    def send(self, text: str) -> None:
        if self.busy:
            return
        if self.conv is None:
            self.new_conversation()
        assert self.conv is not None
        path = self.store.path(self.conv.id)
        parent = path[-1].id if path else None
        user = self.store.add_message(
            self.conv.id, "user", text, parent_id=parent
        )  # saved before the reply
        self.conv = self.store.conversation(self.conv.id)
        self.list.refresh()
        self.reply_to(user.id)

    def reply_to(self, user_msg_id: str) -> None:
        """Generate a new reply under ``user_msg_id`` (a sibling if it has replies)."""
        assert self.conv is not None
        want = self.conv.model
        if self.models.current is None or (
            want and self.models.current_ref and want != self.models.current_ref
        ):
            self.pending_reply = user_msg_id
            self.reload()
            if self.models.loading is None:
                if want:
                    self.models.load_name(want)
                else:
                    self.banner.show_message(
                        self.tr(
                            "No model is loaded. Choose one in the bar above; the reply starts when it has loaded."
                        ),
                        error=True,
                    )
            return
        if self.conv.model is None and self.models.current_ref:
            self.conv = self.store.update_conversation(self.conv.id, model=self.models.current_ref)
        self.pending_reply = None
        path = self.store.path(self.conv.id, leaf=user_msg_id)
        request = self._request(path)
        self.transcript.show_messages(path, self.store.branch, {})
        self.transcript.begin_reply(self.tr("Assistant · %s") % (self.models.current.name,))
        self.relay = GenerationRelay()
        self.relay.delta_received.connect(self._on_relay_delta_received)
        self.relay.finished.connect(lambda r, pid=user_msg_id: self._on_relay_finished(pid, r))
        self.relay.failed.connect(self._on_relay_failed)
        self.composer.set_busy(True)
        self.banner.hide()
        attached = self.attached_collections()
        if attached:
            self._reply_from_documents(user_msg_id, path, attached)
            return
        try:
            self.handle = self.services.ensure_inference().submit(
                request, on_event=self.relay.on_event
            )
        except Exception as exc:
            self._on_relay_failed(exc)

    def _preset(self) -> Any:
        """The loaded name's preset (a persona's system prompt, few-shot turns, sampling, stops)."""
        rm = self.models.resolved
        return (
            rm
            if rm is not None
            and self.models.current_ref == (self.conv.model if self.conv else None)
            else None
        )

    def _request(self, path: list[Message], *, max_tokens: int | None = -1) -> GenerationRequest:
        """The chat's own system prompt and parameters win over the persona's."""
        assert self.conv is not None
        params = self.conv.params
        rm = self._preset()
        if rm is not None:
            preamble = rm.preamble(self.conv.system)
            sampling = rm.sampling(**sampling_kwargs(params))
            stop = tuple(rm.stop)
            preset_max = rm.max_tokens
        else:
            preamble = [ChatMessage("system", self.conv.system)] if self.conv.system else []
            sampling = SamplingParams(**sampling_kwargs(params))
            stop, preset_max = (), None
        msgs = preamble + [ChatMessage(m.role, m.content) for m in path]
        mt = (params.get("max_tokens") or preset_max or None) if max_tokens == -1 else max_tokens
        return GenerationRequest(
            messages=tuple(msgs),
            sampling=sampling,
            max_tokens=mt,
            stop=stop,
            truncation=TruncationPolicy.DROP_OLDEST,
        )

    def stop(self) -> None:
        if self.handle is not None:
            self.handle.cancel()
        elif self._retrieving:
            self._cancel_retrieval = True  # the answer is cancelled as soon as it starts

    def shutdown(self) -> None:
        """The window is closing: stop the reply and stop listening to it (it is saved if it completes
        before the engine notices the cancel; otherwise the user's message is already on disk)."""
        self.stop()
        if self.relay is not None:
            for sig in (self.relay.delta_received, self.relay.finished, self.relay.failed):
                try:
                    sig.disconnect()
                except (RuntimeError, TypeError):
                    pass

    def _on_relay_delta_received(self, text: str) -> None:
        self.transcript.append(text)

    def _on_relay_finished(self, parent_id: str, result: GenerationResult) -> None:
        self.handle = None
        self.composer.set_busy(False)
        conv_id = self.store.message(parent_id).conversation_id
        saved: Message | None = None
        if result.text or result.finish_reason is not FinishReason.CANCELLED:
            stats = {**result.stats.to_dict(), **self._source_stats()}
            if result.dropped_messages:
                stats["dropped_messages"] = result.dropped_messages
            lm = self.models.current
            saved = self.store.add_message(
                conv_id, "assistant", result.text, parent_id=parent_id, stats=stats,
                finish_reason=result.finish_reason.value, model=self.models.current_ref or (lm.name if lm else None),
            )  # fmt: skip
        self.transcript.end_reply(saved, self.store.branch(saved.id) if saved else None)
        if self.conv is not None and self.conv.id == conv_id:
            self.conv = self.store.conversation(conv_id)
            self.update_meter()
        self.list.refresh()
        self._announce_reply(result)
        if result.dropped_messages:
            self.banner.show_message(
                self.tr(
                    "%s older messages did not fit in the context and were left out of this reply."
                )
                % (result.dropped_messages,)
            )
        self.reply_finished.emit(result)

    def _announce_reply(self, result: GenerationResult) -> None:
        from app.ui.widgets import announce

        text = self.tr("Reply finished: %s") % result.text[:300]
        self.live.setText(text)
        announce(self.live, text)

    def _on_relay_failed(self, exc: BaseException) -> None:
        self._sources = ()
        self.transcript.end_reply(None)
        self.handle = None
        self.composer.set_busy(False)
        self.reload()
        self.banner.show_message(one_line(exc), error=True)

    # ---------------------------------------------------------- message actions
    def _on_transcript_action_triggered(self, action: str, msg_id: str) -> None:
        if action.startswith("cite:"):
            self.open_source(msg_id, int(action.split(":", 1)[1]))
            return
        if self.busy and action != "copy":
            return
        m = self.store.message(msg_id)
        if action == "copy":
            QGuiApplication.clipboard().setText(m.content)
        elif action == "regenerate" and m.parent_id:
            self.reply_to(m.parent_id)
        elif action == "edit":
            dlg = EditMessageDialog(m.content, self)
            if dlg.exec():
                self.edit_and_resend(msg_id, dlg.text())
        elif action == "delete":
            hidden = self.store.delete_message(msg_id)
            self.reload()
            self.banner.show_message(self.tr("Message deleted."), action=self.tr("Undo"), timeout_ms=10000,
                                     callback=lambda: (self.store.restore_message(hidden), self.reload()))  # fmt: skip
        elif action == "branch":
            self.store.switch_to(msg_id)
            self.reload()

    def edit_and_resend(self, msg_id: str, text: str) -> None:
        """Add the edited text as a sibling of ``msg_id`` (a new branch) and reply to it."""
        m = self.store.message(msg_id)
        if not text.strip() or text == m.content:
            return
        new = self.store.add_message(m.conversation_id, "user", text, parent_id=m.parent_id)
        self.reply_to(new.id)

    # ------------------------------------------------------------ context meter
    def update_meter(self) -> None:
        lm = self.models.current
        if lm is None or self.conv is None or self.services.inference is None:
            self.meter.setValue(0)
            self.meter_label.setText(self.tr("No model loaded") if lm is None else "")
            return
        path = self.store.path(self.conv.id)
        if not path and not self.conv.system:
            self.meter.setRange(0, lm.n_ctx)
            self.meter.setValue(0)
            self.meter_label.setText(self.tr("0 / %s tokens") % (format(lm.n_ctx, ","),))
            return
        req = self._request(path, max_tokens=None) if path else None
        self._meter_seq += 1
        seq = self._meter_seq

        def count(b: Any) -> tuple[int, int, int]:
            if req is None:
                return 0, 0, b.n_ctx
            toks, dropped = b.prompt_tokens(req)
            return len(toks), dropped, b.n_ctx

        def show(v: tuple[int, int, int]) -> None:
            if seq != self._meter_seq:
                return
            used, dropped, n_ctx = v
            self.meter.setRange(0, n_ctx)
            self.meter.setValue(min(used, n_ctx))
            text = f"{used:,} / {n_ctx:,} tokens"
            if dropped:
                text += f" · {dropped} oldest messages will be left out"
            self.meter_label.setText(text)

        watch_future(
            self.services.inference.call(count),
            show,
            lambda e: self.meter_label.setText(one_line(e)),
        )

    def _on_panel_changed(self, system: str | None, params: dict) -> None:
        if self.conv is None:
            self.new_conversation()
        assert self.conv is not None
        self.conv = self.store.update_conversation(
            self.conv.id, system=system, params=self._with_collections(params)
        )
        self.update_meter()

    # ------------------------------------------------------------ model events
    def _on_model_bar_model_chosen(self, name: str) -> None:
        if self.conv is not None:
            persona = name if self.model_bar.kinds.get(name) == "persona" else None
            self.conv = self.store.update_conversation(self.conv.id, model=name, persona=persona)
        if name != self.models.current_ref:
            self.models.load_name(name)

    def _on_models_loaded(self, lm: Any) -> None:
        self.model_bar.set_loading(None)
        self.model_bar.set_state(self._loaded_state(lm))
        self.model_bar.select(self.models.current_ref)
        self.banner.hide()
        self.update_meter()
        if self.pending_reply is not None:
            pid, self.pending_reply = self.pending_reply, None
            if self.conv is not None and self.conv.model != self.models.current_ref:
                self.conv = self.store.update_conversation(
                    self.conv.id, model=self.models.current_ref
                )
            self.reply_to(pid)

    def _loaded_state(self, lm: Any) -> str:
        return self.tr("%s · %s ctx · %s") % (lm.name, format(lm.n_ctx, ","), lm.quantization)

    def _on_models_load_failed(self, message: str) -> None:
        self.model_bar.set_loading(None)
        lm = self.models.current  # the bar said "Loading …": say again what is loaded
        self.model_bar.set_state(
            self.tr("No model loaded") if lm is None else self._loaded_state(lm)
        )
        self.pending_reply = None
        if not self.models.cancelled:  # the user stopped it: not an error to report
            self.banner.show_message(message, error=True)

    def _on_models_unloaded(self) -> None:
        self.model_bar.set_state(self.tr("No model loaded"))
        self.update_meter()
