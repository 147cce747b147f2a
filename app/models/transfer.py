"""One file from the Hub to disk: resumable (HTTP Range), hashed while it streams, verified.

Bytes go to ``<downloads>/<key>.part`` next to a ``<key>.json`` note saying what the
part is, so a download interrupted by pause, a lost connection, a crash or a killed
process continues from where it stopped. The caller moves the verified part into
the library; a part never appears there unfinished.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from app.core.errors import (
    ChecksumMismatchError,
    DiskSpaceError,
    DownloadError,
    HubUnreachableError,
)
from app.models.hub_errors import translate

CHUNK = 1 << 20
GB = 1e9
MAX_STALLS = 5  # attempts in a row that bring no new byte before giving up


class PartNote(BaseModel):
    """The ``.json`` note beside a ``.part`` file (validated when read back after a restart)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    repo_id: str
    filename: str
    revision: str
    size: int
    sha256: str | None
    dest: str
    created: float


def part_key(repo_id: str, filename: str, revision: str) -> str:
    return hashlib.sha256(f"{repo_id}\n{filename}\n{revision}".encode()).hexdigest()[:24]


@dataclass(frozen=True)
class PartFiles:
    part: Path
    note: Path

    @classmethod
    def of(cls, downloads_dir: Path, key: str) -> PartFiles:
        return cls(downloads_dir / f"{key}.part", downloads_dir / f"{key}.json")

    def have(self) -> int:
        try:
            return self.part.stat().st_size
        except FileNotFoundError:
            return 0

    def write_note(self, note: PartNote) -> None:
        self.note.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.note.with_suffix(".json.tmp")
        tmp.write_text(note.model_dump_json(), encoding="utf-8")
        os.replace(tmp, self.note)

    def read_note(self) -> PartNote | None:
        try:
            return PartNote.model_validate(json.loads(self.note.read_text(encoding="utf-8")))
        except (OSError, ValueError, ValidationError):
            return None

    def discard(self) -> None:
        for p in (self.part, self.note):
            try:
                p.unlink()
            except FileNotFoundError:
                pass


def check_free_space(folder: Path, need: int, keep_free: int) -> None:
    """Raise DiskSpaceError if writing ``need`` more bytes would leave less than ``keep_free``."""
    folder.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(folder).free
    if free - need < keep_free:
        raise DiskSpaceError(
            f"Not enough disk space: this download needs {need / GB:.2f} GB and only "
            f"{free / GB:.2f} GB is free (Hearth keeps {keep_free / GB:.1f} GB spare).",
            hint="Free some space or delete a model with 'hearth rm'.",
        )


def atomic_move(src: Path, dest: Path) -> None:
    """Move a finished part into place; readers see the whole file or nothing."""
    try:
        os.replace(src, dest)
    except OSError:  # another file system: copy beside the target, then rename there
        tmp = dest.with_name(dest.name + ".incoming")
        shutil.copyfile(src, tmp)
        os.replace(tmp, dest)
        src.unlink()


def list_parts(folder: Path) -> list[PartNote]:
    """The notes of every unfinished download in ``folder``."""
    if not folder.is_dir():
        return []
    notes = []
    for note_path in sorted(folder.glob("*.json")):
        note = PartFiles(note_path.with_suffix(".part"), note_path).read_note()
        if note is not None:
            notes.append(note)
    return notes


class Stopped(Exception):
    """Raised inside a transfer when the user paused or cancelled it."""


#: (bytes of this file on disk, phase) -> None; phase is "hashing" or "downloading"
OnBytes = Callable[[int, str], None]
ShouldStop = Callable[[], bool]


def _hash_prefix(
    part: Path, have: int, on_bytes: OnBytes, should_stop: ShouldStop
) -> hashlib._Hash:
    h = hashlib.sha256()
    done = 0
    with open(part, "rb") as f:
        while done < have:
            chunk = f.read(min(4 * CHUNK, have - done))
            if not chunk:
                break
            h.update(chunk)
            done += len(chunk)
            on_bytes(done, "hashing")
            if should_stop():
                raise Stopped
    return h


def transfer(
    url: str,
    headers: dict[str, str],
    files: PartFiles,
    note: PartNote,
    *,
    on_bytes: OnBytes,
    should_stop: ShouldStop,
    retry_delay: float = 0.5,
) -> str:
    """Download (or finish downloading) one file into ``files.part``; return its sha256.

    Raises :class:`Stopped` on pause/cancel (the part stays), typed HearthErrors
    otherwise. A sha256 mismatch deletes the part and raises ChecksumMismatchError.
    """
    from huggingface_hub import get_session, hf_raise_for_status

    files.write_note(note)
    have = files.have()
    if have > note.size:
        files.part.unlink()
        have = 0
    hasher = _hash_prefix(files.part, have, on_bytes, should_stop) if have else hashlib.sha256()
    stalls = 0
    while have < note.size:
        req = dict(headers)
        if have:
            req["Range"] = f"bytes={have}-"
        before = have
        try:
            with get_session().stream(
                "GET", url, headers=req, follow_redirects=True, timeout=30
            ) as resp:
                if resp.status_code == 416:
                    have, hasher = 0, hashlib.sha256()
                    files.part.unlink(missing_ok=True)
                    raise DownloadError("The server refused to resume; starting the file again.")
                hf_raise_for_status(resp)
                mode = "ab"
                if have and resp.status_code == 200:  # the server ignored Range: start over
                    have, hasher, mode = 0, hashlib.sha256(), "wb"
                with open(files.part, mode) as out:
                    for chunk in resp.iter_bytes():
                        if should_stop():
                            raise Stopped
                        out.write(chunk)
                        hasher.update(chunk)
                        have += len(chunk)
                        on_bytes(have, "downloading")
        except Stopped:
            raise
        except OSError as exc:
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                raise DiskSpaceError(
                    "The disk filled up during the download; free some space and resume it."
                ) from exc
            err = translate(exc, note.repo_id, note.filename)
            if not isinstance(err, HubUnreachableError):
                raise err from exc
        except DownloadError:
            pass
        except Exception as exc:
            err = translate(exc, note.repo_id, note.filename)
            if not isinstance(err, HubUnreachableError):
                raise err from exc
        if have < note.size:
            stalls = 0 if have > before else stalls + 1
            if stalls >= MAX_STALLS:
                raise HubUnreachableError(
                    "The download stopped: Hugging Face could not be reached; resume it when you are back online."
                )
            if should_stop():
                raise Stopped
            time.sleep(retry_delay * stalls)
    if have != note.size:
        files.discard()
        raise DownloadError(
            f"{note.filename} came back with {have:,} bytes instead of {note.size:,}; it was deleted."
        )
    digest = hasher.hexdigest()
    if note.sha256 and digest != note.sha256.lower():
        files.discard()
        raise ChecksumMismatchError(
            f"{note.filename} failed its sha256 check (the downloaded bytes are not what Hugging Face "
            "published), so it was deleted."
        )
    return digest
