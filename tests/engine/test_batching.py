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
    LoadOptions,
    SamplingParams,
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


def test_a_request_that_may_fill_the_context_runs_alone(svc: InferenceService) -> None:
    gate = _hold(svc)
    unbounded = svc.submit(_chat("Go on forever", None))  # reserves the whole context
    bounded = svc.submit(_chat("Short one", 5))
    unbounded.cancel()  # ends it at its first token, so the test stays short
    gate.set()
    a, b = unbounded.result(60), bounded.result(60)
    assert a.stats.parallel == 1 and b.stats.parallel == 1
    assert b.finish_reason is FinishReason.LENGTH


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
