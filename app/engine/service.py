"""The InferenceService: one thread owns the model; any thread may submit work.

Requests start strictly in arrival order; a new request never cancels a running one.
Generations that arrive while others run join them in the same batch (continuous
batching, up to the model's slots and while the context has room), so concurrent
clients share each pass over the weights. Loads, unloads and swaps are queued like
generations, so they happen between requests. Each generation returns a :class:`GenerationHandle`: iterate it for
events, call :meth:`~GenerationHandle.cancel` (effective within one token), or wait
for :meth:`~GenerationHandle.result`.
"""

from __future__ import annotations

import itertools
import logging
import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, TypeVar

from app.core.errors import HearthError, QueueFullError, ServiceClosedError
from app.core.hardware import HardwareInfo
from app.engine.llama_backend import LlamaBackend
from app.engine.runs import GenerationWork
from app.engine.types import (
    Event,
    Failed,
    Finished,
    GenerationRequest,
    GenerationResult,
    LoadedModel,
    LoadOptions,
    TextDelta,
)

log = logging.getLogger(__name__)
T = TypeVar("T")
_STOP = object()


class GenerationHandle:
    """A submitted generation: a stream of events plus cancel and result."""

    def __init__(
        self, request: GenerationRequest, on_event: Callable[[Event], None] | None
    ) -> None:
        self.request = request
        self.id = next(_ids)
        self._events: queue.Queue[Event] = queue.Queue()
        self._cancel = threading.Event()
        self._done = threading.Event()
        self._on_event = on_event
        self._result: GenerationResult | None = None
        self._error: BaseException | None = None
        self.submitted_at = time.perf_counter()

    # called on the engine thread
    def _emit(self, ev: Event) -> None:
        if self._done.is_set():
            return  # already ended (e.g. dropped at shutdown)
        if isinstance(ev, Finished):
            self._result = ev.result
        elif isinstance(ev, Failed):
            self._error = ev.error
        self._events.put(ev)
        if self._on_event is not None:
            try:
                self._on_event(ev)
            except Exception:  # a listener's bug must not kill the engine thread
                log.exception("event listener failed")
        if isinstance(ev, Finished | Failed):
            self._done.set()

    def cancel(self) -> None:
        """Stop this generation; if still queued it finishes as cancelled without running."""
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def __iter__(self) -> Iterator[Event]:
        while True:
            ev = self._events.get()
            yield ev
            if isinstance(ev, Finished | Failed):
                return

    def deltas(self) -> Iterator[str]:
        """Just the text; raises the request's error, if any, at the end."""
        for ev in self:
            if isinstance(ev, TextDelta):
                if ev.text:
                    yield ev.text
            elif isinstance(ev, Failed):
                raise ev.error

    def result(self, timeout: float | None = None) -> GenerationResult:
        if not self._done.wait(timeout):
            raise TimeoutError("generation did not finish in time")
        if self._error is not None:
            raise self._error
        assert self._result is not None
        return self._result


_ids = itertools.count(1)


@dataclass(order=True)
class _Job:
    seq: int
    run: Callable[[], None] = field(compare=False)
    on_drop: Callable[[BaseException], None] = field(compare=False)
    work: GenerationWork | None = field(default=None, compare=False)  # set for generations


