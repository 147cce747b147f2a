"""Chroma access: an embedded ``PersistentClient`` by default, an ``HttpClient`` for a shared server.

One Chroma collection per Hearth collection (``hearth-<id>``), cosine space. Vector ids are
``<document sha256>:<chunk index>``, so writing the same chunk twice overwrites it (upsert)
and a resumed run can ask which chunks are already stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from app.core.errors import RagError
from app.rag.types import Chunk


@dataclass(frozen=True)
class DenseRow:
    doc_id: str
    index: int
    page: int
    start: int
    end: int
    text: str
    score: float  # cosine similarity, 1 is identical


def _client(path: Path, url: str | None) -> Any:
    try:
        import chromadb
        from chromadb.config import Settings
    except ImportError as exc:  # pragma: no cover - a packaging error
        raise RagError(
            "chromadb is not installed.", hint="Install Hearth with its RAG extras."
        ) from exc
    settings = Settings(anonymized_telemetry=False, allow_reset=False)
    if url:
        u = urlparse(url if "://" in url else f"http://{url}")
        return chromadb.HttpClient(
            host=u.hostname or "localhost",
            port=u.port or 8000,
            ssl=u.scheme == "https",
            settings=settings,
        )
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=settings)


class VectorStore:
    def __init__(self, path: Path, url: str | None = None) -> None:
        self._client = _client(path, url)
        self._cache: dict[str, Any] = {}

    def _coll(self, name: str) -> Any:
        c = self._cache.get(name)
        if c is None:
            c = self._client.get_or_create_collection(
                name, metadata={"hnsw:space": "cosine"}, embedding_function=None
            )
            self._cache[name] = c
        return c

    def drop(self, name: str) -> None:
        self._cache.pop(name, None)
        try:
            self._client.delete_collection(name)
        except Exception:  # already gone
            pass

    def upsert(
        self,
        name: str,
        chunks: list[Chunk],
        vectors: list[list[float]],
        labels: dict[str, tuple[str, str]],
    ) -> None:
        """``labels``: document id -> (file name, path), stored with each vector."""
        self._coll(name).upsert(
            ids=[c.id for c in chunks],
            embeddings=vectors,
            documents=[c.text for c in chunks],
            metadatas=[
                {
                    "doc_id": c.doc_id,
                    "chunk": c.index,
                    "page": c.page,
                    "start": c.start,
                    "end": c.end,
                    "document": labels[c.doc_id][0],
                    "path": labels[c.doc_id][1],
                }
                for c in chunks
            ],
        )

    def existing_ids(self, name: str, ids: list[str]) -> set[str]:
        out: set[str] = set()
        for i in range(0, len(ids), 2000):
            got = self._coll(name).get(ids=ids[i : i + 2000], include=[])
            out.update(got["ids"])
        return out

    def delete_document(self, name: str, doc_id: str) -> None:
        self._coll(name).delete(where={"doc_id": doc_id})

    def delete_beyond(self, name: str, doc_id: str, n_chunks: int) -> None:
        """Drop stored chunks of ``doc_id`` numbered ``n_chunks`` or more (left by other settings)."""
        self._coll(name).delete(where={"$and": [{"doc_id": doc_id}, {"chunk": {"$gte": n_chunks}}]})

    def count(self, name: str) -> int:
        return int(self._coll(name).count())

    def all_ids(self, name: str) -> list[str]:
        coll = self._coll(name)
        out: list[str] = []
        offset = 0
        while True:
            got = coll.get(include=[], limit=5000, offset=offset)
            out.extend(got["ids"])
            if len(got["ids"]) < 5000:
                return out
            offset += 5000

    def query(
        self, name: str, vector: list[float], k: int, doc_ids: list[str] | None = None
    ) -> list[DenseRow]:
        coll = self._coll(name)
        n = coll.count()
        if n == 0 or k <= 0:
            return []
        where: dict[str, Any] | None = None
        if doc_ids:
            where = (
                {"doc_id": doc_ids[0]} if len(doc_ids) == 1 else {"doc_id": {"$in": list(doc_ids)}}
            )
        res = coll.query(
            query_embeddings=[vector],
            n_results=min(k, n),
            where=where,
            include=["documents", "metadatas", "distances"],
        )
        rows: list[DenseRow] = []
        for text, meta, dist in zip(
            res["documents"][0], res["metadatas"][0], res["distances"][0], strict=True
        ):
            rows.append(
                DenseRow(
                    str(meta["doc_id"]),
                    int(meta["chunk"]),
                    int(meta["page"]),
                    int(meta["start"]),
                    int(meta["end"]),
                    text or "",
                    1.0 - float(dist),
                )
            )
        return rows
