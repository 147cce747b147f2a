"""Build llama.cpp's native sampler chain from :class:`SamplingParams`.

Every sampler runs in C; Python only asks for the next token. The order follows
llama.cpp's own ``common`` sampler: bias, penalties, grammar, top-k, typical,
top-p, min-p, temperature, then the seeded draw.
"""

from __future__ import annotations

import json
import random
from typing import Any

from app.core.errors import GrammarError
from app.engine.types import GenerationRequest, SamplingParams


def grammar_for(req: GenerationRequest) -> str | None:
    """The GBNF grammar a request asks for (raw grammar, JSON schema or any JSON)."""
    if req.grammar:
        return req.grammar
    if req.json_schema is not None:
        from llama_cpp.llama_grammar import json_schema_to_gbnf

        try:
            gbnf = str(json_schema_to_gbnf(json.dumps(req.json_schema)))
        except Exception as exc:
            raise GrammarError(f"This JSON schema cannot be turned into a grammar: {exc}") from exc
        # llama-cpp-python's converter lets raw control characters into strings, which is
        # not JSON; llama.cpp's own converter excludes them, and so do we.
        return gbnf.replace('char ::= [^"\\\\]', 'char ::= [^"\\\\\\x7F\\x00-\\x1F]')
    if req.json_mode:
        from llama_cpp.llama_grammar import JSON_GBNF

        return str(JSON_GBNF)
    return None


class SamplerChain:
    """Owns a native ``llama_sampler`` chain; free it with :meth:`close`."""

    def __init__(
        self,
        vocab: Any,
        n_vocab: int,
        params: SamplingParams,
        *,
        grammar: str | None = None,
        extra_bias: dict[int, float] | None = None,
        n_ctx: int = 4096,
    ) -> None:
        import llama_cpp as L

        self._L = L
        self.seed = params.seed if params.seed is not None else random.randint(0, 2**31 - 1)
        self.ptr = L.llama_sampler_chain_init(L.llama_sampler_chain_default_params())
        bias = dict(params.logit_bias)
        bias.update(extra_bias or {})
        if bias:
            arr = (L.llama_logit_bias * len(bias))()
            for i, (tok, b) in enumerate(bias.items()):
                if not 0 <= tok < n_vocab:
                    self.close()
                    raise GrammarError(
                        f"logit_bias names token {tok}, but the vocabulary has {n_vocab}."
                    )
                arr[i].token = tok  # type: ignore[assignment]
                arr[i].bias = b
            self._add(L.llama_sampler_init_logit_bias(n_vocab, len(bias), arr))
        if params.repeat_penalty != 1.0 or params.presence_penalty or params.frequency_penalty:
            self._add(
                L.llama_sampler_init_penalties(
                    n_vocab,
                    params.repeat_last_n if params.repeat_last_n >= 0 else n_ctx,
                    params.repeat_penalty,
                    params.frequency_penalty,
                    params.presence_penalty,
                )
            )
        if grammar:
            g = L.llama_sampler_init_grammar(vocab, grammar.encode("utf-8"), b"root")
            if not g:
                self.close()
                raise GrammarError("The grammar is not valid GBNF (llama.cpp could not parse it).")
            self._add(g)
        if params.temperature <= 0:
            self._add(L.llama_sampler_init_greedy())
        elif params.mirostat == 1:
            self._add(L.llama_sampler_init_temp(params.temperature))
            self._add(
                L.llama_sampler_init_mirostat(
                    n_vocab, self.seed, params.mirostat_tau, params.mirostat_eta, 100
                )
            )
        elif params.mirostat == 2:
            self._add(L.llama_sampler_init_temp(params.temperature))
            self._add(
                L.llama_sampler_init_mirostat_v2(
                    self.seed, params.mirostat_tau, params.mirostat_eta
                )
            )
        else:
            if params.top_k > 0:
                self._add(L.llama_sampler_init_top_k(params.top_k))
            if params.typical_p < 1.0:
                self._add(L.llama_sampler_init_typical(params.typical_p, 1))
            if params.top_p < 1.0:
                self._add(L.llama_sampler_init_top_p(params.top_p, 1))
            if params.min_p > 0.0:
                self._add(L.llama_sampler_init_min_p(params.min_p, 1))
            self._add(L.llama_sampler_init_temp(params.temperature))
            self._add(L.llama_sampler_init_dist(self.seed))

    def _add(self, smpl: Any) -> None:
        self._L.llama_sampler_chain_add(self.ptr, smpl)

    def sample_at(self, ctx: Any, idx: int = -1) -> int:
        """Draw the next token from row ``idx`` of the last batch's logits (and 'accept' it)."""
        return int(self._L.llama_sampler_sample(self.ptr, ctx, idx))

    def close(self) -> None:
        if self.ptr:
            self._L.llama_sampler_free(self.ptr)
            self.ptr = None

    def __enter__(self) -> SamplerChain:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
