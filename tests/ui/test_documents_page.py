"""Documents page and documents in chat, on a real Chroma store with the offline MiniLM."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.rag.pdfgen import write_pdf
from tests.ui.conftest import set_params

PAGES = [
    ["Quarterly report of the Northwind Trading company.", "Revenue grew in every region."],
    [
        "The Lisbon warehouse stores olive oil and cork.",
        "It opened in March and employs forty people.",
    ],
    ["The solar roof cost 2.4 million euros.", "Payback is expected in six years."],
]


def _rows(panel: Any) -> list[tuple[str, ...]]:
    """The indexing panel's rows: file name, progress text, state."""
    t = panel.files
    return [tuple(t.item(r, c).text() for c in range(3)) for r in range(t.rowCount())]


def _index(qtbot: Any, page: Any, name: str, paths: list[Path]) -> None:
    page.create(name)
    qtbot.waitUntil(lambda: page.current == name, timeout=20000)
    page.add_paths(paths)
    qtbot.waitUntil(lambda: page.job is None, timeout=60000)


def test_collections_indexing_search_and_remove(
    qtbot: Any, rag_window: Any, tmp_path: Path
) -> None:
    pdf = write_pdf(tmp_path / "northwind.pdf", PAGES)
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "ideas.md").write_text(
        "# Ideas\n\nPaint the warehouse doors blue.\n", encoding="utf-8"
    )
    rag_window.show_page("Documents")
    page = rag_window.documents_page
    page.start()
    page.create("reports")
    qtbot.waitUntil(lambda: page.current == "reports", timeout=20000)
    # drag and drop a file and a folder onto the page
    from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
    from PySide6.QtGui import QDropEvent

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(pdf)), QUrl.fromLocalFile(str(notes))])
    drop = QDropEvent(
        QPointF(10, 10), Qt.DropAction.CopyAction, mime,
        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    page.dropEvent(drop)
    assert page.job is not None and page.indexing.isVisibleTo(page)
    qtbot.waitUntil(lambda: page.job is None, timeout=60000)

    # progress per file and overall
    panel = page.indexing
    assert panel.bar.value() == 1000
    assert "Done: 2 added" in page.status.text()
    assert _rows(panel) == [
        ("northwind.pdf", "100%", "indexed"),
        ("ideas.md", "100%", "indexed"),
    ]

    # the documents with pages and chunk counts
    qtbot.waitUntil(lambda: page.table.rowCount() == 2, timeout=10000)
    rows = {page.table.item(r, 0).text(): r for r in range(2)}
    assert page.table.item(rows["northwind.pdf"], 1).text() == "3"
    assert int(page.table.item(rows["northwind.pdf"], 2).text()) >= 1

    # search shows hits with document and page; opening one shows the passage at its page
    page.search.setText("Where is olive oil stored?")
    page.run_search()
    qtbot.waitUntil(lambda: page.results.count() > 0, timeout=20000)
    assert page.results.item(0).text().startswith("northwind.pdf, page 2")
    dlg = page.open_hit(0)
    qtbot.addWidget(dlg)
    qtbot.waitUntil(lambda: getattr(dlg, "page_text", None) is not None, timeout=10000)
    assert "olive oil" in dlg.view.toPlainText() and "page 2" in dlg.windowTitle()
    dlg.close()

    # rename, remove one document, delete the collection
    page.rename("reports", "company")
    qtbot.waitUntil(lambda: page.current == "company", timeout=10000)
    page.table.selectRow(rows["ideas.md"])
    page.remove_button.click()
    qtbot.waitUntil(lambda: page.table.rowCount() == 1, timeout=10000)
    assert "Removed ideas.md" in page.status.text()
    page.delete("company")
    qtbot.waitUntil(lambda: page.list.count() == 0, timeout=20000)


def test_indexing_shows_each_files_progress_and_the_time_left(
    qtbot: Any, rag_window: Any, tmp_path: Path
) -> None:
    # a long README (more passages than one embedding batch) and a short one with the same
    # name in another folder, and a PDF
    words = ["olive", "cork", "copper", "wool", "amber", "cedar", "marble", "linen"]
    long_text = "\n\n".join(
        f"Shelf {i} of the Lisbon warehouse holds {i * 7 % 97} crates of "
        f"{words[i % 8]} and {words[(i * 3 + 1) % 8]}, checked on day {i % 28 + 1}."
        for i in range(900)
    )
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    big = tmp_path / "a" / "README.md"
    big.write_text("# Stock list\n\n" + long_text, encoding="utf-8")
    small = tmp_path / "b" / "README.md"
    small.write_text("# Notes\n\nPaint the warehouse doors blue.\n", encoding="utf-8")
    pdf = write_pdf(tmp_path / "northwind.pdf", PAGES)
    files = [big.resolve(), small.resolve(), pdf.resolve()]

    page = rag_window.documents_page
    rag_window.show_page("Documents")
    page.start()
    panel = page.indexing
    seen: list[dict[str, Any]] = []  # what the panel showed after each progress event

    def record(p: Any) -> None:
        seen.append({
            "phase": p.phase,
            "label": panel.label.text(),
            "progress": {f: panel.progress_of(f) for f in files},
        })  # fmt: skip

    page.relay.progressed.connect(record)  # after the page's own slot: sees the panel updated
    page.create("stock")
    qtbot.waitUntil(lambda: page.current == "stock", timeout=20000)
    page.add_paths([tmp_path / "a", tmp_path / "b", pdf])
    # one row per file, keyed by its full path: the two README.md files get a row each
    assert panel.files.rowCount() == 3
    assert [panel.files.item(r, 0).toolTip() for r in range(3)] == [str(f) for f in files]
    assert _rows(panel) == [
        ("README.md", "0%", "waiting"),
        ("README.md", "0%", "waiting"),
        ("northwind.pdf", "0%", "waiting"),
    ]
    qtbot.waitUntil(lambda: page.job is None, timeout=120000)
    assert "Done: 3 added" in page.status.text()

    # each file's own progress went up to 100%, the long one through values in between
    for f in files:
        values = [s["progress"][f] for s in seen]
        assert values == sorted(values), (f, values)
        assert values[-1] == 1.0, f
    assert any(0.0 < s["progress"][files[0]] < 1.0 for s in seen)
    assert _rows(panel) == [
        ("README.md", "100%", "indexed"),
        ("README.md", "100%", "indexed"),
        ("northwind.pdf", "100%", "indexed"),
    ]
    # the overall time left showed while indexing
    live = [s["label"] for s in seen if s["phase"] not in ("done", "cancelled")]
    assert any(re.search(r"about \d+s left", text) for text in live), live

    # both READMEs are in the collection, each under its own path
    qtbot.waitUntil(lambda: page.table.rowCount() == 3, timeout=10000)
    tips = sorted(page.table.item(r, 0).toolTip() for r in range(3))
    assert tips == sorted(str(f) for f in files)

    # adding the same files again: each is checked and shown as already indexed
    page.add_paths([tmp_path / "b"])
    qtbot.waitUntil(lambda: page.job is None, timeout=60000)
    assert _rows(panel) == [("README.md", "100%", "already indexed")]


def test_chat_with_collection_cites_sources(qtbot: Any, rag_window: Any, tmp_path: Path) -> None:
    pdf = write_pdf(tmp_path / "northwind.pdf", PAGES)
    rag_window.show_page("Documents")
    docs = rag_window.documents_page
    docs.start()
    _index(qtbot, docs, "reports", [pdf])

    rag_window.show_page("Chats")
    chat = rag_window.chat_page
    chat.new_conversation()
    set_params(chat, seed=7, max_tokens=12)
    chat.refresh_collections()
    qtbot.waitUntil(lambda: "reports" in chat.collections.available, timeout=10000)
    chat.collections.menu_.actions()[0].setChecked(True)  # attach it from the picker
    assert chat.attached_collections() == ["reports"]
    assert chat.collections.text() == "Documents: reports"
    chat.send("How much did the solar roof cost?")
    qtbot.waitUntil(lambda: not chat.busy, timeout=30000)
    reply = chat.store.path(chat.conv.id)[-1]
    assert reply.role == "assistant"
    sources = reply.stats["sources"]
    assert sources and sources[0]["document"] == "northwind.pdf"
    assert any(s["page"] == 3 for s in sources)

    # numbered citations under the reply; [n] in the text becomes a link
    w = chat.transcript.widgets[-1]
    assert w.sources_label.isVisibleTo(w) and "[1] northwind.pdf, p." in w.sources_label.text()
    from app.ui.chat.citations import link_citations

    assert link_citations("See [1] and [9].", sources) == "See [\\[1\\]](cite:1) and [9]."

    # clicking a citation opens the source at its page with the passage
    n = next(s["number"] for s in sources if s["page"] == 3)
    w._on_sources_label_link_activated(f"cite:{n}")
    dlg = chat.source_dialog
    assert dlg is not None
    qtbot.addWidget(dlg)
    qtbot.waitUntil(lambda: getattr(dlg, "page_text", None) is not None, timeout=10000)
    assert "solar roof" in dlg.view.toPlainText() and "page 3" in dlg.windowTitle()

    # the attachment survives reopening the chat
    chat.open_conversation(chat.conv.id)
    assert chat.collections.chosen == ["reports"]
    assert "Reply finished" in chat.live.text()
