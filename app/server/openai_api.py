"""OpenAI-compatible routes other than chat: models, completions, embeddings."""

from __future__ import annotations

import asyncio
import base64
import json
import math
import struct
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, StreamingResponse

from app.core.errors import ModelNotFoundError
from app.engine.embeddings import embed_on_engine
from app.engine.presets import CatalogEntry, ResolvedModel
from app.engine.types import GenerationRequest, GenerationResult, TextDelta, TokenLogprob
from app.server.bridge import Generation
from app.server.errors import APIError, describe, openai_body
from app.server.models import ModelRouter
from app.server.openai_chat_build import openai_sampling
from app.server.openai_schemas import CompletionRequest, EmbeddingRequest
from app.server.state import ServerState, finish_reason, get_state, stops

router = APIRouter()


def model_card(entry: CatalogEntry) -> dict[str, Any]:
    return {
        "id": entry.name,
        "object": "model",
        "created": int(entry.modified),
        "owned_by": "hearth",
    }


@router.get("/v1/models")
async def list_models(request: Request) -> dict[str, Any]:
    entries = get_state(request).router.catalog()
    return {"object": "list", "data": [model_card(e) for e in entries]}


@router.get("/v1/models/{model_id:path}")
async def get_model(model_id: str, request: Request) -> dict[str, Any]:
    state = get_state(request)
    for e in state.router.catalog():
        if e.name == model_id:
            return model_card(e)
    name, resolved = state.router.describe(model_id)
    if not resolved.path.exists():  # pragma: no cover - resolvers check this
        raise ModelNotFoundError(f"The model '{model_id}' does not exist.")
    return {
        "id": name,
        "object": "model",
        "created": int(resolved.path.stat().st_mtime),
        "owned_by": "hearth",
    }


async def _prompts(state: ServerState, prompt: Any) -> list[str]:
    if isinstance(prompt, str):
        return [prompt]
    if not prompt:
        raise APIError("prompt must not be empty.", param="prompt")
    if all(isinstance(p, str) for p in prompt):
        return list(prompt)
    token_lists = [prompt] if all(isinstance(p, int) for p in prompt) else prompt

    def detokenize(b: Any) -> list[str]:
        # an out-of-range id would abort llama.cpp (a C++ exception): check first
        for tokens in token_lists:
            if not isinstance(tokens, list) or not tokens:
                raise APIError(
                    "Token prompts must be non-empty lists of token ids.", param="prompt"
                )
            for t in tokens:
                if not isinstance(t, int) or not 0 <= t < b.n_vocab:
                    raise APIError(
                        f"Token id {t} is outside this model's vocabulary (0-{b.n_vocab - 1})."
                    )
        return [b.detokenize(list(t)) for t in token_lists]

    texts: list[str] = await asyncio.wrap_future(state.service.call(detokenize))
    return texts


def legacy_logprobs(lps: list[TokenLogprob], offset: int) -> dict[str, Any]:
    offsets, pos = [], offset
    for lp in lps:
        offsets.append(pos)
        pos += len(lp.token)
    return {
        "tokens": [lp.token for lp in lps],
        "token_logprobs": [lp.logprob for lp in lps],
        "top_logprobs": [dict(lp.top) for lp in lps],
        "text_offset": offsets,
    }


def _completion_build(body: CompletionRequest, prompt: str):  # type: ignore[no-untyped-def]
    def build(resolved: ResolvedModel) -> GenerationRequest:
        params = openai_sampling(resolved, body)
        max_tokens = body.max_tokens if body.max_tokens is not None else (resolved.max_tokens or 16)
        return GenerationRequest(
            prompt=prompt,
            sampling=params,
            max_tokens=max_tokens,
            stop=stops(body.stop, resolved),
            grammar=body.grammar,
            logprobs=body.logprobs,
        )

    return build


def _usage(results: list[GenerationResult]) -> dict[str, int]:
    p = sum(r.stats.prompt_tokens for r in results)
    c = sum(r.stats.completion_tokens for r in results)
    return {"prompt_tokens": p, "completion_tokens": c, "total_tokens": p + c}


