"""RagService: the one object the GUI, the server and the CLI use for document collections.

Build one per process (composition root) and ``close()`` it at the end. Ingestion runs on
one background thread (jobs queue); searches and answers may run on any thread meanwhile
and see every document whose indexing has finished.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.core.errors import EmbeddingModelError, InvalidRequestError, NoModelLoadedError, RagError
from app.core.paths import DataPaths, default_paths
from app.core.settings import RagSettings
from app.rag.answer import NO_ANSWER, fit_prompt, make_request, parse_citations
from app.rag.embedder import Embedder, Reranker
from app.rag.ingest import IngestJob, ProgressCallback, purge_document, recover, run_ingest
from app.rag.manifest import CollectionRow, Manifest
from app.rag.retrieval import RRF_K, Retriever, rrf_fuse
from app.rag.types import (
    Citation,
    CollectionConfig,
    CollectionInfo,
    DocumentInfo,
    Hit,
    IngestReport,
    Source,
    valid_collection_name,
)
from app.rag.vectors import VectorStore

if TYPE_CHECKING:
    from app.engine.service import GenerationHandle, InferenceService
    from app.engine.types import ChatMessage, Event, SamplingParams


@dataclass(frozen=True)
class RagAnswer:
    """A streaming answer: iterate ``handle`` for events; ``sources`` are the numbered passages
    in the prompt (``[n]`` in the answer is ``sources[n-1]``). Unpacks as ``handle, sources``."""

    handle: GenerationHandle
    sources: tuple[Source, ...]
    prompt_tokens: int
    dropped_sources: int

    def __iter__(self) -> Iterator[Any]:
        return iter((self.handle, self.sources))

    def citations(self, text: str | None = None) -> list[Citation]:
        """Citations in ``text`` (default: the finished answer)."""
        return parse_citations(self.handle.result().text if text is None else text, self.sources)


log = logging.getLogger(__name__)

RAG_MODEL_PREFIX = "rag:"


def parse_rag_model(model: str) -> list[str] | None:
    """``"rag:notes"`` or ``"rag:notes,manuals"`` -> collection names; None for other model names.

    The server routes such OpenAI/Ollama model names to :meth:`RagService.answer_stream`."""
    if not model.startswith(RAG_MODEL_PREFIX):
        return None
    names = [n.strip() for n in model[len(RAG_MODEL_PREFIX) :].split(",") if n.strip()]
    if not names:
        raise InvalidRequestError("Name a collection after 'rag:', like 'rag:notes'.")
    return names


class RagService:
    def __init__(
        self,
        paths: DataPaths | None = None,
        settings: RagSettings | None = None,
        *,
        embedders: dict[str, Embedder] | None = None,
    ) -> None:
        """``embedders``: a model id -> Embedder cache to share between services (tests,
        or a GUI that rebuilds the service after a settings change keeps its loaded model)."""
        self.paths = paths or default_paths()
        self.settings = settings or RagSettings()
        root = self.paths.rag_dir
        self.manifest = Manifest(root / "manifest.sqlite3")
        self.remote = bool(self.settings.chroma_url)
        self.vectors = VectorStore(root / "chroma", self.settings.chroma_url)
        self._embedders: dict[str, Embedder] = embedders if embedders is not None else {}
        self._reranker: Reranker | None = None
        self._reranker_failed = False
        self._lock = threading.Lock()
        self._recovered: set[int] = set()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hearth-rag-ingest")
        self._jobs: list[IngestJob] = []

    # ------------------------------------------------------------ plumbing
    def close(self) -> None:
        for job in list(self._jobs):
            job.cancel()
        self._pool.shutdown(wait=True, cancel_futures=True)
        self.manifest.close()

    def __enter__(self) -> RagService:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def embedder(self, model_id: str) -> Embedder:
        with self._lock:
            e = self._embedders.get(model_id)
            if e is None:
                e = self._embedders[model_id] = Embedder(model_id)
            return e

    def _coll(self, name: str) -> CollectionRow:
        coll = self.manifest.collection(name)
        if coll.id not in self._recovered:
            with self._lock:
                if coll.id not in self._recovered:
                    recover(self.manifest, self.vectors, coll, sweep_orphans=not self.remote)
                    self._recovered.add(coll.id)
        return coll

    # ------------------------------------------------------------ collections
    def create_collection(
        self,
        name: str,
        *,
        embedding_model: str | None = None,
        chunk_tokens: int | None = None,
        chunk_overlap: int | None = None,
    ) -> CollectionInfo:
        if not valid_collection_name(name):
            raise InvalidRequestError(
                f"'{name}' is not a valid collection name.",
                hint="Use letters, digits, '.', '_' or '-' (up to 63).",
            )
        cfg = CollectionConfig(
            embedding_model or self.settings.embedding_model,
            chunk_tokens or self.settings.chunk_tokens,
            self.settings.chunk_overlap if chunk_overlap is None else chunk_overlap,
        )
        if cfg.chunk_tokens < 16 or not 0 <= cfg.chunk_overlap < cfg.chunk_tokens:
            raise InvalidRequestError(
                "Chunks need at least 16 tokens and an overlap smaller than the chunk."
            )
        self.manifest.create_collection(name, cfg)
        return self.collection(name)

    def collection(self, name: str) -> CollectionInfo:
        coll = self._coll(name)
        docs, chunks, pages, pending = self.manifest.counts(coll)
        return CollectionInfo(coll.name, coll.config, coll.created_at, docs, chunks, pages, pending)

    def collections(self) -> list[CollectionInfo]:
        return [self.collection(c.name) for c in self.manifest.collections()]

    def ensure_collection(self, name: str, **config: Any) -> CollectionInfo:
        if self.manifest.find_collection(name) is None:
            return self.create_collection(name, **config)
        return self.collection(name)

    def rename_collection(self, name: str, new_name: str) -> CollectionInfo:
        """Give a collection a new name (documents and vectors stay; nothing is re-indexed)."""
        if not valid_collection_name(new_name):
            raise InvalidRequestError(
                f"'{new_name}' is not a valid collection name.",
                hint="Use letters, digits, '.', '_' or '-' (up to 63).",
            )
        if any(j.collection == name and not j.done for j in self._jobs):
            raise InvalidRequestError(
                f"'{name}' is still indexing documents.", hint="Rename it when indexing is done."
            )
        self.manifest.rename_collection(self.manifest.collection(name), new_name)
        return self.collection(new_name)

    def delete_collection(self, name: str) -> None:
        coll = self.manifest.collection(name)
        busy = [j for j in self._jobs if j.collection == name and not j.done]
        for j in busy:
            j.cancel()
        for j in busy:
            try:
                j.result(timeout=60)
            except Exception:
                pass
        self.manifest.drop_collection(coll)
        self.vectors.drop(coll.chroma_name)

    # ------------------------------------------------------------ documents
    def documents(self, collection: str, *, include_pending: bool = False) -> list[DocumentInfo]:
        states = ("ready", "indexing") if include_pending else ("ready",)
        return self.manifest.documents(self._coll(collection), states)

    def remove_document(self, collection: str, document: str) -> DocumentInfo:
        """Remove one document (id, id prefix, path or file name) and all its chunks."""
        coll = self._coll(collection)
        doc = self.manifest.resolve_document(coll, document)
        purge_document(self.manifest, self.vectors, coll, doc.id)
        return doc

    def add(
        self,
        collection: str,
        paths: Sequence[str | Path],
        on_progress: ProgressCallback | None = None,
        *,
        create: bool = True,
    ) -> IngestJob:
        """Index files and folders in the background; returns at once. Unchanged files are
        skipped, changed files replace their old version, failures are reported per file."""
        if create:
            self.ensure_collection(collection)
        coll = self._coll(collection)
        job = IngestJob(collection, on_progress)
        self._jobs = [j for j in self._jobs if not j.done] + [job]
        emb = self.embedder(coll.config.embedding_model)
        plist = [Path(p) for p in paths]

        def work() -> None:
            if not job.future.set_running_or_notify_cancel():
                return
            try:
                job.future.set_result(
                    run_ingest(job, self.manifest, self.vectors, emb, coll, plist)
                )
            except BaseException as exc:
                job.future.set_exception(exc)

        self._pool.submit(work)
        return job

    def active_jobs(self) -> list[IngestJob]:
        """Ingestions queued or running (for a GUI's activity list)."""
        return [j for j in self._jobs if not j.done]

    def pending(self, collection: str) -> list[DocumentInfo]:
        """Documents whose indexing was interrupted (by a crash, a kill or a cancel)."""
        return self.manifest.documents(self._coll(collection), ("indexing",))

    def resume(self, collection: str, on_progress: ProgressCallback | None = None) -> IngestJob:
        """Finish interrupted documents; chunks already stored are not embedded again.
        Pending documents whose file is gone are removed."""
        coll = self._coll(collection)
        paths = []
        for d in self.manifest.documents(coll, ("indexing",)):
            if Path(d.path).is_file():
                paths.append(Path(d.path))
            else:
                purge_document(self.manifest, self.vectors, coll, d.id)
        return self.add(collection, paths, on_progress, create=False)

    def add_sync(
        self,
        collection: str,
        paths: Sequence[str | Path],
        on_progress: ProgressCallback | None = None,
    ) -> IngestReport:
        return self.add(collection, paths, on_progress).result()

    # ------------------------------------------------------------ retrieval
    def retriever(self, collection: str) -> Retriever:
        coll = self._coll(collection)
        return Retriever(
            self.manifest,
            self.vectors,
            self.embedder(coll.config.embedding_model),
            coll,
            self.remote,
        )

    def reranker(self, required: bool = False) -> Reranker | None:
        """The configured cross-encoder, loaded; None when none is set or (unless
        ``required``) when it cannot be loaded: reranking is an extra, never a requirement."""
        if not self.settings.reranker_model or (self._reranker_failed and not required):
            return None
        with self._lock:
            if self._reranker is None:
                self._reranker = Reranker(self.settings.reranker_model)
            rr = self._reranker
        try:
            rr.load()
        except EmbeddingModelError:
            if required:
                raise
            log.warning("reranker %s unavailable; searching without it", rr.model_id)
            self._reranker_failed = True
            return None
        return rr

    def search(
        self,
        collections: str | Sequence[str],
        query: str,
        *,
        k: int | None = None,
        mode: str | None = None,
        documents: Sequence[str] | None = None,
        min_score: float | None = None,
        rerank: bool | None = None,
    ) -> list[Hit]:
        """Best passages for ``query``. Several collections are merged by rank fusion.
        ``rerank`` None: use the configured reranker if there is one."""
        names = [collections] if isinstance(collections, str) else list(collections)
        if not names:
            raise InvalidRequestError("Name at least one collection to search.")
        k = k or self.settings.top_k
        mode = mode or self.settings.mode
        rr = self.reranker(required=bool(rerank)) if rerank is not False else None
        if rerank and rr is None:
            raise RagError(
                "No reranker model is set.", hint="Set rag.reranker_model in the settings."
            )
        per = [self.retriever(n).search(query, k, mode, documents, min_score, rr) for n in names]
        if len(per) == 1:
            return per[0]
        fused = rrf_fuse([[h.chunk_id + "@" + h.collection for h in hits] for hits in per])
        by_key = {h.chunk_id + "@" + h.collection: h for hits in per for h in hits}
        order = sorted(fused, key=lambda key: -fused[key])[:k]
        top = 1.0 / (RRF_K + 1)
        return [Hit(**{**by_key[key].to_dict(), "score": fused[key] / top}) for key in order]

    # ------------------------------------------------------------ answers
    def answer_stream(
        self,
        service: InferenceService,
        collections: str | Sequence[str],
        messages: Sequence[ChatMessage],
        *,
        k: int | None = None,
        mode: str | None = None,
        documents: Sequence[str] | None = None,
        min_score: float | None = None,
        strict: bool = True,
        max_tokens: int = 512,
        sampling: SamplingParams | None = None,
        stop: Sequence[str] = (),
        on_event: Callable[[Event], None] | None = None,
    ) -> RagAnswer:
        """Retrieve for the last user message, fit the sources into the loaded model's context
        (counted with its tokenizer) and submit the generation; returns at once.

        ``strict``: answer only from the sources; with no passage found the reply is
        ``NO_ANSWER`` without running the model."""
        from app.engine.types import SamplingParams as _Sampling

        if not messages or messages[-1].role != "user":
            raise InvalidRequestError("The last message must be the user's question.")
        if service.loaded is None:
            raise NoModelLoadedError("No model is loaded.", hint="Load a model to ask questions.")
        question = messages[-1].content
        history = list(messages[:-1])
        hits = self.search(
            collections, question, k=k, mode=mode, documents=documents, min_score=min_score
        )
        extra: dict[str, Any] = {
            "sampling": sampling or _Sampling(temperature=0.2),
            "stop": tuple(stop),
        }
        if strict and not hits:
            return RagAnswer(_canned(NO_ANSWER, on_event, extra), (), 0, 0)
        fitted = service.call(
            lambda b: fit_prompt(b, history, question, hits, max_tokens, strict)
        ).result()
        handle = service.submit(make_request(fitted, max_tokens, **extra), on_event)
        return RagAnswer(handle, fitted.sources, fitted.prompt_tokens, fitted.dropped_sources)


def _canned(
    text: str, on_event: Callable[[Event], None] | None, extra: dict[str, Any]
) -> GenerationHandle:
    """A finished handle carrying a fixed reply, so callers treat it like any generation."""
    from app.engine.service import GenerationHandle
    from app.engine.types import (
        Finished,
        FinishReason,
        GenerationRequest,
        GenerationResult,
        GenerationStats,
        TextDelta,
    )

    h = GenerationHandle(GenerationRequest(prompt=text, **extra), on_event)
    stats = GenerationStats(
        prompt_tokens=0,
        completion_tokens=0,
        cached_tokens=0,
        ttft_s=0.0,
        prefill_s=0.0,
        decode_s=0.0,
    )
    h._emit(TextDelta(text))
    h._emit(Finished(GenerationResult(text, FinishReason.STOP, stats)))
    return h


__all__ = ["NO_ANSWER", "RAG_MODEL_PREFIX", "RagAnswer", "RagService", "parse_rag_model"]
