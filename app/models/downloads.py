"""Background downloads from the Hub: a queue with progress, pause, resume and cancel.

``DownloadManager.pull("owner/repo", quant="Q4_K_M")`` plans the files (all parts of
a split model), checks the token and the free disk space, and queues a task; worker
threads run up to ``parallel`` tasks. Progress is data (:class:`DownloadProgress`)
handed to subscribers from the worker thread, so the GUI relays it to its own
thread and the server streams it; nothing here prints.

A verified file moves from ``downloads/`` into ``models/<owner>/<repo>/`` with an
atomic rename (for split models the first part moves last, so the library sees the
model only once every part is there) and is then registered in the library.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from app.core.errors import ChecksumMismatchError, HearthError
from app.core.paths import DataPaths
from app.models.download_plan import (
    FINAL_STATES,
    DownloadPlan,
    DownloadProgress,
    DownloadState,
    plan_download,
    plan_note_path,
    read_plan_notes,
    write_plan_note,
)
from app.models.hub import HubClient, RemoteFile
from app.models.hub_errors import hub_errors
from app.models.library import ModelLibrary
from app.models.library_index import LibraryEntry
from app.models.transfer import (
    PartFiles,
    PartNote,
    Stopped,
    atomic_move,
    check_free_space,
    list_parts,
    part_key,
    transfer,
)

__all__ = [
    "FINAL_STATES",
    "DownloadManager",
    "DownloadPlan",
    "DownloadProgress",
    "DownloadState",
]

GIB = 1 << 30


@dataclass
class _Task:
    plan: DownloadPlan
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    progress: DownloadProgress | None = None
    stop: str | None = None  # "pause" | "cancel"
    thread: threading.Thread | None = None
    finished: threading.Event = field(default_factory=threading.Event)
    samples: deque[tuple[float, int]] = field(default_factory=lambda: deque(maxlen=64))
    last_emit: float = 0.0


Listener = Callable[[DownloadProgress], None]


class DownloadManager:
    """Owns the download queue; thread-safe; one per application."""

    def __init__(
        self,
        paths: DataPaths,
        library: ModelLibrary,
        hub: HubClient,
        *,
        keep_free_bytes: int = GIB,
        parallel: int = 1,
        emit_interval: float = 0.1,
    ) -> None:
        self.paths = paths
        self.library = library
        self.hub = hub
        self.keep_free_bytes = keep_free_bytes
        self.parallel = max(1, parallel)
        self.emit_interval = emit_interval
        self._tasks: dict[str, _Task] = {}
        self._order: list[str] = []
        self._listeners: list[Listener] = []
        self._lock = threading.RLock()

    # --- subscribing and reading --------------------------------------------------------

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` (from a worker thread) on every progress change; returns an unsubscribe."""
        with self._lock:
            self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def get(self, task_id: str) -> DownloadProgress:
        with self._lock:
            p = self._tasks[task_id].progress
            assert p is not None
            return p

    def tasks(self) -> list[DownloadProgress]:
        with self._lock:
            return [self.get(i) for i in self._order]

    def is_settled(self, task_id: str) -> bool:
        """True once the task is done, failed, cancelled or paused (nothing more will happen)."""
        return self._tasks[task_id].finished.is_set()

    def wait(self, task_id: str, timeout: float | None = None) -> DownloadProgress:
        """Block until the task is done, failed, cancelled or paused."""
        self._tasks[task_id].finished.wait(timeout)
        return self.get(task_id)

    # --- planning ---------------------------------------------------------------------

    def plan(
        self, repo_id: str, *, quant: str | None = None, filename: str | None = None
    ) -> DownloadPlan:
        """Which files ``pull`` would fetch: a named file, a quantization, or the best that fits."""
        return plan_download(self.hub, repo_id, quant=quant, filename=filename)

    def check_access(self, plan: DownloadPlan) -> None:
        """HEAD the first file: a gated repo without a token fails here, before anything is queued."""
        from huggingface_hub import get_hf_file_metadata

        url = self.hub.file_url(plan.repo_id, plan.files[0].filename, plan.revision)
        with hub_errors(plan.repo_id, plan.files[0].filename):
            get_hf_file_metadata(url, token=self.hub.token or None)

    def check_disk(self, plan: DownloadPlan) -> None:
        """Refuse a download that would leave less than ``keep_free_bytes`` free."""
        need = sum(max(0, f.size - self._part(plan, f).have()) for f in plan.files)
        check_free_space(self.paths.downloads_dir, need, self.keep_free_bytes)

    # --- queue control ------------------------------------------------------------------

    def pull(self, repo_id: str, *, quant: str | None = None, filename: str | None = None) -> str:
        """Plan, check access and disk space, and queue; returns the task id."""
        return self.enqueue(self.plan(repo_id, quant=quant, filename=filename))

    def enqueue(self, plan: DownloadPlan) -> str:
        self.check_access(plan)
        self.check_disk(plan)
        with self._lock:
            for t in self._tasks.values():  # the same download twice: return the live one
                if t.plan == plan and t.progress and t.progress.state not in FINAL_STATES:
                    if t.progress.state is DownloadState.PAUSED:
                        self.resume(t.id)
                    return t.id
            task = _Task(plan)
            write_plan_note(self._plan_note(plan), plan)
            self._tasks[task.id] = task
            self._order.append(task.id)
            self._set(
                task, state=DownloadState.QUEUED, phase="queued", done_bytes=self._on_disk(plan)
            )
            self._pump()
            return task.id

    def pause(self, task_id: str) -> None:
        with self._lock:
            task = self._tasks[task_id]
            state = self.get(task_id).state
            if state is DownloadState.RUNNING:
                task.stop = "pause"
            elif state is DownloadState.QUEUED:
                self._settle(task, DownloadState.PAUSED)
                task.finished.set()

    def resume(self, task_id: str) -> None:
        with self._lock:
            task = self._tasks[task_id]
            if self.get(task_id).state in (DownloadState.PAUSED, DownloadState.FAILED):
                task.finished.clear()
                task.stop = None
                self._set(
                    task, state=DownloadState.QUEUED, phase="queued", error=None, error_code=None
                )
                self._pump()

    def cancel(self, task_id: str) -> None:
        """Stop and delete the partial files."""
        with self._lock:
            task = self._tasks[task_id]
            state = self.get(task_id).state
            if state is DownloadState.RUNNING:
                task.stop = "cancel"
                return
            if state in FINAL_STATES and state is not DownloadState.FAILED:
                return
            self._discard_parts(task.plan)
            self._settle(task, DownloadState.CANCELLED)
            task.finished.set()

    def close(self, timeout: float = 10.0) -> None:
        """Pause everything that runs (parts stay on disk to resume next time) and wait."""
        with self._lock:
            running = [t for t in self._tasks.values() if t.thread and t.thread.is_alive()]
            for t in self._tasks.values():
                if self.get(t.id).state is DownloadState.QUEUED:
                    self._set(t, state=DownloadState.PAUSED, phase="paused")
                    t.finished.set()
            for t in running:
                t.stop = "pause"
        for t in running:
            assert t.thread is not None
            t.thread.join(timeout)

    def interrupted(self) -> list[DownloadPlan]:
        """Downloads queued by an earlier run (or process) that never finished, oldest first."""
        with self._lock:
            live = {t.plan for t in self._tasks.values()}
        return [p for p in read_plan_notes(self.paths.downloads_dir) if p not in live]

    def resume_interrupted(self) -> list[str]:
        """Queue every interrupted download again (each continues from its bytes on disk)."""
        return [self.enqueue(plan) for plan in self.interrupted()]

    def partial_files(self) -> list[PartNote]:
        """The ``.part`` files on disk, with what each is."""
        return list_parts(self.paths.downloads_dir)

    # --- internals --------------------------------------------------------------------

    def _on_disk(self, plan: DownloadPlan) -> int:
        return sum(self._part(plan, f).have() for f in plan.files)

    def _part(self, plan: DownloadPlan, f: RemoteFile) -> PartFiles:
        return PartFiles.of(
            self.paths.downloads_dir, part_key(plan.repo_id, f.filename, plan.revision)
        )

    def _plan_note(self, plan: DownloadPlan) -> Path:
        names = "\n".join(f.filename for f in plan.files)
        return plan_note_path(
            self.paths.downloads_dir, part_key(plan.repo_id, names, plan.revision)
        )

    def _discard_parts(self, plan: DownloadPlan) -> None:
        self._plan_note(plan).unlink(missing_ok=True)
        for f in plan.files:
            self._part(plan, f).discard()

    def _settle(self, task: _Task, state: DownloadState, **changes: Any) -> None:
        """Move to a state where nothing transfers: no rate, no ETA."""
        self._set(task, state=state, phase=state.value, rate_bps=0.0, eta_seconds=None, **changes)

    def _set(self, task: _Task, **changes: Any) -> None:
        with self._lock:
            if task.progress is None:
                p = DownloadProgress(
                    task.id,
                    task.plan.repo_id,
                    task.plan.label,
                    DownloadState.QUEUED,
                    0,
                    task.plan.total_bytes,
                )
            else:
                p = task.progress
            task.progress = replace(p, **changes)
            snapshot = task.progress
            listeners = list(self._listeners)
        for fn in listeners:
            try:
                fn(snapshot)
            except Exception:  # a broken listener must not kill the download
                pass

    def _pump(self) -> None:
        with self._lock:
            running = sum(
                1 for t in self._tasks.values() if self.get(t.id).state is DownloadState.RUNNING
            )
            for tid in self._order:
                if running >= self.parallel:
                    break
                task = self._tasks[tid]
                if self.get(tid).state is DownloadState.QUEUED:
                    self._set(task, state=DownloadState.RUNNING, phase="downloading")
                    task.thread = threading.Thread(
                        target=self._run, args=(task,), name=f"download-{tid}", daemon=True
                    )
                    task.thread.start()
                    running += 1

    def _run(self, task: _Task) -> None:
        try:
            entry = self._download(task)
        except Stopped:
            if task.stop == "cancel":
                self._discard_parts(task.plan)
                self._settle(task, DownloadState.CANCELLED)
            else:
                self._settle(task, DownloadState.PAUSED)
        except HearthError as exc:
            if isinstance(exc, ChecksumMismatchError):  # nothing of it can be trusted
                self._discard_parts(task.plan)
            self._settle(task, DownloadState.FAILED, error=str(exc), error_code=exc.code)
        except Exception as exc:  # keep the worker's failure visible as data
            error = f"The download failed: {exc}."
            self._settle(task, DownloadState.FAILED, error=error, error_code="download_error")
        else:
            self._plan_note(task.plan).unlink(missing_ok=True)
            self._set(
                task,
                state=DownloadState.DONE,
                phase="done",
                entry=entry,
                done_bytes=task.plan.total_bytes,
                rate_bps=0.0,
                eta_seconds=0.0,
            )
        finally:
            task.finished.set()
            self._pump()

    def installed(self, plan: DownloadPlan) -> LibraryEntry | None:
        """The library entry if every file of ``plan`` is already there with the hub's sha256."""
        dest_dir = self.paths.models_dir / plan.repo_id
        first = str(dest_dir / plan.files[0].filename)
        entry = next(
            (e for e in self.library.entries(include_unusable=True) if e.path == first), None
        )
        if entry is None or entry.error:
            return None
        for f in plan.files:
            known = entry.hashes.get(str(dest_dir / f.filename))
            if not f.sha256 or known != f.sha256:
                return None
        return entry

    def _download(self, task: _Task) -> LibraryEntry:
        plan = task.plan
        done = self.installed(plan)
        if done is not None:  # pulled before and verified: nothing to fetch
            return done
        self.check_disk(plan)
        headers = self.hub.auth_headers()
        dest_dir = self.paths.models_dir / plan.repo_id
        finished: list[tuple[PartFiles, Path, str, RemoteFile]] = []
        base = 0
        for f in plan.files:
            files = self._part(plan, f)
            note = PartNote(
                repo_id=plan.repo_id,
                filename=f.filename,
                revision=plan.revision,
                size=f.size,
                sha256=f.sha256,
                dest=str(dest_dir / f.filename),
                created=time.time(),
            )
            offset = base

            def on_bytes(n: int, phase: str, offset: int = offset, name: str = f.filename) -> None:
                self._progress(task, offset + n, phase, name)

            digest = transfer(
                self.hub.file_url(plan.repo_id, f.filename, plan.revision),
                headers,
                files,
                note,
                on_bytes=on_bytes,
                should_stop=lambda: task.stop is not None,
            )
            finished.append((files, Path(note.dest), digest, f))
            base += f.size
        if task.stop == "cancel":
            raise Stopped
        self._set(task, phase="moving")
        # first part last: the library lists a split model only once all its parts are in place
        for files, dest, _digest, _f in reversed(finished):
            dest.parent.mkdir(parents=True, exist_ok=True)
            atomic_move(files.part, dest)
            files.note.unlink(missing_ok=True)
        first = finished[0]
        hashes = {str(dest): digest for _files, dest, digest, _f in finished}
        return self.library.add_downloaded(
            first[1], source_repo=plan.repo_id, source_file=first[3].filename, hashes=hashes
        )

    def _progress(self, task: _Task, done: int, phase: str, name: str) -> None:
        now = time.monotonic()
        if phase == "downloading":
            task.samples.append((now, done))
        if now - task.last_emit < self.emit_interval and done < task.plan.total_bytes:
            return
        task.last_emit = now
        rate = 0.0
        window = [(t, b) for t, b in task.samples if now - t <= 5.0]
        if len(window) >= 2 and window[-1][0] > window[0][0]:
            rate = (window[-1][1] - window[0][1]) / (window[-1][0] - window[0][0])
        remaining = task.plan.total_bytes - done
        eta = remaining / rate if rate > 0 else None
        self._set(
            task, done_bytes=done, phase=phase, current_file=name, rate_bps=rate, eta_seconds=eta
        )
