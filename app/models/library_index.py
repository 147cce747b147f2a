"""The library's on-disk index (``library.json``): one validated record per model.

Records remember each file's size and modification time so a rescan can tell an
unchanged file from its ``stat`` alone, without opening it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

INDEX_VERSION = 1


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FileStat(_Record):
    path: str
    size: int
    mtime_ns: int


class LibraryEntry(_Record):
    """One model in the library (a split model is one entry with several parts)."""

    name: str
    path: str  # the file to load (first part of a split model)
    parts: tuple[str, ...]
    files: tuple[FileStat, ...]  # stat of every part when the header was read
    size_bytes: int
    source: str  # "hearth" | "folder" | "hf-cache" | "ollama" | "lmstudio" | "gpt4all"
    source_repo: str | None = None
    source_file: str | None = None  # path inside source_repo
    display_name: str = ""  # general.name from the header
    architecture: str = "unknown"
    parameters: int = 0
    parameters_label: str = ""
    quantization: str = "unknown"
    context_length: int | None = None
    has_chat_template: bool = False
    license: str | None = None
    is_mmproj: bool = False
    mmproj: str | None = None  # a vision projector found next to this model
    hashes: dict[str, str] = Field(default_factory=dict)  # part path -> sha256 (known or verified)
    verified_at: float | None = None
    added_at: float = 0.0
    error: str | None = None  # why the file cannot be used (damaged, split part missing)

    @property
    def sha256(self) -> str | None:
        return self.hashes.get(self.path)

    @property
    def usable(self) -> bool:
        return self.error is None and not self.is_mmproj

    def to_dict(self) -> dict[str, Any]:
        d = self.model_dump(mode="json")
        d["sha256"] = self.sha256
        return d


class LibraryIndex(_Record):
    version: int = INDEX_VERSION
    entries: tuple[LibraryEntry, ...] = ()
    aliases: dict[str, str] = Field(default_factory=dict)  # alias -> entry path
    imported_apps: tuple[str, ...] = ()  # other apps whose stores are part of the library
    hidden: tuple[
        str, ...
    ] = ()  # paths the user removed from the list but that belong to other apps


def load_index(path: Path) -> LibraryIndex:
    """The saved index, or an empty one if missing or unreadable (it is rebuilt by a scan)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return LibraryIndex()
    except (OSError, ValueError):
        return LibraryIndex()
    if not isinstance(data, dict) or data.get("version") != INDEX_VERSION:
        return LibraryIndex()
    try:
        return LibraryIndex.model_validate(data)
    except ValidationError:
        return LibraryIndex()


def save_index(path: Path, index: LibraryIndex) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(index.model_dump(mode="json"), indent=1), encoding="utf-8")
    os.replace(tmp, path)


def stat_files(paths: tuple[str, ...]) -> tuple[FileStat, ...]:
    out = []
    for p in paths:
        st = os.stat(p)
        out.append(FileStat(path=p, size=st.st_size, mtime_ns=st.st_mtime_ns))
    return tuple(out)
