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

    # the cited PDF page itself, drawn, with the passage marked near the top (page 3 starts
    # at the top of the page); the extracted text stays in the second tab
    qtbot.waitUntil(lambda: dlg.rendered is not None or dlg.render_error is not None, timeout=10000)
    assert dlg.render_error is None and dlg.tabs is not None
    assert dlg.tabs.currentWidget() is dlg.page_view
    marks = dlg.page_view.canvas.mark_rects()
    assert marks and marks[0].center().y() < dlg.page_view.canvas.height() / 4

    # the attachment survives reopening the chat
    chat.open_conversation(chat.conv.id)
    assert chat.collections.chosen == ["reports"]
    assert "Reply finished" in chat.live.text()


# a page whose cited passage is in its lower half, a word hyphenated across two lines
FILLER = [f"Ledger line {i}: crates counted, nothing unusual." for i in range(30)]
PAGE_2 = [
    *FILLER,
    "The Lisbon ware-",
    "house stores olive oil and cork.",
    "It opened in March and employs forty people.",
]


def _pdf_source(tmp_path: Path, text: str) -> dict[str, Any]:
    pdf = write_pdf(tmp_path / "northwind.pdf", [PAGES[0], PAGE_2, PAGES[2]])
    return {"number": 2, "document": "northwind.pdf", "path": str(pdf), "page": 2, "text": text}


def _open(qtbot: Any, source: dict[str, Any]) -> Any:
    from app.ui.chat.citations import SourceDialog

    dlg = SourceDialog(source)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    qtbot.waitUntil(lambda: dlg.rendered is not None or dlg.render_error is not None, timeout=10000)
    qtbot.waitUntil(lambda: dlg.page_text is not None or dlg.text_error is not None, timeout=10000)
    return dlg


def _tinted(img: Any, r: Any) -> float:
    """The share of pixels in ``r`` (widget coordinates) that the amber mark tints."""
    n = hit = 0
    ratio = img.devicePixelRatio()
    for y in range(int(r.top()) + 1, int(r.bottom())):
        for x in range(int(r.left()) + 1, int(r.right()), 2):
            c = img.pixelColor(int(x * ratio), int(y * ratio))
            n += 1
            hit += c.red() > 200 and c.green() > 170 and c.blue() < 200
    return hit / max(n, 1)


def test_source_dialog_draws_the_cited_pdf_page_with_the_passage_marked(
    qtbot: Any, tmp_path: Path
) -> None:
    from app.rag.loaders import load_document

    # the passage exactly as indexing stores it: pypdf's text, the hyphenated word re-joined
    source = _pdf_source(tmp_path, "")
    page_text = load_document(Path(source["path"])).pages[1].text
    passage = page_text[page_text.index("The Lisbon") :]
    assert passage.startswith("The Lisbon warehouse stores")  # pypdf and pdfium differ here
    source["text"] = passage
    dlg = _open(qtbot, source)
    assert dlg.render_error is None
    r = dlg.rendered
    assert r.page == 2 and r.pages == 3 and r.exact
    assert r.matched == "The Lisbon warehouse stores olive oil and cork. It opened in March and employs forty people"  # fmt: skip

    # the page image has the page's shape (612 x 842 pt), and so does the fitted view
    view, canvas = dlg.page_view, dlg.page_view.canvas
    assert abs(r.image.width() / r.image.height() - 612 / 842) < 0.005
    assert r.image.width() >= 2 * 612 * 0.99  # 144 DPI: sharp at the dialog's width
    assert canvas.width() == view.viewport().width()
    assert abs(canvas.width() / canvas.height() - 612 / 842) < 0.01

    # one mark per line of the passage, inside the page, in its lower half, at the left margin
    marks = canvas.mark_rects()
    assert len(marks) == 3
    page_rect = canvas.rect().toRectF()
    assert all(page_rect.contains(m) for m in marks)
    first = min(marks, key=lambda m: m.top())
    line_y = 842 - (780 - 14 * len(FILLER))  # where pdfgen puts the passage's first line
    assert (
        0.5 < first.top() / canvas.height() < line_y / 842 < first.bottom() / canvas.height() + 0.01
    )
    assert abs(first.left() / canvas.width() - 56 / 612) < 0.02

    # the marks are painted: the amber tints the passage, not the empty page beside it
    img = canvas.grab().toImage()
    assert _tinted(img, first) > 0.5
    assert _tinted(img, first.translated(canvas.width() * 0.6, 0)) == 0.0

    # the view scrolled down to the passage, which is in sight
    bar = view.verticalScrollBar()
    assert bar.value() > 0
    assert bar.value() <= first.top() and first.bottom() <= bar.value() + view.viewport().height()

    # the whole passage matched, so no note; the Text tab has the passage highlighted
    assert not dlg.note.isVisibleTo(dlg)
    assert dlg.tabs.count() == 2 and dlg.tabs.currentWidget() is dlg.page_view
    assert "olive oil" in dlg.view.toPlainText() and "#fde68a" in dlg.view.toHtml()

    # the page view and the tabs have accessible names, like every control
    from tests.ui.test_accessibility import unnamed

    assert unnamed(dlg) == [] and dlg.page_view.accessibleName() == "Page 2 with the cited passage highlighted"  # fmt: skip


