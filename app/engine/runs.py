"""Generations in flight: KV-cache slots, one run's state, and the batch that carries them.

The engine evaluates several generations in one ``llama_decode`` call (continuous
batching): each runs in its own sequence of a unified KV cache, so a weight matrix read
from memory once serves every sequence in the batch. On a CPU that is the difference
between one client's decode rate and a much higher aggregate. A lone request is simply a
batch of one, through the same code.
"""

from __future__ import annotations

import codecs
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from app.engine.sampling import SamplerChain, grammar_for
from app.engine.stops import StopMatcher
from app.engine.types import (
    FinishReason,
    GenerationRequest,
    GenerationResult,
    GenerationStats,
    TextDelta,
    TokenLogprob,
)

if TYPE_CHECKING:
    from app.engine.llama_backend import LlamaBackend


# A generation without max_tokens may run until the context is full, but reserving all of it
# would keep every other request waiting: it reserves its prompt and this many tokens, and
# asks for more, a chunk at a time, when it gets there (see LlamaBackend._make_room).
GROW_TOKENS = 256


def max_new(n_ctx: int, n_prompt: int, max_tokens: int | None) -> int:
    """The most tokens a generation may add: its max_tokens, or what the context has left."""
    budget = n_ctx - n_prompt
    return budget if max_tokens is None else min(max_tokens, budget)


def first_reservation(n_prompt: int, most_new: int, bounded: bool) -> int:
    """KV cells a generation reserves on admission: all it may use when it has a max_tokens,
    else its prompt and a first chunk."""
    return n_prompt + (most_new if bounded else min(most_new, GROW_TOKENS))


@dataclass
class Slot:
    """One sequence of the KV cache and what it holds."""

    seq: int
    cached: list[int] = field(default_factory=list)  # tokens whose KV is in this sequence
    # text and tokens of the last prompt plus its reply, so that the next turn of the same
    # conversation reuses the reply's own tokens instead of a re-tokenization
    history: tuple[str, list[int]] | None = None
    last_used: float = 0.0
    busy: bool = False

    def forget(self) -> None:
        self.cached = []
        self.history = None


@dataclass
class GenerationWork:
    """A generation to run: the request, its cancel flag, where its text and its end go."""

    request: GenerationRequest
    cancel: threading.Event
    emit: Callable[[TextDelta], None]
    done: Callable[[GenerationResult | None, BaseException | None], None]
    submitted_at: float = field(default_factory=time.perf_counter)


class TokenBatch:
    """A reusable ``llama_batch`` (one sequence id per token)."""

    def __init__(self, capacity: int) -> None:
        import llama_cpp as L

        self._L = L
        self.capacity = capacity
        self._b = L.llama_batch_init(capacity, 0, 1)
        self.n = 0

    @property
    def room(self) -> int:
        return self.capacity - self.n

    def clear(self) -> None:
        self.n = 0

    def add(self, token: int, pos: int, seq: int, logits: bool) -> int:
        b, i = self._b, self.n
        b.token[i] = token
        b.pos[i] = pos
        b.n_seq_id[i] = 1
        b.seq_id[i][0] = seq
        b.logits[i] = logits
        self.n = i + 1
        return i

    def decode(self, ctx: Any) -> int:
        self._b.n_tokens = self.n
        return int(self._L.llama_decode(ctx, self._b))

    def free(self) -> None:
        if self._b is not None:
            self._L.llama_batch_free(self._b)
            self._b = None


