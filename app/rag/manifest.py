"""The SQLite manifest: collections, per-document state, and the FTS5 keyword index.

This file is the source of truth for what is searchable. The crash-safety protocol
(see ``ingest``) relies on three rules:

* a document row is written as ``indexing`` *before* any of its vectors go to Chroma;
* its keyword rows and the ``ready`` state are committed in one transaction *after* all of
  its vectors are in Chroma (so a ready document is complete in both stores);
* a removal first commits ``deleting`` (and drops the keyword rows), then deletes the
  vectors, then forgets the row.

Any vector whose document is not ``ready`` is therefore either resumable (``indexing``) or
garbage that recovery deletes; nothing searchable is ever half-written.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import time
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.core.errors import CollectionExistsError, CollectionNotFoundError, InvalidRequestError
from app.core.sqlite_tx import immediate_transaction
from app.rag.types import Chunk, CollectionConfig, DocumentInfo

_SCHEMA = """
CREATE TABLE IF NOT EXISTS collections(
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    embedding_model TEXT NOT NULL,
    chunk_tokens INTEGER NOT NULL,
    chunk_overlap INTEGER NOT NULL,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS documents(
    collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    path TEXT NOT NULL,
    name TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('indexing', 'ready', 'deleting')),
    pages INTEGER NOT NULL DEFAULT 0,
    chunks INTEGER NOT NULL DEFAULT 0,
    skipped TEXT NOT NULL DEFAULT '[]',
    size INTEGER NOT NULL DEFAULT 0,
    added_at REAL NOT NULL,
    PRIMARY KEY (collection_id, id)
);
CREATE INDEX IF NOT EXISTS documents_by_path ON documents(collection_id, path);
"""

# Common English words carry no signal for BM25 and make OR-queries slow.
_STOPWORDS = frozenset(
    "a about an and are as at be been but by can could did do does for from had has have how i if in into "
    "is it its may might of on or our should so such than that the their them then there these they this "
    "those to was we were what when where which while who whom why will with would you your".split()
)
_WORD_RE = re.compile(r"\w+", re.UNICODE)


def fts_query(text: str) -> str | None:
    """A safe FTS5 OR-query of the distinct content words of ``text`` (None if there are none)."""
    words: list[str] = []
    for w in _WORD_RE.findall(text.lower()):
        if w not in _STOPWORDS and w not in words:
            words.append(w)
    if not words:
        words = list(dict.fromkeys(_WORD_RE.findall(text.lower())))
    return " OR ".join(f'"{w}"' for w in words) if words else None


@dataclass(frozen=True)
class CollectionRow:
    id: int
    name: str
    config: CollectionConfig
    created_at: float

    @property
    def fts_table(self) -> str:
        return f"fts_{self.id}"

    @property
    def chroma_name(self) -> str:
        return f"hearth-{self.id}"


@dataclass(frozen=True)
class KeywordRow:
    doc_id: str
    index: int
    page: int
    start: int
    end: int
    text: str
    score: float  # BM25, higher is better


class Manifest:
    """Thread-safe (one connection behind a lock; WAL so other processes can read)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.RLock()
        self._db = sqlite3.connect(
            str(path), check_same_thread=False, isolation_level=None, timeout=30
        )
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        with self._tx() as db:
            for stmt in _SCHEMA.split(";"):
                if stmt.strip():
                    db.execute(stmt)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _tx(self) -> AbstractContextManager[sqlite3.Connection]:
        return immediate_transaction(self._db, self._lock)

    def _q(self, sql: str, args: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    # ------------------------------------------------------------ collections
    def create_collection(self, name: str, config: CollectionConfig) -> CollectionRow:
        with self._tx() as db:
            if db.execute("SELECT 1 FROM collections WHERE name=?", (name,)).fetchone():
                raise CollectionExistsError(f"A collection named '{name}' already exists.")
            cur = db.execute(
                "INSERT INTO collections(name, embedding_model, chunk_tokens, chunk_overlap, created_at) "
                "VALUES (?,?,?,?,?)",
                (
                    name,
                    config.embedding_model,
                    config.chunk_tokens,
                    config.chunk_overlap,
                    time.time(),
                ),
            )
            cid = int(cur.lastrowid or 0)
            db.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS fts_{cid} USING fts5(text, doc_id UNINDEXED, idx UNINDEXED, "
                "page UNINDEXED, start UNINDEXED, end UNINDEXED, tokenize='porter unicode61 remove_diacritics 2')"
            )
        return self.collection(name)

    def _row(self, r: tuple[Any, ...]) -> CollectionRow:
        cfg = CollectionConfig(str(r[2]), int(r[3]), int(r[4]))
        return CollectionRow(int(r[0]), str(r[1]), cfg, float(r[5]))

    def find_collection(self, name: str) -> CollectionRow | None:
        rows = self._q("SELECT * FROM collections WHERE name=?", (name,))
        return self._row(rows[0]) if rows else None

    def collection(self, name: str) -> CollectionRow:
        row = self.find_collection(name)
        if row is None:
            raise CollectionNotFoundError(
                f"There is no collection named '{name}'.",
                hint="Run 'hearth docs ls' to list collections.",
            )
        return row

    def collections(self) -> list[CollectionRow]:
        return [self._row(r) for r in self._q("SELECT * FROM collections ORDER BY name")]

    def rename_collection(self, coll: CollectionRow, new_name: str) -> CollectionRow:
        """Rename in place: the Chroma collection and keyword table are keyed by id, not name."""
        with self._tx() as db:
            if db.execute("SELECT 1 FROM collections WHERE name=?", (new_name,)).fetchone():
                raise CollectionExistsError(f"A collection named '{new_name}' already exists.")
            db.execute("UPDATE collections SET name=? WHERE id=?", (new_name, coll.id))
        return self.collection(new_name)

    def drop_collection(self, coll: CollectionRow) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM documents WHERE collection_id=?", (coll.id,))
            db.execute(f"DROP TABLE IF EXISTS {coll.fts_table}")
            db.execute("DELETE FROM collections WHERE id=?", (coll.id,))

    def counts(self, coll: CollectionRow) -> tuple[int, int, int, int]:
        """(ready documents, chunks, pages, pending documents)."""
        r = self._q(
            "SELECT COALESCE(SUM(state='ready'),0), COALESCE(SUM(CASE WHEN state='ready' THEN chunks END),0), "
            "COALESCE(SUM(CASE WHEN state='ready' THEN pages END),0), COALESCE(SUM(state!='ready'),0) "
            "FROM documents WHERE collection_id=?",
            (coll.id,),
        )[0]
        return int(r[0]), int(r[1]), int(r[2]), int(r[3])

    # ------------------------------------------------------------ documents
    def _doc(self, coll: CollectionRow, r: tuple[Any, ...]) -> DocumentInfo:
        return DocumentInfo(
            id=str(r[1]),
            collection=coll.name,
            path=str(r[2]),
            name=str(r[3]),
            state=r[4],
            pages=int(r[5]),
            chunks=int(r[6]),
            skipped_pages=tuple(json.loads(str(r[7]))),
            size_bytes=int(r[8]),
            added_at=float(r[9]),
        )

    def documents(
        self, coll: CollectionRow, states: Iterable[str] = ("ready",)
    ) -> list[DocumentInfo]:
        st = tuple(states)
        marks = ",".join("?" * len(st))
        rows = self._q(
            f"SELECT * FROM documents WHERE collection_id=? AND state IN ({marks}) ORDER BY name, path",
            (coll.id, *st),
        )
        return [self._doc(coll, r) for r in rows]

    def document(self, coll: CollectionRow, doc_id: str) -> DocumentInfo | None:
        rows = self._q("SELECT * FROM documents WHERE collection_id=? AND id=?", (coll.id, doc_id))
        return self._doc(coll, rows[0]) if rows else None

    def documents_at(self, coll: CollectionRow, path: str) -> list[DocumentInfo]:
        rows = self._q("SELECT * FROM documents WHERE collection_id=? AND path=?", (coll.id, path))
        return [self._doc(coll, r) for r in rows]

    def resolve_document(self, coll: CollectionRow, ref: str) -> DocumentInfo:
        """A document by id, id prefix (8+ characters), path or file name."""
        docs = self.documents(coll, ("ready", "indexing"))
        exact = [d for d in docs if ref in (d.id, d.path, d.name)]
        if not exact and len(ref) >= 8:
            exact = [d for d in docs if d.id.startswith(ref)]
        if len(exact) == 1:
            return exact[0]
        if not exact:
            raise InvalidRequestError(f"Collection '{coll.name}' has no document '{ref}'.")
        raise InvalidRequestError(f"'{ref}' matches {len(exact)} documents; use the document id.")

    def states(self, coll: CollectionRow) -> dict[str, str]:
        return {
            str(r[0]): str(r[1])
            for r in self._q("SELECT id, state FROM documents WHERE collection_id=?", (coll.id,))
        }

    def begin_document(
        self,
        coll: CollectionRow,
        doc_id: str,
        path: str,
        name: str,
        size: int,
        pages: int,
        skipped: Sequence[int],
    ) -> None:
        """Record that indexing of ``doc_id`` starts (idempotent for a resumed document)."""
        with self._tx() as db:
            db.execute(
                "INSERT INTO documents(collection_id, id, path, name, state, pages, skipped, size, added_at) "
                "VALUES (?,?,?,?, 'indexing', ?,?,?,?) ON CONFLICT(collection_id, id) DO UPDATE SET "
                "path=excluded.path, name=excluded.name, pages=excluded.pages, skipped=excluded.skipped, "
                "size=excluded.size WHERE state='indexing'",
                (coll.id, doc_id, path, name, pages, json.dumps(list(skipped)), size, time.time()),
            )

    def finish_document(
        self, coll: CollectionRow, doc_id: str, chunks: Sequence[Chunk], replaces: Sequence[str]
    ) -> None:
        """One transaction: keyword rows in, state ready, replaced versions marked for deletion."""
        with self._tx() as db:
            db.execute(f"DELETE FROM {coll.fts_table} WHERE doc_id=?", (doc_id,))
            db.executemany(
                f"INSERT INTO {coll.fts_table}(text, doc_id, idx, page, start, end) VALUES (?,?,?,?,?,?)",
                [(c.text, c.doc_id, c.index, c.page, c.start, c.end) for c in chunks],
            )
            db.execute(
                "UPDATE documents SET state='ready', chunks=? WHERE collection_id=? AND id=?",
                (len(chunks), coll.id, doc_id),
            )
            for old in replaces:
                if old != doc_id:
                    db.execute(f"DELETE FROM {coll.fts_table} WHERE doc_id=?", (old,))
                    db.execute(
                        "UPDATE documents SET state='deleting' WHERE collection_id=? AND id=?",
                        (coll.id, old),
                    )

    def mark_deleting(self, coll: CollectionRow, doc_id: str) -> None:
        with self._tx() as db:
            db.execute(f"DELETE FROM {coll.fts_table} WHERE doc_id=?", (doc_id,))
            db.execute(
                "UPDATE documents SET state='deleting' WHERE collection_id=? AND id=?",
                (coll.id, doc_id),
            )

    def forget_document(self, coll: CollectionRow, doc_id: str) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM documents WHERE collection_id=? AND id=?", (coll.id, doc_id))

    def keyword_count(self, coll: CollectionRow) -> int:
        return int(self._q(f"SELECT COUNT(*) FROM {coll.fts_table}")[0][0])

    # ------------------------------------------------------------ keyword search
    def keyword_search(
        self, coll: CollectionRow, query: str, k: int, doc_ids: Sequence[str] | None = None
    ) -> list[KeywordRow]:
        q = fts_query(query)
        if q is None or k <= 0:
            return []
        where, args = "", [q]
        if doc_ids:
            where = f" AND doc_id IN ({','.join('?' * len(doc_ids))})"
            args += list(doc_ids)
        sql = (
            f"SELECT doc_id, idx, page, start, end, text, bm25({coll.fts_table}) AS s FROM {coll.fts_table} "
            f"WHERE {coll.fts_table} MATCH ?{where} ORDER BY s LIMIT ?"
        )
        rows = self._q(sql, (*args, k))
        # FTS5's bm25() is negative (more negative = better); flip it so higher is better.
        return [
            KeywordRow(
                str(r[0]), int(r[1]), int(r[2]), int(r[3]), int(r[4]), str(r[5]), -float(r[6])
            )
            for r in rows
        ]
