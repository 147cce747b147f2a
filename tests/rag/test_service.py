from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from app.core.errors import CollectionExistsError, CollectionNotFoundError, InvalidRequestError
from app.rag.retrieval import rrf_fuse
from app.rag.service import RagService
from app.rag.types import IngestProgress
from tests.rag.pdfgen import write_pdf


def _consistent(rag: RagService, name: str) -> tuple[int, int, int]:
    """(vectors in Chroma, keyword rows, chunks the manifest says are ready) and no orphans."""
    coll = rag.manifest.collection(name)
    ids = rag.vectors.all_ids(coll.chroma_name)
    assert len(ids) == len(set(ids))
    ready = {d.id: d.chunks for d in rag.manifest.documents(coll)}
    assert {i.split(":")[0] for i in ids} <= set(rag.manifest.states(coll))
    return len(ids), rag.manifest.keyword_count(coll), sum(ready.values())


def test_add_search_cite_pages_and_progress(
    rag: RagService, report_pdf: Path, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("# Meeting notes\n\nThe board approved the new logo in blue and orange.")
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4\n1 0 obj\n<<")
    events: list[IngestProgress] = []
    report = rag.add("acme", [report_pdf, notes, bad], on_progress=events.append).result(
        timeout=120
    )

    assert sorted(Path(p).name for p in report.added) == ["northwind-report.pdf", "notes.md"]
    assert [Path(f.path).name for f in report.failed] == ["broken.pdf"]
    assert report.skipped_pages == ((str(report_pdf.resolve()), (5,)),)
    docs = {d.name: d for d in rag.documents("acme")}
    assert docs["northwind-report.pdf"].pages == 5 and docs["northwind-report.pdf"].chunks == 4
    assert docs["northwind-report.pdf"].skipped_pages == (5,)
    info = rag.collection("acme")
    assert (info.documents, info.chunks) == (2, 5)
    vec, kw, ready = _consistent(rag, "acme")
    assert vec == kw == ready == 5

    assert events[-1].phase == "done" and events[-1].files_done == events[-1].files_total == 3
    assert events[-1].fraction == 1.0 and events[-1].eta_s == 0.0
    assert [e.files_done for e in events] == sorted(e.files_done for e in events)
    assert any(e.phase == "embedding" and e.rate > 0 for e in events)

    for mode in ("dense", "keyword", "hybrid"):
        hits = rag.search("acme", "How much did the solar roof cost?", k=3, mode=mode)
        assert (hits[0].document, hits[0].page) == ("northwind-report.pdf", 3), mode
        assert "2.4 million" in hits[0].text
    hits = rag.search("acme", "warehouse in Lisbon employees", k=2)
    assert (
        hits[0].page == 2 and hits[0].dense_score is not None and hits[0].keyword_score is not None
    )
    only_notes = rag.search("acme", "solar roof cost", k=5, documents=["notes.md"])
    assert {h.document for h in only_notes} == {"notes.md"}
    assert rag.search("acme", "solar roof", k=5, mode="dense", min_score=0.99) == []
    with pytest.raises(InvalidRequestError):
        rag.search("acme", "x", mode="fuzzy")


def test_incremental_changed_file_replaces_and_removal_removes_everything(
    rag: RagService, report_pdf: Path, tmp_path: Path
) -> None:
    doc = tmp_path / "policy.txt"
    doc.write_text("Travel policy: economy class for flights under six hours.")
    rag.add_sync("hr", [doc, report_pdf])
    first_id = rag.manifest.resolve_document(rag.manifest.collection("hr"), "policy.txt").id

    again = rag.add_sync("hr", [doc, report_pdf])
    assert len(again.unchanged) == 2 and again.chunks == 0 and not again.added

    doc.write_text("Travel policy: business class is allowed for flights over eight hours.")
    changed = rag.add_sync("hr", [doc])
    assert changed.replaced == (str(doc.resolve()),)
    docs = rag.documents("hr")
    assert len(docs) == 2 and first_id not in {d.id for d in docs}
    hits = rag.search("hr", "economy class flights", k=5)
    assert all("economy" not in h.text for h in hits) and any(
        "business class" in h.text for h in hits
    )
    assert _consistent(rag, "hr") == (5, 5, 5)

    removed = rag.remove_document("hr", "northwind-report.pdf")
    assert removed.chunks == 4
    assert _consistent(rag, "hr") == (1, 1, 1)
    assert all(h.document == "policy.txt" for h in rag.search("hr", "olive oil warehouse", k=5))

    rag.delete_collection("hr")
    with pytest.raises(CollectionNotFoundError):
        rag.collection("hr")
    assert [c.name for c in rag.collections()] == []


def test_collection_crud_and_validation(rag: RagService) -> None:
    info = rag.create_collection("team.docs-1", chunk_tokens=200, chunk_overlap=20)
    assert info.config.chunk_tokens == 200 and info.documents == 0
    with pytest.raises(CollectionExistsError):
        rag.create_collection("team.docs-1")
    with pytest.raises(InvalidRequestError):
        rag.create_collection("bad name/with slash")
    assert [c.name for c in rag.collections()] == ["team.docs-1"]


def test_collections_persist_across_service_instances(
    rag: RagService, report_pdf: Path, embedders: dict
) -> None:
    rag.add_sync("keep", [report_pdf])
    rag.close()
    with RagService(rag.paths, rag.settings, embedders=embedders) as again:
        assert again.collection("keep").chunks == 4
        assert again.search("keep", "trademark lawsuit", k=1)[0].page == 4


def test_questions_are_answered_while_indexing_runs(
    rag: RagService, report_pdf: Path, tmp_path: Path
) -> None:
    rag.add_sync("live", [report_pdf])
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(30):
        (folder / f"memo-{i:02d}.txt").write_text(
            f"Memo {i}. " + "Routine logistics update for the depot. " * 60
        )
    started = threading.Event()

    def on_progress(p: IngestProgress) -> None:
        if p.chunks_done > 0:
            started.set()

    job = rag.add("live", [folder], on_progress=on_progress)
    assert started.wait(120)
    hits = rag.search("live", "solar roof capital expenditure", k=1)
    assert not job.done, "indexing finished before the question: make the folder bigger"
    assert hits[0].document == "northwind-report.pdf" and hits[0].page == 3
    job.cancel()
    report = job.result(timeout=120)
    assert report.cancelled
    pending = rag.pending("live")
    resumed = rag.resume("live").result(timeout=300)
    assert not resumed.cancelled and rag.pending("live") == []
    assert len(resumed.added) == len(pending)
    rest = rag.add_sync("live", [folder])  # files the cancelled run never reached
    assert len(rest.unchanged) == len(resumed.added) + len(report.added)
    vec, kw, ready = _consistent(rag, "live")
    assert vec == kw == ready and rag.collection("live").documents == 31


def test_orphan_vectors_are_swept_and_interrupted_deletes_finish(
    rag: RagService, report_pdf: Path, embedders: dict
) -> None:
    rag.add_sync("sweep", [report_pdf])
    coll = rag.manifest.collection("sweep")
    from app.rag.types import Chunk

    stray = Chunk("f" * 64, 0, 1, 0, 5, "stray")
    rag.vectors.upsert(
        coll.chroma_name, [stray], [[0.1] * 384], {stray.doc_id: ("ghost.pdf", "/nowhere")}
    )
    doc = rag.documents("sweep")[0]
    rag.manifest.mark_deleting(coll, doc.id)  # as if killed in the middle of a removal
    rag.close()
    with RagService(rag.paths, rag.settings, embedders=embedders) as again:
        assert again.collection("sweep").documents == 0
        assert again.vectors.all_ids(coll.chroma_name) == []
        assert again.manifest.documents(coll, ("ready", "indexing", "deleting")) == []


def test_rrf_fusion_rewards_agreement() -> None:
    fused = rrf_fuse([["a", "b", "c"], ["c", "a", "d"]])
    assert max(fused, key=fused.__getitem__) == "a"
    assert fused["c"] > fused["b"] > fused["d"] or fused["c"] > fused["d"]
    assert fused["a"] == pytest.approx(1 / 61 + 1 / 62)


def test_shared_pdfs_folder_indexes_with_page_citations(
    rag: RagService, shared_pdfs: Path, tmp_path: Path
) -> None:
    small = tmp_path / "papers"
    small.mkdir()
    shutil.copy(shared_pdfs / "naacl2018-literature-graph_N18-3011.pdf", small)
    (small / "broken.pdf").write_bytes(
        (shared_pdfs / "acl2020-specter_2020.acl-main.207.pdf").read_bytes()[:20000]
    )
    write_pdf(small / "empty.pdf", [])
    report = rag.add_sync("papers", [small])
    assert [Path(p).name for p in report.added] == ["naacl2018-literature-graph_N18-3011.pdf"]
    assert sorted(Path(f.path).name for f in report.failed) == ["broken.pdf", "empty.pdf"]
    hits = rag.search("papers", "literature graph entity linking", k=3)
    assert hits and all(1 <= h.page <= 8 for h in hits)
    assert rag.documents("papers")[0].pages == 8


def test_missing_reranker_is_skipped_unless_required(
    hearth_home: Path, report_pdf: Path, embedders: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.core.errors import EmbeddingModelError, RagError
    from app.core.paths import default_paths
    from app.core.settings import RagSettings

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(hearth_home / "hf"))
    settings = RagSettings(
        chunk_tokens=128, chunk_overlap=16, reranker_model="hearth-tests/no-reranker"
    )
    with RagService(default_paths(), settings, embedders=embedders) as rag:
        rag.add_sync("r", [report_pdf])
        hits = rag.search("r", "solar roof cost", k=2)  # auto: falls back to no reranking
        assert hits[0].page == 3 and hits[0].rerank_score is None
        with pytest.raises(EmbeddingModelError):
            rag.search("r", "solar roof cost", k=2, rerank=True)
    with (
        RagService(default_paths(), RagSettings(), embedders=embedders) as rag,
        pytest.raises(RagError),
    ):
        rag.search("r", "solar roof cost", rerank=True)
