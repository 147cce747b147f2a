from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.core.errors import DocumentLoadError, EmbeddingModelError
from app.rag.chunking import chunk_pages, effective_chunk_tokens
from app.rag.embedder import Embedder, resolve_model_source
from app.rag.loaders import iter_supported_files, load_document
from tests.rag.pdfgen import write_pdf


def test_pdf_pages_keep_their_numbers_and_blank_pages_are_reported(report_pdf: Path) -> None:
    doc = load_document(report_pdf)
    assert doc.page_count == 5
    assert [p.number for p in doc.pages] == [1, 2, 3, 4]
    assert doc.skipped_pages == (5,)
    assert "olive oil" in doc.pages[1].text


def test_empty_and_text_less_pdfs_are_rejected_with_a_reason(tmp_path: Path) -> None:
    with pytest.raises(DocumentLoadError, match="no pages"):
        load_document(write_pdf(tmp_path / "empty.pdf", []))
    with pytest.raises(DocumentLoadError, match="no text layer"):
        load_document(write_pdf(tmp_path / "scan.pdf", [None, None]))


def test_broken_pdf_is_rejected(tmp_path: Path, shared_pdfs: Path) -> None:
    data = (shared_pdfs / "naacl2018-literature-graph_N18-3011.pdf").read_bytes()
    broken = tmp_path / "truncated.pdf"
    broken.write_bytes(data[: len(data) // 3])
    with pytest.raises(DocumentLoadError):
        load_document(broken)
    garbage = tmp_path / "garbage.pdf"
    garbage.write_bytes(b"this is not a pdf at all" * 10)
    with pytest.raises(DocumentLoadError):
        load_document(garbage)


def test_text_markdown_html_and_unsupported(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("plain words here")
    (tmp_path / "b.md").write_text("# Title\n\nSome *markdown* text.")
    (tmp_path / "c.html").write_text(
        "<html><head><title>T</title><style>p{}</style></head><body><p>Hello <b>web</b></p>"
        "<script>var x = 1;</script></body></html>"
    )
    (tmp_path / "d.bin").write_bytes(b"\x00\x01")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "e.txt").write_text("secret")
    assert load_document(tmp_path / "a.txt").pages[0].text == "plain words here"
    assert "markdown" in load_document(tmp_path / "b.md").pages[0].text
    html = load_document(tmp_path / "c.html").pages[0].text
    assert "Hello web" in html and "var x" not in html and "p{}" not in html
    with pytest.raises(DocumentLoadError, match="not supported"):
        load_document(tmp_path / "d.bin")
    names = [p.name for p in iter_supported_files([tmp_path])]
    assert names == ["a.txt", "b.md", "c.html"]  # folders: supported files only, hidden skipped


def test_400_page_pdf_loads_with_every_page_numbered(
    shared_pdfs: Path, embedders: dict[str, Embedder]
) -> None:
    doc = load_document(shared_pdfs / "long" / "irs-irm-2.3.59_400p.pdf")
    assert doc.page_count == 400
    assert len(doc.pages) + len(doc.skipped_pages) == 400
    emb = next(iter(embedders.values()))
    chunks = chunk_pages(
        "x" * 64, doc.pages, emb.tokenizer, effective_chunk_tokens(384, emb.max_tokens), 64
    )
    assert {c.page for c in chunks} == {p.number for p in doc.pages}
    page_text = {p.number: p.text for p in doc.pages}
    assert all(page_text[c.page][c.start : c.end] == c.text for c in chunks)


def test_chunks_respect_token_size_offsets_and_overlap(embedders: dict[str, Embedder]) -> None:
    from app.rag.loaders import PageText

    emb = next(iter(embedders.values()))
    words = " ".join(f"word{i} alpha beta" for i in range(400))
    pages = [PageText(1, "short first page."), PageText(2, words)]
    chunks = chunk_pages("d" * 64, pages, emb.tokenizer, 64, 16)
    assert chunks[0].page == 1 and chunks[0].text == "short first page."
    body = [c for c in chunks if c.page == 2]
    assert len(body) > 10
    for c in body:
        assert words[c.start : c.end] == c.text
        n = len(emb.tokenizer(c.text, add_special_tokens=False)["input_ids"])
        assert n <= 64 + 8  # window plus the rest of a word cut at its end
    assert body[1].start < body[0].end  # neighbours overlap
    assert [c.index for c in chunks] == list(range(len(chunks)))
    again = chunk_pages("d" * 64, pages, emb.tokenizer, 64, 16)
    assert again == chunks  # deterministic: resume depends on it
    assert effective_chunk_tokens(384, emb.max_tokens) == emb.max_tokens == 254


def test_embedding_model_resolution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("sentence-transformers/all-MiniLM-L6-v2", "all-MiniLM-L6-v2"):
        src = resolve_model_source(name)
        assert src.kind == "packaged" and (src.local_path / "modules.json").is_file()  # type: ignore[operator]
    folder = resolve_model_source(str(resolve_model_source("all-MiniLM-L6-v2").local_path))
    assert folder.kind == "folder"
    other = resolve_model_source("BAAI/bge-small-en-v1.5")
    assert other.kind == "hub" and other.local_path is None
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    with pytest.raises(EmbeddingModelError, match="not on this computer"):
        Embedder("hearth-tests/no-such-embedding-model").model  # noqa: B018
    assert os.environ["HF_HUB_OFFLINE"] == "1"


def test_pdf_with_broken_font_map_text_is_chunkable(
    shared_pdfs: Path, embedders: dict[str, Embedder]
) -> None:
    # this paper's extracted text contains lone surrogates, which tokenizers reject
    doc = load_document(shared_pdfs / "jpcs2022-semeagat_cc-by-3.0.pdf")
    assert doc.page_count == 12 and all("\ud835" not in p.text for p in doc.pages)
    emb = next(iter(embedders.values()))
    chunks = chunk_pages("j" * 64, doc.pages, emb.tokenizer, 254, 64)
    assert {c.page for c in chunks} == set(range(1, 13))
