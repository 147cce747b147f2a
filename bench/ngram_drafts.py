"""Could speculative decoding from the text itself (prompt lookup / n-gram drafts) speed up
one stream of the bench model? Counts how often such a draft exists and is right.

    .venv/bin/python bench/ngram_drafts.py [--model PATH] [--n 2] [--replies 6] [--tokens 128]

For each reply (the server benchmark's prompt, EOS banned), at every generated token: find
the last earlier place in prompt + reply where the previous ``--n`` tokens occurred, and
take the token that followed as the draft. A draft that matches is a token speculative
decoding would have got without its own pass over the weights; with none, it only adds
verification work.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def drafts(prompt: list[int], reply: list[int], n: int) -> tuple[int, int]:
    """(tokens with a draft, drafts that were right)."""
    hist, found, right = list(prompt), 0, 0
    for tok in reply:
        key = hist[-n:]
        for j in range(len(hist) - n - 1, -1, -1):
            if hist[j : j + n] == key:
                found += 1
                right += hist[j + n] == tok
                break
        hist.append(tok)
    return found, right


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--model", type=Path, help="GGUF (default: the cached bench model)")
    ap.add_argument("--n", type=int, default=2, help="n-gram length to look up")
    ap.add_argument("--replies", type=int, default=6)
    ap.add_argument("--tokens", type=int, default=128)
    args = ap.parse_args()
    if args.model is None:
        from engine import bench_model

        args.model = bench_model()
    from server import PROMPT  # the server benchmark's request

    from app.engine.service import InferenceService
    from app.engine.types import ChatMessage, GenerationRequest, LoadOptions, SamplingParams

    with InferenceService() as svc:
        svc.load(LoadOptions(path=args.model, n_ctx=2048)).result()
        for temp in (0.7, 0.0):
            total = found = right = 0
            for i in range(args.replies):
                req = GenerationRequest(
                    messages=(ChatMessage("user", f"{PROMPT} ({i})"),),
                    sampling=SamplingParams(temperature=temp, seed=i),
                    max_tokens=args.tokens,
                    ignore_eos=True,
                )
                res = svc.generate(req)
                toks = svc.call(lambda b: list(b._slots[0].history[1])).result()
                p = res.stats.prompt_tokens
                f, r = drafts(toks[:p], toks[p:], args.n)
                total, found, right = total + len(toks) - p, found + f, right + r
            print(
                f"temperature {temp}: a {args.n}-gram draft existed at {found} of {total} "
                f"tokens and was right at {right} ({100 * right / max(total, 1):.1f} %)"
            )


if __name__ == "__main__":
    main()
