"""The window's composition root: every service the UI uses, built once and passed down.

Heavy services (the model library, the download manager, the RAG service, the server) are
built on first use, so the window still opens without importing chromadb or torch.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.chats.store import ChatStore
from app.core.paths import DataPaths, default_paths
from app.core.settings import Settings, SettingsStore

if TYPE_CHECKING:
    from app.core.hardware import HardwareInfo
    from app.engine.service import InferenceService
    from app.models.downloads import DownloadManager
    from app.models.hub import HubClient
    from app.models.library import ModelLibrary
    from app.personas.store import PersonaStore
    from app.rag.service import RagService


@dataclass
class AppServices:
    """What the window needs. ``inference`` is created after the window shows."""

    paths: DataPaths
    settings_store: SettingsStore
    settings: Settings
    chats: ChatStore
    inference: InferenceService | None = None
    owns_inference: bool = True  # False when a test hands in a shared engine
    _hardware: HardwareInfo | None = None  # ``hardware``: None until the hardware check ends
    backend: str | None = None  # "cpu", "cuda", "metal"... once known
    extras: dict[str, object] = field(default_factory=dict)
    #: a model id -> Embedder cache handed to the RagService (tests share a loaded model)
    embedders: dict[str, Any] | None = None
    _library: ModelLibrary | None = None
    _hub: HubClient | None = None
    _downloads: DownloadManager | None = None
    _rag: RagService | None = None
    _personas: PersonaStore | None = None
    # the lazy services are first asked for from worker threads (run_op); build each once
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)
    _hardware_listeners: list[Callable[[HardwareInfo], None]] = field(
        default_factory=list, repr=False
    )

    @classmethod
    def create(cls, paths: DataPaths | None = None) -> AppServices:
        paths = (paths or default_paths()).ensure()
        store = SettingsStore(paths)
        try:
            settings = store.load()
        except Exception:  # a broken settings file must not keep the window from opening
            settings = Settings()
        return cls(
            paths=paths, settings_store=store, settings=settings, chats=ChatStore(paths.chats_db)
        )

    @property
    def hardware(self) -> HardwareInfo | None:
        return self._hardware

    @hardware.setter
    def hardware(self, hw: HardwareInfo | None) -> None:
        changed = hw is not self._hardware
        self._hardware = hw
        if changed and hw is not None:
            for listener in list(self._hardware_listeners):
                listener(hw)

    def on_hardware(self, listener: Callable[[HardwareInfo], None]) -> Callable[[], None]:
        """Call ``listener(hw)`` when the hardware check finishes (on the thread that sets
        ``hardware``: the GUI thread); returns an unsubscribe."""
        self._hardware_listeners.append(listener)
        return lambda: (
            self._hardware_listeners.remove(listener)
            if listener in self._hardware_listeners
            else None
        )

    def ensure_inference(self) -> InferenceService:
        if self.inference is None:
            from app.engine.service import InferenceService

            self.inference = InferenceService(hardware=self.hardware)
        return self.inference

    # ------------------------------------------------------------ lazily built services
    @property
    def library(self) -> ModelLibrary:
        with self._lock:
            if self._library is None:
                from app.models.library import ModelLibrary

                folders = [Path(f) for f in self.settings.models.folders]
                self._library = ModelLibrary(self.paths, folders)
            return self._library

    @property
    def hub(self) -> HubClient:
        with self._lock:
            if self._hub is None:
                from app.models.hub import HubClient

                self._hub = HubClient(self.settings.models.hf_endpoint)
            return self._hub

    @property
    def downloads(self) -> DownloadManager:
        with self._lock:
            if self._downloads is None:
                from app.models.downloads import DownloadManager

                m = self.settings.models
                self._downloads = DownloadManager(
                    self.paths,
                    self.library,
                    self.hub,
                    keep_free_bytes=int(m.keep_free_gb * 1e9),
                    parallel=m.parallel_downloads,
                )
            return self._downloads

    @property
    def rag(self) -> RagService:
        with self._lock:
            if self._rag is None:
                # numpy first, whole: another thread (the hardware probe, a model load) may be
                # importing it, and chromadb's own import order would then meet it half-built
                import numpy  # noqa: F401

                from app.rag.service import RagService

                self._rag = RagService(self.paths, self.settings.rag, embedders=self.embedders)
            return self._rag

    @property
    def has_rag(self) -> bool:
        return self._rag is not None

    @property
    def personas(self) -> PersonaStore:
        with self._lock:
            if self._personas is None:
                from app.personas.store import PersonaStore

                self._personas = PersonaStore(self.paths.personas_dir)
            return self._personas

    def save_settings(self) -> None:
        self.settings_store.save(self.settings)

    def close(self) -> None:
        server = self.extras.pop("server", None)
        if server is not None:
            server.stop()  # type: ignore[attr-defined]
        if self._downloads is not None:
            self._downloads.close(timeout=2.0)
        if self._rag is not None:
            self._rag.close()
        if self.inference is not None and self.owns_inference:
            self.inference.close(timeout=5.0)
        self.chats.close()
