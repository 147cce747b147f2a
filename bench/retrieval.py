"""Retrieval quality on a BEIR-format folder, through Hearth's own ingestion and retrieval.

    .venv/bin/python bench/retrieval.py --data ../shared/data/scifact --mode hybrid --json
    .venv/bin/python bench/retrieval.py --data ../shared/data/scifact --mode all

Each corpus document becomes a text file (title, blank line, text) that ``RagService.add``
indexes like any user file; a document's score is its best chunk's score. The index lives in
``--home`` (default: a folder in the system temp dir named after the data set), so a second
run, or a run for another mode, reuses it: ingestion is incremental.

Prints ``{"ndcg@10", "recall@100", "docs_per_s", ...}`` and the published anchors:
BM25 0.665 (BEIR), 0.679 (Pyserini), 0.687 (bm25s); all-MiniLM-L6-v2 dense 0.645 (MTEB).
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ANCHORS = {"bm25_beir": 0.665, "bm25_pyserini": 0.679, "bm25s": 0.687, "minilm_dense_mteb": 0.645}


def ndcg_at(ranked: list[str], rel: dict[str, int], k: int = 10) -> float:
    dcg = sum(rel.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    ideal = sorted(rel.values(), reverse=True)[:k]
    idcg = sum(r / math.log2(i + 2) for i, r in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def recall_at(ranked: list[str], rel: dict[str, int], k: int = 100) -> float:
    wanted = {d for d, r in rel.items() if r > 0}
    return len(wanted & set(ranked[:k])) / len(wanted) if wanted else 0.0


def load_beir(data: Path) -> tuple[list[dict[str, str]], dict[str, str], dict[str, dict[str, int]]]:
    corpus = [json.loads(line) for line in (data / "corpus.jsonl").open(encoding="utf-8")]
    queries = {
        q["_id"]: q["text"]
        for q in map(json.loads, (data / "queries.jsonl").open(encoding="utf-8"))
    }
    qrels: dict[str, dict[str, int]] = {}
    with (data / "qrels" / "test.tsv").open(encoding="utf-8", newline="") as f:
        rows = csv.reader(f, delimiter="\t")
        next(rows)
        for row in rows:
            if len(row) >= 3:
                qrels.setdefault(row[0].strip(), {})[row[1].strip()] = int(row[2])
    return corpus, queries, qrels


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--mode", default="hybrid", choices=["dense", "keyword", "hybrid", "all"])
    ap.add_argument(
        "--home", type=Path, default=None, help="Hearth data folder holding the index (reused)."
    )
    ap.add_argument(
        "--chunk-overlap", type=int, default=0, help="Abstracts are short: no overlap by default."
    )
    ap.add_argument(
        "--limit", type=int, default=0, help="Only the first N corpus documents (quick checks)."
    )
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    corpus, queries, qrels = load_beir(args.data)
    if args.limit:
        corpus = corpus[: args.limit]
        keep = {d["_id"] for d in corpus}
        qrels = {q: {d: r for d, r in rel.items() if d in keep} for q, rel in qrels.items()}
        qrels = {q: rel for q, rel in qrels.items() if rel}
    home = (
        args.home
        or Path(tempfile.gettempdir()) / f"hearth-bench-{args.data.resolve().name}-{len(corpus)}"
    )
    os.environ["HEARTH_HOME"] = str(home)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    from app.core.paths import default_paths
    from app.rag.service import RagService

    files = home / "corpus-files"
    files.mkdir(parents=True, exist_ok=True)
    for d in corpus:
        f = files / f"{d['_id']}.txt"
        if not f.exists():
            f.write_text(f"{d.get('title', '')}\n\n{d.get('text', '')}", encoding="utf-8")

    out: dict[str, object] = {"data": str(args.data), "docs": len(corpus), "queries": len(qrels)}
    with RagService(default_paths()) as rag:
        rag.ensure_collection("bench", chunk_overlap=args.chunk_overlap)
        last = [0.0]

        def progress(p: object) -> None:
            now = time.perf_counter()
            if now - last[0] > 10 and not args.json:
                last[0] = now
                print(
                    f"  indexing {p.files_done}/{p.files_total} files, {p.rate:.1f} chunks/s, "  # type: ignore[attr-defined]
                    f"eta {p.eta_s or 0:.0f} s",
                    file=sys.stderr,
                    flush=True,
                )  # type: ignore[attr-defined]

        t0 = time.perf_counter()
        report = rag.add_sync("bench", [files], progress)
        ingest_s = time.perf_counter() - t0
        info = rag.collection("bench")
        newly = len(report.added) + len(report.replaced)
        out["ingest"] = {
            "new_docs": newly,
            "unchanged_docs": len(report.unchanged),
            "chunks": info.chunks,
            "seconds": round(ingest_s, 1),
            "failed": len(report.failed),
        }
        out["docs_per_s"] = round(newly / ingest_s, 2) if newly else None
        out["chunks_per_s"] = round(report.chunks / ingest_s, 2) if report.chunks else None
        modes = ["dense", "keyword", "hybrid"] if args.mode == "all" else [args.mode]
        results = {}
        for mode in modes:
            t1 = time.perf_counter()
            nd, rc = [], []
            for qid, rel in qrels.items():
                hits = rag.search("bench", queries[qid], k=100, mode=mode)
                ranked: list[str] = []
                for h in hits:  # best chunk per document
                    doc = h.document.removesuffix(".txt")
                    if doc not in ranked:
                        ranked.append(doc)
                nd.append(ndcg_at(ranked, rel))
                rc.append(recall_at(ranked, rel))
            results[mode] = {
                "ndcg@10": round(sum(nd) / len(nd), 4),
                "recall@100": round(sum(rc) / len(rc), 4),
                "query_ms": round((time.perf_counter() - t1) / len(qrels) * 1000, 1),
            }
    if len(modes) == 1:
        out.update(results[modes[0]])
        out["mode"] = modes[0]
    else:
        out["modes"] = results
    out["anchors"] = ANCHORS
    print(json.dumps(out, indent=None if args.json else 2))


if __name__ == "__main__":
    main()