class InferenceService:
    """Owns a :class:`LlamaBackend` on a dedicated thread."""

    def __init__(self, *, max_queue: int = 32, hardware: HardwareInfo | None = None) -> None:
        self._backend = LlamaBackend(hardware)
        self._jobs: deque[_Job | object] = deque()
        self._cv = threading.Condition()
        self._max_queue = max_queue
        self._pending_generations = 0
        self._lock = threading.Lock()
        self._seq = itertools.count()
        self._closed = False
        self._busy = threading.Event()
        self._listeners: list[Callable[[str, Any], None]] = []
        self._thread = threading.Thread(target=self._loop, name="hearth-inference", daemon=True)
        self._thread.start()

    # ------------------------------------------------------------ observation
    @property
    def loaded(self) -> LoadedModel | None:
        return self._backend.loaded

    @property
    def queue_depth(self) -> int:
        """Generations waiting or running."""
        with self._lock:
            return self._pending_generations

    def add_listener(self, fn: Callable[[str, Any], None]) -> None:
        """``fn(kind, payload)`` for "loaded", "unloaded" and "load_failed" (called on the engine thread)."""
        self._listeners.append(fn)

    def remove_listener(self, fn: Callable[[str, Any], None]) -> None:
        if fn in self._listeners:
            self._listeners.remove(fn)

    def _notify(self, kind: str, payload: Any) -> None:
        for fn in list(self._listeners):
            try:
                fn(kind, payload)
            except Exception:
                log.exception("service listener failed")

    # ---------------------------------------------------------------- control
    def _enqueue(
        self,
        run: Callable[[], None],
        on_drop: Callable[[BaseException], None],
        work: GenerationWork | None = None,
    ) -> None:
        with self._lock:
            if self._closed:
                raise ServiceClosedError("The inference engine has shut down.")
            if work is not None:
                if self._pending_generations >= self._max_queue:
                    raise QueueFullError(
                        f"{self._pending_generations} requests are already waiting.",
                        hint="Try again shortly.",
                    )
                self._pending_generations += 1
            self._put(_Job(next(self._seq), run, on_drop, work))

    def _put(self, job: _Job | object) -> None:
        with self._cv:
            self._jobs.append(job)
            self._cv.notify()

    def _take(self) -> _Job | object:
        with self._cv:
            while not self._jobs:
                self._cv.wait()
            return self._jobs.popleft()

    def _peek_generation(self) -> GenerationWork | None:
        """The generation at the head of the queue, if the head is one (never skips a job)."""
        with self._cv:
            head = self._jobs[0] if self._jobs else None
            return head.work if isinstance(head, _Job) else None

    def _pop_generation(self, work: GenerationWork) -> None:
        with self._cv:
            head = self._jobs[0] if self._jobs else None
            if isinstance(head, _Job) and head.work is work:
                self._jobs.popleft()

    def call(self, fn: Callable[[LlamaBackend], T]) -> Future[T]:
        """Run ``fn(backend)`` on the engine thread, in queue order."""
        fut: Future[T] = Future()

        def run() -> None:
            if not fut.set_running_or_notify_cancel():
                return
            try:
                fut.set_result(fn(self._backend))
            except BaseException as exc:
                fut.set_exception(exc)

        self._enqueue(run, fut.set_exception)
        return fut

    def load(
        self, opts: LoadOptions, on_progress: Callable[[float], bool] | None = None
    ) -> Future[LoadedModel]:
        """Queue a load (replacing any loaded model once earlier requests finish)."""

        def do(b: LlamaBackend) -> LoadedModel:
            try:
                lm = b.load(opts, on_progress)
            except BaseException as exc:
                self._notify("load_failed", exc)
                raise
            self._notify("loaded", lm)
            return lm

        return self.call(do)

    def unload(self) -> Future[None]:
        def do(b: LlamaBackend) -> None:
            b.unload()
            self._notify("unloaded", None)

        return self.call(do)

    def submit(
        self, request: GenerationRequest, on_event: Callable[[Event], None] | None = None
    ) -> GenerationHandle:
        """Queue a generation. Raises :class:`QueueFullError` when the queue is full."""
        handle = GenerationHandle(request, on_event)

        def done(res: GenerationResult | None, exc: BaseException | None) -> None:
            with self._lock:
                self._pending_generations -= 1
            if exc is not None:
                if not isinstance(exc, HearthError):
                    log.error("generation failed", exc_info=exc)
                handle._emit(Failed(exc))
            else:
                assert res is not None
                handle._emit(Finished(res))

        work = GenerationWork(request, handle._cancel, handle._emit, done, handle.submitted_at)

        def run() -> None:
            self._backend.run_generations(work, self._peek_generation, self._pop_generation)

        def drop(exc: BaseException) -> None:
            handle._emit(Failed(exc))

        self._enqueue(run, drop, work)
        return handle

    def generate(self, request: GenerationRequest) -> GenerationResult:
        """Submit and wait (convenience for scripts and tests)."""
        return self.submit(request).result()

    def close(self, timeout: float = 10.0) -> None:
        """Finish the running job, fail the queued ones, unload and stop the thread."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        # fail whatever is still queued
        with self._cv:
            dropped = list(self._jobs)
            self._jobs.clear()
        for job in dropped:
            if isinstance(job, _Job):
                job.on_drop(ServiceClosedError("The inference engine has shut down."))
                if job.work is not None:
                    with self._lock:
                        self._pending_generations -= 1
        self._put(_STOP)
        self._thread.join(timeout)

    def __enter__(self) -> InferenceService:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ the thread
    def _loop(self) -> None:
        while True:
            job = self._take()
            if job is _STOP:
                break
            assert isinstance(job, _Job)
            self._busy.set()
            try:
                job.run()
            except BaseException:  # pragma: no cover - run() already reports
                log.exception("engine job crashed")
            finally:
                self._busy.clear()
        try:
            self._backend.unload()
        except Exception:  # pragma: no cover
            log.exception("unload at shutdown failed")
