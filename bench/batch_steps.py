"""What batching can give on this machine: the cost of one ``llama_decode`` step for N
sequences against a step for one, inside Hearth's engine.

    .venv/bin/python bench/batch_steps.py [--model PATH] [--parallel 4] [--rounds 3]

For one generation alone and for ``--parallel`` generations submitted together (64 tokens
each, EOS banned), every ``llama_decode`` call is timed. Reported per round: aggregate
tok/s, the median time of a decode step with one token per sequence, and the share of the
wall time spent outside ``llama_decode`` (sampling, text, events: the engine's own cost).
If a step for four costs about four times a step for one, the CPU is compute-bound and
batching cannot multiply the aggregate rate however the server schedules requests.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--model", type=Path, help="GGUF (default: the cached bench model)")
    ap.add_argument("--parallel", type=int, default=4)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--threads", type=int, default=None)
    args = ap.parse_args()
    if args.model is None:
        from engine import bench_model

        args.model = bench_model()

    from app.engine import runs
    from app.engine.service import InferenceService
    from app.engine.types import ChatMessage, GenerationRequest, LoadOptions, SamplingParams

    steps: list[tuple[int, float]] = []
    decode = runs.TokenBatch.decode

    def timed(self: runs.TokenBatch, ctx: object) -> int:
        t0 = time.perf_counter()
        rc = decode(self, ctx)
        steps.append((self.n, time.perf_counter() - t0))
        return rc

    runs.TokenBatch.decode = timed  # type: ignore[method-assign]

    def req(i: int, n: int = 64) -> GenerationRequest:
        return GenerationRequest(
            messages=(ChatMessage("user", f"({i}) Write a long story about a lighthouse."),),
            sampling=SamplingParams(temperature=0.7, seed=i),
            max_tokens=n,
            ignore_eos=True,
        )

    p = args.parallel
    with InferenceService() as svc:
        opts = LoadOptions(path=args.model, n_ctx=2048, n_parallel=p, n_threads=args.threads)
        svc.load(opts).result()
        svc.generate(req(999, 8))  # warm-up
        ratios = []
        for rnd in range(args.rounds):
            step_ms = {}
            for n in (1, p):
                svc.call(lambda b: b._clear_cache()).result()
                gate, held = threading.Event(), threading.Event()
                svc.call(lambda _b, g=gate, h=held: (h.set(), g.wait(60)))
                held.wait(10)
                handles = [svc.submit(req(100 * rnd + i)) for i in range(n)]
                steps.clear()
                t0 = time.perf_counter()
                gate.set()
                for h in handles:
                    h.result(300)
                wall = time.perf_counter() - t0
                one_token_each = [d for k, d in steps if k == n]
                step_ms[n] = 1000 * statistics.median(one_token_each)
                outside = 1 - sum(d for _, d in steps) / wall
                print(
                    f"round {rnd + 1}  {n} sequence(s): {64 * n / wall:6.1f} tok/s, "
                    f"step {step_ms[n]:5.1f} ms, outside llama_decode {100 * outside:4.1f} %"
                )
            ratios.append(step_ms[p] / step_ms[1])
        print(
            f"\na step for {p} sequences costs {statistics.median(ratios):.2f}x a step for one "
            f"(median of {args.rounds} rounds; {p:.0f}x would mean batching gains nothing)"
        )


if __name__ == "__main__":
    main()
