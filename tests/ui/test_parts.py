"""Small pieces of the window: date groups, stats lines, error sentences, Markdown."""

from __future__ import annotations

from datetime import date, datetime, timedelta

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
