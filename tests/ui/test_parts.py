"""Small pieces of the window: date groups, stats lines, error sentences, Markdown."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from app.core.errors import InsufficientMemoryError, NotAGGUFError
from app.ui.chat.conversation_list import date_group
from app.ui.chat.markdown import code_blocks, render
from app.ui.chat.message_widget import stats_text
from app.ui.errors import describe


def test_date_groups() -> None:
    today = date(2026, 3, 15)

    def ts(d: date) -> float:
        return datetime(d.year, d.month, d.day, 12).timestamp()

    assert date_group(ts(today), today) == "Today"
    assert date_group(ts(today - timedelta(days=1)), today) == "Yesterday"
    assert date_group(ts(today - timedelta(days=5)), today) == "Previous 7 days"
    assert date_group(ts(today - timedelta(days=20)), today) == "Previous 30 days"
    assert date_group(ts(date(2025, 11, 2)), today) == "November 2025"


def test_stats_line() -> None:
    s = {"completion_tokens": 42, "ttft_s": 0.123, "decode_tok_s": 31.25, "dropped_messages": 2}
    text = stats_text(s, "cancelled")
    assert text.startswith("42 tokens · TTFT 0.12 s · 31.2 tok/s · stopped")
    assert "2 older messages left out" in text
    assert "context full" in stats_text({"completion_tokens": 1}, "context_full")


def test_errors_are_one_sentence_with_a_suggestion() -> None:
    sentence, hint = describe(InsufficientMemoryError("The model needs 9 GiB but 4 GiB is free."))
    assert sentence.endswith("free.") and "fewer GPU layers" in hint and "smaller quant" in hint
    assert (
        describe(NotAGGUFError("x.bin is not a GGUF file.", hint="Pick a .gguf."))[1]
        == "Pick a .gguf."
    )
    assert describe(RuntimeError("boom"))[0] == "Something went wrong: boom."


def test_markdown_is_escaped_and_unfinished_fences_render_while_streaming() -> None:
    html = render("<script>alert(1)</script> and **bold**")
    assert "<script>" not in html and "&lt;script&gt;" in html and "<strong>bold</strong>" in html
    partial = render("Here:\n\n```python\nx = 1", streaming=True)
    assert "copy:0" in partial and "<pre" in partial
    assert code_blocks("a\n\n```\none\n```\n\n```js\ntwo\n```") == ["one\n", "two\n"]


def test_qt_calls_keep_their_references_to_none(qapp: object) -> None:
    """PySide6 6.12.0 dropped a reference to None on every call of a method that returns
    nothing; on Python 3.11, where None is not immortal, a window then aborts ("deallocating
    None") after some ten thousand such calls. pyproject.toml keeps that release out."""
    import sys

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLabel, QTreeWidgetItem

    label, item = QLabel(), QTreeWidgetItem(["x"])
    before = sys.getrefcount(None)
    for _ in range(1000):
        label.setText("a")
        label.update()
        item.setData(0, Qt.ItemDataRole.UserRole, "id")
    assert abs(sys.getrefcount(None) - before) < 50  # 3000 if every call dropped one


_TRICKY = [
    "Intro\n\n```python\nx = 1\n\n\ny = 2\n```\nafter\n\n- a\n- b\n\n- c\n\n  more of c\n\n1. one\n\n2. two\nPara\n",
    "| a | b |\n|---|---|\n| 1 | 2 |\nrow\n\n# H\nsetext\n---\n\n> q\nlazy\n\n> q2\n\n    code\n\n    more\nend",
    "text\n```\na fence still open at the end",
    "a\n\n```js\nlet x\n```\n\n~~~\n```\n~~~\n- x\n\n b\n\n* c\n+ d\n\n***\n```py\nlast = True\n```",
    "see [x] here\n\n[x]: http://example.com\n\nmore",  # a reference definition: rendered whole
]


def _stream(text: str, seed: int) -> tuple[list[tuple[str, int]], str, Any]:
    import random

    from app.ui.chat.markdown import StreamRender

    rnd, sr, blocks, pos, tail = random.Random(seed), StreamRender(), [], 0, ""
    while pos < len(text):
        pos = min(len(text), pos + rnd.randint(1, 9))
        new, tail = sr.update(text[:pos])
        blocks += new
        assert "copy:" not in tail or f"copy:{sr.codes}" in tail  # the tail counts on
    new, tail = sr.update(text, streaming=False)
    return blocks + new, tail, sr


def test_streamed_markdown_renders_as_one_shot() -> None:
    for text in _TRICKY:
        for seed in range(25):
            blocks, tail, sr = _stream(text, seed)
            assert "".join(h for h, _ in blocks) + tail == render(text), (text, seed)
            if sr.whole:
                assert not blocks and sr.done == 0
            else:
                assert sum(n for _, n in blocks) == sr.done
    blocks, tail, sr = _stream(_TRICKY[3], 1)
    assert len(blocks) > 5  # finished blocks, each painted once; the last fence is the tail
    assert sr.codes == 2 and [h.count("copy:") for h, _ in blocks].count(1) == 2
    finished = "".join(h for h, _ in blocks)
    assert "copy:0" in finished and "copy:1" in finished and "copy:2" in tail


def test_streamed_reply_widget_equals_a_fresh_one(qapp: object) -> None:
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QGuiApplication

    from app.ui.chat.message_widget import MessageWidget
    from tests.ui.test_latency import long_code_reply

    for text in [*_TRICKY, long_code_reply(3)]:
        streamed = MessageWidget("assistant", None)
        step = 7 if len(text) < 500 else 61
        for end in range(step, len(text), step):
            streamed.set_text(text[:end], streaming=True)
        streamed.set_text(text)
        fresh = MessageWidget("assistant", None)
        fresh.set_text(text)
        assert [b.toHtml() for b in streamed.bodies] == [b.toHtml() for b in fresh.bodies]
    assert len(fresh.bodies) > 3  # a long reply is split into views
    other = MessageWidget("assistant", None)
    other.set_text("# Other\n\n```py\ny = 2\n```")
    fresh.set_text("# Other\n\n```py\ny = 2\n```")  # not a continuation: painted afresh
    assert [b.toHtml() for b in fresh.bodies] == [other.body.toHtml()]
    # every code block's copy link, in whichever view it is, copies that block
    for i, code in enumerate(code_blocks(text)):
        (view,) = [b for b in streamed.bodies if f'href="copy:{i}"' in b.toHtml()]
        view.anchorClicked.emit(QUrl(f"copy:{i}"))
        assert QGuiApplication.clipboard().text() == code
