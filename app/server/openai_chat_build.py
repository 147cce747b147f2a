"""Turn an OpenAI chat request into a GenerationRequest: messages, presets, sampling, JSON output, tools."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from app.engine.presets import ResolvedModel
from app.engine.types import (
    ChatMessage,
    GenerationRequest,
    SamplingParams,
)
from app.server.errors import APIError
from app.server.openai_schemas import ChatCompletionRequest, Message, NamedToolChoice
from app.server.state import sampling, stops, with_preamble
from app.server.tools import (
    ToolMode,
    call_schema,
    instructions,
    params_schema,
)


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
    params = openai_sampling(resolved, body)
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


def openai_sampling(resolved: ResolvedModel, body: Any) -> SamplingParams:
    """Sampling fields shared by chat and text completions, on top of the preset's."""
    try:
        bias = tuple((int(k), float(v)) for k, v in (body.logit_bias or {}).items())
    except ValueError:
        raise APIError("logit_bias keys must be token ids.", param="logit_bias") from None
    return sampling(
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
