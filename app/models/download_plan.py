"""Download data: states, progress snapshots, plans, and which quantization to fetch."""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from app.core.errors import HubError
from app.models.hub import HubClient, QuantOption, RemoteFile
from app.models.library_index import LibraryEntry


class DownloadState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    PAUSED = "paused"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


FINAL_STATES = frozenset({DownloadState.DONE, DownloadState.FAILED, DownloadState.CANCELLED})


@dataclass(frozen=True)
class DownloadProgress:
    """A snapshot of one download, for progress bars, the GUI and ``/api/pull``."""

    id: str
    repo_id: str
    label: str  # "Q4_K_M" or the file name
    state: DownloadState
    done_bytes: int
    total_bytes: int
    rate_bps: float = 0.0
    eta_seconds: float | None = None
    phase: str = (
        "queued"  # "queued" | "hashing" | "downloading" | "verifying" | "moving" | final state
    )
    current_file: str | None = None
    error: str | None = None
    error_code: str | None = None
    entry: LibraryEntry | None = None  # the library entry once done

    @property
    def fraction(self) -> float:
        return self.done_bytes / self.total_bytes if self.total_bytes else 0.0

    def to_dict(self) -> dict[str, Any]:
        d = {k: v for k, v in self.__dict__.items() if k != "entry"}
        d["state"] = self.state.value
        d["entry"] = self.entry.to_dict() if self.entry else None
        return d


@dataclass(frozen=True)
class DownloadPlan:
    repo_id: str
    revision: str  # the commit, so a resume fetches the very same bytes
    label: str
    files: tuple[RemoteFile, ...]

    @property
    def total_bytes(self) -> int:
        return sum(f.size for f in self.files)


def all_files(options: tuple[QuantOption, ...]) -> list[RemoteFile]:
    return [f for o in options for f in o.files]


def best_fitting(options: list[QuantOption]) -> QuantOption:
    """No quantization named: Q4_K_M if it fits, else the largest that fits, else the smallest."""
    from app.core.fit import Verdict

    fitting = [o for o in options if o.fit is None or o.fit.verdict is not Verdict.WONT_FIT]
    preferred = next((o for o in fitting if o.quant == "Q4_K_M"), None)
    if preferred:
        return preferred
    if fitting:
        good = [o for o in fitting if (o.bits or 16) <= 8.5] or fitting
        return max(good, key=lambda o: o.size_bytes)
    return min(options, key=lambda o: o.size_bytes)


def plan_download(
    hub: HubClient, repo_id: str, *, quant: str | None = None, filename: str | None = None
) -> DownloadPlan:
    """Which files ``pull`` would fetch: a named file, a quantization, or the best that fits."""
    detail = hub.repo(repo_id, fit=quant is None and filename is None)
    revision = detail.sha or "main"
    if filename:
        f = next(
            (
                f
                for f in (*all_files(detail.options), *detail.projectors, *detail.other_files)
                if f.filename == filename
            ),
            None,
        )
        if f is None:
            raise HubError(
                f"{repo_id} has no file called {filename}.",
                hint=f"Run 'hearth files {repo_id}' to list them.",
            )
        return DownloadPlan(detail.repo_id, revision, Path(filename).name, (f,))
    if not detail.options:
        raise HubError(f"{repo_id} has no GGUF files; Hearth runs GGUF models.")
    if quant:
        option = detail.option(quant)
        if option is None:
            have = ", ".join(o.quant for o in detail.options)
            raise HubError(f"{repo_id} has no {quant.upper()} file; it has {have}.")
    else:
        option = best_fitting(list(detail.options))
    return DownloadPlan(detail.repo_id, revision, option.quant, option.files)


class _NoteFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    filename: str
    size: int
    sha256: str | None


class PlanNote(BaseModel):
    """``downloads/<key>.plan``: a queued download, so it can be offered again after a restart."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    repo_id: str
    revision: str
    label: str
    files: tuple[_NoteFile, ...]
    created: float


def plan_note_path(folder: Path, key: str) -> Path:
    return folder / f"{key}.plan"


def write_plan_note(path: Path, plan: DownloadPlan) -> None:
    note = PlanNote(
        repo_id=plan.repo_id,
        revision=plan.revision,
        label=plan.label,
        files=tuple(
            _NoteFile(filename=f.filename, size=f.size, sha256=f.sha256) for f in plan.files
        ),
        created=time.time(),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".plan.tmp")
    tmp.write_text(note.model_dump_json(), encoding="utf-8")
    os.replace(tmp, path)


def read_plan_notes(folder: Path) -> list[DownloadPlan]:
    """Every download that was queued and has not finished (oldest first)."""
    notes: list[PlanNote] = []
    for path in folder.glob("*.plan") if folder.is_dir() else ():
        try:
            notes.append(PlanNote.model_validate(json.loads(path.read_text(encoding="utf-8"))))
        except (OSError, ValueError, ValidationError):
            continue
    return [
        DownloadPlan(
            n.repo_id,
            n.revision,
            n.label,
            tuple(RemoteFile(f.filename, f.size, f.sha256) for f in n.files),
        )
        for n in sorted(notes, key=lambda n: n.created)
    ]
