"""Ingestion: files -> pages -> chunks -> vectors (Chroma) + keyword rows (SQLite), crash-safe.

Protocol per document (its id is the SHA-256 of its bytes):
1. unchanged content already ``ready`` in the collection: nothing to do;
2. ``begin_document`` commits the row as ``indexing``;
3. chunks already in Chroma (from an interrupted run) are skipped, the rest are embedded and
   upserted in batches (longest first within a window, to spare padding: the order chunks
   are stored in does not matter, only their ids do);
4. ``finish_document`` commits keyword rows + ``ready`` + "older versions of this path are
   ``deleting``" in one transaction; then the older versions' vectors and rows are removed.
A kill at any point leaves either a resumable ``indexing`` row or a ``deleting`` row that
:func:`recover` finishes; never a searchable half-document, a duplicate or an orphan.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from pathlib import Path

from app.core.errors import DocumentLoadError
from app.rag.chunking import chunk_pages, effective_chunk_tokens
from app.rag.embedder import Embedder
from app.rag.loaders import file_sha256, iter_supported_files, load_document
from app.rag.manifest import CollectionRow, Manifest
from app.rag.types import Chunk, FileFailure, FileProgress, IngestProgress, IngestReport
from app.rag.vectors import VectorStore

log = logging.getLogger(__name__)

#: chunks per model call. With length-sorted batches MiniLM on a 2-core CPU is fastest at
#: 4-16 chunks of ~250 tokens (26 chunks/s; 32: 23/s, 128: 13/s): bigger batches' attention
#: scores spill the caches. 8 held up best with other programs busy too.
EMBED_BATCH = 8
#: chunks per Chroma upsert (and per progress report); per-call overhead makes 16-chunk
#: upserts twice as slow as 128-chunk ones.
STORE_BATCH = 64
#: queued chunks sorted by length together before embedding (oldest first, so no document
#: waits behind later ones): nearly all the padding saving of sorting a whole 400-page
#: manual (120k tokens computed instead of 158k in file order; 118k sorted as a whole).
SORT_WINDOW = 256

ProgressCallback = Callable[[IngestProgress], None]


class IngestJob:
    """A background ingestion: watch ``progress``, ``cancel()`` it, wait with ``result()``.

    ``on_progress`` and ``add_done_callback`` functions run on the ingestion thread; a GUI
    relays them to its own thread (they carry plain immutable data).
    """

    def __init__(self, collection: str, on_progress: ProgressCallback | None = None) -> None:
        self.collection = collection
        self._on_progress = on_progress
        self._cancel = threading.Event()
        self.future: Future[IngestReport] = Future()
        self.progress = IngestProgress(0, 0, 0, 0, 0, 0, None, 0.0, 0.0, None, "reading")

    def cancel(self) -> None:
        """Stop after the current batch; the document being indexed stays resumable."""
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    @property
    def done(self) -> bool:
        return self.future.done()

    def result(self, timeout: float | None = None) -> IngestReport:
        return self.future.result(timeout)

    def add_done_callback(self, fn: Callable[[IngestJob], None]) -> None:
        self.future.add_done_callback(lambda _f: fn(self))

    def _emit(self, p: IngestProgress) -> None:
        self.progress = p
        if self._on_progress is not None:
            try:
                self._on_progress(p)
            except Exception:  # a listener's bug must not stop indexing
                log.exception("progress listener failed")


@dataclass
class _Tally:
    started: float = field(default_factory=time.perf_counter)
    files_total: int = 0
    bytes_total: int = 0
    files_done: int = 0
    bytes_done: int = 0
    chunks: int = 0
    pages: int = 0
    resumed: int = 0
    # seconds per stage: read (hash + text extraction), chunk (tokenize + split), embed (the
    # model), store (Chroma upserts and lookups + SQLite manifest and keyword rows)
    stages: dict[str, float] = field(
        default_factory=lambda: dict.fromkeys(("read", "chunk", "embed", "store"), 0.0)
    )

    def clock(self, stage: str, since: float) -> float:
        now = time.perf_counter()
        self.stages[stage] += now - since
        return now

    def snapshot(
        self,
        phase: str,
        current: str | None,
        partial_bytes: float = 0.0,
        current_path: str | None = None,
        files: tuple[FileProgress, ...] = (),
    ) -> IngestProgress:
        el = max(1e-6, time.perf_counter() - self.started)
        done_b = min(self.bytes_total, self.bytes_done + partial_bytes)
        eta = None
        if done_b > 0 and el > 0.2:
            eta = max(0.0, (self.bytes_total - done_b) / (done_b / el))
        return IngestProgress(
            files_done=self.files_done,
            files_total=self.files_total,
            bytes_done=int(done_b),
            bytes_total=self.bytes_total,
            chunks_done=self.chunks,
            pages_done=self.pages,
            current=current,
            rate=self.chunks / el,
            elapsed_s=el,
            eta_s=eta,
            phase=phase,  # type: ignore[arg-type]
            current_path=current_path,
            files=files,
        )


def purge_document(
    manifest: Manifest, vectors: VectorStore, coll: CollectionRow, doc_id: str
) -> None:
    """Remove a document everywhere, in the crash-safe order."""
    manifest.mark_deleting(coll, doc_id)
    vectors.delete_document(coll.chroma_name, doc_id)
    manifest.forget_document(coll, doc_id)


def recover(
    manifest: Manifest, vectors: VectorStore, coll: CollectionRow, sweep_orphans: bool = True
) -> int:
    """Finish interrupted deletions and drop vectors no manifest row owns; return pending documents."""
    for d in manifest.documents(coll, ("deleting",)):
        vectors.delete_document(coll.chroma_name, d.id)
        manifest.forget_document(coll, d.id)
    if sweep_orphans:
        known = set(manifest.states(coll))
        stray = {i.split(":", 1)[0] for i in vectors.all_ids(coll.chroma_name)} - known
        for doc_id in stray:
            log.warning("removing %s orphan vectors of %s", coll.name, doc_id[:12])
            vectors.delete_document(coll.chroma_name, doc_id)
    return len(manifest.documents(coll, ("indexing",)))


@dataclass
class _Pending:
    """A document whose chunks are queued for embedding (its row is already ``indexing``)."""

    doc_id: str
    key: str
    name: str
    size: int
    pages: int
    chunks: list[Chunk]
    older: list[str]
    remaining: int


def run_ingest(
    job: IngestJob,
    manifest: Manifest,
    vectors: VectorStore,
    embedder: Embedder,
    coll: CollectionRow,
    paths: list[Path],
) -> IngestReport:
    """Index ``paths`` into ``coll``. Chunks of consecutive files share embedding batches
    (one-file batches are several times slower), and a document is committed as soon as
    its last chunk is stored."""
    t = _Tally()
    files = [p.expanduser().resolve() for p in iter_supported_files([Path(p) for p in paths])]
    sizes = {f: (f.stat().st_size if f.is_file() else 0) for f in files}
    t.files_total, t.bytes_total = len(files), sum(sizes.values())
    added: list[str] = []
    unchanged: list[str] = []
    replaced: list[str] = []
    failed: list[FileFailure] = []
    skipped: list[tuple[str, tuple[int, ...]]] = []
    pending: list[_Pending] = []
    queue: list[tuple[_Pending, Chunk]] = []
    job._emit(t.snapshot("reading", None))
    tokens = effective_chunk_tokens(coll.config.chunk_tokens, embedder.max_tokens)

    def partial() -> float:
        return sum(p.size * (1 - p.remaining / len(p.chunks)) for p in pending)

    def per_file() -> tuple[FileProgress, ...]:
        return tuple(
            FileProgress(p.key, len(p.chunks) - p.remaining, len(p.chunks)) for p in pending
        )

    def finish_ready() -> None:
        for p in [p for p in pending if p.remaining == 0]:
            job._emit(t.snapshot("committing", p.name, partial(), p.key, per_file()))
            t0 = time.perf_counter()
            manifest.finish_document(coll, p.doc_id, p.chunks, p.older)
            for old in p.older:
                vectors.delete_document(coll.chroma_name, old)
                manifest.forget_document(coll, old)
            t.clock("store", t0)
            (replaced if p.older else added).append(p.key)
            pending.remove(p)
            t.files_done += 1
            t.bytes_done += p.size
            t.pages += p.pages

    def store(batch: list[tuple[_Pending, Chunk]], vecs: list[list[float]]) -> None:
        t0 = time.perf_counter()
        labels = {p.doc_id: (p.name, p.key) for p, _ in batch}
        vectors.upsert(coll.chroma_name, [c for _, c in batch], vecs, labels)
        for p, _ in batch:
            p.remaining -= 1
        t.chunks += len(batch)
        t.clock("store", t0)
        last = batch[-1][0]
        job._emit(t.snapshot("embedding", last.name, partial(), last.key, per_file()))
        finish_ready()

    def embed_window() -> None:
        """Embed and store the oldest SORT_WINDOW queued chunks, longest first: similar
        lengths share a model batch, so little of it is padding (the order chunks are
        stored in does not matter, their ids do). On cancel, stop after the model batch."""
        window = sorted(queue[:SORT_WINDOW], key=lambda pc: -len(pc[1].text))  # stable
        del queue[:SORT_WINDOW]
        for s in range(0, len(window), STORE_BATCH):
            batch = window[s : s + STORE_BATCH]
            vecs: list[list[float]] = []
            t0 = time.perf_counter()
            for i in range(0, len(batch), EMBED_BATCH):
                if job.cancelled:
                    break
                texts = [c.text for _, c in batch[i : i + EMBED_BATCH]]
                vecs.extend(embedder.embed(texts, batch_size=EMBED_BATCH))
            t.clock("embed", t0)
            if vecs:
                store(batch[: len(vecs)], vecs)
            if len(vecs) < len(batch):  # cancelled: the rest stays queued (resumable)
                queue[:0] = window[s + len(vecs) :]
                return

    def flush(force: bool) -> None:
        while queue and (force or len(queue) >= STORE_BATCH) and not job.cancelled:
            embed_window()

    def skip(f: Path, size: int) -> None:
        t.files_done += 1
        t.bytes_done += size
        job._emit(t.snapshot("skipped", f.name, partial(), str(f), per_file()))

    for f in files:
        if job.cancelled:
            break
        key, size = str(f), sizes[f]
        job._emit(t.snapshot("reading", f.name, partial(), key, per_file()))
        t0 = time.perf_counter()
        try:
            doc_id = file_sha256(f)
        except OSError as exc:
            failed.append(FileFailure(key, f"cannot be read ({exc.strerror or exc})"))
            skip(f, size)
            continue
        current = manifest.document(coll, doc_id)
        if (current is not None and current.state == "ready") or any(
            p.doc_id == doc_id for p in pending
        ):
            unchanged.append(key)
            skip(f, size)
            continue
        older = [
            d.id
            for d in manifest.documents_at(coll, key)
            if d.id != doc_id and d.state != "deleting"
        ]
        try:
            doc = load_document(f)
            t0 = t.clock("read", t0)
            chunks = chunk_pages(
                doc_id, doc.pages, embedder.tokenizer, tokens, coll.config.chunk_overlap
            )
            t0 = t.clock("chunk", t0)
            if not chunks:
                raise DocumentLoadError(f"{f.name} has no text to index.")
        except DocumentLoadError as exc:
            failed.append(FileFailure(key, exc.message))
            skip(f, size)
            continue
        except Exception as exc:  # a damaged file of any kind: report it and go on
            failed.append(
                FileFailure(key, f"{f.name} could not be read ({type(exc).__name__}: {exc}).")
            )
            skip(f, size)
            continue
        if doc.skipped_pages:
            skipped.append((key, doc.skipped_pages))
        manifest.begin_document(coll, doc_id, key, f.name, size, doc.page_count, doc.skipped_pages)
        vectors.delete_beyond(coll.chroma_name, doc_id, len(chunks))
        have = vectors.existing_ids(coll.chroma_name, [c.id for c in chunks])
        t.clock("store", t0)
        todo = [c for c in chunks if c.id not in have]
        t.resumed += len(chunks) - len(todo)
        t.chunks += len(chunks) - len(todo)
        p = _Pending(doc_id, key, f.name, size, len(doc.pages), chunks, older, len(todo))
        pending.append(p)
        queue.extend((p, c) for c in todo)
        finish_ready()
        flush(force=False)
    flush(force=True)
    final = t.snapshot("cancelled" if job.cancelled else "done", None, partial())
    if not job.cancelled:
        final = replace(final, bytes_done=t.bytes_total, eta_s=0.0)
    job._emit(final)
    return IngestReport(
        collection=coll.name,
        added=tuple(added),
        unchanged=tuple(unchanged),
        replaced=tuple(replaced),
        failed=tuple(failed),
        skipped_pages=tuple(skipped),
        pages=t.pages,
        chunks=t.chunks,
        resumed_chunks=t.resumed,
        elapsed_s=time.perf_counter() - t.started,
        cancelled=job.cancelled,
        stage_s=dict(t.stages),
    )
