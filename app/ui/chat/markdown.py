"""Markdown to the HTML subset Qt's rich text understands, with highlighted code.

Headings, lists, tables, emphasis, links, inline and block code (highlighted by
Pygments with inline styles). Each code block gets a "Copy" link whose href is
``copy:N``; :func:`code_blocks` returns the raw code so the view can put block N on
the clipboard. Raw HTML in the model's text is shown as text, never interpreted.
"""

from __future__ import annotations

import html
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def _parser() -> Any:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "breaks": True})
    md.enable(["table", "strikethrough"])
    return md


@lru_cache(maxsize=2)
def _style(dark: bool) -> Any:
    from pygments.styles import get_style_by_name

    return get_style_by_name("monokai" if dark else "friendly")


def _highlight(code: str, lang: str, dark: bool) -> str:
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import TextLexer, get_lexer_by_name, guess_lexer
    from pygments.util import ClassNotFound

    try:
        lexer = (
            get_lexer_by_name(lang)
            if lang
            else guess_lexer(code)
            if len(code) > 40
            else TextLexer()
        )
    except ClassNotFound:
        lexer = TextLexer()
    fmt = HtmlFormatter(noclasses=True, nowrap=True, style=_style(dark))
    return highlight(code, lexer, fmt)


def warm_up() -> None:
    """Import the parser and highlighter (call on a worker so the first reply does not pay for it)."""
    render("# warm\n\n```python\nx = 1\n```\n\n|a|b|\n|-|-|\n|1|2|", dark=False)
    render("`x`", dark=True)


def code_blocks(text: str) -> list[str]:
    """The raw text of each fenced or indented code block, in order."""
    return [t.content for t in _parser().parse(text) if t.type in ("fence", "code_block")]


def render(text: str, *, dark: bool = False, streaming: bool = False) -> str:
    """HTML for one message. ``streaming`` closes an unfinished code fence first."""
    return _render(text, dark=dark, streaming=streaming)[0]


def _render(
    text: str, *, dark: bool = False, streaming: bool = False, first_code: int = 0
) -> tuple[str, int]:
    """HTML for ``text`` and how many code blocks it has; their copy links count from ``first_code``."""
    if streaming and text.count("```") % 2 == 1:
        text += "\n```"
    md = _parser()
    tokens = md.parse(text)
    n = _code_to_html(tokens, dark, first_code)
    return _to_html(tokens, dark), n


def _code_to_html(tokens: list[Any], dark: bool, first_code: int) -> int:
    """Turn the code blocks among ``tokens`` into highlighted HTML; returns how many there were."""
    bg = "#272822" if dark else "#f5f5f4"
    link = "#8ab4f8" if dark else "#1a5fb4"
    idx = first_code
    for t in tokens:
        if t.type in ("fence", "code_block"):
            lang = (t.info or "").strip().split(" ")[0].lower()
            body = _highlight(t.content.rstrip("\n"), lang, dark)
            label = html.escape(lang or "code")
            t.type = "html_block"
            t.content = (
                f'<table width="100%" cellspacing="0" cellpadding="6" border="0"'
                f' style="background:{bg}; border-style:none; margin:4px 0;">'
                f'<tr><td style="color:#888;">{label}</td>'
                f'<td align="right"><a href="copy:{idx}" style="color:{link};">Copy</a></td></tr>'
                f'<tr><td colspan="2"><pre style="margin:0; font-family:monospace;">{body}</pre></td></tr></table>'
            )
            idx += 1
    return idx - first_code


def _to_html(tokens: list[Any], dark: bool) -> str:
    md = _parser()
    bg = "#272822" if dark else "#f5f5f4"
    border = "#3a3a3a" if dark else "#dddddd"
    out: str = md.renderer.render(tokens, md.options, {})
    out = out.replace("<code>", f'<code style="background:{bg}; font-family:monospace;">')
    out = out.replace(
        "<table>",
        f'<table border="1" cellspacing="0" cellpadding="4" style="border-color:{border};">',
    )
    return out


def _blocks(text: str, dark: bool, first_code: int) -> tuple[list[tuple[str, int]], int]:
    """``text`` as top-level blocks: (HTML, length of its source) each, and how many code blocks."""
    tokens = _parser().parse(text)
    n = _code_to_html(tokens, dark, first_code)
    groups: list[list[Any]] = []
    starts: list[int] = []
    for t in tokens:
        if t.level == 0 and t.nesting >= 0 and t.map:
            groups.append([])
            starts.append(t.map[0])
        groups[-1].append(t)
    offsets = [0] * len(starts)
    pos = line = 0
    for i, start in enumerate(starts[1:], 1):
        while line < start:
            pos = text.index("\n", pos) + 1
            line += 1
        offsets[i] = pos
    ends = [*offsets[1:], len(text)]
    return [(_to_html(g, dark), e - o) for g, o, e in zip(groups, offsets, ends, strict=True)], n


class StreamRender:
    """Renders a growing reply at a cost that does not grow with its length.

    The text is split into finished top-level blocks, which more text can no longer change
    (every block but the last one of its complete lines), and the open tail. Each finished
    block is rendered (and its code highlighted) once: :meth:`update` returns those that
    finished since the last call and the HTML of the tail, so a view repaints only the
    latter. The finished blocks' HTML followed by the tail's equals :func:`render` of the
    whole text, copy links included. A link reference definition can change blocks above
    it, so a text with one (or with carriage returns, which the parser rewrites) is
    rendered whole from then on: :attr:`whole` says so, and the tail is then everything.
    """

    def __init__(self, *, dark: bool = False) -> None:
        self.dark = dark
        self.done = 0  # length of the finished part of the text
        self.codes = 0  # code blocks in it (the tail's copy links count from here)
        self.whole = False
        self._head = ""

    def extends(self, text: str) -> bool:
        """Whether ``text`` keeps the finished part as it is (only then may it be passed on)."""
        return text.startswith(self._head)

    def update(self, text: str, *, streaming: bool = True) -> tuple[list[tuple[str, int]], str]:
        """The blocks finished since the last call, as (HTML, length of source), and the HTML of the
        rest of ``text``."""
        if self.whole or "\r" in text or "\0" in text:
            return self._all(text, streaming)
        tail = text[self.done :]
        lines = tail[: tail.rfind("\n") + 1]
        new: list[tuple[str, int]] = []
        if lines:
            env: dict = {}
            tokens = _parser().parse(lines, env)
            if env.get("references"):
                return self._all(text, streaming)
            starts = [t.map[0] for t in tokens if t.level == 0 and t.nesting >= 0 and t.map]
            if len(starts) > 1:
                cut = 0
                for _ in range(starts[-1]):
                    cut = lines.index("\n", cut) + 1
                new, n = _blocks(tail[:cut], self.dark, self.codes)
                self.codes += n
                self.done += cut
                self._head = text[: self.done]
        out, _ = _render(
            text[self.done :], dark=self.dark, streaming=streaming, first_code=self.codes
        )
        return new, out

    def _all(self, text: str, streaming: bool) -> tuple[list[tuple[str, int]], str]:
        self.whole = True
        return [], render(text, dark=self.dark, streaming=streaming)
