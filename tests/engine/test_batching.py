"""Continuous batching: concurrent generations share llama_decode calls, each in its own KV slot."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.engine.service import InferenceService
from app.engine.types import (
    ChatMessage,
    FinishReason,
    GenerationRequest,
    GenerationResult,
    LoadOptions,
    SamplingParams,
    TextDelta,
)


@pytest.fixture()
def svc(tiny_model: Path) -> Iterator[InferenceService]:
    s = InferenceService()
    s.load(LoadOptions(path=tiny_model, n_ctx=1024, n_parallel=4)).result()
    yield s
    s.close()


def _chat(text: str, n: int | None, seed: int = 0) -> GenerationRequest:
    return GenerationRequest(
        messages=(ChatMessage("user", text),),
        sampling=SamplingParams(temperature=0.0, seed=seed),
        max_tokens=n,
        ignore_eos=True,
    )


def _hold(svc: InferenceService) -> threading.Event:
    """Keep the engine thread busy until the returned event is set (so requests queue up)."""
    gate = threading.Event()
    started = threading.Event()

    def wait(_b: object) -> None:
        started.set()
        gate.wait(30)

    svc.call(wait)
    assert started.wait(10)
    return gate


def _solo_then_together(
    s: InferenceService, reqs: list[GenerationRequest]
) -> tuple[list[GenerationResult], list[GenerationResult]]:
    """Each request alone from an empty cache, then all of them submitted at once."""
    solo = []
    for r in reqs:
        s.call(lambda b: b._clear_cache()).result()
        solo.append(s.generate(r))
    s.call(lambda b: b._clear_cache()).result()
    gate = _hold(s)
    handles = [s.submit(r) for r in reqs]
    gate.set()
    return solo, [h.result(300) for h in handles]


def test_queued_generations_run_together_and_match_their_solo_runs(
    svc: InferenceService,
) -> None:
    prompts = [f"Tell me about topic number {i}." for i in range(4)]
    solo = [svc.generate(_chat(p, 10 + i)).text for i, p in enumerate(prompts)]
    svc.call(lambda b: b._clear_cache()).result()
    gate = _hold(svc)
    handles = [svc.submit(_chat(p, 10 + i)) for i, p in enumerate(prompts)]
    gate.set()
    results = [h.result(60) for h in handles]
    for i, r in enumerate(results):
        assert r.finish_reason is FinishReason.LENGTH
        assert r.stats.completion_tokens == 10 + i
        assert r.stats.parallel == 4  # all four were in the same batches
    # each sequence attends only to its own tokens: batching changes no text
    assert [r.text for r in results] == solo


def test_cancelling_one_batched_run_leaves_the_others_alone(svc: InferenceService) -> None:
    gate = _hold(svc)
    handles = [svc.submit(_chat(f"Story {i}", 40)) for i in range(3)]
    handles[1].cancel()
    gate.set()
    results = [h.result(60) for h in handles]
    assert results[1].finish_reason is FinishReason.CANCELLED
    for r in (results[0], results[2]):
        assert r.finish_reason is FinishReason.LENGTH and r.stats.completion_tokens == 40


def test_requests_without_max_tokens_run_together(svc: InferenceService) -> None:
    """A request without max_tokens (what most API clients send) reserves a chunk of the
    context at a time, not all of it, so it is batched with others instead of running alone."""
    gate = _hold(svc)
    unbounded = [svc.submit(_chat(f"Go on forever {i}", None)) for i in range(2)]
    bounded = svc.submit(_chat("Short one", 5))
    gate.set()
    b = bounded.result(60)
    assert b.finish_reason is FinishReason.LENGTH and b.stats.parallel == 3
    for h in unbounded:
        h.cancel()
    assert all(h.result(60).stats.parallel == 3 for h in unbounded)


def test_a_full_context_suspends_the_younger_run_and_resumes_it_unchanged(
    tiny_model: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Two requests without max_tokens that both run until the context is full: the older
    one takes the room it needs by suspending the younger, which is evaluated again and
    goes on once the older ends. Both replies are what they are alone, and both fill the
    context to the last cell."""
    with InferenceService() as s:
        # flash attention off: its f16 accumulation rounds a re-evaluated prompt differently
        # from the same tokens decoded one by one, which can flip a near-tie of this
        # random-weight model hundreds of tokens later (without it, the texts are identical)
        opts = LoadOptions(path=tiny_model, n_ctx=1024, n_parallel=2, flash_attn=False)
        s.load(opts).result()
        reqs = [_chat(f"Write without end, story {i}.", None) for i in range(2)]
        with caplog.at_level("INFO", logger="app.engine.llama_backend"):
            solo, rs = _solo_then_together(s, reqs)
        for r, alone in zip(rs, solo, strict=True):
            assert r.finish_reason is FinishReason.CONTEXT_FULL
            assert r.stats.prompt_tokens + r.stats.completion_tokens == 1024
            assert r.stats.parallel == 2
            assert r.text == alone.text
        assert "suspended a generation" in caplog.text
        assert rs[0].stats.suspended == 0 and rs[1].stats.suspended >= 1


