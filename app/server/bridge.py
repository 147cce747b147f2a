"""Bridge the engine thread's events into the server's event loop.

Events arrive on the engine thread and are handed to the loop with
``loop.call_soon_threadsafe``; a route awaits them. Whatever way a route stops
reading (finished, client gone, task cancelled), the generation is cancelled, so a
client that disconnects frees the engine within one token.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from concurrent.futures import Future
from typing import Any

from starlette.requests import Request

from app.core.errors import NoModelLoadedError
from app.engine.presets import ResolvedModel
from app.engine.service import GenerationHandle
from app.engine.types import Event, Failed, Finished, GenerationRequest, GenerationResult, TextDelta
from app.server.errors import APIError
from app.server.models import ModelRouter, Target

DISCONNECT_POLL_S = 0.25


class Generation:
    """One submitted request, read asynchronously."""

    def __init__(
        self,
        handle: GenerationHandle,
        target: Target,
        queue: asyncio.Queue[Event],
        request: Request | None,
    ):
        self.handle = handle
        self.target = target
        self._queue = queue
        self._request = request
        self._first: Event | None = None
        self.result: GenerationResult | None = None

    @classmethod
    def start(
        cls,
        router: ModelRouter,
        model: str,
        build: Callable[[ResolvedModel], GenerationRequest],
        request: Request | None = None,
    ) -> Generation:
        """Submit through the model router (resolving, and swapping models if needed)."""
        return cls.attach(lambda on_event: router.submit(model, build, on_event), request)

    @classmethod
    def attach(
        cls,
        submit: Callable[[Callable[[Event], None]], tuple[GenerationHandle, Target]],
        request: Request | None = None,
        loop: asyncio.AbstractEventLoop | None = None,
    ) -> Generation:
        """Read a generation that ``submit(on_event)`` queues (for callers such as RAG answers).

        Pass the server's ``loop`` when calling from a worker thread (a blocking ``submit``).
        """
        loop = loop or asyncio.get_running_loop()
        q: asyncio.Queue[Event] = asyncio.Queue()
        finished: Future[GenerationResult | None] = Future()

        def on_event(ev: Event) -> None:  # engine thread
            loop.call_soon_threadsafe(q.put_nowait, ev)
            if isinstance(ev, Finished | Failed) and not finished.done():
                finished.set_result(ev.result if isinstance(ev, Finished) else None)

        handle, target = submit(on_event)
        if request is not None:
            # lets the request log account for a generation that outlives its client
            request.scope.setdefault("state", {})["hearth_generation"] = (finished, target.name)
        return cls(handle, target, q, request)

    def _error(self, exc: BaseException) -> BaseException:
        # a queued swap that failed leaves no model: report why the load failed instead
        if isinstance(exc, NoModelLoadedError):
            return self.target.load_error() or exc
        return exc

    async def _next(self) -> Event:
        try:  # events already waiting (a fast model, a slow client): no timer, no task
            return self._queue.get_nowait()
        except asyncio.QueueEmpty:
            pass
        while True:
            try:
                return await asyncio.wait_for(self._queue.get(), DISCONNECT_POLL_S)
            except TimeoutError:
                if self._request is not None and await self._request.is_disconnected():
                    self.handle.cancel()
                    # 499 (nginx's "client closed request"): logged, never delivered
                    raise APIError(
                        "The client disconnected.", status=499, code="client_disconnected"
                    ) from None

    async def first(self) -> None:
        """Wait for the first event; raise the request's error if it failed before any output.

        Routes call this before sending headers, so an error before the first token (context
        overflow, bad grammar, failed swap) still gets its proper status code.
        """
        try:
            ev = await self._next()
        except BaseException:
            self.handle.cancel()
            raise
        if isinstance(ev, Failed):
            raise self._error(ev.error)
        load_error = self.target.load_error()
        if load_error is not None:
            # the swap failed and the engine kept the previous model: do not answer with it
            self.handle.cancel()
            raise load_error
        self._first = ev

    async def events(self) -> AsyncIterator[TextDelta | GenerationResult]:
        """Text deltas then the result; raises the request's error. Cancels on early exit."""
        try:
            while True:
                if self._first is not None:
                    ev, self._first = self._first, None
                else:
                    ev = await self._next()
                if isinstance(ev, TextDelta):
                    yield ev
                elif isinstance(ev, Finished):
                    self.result = ev.result
                    yield ev.result
                    return
                else:
                    raise self._error(ev.error)
        finally:
            if not self.handle.done:
                self.handle.cancel()

    async def collect(self) -> tuple[str, list[Any], GenerationResult]:
        """Run to the end: (text, logprobs, result)."""
        parts: list[str] = []
        lps: list[Any] = []
        async for ev in self.events():
            if isinstance(ev, TextDelta):
                parts.append(ev.text)
                lps.extend(ev.logprobs)
            else:
                return "".join(parts), lps, ev
        raise AssertionError("generation ended without a result")  # pragma: no cover
