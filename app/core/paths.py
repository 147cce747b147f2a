"""Where Hearth keeps its files.

``HEARTH_HOME`` overrides everything (tests point it at a temporary folder);
otherwise the platform's user data / cache folders are used.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

_HUB_REF = re.compile(r"(?:https?://)?(?:hf\.co|huggingface\.co)/.+", re.IGNORECASE)
_DRIVE = re.compile(r"[A-Za-z]:[\\/]")


def looks_like_path(ref: str) -> bool:
    """Whether a model reference can only mean a file: ``*.gguf`` / ``*.bin``, ``/…``,
    ``./…``, ``~…``, ``\\…`` or ``C:\\…``. A ``/`` inside a name is not enough: library names
    such as ``someuser/vision:latest`` (an Ollama namespace) and hub references such as
    ``hf.co/owner/repo:Q4_K_M`` contain one too. Used by the CLI's, the server's and the
    personas' name resolution alike."""
    if _HUB_REF.fullmatch(ref):
        return False
    return (
        ref.startswith((".", "/", "~", "\\"))
        or bool(_DRIVE.match(ref))
        or ref.lower().endswith((".gguf", ".bin"))
    )


@dataclass(frozen=True)
class DataPaths:
    """All on-disk locations, derived from one root so tests can isolate them."""

    home: Path
    cache: Path

    @property
    def settings_file(self) -> Path:
        return self.home / "settings.toml"

    @property
    def models_dir(self) -> Path:
        return self.home / "models"

    @property
    def library_index(self) -> Path:
        return self.home / "library.json"

    @property
    def downloads_dir(self) -> Path:
        return self.home / "downloads"

    @property
    def chats_db(self) -> Path:
        return self.home / "chats.sqlite3"

    @property
    def rag_dir(self) -> Path:
        return self.home / "rag"

    @property
    def personas_dir(self) -> Path:
        return self.home / "personas"

    @property
    def logs_dir(self) -> Path:
        return self.home / "logs"

    def ensure(self) -> DataPaths:
        for p in (self.home, self.cache, self.models_dir, self.personas_dir, self.logs_dir):
            p.mkdir(parents=True, exist_ok=True)
        return self


def default_paths() -> DataPaths:
    env = os.environ.get("HEARTH_HOME")
    if env:
        root = Path(env).expanduser()
        return DataPaths(home=root, cache=root / "cache")
    from platformdirs import user_cache_dir, user_data_dir

    return DataPaths(
        home=Path(user_data_dir("Hearth", appauthor=False)),
        cache=Path(user_cache_dir("Hearth", appauthor=False)),
    )
