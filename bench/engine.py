"""Engine benchmark: Hearth's engine against llama-cpp-python's own paths, side by side.

    make bench              (or: .venv/bin/python bench/engine.py [--rounds 3] [--json out.json])

In one process, on a ~300 MB Q4_K_M random-weight llama model that this script builds
and caches (bench/.cache/), with the same threads, batch and attention settings:

  * hearth      Hearth's InferenceService (chat path: template, stop handling, events)
  * high-level  llama_cpp.Llama.create_completion(stream=True)
  * low-level   a minimal llama_decode + native sampler-chain loop

Rounds are interleaved (A, B, C, A, B, C, ...), rotating who goes first, and each ratio is
the median of the per-round ratios, so drifting background load affects all three alike.
The contenders are built afresh in every epoch, in a rotated order: where a model's
buffers land in memory moves one instance's speed by a few percent, and rebuilding
spreads that over all three instead of pinning it on one. Then: TTFT at turn 10 vs turn 1
of a conversation (prefix reuse; the median over several conversations),
and the memory-fit estimate against measured resident-memory growth at 2k and 8k context
(each in a fresh subprocess). Targets (issue #2): decode >= 1.0x high-level and >= 0.95x
low-level; prefill >= 0.97x; TTFT turn 10 <= 1.2x turn 1; fit error <= 10%.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import app  # noqa: E402, F401  (sets the OpenMP spin limit for every contender alike)
from tests.fixtures.tiny_gguf import TinySpec, build_llama_gguf, quantize  # noqa: E402

CACHE = ROOT / "bench" / ".cache"
SPEC = TinySpec(
    n_embd=1024,
    n_layer=32,
    n_head=16,
    n_head_kv=4,
    n_ff=2816,
    ctx=8192,
    n_vocab=32000,
    seed=99,
    f16=True,
    name="Hearth Bench Llama",
)
N_PROMPT, N_GEN = 512, 96
# Hearth's "auto" on a CPU with an f16 KV cache: off (see LlamaBackend.load); every
# contender gets the same setting
FLASH_ATTN = False


def bench_model() -> Path:
    q = CACHE / "bench-llama-425M-Q4_K_M.gguf"
    if q.exists():
        return q
    CACHE.mkdir(parents=True, exist_ok=True)
    f16 = CACHE / "bench-llama-425M-F16.gguf"
    print("building the benchmark model (once)...", file=sys.stderr)
    build_llama_gguf(f16, SPEC)
    quantize(f16, q, "Q4_K_M")
    f16.unlink()
    return q


def prompt_tokens(model: Any, vocab: Any, n: int) -> list[int]:
    import random

    import llama_cpp as L

    rng = random.Random(0)
    words = "the quick brown fox jumps over a lazy dog while models answer questions about documents".split()
    text = " ".join(rng.choice(words) for _ in range(n * 2)).encode()
    buf = (L.llama_token * (n * 8))()
    L.llama_tokenize(vocab, text, len(text), buf, len(buf), True, False)
    return list(buf[:n])


# ----------------------------------------------------------------- the three contenders
class LowLevel:
    """llama.cpp's minimal loop: llama_decode + the native greedy sampler chain."""

    def __init__(self, path: Path, n_ctx: int, threads: int) -> None:
        import llama_cpp as L

        self.L = L
        mp = L.llama_model_default_params()
        self.model = L.llama_model_load_from_file(str(path).encode(), mp)
        cp = L.llama_context_default_params()
        cp.n_ctx, cp.n_batch, cp.n_ubatch = n_ctx, 512, 512
        cp.n_threads = cp.n_threads_batch = threads
        cp.flash_attn_type = (
            L.LLAMA_FLASH_ATTN_TYPE_ENABLED if FLASH_ATTN else L.LLAMA_FLASH_ATTN_TYPE_DISABLED
        )
        self.ctx = L.llama_init_from_model(self.model, cp)
        self.vocab = L.llama_model_get_vocab(self.model)

    def run(self, toks: list[int], n_gen: int) -> dict[str, float]:
        L = self.L
        L.llama_memory_clear(L.llama_get_memory(self.ctx), True)
        chain = L.llama_sampler_chain_init(L.llama_sampler_chain_default_params())
        L.llama_sampler_chain_add(chain, L.llama_sampler_init_greedy())
        t0 = time.perf_counter()
        for i in range(0, len(toks), 512):
            part = toks[i : i + 512]
            arr = (L.llama_token * len(part))(*part)
            L.llama_decode(self.ctx, L.llama_batch_get_one(arr, len(part)))
        t1 = time.perf_counter()
        one = (L.llama_token * 1)()
        t_first = 0.0
        for j in range(n_gen):
            tok = L.llama_sampler_sample(chain, self.ctx, -1)
            if j == 0:
                t_first = time.perf_counter()
            if j == n_gen - 1:
                break
            one[0] = tok
            L.llama_decode(self.ctx, L.llama_batch_get_one(one, 1))
        t2 = time.perf_counter()
        L.llama_sampler_free(chain)
        return {
            "prefill": len(toks) / (t1 - t0),
            "decode": (n_gen - 1) / (t2 - t_first),
            "ttft": t_first - t0,
        }


