"""Throughput measurement shared by ``hearth bench`` and ``bench/engine.py``."""

from __future__ import annotations

import random
from typing import Any

from app.engine.service import InferenceService
from app.engine.types import GenerationRequest, SamplingParams


def random_prompt_tokens(service: InferenceService, n: int, seed: int = 0) -> str:
    """A prompt of about ``n`` tokens made of the model's own vocabulary."""

    def build(b: Any) -> str:
        rng = random.Random(seed)
        words = "the quick brown fox jumps over a lazy dog while models answer questions about documents".split()
        text = " ".join(rng.choice(words) for _ in range(n))
        toks = b.tokenize(text, add_bos=True)[:n]
        return str(b.detokenize(toks[1:]))

    return service.call(build).result()


def run_bench(
    service: InferenceService, *, n_prompt: int = 512, n_gen: int = 128
) -> dict[str, Any]:
    prompt = random_prompt_tokens(service, n_prompt)
    service.call(lambda b: b._clear_cache()).result()  # measure a cold prefill
    req = GenerationRequest(
        prompt=prompt,
        sampling=SamplingParams(temperature=0.0, seed=0),
        max_tokens=n_gen,
        ignore_eos=True,
    )
    res = service.generate(req)
    s = res.stats
    return {
        "prefill_tok_s": round(s.prefill_tok_s, 2),
        "decode_tok_s": round(s.decode_tok_s, 2),
        "ttft_s": round(s.ttft_s, 4),
        "n_prompt": s.prompt_tokens,
        "n_gen": s.completion_tokens,
    }
