"""Dense (Chroma), keyword (SQLite FTS5 BM25) and hybrid (reciprocal rank fusion) retrieval.

Scores, higher is better:
* dense: cosine similarity of the question and the passage (-1..1);
* keyword: BM25 (unbounded, 0 = no match);
* hybrid: reciprocal rank fusion, scaled so that rank 1 in both lists is 1.0;
* with a reranker: the cross-encoder's score replaces the mode's score.
``min_score`` is compared with that final score.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from app.core.errors import InvalidRequestError
from app.rag.embedder import Embedder, Reranker
from app.rag.manifest import CollectionRow, Manifest
from app.rag.types import MODES, Hit, chunk_id
from app.rag.vectors import VectorStore

RRF_K = 60


@dataclass(frozen=True)
class _Cand:
    doc_id: str
    index: int
    page: int
    start: int
    end: int
    text: str


def rrf_fuse(
    rankings: Sequence[Sequence[str]], k: int = RRF_K, weights: Sequence[float] | None = None
) -> dict[str, float]:
    """Reciprocal rank fusion: sum of w / (k + rank) over the lists an item appears in (rank from 1)."""
    w = list(weights) if weights is not None else [1.0] * len(rankings)
    out: dict[str, float] = {}
    for ranking, wt in zip(rankings, w, strict=True):
        for rank, key in enumerate(ranking, start=1):
            out[key] = out.get(key, 0.0) + wt / (k + rank)
    return out


class Retriever:
    """Searches one collection. ``remote`` (a shared Chroma server) also trusts vectors of
    documents that this computer's manifest does not list (someone else added them)."""

    def __init__(
        self,
        manifest: Manifest,
        vectors: VectorStore,
        embedder: Embedder,
        coll: CollectionRow,
        remote: bool = False,
    ) -> None:
        self.manifest = manifest
        self.vectors = vectors
        self.embedder = embedder
        self.coll = coll
        self.remote = remote

    def search(
        self,
        query: str,
        k: int = 6,
        mode: str = "hybrid",
        documents: Sequence[str] | None = None,
        min_score: float | None = None,
        reranker: Reranker | None = None,
        depth: int | None = None,
    ) -> list[Hit]:
        if mode not in MODES:
            raise InvalidRequestError(
                f"Retrieval mode must be one of {', '.join(MODES)}, not '{mode}'."
            )
        if k < 1:
            raise InvalidRequestError("k must be at least 1.")
        if not query.strip():
            return []
        doc_ids = (
            [self.manifest.resolve_document(self.coll, d).id for d in documents]
            if documents
            else None
        )
        depth = depth or max(3 * k, 30)
        states = self.manifest.states(self.coll)
        docs = {d.id: d for d in self.manifest.documents(self.coll)}

        cands: dict[str, _Cand] = {}
        dense: dict[str, float] = {}
        keyword: dict[str, float] = {}
        if mode in ("dense", "hybrid"):
            vec = self.embedder.embed_query(query)
            for r in self.vectors.query(self.coll.chroma_name, vec, depth + 8, doc_ids):
                st = states.get(r.doc_id)
                if st == "ready" or (st is None and self.remote):
                    cid = chunk_id(r.doc_id, r.index)
                    dense[cid] = r.score
                    cands[cid] = _Cand(r.doc_id, r.index, r.page, r.start, r.end, r.text)
        if mode in ("keyword", "hybrid"):
            for kr in self.manifest.keyword_search(self.coll, query, depth, doc_ids):
                cid = chunk_id(kr.doc_id, kr.index)
                keyword[cid] = kr.score
                cands.setdefault(
                    cid, _Cand(kr.doc_id, kr.index, kr.page, kr.start, kr.end, kr.text)
                )

        if mode == "dense":
            scored = dense
        elif mode == "keyword":
            scored = keyword
        else:
            d_rank = sorted(dense, key=lambda c: -dense[c])[:depth]
            k_rank = sorted(keyword, key=lambda c: -keyword[c])[:depth]
            fused = rrf_fuse([d_rank, k_rank])
            top = 2.0 / (RRF_K + 1)
            scored = {c: s / top for c, s in fused.items()}
        order = sorted(scored, key=lambda c: -scored[c])

        hits: list[Hit] = []
        for cid in order[: max(k, depth if reranker else k)]:
            c = cands[cid]
            info = docs.get(c.doc_id)
            hits.append(
                Hit(
                    chunk_id=cid,
                    doc_id=c.doc_id,
                    document=info.name if info else c.doc_id[:12],
                    path=info.path if info else "",
                    page=c.page,
                    chunk=c.index,
                    start=c.start,
                    end=c.end,
                    text=c.text,
                    score=scored[cid],
                    dense_score=dense.get(cid),
                    keyword_score=keyword.get(cid),
                    collection=self.coll.name,
                )
            )
        if reranker is not None and hits:
            rs = reranker.score(query, [h.text for h in hits])
            hits = sorted(
                (replace(h, rerank_score=s, score=s) for h, s in zip(hits, rs, strict=True)),
                key=lambda h: -h.score,
            )
        hits = hits[:k]
        if min_score is not None:
            hits = [h for h in hits if h.score >= min_score]
        return hits
