"""Split page texts into overlapping windows measured in the embedding model's tokens.

Chunks never cross a page boundary, so every chunk cites exactly one page, and each keeps
the character offsets of its text inside that page. Window ends are moved to the end of
the word they fall in, so no word is cut in two.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from app.rag.loaders import PageText
from app.rag.types import Chunk


def effective_chunk_tokens(chunk_tokens: int, model_max_tokens: int) -> int:
    """A chunk longer than the model's input would be embedded truncated: cap it."""
    return max(16, min(chunk_tokens, model_max_tokens))


def _word_end(text: str, pos: int) -> int:
    n = len(text)
    limit = min(n, pos + 40)
    while pos < limit and not text[pos].isspace():
        pos += 1
    return pos


def chunk_pages(
    doc_id: str,
    pages: Sequence[PageText],
    tokenizer: Any,
    chunk_tokens: int,
    overlap: int,
) -> list[Chunk]:
    """Deterministic: the same pages and settings always give the same chunks (resume relies on it)."""
    if chunk_tokens < 1:
        raise ValueError("chunk_tokens must be positive")
    overlap = max(0, min(overlap, chunk_tokens // 2))
    step = chunk_tokens - overlap
    chunks: list[Chunk] = []
    if not pages:
        return chunks
    enc = tokenizer(
        [p.text for p in pages],
        add_special_tokens=False,
        return_offsets_mapping=True,
        verbose=False,
    )
    for page, offsets in zip(pages, enc["offset_mapping"], strict=True):
        text = page.text
        n = len(offsets)
        if n == 0:
            continue
        start_tok = 0
        while True:
            end_tok = min(n, start_tok + chunk_tokens)
            s = offsets[start_tok][0]
            e = len(text) if end_tok >= n else _word_end(text, offsets[end_tok - 1][1])
            piece = text[s:e].strip()
            if piece:
                lead = len(text[s:e]) - len(text[s:e].lstrip())
                s2 = s + lead
                chunks.append(Chunk(doc_id, len(chunks), page.number, s2, s2 + len(piece), piece))
            if end_tok >= n:
                break
            start_tok += step
    return chunks
