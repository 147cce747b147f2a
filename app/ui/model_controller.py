"""Loading models from the window: resolve a name, load in the background, report progress.

The InferenceService does the work on its own thread; this object turns its
progress and "loaded"/"load_failed" events into signals on the GUI thread and keeps
track of which name (library model, persona or path) is loaded.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from app.engine.types import LoadedModel, LoadOptions
from app.ui.bridge import EngineRelay, run_op
from app.ui.errors import one_line
from app.ui.services import AppServices


def default_options(services: AppServices, path: Path, **overrides: Any) -> LoadOptions:
    """LoadOptions from the engine settings, with explicit overrides on top."""
    e = services.settings.engine
    kw: dict[str, Any] = dict(
        path=path, n_ctx=e.n_ctx, gpu_layers=e.gpu_layers, n_threads=e.n_threads, n_batch=e.n_batch,
        flash_attn=e.flash_attn, kv_type=e.kv_type, use_mmap=e.use_mmap, use_mlock=e.use_mlock,
        max_default_ctx=e.max_default_ctx, n_parallel=e.n_parallel or 1,
    )  # fmt: skip
    kw.update({k: v for k, v in overrides.items() if k in LoadOptions.__dataclass_fields__})
    return LoadOptions(**kw)


class ModelController(QObject):
    loading_started = Signal(str)  # display name
    load_progressed = Signal(float)
    loaded = Signal(object)  # LoadedModel
    load_failed = Signal(str)  # one sentence + suggestion
    unloaded = Signal()

    def __init__(self, services: AppServices) -> None:
        super().__init__()
        self.services = services
        self.relay = EngineRelay()
        self.relay.model_loaded.connect(self._on_relay_model_loaded)
        self.relay.load_failed.connect(self._on_relay_load_failed)
        self.relay.model_unloaded.connect(self._on_relay_model_unloaded)
        self.relay.load_progressed.connect(self.load_progressed)
        self._attached = False
        self._detached = False
        self._cancel = False
        self.loading: str | None = None  # the name being loaded
        self.current_ref: str | None = None  # the name the loaded model was asked for
        self.resolved: Any = (
            None  # ResolvedModel of current_ref (a persona's prompt, sampling, stops)
        )
        self._pending_resolved: Any = None
        self.last_error: str | None = None

    def attach(self) -> None:
        """Listen to the InferenceService (creating it if needed)."""
        if self._attached:
            return
        svc = self.services.ensure_inference()
        svc.add_listener(self._on_service_event)
        self._attached = True
        if svc.loaded is not None and self.current_ref is None:
            self.current_ref = str(svc.loaded.path)

    def _on_service_event(self, kind: str, payload: Any) -> None:  # engine thread
        if not self._detached:
            self.relay.on_service_event(kind, payload)

    def detach(self) -> None:
        """Stop relaying engine events (the window is closing; the engine may live on)."""
        self._detached = True

    @property
    def current(self) -> LoadedModel | None:
        svc = self.services.inference
        return svc.loaded if svc is not None else None

    def load_name(self, name: str, **overrides: Any) -> None:
        """Resolve a library name, persona or path (off the GUI thread), then load it."""
        self.loading = name
        self._cancel = False
        self.loading_started.emit(Path(name).name if name.endswith(".gguf") else name)

        def resolve() -> Any:
            from app.resolve import resolve_model

            return resolve_model(name)

        def resolved(rm: Any) -> None:
            if self._cancel:  # Cancel was clicked while the name was being resolved
                self._on_relay_load_failed(RuntimeError("cancelled"))
                return
            extra = dict(rm.load_overrides)
            if rm.n_ctx:
                extra.setdefault("n_ctx", rm.n_ctx)
            if rm.lora_paths:
                extra.setdefault("lora_paths", rm.lora_paths)
            extra.update(overrides)
            self._start_load(default_options(self.services, rm.path, **extra), name, rm)

        run_op(resolve, resolved, self._on_relay_load_failed)

    def load(self, opts: LoadOptions, *, ref: str | None = None, resolved: Any = None) -> None:
        self._cancel = False
        self._start_load(opts, ref, resolved)

    def _start_load(self, opts: LoadOptions, ref: str | None, resolved: Any) -> None:
        self.attach()
        self._pending_resolved = resolved
        self.loading = ref or str(opts.path)
        self.last_error = None
        self.loading_started.emit(opts.path.stem if ref is None or ref.endswith(".gguf") else ref)

        def progress(p: float) -> bool:  # engine thread
            self.relay.load_progressed.emit(p)
            return not self._cancel

        self.services.ensure_inference().load(opts, on_progress=progress)

    def cancel_load(self) -> None:
        self._cancel = True

    @property
    def cancelled(self) -> bool:
        """Whether the last load was stopped by :meth:`cancel_load`."""
        return self._cancel

    def unload(self) -> None:
        if self.services.inference is not None:
            self.services.inference.unload()

    def _on_relay_model_loaded(self, lm: LoadedModel) -> None:
        self.current_ref = self.loading or str(lm.path)
        self.resolved, self._pending_resolved = self._pending_resolved, None
        self.loading = None
        s = self.services.settings
        s.models.last_model = self.current_ref
        try:
            self.services.save_settings()
        except Exception:  # remembering the model is a nicety; loading succeeded
            pass
        self.loaded.emit(lm)

    def _on_relay_load_failed(self, exc: BaseException) -> None:
        self.loading = None
        if self.current is None:  # the engine unloads the old model before loading a new one
            self.current_ref = None
            self.resolved = None
        self.last_error = self.tr("Loading stopped.") if self._cancel else one_line(exc)
        self.load_failed.emit(self.last_error)

    def _on_relay_model_unloaded(self) -> None:
        self.current_ref = None
        self.resolved = None
        self.unloaded.emit()
