"""The window's composition root: every service the UI uses, built once and passed down."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from app.chats.store import ChatStore
from app.core.paths import DataPaths, default_paths
from app.core.settings import Settings, SettingsStore

if TYPE_CHECKING:
    from app.core.hardware import HardwareInfo
    from app.engine.service import InferenceService


@dataclass
class AppServices:
    """What the window needs. ``inference`` is created after the window shows."""

    paths: DataPaths
    settings_store: SettingsStore
    settings: Settings
    chats: ChatStore
    inference: InferenceService | None = None
    owns_inference: bool = True  # False when a test hands in a shared engine
    hardware: HardwareInfo | None = None
    backend: str | None = None  # "cpu", "cuda", "metal"... once known
    extras: dict[str, object] = field(default_factory=dict)

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

    def ensure_inference(self) -> InferenceService:
        if self.inference is None:
            from app.engine.service import InferenceService

            self.inference = InferenceService(hardware=self.hardware)
        return self.inference

    def save_settings(self) -> None:
        self.settings_store.save(self.settings)

    def close(self) -> None:
        if self.inference is not None and self.owns_inference:
            self.inference.close(timeout=5.0)
        self.chats.close()