def test_source_dialog_marks_the_longest_run_when_the_passage_differs(
    qtbot: Any, tmp_path: Path
) -> None:
    # a shortened or reworded passage: the longest run of its words that is on the page
    source = _pdf_source(tmp_path, "Our Lisbon ware-\nhouse  stores olive oil and some cork …")
    dlg = _open(qtbot, source)
    r = dlg.rendered
    assert r is not None and not r.exact
    assert r.matched == "Lisbon warehouse stores olive oil and"
    assert len(dlg.page_view.canvas.mark_rects()) == 2  # the run spans two lines
    assert dlg.note.isVisibleTo(dlg) and "matches the passage best" in dlg.note.text()

    # nothing of the passage on the page: the page is still shown, unmarked, with a note
    source = _pdf_source(tmp_path, "Copper wool amber cedar marble linen")
    dlg = _open(qtbot, source)
    assert dlg.rendered is not None and dlg.rendered.highlights == ()
    assert "could not be found" in dlg.note.text()


def test_source_dialog_falls_back_to_the_text_for_a_pdf_pdfium_cannot_open(
    qtbot: Any, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 9 0 R >>\nendobj\n%%EOF\n")
    source = {"number": 1, "document": "broken.pdf", "path": str(broken), "page": 2}
    source["text"] = "The cited passage."
    dlg = _open(qtbot, source)
    assert dlg.rendered is None and dlg.render_error
    assert dlg.tabs.count() == 1 and dlg.tabs.currentWidget() is dlg.view
    assert dlg.note.isVisibleTo(dlg) and "cannot be shown as an image" in dlg.note.text()
    assert "\n" not in dlg.note.text()  # one line
    # pypdf cannot read it either: the text tab shows the passage and says why
    assert dlg.text_error and "not a readable PDF" in dlg.text_error
    assert "The cited passage." in dlg.view.toPlainText()
    assert dlg.open_button.isEnabled()


def test_pypdfium2_is_imported_only_when_a_page_is_drawn() -> None:
    import subprocess
    import sys

    code = (
        "import sys, app.ui.app, app.ui.chat.citations, app.ui.documents.page, app.ui.pdf_page;"
        "print('pypdfium2' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "False"


def test_passages_are_found_in_pdfium_text_despite_its_differences() -> None:
    from app.ui.pdf_page import locate

    # pdfium's text: generated line breaks, a line-end hyphen (\x02), a soft hyphen, a ligature
    page = (
        "Intro line.\r\nThe Lisbon ware\x02\r\nhouse stores ol\u00adive oil and ﬁne cork.\r\nEnd."
    )
    passage = "the lisbon warehouse  stores olive oil\nand fine cork."
    start, end, exact = locate(page, passage)
    assert exact and page[start:end] == page[page.index("The") : page.index("cork") + 4]
    # cut mid-word at both ends (a shortened chunk): still the whole passage, whole words marked
    start, end, exact = locate(page, "isbon warehouse stores olive oil and fine co")
    assert exact and page[start:end].startswith("Lisbon") and page[start:end].endswith("cork")
    # reworded: the longest run of its words; too little in common: nothing
    start, end, exact = locate(page, "Our Lisbon warehouse stores olive oil, wine and cork")
    assert not exact and page[start:end].startswith("Lisbon") and page[start:end].endswith("oil")
    assert locate(page, "the cork was good") is None
