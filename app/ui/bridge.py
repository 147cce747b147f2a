"""Qt bridges: engine callbacks become signals queued onto the GUI thread.

Relays are created on the GUI thread; their signals are emitted from worker or
engine threads, so Qt delivers them as queued calls to slots on the GUI thread.
Widgets are never touched from another thread.

* :class:`GenerationRelay` — one per reply: ``delta_received``, ``finished``, ``failed``.
* :class:`EngineRelay` — the InferenceService's "loaded"/"unloaded"/"load_failed" events
  and load progress.
* :func:`run_op` / :func:`watch_future` — background work with one success and one
  failure path, both called on the GUI thread, and skipped when the widget they belong
  to (``owner``, or the object of a bound-method callback) was deleted meanwhile.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from PySide6.QtCore import QObject, Signal
from shiboken6 import isValid

from app.engine.types import Event, Failed, Finished, TextDelta

_live: set[QObject] = set()  # keeps in-flight relays alive until they report


class GenerationRelay(QObject):
    delta_received = Signal(str)
    finished = Signal(object)  # GenerationResult
    failed = Signal(object)  # BaseException

    def on_event(self, ev: Event) -> None:
        """The InferenceService's ``on_event``; runs on the engine thread."""
        if isinstance(ev, TextDelta):
            if ev.text:
                self.delta_received.emit(ev.text)
        elif isinstance(ev, Finished):
            self.finished.emit(ev.result)
        elif isinstance(ev, Failed):
            self.failed.emit(ev.error)


class EngineRelay(QObject):
    model_loaded = Signal(object)  # LoadedModel
    model_unloaded = Signal()
    load_failed = Signal(object)  # BaseException
    load_progressed = Signal(float)

    def on_service_event(self, kind: str, payload: Any) -> None:
        if kind == "loaded":
            self.model_loaded.emit(payload)
        elif kind == "unloaded":
            self.model_unloaded.emit()
        elif kind == "load_failed":
            self.load_failed.emit(payload)


class _OpRelay(QObject):
    succeeded = Signal(object)
    failed = Signal(object)


def _relay(
    success: Callable[[Any], None] | None,
    failure: Callable[[BaseException], None] | None,
    owner: QObject | None = None,
) -> _OpRelay:
    relay = _OpRelay()
    _live.add(relay)
    # the widgets the callbacks touch: a result that arrives after they were deleted
    # (a window closed while its background read ran) is dropped, not delivered
    owners = [
        o
        for o in (owner, getattr(success, "__self__", None), getattr(failure, "__self__", None))
        if isinstance(o, QObject)
    ]

    def done() -> bool:
        _live.discard(relay)
        relay.deleteLater()
        return all(isValid(o) for o in owners)

    def ok(value: Any) -> None:
        if done() and success is not None:
            success(value)

    def bad(exc: BaseException) -> None:
        if done() and failure is not None:
            failure(exc)

    relay.succeeded.connect(ok)
    relay.failed.connect(bad)
    return relay


def run_op(
    fn: Callable[[], Any],
    success: Callable[[Any], None] | None = None,
    failure: Callable[[BaseException], None] | None = None,
    *,
    name: str = "hearth-op",
    owner: QObject | None = None,
) -> None:
    """Run ``fn`` on a worker thread; then ``success(result)`` or ``failure(exc)`` on the GUI
    thread, unless ``owner`` (or a bound callback's object) has been deleted by then."""
    relay = _relay(success, failure, owner)

    def work() -> None:
        try:
            value = fn()
        except BaseException as exc:
            relay.failed.emit(exc)
        else:
            relay.succeeded.emit(value)

    threading.Thread(target=work, name=name, daemon=True).start()


def watch_future(
    fut: Future[Any],
    success: Callable[[Any], None] | None = None,
    failure: Callable[[BaseException], None] | None = None,
    *,
    owner: QObject | None = None,
) -> None:
    """Call ``success``/``failure`` on the GUI thread when ``fut`` completes (unless
    ``owner`` or a bound callback's object has been deleted by then)."""
    relay = _relay(success, failure, owner)

    def done(f: Future[Any]) -> None:
        if f.cancelled():
            relay.failed.emit(RuntimeError("cancelled"))
            return
        exc = f.exception()
        if exc is not None:
            relay.failed.emit(exc)
        else:
            relay.succeeded.emit(f.result())

    fut.add_done_callback(done)


class ProgressRelay(QObject):
    """Progress snapshots (downloads, indexing, verification) from a worker thread.

    ``progressed`` carries the snapshot object as is; progress is data, the slot decides
    what to show.
    """

    progressed = Signal(object)

    def emit(self, value: Any) -> None:
        self.progressed.emit(value)