class HighLevel:
    def __init__(self, path: Path, n_ctx: int, threads: int, fa: bool) -> None:
        import llama_cpp

        self.llm = llama_cpp.Llama(
            str(path),
            n_ctx=n_ctx,
            n_threads=threads,
            n_threads_batch=threads,
            n_batch=512,
            flash_attn=fa,
            verbose=False,
        )

    def run(self, toks: list[int], n_gen: int) -> dict[str, float]:
        self.llm.reset()
        bias = {self.llm.token_eos(): -1e9}
        t0 = time.perf_counter()
        t_first = 0.0
        n = 0
        for _chunk in self.llm.create_completion(
            toks, max_tokens=n_gen, temperature=0.0, stream=True, logit_bias=bias, top_k=1
        ):
            n += 1
            if n == 1:
                t_first = time.perf_counter()
        t2 = time.perf_counter()
        return {
            "decode": (n - 1) / (t2 - t_first),
            "ttft": t_first - t0,
            "prefill": len(toks) / (t_first - t0),
        }


class Hearth:
    def __init__(self, path: Path, n_ctx: int, threads: int) -> None:
        from app.engine.service import InferenceService
        from app.engine.types import LoadOptions

        self.svc = InferenceService()
        self.svc.load(
            LoadOptions(path=path, n_ctx=n_ctx, n_threads=threads, check_memory=False)
        ).result()

    def run(self, toks: list[int], n_gen: int) -> dict[str, float]:
        from app.engine.types import GenerationRequest, SamplingParams

        text = self.svc.call(lambda b: b.detokenize(toks[1:])).result()
        self.svc.call(lambda b: b._clear_cache()).result()
        res = self.svc.generate(
            GenerationRequest(
                prompt=text,
                sampling=SamplingParams(temperature=0.0),
                max_tokens=n_gen,
                ignore_eos=True,
            )
        )
        s = res.stats
        return {
            "prefill": s.prefill_tok_s,
            "decode": s.decode_tok_s,
            "ttft": s.ttft_s,
            "n_prompt": s.prompt_tokens,
        }


def flash_attn_auto_is_on() -> bool:
    """What Hearth's "auto" picks on this CPU-only run (the high-level API takes a bool)."""
    return FLASH_ATTN