def test_errors_stay_with_their_request(svc: InferenceService) -> None:
    gate = _hold(svc)
    good = svc.submit(_chat("Hello", 6))
    bad = svc.submit(
        GenerationRequest(messages=(ChatMessage("user", "x"),), grammar="root ::= (", max_tokens=4)
    )
    other = svc.submit(_chat("Hello again", 6))
    gate.set()
    assert good.result(60).stats.completion_tokens == 6
    assert other.result(60).stats.completion_tokens == 6
    with pytest.raises(Exception, match="grammar"):
        bad.result(60)


def test_two_conversations_keep_their_own_caches(svc: InferenceService) -> None:
    def turn(history: list[ChatMessage], text: str) -> int:
        history.append(ChatMessage("user", text))
        r = svc.generate(
            GenerationRequest(
                messages=tuple(history),
                sampling=SamplingParams(temperature=0.0),
                max_tokens=8,
                ignore_eos=True,
            )
        )
        history.append(ChatMessage("assistant", r.text))
        return r.stats.cached_tokens

    a = [ChatMessage("system", "You are A. " * 20)]
    b = [ChatMessage("system", "You are B. " * 20)]
    turn(a, "first question for A")
    turn(b, "first question for B")
    # back to A: its slot still holds A's conversation, so the follow-up reuses it
    assert turn(a, "second question for A") > 40
    assert turn(b, "second question for B") > 40


def test_a_repeated_prompt_reuses_its_slot_instead_of_copying_it(svc: InferenceService) -> None:
    """The same long prompt sent again (an API client's fixed instructions) goes back to the
    slot that holds it, so the KV cache keeps one copy, not one per slot."""
    prompt = "Summarise the following report in three sentences. " * 2
    first = svc.generate(_chat(prompt + "(1)", 200))  # a reply longer than the prompt
    assert first.stats.cached_tokens == 0
    for i in range(2, 6):
        r = svc.generate(_chat(prompt + f"({i})", 200))
        assert r.stats.cached_tokens > 0.8 * first.stats.prompt_tokens
    used = svc.call(lambda b: [s.seq for s in b._slots if s.cached]).result()
    assert len(used) == 1


def test_single_slot_option(tiny_model: Path) -> None:
    with InferenceService() as s:
        s.load(LoadOptions(path=tiny_model, n_ctx=512, n_parallel=1)).result()
        gate = _hold(s)
        hs = [s.submit(_chat(f"q{i}", 4)) for i in range(2)]
        gate.set()
        assert [h.result(60).stats.parallel for h in hs] == [1, 1]


