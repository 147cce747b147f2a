"""Sentence embeddings from the loaded GGUF, computed on the engine thread.

A second llama context with ``embeddings=True`` is created on the *same* native
model (no second copy of the weights) for each batch of inputs and freed right
after, so it can never outlive the model it borrows: a swap or unload between two
embedding calls is always safe. Creating a context costs milliseconds; embedding
is not latency-critical the way token streaming is.

Models that declare a pooling type (BERT-style embedding models) use it; plain
generative models fall back to mean pooling. Vectors are L2-normalised, as the
OpenAI API returns them.
"""

from __future__ import annotations

import ctypes
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from app.core.errors import ContextOverflowError, InvalidRequestError, ModelLoadError
from app.engine.service import InferenceService

_POOLING_NONE = 0
_POOLING_MEAN = 1
_POOLING_UNSPECIFIED = -1


@dataclass(frozen=True)
class EmbeddingResult:
    vectors: tuple[tuple[float, ...], ...]
    prompt_tokens: int
    duration_s: float


def embed(
    service: InferenceService,
    texts: Sequence[str],
    *,
    truncate: bool = True,
    normalize: bool = True,
) -> EmbeddingResult:
    """Embed ``texts`` with the loaded model (blocking; queued like any other engine job).

    With ``truncate`` an input longer than the model's training context is cut to fit;
    without it such an input raises :class:`ContextOverflowError`.
    """
    if not texts:
        raise InvalidRequestError("Give at least one input to embed.")
    items = list(texts)
    return service.call(lambda b: embed_on_engine(b, items, truncate, normalize)).result()


def embed_on_engine(
    backend: Any, texts: list[str], truncate: bool, normalize: bool
) -> EmbeddingResult:
    import llama_cpp as L

    t0 = time.perf_counter()
    model = backend.model_ptr  # raises NoModelLoadedError when nothing is loaded
    info = backend.info
    limit = max(16, min(info.context_length or backend.n_ctx, 8192))
    token_lists: list[list[int]] = []
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise InvalidRequestError(f"Input {i} is not a string.")
        toks = backend.tokenize(text, add_bos=bool(info.add_bos_token), special=False) or [0]
        if len(toks) > limit:
            if not truncate:
                raise ContextOverflowError(
                    f"Input {i} is {len(toks):,} tokens, but this model embeds at most {limit:,}.",
                    prompt_tokens=len(toks),
                    max_tokens=0,
                    n_ctx=limit,
                    hint="Split the text into smaller pieces or allow truncation.",
                )
            toks = toks[:limit]
        token_lists.append(toks)
    n_ctx = max(len(t) for t in token_lists)
    ctx = _new_context(L, model, n_ctx, backend)
    try:
        n_embd = int(L.llama_model_n_embd(model))
        mem = L.llama_get_memory(ctx)
        vectors: list[tuple[float, ...]] = []
        for toks in token_lists:
            L.llama_memory_clear(mem, True)
            arr = (L.llama_token * len(toks))(*toks)
            rc = (
                L.llama_encode(ctx, L.llama_batch_get_one(arr, len(toks)))
                if _is_encoder(L, model)
                else (L.llama_decode(ctx, L.llama_batch_get_one(arr, len(toks))))
            )
            if rc != 0:
                raise ModelLoadError(f"llama.cpp failed to embed the input (code {rc}).")
            ptr = L.llama_get_embeddings_seq(ctx, 0)
            if not ptr:
                raise ModelLoadError("This model produced no sentence embedding.")
            vec = [float(x) for x in ctypes.cast(ptr, ctypes.POINTER(ctypes.c_float))[:n_embd]]
            if normalize:
                norm = math.sqrt(sum(x * x for x in vec)) or 1.0
                vec = [x / norm for x in vec]
            vectors.append(tuple(vec))
    finally:
        L.llama_free(ctx)
    return EmbeddingResult(
        tuple(vectors), sum(len(t) for t in token_lists), time.perf_counter() - t0
    )


def _is_encoder(L: Any, model: Any) -> bool:
    return bool(L.llama_model_has_encoder(model)) and not bool(L.llama_model_has_decoder(model))


def _new_context(L: Any, model: Any, n_ctx: int, backend: Any) -> Any:
    """An embeddings context on ``model``: the model's own pooling, else mean pooling."""
    loaded = backend.loaded
    for pooling in (_POOLING_UNSPECIFIED, _POOLING_MEAN):
        cp = L.llama_context_default_params()
        cp.n_ctx = n_ctx
        cp.n_batch = n_ctx
        cp.n_ubatch = n_ctx
        cp.n_seq_max = 1
        cp.embeddings = True
        cp.pooling_type = pooling
        if loaded is not None:
            cp.n_threads = loaded.n_threads
            cp.n_threads_batch = loaded.n_threads
        ctx = L.llama_init_from_model(model, cp)
        if not ctx:
            raise ModelLoadError("Could not create an embeddings context for this model.")
        if int(L.llama_pooling_type(ctx)) != _POOLING_NONE:
            return ctx
        L.llama_free(ctx)
    raise ModelLoadError("This model cannot produce sentence embeddings.")  # pragma: no cover
