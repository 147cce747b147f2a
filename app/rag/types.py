"""Immutable data the RAG layer hands to the server, the CLI and the GUI."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Mode = Literal["hybrid", "dense", "keyword"]
MODES: tuple[str, ...] = ("hybrid", "dense", "keyword")

_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")


def valid_collection_name(name: str) -> bool:
    """Letters, digits, '.', '_' and '-', 1 to 63 characters, starting with a letter or digit."""
    return bool(_NAME_RE.match(name))


@dataclass(frozen=True)
class CollectionConfig:
    """Per-collection settings, fixed when the collection is created."""

    embedding_model: str
    chunk_tokens: int
    chunk_overlap: int


@dataclass(frozen=True)
class CollectionInfo:
    name: str
    config: CollectionConfig
    created_at: float
    documents: int
    chunks: int
    pages: int
    pending: int  # documents whose indexing has not finished (resumable)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class DocumentInfo:
    """One indexed document. ``id`` is the SHA-256 of the file's bytes."""

    id: str
    collection: str
    path: str
    name: str
    state: Literal["indexing", "ready", "deleting"]
    pages: int
    chunks: int
    skipped_pages: tuple[int, ...]  # 1-based pages without a text layer
    size_bytes: int
    added_at: float

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["skipped_pages"] = list(self.skipped_pages)
        return d


@dataclass(frozen=True)
class Chunk:
    """A passage of one page: ``start``/``end`` are character offsets into that page's text."""

    doc_id: str
    index: int  # position of the chunk in its document, from 0
    page: int  # 1-based
    start: int
    end: int
    text: str

    @property
    def id(self) -> str:
        return chunk_id(self.doc_id, self.index)


def chunk_id(doc_id: str, index: int) -> str:
    return f"{doc_id}:{index}"


@dataclass(frozen=True)
class Hit:
    """One retrieved passage. ``score`` is the mode's score, higher is better (see retrieval)."""

    chunk_id: str
    doc_id: str
    document: str  # file name shown to users
    path: str
    page: int
    chunk: int
    start: int
    end: int
    text: str
    score: float
    dense_score: float | None = None
    keyword_score: float | None = None
    rerank_score: float | None = None
    collection: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Source:
    """A numbered source placed in an answer's prompt; ``number`` is what ``[n]`` cites."""

    number: int
    hit: Hit
    text: str  # the passage as given to the model (may be shortened to fit the context)

    def to_dict(self) -> dict[str, Any]:
        h = self.hit
        return {
            "number": self.number,
            "document": h.document,
            "path": h.path,
            "page": h.page,
            "chunk": h.chunk,
            "chunk_id": h.chunk_id,
            "collection": h.collection,
            "score": h.score,
            "text": self.text,
        }


@dataclass(frozen=True)
class Citation:
    """A ``[n]`` marker found in an answer, resolved to the place it points at."""

    number: int
    document: str
    page: int
    chunk: int
    chunk_id: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class FileFailure:
    path: str
    reason: str


@dataclass(frozen=True)
class FileProgress:
    """One file's share of an ingestion: its chunks stored so far, of all its chunks."""

    path: str
    chunks_done: int
    chunks_total: int

    @property
    def fraction(self) -> float:
        return self.chunks_done / self.chunks_total if self.chunks_total else 1.0


@dataclass(frozen=True)
class IngestProgress:
    """A snapshot of an ingestion, emitted often; safe to hand to any thread.

    ``rate`` is chunks embedded per second; ``eta_s`` is estimated from the bytes of the
    files still to read at the observed throughput (None until there is a measure).
    ``current`` is the current file's name and ``current_path`` its full path. ``files``:
    the files read and not yet committed, each with its chunks stored (a file just
    committed, phase ``committing``, is among them with all its chunks). Phase ``skipped``:
    ``current_path`` was unchanged or could not be read (the report says which).
    """

    files_done: int
    files_total: int
    bytes_done: int
    bytes_total: int
    chunks_done: int
    pages_done: int
    current: str | None
    rate: float
    elapsed_s: float
    eta_s: float | None
    phase: Literal["reading", "embedding", "committing", "skipped", "done", "cancelled"]
    current_path: str | None = None
    files: tuple[FileProgress, ...] = ()

    @property
    def fraction(self) -> float:
        return self.bytes_done / self.bytes_total if self.bytes_total else 1.0

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["fraction"] = self.fraction
        return d


@dataclass(frozen=True)
class IngestReport:
    collection: str
    added: tuple[str, ...] = ()  # paths newly indexed (or re-indexed because they changed)
    unchanged: tuple[str, ...] = ()  # paths already indexed with the same content
    replaced: tuple[str, ...] = ()  # paths whose previous version was replaced
    failed: tuple[FileFailure, ...] = ()
    skipped_pages: tuple[tuple[str, tuple[int, ...]], ...] = ()  # (path, pages without text)
    pages: int = 0
    chunks: int = 0
    resumed_chunks: int = 0  # chunks found already stored by an interrupted run
    elapsed_s: float = 0.0
    cancelled: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    #: seconds spent per stage: read (hashing + text extraction), chunk (tokenize + split),
    #: embed (the model), store (Chroma + SQLite); the rest of ``elapsed_s`` is bookkeeping
    #: and progress listeners.
    stage_s: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "collection": self.collection,
            "added": list(self.added),
            "unchanged": list(self.unchanged),
            "replaced": list(self.replaced),
            "failed": [{"path": f.path, "reason": f.reason} for f in self.failed],
            "skipped_pages": {p: list(pages) for p, pages in self.skipped_pages},
            "pages": self.pages,
            "chunks": self.chunks,
            "resumed_chunks": self.resumed_chunks,
            "elapsed_s": round(self.elapsed_s, 3),
            "pages_per_s": round(self.pages / self.elapsed_s, 2) if self.elapsed_s else None,
            "chunks_per_s": round(self.chunks / self.elapsed_s, 2) if self.elapsed_s else None,
            "cancelled": self.cancelled,
            "stage_s": {k: round(v, 3) for k, v in self.stage_s.items()},
        }
