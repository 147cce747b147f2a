"""Split Go template source into text and action tokens, applying ``{{-``/``-}}`` trimming."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from app.personas.gotemplate_nodes import GoTemplateSyntaxError

_SPACE = " \t\r\n"

_TOKEN = re.compile(
    r"""(?P<ws>[ \t\r\n]+)
    |(?P<str>"(?:[^"\\\n]|\\.)*")
    |(?P<raw>`[^`]*`)
    |(?P<char>'(?:[^'\\]|\\.)+')
    |(?P<num>[+-]?(?:0[xX][0-9a-fA-F_]+|\d[\d_]*(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?))
    |(?P<field>\.[A-Za-z_][A-Za-z0-9_]*)
    |(?P<var>\$[A-Za-z0-9_]*)
    |(?P<ident>[A-Za-z_][A-Za-z0-9_]*)
    |(?P<op>:=|=|\||\(|\)|,|\.)""",
    re.VERBOSE,
)


@dataclass
class Tok:
    kind: str
    text: str
    start: int
    end: int


def line_of(src: str, pos: int) -> int:
    return src.count("\n", 0, pos) + 1


def lex(src: str) -> list[tuple[str, Any, int]]:
    """Split into ("text", str, pos) and ("action", [Tok], pos) items, applying trim markers."""
    items: list[tuple[str, Any, int]] = []
    pos, n = 0, len(src)
    trim_next = False
    while pos <= n:
        i = src.find("{{", pos)
        text = src[pos:] if i < 0 else src[pos:i]
        if trim_next:
            text = text.lstrip(_SPACE)
        if i < 0:
            if text:
                items.append(("text", text, pos))
            break
        j = i + 2
        if src.startswith("-", j) and j + 1 < n and src[j + 1] in _SPACE:
            text = text.rstrip(_SPACE)
            j += 2
        if text:
            items.append(("text", text, pos))
        if src.startswith("/*", j):
            end = src.find("*/", j + 2)
            if end < 0:
                raise GoTemplateSyntaxError("unclosed comment", line=line_of(src, i))
            k = end + 2
            if src.startswith("}}", k):
                pos, trim_next = k + 2, False
            elif k < n and src[k] in _SPACE and src.startswith("-}}", k + 1):
                pos, trim_next = k + 4, True
            else:
                raise GoTemplateSyntaxError(
                    "comment ends before closing delimiter", line=line_of(src, i)
                )
            continue
        toks: list[Tok] = []
        k = j
        while True:
            if k >= n:
                raise GoTemplateSyntaxError("unclosed action", line=line_of(src, i))
            if src.startswith("}}", k):
                pos, trim_next = k + 2, False
                break
            if src[k] in _SPACE:
                w = k
                while w < n and src[w] in _SPACE:
                    w += 1
                if src.startswith("-}}", w):
                    pos, trim_next = w + 3, True
                    break
            m = _TOKEN.match(src, k)
            if m is None:
                raise GoTemplateSyntaxError(
                    f"unexpected {src[k]!r} in action", line=line_of(src, k)
                )
            kind = m.lastgroup or ""
            if kind != "ws":
                toks.append(Tok(kind, m.group(), m.start(), m.end()))
            k = m.end()
        items.append(("action", toks, i))
    return items


_ESCAPES = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "\\": "\\",
    '"': '"',
    "'": "'",
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "v": "\v",
}


def unquote(body: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(body):
        c = body[i]
        if c != "\\":
            out.append(c)
            i += 1
            continue
        e = body[i + 1]
        if e in _ESCAPES:
            out.append(_ESCAPES[e])
            i += 2
        elif e in "xuU":
            width = {"x": 2, "u": 4, "U": 8}[e]
            out.append(chr(int(body[i + 2 : i + 2 + width], 16)))
            i += 2 + width
        elif e in "01234567":
            out.append(chr(int(body[i + 1 : i + 4], 8)))
            i += 4
        else:
            raise GoTemplateSyntaxError(f"unknown escape sequence \\{e}")
    return "".join(out)


def number(text: str) -> int | float:
    t = text.replace("_", "")
    if re.fullmatch(r"[+-]?0[xX][0-9a-fA-F]+", t):
        return int(t, 16)
    if re.fullmatch(r"[+-]?\d+", t):
        return int(t)
    return float(t)
