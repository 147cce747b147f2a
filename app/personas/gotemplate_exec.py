"""Execute a parsed Go template (see :mod:`app.personas.gotemplate`) the way Go does.

Values: ``dict`` is a Go ``map[string]any`` (a missing key is the zero value, which
prints as ``<no value>``, as with Ollama's ``missingkey=zero``), :class:`GoStruct` is a
Go struct (an unknown field is an error), lists are slices, and ``None`` is nil.
Truth, printing (``fmt.Sprint``), comparisons and the built-in functions follow Go.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote_plus

from app.engine.chat_template import TemplateError
from app.personas.gotemplate import (
    Action,
    Branch,
    Chain,
    Command,
    Dot,
    Field,
    Identifier,
    ListNode,
    Literal,
    LoopControl,
    Pipe,
    Text,
    Variable,
)


class GoTemplateExecError(TemplateError):
    code = "template_exec_error"


class GoStruct:
    """A Go struct value: fixed fields; optionally a ``String()`` method and a JSON form."""

    def __init__(
        self,
        type_name: str,
        fields: dict[str, Any],
        *,
        json_value: Any = None,
        stringer: bool = False,
    ) -> None:
        self.type_name = type_name
        self.fields = fields
        self.json_value = json_value if json_value is not None else fields
        self.stringer = stringer

    def get(self, name: str) -> Any:
        if name not in self.fields:
            raise GoTemplateExecError(f"can't evaluate field {name} in type {self.type_name}")
        return self.fields[name]


class JsonMap(dict[str, Any]):
    """A Go map type whose ``String()`` is its JSON (Ollama's tool-call arguments)."""


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


_MISSING = object()


def truth(v: Any) -> bool:
    if v is None:
        return False
    if isinstance(v, bool):
        return v
    if isinstance(v, int | float | str | list | tuple | dict):
        return bool(v)
    return True  # structs are always true


def _fmt_float(f: float) -> str:
    if f != f:
        return "NaN"
    if f in (float("inf"), float("-inf")):
        return "+Inf" if f > 0 else "-Inf"
    if f.is_integer() and abs(f) < 1e21:
        return str(int(f))
    r = repr(f)
    return re.sub(r"e([+-]?)0*(\d\d)", lambda m: "e" + (m.group(1) or "+") + m.group(2), r)


def go_str(v: Any, top: bool = True) -> str:
    """``fmt.Sprint`` of one value."""
    if v is None:
        return "<no value>" if top else "<nil>"
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return _fmt_float(v)
    if isinstance(v, list | tuple):
        return "[" + " ".join(go_str(x, False) for x in v) + "]"
    if isinstance(v, JsonMap):
        return go_json(v)
    if isinstance(v, dict):
        return "map[" + " ".join(f"{k}:{go_str(v[k], False)}" for k in sorted(v)) + "]"
    if isinstance(v, GoStruct):
        if v.stringer:
            return go_json(v)
        return "{" + " ".join(go_str(x, False) for x in v.fields.values()) + "}"
    return str(v)


def _to_json(v: Any) -> Any:
    if isinstance(v, GoStruct):
        return _to_json(v.json_value)
    if isinstance(v, dict):
        return {str(k): _to_json(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_to_json(x) for x in v]
    return v


def go_json(v: Any) -> str:
    """Go's ``json.Marshal``: compact, map keys sorted, ``<>&`` escaped."""
    s = json.dumps(
        _to_json(v), separators=(",", ":"), ensure_ascii=False, sort_keys=isinstance(v, dict)
    )
    return s.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _kind(v: Any) -> str:
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float"
    if isinstance(v, str):
        return "string"
    if v is None:
        return "nil"
    return "complex"


def _eq(a: Any, *bs: Any) -> bool:
    if not bs:
        raise GoTemplateExecError("missing argument for comparison")
    for b in bs:
        ka, kb = _kind(a), _kind(b)
        if "complex" in (ka, kb):
            raise GoTemplateExecError("non-comparable type")
        if ka != kb and "nil" not in (ka, kb):
            raise GoTemplateExecError("incompatible types for comparison")
        if a == b and ka == kb:
            return True
    return False


def _lt(a: Any, b: Any) -> bool:
    ka, kb = _kind(a), _kind(b)
    if ka != kb or ka not in ("int", "float", "string"):
        raise GoTemplateExecError("incompatible types for comparison")
    return bool(a < b)


def _len(v: Any) -> int:
    if isinstance(v, str):
        return len(v.encode("utf-8"))
    if isinstance(v, list | tuple | dict):
        return len(v)
    raise GoTemplateExecError(f"len of type {_kind(v)}")


def _index(v: Any, *keys: Any) -> Any:
    for k in keys:
        if isinstance(v, list | tuple | str):
            if not isinstance(k, int) or isinstance(k, bool) or not 0 <= k < len(v):
                raise GoTemplateExecError(f"index out of range: {k}")
            v = v[k]
        elif isinstance(v, dict):
            v = v.get(k)
        else:
            raise GoTemplateExecError(f"can't index item of type {_kind(v)}")
    return v


def _slice(v: Any, *idx: Any) -> Any:
    if not isinstance(v, list | tuple | str):
        raise GoTemplateExecError(f"can't slice item of type {_kind(v)}")
    if len(idx) > 2:
        raise GoTemplateExecError("too many slice indexes")
    lo = idx[0] if idx else 0
    hi = idx[1] if len(idx) > 1 else len(v)
    if not (0 <= lo <= hi <= len(v)):
        raise GoTemplateExecError(f"slice index out of range: {lo}:{hi}")
    return v[lo:hi]


def _sprint(*args: Any) -> str:
    out = ""
    for i, a in enumerate(args):
        if i and not isinstance(a, str) and not isinstance(args[i - 1], str):
            out += " "
        out += go_str(a, False) if a is None else go_str(a)
    return out


_VERB = re.compile(r"%([-+# 0]*)(\d*)(?:\.(\d+))?([a-zA-Z%])")


def _sprintf(fmt: str, *args: Any) -> str:
    it = iter(args)

    def one(m: re.Match[str]) -> str:
        flags, width, prec, verb = m.groups()
        if verb == "%":
            return "%"
        try:
            a = next(it)
        except StopIteration:
            return f"%!{verb}(MISSING)"
        if verb in "sv":
            s = go_str(a, False)
        elif verb == "q":
            s = json.dumps(go_str(a, False), ensure_ascii=False)
        elif verb == "d" and isinstance(a, int):
            s = str(a)
        elif verb in "fFeEgG" and isinstance(a, int | float):
            p = int(prec) if prec else 6
            s = format(float(a), f".{p}{verb}") if verb != "g" or prec else _fmt_float(float(a))
        elif verb in "xX" and isinstance(a, int | str):
            s = format(a, verb) if isinstance(a, int) else a.encode().hex()
            s = s.upper() if verb == "X" else s
        elif verb == "t" and isinstance(a, bool):
            s = go_str(a)
        else:
            return f"%!{verb}({_kind(a)}={go_str(a, False)})"
        if width:
            s = (
                s.ljust(int(width))
                if "-" in flags
                else s.rjust(int(width), "0" if "0" in flags else " ")
            )
        return s

    return _VERB.sub(one, fmt)


def _html(*args: Any) -> str:
    s = _sprint(*args)
    return (
        s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&#34;")
        .replace("'", "&#39;")
        .replace("\0", "\ufffd")
    )


FUNCS: dict[str, Callable[..., Any]] = {
    "not": lambda a: not truth(a),
    "len": _len,
    "index": _index,
    "slice": _slice,
    "eq": _eq,
    "ne": lambda a, b: not _eq(a, b),
    "lt": _lt,
    "le": lambda a, b: _lt(a, b) or _eq(a, b),
    "gt": lambda a, b: not (_lt(a, b) or _eq(a, b)),
    "ge": lambda a, b: not _lt(a, b),
    "print": _sprint,
    "printf": _sprintf,
    "println": lambda *a: " ".join(go_str(x, False) for x in a) + "\n",
    "html": _html,
    "urlquery": lambda *a: quote_plus(_sprint(*a)),
    "json": go_json,
}


class Executor:
    """One execution of a template tree over ``data``."""

    def __init__(self, data: Any) -> None:
        self.root = data
        self.vars: list[tuple[str, Any]] = [("$", data)]
        self.out: list[str] = []

    def run(self, tree: ListNode) -> str:
        self.walk_list(tree, self.root)
        return "".join(self.out)

    def walk_list(self, lst: ListNode, dot: Any) -> None:
        for node in lst.nodes:
            self.walk(node, dot)

    def walk(self, node: Any, dot: Any) -> None:
        if isinstance(node, Text):
            self.out.append(node.text)
        elif isinstance(node, Action):
            v = self.eval_pipe(node.pipe, dot)
            if not node.pipe.decl:
                self.out.append(go_str(v))
        elif isinstance(node, Branch):
            mark = len(self.vars)
            try:
                if node.kind == "range":
                    self.walk_range(node, dot)
                else:
                    v = self.eval_pipe(node.pipe, dot)
                    if truth(v):
                        self.walk_list(node.body, v if node.kind == "with" else dot)
                    elif node.else_body is not None:
                        self.walk_list(node.else_body, dot)
            finally:
                del self.vars[mark:]
        elif isinstance(node, LoopControl):
            raise _Break() if node.kind == "break" else _Continue()
        else:  # pragma: no cover - the parser builds no other nodes
            raise GoTemplateExecError(f"unknown node {node!r}")

    def walk_range(self, node: Branch, dot: Any) -> None:
        pipe = node.pipe
        v = self.eval_pipe(Pipe(cmds=pipe.cmds, line=pipe.line), dot)
        if isinstance(v, dict):
            pairs = [(k, v[k]) for k in sorted(v)]
        elif isinstance(v, list | tuple):
            pairs = list(enumerate(v))
        elif isinstance(v, int) and not isinstance(v, bool):
            pairs = [(i, i) for i in range(v)]
        elif v is None:
            pairs = []
        else:
            raise GoTemplateExecError(f"range can't iterate over {go_str(v)}")
        if not pairs:
            if node.else_body is not None:
                self.walk_list(node.else_body, dot)
            return
        mark = len(self.vars)
        for key, elem in pairs:
            del self.vars[mark:]
            if len(pipe.decl) == 1:
                self.vars.append((pipe.decl[0], elem))
            elif len(pipe.decl) == 2:
                self.vars += [(pipe.decl[0], key), (pipe.decl[1], elem)]
            try:
                self.walk_list(node.body, elem)
            except _Continue:
                continue
            except _Break:
                break

    def lookup_var(self, name: str) -> Any:
        for n, v in reversed(self.vars):
            if n == name:
                return v
        raise GoTemplateExecError(f'undefined variable "{name}"')

    def eval_pipe(self, pipe: Pipe, dot: Any) -> Any:
        value: Any = _MISSING
        for cmd in pipe.cmds:
            value = self.eval_command(cmd, dot, value)
        if pipe.decl:
            if pipe.is_assign:
                for i in range(len(self.vars) - 1, -1, -1):
                    if self.vars[i][0] == pipe.decl[0]:
                        self.vars[i] = (pipe.decl[0], value)
                        break
                else:
                    raise GoTemplateExecError(f'undefined variable "{pipe.decl[0]}"')
            else:
                self.vars.append((pipe.decl[0], value))
        return value

    def eval_command(self, cmd: Command, dot: Any, final: Any) -> Any:
        first = cmd.args[0]
        if isinstance(first, Identifier):
            name = first.name
            if name in ("and", "or"):
                args = [*cmd.args[1:]]
                vals: list[Callable[[], Any]] = [lambda a=a: self.eval_arg(a, dot) for a in args]
                if final is not _MISSING:
                    vals.append(lambda: final)
                if not vals:
                    raise GoTemplateExecError(f"wrong number of args for {name}")
                v: Any = None
                for get in vals:
                    v = get()
                    if truth(v) != (name == "and"):
                        return v
                return v
            args = [self.eval_arg(a, dot) for a in cmd.args[1:]]
            if final is not _MISSING:
                args.append(final)
            try:
                return FUNCS[name](*args)
            except TypeError as exc:
                raise GoTemplateExecError(f"wrong number of args for {name}") from exc
        if len(cmd.args) > 1 or final is not _MISSING:
            raise GoTemplateExecError("can't give argument to non-function")
        return self.eval_arg(first, dot)

    def eval_arg(self, node: Any, dot: Any) -> Any:
        if isinstance(node, Literal):
            return node.value
        if isinstance(node, Dot):
            return dot
        if isinstance(node, Field):
            return self.fields(dot, node.idents)
        if isinstance(node, Variable):
            return self.fields(self.lookup_var(node.idents[0]), node.idents[1:])
        if isinstance(node, Pipe):
            return self.eval_pipe(node, dot)
        if isinstance(node, Chain):
            return self.fields(self.eval_pipe(node.node, dot), node.fields)
        if isinstance(node, Identifier):
            return FUNCS[node.name]()
        raise GoTemplateExecError(f"can't evaluate {node!r}")  # pragma: no cover

    @staticmethod
    def fields(v: Any, idents: tuple[str, ...]) -> Any:
        for name in idents:
            if isinstance(v, dict | GoStruct):
                v = v.get(name)
            elif v is None:
                raise GoTemplateExecError(f"nil pointer evaluating interface {{}}.{name}")
            else:
                raise GoTemplateExecError(f"can't evaluate field {name} in type {_kind(v)}")
        return v
