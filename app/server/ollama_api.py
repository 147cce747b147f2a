"""Ollama-compatible routes: NDJSON streaming by default, durations in nanoseconds, ``{"error"}`` bodies."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, StreamingResponse

from app.engine.presets import ResolvedModel
from app.engine.types import ChatMessage, GenerationRequest, GenerationResult, TextDelta
from app.server.bridge import Generation
from app.server.errors import APIError, describe, ollama_body
from app.server.ollama_schemas import (
    ChatBody,
    EmbedBody,
    GenerateBody,
    LegacyEmbedBody,
    PullBody,
    ShowBody,
)
from app.server.ollama_show import model_entry, ps_entry, show_model
from app.server.openai_api import embed_texts
from app.server.rag_chat import RagRun, is_rag_model, start_rag
from app.server.state import ServerState, get_state, sampling, with_preamble
from app.server.tools import AutoToolDetector, ParsedCall

router = APIRouter()
OLLAMA_COMPAT_VERSION = "0.9.0"
_SAMPLING_OPTIONS = {
    "temperature": float,
    "top_k": int,
    "top_p": float,
    "min_p": float,
    "typical_p": float,
    "repeat_penalty": float,
    "repeat_last_n": int,
    "presence_penalty": float,
    "frequency_penalty": float,
    "mirostat": int,
    "mirostat_tau": float,
    "mirostat_eta": float,
    "seed": int,
}


def now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


def _options(opts: dict[str, Any] | None) -> tuple[dict[str, Any], int | None, tuple[str, ...]]:
    """(sampling fields, max tokens, stops) from Ollama ``options``; unknown options are ignored, as Ollama does."""
    opts = opts or {}
    out: dict[str, Any] = {}
    for key, cast in _SAMPLING_OPTIONS.items():
        if opts.get(key) is None:
            continue
        try:
            out[key] = cast(opts[key])
        except (TypeError, ValueError):
            raise APIError(f"option '{key}' must be a number, not {opts[key]!r}.") from None
    n = opts.get("num_predict")
    if n is not None and not isinstance(n, int):
        raise APIError("option 'num_predict' must be an integer.")
    stop = opts.get("stop") or ()
    if isinstance(stop, str):
        stop = (stop,)
    return (
        out,
        (n if n is not None and n >= 0 else None),
        tuple(s for s in stop if isinstance(s, str) and s),
    )


def _format(fmt: str | dict[str, Any] | None) -> dict[str, Any]:
    if fmt in (None, ""):
        return {}
    if fmt == "json":
        return {"json_mode": True}
    if isinstance(fmt, dict):
        return {"json_schema": fmt}
    raise APIError(f'format must be "json" or a JSON schema, not {fmt!r}.')


def _messages(body: ChatBody) -> list[ChatMessage]:
    out = []
    for m in body.messages:
        if m.images:
            raise APIError("This model cannot read images.")
        calls = tuple(
            {
                "id": f"call_{i}",
                "type": "function",
                "function": {"name": c.function.name, "arguments": c.function.arguments},
            }
            for i, c in enumerate(m.tool_calls or [])
        )
        out.append(ChatMessage(m.role, m.content or "", name=m.tool_name, tool_calls=calls))
    return out


def _durations(res: GenerationResult, load_s: float, wall_s: float) -> dict[str, Any]:
    s = res.stats
    return {
        "total_duration": int(wall_s * 1e9),
        "load_duration": int(load_s * 1e9),
        "prompt_eval_count": s.prompt_tokens,
        "prompt_eval_duration": int(s.prefill_s * 1e9),
        "eval_count": s.completion_tokens,
        "eval_duration": int(max(s.decode_s, 0.0) * 1e9),
    }


def _reason(res: GenerationResult) -> str:
    return "length" if res.finish_reason.value in ("length", "context_full") else "stop"


def _tool_calls(calls: list[ParsedCall]) -> list[dict[str, Any]]:
    return [
        {"function": {"index": i, "name": c.name, "arguments": c.arguments_obj}}
        for i, c in enumerate(calls)
    ]


async def _run(
    request: Request,
    model: str,
    build: Callable[[ResolvedModel], GenerationRequest],
    stream: bool,
    shape: Callable[[str, list[dict[str, Any]] | None], dict[str, Any]],
    tool_names: set[str],
    prompt_log: str | None,
    rag_start: Callable[[], Awaitable[RagRun]] | None = None,
) -> JSONResponse | StreamingResponse:
    state = get_state(request)
    t0 = time.perf_counter()
    rag: RagRun | None = None
    if rag_start is not None:
        rag = await rag_start()
        gen = rag.generation
    else:
        state.admit()
        gen = Generation.start(state.router, model, build, request)
    await gen.first()
    name = gen.target.name
    load_s = state.router.last_load_s if gen.target.load is not None else 0.0

    def final(
        res: GenerationResult, text: str, calls: list[dict[str, Any]] | None
    ) -> dict[str, Any]:
        state.record(request, name, res, prompt_log, time.perf_counter() - t0)
        out = {
            "model": name,
            "created_at": now(),
            **shape(text, calls),
            "done": True,
            "done_reason": _reason(res),
            **_durations(res, load_s, time.perf_counter() - t0),
        }
        if rag is not None:
            out.update(rag.citations(res.text))
        return out

    if not stream:
        text, _lps, res = await gen.collect()
        calls = None
        if tool_names:
            det = AutoToolDetector(tool_names)
            det.feed(text)
            _rest, parsed = det.finish()
            if parsed:
                text, calls = "", _tool_calls(parsed)
        return JSONResponse(final(res, text, calls))

    async def lines() -> AsyncIterator[str]:
        det = AutoToolDetector(tool_names) if tool_names else None
        try:
            async for ev in gen.events():
                if isinstance(ev, TextDelta):
                    text = det.feed(ev.text) if det is not None else ev.text
                    if text:
                        yield (
                            json.dumps(
                                {
                                    "model": name,
                                    "created_at": now(),
                                    **shape(text, None),
                                    "done": False,
                                }
                            )
                            + "\n"
                        )
                    continue
                calls = None
                if det is not None:
                    rest, parsed = det.finish()
                    if parsed:
                        calls = _tool_calls(parsed)
                    elif rest:
                        yield (
                            json.dumps(
                                {
                                    "model": name,
                                    "created_at": now(),
                                    **shape(rest, None),
                                    "done": False,
                                }
                            )
                            + "\n"
                        )
                if calls:
                    yield (
                        json.dumps(
                            {"model": name, "created_at": now(), **shape("", calls), "done": False}
                        )
                        + "\n"
                    )
                yield json.dumps(final(ev, "", None)) + "\n"
        except Exception as exc:
            yield json.dumps(ollama_body(describe(exc))) + "\n"

    return StreamingResponse(lines(), media_type="application/x-ndjson")


@router.post("/api/chat", response_model=None)
async def chat(body: ChatBody, request: Request) -> JSONResponse | StreamingResponse:
    state = get_state(request)
    if not body.messages:
        return await _load_only(state, body.model, body.keep_alive, chat=True)
    sampling_kw, max_tokens, stop = _options(body.options)
    fmt = _format(body.format)
    tools = tuple(t for t in body.tools or [] if isinstance(t, dict))
    names = {
        str(t.get("function", {}).get("name")) for t in tools if isinstance(t.get("function"), dict)
    }
    messages = _messages(body)

    def build(resolved: ResolvedModel) -> GenerationRequest:
        return GenerationRequest(
            messages=tuple(with_preamble(resolved, list(messages))),
            sampling=sampling(resolved, **sampling_kw),
            max_tokens=max_tokens if max_tokens is not None else resolved.max_tokens,
            stop=stop or resolved.stop,
            tools=tools,
            **fmt,
        )

    def shape(text: str, calls: list[dict[str, Any]] | None) -> dict[str, Any]:
        msg: dict[str, Any] = {"role": "assistant", "content": text}
        if calls:
            msg["tool_calls"] = calls
        return {"message": msg}

    prompt_log = messages[-1].content if state.config.log_prompts else None
    rag_start = None
    if is_rag_model(body.model):

        async def rag_start() -> RagRun:
            resolved = ResolvedModel(path=Path(body.model))
            return await start_rag(
                state,
                request,
                body.model,
                messages,
                max_tokens=max_tokens,
                sampling=sampling(resolved, **sampling_kw),
                stop=stop,
            )

    return await _run(request, body.model, build, body.stream, shape, names, prompt_log, rag_start)


@router.post("/api/generate", response_model=None)
async def generate(body: GenerateBody, request: Request) -> JSONResponse | StreamingResponse:
    state = get_state(request)
    if not body.prompt:
        return await _load_only(state, body.model, body.keep_alive, chat=False)
    if body.images:
        raise APIError("This model cannot read images.")
    if body.suffix:
        raise APIError("suffix (fill-in-the-middle) is not supported by this server.")
    if body.template:
        raise APIError(
            "Custom prompt templates are not supported; use raw: true with a formatted prompt."
        )
    sampling_kw, max_tokens, stop = _options(body.options)
    fmt = _format(body.format)
    prompt = body.prompt

    def build(resolved: ResolvedModel) -> GenerationRequest:
        common: dict[str, Any] = {
            "sampling": sampling(resolved, **sampling_kw),
            "max_tokens": max_tokens if max_tokens is not None else resolved.max_tokens,
            "stop": stop or resolved.stop,
            **fmt,
        }
        if body.raw:
            return GenerationRequest(prompt=prompt, **common)
        head = [ChatMessage("system", body.system)] if body.system else []
        msgs = with_preamble(resolved, [*head, ChatMessage("user", prompt)])
        return GenerationRequest(messages=tuple(msgs), **common)

    def shape(text: str, calls: list[dict[str, Any]] | None) -> dict[str, Any]:
        return {"response": text}

    return await _run(
        request,
        body.model,
        build,
        body.stream,
        shape,
        set(),
        prompt if state.config.log_prompts else None,
    )


async def _load_only(state: ServerState, model: str, keep_alive: Any, chat: bool) -> JSONResponse:
    """Ollama loads (or, with keep_alive 0, unloads) a model when a request has no prompt."""
    if keep_alive in (0, "0", "0s", "0m"):
        name, _resolved = state.router.describe(model)
        await asyncio.wrap_future(state.service.unload())
        reason = "unload"
    else:
        target = state.router.ensure_loaded(model)
        if target.load is not None:
            await asyncio.wrap_future(target.load)
        name, reason = target.name, "load"
    body: dict[str, Any] = {"model": name, "created_at": now(), "done": True, "done_reason": reason}
    body.update({"message": {"role": "assistant", "content": ""}} if chat else {"response": ""})
    return JSONResponse(body)


@router.post("/api/embed")
async def embed(body: EmbedBody, request: Request) -> dict[str, Any]:
    t0 = time.perf_counter()
    texts = [body.input] if isinstance(body.input, str) else list(body.input)
    if not texts or any(not t for t in texts):
        raise APIError("input must be a non-empty string or list of non-empty strings.")
    state = get_state(request)
    name, res = await embed_texts(state.router, body.model, texts, truncate=body.truncate)
    vectors = [list(v)[: body.dimensions] if body.dimensions else list(v) for v in res.vectors]
    return {
        "model": name,
        "embeddings": vectors,
        "total_duration": int((time.perf_counter() - t0) * 1e9),
        "load_duration": 0,
        "prompt_eval_count": res.prompt_tokens,
    }


@router.post("/api/embeddings")
async def embeddings_legacy(body: LegacyEmbedBody, request: Request) -> dict[str, Any]:
    if not body.prompt:
        return {"embedding": []}
    state = get_state(request)
    _name, res = await embed_texts(state.router, body.model, [body.prompt], truncate=True)
    return {"embedding": list(res.vectors[0])}


@router.get("/api/version")
async def version() -> dict[str, str]:
    return {"version": OLLAMA_COMPAT_VERSION}


@router.get("/api/tags")
async def tags(request: Request) -> dict[str, Any]:
    return {"models": [model_entry(e) for e in get_state(request).router.catalog()]}


@router.get("/api/ps")
async def ps(request: Request) -> dict[str, Any]:
    state = get_state(request)
    lm = state.service.loaded
    return {"models": [ps_entry(lm, state.router.loaded_name(lm))] if lm else []}


@router.post("/api/show")
async def show(body: ShowBody, request: Request) -> dict[str, Any]:
    name = body.model or body.name
    if not name:
        raise APIError("Missing required parameter: 'model'.")
    return show_model(get_state(request), name)


@router.post("/api/pull", response_model=None)
async def pull(body: PullBody, request: Request) -> JSONResponse | StreamingResponse:
    from app.server.ollama_pull import pull_response

    name = body.model or body.name
    if not name:
        raise APIError("Missing required parameter: 'model'.")
    return await pull_response(get_state(request), name, body.stream)
