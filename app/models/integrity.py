"""Integrity: sha256 of model files against known hashes, and projector pairing."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from app.core.errors import HearthError
from app.core.gguf import read_info
from app.models.library_index import LibraryEntry


@dataclass(frozen=True)
class VerifyResult:
    name: str
    status: str  # "ok" | "mismatch" | "recorded" | "damaged"
    detail: str
    hashes: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status in ("ok", "recorded")


ProgressFn = Callable[[int, int], None]  # (bytes done, bytes total)


def sha256_file(
    path: Path, on_progress: ProgressFn | None = None, *, done: int = 0, total: int = 0
) -> str:
    h = hashlib.sha256()
    with open(path, "rb", buffering=0) as f:
        while chunk := f.read(4 << 20):
            h.update(chunk)
            done += len(chunk)
            if on_progress:
                on_progress(done, total)
    return h.hexdigest()


def check_hashes(
    entry: LibraryEntry, known: dict[str, str], on_progress: ProgressFn | None = None
) -> VerifyResult:
    """Hash every part of ``entry``; "mismatch" if any differs from ``known``, "damaged" if unreadable."""
    try:
        read_info(entry.path)
    except HearthError as exc:
        return VerifyResult(entry.name, "damaged", str(exc))
    done = 0
    computed: dict[str, str] = {}
    for part in entry.parts:
        computed[part] = sha256_file(Path(part), on_progress, done=done, total=entry.size_bytes)
        done += Path(part).stat().st_size
    bad = [p for p, h in computed.items() if p in known and known[p] != h]
    if bad:
        return VerifyResult(
            entry.name,
            "mismatch",
            f"{Path(bad[0]).name} does not match its recorded sha256; the file is damaged. "
            "Delete it and download it again.",
            computed,
        )
    if all(p in known for p in computed):
        return VerifyResult(entry.name, "ok", "All parts match their recorded sha256.", computed)
    return VerifyResult(
        entry.name,
        "recorded",
        "No hash was recorded for this model; Hearth recorded it now.",
        computed,
    )


def link_projectors(entries: list[LibraryEntry]) -> list[LibraryEntry]:
    """Attach an mmproj file to the chat models in the same folder (or Ollama model)."""
    proj_by_dir: dict[str, str] = {}
    proj_by_name: dict[str, str] = {}
    for e in entries:
        if e.is_mmproj and e.error is None:
            proj_by_dir.setdefault(str(Path(e.path).parent), e.path)
            if e.source == "ollama":
                proj_by_name[e.name.removesuffix("-mmproj")] = e.path
    out = []
    for e in entries:
        if e.is_mmproj:
            out.append(e)
            continue
        proj = (
            proj_by_name.get(e.name)
            if e.source == "ollama"
            else proj_by_dir.get(str(Path(e.path).parent))
        )
        out.append(e if e.mmproj == proj else e.model_copy(update={"mmproj": proj}))
    return out
