"""``POST /v1/chat/completions``: chat, streaming, JSON output, tool calls, logprobs."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, StreamingResponse

from app.core.errors import InvalidRequestError
from app.engine.presets import ResolvedModel
from app.engine.types import (
    ChatMessage,
    GenerationRequest,
    GenerationResult,
    TextDelta,
    TokenLogprob,
)
from app.server.bridge import Generation
from app.server.errors import APIError, describe, openai_body
from app.server.openai_schemas import ChatCompletionRequest, Message, NamedToolChoice
from app.server.state import ServerState, finish_reason, get_state, sampling, stops, with_preamble
from app.server.tools import (
    AutoToolDetector,
    ParsedCall,
    ToolMode,
    call_schema,
    calls_from_constrained,
    instructions,
    new_call_id,
    params_schema,
)

router = APIRouter()


@dataclass(frozen=True)
class ToolPlan:
    mode: ToolMode
    names: frozenset[str] = frozenset()
    named: str | None = None


def _text(m: Message) -> str:
    if m.content is None:
        return ""
    if isinstance(m.content, str):
        return m.content
    parts = []
    for p in m.content:
        if p.type in ("text", "input_text"):
            parts.append(p.text or "")
        else:
            raise APIError(
                f"This server cannot read '{p.type}' content; send text only.", param="messages"
            )
    return "".join(parts)


def _args_obj(arguments: str | dict[str, Any]) -> Any:
    if isinstance(arguments, dict):
        return arguments
    try:
        return json.loads(arguments) if arguments.strip() else {}
    except ValueError:
        return arguments


def to_messages(msgs: list[Message]) -> list[ChatMessage]:
    out = []
    for m in msgs:
        role = "tool" if m.role == "function" else m.role
        calls = tuple(
            {
                "id": tc.id or f"call_{i}",
                "type": "function",
                "function": {
                    "name": tc.function.name,
                    "arguments": _args_obj(tc.function.arguments),
                },
            }
            for i, tc in enumerate(m.tool_calls or [])
        )
        out.append(
            ChatMessage(role, _text(m), name=m.name, tool_calls=calls, tool_call_id=m.tool_call_id)
        )
    return out


def plan_tools(
    body: ChatCompletionRequest,
) -> tuple[ToolPlan, dict[str, Any] | None, list[dict[str, Any]]]:
    """(tool plan, JSON schema to constrain output with, functions to tell the template about)."""
    functions = [t.function.model_dump(exclude_none=True) for t in body.tools or []]
    choice = body.tool_choice or ("auto" if functions else "none")
    if isinstance(choice, NamedToolChoice):
        fn = next((f for f in functions if f["name"] == choice.function.name), None)
        if fn is None:
            raise APIError(
                f"tool_choice names '{choice.function.name}', which is not in tools.",
                param="tool_choice",
            )
        return (
            ToolPlan(ToolMode.NAMED, frozenset([fn["name"]]), fn["name"]),
            params_schema(fn),
            functions,
        )
    if choice != "none" and not functions:
        raise APIError(f"tool_choice '{choice}' needs a non-empty tools list.", param="tool_choice")
    if choice == "none":
        return ToolPlan(ToolMode.NONE), None, []
    names = frozenset(f["name"] for f in functions)
    if choice == "required":
        parallel = body.parallel_tool_calls is True
        return ToolPlan(ToolMode.REQUIRED, names), call_schema(functions, parallel), functions
    return ToolPlan(ToolMode.AUTO, names), None, functions


def build_request(
    body: ChatCompletionRequest, resolved: ResolvedModel, template_knows_tools: bool
) -> tuple[GenerationRequest, ToolPlan]:
    if body.n not in (None, 1):
        raise APIError(
            "Only n=1 is supported: this server generates one choice per request.", param="n"
        )
    plan, tool_schema, functions = plan_tools(body)
    schema: dict[str, Any] | None = None
    json_mode = False
    rf = body.response_format
    if rf is not None and rf.type == "json_schema":
        if rf.json_schema is None or rf.json_schema.schema_ is None:
            raise APIError("response_format json_schema needs a 'schema'.", param="response_format")
        schema = rf.json_schema.schema_
    elif rf is not None and rf.type == "json_object":
        json_mode = True
    if tool_schema is not None:
        if schema is not None or json_mode or body.grammar:
            raise APIError(
                "A required or named tool call cannot be combined with response_format.",
                param="tool_choice",
            )
        schema = tool_schema
    if body.grammar and (schema is not None or json_mode):
        raise APIError("Use either grammar or response_format, not both.", param="grammar")
    messages = with_preamble(resolved, to_messages(body.messages))
    if functions and not template_knows_tools:
        note = instructions(functions, plan.mode)
        if messages and messages[0].role in ("system", "developer"):
            messages[0] = ChatMessage(messages[0].role, messages[0].content + "\n\n" + note)
        else:
            messages.insert(0, ChatMessage("system", note))
    logprobs = None
    if body.logprobs:
        logprobs = body.top_logprobs or 0
    elif body.top_logprobs:
        raise APIError("top_logprobs needs logprobs: true.", param="top_logprobs")
    try:
        bias = tuple((int(k), float(v)) for k, v in (body.logit_bias or {}).items())
    except ValueError:
        raise APIError("logit_bias keys must be token ids.", param="logit_bias") from None
    params = sampling(
        resolved,
        temperature=body.temperature,
        top_p=body.top_p,
        top_k=body.top_k,
        min_p=body.min_p,
        typical_p=body.typical_p,
        repeat_penalty=body.repeat_penalty,
        presence_penalty=body.presence_penalty,
        frequency_penalty=body.frequency_penalty,
        seed=body.seed,
        logit_bias=bias or None,
    )
    max_tokens = (
        body.max_completion_tokens if body.max_completion_tokens is not None else body.max_tokens
    )
    req = GenerationRequest(
        messages=tuple(messages),
        sampling=params,
        max_tokens=max_tokens if max_tokens is not None else resolved.max_tokens,
        stop=stops(body.stop, resolved),
        grammar=body.grammar,
        json_schema=schema,
        json_mode=json_mode,
        logprobs=logprobs,
        tools=tuple({"type": "function", "function": f} for f in functions),
    )
    return req, plan


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


@router.post("/v1/chat/completions", response_model=None)
async def chat_completions(
    body: ChatCompletionRequest, request: Request
) -> JSONResponse | StreamingResponse:
    state = get_state(request)
    state.admit()
    knows_tools = state.template_knows_tools()
    plans: list[ToolPlan] = []

    def build(resolved: ResolvedModel) -> GenerationRequest:
        req, plan = build_request(body, resolved, knows_tools)
        plans.append(plan)
        return req

    t0 = time.perf_counter()
    gen = Generation.start(state.router, body.model, build, request)
    plan = plans[0]
    await gen.first()
    cid = "chatcmpl-" + uuid.uuid4().hex[:24]
    created = int(time.time())
    model = gen.target.name
    prompt_log = body.messages[-1].model_dump_json() if state.config.log_prompts else None
    if not body.stream:
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
        elif plan.mode in (ToolMode.NAMED, ToolMode.REQUIRED) and reason == "stop":
            raise InvalidRequestError(
                "The model's tool call could not be read."
            )  # pragma: no cover
        choice = {
            "index": 0,
            "message": message,
            "logprobs": {"content": [logprob_entry(lp) for lp in lps], "refusal": None}
            if body.logprobs
            else None,
            "finish_reason": reason,
        }
        return JSONResponse(
            {
                "id": cid,
                "object": "chat.completion",
                "created": created,
                "model": model,
                "system_fingerprint": state.fingerprint,
                "choices": [choice],
                "usage": usage(res),
            }
        )
    include_usage = bool(body.stream_options and body.stream_options.include_usage)
    stream = _stream(
        state,
        request,
        gen,
        plan,
        cid,
        created,
        model,
        include_usage,
        bool(body.logprobs),
        prompt_log,
        t0,
    )
    return StreamingResponse(
        stream, media_type="text/event-stream", headers={"Cache-Control": "no-cache"}
    )


async def _stream(
    state: ServerState,
    request: Request,
    gen: Generation,
    plan: ToolPlan,
    cid: str,
    created: int,
    model: str,
    include_usage: bool,
    want_logprobs: bool,
    prompt_log: str | None,
    t0: float,
) -> AsyncIterator[str]:
    def chunk(
        delta: dict[str, Any], reason: str | None = None, lps: list[TokenLogprob] | None = None
    ) -> str:
        c: dict[str, Any] = {
            "id": cid,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "system_fingerprint": state.fingerprint,
            "choices": [
                {
                    "index": 0,
                    "delta": delta,
                    "logprobs": {"content": [logprob_entry(x) for x in lps], "refusal": None}
                    if lps
                    else None,
                    "finish_reason": reason,
                }
            ],
        }
        if include_usage:
            c["usage"] = None
        return f"data: {json.dumps(c, ensure_ascii=False)}\n\n"

    detector = AutoToolDetector(set(plan.names)) if plan.mode is ToolMode.AUTO else None
    named_call: ParsedCall | None = None
    held: list[str] = []
    yield chunk({"role": "assistant", "content": "" if plan.mode is not ToolMode.NAMED else None})
    try:
        async for ev in gen.events():
            if isinstance(ev, TextDelta):
                lps = list(ev.logprobs) if want_logprobs else None
                if plan.mode is ToolMode.NAMED:
                    if named_call is None:
                        named_call = ParsedCall(new_call_id(), plan.named or "", "")
                        yield chunk(
                            {
                                "tool_calls": [
                                    {
                                        "index": 0,
                                        "id": named_call.id,
                                        "type": "function",
                                        "function": {"name": named_call.name, "arguments": ""},
                                    }
                                ]
                            }
                        )
                    if ev.text:
                        yield chunk(
                            {"tool_calls": [{"index": 0, "function": {"arguments": ev.text}}]},
                            lps=lps,
                        )
                elif plan.mode is ToolMode.REQUIRED:
                    held.append(ev.text)
                elif detector is not None:
                    shown = detector.feed(ev.text)
                    if shown or lps:
                        yield chunk({"content": shown}, lps=lps)
                elif ev.text or lps:
                    yield chunk({"content": ev.text}, lps=lps)
                continue
            res = ev
            reason = finish_reason(res)
            if plan.mode is ToolMode.NAMED and named_call is not None:
                reason = "tool_calls" if reason == "stop" else reason
            elif plan.mode is ToolMode.REQUIRED:
                calls = calls_from_constrained("".join(held), plan.mode, None)
                if calls:
                    for i, c in enumerate(calls):
                        yield chunk(
                            {
                                "tool_calls": [
                                    {
                                        "index": i,
                                        "id": c.id,
                                        "type": "function",
                                        "function": {"name": c.name, "arguments": ""},
                                    }
                                ]
                            }
                        )
                        yield chunk(
                            {"tool_calls": [{"index": i, "function": {"arguments": c.arguments}}]}
                        )
                    reason = "tool_calls"
                else:
                    yield chunk({"content": "".join(held)})
            elif detector is not None:
                rest, calls = detector.finish()
                if calls:
                    for i, c in enumerate(calls):
                        yield chunk(
                            {
                                "tool_calls": [
                                    {
                                        "index": i,
                                        "id": c.id,
                                        "type": "function",
                                        "function": {"name": c.name, "arguments": ""},
                                    }
                                ]
                            }
                        )
                        yield chunk(
                            {"tool_calls": [{"index": i, "function": {"arguments": c.arguments}}]}
                        )
                    reason = "tool_calls"
                elif rest:
                    yield chunk({"content": rest})
            yield chunk({}, reason)
            if include_usage:
                yield (
                    "data: "
                    + json.dumps(
                        {
                            "id": cid,
                            "object": "chat.completion.chunk",
                            "created": created,
                            "model": model,
                            "system_fingerprint": state.fingerprint,
                            "choices": [],
                            "usage": usage(res),
                        }
                    )
                    + "\n\n"
                )
            state.record(request, model, res, prompt_log, time.perf_counter() - t0)
    except Exception as exc:  # after the headers: report in-band, OpenAI style
        yield f"data: {json.dumps(openai_body(describe(exc)))}\n\n"
    yield "data: [DONE]\n\n"