class ActiveRun:
    """One generation between its admission and its result (engine thread only)."""

    def __init__(
        self,
        backend: LlamaBackend,
        work: GenerationWork,
        slot: Slot,
        prepared: tuple[str, list[int], int],
        n_reused: int,
        t_start: float,
    ) -> None:
        req = work.request
        self.backend, self.work, self.slot, self.req = backend, work, slot, req
        self.prompt_text, self.tokens, self.dropped = prepared
        self.n_prompt = len(self.tokens)
        self.max_new = max_new(backend.n_ctx, self.n_prompt, req.max_tokens)
        # the positions this run may fill before it must ask for more room (see grow())
        self.limit = first_reservation(self.n_prompt, self.max_new, req.max_tokens is not None)
        self.suspended = False  # preempted: its cells were given up, its tokens wait to return
        self.n_reused = n_reused
        self.pending = self.tokens[n_reused:]  # prompt tokens still to evaluate
        self.fresh = True  # may still take over a start of its prompt from another slot
        extra_bias: dict[int, float] = {}
        if req.ignore_eos:
            extra_bias = dict.fromkeys(backend._eog_tokens(), -math.inf)
        self.chain = SamplerChain(
            backend.vocab_ptr,
            backend.n_vocab,
            req.sampling,
            grammar=grammar_for(req),
            extra_bias=extra_bias,
            n_ctx=backend.n_ctx,
        )
        self.matcher = StopMatcher(req.stop)
        self.decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self.out: list[str] = []
        self.raw_text: list[str] = []
        self.lps: list[TokenLogprob] = []
        self.generated: list[int] = []
        self.n_gen = 0
        self.finish: FinishReason | None = None
        self.next_token: int | None = None  # sampled, evaluated in the next batch
        self.logits_at = -1  # this run's row of logits in the last batch
        self.t_start = t_start
        self.queue_s = max(0.0, t_start - work.submitted_at)
        self.t_prefill_end = t_start
        self.t_first = self.t_last = 0.0
        self.parallel = 1
        self.times_suspended = 0

    @property
    def reserved(self) -> int:
        """KV cells held for this run (none while it is suspended)."""
        return 0 if self.suspended else self.limit

    @property
    def positions(self) -> int:
        """Positions it fills once its next step is evaluated: prompt plus tokens sampled."""
        return self.n_prompt + self.n_gen

    def wants_room(self) -> int:
        """Cells it needs beyond its reservation before it can take its next step (0: none)."""
        if self.suspended:
            return self.limit
        return max(0, self.positions - self.limit)

    def grow(self) -> int:
        """How many cells a run at its limit asks for next (the rest of its budget, at most a
        chunk); 0 when it cannot grow (it is about to end)."""
        return min(GROW_TOKENS, self.n_prompt + self.max_new - self.limit)

    def suspend(self) -> None:
        """Give up the KV cells (the caller removes them): the prompt and the tokens sampled so
        far are evaluated again on resume, and sampling goes on from where it stopped (the
        sampler chain keeps its state). Its reservation on resume is what it holds now."""
        self.suspended = True
        self.fresh = False
        self.pending = self.tokens + self.generated
        self.next_token = None
        self.limit = min(self.positions + GROW_TOKENS, self.n_prompt + self.max_new)
        self.slot.cached = []
        self.slot.history = None
        self.times_suspended += 1

    def _length_finish(self) -> FinishReason:
        req = self.req
        if req.max_tokens is not None and self.n_gen >= req.max_tokens:
            return FinishReason.LENGTH
        return FinishReason.CONTEXT_FULL

    def on_logits(self, ctx: Any, idx: int) -> None:
        """Sample from row ``idx`` of the last batch, emit text, decide whether to go on."""
        if self.n_gen >= self.max_new:
            self.finish = self._length_finish()
            return
        tok = int(self.chain.sample_at(ctx, idx))
        self.t_last = time.perf_counter()
        if self.n_gen == 0:
            self.t_first = self.t_last
        b = self.backend
        if b.is_eog(tok):
            self.finish = FinishReason.STOP
            return
        self.n_gen += 1
        self.generated.append(tok)
        raw = b.token_bytes(tok)
        piece = self.decoder.decode(raw)
        self.raw_text.append(piece)
        want_lp = self.req.logprobs is not None
        if want_lp:
            self.lps.append(b._logprob(tok, raw, self.req.logprobs or 0, idx))
        safe = self.matcher.feed(piece) if piece else ""
        if safe:
            self.out.append(safe)
            self.work.emit(TextDelta(safe, tuple(self.lps[-1:]) if want_lp else ()))
        elif want_lp and not self.matcher.stopped:
            self.work.emit(TextDelta("", tuple(self.lps[-1:])))
        if self.matcher.stopped:
            self.finish = FinishReason.STOP
        elif self.work.cancel.is_set():
            self.finish = FinishReason.CANCELLED
        elif self.n_gen >= self.max_new:
            self.finish = self._length_finish()  # no need to evaluate a token we will not extend
        else:
            self.next_token = tok

    def close(self) -> None:
        self.chain.close()

    def result(self) -> GenerationResult:
        """Flush held-back text, record the slot's history, and build the result."""
        self.close()
        final = self.decoder.decode(b"", final=True) if not self.matcher.stopped else ""
        tail = self.matcher.flush() + final
        if tail:
            self.out.append(tail)
            self.work.emit(TextDelta(tail))
        t_end = time.perf_counter()
        n_gen = self.n_gen
        if n_gen == 0:
            self.t_first = self.t_last = t_end if self.t_first == 0.0 else self.t_first
        stats = GenerationStats(
            prompt_tokens=self.n_prompt,
            completion_tokens=n_gen,
            cached_tokens=self.n_reused,
            ttft_s=(self.t_first - self.t_start) if n_gen else (self.t_prefill_end - self.t_start),
            prefill_s=self.t_prefill_end - self.t_start,
            decode_s=max(self.t_last - self.t_first, 0.0),
            queue_s=self.queue_s,
            parallel=self.parallel,
            suspended=self.times_suspended,
        )
        text = "".join(self.out)
        if not self.matcher.stopped and text == "".join(self.raw_text) + final:
            self.slot.history = (self.prompt_text + text, self.tokens + self.generated)
        else:  # the reply was cut by a stop string: only the prompt is reusable as-is
            self.slot.history = (self.prompt_text, list(self.tokens))
        return GenerationResult(
            text, self.finish or FinishReason.STOP, stats, self.dropped, tuple(self.lps)
        )


def cancelled_result() -> GenerationResult:
    """The result of a generation cancelled before it started."""
    return GenerationResult("", FinishReason.CANCELLED, GenerationStats(0, 0, 0, 0.0, 0.0, 0.0))
