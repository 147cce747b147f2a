"""Start and stop the API server inside the app: the same ``create_app`` + ``ServerThread``
that ``hearth serve`` uses, over the window's own InferenceService, RAG service and downloads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal

from app.ui.bridge import run_op
from app.ui.services import AppServices


@dataclass(frozen=True)
class ServerOptions:
    host: str = "127.0.0.1"
    port: int = 11435
    lan: bool = False
    require_key: bool = True
    cors_origins: tuple[str, ...] = ()


class ServerController(QObject):
    """One server at a time. ``started(url)``, ``stopped()``, ``failed(exc)`` on the GUI thread."""

    started = Signal(str)
    stopped = Signal()
    failed = Signal(object)

    def __init__(self, services: AppServices, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.thread: Any = None
        self.busy = False

    @property
    def running(self) -> bool:
        return self.thread is not None

    @property
    def url(self) -> str | None:
        return self.thread.url if self.thread is not None else None

    @property
    def request_log(self) -> Any:
        if self.thread is None:
            return None
        return self.thread._uv_config.app.state.hearth.log

    def build(self, opts: ServerOptions) -> Any:
        """The ServerThread (not yet started); raises SettingsError/KeychainUnavailableError."""
        from app.server.app import create_app
        from app.server.config import ServerConfig
        from app.server.keys import ensure_key
        from app.server.runner import ServerThread

        api_key = ensure_key() if (opts.require_key or opts.lan) else None
        config = ServerConfig(
            host=opts.host,
            port=opts.port,
            api_key=api_key,
            lan=opts.lan,
            cors_origins=opts.cors_origins,
            max_queue=self.services.settings.server.max_queue,
            log_file=str(self.services.paths.logs_dir / "server-requests.jsonl"),
        )
        e = self.services.settings.engine
        load_defaults = {
            "n_ctx": e.n_ctx, "gpu_layers": e.gpu_layers, "n_threads": e.n_threads,
            "n_batch": e.n_batch, "flash_attn": e.flash_attn, "kv_type": e.kv_type,
            "use_mmap": e.use_mmap, "use_mlock": e.use_mlock, "max_default_ctx": e.max_default_ctx,
        }  # fmt: skip
        app = create_app(
            self.services.ensure_inference(),
            config,
            load_defaults=load_defaults,
            rag=lambda: self.services.rag,
            downloads=lambda: self.services.downloads,
        )
        return ServerThread(app, config)

    def start(self, opts: ServerOptions) -> None:
        if self.running or self.busy:
            return
        self.busy = True

        def work() -> Any:
            return self.build(opts).start()

        run_op(work, self._on_op_started, self._on_op_failed, name="hearth-server-start")

    def _on_op_started(self, thread: Any) -> None:
        self.busy = False
        self.thread = thread
        self.services.extras["server"] = thread
        self.started.emit(thread.url)

    def _on_op_failed(self, exc: BaseException) -> None:
        self.busy = False
        self.failed.emit(exc)

    def stop(self) -> None:
        thread, self.thread = self.thread, None
        if thread is None:
            return
        self.services.extras.pop("server", None)
        self.busy = True

        def done(_: Any) -> None:
            self.busy = False
            self.stopped.emit()

        run_op(thread.stop, done, self._on_op_failed, name="hearth-server-stop")
