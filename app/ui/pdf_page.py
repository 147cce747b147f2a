"""A PDF page drawn as an image with a cited passage highlighted on it.

:func:`render_page` runs off the GUI thread (pypdfium2, imported only here and only when a
page is rendered): it rasterises the page and finds the passage in pdfium's own text layer,
returning the highlight rectangles as fractions of the page. Our passages come from pypdf
(see ``app.rag.loaders``), whose text differs from pdfium's in whitespace, line breaks,
hyphenation and ligatures, so both are compared as normalised words (:func:`locate`): the
whole passage if it is there, else the longest run of its words that is.

:class:`PdfPageView` shows the page scaled to its width, scrollable, with translucent marks
over the passage, and scrolls to the first one.
"""

from __future__ import annotations

import difflib
import re
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QImage,
    QPainter,
    QPaintEvent,
    QPen,
    QPixmap,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import QScrollArea, QWidget

RENDER_DPI = 144  # sharp at 100-150 % screen scaling once fitted to a dialog's width
MAX_SIDE_PX = 3000  # a poster-sized page is rendered smaller rather than at 144 DPI
MIN_RUN_WORDS = 3  # a shorter common run than this is a coincidence, not the passage

_LOCK = threading.Lock()  # pdfium is not thread-safe: one document at a time
_HYPHENS = "-\u00ad\u2010\u0002"  # pdfium reports a line-end hyphen as \x02 on some files
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class RenderedPage:
    """One page as an image, with where the passage is on it.

    ``highlights`` are (x, y, width, height) fractions of the page, from its top left.
    ``matched`` is the page text that was highlighted; ``exact`` says whether it was the
    whole passage (else the longest run of its words found on the page, or nothing).
    """

    image: QImage
    page: int
    pages: int
    highlights: tuple[tuple[float, float, float, float], ...]
    matched: str
    exact: bool


def _normalise(text: str) -> tuple[str, list[int]]:
    """``text`` folded for comparison, and for each folded character the index it came from.

    NFKC (ligatures), case-folded, soft and line-end hyphens dropped with the line break
    after them (``ware-\\nhouse`` → ``warehouse``).
    """
    out: list[str] = []
    where: list[int] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in _HYPHENS:
            j = i + 1
            while j < n and text[j].isspace():
                j += 1
            gap = text[i + 1 : j]
            if ch in "\u00ad\u0002" or "\n" in gap or "\r" in gap:
                i = j  # a soft hyphen, or a word broken across lines: join its halves
                continue
        for c in unicodedata.normalize("NFKC", ch).casefold():
            out.append(c)
            where.append(i)
        i += 1
    return "".join(out), where


def _words(text: str) -> tuple[list[str], list[tuple[int, int]]]:
    """The normalised words of ``text`` and each one's [start, end) span in ``text``."""
    folded, where = _normalise(text)
    words, spans = [], []
    for m in _WORD.finditer(folded):
        words.append(m.group(0))
        spans.append((where[m.start()], where[m.end() - 1] + 1))
    return words, spans


def locate(page_text: str, passage: str) -> tuple[int, int, bool] | None:
    """Where ``passage`` is in ``page_text``: a [start, end) character range and whether the
    whole passage matched; else the longest run of at least :data:`MIN_RUN_WORDS` of its words
    (all of them for a shorter passage), or None.

    A passage cut mid-word (a shortened or overlapping chunk) still matches whole: its first
    word may be the end of a page word, its last the start of one.
    """
    page_words, spans = _words(page_text)
    wanted, _ = _words(passage)
    if not page_words or not wanted:
        return None
    sm = difflib.SequenceMatcher(None, page_words, wanted, autojunk=False)
    m = sm.find_longest_match(0, len(page_words), 0, len(wanted))
    a, b, size = m.a, m.b, m.size
    if size == 0:
        return None
    if b == 1 and a > 0 and page_words[a - 1].endswith(wanted[0]):
        a, b, size = a - 1, 0, size + 1
    if (
        b + size == len(wanted) - 1
        and a + size < len(page_words)
        and page_words[a + size].startswith(wanted[-1])
    ):
        size += 1
    if size < min(MIN_RUN_WORDS, len(wanted)):
        return None
    start, end = spans[a][0], spans[a + size - 1][1]
    return start, end, size == len(wanted)


