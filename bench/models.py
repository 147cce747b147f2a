"""Models benchmark: library scan cold vs warm, and download throughput vs huggingface_hub.

    .venv/bin/python bench/models.py [--files 200] [--mb 200] [--rounds 3] [--json out.json]

1. Library scan: ``--files`` small GGUFs in one folder. Cold = first scan (every header
   read); warm = rescan of unchanged files (stat only). Target: warm <= 0.25x cold.
2. Download: a ``--mb`` MB GGUF served by the local fake Hub (tests/fixtures/fake_hub.py)
   on 127.0.0.1, fetched by Hearth's DownloadManager (Range-resumable, sha256 hashed while
   streaming, verified, moved atomically, registered in the library) and by a plain
   ``huggingface_hub.hf_hub_download`` (no hash check) into a fresh cache. Rounds are
   interleaved; medians reported. Target: Hearth >= 0.9x hf_hub_download.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fixtures.fake_hub import FakeHub  # noqa: E402
from tests.fixtures.tiny_gguf import TinySpec, build_llama_gguf  # noqa: E402


def bench_scan(n_files: int, rounds: int) -> dict[str, Any]:
    from app.core.paths import DataPaths
    from app.models.library import ModelLibrary

    cold: list[float] = []
    warm: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        src = build_llama_gguf(root / "src.gguf", TinySpec(n_vocab=8000))
        data = src.read_bytes()
        folder = root / "models"
        folder.mkdir()
        for i in range(n_files):
            (folder / f"model-{i:04d}-Q4_K_M.gguf").write_bytes(data)
        for r in range(rounds):
            home = root / f"home{r}"
            lib = ModelLibrary(DataPaths(home, home / "cache"), [folder], include_hf_cache=False)
            t0 = time.perf_counter()
            first = lib.scan()
            cold.append(time.perf_counter() - t0)
            assert first.headers_read == n_files
            t0 = time.perf_counter()
            again = lib.scan()
            warm.append(time.perf_counter() - t0)
            assert again.headers_read == 0
    c, w = statistics.median(cold), statistics.median(warm)
    return {
        "files": n_files,
        "file_bytes": len(data),
        "cold_s": c,
        "warm_s": w,
        "warm_over_cold": w / c,
    }


def bench_download(mb: int, rounds: int) -> dict[str, Any]:
    from huggingface_hub import hf_hub_download

    from app.core.paths import DataPaths
    from app.models.downloads import DownloadManager
    from app.models.hub import HubClient
    from app.models.library import ModelLibrary

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        src = build_llama_gguf(root / "src.gguf", TinySpec())
        payload = src.read_bytes()
        payload += b"\0" * (mb * 1_000_000 - len(payload))
        hearth_t: list[float] = []
        hf_t: list[float] = []
        with FakeHub() as hub:
            hub.add_repo("bench/Big-GGUF", {"Big-Q4_K_M.gguf": payload})
            client = HubClient(endpoint=hub.endpoint)
            for r in range(rounds):
                home = root / f"home{r}"
                paths = DataPaths(home, home / "cache").ensure()
                lib = ModelLibrary(paths, include_hf_cache=False)
                manager = DownloadManager(paths, lib, client, keep_free_bytes=0)
                plan = manager.plan("bench/Big-GGUF", quant="Q4_K_M")
                t0 = time.perf_counter()
                done = manager.wait(manager.enqueue(plan))
                hearth_t.append(time.perf_counter() - t0)
                assert done.entry is not None, done.error
                shutil.rmtree(home)

                cache = root / f"hf{r}"
                t0 = time.perf_counter()
                hf_hub_download(
                    "bench/Big-GGUF", "Big-Q4_K_M.gguf", cache_dir=cache, endpoint=hub.endpoint
                )
                hf_t.append(time.perf_counter() - t0)
                shutil.rmtree(cache)
    h, f = statistics.median(hearth_t), statistics.median(hf_t)
    return {
        "megabytes": mb,
        "hearth_s": h,
        "hf_hub_download_s": f,
        "hearth_MBps": mb / h,
        "hf_hub_download_MBps": mb / f,
        "hearth_over_hf_throughput": f / h,
    }


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--files", type=int, default=200)
    ap.add_argument("--mb", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    scan = bench_scan(args.files, args.rounds)
    print(
        f"library scan, {scan['files']} GGUFs ({scan['file_bytes'] / 1e6:.1f} MB each): "
        f"cold {scan['cold_s'] * 1000:.0f} ms, warm {scan['warm_s'] * 1000:.1f} ms "
        f"-> warm/cold {scan['warm_over_cold']:.3f}x (target <= 0.25x)"
    )
    dl = bench_download(args.mb, args.rounds)
    print(
        f"download {dl['megabytes']} MB from the local fake Hub: Hearth {dl['hearth_MBps']:.0f} MB/s "
        f"(sha256 verified), hf_hub_download {dl['hf_hub_download_MBps']:.0f} MB/s "
        f"-> {dl['hearth_over_hf_throughput']:.2f}x (target >= 0.9x)"
    )
    if args.json:
        args.json.write_text(json.dumps({"scan": scan, "download": dl}, indent=2))


if __name__ == "__main__":
    main()
