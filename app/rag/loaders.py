"""Read files into page texts: PDF (pypdf, page numbers kept), plain text, Markdown, HTML.

A loader returns every page, 1-based, and the pages that had no text layer so the caller
can report them (scanned pages need OCR, which Hearth does not do).
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from app.core.errors import DocumentLoadError

PDF_SUFFIXES = frozenset({".pdf"})
TEXT_SUFFIXES = frozenset({".txt", ".text", ".log", ".rst", ".csv"})
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdx"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
SUPPORTED_SUFFIXES = PDF_SUFFIXES | TEXT_SUFFIXES | MARKDOWN_SUFFIXES | HTML_SUFFIXES

_MIN_PAGE_CHARS = 3  # fewer non-blank characters: treat as a page without a text layer


@dataclass(frozen=True)
class PageText:
    number: int  # 1-based
    text: str


@dataclass(frozen=True)
class LoadedDocument:
    path: Path
    pages: tuple[PageText, ...]  # pages with text only
    page_count: int  # all pages, with text or not
    skipped_pages: tuple[int, ...]


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def iter_supported_files(paths: list[Path]) -> Iterator[Path]:
    """Files given directly (any type, so unsupported ones get reported) and, for folders,
    the supported files inside them, recursively, in a stable order; hidden entries skipped."""
    for p in paths:
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                rel = f.relative_to(p).parts
                if (
                    f.is_file()
                    and f.suffix.lower() in SUPPORTED_SUFFIXES
                    and not any(s.startswith(".") for s in rel)
                ):
                    yield f
        else:
            yield p


def _clean(text: str) -> str:
    # pypdf can return UTF-16 surrogate pairs (math letters) or lone surrogates, which
    # tokenizers reject: join the pairs, drop the rest; NFKC turns ligatures and math
    # letters into plain ones so keyword search finds them
    text = text.encode("utf-16", "surrogatepass").decode("utf-16", "ignore")
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"-\n(?=[a-z])", "", text)  # re-join words hyphenated at line ends
    text = re.sub(r"[ \t\f\v]+", " ", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _load_pdf(path: Path) -> LoadedDocument:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    # pypdf logs a warning per odd font or xref; those are not the user's problem.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(str(path), strict=False)
        if reader.is_encrypted:
            try:
                reader.decrypt("")
            except Exception as exc:
                raise DocumentLoadError(f"{path.name} is password-protected.") from exc
        n = len(reader.pages)
    except DocumentLoadError:
        raise
    except (PdfReadError, ValueError, KeyError, OSError, TypeError, AttributeError) as exc:
        raise DocumentLoadError(f"{path.name} is not a readable PDF ({exc}).") from exc
    pages: list[PageText] = []
    skipped: list[int] = []
    for i in range(n):
        try:
            raw = reader.pages[i].extract_text() or ""
        except Exception:  # one damaged page must not lose the rest of the document
            raw = ""
        text = _clean(raw)
        if len(text.replace(" ", "").replace("\n", "")) < _MIN_PAGE_CHARS:
            skipped.append(i + 1)
        else:
            pages.append(PageText(i + 1, text))
    return LoadedDocument(path, tuple(pages), n, tuple(skipped))


class _HTMLText(HTMLParser):
    _SKIP = frozenset({"script", "style", "noscript", "template", "svg", "head"})
    _BLOCK = frozenset(
        {
            "p",
            "div",
            "br",
            "li",
            "tr",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "section",
            "article",
            "pre",
            "table",
        }
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip_depth = 0
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        if tag in self._SKIP:
            self._skip_depth += 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag in self._SKIP and self._skip_depth:
            self._skip_depth -= 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        if not self._skip_depth:
            self.parts.append(data)


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    for enc in (
        ("utf-8-sig", "utf-16") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ("utf-8-sig",)
    ):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def load_document(path: Path) -> LoadedDocument:
    """Read ``path``; raise DocumentLoadError for unsupported, unreadable or empty files."""
    if not path.is_file():
        raise DocumentLoadError(f"{path} is not a file.")
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise DocumentLoadError(
            f"{path.name}: {suffix or 'files without an extension'} is not supported.",
            hint="Hearth reads PDF, text, Markdown and HTML files.",
        )
    if suffix in PDF_SUFFIXES:
        doc = _load_pdf(path)
    else:
        try:
            raw = _read_text(path)
        except OSError as exc:
            raise DocumentLoadError(f"{path.name} cannot be read ({exc}).") from exc
        if suffix in HTML_SUFFIXES:
            parser = _HTMLText()
            parser.feed(raw)
            raw = "".join(parser.parts)
        text = _clean(raw)
        pages = (PageText(1, text),) if text else ()
        doc = LoadedDocument(path, pages, 1, () if text else (1,))
    if not doc.pages:
        what = (
            "has no pages" if doc.page_count == 0 else "has no text layer (scanned pages need OCR)"
        )
        raise DocumentLoadError(f"{path.name} {what}.")
    return doc
