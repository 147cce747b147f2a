"""Documents in a chat: the collection picker, numbered citations and the source viewer.

A reply written from documents keeps its numbered sources in the message's stats
(``stats["sources"]``: number, document, path, page, passage). ``[n]`` in the reply
becomes a ``cite:n`` link; clicking it opens :class:`SourceDialog` at that page with the
passage highlighted (on the rendered page for a PDF, and in the page's extracted text), and
offers the system viewer for the file itself.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMenu,
    QPushButton,
    QTabWidget,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.ui.bridge import run_op
from app.ui.errors import one_line
from app.ui.pdf_page import PdfPageView, RenderedPage, render_page
from app.ui.widgets import named

_CITE = re.compile(r"\[(\d{1,3})\]")


def link_citations(text: str, sources: list[dict[str, Any]]) -> str:
    """Markdown with each ``[n]`` that names a source turned into a ``cite:n`` link."""
    known = {int(s["number"]) for s in sources}

    def sub(m: re.Match[str]) -> str:
        n = int(m.group(1))
        return f"[\\[{n}\\]](cite:{n})" if n in known else m.group(0)

    return _CITE.sub(sub, text)


def sources_html(sources: list[dict[str, Any]], link: str) -> str:
    parts = [
        f'<a href="cite:{s["number"]}" style="color:{link};">[{s["number"]}] '
        f"{html.escape(s.get('document') or Path(s.get('path', '')).name)}, p.&nbsp;{s.get('page', 1)}</a>"
        for s in sources
    ]
    return " &nbsp; ".join(parts)


class CollectionPicker(QToolButton):
    """A button with a checkable menu of document collections; ``changed(list)`` on a change."""

    changed = Signal(list)

    def __init__(self) -> None:
        super().__init__()
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        named(
            self,
            self.tr("Documents for this chat"),
            self.tr("Attach document collections; replies then cite them"),
        )
        self.menu_ = QMenu(self)
        self.setMenu(self.menu_)
        self.available: list[str] = []
        self.chosen: list[str] = []
        self._update_text()

    def set_available(self, names: list[str]) -> None:
        self.available = list(names)
        self._rebuild()

    def set_chosen(self, names: list[str]) -> None:
        self.chosen = list(names)
        self._rebuild()

    def _rebuild(self) -> None:
        self.menu_.clear()
        for name in sorted(set(self.available) | set(self.chosen)):
            a = QAction(name, self.menu_)
            a.setCheckable(True)
            a.setChecked(name in self.chosen)
            a.toggled.connect(lambda on, n=name: self._on_action_toggled(n, on))
            self.menu_.addAction(a)
        if not self.available and not self.chosen:
            a = QAction(
                self.tr("No collections yet: add documents on the Documents page"), self.menu_
            )
            a.setEnabled(False)
            self.menu_.addAction(a)
        self._update_text()

    def _on_action_toggled(self, name: str, on: bool) -> None:
        chosen = [n for n in self.chosen if n != name] + ([name] if on else [])
        self.chosen = chosen
        self._update_text()
        self.changed.emit(list(chosen))

    def _update_text(self) -> None:
        if self.chosen:
            self.setText(self.tr("Documents: %s") % ", ".join(self.chosen))
        else:
            self.setText(self.tr("Documents: none"))


class SourceDialog(QDialog):
    """One cited source at its page, with the passage highlighted; opens the file too.

    A PDF shows the page itself (rendered by pypdfium2 off the GUI thread, see
    :mod:`app.ui.pdf_page`) with the passage marked on it, and the page's extracted text in a
    second tab. Other files, and a PDF that pdfium cannot open, show the text only.
    """

    def __init__(self, source: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source = source
        self.path = Path(source.get("path", ""))
        page = int(source.get("page", 1))
        self.setWindowTitle(
            self.tr("Source [%d]: %s, page %d")
            % (int(source["number"]), source.get("document") or self.path.name, page)
        )
        self.resize(720, 640)
        lay = QVBoxLayout(self)
        self.heading = QLabel(self.windowTitle())
        self.heading.setObjectName("SectionTitle")
        lay.addWidget(self.heading)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.hide()
        lay.addWidget(self.note)
        self.view = named(QTextBrowser(), self.tr("Page text with the cited passage highlighted"))
        self.page_text: str | None = None
        self.text_error: str | None = None  # why the page's text could not be read
        # the page as an image (PDFs): None until rendered, or when it cannot be
        self.page_view: PdfPageView | None = None
        self.rendered: RenderedPage | None = None
        self.render_error: str | None = None
        self.tabs: QTabWidget | None = None
        if self.path.suffix.lower() == ".pdf":
            self.page_view = named(
                PdfPageView(),
                self.tr("Page %d with the cited passage highlighted") % page,
                self.tr("The page as printed; the cited passage is marked in yellow"),
            )
            self.tabs = named(QTabWidget(), self.tr("Source views"))
            self.tabs.addTab(self.page_view, self.tr("&Page"))
            self.tabs.addTab(self.view, self.tr("&Text"))
            lay.addWidget(self.tabs, 1)
        else:
            lay.addWidget(self.view, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.open_button = named(
            QPushButton(self.tr("&Open the document")),
            self.tr("Open the file in your system's viewer"),
        )
        buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.open_button.clicked.connect(self.open_external)
        lay.addWidget(buttons)
        self.show_passage(None)
        run_op(
            lambda: self._page_text(page),
            self.show_passage,
            lambda e: self.show_passage(None, one_line(e)),
        )
        if self.page_view is not None:
            self.note.setText(self.tr("Drawing page %d…") % page)
            self.note.show()
            passage = str(source.get("text", ""))
            run_op(
                lambda: render_page(self.path, page, passage),
                self.show_page,
                self.page_failed,
                name="hearth-pdf-page",
            )

    def show_page(self, rendered: RenderedPage) -> None:
        """The rendered page arrived (GUI thread): show it, scrolled to the passage."""
        assert self.page_view is not None
        self.rendered = rendered
        self.page_view.set_page(rendered)
        if not rendered.highlights:
            self.note.setText(
                self.tr("The passage could not be found on the page image; the Text tab shows it.")
            )
        elif not rendered.exact:
            self.note.setText(
                self.tr(
                    "Marked where the page matches the passage best; the Text tab shows it all."
                )
            )
        else:
            self.note.hide()
            return
        self.note.show()

    def page_failed(self, exc: BaseException) -> None:
        """pdfium could not open or draw the page: fall back to the text view, with a note."""
        lines = str(exc).strip().splitlines()
        self.render_error = lines[0].rstrip(".") if lines else type(exc).__name__
        if self.tabs is not None and self.page_view is not None:
            self.tabs.removeTab(self.tabs.indexOf(self.page_view))
            self.page_view.hide()
        self.note.setText(
            self.tr("This page cannot be shown as an image (%s); showing its text.")
            % self.render_error
        )
        self.note.show()

    def _page_text(self, page: int) -> str | None:
        from app.rag.loaders import load_document

        doc = load_document(self.path)
        return next((p.text for p in doc.pages if p.number == page), None)

    def show_passage(self, page_text: str | None, error: str | None = None) -> None:
        passage = str(self.source.get("text", ""))
        mark = f'<span style="background-color:#fde68a; color:#111;">{html.escape(passage)}</span>'
        if page_text and passage and passage in page_text:
            i = page_text.index(passage)
            body = html.escape(page_text[:i]) + mark + html.escape(page_text[i + len(passage) :])
        elif page_text:
            body = mark + "<hr>" + html.escape(page_text)
        else:
            body = mark + (f"<p><i>{html.escape(error)}</i></p>" if error else "")
        self.view.setHtml(f'<div style="white-space: pre-wrap;">{body}</div>')
        self.page_text = page_text
        self.text_error = error

    def open_external(self) -> None:
        url = QUrl.fromLocalFile(str(self.path))
        if self.path.suffix.lower() == ".pdf":
            url.setFragment(f"page={int(self.source.get('page', 1))}")
        QDesktopServices.openUrl(url)
