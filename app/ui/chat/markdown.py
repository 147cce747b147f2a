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
    if streaming and text.count("```") % 2 == 1:
        text += "\n```"
    md = _parser()
    tokens = md.parse(text)
    bg = "#272822" if dark else "#f5f5f4"
    border = "#3a3a3a" if dark else "#dddddd"
    link = "#8ab4f8" if dark else "#1a5fb4"
    idx = 0
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
    out: str = md.renderer.render(tokens, md.options, {})
    out = out.replace("<code>", f'<code style="background:{bg}; font-family:monospace;">')
    out = out.replace(
        "<table>",
        f'<table border="1" cellspacing="0" cellpadding="4" style="border-color:{border};">',
    )
    return out
