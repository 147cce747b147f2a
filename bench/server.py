"""Server benchmark: Hearth's API server against llama-cpp-python's bundled server.

    .venv/bin/python bench/server.py [--model PATH] [--gen 64] [--threads N] [--json out.json]
    .venv/bin/python bench/server.py --soak 60          (50 clients for 60 s against Hearth)

Same model file, same threads and context, one server at a time on 127.0.0.1 (each in
its own process, so client and server do not share a GIL):

  * engine     Hearth's InferenceService alone (the ``hearth bench`` decode rate)
  * hearth     ``python -m app serve MODEL --no-auth`` (generations batched, 4 slots)
  * llama-cpp  ``python -m llama_cpp.server --interrupt_requests False``, given the same
               threads as Hearth
  * llama-cpp-defaults  the same, with its own default threads (what a user who starts it
               without tuning gets: half the CPU's cores for generation)

llama-cpp-python's server gets the OpenMP environment a user has (``--anchor-omp user``,
the default): Hearth's spin settings (see app/__init__.py) are taken out of its
environment. ``--anchor-omp hearth`` gives it Hearth's settings instead, to separate what
they are worth from what batching is worth.

For 1 client and for 4 concurrent streaming clients (chat completions, EOS banned so every
reply is ``--gen`` tokens; the 4 prompts once with a common start, as clients that send the
same instructions, and once with nothing in common): aggregate completion tok/s, median/max TTFT, the single
client's streamed decode rate, and errors. Targets (issue #4): one client streams at
>= 0.9x the engine's own decode rate; Hearth's aggregate >= 2x llama-cpp's in both cases.

The model defaults to the ~300 MB random-weight Q4_K_M llama that ``bench/engine.py``
builds and caches in bench/.cache/.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
USER_ENV = frozenset(os.environ)  # before anything imports app (which sets OpenMP defaults)
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

PY = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable
PROMPT = "Write a long story about a lighthouse keeper and the sea."
CASES = {  # key in the results: what it measures
    "1": "1 client",
    "4": "4 clients, prompts with a common start",
    "4x": "4 clients, prompts with nothing in common",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def eog_tokens(model: Path) -> list[int]:
    """Every token llama.cpp ends a generation on (the GGUF's EOS/EOT ids and the ones it
    recognises by their text, such as ``</s>``), so that banning them makes every reply
    ``--gen`` tokens long."""
    import llama_cpp as L

    params = L.llama_model_default_params()
    params.vocab_only = True
    m = L.llama_model_load_from_file(str(model).encode(), params)
    if not m:
        raise RuntimeError(f"cannot read the vocabulary of {model}")
    try:
        vocab = L.llama_model_get_vocab(m)
        return [t for t in range(L.llama_vocab_n_tokens(vocab)) if L.llama_vocab_is_eog(vocab, t)]
    finally:
        L.llama_model_free(m)


def engine_rate(model: Path, threads: int, n_ctx: int, n_gen: int) -> dict[str, Any]:
    from app.engine.bench import run_bench
    from app.engine.service import InferenceService
    from app.engine.types import LoadOptions

    with InferenceService() as svc:
        svc.load(LoadOptions(path=model, n_ctx=n_ctx, n_threads=threads)).result()
        run_bench(svc, n_prompt=16, n_gen=8)  # warm-up, as the servers get
        runs = [run_bench(svc, n_prompt=64, n_gen=n_gen) for _ in range(3)]
    return {"decode_tok_s": statistics.median(r["decode_tok_s"] for r in runs)}


class Server:
    def __init__(
        self, kind: str, model: Path, threads: int, n_ctx: int, anchor_omp: str = "user"
    ) -> None:
        self.kind = kind
        self.port = free_port()
        self.home = tempfile.mkdtemp(prefix="hearth-bench-")
        if kind == "hearth":
            cmd = [
                PY,
                "-m",
                "app",
                "serve",
                str(model),
                "--no-auth",
                "--port",
                str(self.port),
                "--threads",
                str(threads),
                "--ctx",
                str(n_ctx),
                "--max-queue",
                "64",
            ]
        else:
            same_threads = ["--n_threads", str(threads), "--n_threads_batch", str(threads)]
            cmd = [
                PY,
                "-m",
                "llama_cpp.server",
                "--model",
                str(model),
                "--port",
                str(self.port),
                *(same_threads if kind == "llama-cpp" else []),
                "--n_ctx",
                str(n_ctx),
                "--interrupt_requests",
                "False",
                "--verbose",
                "False",
            ]
        env = {**os.environ, "HEARTH_HOME": self.home}
        if kind != "hearth" and anchor_omp == "user":
            # llama-cpp-python's server runs as a user starts it: without the OpenMP
            # settings that `import app` put into this process's environment
            from app import OPENMP_DEFAULTS

            for var in OPENMP_DEFAULTS:
                if var not in USER_ENV:
                    env.pop(var, None)
        self.proc = subprocess.Popen(
            cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT
        )
        self.url = f"http://127.0.0.1:{self.port}"

    def wait_ready(self, timeout: float = 180) -> None:
        import httpx

        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                err = (
                    self.proc.stderr.read().decode(errors="replace")[-2000:]
                    if self.proc.stderr
                    else ""
                )
                raise RuntimeError(f"{self.kind} server exited: {err}")
            try:
                if httpx.get(self.url + "/v1/models", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"{self.kind} server did not start")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()


async def one_stream(
    client: Any,
    url: str,
    model: str,
    n_gen: int,
    bias: dict[str, float],
    i: int,
    distinct: bool = False,
) -> dict[str, Any]:
    # the same request with a number at the end (clients sharing instructions), or at the
    # start (prompts that share nothing past the chat template's first tokens)
    content = f"({i}) {PROMPT}" if distinct else f"{PROMPT} ({i})"
    body = {
        "model": model,
        "messages": [{"role": "user", "content": content}],
        "max_tokens": n_gen,
        "temperature": 0.7,
        "seed": i,
        "logit_bias": bias,
        "stream": True,
    }
    t0 = time.perf_counter()
    first = last = 0.0
    chunks = 0
    finish = None
    async with client.stream("POST", url + "/v1/chat/completions", json=body) as r:
        if r.status_code != 200:
            return {"error": f"HTTP {r.status_code}"}
        async for line in r.aiter_lines():
            if not line.startswith("data: ") or line == "data: [DONE]":
                continue
            data = json.loads(line[6:])
            if "error" in data:
                return {"error": str(data["error"])[:200]}
            for ch in data.get("choices", []):
                if ch["delta"].get("content"):
                    last = time.perf_counter()
                    first = first or last
                    chunks += 1
                finish = ch.get("finish_reason") or finish
    return {
        "ttft": first - t0,
        "decode_s": last - first,
        "chunks": chunks,
        "finish": finish,
        "end": last,
    }


async def run_clients(
    url: str, model: str, n: int, n_gen: int, bias: dict[str, float], distinct: bool = False
) -> dict[str, Any]:
    import httpx

    async with httpx.AsyncClient(timeout=600) as client:
        t0 = time.perf_counter()
        results = await asyncio.gather(
            *(one_stream(client, url, model, n_gen, bias, i, distinct) for i in range(n))
        )
        wall = time.perf_counter() - t0
    ok = [r for r in results if "error" not in r]
    errors = [r["error"] for r in results if "error" in r]
    tokens = n_gen * sum(
        1 for r in ok if r["finish"] == "length"
    )  # EOS is banned: every full reply is n_gen
    ttfts = [r["ttft"] for r in ok]
    out: dict[str, Any] = {
        "clients": n,
        "aggregate_tok_s": round(tokens / wall, 2) if wall else 0.0,
        "ttft_median_s": round(statistics.median(ttfts), 3) if ttfts else None,
        "ttft_max_s": round(max(ttfts), 3) if ttfts else None,
        "complete": sum(1 for r in ok if r["finish"] == "length"),
        "incomplete": [
            f"finish={r['finish']} after {r['chunks']} chunks"
            for r in ok
            if r["finish"] != "length"
        ],
        "errors": errors,
        "wall_s": round(wall, 2),
    }
    if n == 1 and ok and ok[0]["decode_s"] > 0:
        out["stream_decode_tok_s"] = round((n_gen - 1) / ok[0]["decode_s"], 2)
    return out


def _median_run(rs: list[dict[str, Any]]) -> dict[str, Any]:
    """Per-field medians of several rounds (errors concatenated)."""
    out: dict[str, Any] = {
        "clients": rs[0]["clients"],
        "errors": [e for r in rs for e in r["errors"]],
        "incomplete": [e for r in rs for e in r["incomplete"]],
    }
    for key in (
        "aggregate_tok_s",
        "ttft_median_s",
        "ttft_max_s",
        "wall_s",
        "stream_decode_tok_s",
        "complete",
    ):
        vals = [r[key] for r in rs if r.get(key) is not None]
        if vals:
            out[key] = round(statistics.median(vals), 3)
    out["complete"] = int(min(r["complete"] for r in rs))
    return out


def bench_server(
    kind: str, model: Path, args: argparse.Namespace, bias: dict[str, float]
) -> dict[str, Any]:
    srv = Server(kind, model, args.threads, args.ctx, args.anchor_omp)
    try:
        srv.wait_ready()
        name = model.stem if kind == "hearth" else str(model)
        asyncio.run(run_clients(srv.url, name, 1, 8, bias))  # warm-up
        # one client three times (medians, as for the engine's rate), then four at once
        singles = [asyncio.run(run_clients(srv.url, name, 1, args.gen, bias)) for _ in range(3)]
        return {
            "1": _median_run(singles),
            "4": asyncio.run(run_clients(srv.url, name, 4, args.gen, bias)),
            "4x": asyncio.run(run_clients(srv.url, name, 4, args.gen, bias, distinct=True)),
        }
    finally:
        srv.stop()


async def soak(url: str, model: str, seconds: float, clients: int) -> dict[str, Any]:
    import httpx

    statuses: dict[str, int] = {}
    end = time.monotonic() + seconds

    async def worker(i: int) -> None:
        async with httpx.AsyncClient(timeout=120) as c:
            while time.monotonic() < end:
                stream = i % 2 == 0
                body = {
                    "model": model,
                    "messages": [{"role": "user", "content": f"hi {i}"}],
                    "max_tokens": 8,
                    "stream": stream,
                }
                try:
                    r = await c.post(url + "/v1/chat/completions", json=body)
                    key = str(r.status_code)
                    if r.status_code in (429, 503):
                        await asyncio.sleep(min(float(r.headers.get("retry-after", "1")), 2.0))
                except httpx.HTTPError as exc:
                    key = type(exc).__name__
                statuses[key] = statuses.get(key, 0) + 1

    await asyncio.gather(*(worker(i) for i in range(clients)))
    return statuses


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--model", type=Path, help="GGUF to serve (default: the cached bench model)")
    ap.add_argument("--gen", type=int, default=64, help="tokens per reply")
    ap.add_argument("--ctx", type=int, default=2048)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    ap.add_argument(
        "--soak", type=float, default=0.0, help="instead: N seconds of 50 clients against Hearth"
    )
    ap.add_argument(
        "--rounds", type=int, default=2, help="interleaved rounds (medians are reported)"
    )
    ap.add_argument("--json", type=Path, help="also write the results here")
    ap.add_argument(
        "--anchor-omp",
        choices=("user", "hearth"),
        default="user",
        help="OpenMP settings for llama-cpp-python's server: the user's environment as it "
        "is (default), or the spin settings Hearth uses (app.OPENMP_DEFAULTS)",
    )
    args = ap.parse_args()
    if args.model is None:
        from engine import bench_model  # bench/engine.py builds and caches it

        args.model = bench_model()
    bias = {str(t): -100.0 for t in eog_tokens(args.model)}
    if args.soak:
        srv = Server("hearth", args.model, args.threads, args.ctx)
        try:
            srv.wait_ready()
            statuses = asyncio.run(soak(srv.url, args.model.stem, args.soak, 50))
            alive = srv.proc.poll() is None
        finally:
            srv.stop()
        bad = {k: v for k, v in statuses.items() if k not in ("200", "429", "503")}
        print(
            f"soak {args.soak:.0f}s x 50 clients: {statuses}; server alive: {alive}; unexpected: {bad or 'none'}"
        )
        return
    print(
        f"model {args.model.name}, {args.threads} threads, ctx {args.ctx}, {args.gen} tokens per reply"
    )
    # rounds interleave engine, hearth, llama-cpp so background load hits all alike; medians reported
    engine_runs: list[float] = []
    kinds = ("hearth", "llama-cpp", "llama-cpp-defaults")
    runs: dict[str, list[dict[str, Any]]] = {k: [] for k in kinds}
    for r in range(args.rounds):
        engine_runs.append(
            engine_rate(args.model, args.threads, args.ctx, args.gen)["decode_tok_s"]
        )
        for kind in kinds[r % 3 :] + kinds[: r % 3]:  # rotate who goes first
            runs[kind].append(bench_server(kind, args.model, args, bias))
        print(f"round {r + 1}/{args.rounds} done", file=sys.stderr)
    results: dict[str, Any] = {
        "engine": {"decode_tok_s": statistics.median(engine_runs)},
        "rounds": args.rounds,
    }
    for kind, rs in runs.items():
        results[kind] = {n: _median_run([x[n] for x in rs]) for n in CASES}
    eng = results["engine"]["decode_tok_s"]
    h = results["hearth"]
    print(f"\nengine decode rate (hearth bench): {eng:.2f} tok/s")
    print(
        f"{'':20}{'clients':>8}{'agg tok/s':>11}{'ttft med':>10}{'ttft max':>10}{'complete':>10}{'errors':>8}"
    )
    for kind in kinds:
        for n in CASES:
            r = results[kind][n]
            print(
                f"{kind:20}{n:>8}{r['aggregate_tok_s']:>11.2f}{r['ttft_median_s'] or 0:>10.3f}"
                f"{r['ttft_max_s'] or 0:>10.3f}{r['complete']:>7}/{n[0]:<2}{len(r['errors']):>8}"
            )
    single = h["1"].get("stream_decode_tok_s", 0.0)
    ratios: dict[str, float | None] = {
        "hearth_stream_vs_engine": round(single / eng, 3) if eng else None
    }
    for anchor in kinds[1:]:
        for n in CASES:
            base = results[anchor][n]["aggregate_tok_s"]
            ratios[f"hearth_vs_{anchor}_{n}"] = (
                round(h[n]["aggregate_tok_s"] / base, 3) if base else None
            )
    results["ratios"] = ratios
    print(
        f"\nHearth streamed decode vs engine: {ratios['hearth_stream_vs_engine']}x (target >= 0.9)"
    )
    for anchor in kinds[1:]:
        for n in CASES:
            print(
                f"Hearth vs {anchor}, {CASES[n]}: {ratios[f'hearth_vs_{anchor}_{n}']}x"
                + (" (target >= 2)" if n != "4x" else "")
            )
    for kind in kinds:
        for n in CASES:
            if results[kind][n]["errors"]:
                print(f"{kind} {n} client(s) errors: {results[kind][n]['errors'][:3]}")
            if results[kind][n]["incomplete"]:
                print(f"{kind} {n} client(s) incomplete: {results[kind][n]['incomplete'][:3]}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