def compare(path: Path, rounds: int, threads: int, epochs: int = 3) -> dict[str, Any]:
    import gc

    n_ctx = 2048
    runs: dict[str, list[dict[str, float]]] = {"hearth": [], "high": [], "low": []}
    makers = [
        ("hearth", lambda: Hearth(path, n_ctx, threads)),
        ("high", lambda: HighLevel(path, n_ctx, threads, fa=flash_attn_auto_is_on())),
        ("low", lambda: LowLevel(path, n_ctx, threads)),
    ]
    toks: list[int] = []
    turns: list[dict[str, Any]] = []
    for e in range(epochs):
        built = {name: make() for name, make in makers[e % 3 :] + makers[: e % 3]}
        if not toks:
            low = built["low"]
            assert isinstance(low, LowLevel)
            toks = prompt_tokens(low.model, low.vocab, N_PROMPT)
        for c in built.values():  # warm-up
            c.run(toks[:64], 8)
        order = list(built.items())
        for r in range(rounds):
            # rotate who goes first, so no contender always follows the same one
            for name, c in order[r % 3 :] + order[: r % 3]:
                runs[name].append(c.run(toks, N_GEN))
        hearth = built["hearth"]
        assert isinstance(hearth, Hearth)
        turns.append(multi_turn(hearth))
        hearth.svc.close()
        built.clear()
        gc.collect()
    med = {
        k: {m: statistics.median(r[m] for r in v) for m in ("prefill", "decode", "ttft")}
        for k, v in runs.items()
    }
    paired = {
        f"{m}_vs_{other}": statistics.median(
            h[m] / o[m] for h, o in zip(runs["hearth"], runs[other], strict=True)
        )
        for m in ("prefill", "decode")
        for other in ("high", "low")
    }
    n_turns = len(turns[0]["ttft_s"])
    ttft = [statistics.median(t["ttft_s"][i] for t in turns) for i in range(n_turns)]
    return {
        "runs": runs,
        "median": med,
        "paired": paired,
        "turns": {
            "ttft_s": ttft,
            "evaluated_prompt_tokens": turns[0]["evaluated_prompt_tokens"],
            "ratio_turn10_turn1": ttft[-1] / ttft[0],
            "conversations": len(turns),
        },
        "n_prompt": N_PROMPT,
        "n_gen": N_GEN,
        "rounds": rounds * epochs,
        "threads": threads,
    }


def multi_turn(h: Hearth, n_turns: int = 10) -> dict[str, Any]:
    from app.engine.types import ChatMessage, GenerationRequest, SamplingParams

    msgs = [
        ChatMessage("system", "You are a helpful assistant that answers briefly and precisely.")
    ]
    h.svc.call(lambda b: b._clear_cache()).result()
    ttft, evaluated = [], []
    for i in range(n_turns):
        msgs.append(
            ChatMessage(
                "user",
                f"Question number {i}: what is the answer to the question about documents and models?",
            )
        )
        # random weights may emit control tokens mid-reply, which a trained model does not
        sampling = SamplingParams(seed=i, logit_bias=tuple((t, -100.0) for t in range(4)))
        res = h.svc.generate(
            GenerationRequest(
                messages=tuple(msgs), sampling=sampling, max_tokens=32, ignore_eos=True
            )
        )
        ttft.append(res.stats.ttft_s)
        evaluated.append(res.stats.evaluated_prompt_tokens)
        msgs.append(ChatMessage("assistant", res.text))
    return {
        "ttft_s": ttft,
        "evaluated_prompt_tokens": evaluated,
        "ratio_turn10_turn1": ttft[-1] / ttft[0],
    }


