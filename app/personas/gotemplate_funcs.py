"""Go values and built-in template functions: truth, ``fmt.Sprint`` printing, ``json``,
comparisons, ``len``/``index``/``slice``, ``print``/``printf``/``println``, ``html``,
``urlquery``. A ``dict`` is a Go map, :class:`GoStruct` a Go struct, ``None`` nil."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote_plus

from app.engine.chat_template import TemplateError


class GoTemplateExecError(TemplateError):
    """Executing a (valid) template failed, e.g. a field a message does not have."""

    code = "template_exec_error"

    def __init__(self, message: str, *, line: int = 0) -> None:
        super().__init__(f"TEMPLATE line {line}: {message}" if line else message)
        self.line = line
        self.detail = message


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


def go_kind(v: Any) -> str:
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
        ka, kb = go_kind(a), go_kind(b)
        if "complex" in (ka, kb):
            raise GoTemplateExecError("non-comparable type")
        if ka != kb and "nil" not in (ka, kb):
            raise GoTemplateExecError("incompatible types for comparison")
        if a == b and ka == kb:
            return True
    return False


def _lt(a: Any, b: Any) -> bool:
    ka, kb = go_kind(a), go_kind(b)
    if ka != kb or ka not in ("int", "float", "string"):
        raise GoTemplateExecError("incompatible types for comparison")
    return bool(a < b)


def _len(v: Any) -> int:
    if isinstance(v, str):
        return len(v.encode("utf-8"))
    if isinstance(v, list | tuple | dict):
        return len(v)
    raise GoTemplateExecError(f"len of type {go_kind(v)}")


def _index(v: Any, *keys: Any) -> Any:
    for k in keys:
        if isinstance(v, list | tuple | str):
            if not isinstance(k, int) or isinstance(k, bool) or not 0 <= k < len(v):
                raise GoTemplateExecError(f"index out of range: {k}")
            v = v[k]
        elif isinstance(v, dict):
            v = v.get(k)
        else:
            raise GoTemplateExecError(f"can't index item of type {go_kind(v)}")
    return v


def _slice(v: Any, *idx: Any) -> Any:
    if not isinstance(v, list | tuple | str):
        raise GoTemplateExecError(f"can't slice item of type {go_kind(v)}")
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
            return f"%!{verb}({go_kind(a)}={go_str(a, False)})"
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
