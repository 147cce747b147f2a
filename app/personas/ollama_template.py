"""Render an Ollama TEMPLATE into a raw prompt, with Ollama's own execution rules.

Ollama (``template/template.go``) does more than execute the Go template once:

* a template that mentions neither ``.Messages`` nor ``.Response`` gets
  ``{{ .Response }}`` appended;
* messages are *collated*: consecutive messages of one role merge with a blank line,
  and all system messages join into ``.System``;
* a template that mentions ``.Messages`` runs once over the whole conversation;
* an older "legacy" template (``.System``/``.Prompt``/``.Response`` only) runs once
  per user turn, and the last run stops right after ``{{ .Response }}`` so the
  prompt ends where the model should start writing.

This module reproduces those rules. Unsupported constructs raise
:class:`~app.personas.gotemplate.UnsupportedTemplateError`; :func:`render_or_fallback`
turns that into "use the model's own chat template" plus a reason for the user.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from app.engine.chat_template import TemplateError
from app.engine.types import ChatMessage
from app.personas import gotemplate as gt
from app.personas.gotemplate_exec import Executor
from app.personas.gotemplate_funcs import GoStruct, GoTemplateExecError, JsonMap


@dataclass(frozen=True)
class OllamaTemplate:
    source: str
    tree: gt.ListNode
    vars: frozenset[str]

    @property
    def uses_messages(self) -> bool:
        return "messages" in self.vars or "document" in self.vars


def _identifiers(node: Any) -> Iterable[str]:
    if isinstance(node, gt.ListNode):
        for n in node.nodes:
            yield from _identifiers(n)
    elif isinstance(node, gt.Action):
        yield from _identifiers(node.pipe)
    elif isinstance(node, gt.Branch):
        yield from _identifiers(node.pipe)
        yield from _identifiers(node.body)
        if node.else_body is not None:
            yield from _identifiers(node.else_body)
    elif isinstance(node, gt.Pipe):
        for cmd in node.cmds:
            for a in cmd.args:
                yield from _identifiers(a)
    elif isinstance(node, gt.Field | gt.Variable):
        yield from node.idents


@lru_cache(maxsize=32)
def compile_template(source: str) -> OllamaTemplate:
    """Parse like Ollama's ``template.Parse`` (raises GoTemplateSyntaxError / UnsupportedTemplateError)."""
    tree = gt.parse(source)
    names = frozenset(i.lower() for i in _identifiers(tree))
    if "messages" not in names and "response" not in names:
        tree.nodes.append(gt.Action(gt.Pipe(cmds=[gt.Command([gt.Field(("Response",))])])))
        names = names | {"response"}
    return OllamaTemplate(source, tree, names)


def _cut_after_response(tree: gt.ListNode) -> gt.ListNode:
    """Ollama's ``deleteNode``: keep ``{{ .Response }}``, drop every node after it."""
    cut = False

    def hit(n: Any) -> bool:
        nonlocal cut
        if isinstance(n, gt.Field) and "Response" in n.idents:
            cut = True
            return False
        return cut

    def walk(n: Any) -> Any:
        if hit(n):
            return None
        if isinstance(n, gt.ListNode):
            n.nodes = [c for c in (walk(c) for c in n.nodes) if c is not None]
        elif isinstance(n, gt.Branch):
            n.body = walk(n.body) or gt.ListNode()
            if n.else_body is not None:
                n.else_body = walk(n.else_body) or gt.ListNode()
        elif isinstance(n, gt.Action):
            pipe = walk(n.pipe)
            if pipe is None:
                return None
        elif isinstance(n, gt.Pipe):
            for cmd in n.cmds:
                cmd.args = [a for a in (walk(a) for a in cmd.args) if a is not None]
                if not cmd.args:
                    return None
        return n

    return walk(copy.deepcopy(tree)) or gt.ListNode()


# ------------------------------------------------------------ Go-side values
def _arguments(raw: Any) -> JsonMap:
    if isinstance(raw, str):
        try:
            raw = json.loads(raw) if raw.strip() else {}
        except json.JSONDecodeError:
            raw = {}
    return JsonMap(raw if isinstance(raw, dict) else {})


def _tool_call(tc: dict[str, Any], index: int) -> GoStruct:
    fn = tc.get("function") or {}
    args = _arguments(fn.get("arguments"))
    fields = {"Index": index, "Name": fn.get("name", ""), "Arguments": args}
    func = GoStruct(
        "api.ToolCallFunction",
        fields,
        json_value={"index": index, "name": fields["Name"], "arguments": dict(args)},
    )
    return GoStruct(
        "api.ToolCall",
        {"ID": tc.get("id", ""), "Function": func},
        json_value={"function": func.json_value},
    )


def _message(m: ChatMessage | dict[str, Any]) -> dict[str, Any]:
    if isinstance(m, ChatMessage):
        m = m.to_template()
    role = "system" if m.get("role") == "developer" else str(m.get("role", ""))
    return {
        "role": role,
        "content": m.get("content") or "",
        "thinking": m.get("thinking") or m.get("reasoning_content") or "",
        "tool_calls": list(m.get("tool_calls") or ()),
        "tool_name": m.get("name") or m.get("tool_name") or "",
        "tool_call_id": m.get("tool_call_id") or "",
    }