def test_requests_wait_for_room_in_the_context(tiny_model: Path) -> None:
    with InferenceService() as s:
        s.load(LoadOptions(path=tiny_model, n_ctx=256, n_parallel=4)).result()
        gate = _hold(s)
        # each reserves its prompt plus 100 tokens: two fit in 256 cells, the third waits
        hs = [s.submit(_chat(f"question {i}", 100 - 10 * i)) for i in range(3)]
        gate.set()
        rs = [h.result(60) for h in hs]
        assert [r.stats.completion_tokens for r in rs] == [100, 90, 80]
        assert rs[0].stats.parallel == 2 and rs[1].stats.parallel == 2
        assert rs[2].stats.queue_s > rs[1].stats.queue_s  # started once the first ended


def test_concurrent_requests_evaluate_their_common_start_once(svc: InferenceService) -> None:
    """Requests that arrive together with the same instructions (an API client's system
    prompt) evaluate that start once: the later ones share its KV cells and only evaluate
    their own question. The text is what each request gives alone from an empty cache."""
    system = ChatMessage("system", "You answer questions about lighthouses, briefly. " * 3)

    def req(i: int) -> GenerationRequest:
        return GenerationRequest(
            messages=(system, ChatMessage("user", f"Question {i}: how tall is it?")),
            sampling=SamplingParams(temperature=0.0),
            max_tokens=12,
            ignore_eos=True,
        )

    solo, rs = _solo_then_together(svc, [req(i) for i in range(3)])
    assert rs[0].stats.cached_tokens == 0
    n_system = rs[0].stats.prompt_tokens * 0.8  # all but the question's own ~25 tokens
    for r in rs[1:]:
        assert r.stats.cached_tokens >= n_system
        assert r.stats.parallel == 3
    assert [r.text for r in rs] == [r.text for r in solo]

    def cells(b: object) -> list[tuple[int, int]]:
        import llama_cpp as L

        mem = b._mem  # type: ignore[attr-defined]
        return [
            (L.llama_memory_seq_pos_min(mem, s.seq), L.llama_memory_seq_pos_max(mem, s.seq))
            for s in b._slots  # type: ignore[attr-defined]
            if s.cached
        ]

    # every slot holds its whole conversation from position 0
    spans = svc.call(cells).result()
    assert len(spans) == 3 and all(lo == 0 and hi > n_system for lo, hi in spans)


def test_a_later_request_shares_the_start_a_running_one_holds(svc: InferenceService) -> None:
    shared = "Translate the following sentence into French, keeping its tone. " * 2
    later: list[object] = []

    def on_event(ev: object) -> None:  # engine thread: the first reply token of the long run
        if isinstance(ev, TextDelta) and not later:
            later.append(svc.submit(_chat(shared + "The lamp is lit.", 5)))

    long_run = svc.submit(_chat(shared + "The sea is calm.", 150), on_event)
    assert long_run.result(60).stats.completion_tokens == 150
    second = later[0].result(60)  # type: ignore[attr-defined]
    assert second.stats.parallel == 2  # it ran beside the long one, in another slot
    assert second.stats.cached_tokens > 0.6 * second.stats.prompt_tokens


def test_many_requests_without_max_tokens_in_a_small_context_all_finish_whole(
    tiny_model: Path,
) -> None:
    """Six requests without max_tokens, four slots, a context that holds about two of them:
    admissions wait, runs grow, younger ones are suspended and resumed, and every reply
    still fills the context and equals its solo run."""
    with InferenceService() as s:
        opts = LoadOptions(path=tiny_model, n_ctx=768, n_parallel=4, flash_attn=False)
        s.load(opts).result()
        solo, rs = _solo_then_together(
            s, [_chat(f"Story {i}: go on and on.", None) for i in range(6)]
        )
        for r, alone in zip(rs, solo, strict=True):
            assert r.finish_reason is FinishReason.CONTEXT_FULL
            assert r.stats.prompt_tokens + r.stats.completion_tokens == 768
            assert r.text == alone.text
        assert max(r.stats.parallel for r in rs) >= 2
        assert sum(r.stats.suspended for r in rs) >= 1
