"""``POST /v1/chat/completions``: chat, streaming, JSON output, tool calls, logprobs."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, StreamingResponse

from app.engine.presets import ResolvedModel
from app.engine.types import (
    GenerationRequest,
    GenerationResult,
    TextDelta,
    TokenLogprob,
)
from app.server.bridge import Generation
from app.server.errors import APIError, describe, openai_body
from app.server.openai_chat_build import ToolPlan, build_request, to_messages
from app.server.openai_schemas import ChatCompletionRequest
from app.server.rag_chat import RagRun, is_rag_model, start_rag
from app.server.state import ServerState, finish_reason, get_state, sampling, stops
from app.server.tools import (
    AutoToolDetector,
    ParsedCall,
    ToolMode,
    calls_from_constrained,
    new_call_id,
)

router = APIRouter()


def logprob_entry(lp: TokenLogprob) -> dict[str, Any]:
    return {
        "token": lp.token,
        "logprob": lp.logprob,
        "bytes": list(lp.bytes),
        "top_logprobs": [
            {"token": t, "logprob": v, "bytes": list(t.encode("utf-8"))} for t, v in lp.top
        ],
    }


def usage(res: GenerationResult) -> dict[str, Any]:
    s = res.stats
    return {
        "prompt_tokens": s.prompt_tokens,
        "completion_tokens": s.completion_tokens,
        "total_tokens": s.prompt_tokens + s.completion_tokens,
        "prompt_tokens_details": {"cached_tokens": s.cached_tokens},
    }


def tool_call_json(c: ParsedCall, index: int | None = None) -> dict[str, Any]:
    d: dict[str, Any] = {
        "id": c.id,
        "type": "function",
        "function": {"name": c.name, "arguments": c.arguments},
    }
    if index is not None:
        d = {"index": index, **d}
    return d


def _resolve_calls(text: str, plan: ToolPlan) -> list[ParsedCall] | None:
    if plan.mode in (ToolMode.NAMED, ToolMode.REQUIRED):
        return calls_from_constrained(text, plan.mode, plan.named)
    if plan.mode is ToolMode.AUTO:
        det = AutoToolDetector(set(plan.names))
        det.feed(text)
        return det.finish()[1]
    return None


async def _start(
    state: ServerState, body: ChatCompletionRequest, request: Request
) -> tuple[Generation, ToolPlan, RagRun | None]:
    if is_rag_model(body.model):
        if body.tools or body.response_format or body.grammar:
            raise APIError(
                "Tools and response_format cannot be used with a rag: model.", param="model"
            )
        if body.n not in (None, 1):
            raise APIError(
                "Only n=1 is supported: this server generates one choice per request.", param="n"
            )
        lm = state.service.loaded
        resolved = ResolvedModel(path=lm.path) if lm else ResolvedModel(path=Path(body.model))
        params = sampling(
            resolved,
            temperature=body.temperature,
            top_p=body.top_p,
            top_k=body.top_k,
            min_p=body.min_p,
            seed=body.seed,
        )
        max_tokens = (
            body.max_completion_tokens
            if body.max_completion_tokens is not None
            else body.max_tokens
        )
        run = await start_rag(
            state,
            request,
            body.model,
            to_messages(body.messages),
            max_tokens=max_tokens,
            sampling=params,
            stop=stops(body.stop, resolved),
        )
        return run.generation, ToolPlan(ToolMode.NONE), run
    state.admit()
    knows_tools = state.template_knows_tools()
    plans: list[ToolPlan] = []

    def build(resolved: ResolvedModel) -> GenerationRequest:
        req, plan = build_request(body, resolved, knows_tools)
        plans.append(plan)
        return req

    gen = Generation.start(state.router, body.model, build, request)
    return gen, plans[0], None


@router.post("/v1/chat/completions", response_model=None)
async def chat_completions(
    body: ChatCompletionRequest, request: Request
) -> JSONResponse | StreamingResponse:
    state = get_state(request)
    t0 = time.perf_counter()
    gen, plan, rag = await _start(state, body, request)
    await gen.first()
    cid = "chatcmpl-" + uuid.uuid4().hex[:24]
    created = int(time.time())
    model = gen.target.name
    prompt_log = body.messages[-1].model_dump_json() if state.config.log_prompts else None
    if body.stream:
        include_usage = bool(body.stream_options and body.stream_options.include_usage)
        meta = StreamMeta(cid, created, model, include_usage, bool(body.logprobs), prompt_log, t0)
        return StreamingResponse(
            _stream(state, request, gen, plan, meta, rag),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache"},
        )
    text, lps, res = await gen.collect()
    state.record(request, model, res, prompt_log, time.perf_counter() - t0)
    message: dict[str, Any] = {"role": "assistant", "content": text, "refusal": None}
    reason = finish_reason(res)
    calls = _resolve_calls(text, plan)
    if calls:
        message = {
            "role": "assistant",
            "content": None,
            "refusal": None,
            "tool_calls": [tool_call_json(c) for c in calls],
        }
        reason = "tool_calls"
    logprobs = (
        {"content": [logprob_entry(lp) for lp in lps], "refusal": None} if body.logprobs else None
    )
    reply: dict[str, Any] = {
        "id": cid,
        "object": "chat.completion",
        "created": created,
        "model": model,
        "system_fingerprint": state.fingerprint,
        "choices": [
            {"index": 0, "message": message, "logprobs": logprobs, "finish_reason": reason}
        ],
        "usage": usage(res),
    }
    if rag is not None:
        reply.update(rag.citations(text))
    return JSONResponse(reply)


@dataclass(frozen=True)
class StreamMeta:
    cid: str
    created: int
    model: str
    include_usage: bool
    want_logprobs: bool
    prompt_log: str | None
    t0: float


def _call_deltas(calls: list[ParsedCall]) -> list[dict[str, Any]]:
    """Two deltas per call: id, type and name once (arguments empty), then the arguments."""
    out: list[dict[str, Any]] = []
    for i, c in enumerate(calls):
        head = {
            "index": i,
            "id": c.id,
            "type": "function",
            "function": {"name": c.name, "arguments": ""},
        }
        out += [
            {"tool_calls": [head]},
            {"tool_calls": [{"index": i, "function": {"arguments": c.arguments}}]},
        ]
    return out


async def _stream(
    state: ServerState,
    request: Request,
    gen: Generation,
    plan: ToolPlan,
    meta: StreamMeta,
    rag: RagRun | None,
) -> AsyncIterator[str]:
    base = {
        "id": meta.cid,
        "object": "chat.completion.chunk",
        "created": meta.created,
        "model": meta.model,
        "system_fingerprint": state.fingerprint,
    }

    def chunk(
        delta: dict[str, Any], reason: str | None = None, lps: list[TokenLogprob] | None = None
    ) -> str:
        lp = {"content": [logprob_entry(x) for x in lps], "refusal": None} if lps else None
        c: dict[str, Any] = {
            **base,
            "choices": [{"index": 0, "delta": delta, "logprobs": lp, "finish_reason": reason}],
        }
        if meta.include_usage:
            c["usage"] = None
        return f"data: {json.dumps(c, ensure_ascii=False)}\n\n"

    detector = AutoToolDetector(set(plan.names)) if plan.mode is ToolMode.AUTO else None
    named_call: ParsedCall | None = None
    text: list[str] = []
    yield chunk({"role": "assistant", "content": "" if plan.mode is not ToolMode.NAMED else None})
    try:
        async for ev in gen.events():
            if isinstance(ev, TextDelta):
                text.append(ev.text)
                lps = list(ev.logprobs) if meta.want_logprobs else None
                if plan.mode is ToolMode.NAMED:
                    if named_call is None:  # id and name once, then the arguments as they come
                        named_call = ParsedCall(new_call_id(), plan.named or "", "")
                        yield chunk(_call_deltas([named_call])[0])
                    if ev.text:
                        yield chunk(
                            {"tool_calls": [{"index": 0, "function": {"arguments": ev.text}}]},
                            lps=lps,
                        )
                elif plan.mode is ToolMode.REQUIRED:
                    pass  # held until the constrained JSON is complete
                elif detector is not None:
                    shown = detector.feed(ev.text)
                    if shown or lps:
                        yield chunk({"content": shown}, lps=lps)
                elif ev.text or lps:
                    yield chunk({"content": ev.text}, lps=lps)
                continue
            res = ev
            reason = finish_reason(res)
            calls: list[ParsedCall] | None = None
            if plan.mode is ToolMode.NAMED and named_call is not None:
                reason = "tool_calls" if reason == "stop" else reason
            elif plan.mode is ToolMode.REQUIRED:
                calls = calls_from_constrained("".join(text), plan.mode, None)
                if not calls:
                    yield chunk({"content": "".join(text)})
            elif detector is not None:
                rest, calls = detector.finish()
                if rest:
                    yield chunk({"content": rest})
            if calls:
                for delta in _call_deltas(calls):
                    yield chunk(delta)
                reason = "tool_calls"
            final = chunk({}, reason)
            if rag is not None:  # sources and citations ride on the last chunk
                data = json.loads(final[len("data: ") :])
                data.update(rag.citations("".join(text)))
                final = f"data: {json.dumps(data, ensure_ascii=False)}\n\n"
            yield final
            if meta.include_usage:
                yield f"data: {json.dumps({**base, 'choices': [], 'usage': usage(res)})}\n\n"
            state.record(request, meta.model, res, meta.prompt_log, time.perf_counter() - meta.t0)
    except Exception as exc:  # after the headers: report in-band, OpenAI style
        yield f"data: {json.dumps(openai_body(describe(exc)))}\n\n"
    yield "data: [DONE]\n\n"
