"""Embedding batches are sorted by length across files (to spare padding): the stored vectors
must still belong to their own chunks, a cancel in the middle of a sorted window must leave
every unstored chunk resumable, and the report says where the time went."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

import app.rag.ingest as ingest
from app.rag.service import RagService
from app.rag.types import IngestProgress


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "mixed"
    folder.mkdir()
    for i in range(6):  # long and short files, so sorting really reorders chunks
        words = " ".join(
            f"Item {i}.{j}: crate {i * 50 + j} goes to bay {j % 7}." for j in range(40)
        )
        (folder / f"long-{i}.txt").write_text(words)
        (folder / f"short-{i}.md").write_text(f"Note {i}: the {['red', 'blue'][i % 2]} door.")
    return folder


def _small_batches(monkeypatch: pytest.MonkeyPatch, window: int) -> None:
    """Batches small enough that a dozen files span several model calls and stores."""
    monkeypatch.setattr(ingest, "EMBED_BATCH", 4)
    monkeypatch.setattr(ingest, "STORE_BATCH", 8)
    monkeypatch.setattr(ingest, "SORT_WINDOW", window)


def test_sorted_batches_store_each_chunk_with_its_own_vector(
    rag: RagService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _small_batches(monkeypatch, window=24)
    report = rag.add_sync("mix", [_folder(tmp_path)])
    assert len(report.added) == 12 and not report.failed
    assert set(report.stage_s) == {"read", "chunk", "embed", "store"}
    assert report.stage_s["embed"] > 0 and sum(report.stage_s.values()) <= report.elapsed_s
    assert report.to_dict()["stage_s"]["embed"] > 0

    coll = rag.manifest.collection("mix")
    got = rag.vectors._coll(coll.chroma_name).get(include=["embeddings", "documents"])
    assert len(got["ids"]) == report.chunks == rag.manifest.keyword_count(coll)
    emb = rag.embedder(coll.config.embedding_model)
    alone = emb.embed(list(got["documents"]), batch_size=1)  # no batch neighbours at all
    for stored, ref in zip(got["embeddings"], alone, strict=True):
        cos = sum(a * b for a, b in zip(stored, ref, strict=True))
        assert math.isclose(cos, 1.0, abs_tol=1e-4)
    hit = rag.search("mix", "crate 207 bay", k=1, mode="keyword")[0]
    assert hit.document == "long-4.txt" and "crate 207" in hit.text


def test_cancel_inside_a_sorted_window_leaves_the_rest_resumable(
    rag: RagService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _small_batches(monkeypatch, window=64)
    folder = _folder(tmp_path)
    holder: list[ingest.IngestJob] = []

    def on_progress(p: IngestProgress) -> None:
        if p.phase == "embedding" and holder:
            holder[0].cancel()  # after the first store step, inside the first window

    job = rag.add("mix", [folder], on_progress=on_progress)
    holder.append(job)
    first = job.result(timeout=120)
    assert first.cancelled
    coll = rag.manifest.collection("mix")
    stored = len(rag.vectors.all_ids(coll.chroma_name))
    ready = sum(d.chunks for d in rag.documents("mix"))
    assert stored > 0 and rag.pending("mix")

    resumed = rag.resume("mix").result(timeout=120)
    rest = rag.add_sync("mix", [folder])
    assert resumed.resumed_chunks == stored - ready
    assert len(rest.unchanged) + len(rest.added) == 12 and not rest.failed
    info = rag.collection("mix")
    ids = rag.vectors.all_ids(coll.chroma_name)
    assert info.documents == 12 and info.pending == 0
    assert len(ids) == len(set(ids)) == info.chunks == rag.manifest.keyword_count(coll)