# ------------------------------------------------------------------------ memory fit
def fit_probe(path: Path, n_ctx: int) -> dict[str, Any]:
    """Run in a fresh process: RSS growth of load + a full-batch prompt + decoding."""
    import llama_cpp  # noqa: F401  (library pages are not the model's)

    from app.core import fit
    from app.core.gguf import read_info
    from app.core.hardware import detect_hardware, process_rss
    from app.engine.llama_backend import LlamaBackend
    from app.engine.types import GenerationRequest, LoadOptions, SamplingParams

    info = read_info(path)
    est = fit.estimate(info, detect_hardware(), n_ctx=n_ctx, gpu_layers=0)
    base = process_rss()
    b = LlamaBackend()
    b.load(LoadOptions(path=path, n_ctx=n_ctx, check_memory=False))
    import threading

    text = b.detokenize(list(range(300, 300 + 600)))
    b.generate(
        GenerationRequest(
            prompt=text, sampling=SamplingParams(temperature=0), max_tokens=16, ignore_eos=True
        ),
        threading.Event(),
        lambda _d: None,
    )
    grown = process_rss() - base
    return {
        "n_ctx": n_ctx,
        "estimate_bytes": est.ram_bytes,
        "measured_bytes": grown,
        "error": est.ram_bytes / grown - 1,
        "weights": est.weights_bytes,
        "kv": est.kv_bytes,
        "compute": est.compute_bytes,
    }


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--rounds", type=int, default=3, help="rounds per epoch")
    ap.add_argument("--epochs", type=int, default=3, help="times the contenders are rebuilt")
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--json", type=Path, default=None, help="also write the figures here")
    ap.add_argument("--fit-probe", type=int, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    from app.engine.llama_log import install_log_capture

    install_log_capture()  # llama.cpp's log goes to the logging module, not the terminal
    path = bench_model()
    if args.fit_probe:
        print(json.dumps(fit_probe(path, args.fit_probe)))
        return
    from app.core.hardware import default_threads

    threads = args.threads or default_threads()
    out = compare(path, args.rounds, threads, args.epochs)
    out["fit"] = [
        json.loads(
            subprocess.run(
                [sys.executable, __file__, "--fit-probe", str(c)],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )
        for c in (2048, 8192)
    ]
    med = out["median"]
    paired = out["paired"]
    ratios = {
        "decode_vs_high": paired["decode_vs_high"],
        "decode_vs_low": paired["decode_vs_low"],
        "prefill_vs_high": paired["prefill_vs_high"],
        "prefill_vs_low": paired["prefill_vs_low"],
        "ttft_turn10_vs_turn1": out["turns"]["ratio_turn10_turn1"],
        "fit_error_2k": out["fit"][0]["error"],
        "fit_error_8k": out["fit"][1]["error"],
    }
    out["ratios"] = ratios
    print(
        f"model: {path.name} ({path.stat().st_size / 2**20:.0f} MiB), threads={threads}, "
        f"prompt={N_PROMPT}, gen={N_GEN}, rounds={out['rounds']} over {args.epochs} epochs "
        "(medians; ratios are medians of per-round ratios)"
    )
    print(f"{'':12}{'prefill tok/s':>15}{'decode tok/s':>15}{'TTFT ms':>10}")
    for k, label in (("hearth", "hearth"), ("high", "high-level"), ("low", "low-level")):
        m = med[k]
        print(f"{label:12}{m['prefill']:15.1f}{m['decode']:15.2f}{m['ttft'] * 1000:10.0f}")
    targets = {
        "decode_vs_high": (">=", 1.0),
        "decode_vs_low": (">=", 0.95),
        "prefill_vs_high": (">=", 0.97),
        "prefill_vs_low": (">=", 0.97),
        "ttft_turn10_vs_turn1": ("<=", 1.2),
    }
    for k, v in ratios.items():
        if k.startswith("fit"):
            ok = abs(v) <= 0.10
            print(f"{k:24}{v * 100:+8.1f}%   target |error| <= 10%   {'OK' if ok else 'MISS'}")
        else:
            op, t = targets[k]
            ok = v >= t if op == ">=" else v <= t
            print(f"{k:24}{v:8.3f}x   target {op} {t}   {'OK' if ok else 'MISS'}")
    print("TTFT per turn (ms):", " ".join(f"{x * 1000:.0f}" for x in out["turns"]["ttft_s"]))
    print("prompt tokens evaluated per turn:", out["turns"]["evaluated_prompt_tokens"])
    for f in out["fit"]:
        print(
            f"fit @ {f['n_ctx']}: estimate {f['estimate_bytes'] / 2**20:.0f} MiB vs measured {f['measured_bytes'] / 2**20:.0f} MiB"
        )
    if args.json:
        args.json.write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
