"""``/api/pull``: download a model into the library, streaming progress as Ollama does.

Names are Hugging Face references: ``hf.co/{owner}/{repo}:{quant}``, ``{owner}/{repo}:{quant}``
or ``{owner}/{repo}`` (the library picks the best quantization that fits). The download
itself is the model library's :class:`~app.models.downloads.DownloadManager`; this module
only turns its progress into Ollama's NDJSON lines (``status``, ``digest``, ``total``,
``completed``) and the final ``{"status": "success"}``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

from fastapi.responses import JSONResponse, StreamingResponse

from app.core.errors import DownloadError, HearthError
from app.server.errors import APIError, describe, ollama_body
from app.server.state import ServerState


def split_ref(ref: str) -> tuple[str, str | None]:
    ref = (
        ref.removeprefix("hf.co/")
        .removeprefix("huggingface.co/")
        .removeprefix("https://huggingface.co/")
    )
    repo, _, quant = ref.partition(":")
    if repo.count("/") != 1 or not all(repo.split("/")):
        raise APIError(
            f"'{ref}' is not a Hugging Face model reference.",
            code="invalid_model_name",
            param="model",
        )
    if quant.lower() == "latest":
        quant = ""
    return repo, quant or None


def _line(p: Any) -> dict[str, Any]:
    return {
        "status": f"pulling {p.label}" if p.phase == "downloading" else p.phase,
        "digest": f"{p.repo_id}:{p.label}",
        "total": p.total_bytes,
        "completed": p.done_bytes,
    }


async def pull_response(
    state: ServerState, name: str, stream: bool
) -> JSONResponse | StreamingResponse:
    from app.models.downloads import DownloadState

    repo, quant = split_ref(name)
    manager = await asyncio.to_thread(state.download_manager)
    plan = await asyncio.to_thread(manager.plan, repo, quant=quant)  # 404 for an unknown repo
    loop = asyncio.get_running_loop()
    q: asyncio.Queue[Any] = asyncio.Queue()
    task_box: list[str] = []

    def listener(p: Any) -> None:  # a download worker thread
        if task_box and p.id == task_box[0]:
            loop.call_soon_threadsafe(q.put_nowait, p)

    unsubscribe = manager.subscribe(listener)
    try:
        task_id = await asyncio.to_thread(manager.enqueue, plan)
    except BaseException:
        unsubscribe()
        raise
    task_box.append(task_id)
    final = {
        DownloadState.DONE,
        DownloadState.FAILED,
        DownloadState.CANCELLED,
        DownloadState.PAUSED,
    }

    async def progress() -> AsyncIterator[Any]:
        try:
            p = manager.get(task_id)
            while p.state not in final:
                yield p
                p = await q.get()
            yield p
        finally:
            unsubscribe()

    def outcome(p: Any) -> dict[str, Any]:
        if p.state is DownloadState.DONE:
            return {"status": "success", "model": p.entry.name if p.entry else name}
        raise DownloadError(p.error or f"The download ended as {p.state.value}.")

    if not stream:
        last = None
        async for p in progress():
            last = p
        assert last is not None
        return JSONResponse(outcome(last))

    async def lines() -> AsyncIterator[str]:
        yield json.dumps({"status": "pulling manifest"}) + "\n"
        try:
            async for p in progress():
                if p.state in final:
                    yield json.dumps({"status": "verifying sha256 digest"}) + "\n"
                    yield json.dumps(outcome(p)) + "\n"
                else:
                    yield json.dumps(_line(p)) + "\n"
        except HearthError as exc:
            yield json.dumps(ollama_body(describe(exc))) + "\n"

    return StreamingResponse(lines(), media_type="application/x-ndjson")
