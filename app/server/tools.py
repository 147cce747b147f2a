"""Tool calling on top of plain text generation.

Three ways a reply becomes tool calls:

* ``tool_choice`` naming a function: the output is constrained (JSON-schema grammar) to
  that function's arguments, so it always is one valid call;
* ``required``: the output is constrained to ``{"name": ..., "arguments": {...}}`` for one
  of the offered functions (or a list of them when parallel calls are allowed);
* ``auto``: the model writes freely and :class:`AutoToolDetector` recognises the common
  call formats (Hermes/Qwen ``<tool_call>``, Mistral ``[TOOL_CALLS]``, Llama 3.1 JSON,
  bare JSON), holding back only as much text as it needs to decide.
"""

from __future__ import annotations

import json
import secrets
import string
from dataclasses import dataclass
from enum import Enum
from typing import Any

_ALPHABET = string.ascii_letters + string.digits
TRIGGERS = ("<tool_call>", "[TOOL_CALLS]", "<|python_tag|>", "{", "[")


class ToolMode(Enum):
    NONE = "none"
    AUTO = "auto"
    REQUIRED = "required"
    NAMED = "named"


@dataclass(frozen=True)
class ParsedCall:
    id: str
    name: str
    arguments: str  # JSON text of an object

    @property
    def arguments_obj(self) -> dict[str, Any]:
        value = json.loads(self.arguments)
        return value if isinstance(value, dict) else {}


def new_call_id() -> str:
    return "call_" + "".join(secrets.choice(_ALPHABET) for _ in range(24))


def params_schema(fn: dict[str, Any]) -> dict[str, Any]:
    schema = fn.get("parameters") or {"type": "object", "properties": {}}
    return dict(schema)


def call_schema(functions: list[dict[str, Any]], parallel: bool) -> dict[str, Any]:
    """JSON schema for ``{"name", "arguments"}`` of one of ``functions`` (a list if parallel)."""
    options = [
        {
            "type": "object",
            "properties": {"name": {"const": f["name"]}, "arguments": params_schema(f)},
            "required": ["name", "arguments"],
            "additionalProperties": False,
        }
        for f in functions
    ]
    one: dict[str, Any] = options[0] if len(options) == 1 else {"anyOf": options}
    if not parallel:
        return one
    return {"type": "array", "items": one, "minItems": 1, "maxItems": 8}


def instructions(functions: list[dict[str, Any]], mode: ToolMode) -> str:
    """A system-prompt paragraph describing the tools, for templates that know nothing of tools."""
    listing = json.dumps(
        [{"type": "function", "function": f} for f in functions], ensure_ascii=False
    )
    if mode is ToolMode.AUTO:
        how = (
            'To call a tool, reply with only <tool_call>{"name": <tool name>, "arguments": <arguments object>}'
            "</tool_call> (one block per call). If no tool is needed, answer normally."
        )
    else:
        how = 'Reply with only a JSON tool call: {"name": <tool name>, "arguments": <arguments object>}.'
    return f"You can call these tools:\n{listing}\n{how}"


def _as_calls(value: Any, names: set[str]) -> list[ParsedCall] | None:
    items = value if isinstance(value, list) else [value]
    calls: list[ParsedCall] = []
    for item in items:
        if not isinstance(item, dict):
            return None
        if isinstance(item.get("function"), dict):  # {"type": "function", "function": {...}}
            item = item["function"]
        name = item.get("name")
        args = item.get("arguments", item.get("parameters", {}))
        if isinstance(args, str):
            try:
                args = json.loads(args)
            except ValueError:
                return None
        if not isinstance(name, str) or name not in names or not isinstance(args, dict):
            return None
        calls.append(ParsedCall(new_call_id(), name, json.dumps(args, ensure_ascii=False)))
    return calls or None


def _json_values(text: str) -> list[Any] | None:
    """Consecutive JSON values in ``text`` (separated by whitespace, commas or semicolons)."""
    dec = json.JSONDecoder()
    out: list[Any] = []
    i, n = 0, len(text)
    while i < n:
        while i < n and text[i] in " \t\r\n,;":
            i += 1
        if i >= n:
            break
        try:
            value, i = dec.raw_decode(text, i)
        except ValueError:
            return None
        out.append(value)
    return out


def parse_tool_calls(text: str, names: set[str]) -> list[ParsedCall] | None:
    """Tool calls in a whole reply, or None when the reply is not (only) tool calls."""
    s = text.strip()
    if s.startswith("<tool_call>"):
        calls: list[ParsedCall] = []
        for block in s.split("<tool_call>")[1:]:
            body = block.split("</tool_call>")[0].strip()
            values = _json_values(body)
            if not values:
                return None
            for v in values:
                got = _as_calls(v, names)
                if got is None:
                    return None
                calls.extend(got)
        return calls or None
    for prefix in ("[TOOL_CALLS]", "<|python_tag|>"):
        if s.startswith(prefix):
            s = s[len(prefix) :].strip()
            break
    values = _json_values(s)
    if not values:
        return None
    calls = []
    for v in values:
        got = _as_calls(v, names)
        if got is None:
            return None
        calls.extend(got)
    return calls


def calls_from_constrained(text: str, mode: ToolMode, named: str | None) -> list[ParsedCall] | None:
    """Tool calls from grammar-constrained output (None if the output was cut short)."""
    try:
        value = json.loads(text)
    except ValueError:
        return None
    if mode is ToolMode.NAMED:
        assert named is not None
        return (
            [ParsedCall(new_call_id(), named, json.dumps(value, ensure_ascii=False))]
            if isinstance(value, dict)
            else None
        )
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("arguments"), dict):
            return None
        out.append(
            ParsedCall(
                new_call_id(), str(item["name"]), json.dumps(item["arguments"], ensure_ascii=False)
            )
        )
    return out or None


class AutoToolDetector:
    """Streams text through unless the reply starts like a tool call, which it then holds back."""

    def __init__(self, names: set[str]) -> None:
        self._names = names
        self._buf = ""
        self._state = "undecided"  # -> "text" | "capture"

    def feed(self, text: str) -> str:
        """Text that can be shown now."""
        if self._state == "text":
            return text
        self._buf += text
        if self._state == "capture":
            return ""
        head = self._buf.lstrip()
        if not head:
            return ""
        if any(head.startswith(t) for t in TRIGGERS):
            self._state = "capture"
            return ""
        if any(t.startswith(head) for t in TRIGGERS):
            return ""
        self._state = "text"
        out, self._buf = self._buf, ""
        return out

    def finish(self) -> tuple[str, list[ParsedCall] | None]:
        """(text still held back, tool calls) at the end of the reply."""
        if self._state == "capture":
            calls = parse_tool_calls(self._buf, self._names)
            if calls:
                return "", calls
        out, self._buf = self._buf, ""
        return out, None