def render_page(path: Path, page: int, passage: str) -> RenderedPage:
    """Render 1-based ``page`` of the PDF at ``path`` and find ``passage`` on it (worker thread).

    Raises whatever pdfium raises for a file it cannot open, and ValueError for a page the
    document does not have.
    """
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    with _LOCK:
        pdf = pdfium.PdfDocument(str(path))
        try:
            pages = len(pdf)
            if not 1 <= page <= pages:
                raise ValueError(f"{path.name} has {pages} pages, not page {page}.")
            p = pdf[page - 1]
            w_pt, h_pt = p.get_size()
            scale = min(RENDER_DPI / 72, MAX_SIDE_PX / max(w_pt, h_pt, 1.0))
            bitmap = p.render(scale=scale, rev_byteorder=True, prefer_bgrx=True)
            image = QImage(
                bytes(bitmap.buffer),
                bitmap.width,
                bitmap.height,
                bitmap.stride,
                QImage.Format.Format_RGBX8888,
            ).copy()  # own the pixels: the buffer goes with the bitmap
            conv = bitmap.get_posconv(p)
            tp = p.get_textpage()
            count = tp.count_chars()
            text = "".join(chr(pdfium_c.FPDFText_GetUnicode(tp, i)) for i in range(count))
            found = locate(text, passage) if passage else None
            marks: list[tuple[float, float, float, float]] = []
            matched, exact = "", False
            if found is not None:
                start, end, exact = found
                raw = tp.get_text_range(start, end - start)
                matched = " ".join(re.sub(r"[\ufffe\x02\u00ad]\s*", "", raw).split())
                for r in range(tp.count_rects(start, end - start)):
                    left, bottom, right, top = tp.get_rect(r)
                    x0, y0 = conv.to_bitmap(left, top)
                    x1, y1 = conv.to_bitmap(right, bottom)
                    x0, x1 = sorted((x0, x1))
                    y0, y1 = sorted((y0, y1))
                    bw, bh = bitmap.width, bitmap.height
                    x0, x1 = max(0.0, x0 / bw), min(1.0, x1 / bw)
                    y0, y1 = max(0.0, y0 / bh), min(1.0, y1 / bh)
                    if x1 > x0 and y1 > y0:
                        marks.append((x0, y0, x1 - x0, y1 - y0))
            tp.close()
            p.close()
        finally:
            pdf.close()
    return RenderedPage(image, page, pages, tuple(marks), matched, exact)


class _Canvas(QWidget):
    """The page image scaled to the widget, with the highlight marks painted over it."""

    FILL = QColor(250, 204, 21, 96)  # translucent amber: the text shows through
    EDGE = QColor(217, 119, 6, 200)

    def __init__(self) -> None:
        super().__init__()
        self.image: QImage | None = None
        self.marks: tuple[tuple[float, float, float, float], ...] = ()
        self._scaled: QPixmap | None = None

    def set_page(self, image: QImage, marks: tuple[tuple[float, float, float, float], ...]) -> None:
        self.image, self.marks, self._scaled = image, marks, None
        self.update()

    def mark_rects(self) -> list[QRectF]:
        """The highlight rectangles in this widget's coordinates, as painted."""
        w, h = self.width(), self.height()
        return [QRectF(x * w, y * h, mw * w, mh * h) for x, y, mw, mh in self.marks]

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._scaled = None
        super().resizeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        if self.image is None:
            return
        ratio = self.devicePixelRatioF()
        if self._scaled is None:
            px = QPixmap.fromImage(
                self.image.scaled(
                    max(1, round(self.width() * ratio)),
                    max(1, round(self.height() * ratio)),
                    Qt.AspectRatioMode.IgnoreAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
            px.setDevicePixelRatio(ratio)
            self._scaled = px
        painter = QPainter(self)
        painter.drawPixmap(0, 0, self._scaled)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(self.EDGE, 1))
        for r in self.mark_rects():
            painter.fillRect(r.adjusted(-1, -1, 1, 1), self.FILL)
            painter.drawRect(r.adjusted(-1, -1, 1, 1))
        painter.end()


class PdfPageView(QScrollArea):
    """A rendered page fitted to the view's width, scrolled to the first highlight."""

    def __init__(self) -> None:
        super().__init__()
        self.canvas = _Canvas()
        self.setWidget(self.canvas)
        self.setWidgetResizable(False)
        self.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        # always on: a bar that comes and goes would change the width the page is fitted to
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # arrow keys and Page Up/Down scroll
        self.page: RenderedPage | None = None
        self._scroll_pending = False

    def set_page(self, page: RenderedPage) -> None:
        self.page = page
        self.canvas.set_page(page.image, page.highlights)
        self._scroll_pending = bool(page.highlights)
        self._fit()

    def _fit(self) -> None:
        if self.page is None:
            return
        img = self.page.image
        w = max(1, self.viewport().width())
        self.canvas.setFixedSize(w, max(1, round(w * img.height() / max(1, img.width()))))
        if self._scroll_pending and self.isVisible():
            self.scroll_to_first_mark()

    def scroll_to_first_mark(self) -> None:
        rects = self.canvas.mark_rects()
        if not rects:
            return
        self._scroll_pending = False
        first = min(rects, key=lambda r: (r.top(), r.left()))
        c = first.center()
        self.ensureVisible(
            round(c.x()), round(c.y()), 0, max(round(first.height()), self.viewport().height() // 3)
        )

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit()
