"""Run the app with uvicorn in its own thread and event loop (GUI) or in the foreground (CLI)."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from app.core.errors import HearthError
from app.server.config import ServerConfig


class ServerStartError(HearthError):
    code = "server_start_failed"


class ServerThread:
    """uvicorn on a background thread: ``start()`` returns once it listens, ``stop()`` shuts it down."""

    def __init__(self, app: Any, config: ServerConfig, *, log_level: str = "warning") -> None:
        import uvicorn

        self.config = config
        self._uv_config = uvicorn.Config(
            app,
            host=config.host,
            port=config.port,
            log_level=log_level,
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=3,
            ws="none",
        )
        self._server = uvicorn.Server(self._uv_config)
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self.loop: asyncio.AbstractEventLoop | None = None

    @property
    def port(self) -> int:
        """The bound port (useful with ``port=0``)."""
        for server in getattr(self._server, "servers", []):
            for sock in server.sockets:
                return int(sock.getsockname()[1])
        return self.config.port

    @property
    def url(self) -> str:
        host = self.config.host if ":" not in self.config.host else f"[{self.config.host}]"
        return f"http://{host}:{self.port}"

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self.loop = loop
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self._server.serve())
        except BaseException as exc:
            self._error = exc
        finally:
            loop.close()

    def start(self, timeout: float = 15.0) -> ServerThread:
        self._thread = threading.Thread(target=self._run, name="hearth-server", daemon=True)
        self._thread.start()
        deadline = threading.Event()
        waited = 0.0
        while not self._server.started and self._thread.is_alive() and waited < timeout:
            deadline.wait(0.02)
            waited += 0.02
        if not self._server.started:
            self.stop()
            raise ServerStartError(
                f"The server could not start on {self.config.host}:{self.config.port}.",
                hint="Another program may be using that port; pick another with --port.",
            )
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout)
        state = getattr(getattr(self._uv_config.app, "state", None), "hearth", None)
        if state is not None:
            state.close()

    def __enter__(self) -> ServerThread:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
