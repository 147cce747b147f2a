"""Model names ``rag:<collection>[,<collection>...]``: answer from a document collection, with citations.

Retrieval and prompt fitting are :class:`app.rag.service.RagService`'s; this module runs
them off the event loop, reads the answer through the usual bridge, and turns the
``[n]`` markers of the finished answer into citations for the response.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request

from app.core.errors import NoModelLoadedError
from app.engine.presets import ResolvedModel
from app.engine.service import GenerationHandle
from app.engine.types import ChatMessage, Event, SamplingParams
from app.server.bridge import Generation
from app.server.errors import APIError
from app.server.models import Target
from app.server.state import ServerState

PREFIX = "rag:"


def is_rag_model(name: str) -> bool:
    return name.startswith(PREFIX)


def collections_of(name: str) -> list[str]:
    names = [c.strip() for c in name[len(PREFIX) :].split(",") if c.strip()]
    if not names:
        raise APIError("Name a document collection after 'rag:', e.g. rag:manuals.", param="model")
    return names


@dataclass
class RagRun:
    generation: Generation
    answer: Any  # app.rag.service.RagAnswer
    extra: dict[str, Any] = field(default_factory=dict)

    def citations(self, text: str) -> dict[str, Any]:
        """``sources`` (the numbered passages given to the model) and ``citations`` found in ``text``."""
        return {
            "sources": [s.to_dict() for s in self.answer.sources],
            "citations": [c.to_dict() for c in self.answer.citations(text)],
        }


async def start_rag(
    state: ServerState,
    request: Request,
    name: str,
    messages: list[ChatMessage],
    *,
    max_tokens: int | None,
    sampling: SamplingParams | None,
    stop: tuple[str, ...],
) -> RagRun:
    collections = collections_of(name)
    lm = state.service.loaded
    if lm is None:
        raise NoModelLoadedError(
            "Answering from documents uses the loaded model, and none is loaded.",
            hint="Load a model first.",
        )
    state.admit()
    rag = await asyncio.to_thread(state.rag_service)
    answers: list[Any] = []

    def submit(on_event: Callable[[Event], None]) -> tuple[GenerationHandle, Target]:
        answer = rag.answer_stream(
            state.service,
            collections,
            messages,
            max_tokens=max_tokens or 512,
            sampling=sampling,
            stop=stop,
            on_event=on_event,
        )
        answers.append(answer)
        return answer.handle, Target(name, ResolvedModel(path=lm.path))

    loop = asyncio.get_running_loop()
    gen = await asyncio.to_thread(Generation.attach, submit, request, loop)
    return RagRun(gen, answers[0])
