"""End-to-end ingestion speed (read, chunk, embed, store) on a folder of PDFs.

    .venv/bin/python bench/ingest.py --pdfs ../shared/data/pdfs --json
    .venv/bin/python bench/ingest.py --pdfs ../shared/data/pdfs/long/irs-irm-2.3.59_400p.pdf

Each file is indexed into a fresh collection (default settings) in a temporary data
folder; prints pages/s and chunks/s per file and in total, with the seconds spent per stage
(read: hashing + pypdf text extraction, chunk: tokenize + split, embed: the model, store:
Chroma + SQLite) and the 1-minute load average before and after (the figure is only
comparable on an idle machine). Anchor: the 400-page manual in under 60 s on a 2-core
laptop CPU.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--pdfs", type=Path, required=True, help="A PDF or a folder (searched recursively)."
    )
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    files = sorted(args.pdfs.rglob("*.pdf")) if args.pdfs.is_dir() else [args.pdfs]
    load0 = round(os.getloadavg()[0], 2)

    with tempfile.TemporaryDirectory(prefix="hearth-ingest-") as home:
        os.environ["HEARTH_HOME"] = home
        from app.core.paths import default_paths
        from app.rag.service import RagService

        rows: list[dict[str, Any]] = []
        with RagService(default_paths()) as rag:
            t0 = time.perf_counter()
            rag.embedder(rag.settings.embedding_model).model  # noqa: B018 - load time is not ingestion time
            load_s = time.perf_counter() - t0
            import torch

            torch_threads = torch.get_num_threads()
            for i, f in enumerate(files):
                name = f"c{i}"
                t1 = time.perf_counter()
                rep = rag.add_sync(name, [f])
                s = time.perf_counter() - t1
                rows.append(
                    {
                        "file": f.name,
                        "pages": rep.pages,
                        "chunks": rep.chunks,
                        "seconds": round(s, 2),
                        "pages_per_s": round(rep.pages / s, 2),
                        "chunks_per_s": round(rep.chunks / s, 2),
                        "stage_s": {k: round(v, 2) for k, v in rep.stage_s.items()},
                        "failed": [x.reason for x in rep.failed],
                    }
                )
                if not args.json:
                    print(_line(rows[-1]), file=sys.stderr, flush=True)
    pages = sum(r["pages"] for r in rows)
    chunks = sum(r["chunks"] for r in rows)
    secs = sum(r["seconds"] for r in rows)
    stages: dict[str, float] = {}
    for r in rows:
        for k, v in r["stage_s"].items():
            stages[k] = round(stages.get(k, 0.0) + v, 2)
    out = {
        "files": rows,
        "pages": pages,
        "chunks": chunks,
        "seconds": round(secs, 1),
        "pages_per_s": round(pages / secs, 2) if secs else None,
        "chunks_per_s": round(chunks / secs, 2) if secs else None,
        "stage_s": stages,
        "embed_chunks_per_s": round(chunks / stages["embed"], 2) if stages.get("embed") else None,
        "model_load_s": round(load_s, 1),
        "cpu_count": os.cpu_count(),
        "torch_threads": torch_threads,
        "load_avg_1m": [load0, round(os.getloadavg()[0], 2)],
        "anchor": "400-page manual < 60 s on a 2-core CPU",
    }
    if args.json:
        print(json.dumps(out))
        return
    print(json.dumps(out, indent=2))
    if len(rows) > 1:
        print(_line({**out, "file": f"all {len(rows)} files"}), file=sys.stderr)
    print(
        f"load average (1 min) before/after: {out['load_avg_1m']}, {out['cpu_count']} CPUs, "
        f"torch threads {torch_threads}",
        file=sys.stderr,
    )


def _line(r: dict[str, Any]) -> str:
    """One readable line: totals, then where the seconds went."""
    st = r["stage_s"]
    other = r["seconds"] - sum(st.values())
    embed = st.get("embed", 0.0)
    rate = f" ({r['chunks'] / embed:.1f} chunks/s)" if embed else ""
    return (
        f"{r['file']}: {r['pages']} pages, {r['chunks']} chunks in {r['seconds']:.1f} s "
        f"({r['pages_per_s']} pages/s, {r['chunks_per_s']} chunks/s) = read {st.get('read', 0):.1f}"
        f" + chunk {st.get('chunk', 0):.1f} + embed {embed:.1f}{rate} + store "
        f"{st.get('store', 0):.1f} + other {other:.1f} s"
    )


if __name__ == "__main__":
    main()