@router.post("/v1/completions", response_model=None)
async def completions(
    body: CompletionRequest, request: Request
) -> JSONResponse | StreamingResponse:
    state = get_state(request)
    if body.n not in (None, 1) or body.best_of not in (None, 1):
        raise APIError("Only n=1 and best_of=1 are supported.", param="n")
    if body.suffix:
        raise APIError(
            "suffix (fill-in-the-middle) is not supported by this server.", param="suffix"
        )
    prompts = await _prompts(state, body.prompt)
    if body.stream and len(prompts) > 1:
        raise APIError("Streaming takes a single prompt.", param="prompt")
    cid = "cmpl-" + uuid.uuid4().hex[:24]
    created = int(time.time())
    t0 = time.perf_counter()
    state.admit()
    if body.stream:
        gen = Generation.start(
            state.router, body.model, _completion_build(body, prompts[0]), request
        )
        await gen.first()
        return StreamingResponse(
            _stream(state, request, gen, body, prompts[0], cid, created, t0),
            media_type="text/event-stream",
        )
    choices, results, model = [], [], body.model
    for i, prompt in enumerate(prompts):
        if i:
            state.admit()
        gen = Generation.start(state.router, body.model, _completion_build(body, prompt), request)
        await gen.first()
        model = gen.target.name
        text, lps, res = await gen.collect()
        results.append(res)
        head = prompt if body.echo else ""
        choices.append(
            {
                "text": head + text,
                "index": i,
                "logprobs": legacy_logprobs(lps, len(head)) if body.logprobs is not None else None,
                "finish_reason": finish_reason(res),
            }
        )
        state.record(
            request,
            model,
            res,
            prompt if state.config.log_prompts else None,
            time.perf_counter() - t0,
        )
    return JSONResponse(
        {
            "id": cid,
            "object": "text_completion",
            "created": created,
            "model": model,
            "system_fingerprint": state.fingerprint,
            "choices": choices,
            "usage": _usage(results),
        }
    )


async def _stream(
    state: ServerState,
    request: Request,
    gen: Generation,
    body: CompletionRequest,
    prompt: str,
    cid: str,
    created: int,
    t0: float,
) -> AsyncIterator[str]:
    include_usage = bool(body.stream_options and body.stream_options.include_usage)
    model = gen.target.name
    offset = len(prompt) if body.echo else 0

    def chunk(text: str, reason: str | None = None, lps: list[TokenLogprob] | None = None) -> str:
        nonlocal offset
        c: dict[str, Any] = {
            "id": cid,
            "object": "text_completion",
            "created": created,
            "model": model,
            "system_fingerprint": state.fingerprint,
            "choices": [
                {
                    "text": text,
                    "index": 0,
                    "logprobs": legacy_logprobs(lps, offset) if lps is not None else None,
                    "finish_reason": reason,
                }
            ],
        }
        offset += len(text)
        if include_usage:
            c["usage"] = None
        return f"data: {json.dumps(c, ensure_ascii=False)}\n\n"

    try:
        if body.echo:
            yield chunk(prompt)
        async for ev in gen.events():
            if isinstance(ev, TextDelta):
                lps = list(ev.logprobs) if body.logprobs is not None else None
                if ev.text or lps:
                    yield chunk(ev.text, lps=lps)
                continue
            yield chunk("", finish_reason(ev))
            if include_usage:
                final = {
                    "id": cid,
                    "object": "text_completion",
                    "created": created,
                    "model": model,
                    "choices": [],
                    "usage": _usage([ev]),
                }
                yield f"data: {json.dumps(final)}\n\n"
            state.record(
                request,
                model,
                ev,
                prompt if state.config.log_prompts else None,
                time.perf_counter() - t0,
            )
    except Exception as exc:
        yield f"data: {json.dumps(openai_body(describe(exc)))}\n\n"
    yield "data: [DONE]\n\n"


async def embed_texts(
    router: ModelRouter, model: str, texts: list[str], truncate: bool
) -> tuple[str, Any]:
    """Load ``model`` if needed, then embed on the engine thread without blocking the loop."""
    target = router.ensure_loaded(model)
    if target.load is not None:
        await asyncio.wrap_future(target.load)
    fut = router.service.call(lambda b: embed_on_engine(b, texts, truncate, True))
    return target.name, await asyncio.wrap_future(fut)


@router.post("/v1/embeddings")
async def embeddings(body: EmbeddingRequest, request: Request) -> dict[str, Any]:
    state = get_state(request)
    texts = await _prompts(state, body.input)
    if any(not t for t in texts):
        raise APIError("Inputs to embed must not be empty strings.", param="input")
    name, res = await embed_texts(state.router, body.model, texts, truncate=False)
    data = []
    for i, vec in enumerate(res.vectors):
        v = list(vec)
        if body.dimensions is not None:
            if body.dimensions > len(v):
                raise APIError(
                    f"This model's embeddings have {len(v)} dimensions.", param="dimensions"
                )
            v = v[: body.dimensions]
            norm = math.sqrt(sum(x * x for x in v)) or 1.0
            v = [x / norm for x in v]
        emb: Any = v
        if body.encoding_format == "base64":
            emb = base64.b64encode(struct.pack(f"<{len(v)}f", *v)).decode("ascii")
        data.append({"object": "embedding", "index": i, "embedding": emb})
    from app.server.requestlog import annotate

    annotate(request.scope.setdefault("state", {}), model=name, prompt_tokens=res.prompt_tokens)
    usage = {"prompt_tokens": res.prompt_tokens, "total_tokens": res.prompt_tokens}
    return {"object": "list", "data": data, "model": name, "usage": usage}