def _message_struct(m: dict[str, Any]) -> GoStruct:
    calls = [_tool_call(tc, i) for i, tc in enumerate(m["tool_calls"])]
    fields = {
        "Role": m["role"],
        "Content": m["content"],
        "Thinking": m["thinking"],
        "Images": [],
        "ToolCalls": calls,
        "ToolName": m["tool_name"],
        "ToolCallID": m["tool_call_id"],
    }
    js: dict[str, Any] = {"role": m["role"], "content": m["content"]}
    if m["thinking"]:
        js["thinking"] = m["thinking"]
    if calls:
        js["tool_calls"] = [c.json_value for c in calls]
    if m["tool_name"]:
        js["tool_name"] = m["tool_name"]
    return GoStruct("api.Message", fields, json_value=js)


def _tool(t: dict[str, Any]) -> GoStruct:
    fn = t.get("function") or {}
    params = fn.get("parameters") or {}
    props = {
        k: GoStruct(
            "api.ToolProperty",
            {
                "Type": v.get("type"),
                "Items": v.get("items"),
                "Description": v.get("description", ""),
                "Enum": v.get("enum"),
            },
            json_value=v,
        )
        for k, v in (params.get("properties") or {}).items()
    }
    pstruct = GoStruct(
        "api.ToolFunctionParameters",
        {
            "Type": params.get("type", "object"),
            "Defs": params.get("$defs"),
            "Items": params.get("items"),
            "Required": params.get("required") or [],
            "Properties": props,
        },
        json_value=params,
    )
    func = GoStruct(
        "api.ToolFunction",
        {
            "Name": fn.get("name", ""),
            "Description": fn.get("description", ""),
            "Parameters": pstruct,
        },
        json_value=fn,
        stringer=True,
    )
    return GoStruct(
        "api.Tool",
        {"Type": t.get("type", "function"), "Items": None, "Function": func},
        json_value=t,
        stringer=True,
    )


def collate(messages: Sequence[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Merge consecutive same-role messages (not tool results); join the system messages."""
    system: list[str] = []
    out: list[dict[str, Any]] = []
    for m in messages:
        if m["role"] == "system":
            system.append(m["content"])
        if out and out[-1]["role"] == m["role"] and m["role"] != "tool":
            out[-1] = {**out[-1], "content": out[-1]["content"] + "\n\n" + m["content"]}
        else:
            out.append(dict(m))
    return "\n\n".join(system), out


def render(
    template: str | OllamaTemplate,
    messages: Sequence[ChatMessage | dict[str, Any]],
    *,
    tools: Sequence[dict[str, Any]] = (),
    think: bool | None = None,
    prompt: str = "",
    suffix: str = "",
) -> str:
    """The prompt Ollama would build from ``template`` for this conversation.

    ``messages`` are :class:`ChatMessage` objects or OpenAI-style dicts; ``tools``
    are OpenAI-style tool definitions. ``prompt`` plus ``suffix`` is fill-in-the-middle.
    """
    tmpl = template if isinstance(template, OllamaTemplate) else compile_template(template)
    base = {"Think": bool(think), "IsThinkSet": think is not None}
    if prompt and suffix:
        return Executor({**base, "Prompt": prompt, "Suffix": suffix, "Response": ""}).run(tmpl.tree)
    system, msgs = collate([_message(m) for m in messages])
    if tmpl.uses_messages:
        data = {
            **base,
            "System": system,
            "Messages": [_message_struct(m) for m in msgs],
            "Tools": [_tool(t) for t in tools],
            "Response": "",
            "Query": "",
            "Document": "",
            "Instruction": "",
        }
        return Executor(data).run(tmpl.tree)
    out: list[str] = []
    turn = {"System": "", "Prompt": "", "Response": ""}

    def execute() -> None:
        out.append(Executor({**base, **turn}).run(tmpl.tree))
        turn.update(System="", Prompt="", Response="")

    for m in msgs:
        if m["role"] == "system":
            if turn["Prompt"] or turn["Response"]:
                execute()
            turn["System"] = m["content"]
        elif m["role"] == "user":
            if turn["Response"]:
                execute()
            turn["Prompt"] = m["content"]
        elif m["role"] == "assistant":
            turn["Response"] = m["content"]
    out.append(Executor({**base, **turn}).run(_cut_after_response(tmpl.tree)))
    return "".join(out)


def template_problem(source: str) -> str | None:
    """None if Hearth can render this TEMPLATE, else one sentence saying why not."""
    try:
        compile_template(source)
    except TemplateError as exc:
        return str(exc)
    return None


def render_or_fallback(
    template: str | None, messages: Sequence[ChatMessage | dict[str, Any]], **kwargs: Any
) -> tuple[str | None, str | None]:
    """``(prompt, None)`` when the persona's TEMPLATE renders; ``(None, reason)`` when the
    caller should fall back to the model's own chat template (``(None, None)``: no TEMPLATE)."""
    if not template:
        return None, None
    try:
        return render(template, messages, **kwargs), None
    except GoTemplateExecError as exc:
        reason = f"the persona's TEMPLATE failed while rendering ({exc})."
    except TemplateError as exc:
        reason = str(exc)
    reason = " ".join(reason.split())
    return None, f"{reason[:1].upper()}{reason[1:]} Using the model's own chat template instead."
