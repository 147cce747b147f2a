"""A real process killed (SIGKILL) in the middle of indexing: no orphan, no duplicate, and
the next run resumes without embedding the stored chunks again."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from app.rag.service import RagService

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_kill_mid_indexing_then_resume(hearth_home: Path, tmp_path: Path, embedders: dict) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    for i in range(10):
        body = " ".join(
            f"Section {i}.{j}: shipment {i * 100 + j} left dock {j} on time." for j in range(60)
        )
        (folder / f"log-{i:02d}.txt").write_text(body)

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.rag.ingest_child", str(hearth_home), str(folder)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    killed_at = None
    assert child.stdout is not None
    try:
        for line in child.stdout:
            parts = line.split()
            if parts and parts[0] == "progress" and int(parts[1]) >= 32:
                os.kill(child.pid, signal.SIGKILL)
                killed_at = int(parts[1])
                break
            assert parts[0] != "finished", "indexing ended before the kill"
    finally:
        child.kill()
        child.wait(60)
    assert killed_at is not None and child.returncode == -signal.SIGKILL

    from app.core.paths import default_paths
    from app.core.settings import RagSettings

    with RagService(
        default_paths(), RagSettings(chunk_tokens=128, chunk_overlap=16), embedders=embedders
    ) as rag:
        info = rag.collection("crash")  # opening runs recovery
        coll = rag.manifest.collection("crash")
        ids = rag.vectors.all_ids(coll.chroma_name)
        states = rag.manifest.states(coll)
        assert len(ids) == len(set(ids))
        assert {i.split(":")[0] for i in ids} <= set(states), "orphan vectors"
        ready = {d.id: d.chunks for d in rag.manifest.documents(coll)}
        for doc_id, n in ready.items():  # ready documents are complete in both stores
            assert sum(1 for i in ids if i.startswith(doc_id)) == n
        assert rag.manifest.keyword_count(coll) == sum(ready.values()) == info.chunks
        stored_for_pending = len(ids) - sum(ready.values())
        assert info.pending >= 1 and info.documents < 10

        report = rag.add_sync("crash", [folder])
        assert report.resumed_chunks == stored_for_pending
        assert len(report.unchanged) == len(ready)
        assert len(report.added) == 10 - len(ready)
        final = rag.collection("crash")
        ids = rag.vectors.all_ids(coll.chroma_name)
        assert final.documents == 10 and final.pending == 0
        assert len(ids) == len(set(ids)) == final.chunks == rag.manifest.keyword_count(coll)
        assert (
            rag.search("crash", "shipment 512 left dock 12", k=1, mode="keyword")[0].document
            == "log-05.txt"
        )
