"""Completions, embeddings, models, health and metrics."""

from __future__ import annotations

import base64
import json
import math
import struct
from typing import Any

import openai
import pytest

from tests.server.conftest import sse_events


def test_models_list_and_get(oai: Any, model_name: str) -> None:
    ids = [m.id for m in oai.models.list()]
    assert model_name in ids
    m = oai.models.retrieve(model_name)
    assert m.id == model_name and m.object == "model" and m.owned_by == "hearth"
    with pytest.raises(openai.NotFoundError):
        oai.models.retrieve("nope-model")


def test_completion_plain_echo_and_usage(oai: Any, model_name: str) -> None:
    r = oai.completions.create(model=model_name, prompt="Once upon", max_tokens=5, seed=1)
    assert r.object == "text_completion" and r.usage.completion_tokens <= 5
    e = oai.completions.create(
        model=model_name, prompt="Once upon", max_tokens=5, seed=1, echo=True
    )
    assert e.choices[0].text == "Once upon" + r.choices[0].text


def test_completion_default_max_tokens_is_16(oai: Any, model_name: str) -> None:
    r = oai.completions.create(model=model_name, prompt="x", logit_bias={"2": -100, "4": -100})
    assert r.usage.completion_tokens == 16


def test_completion_several_prompts_and_legacy_logprobs(oai: Any, model_name: str) -> None:
    r = oai.completions.create(
        model=model_name, prompt=["a", "b"], max_tokens=3, logprobs=2, seed=1
    )
    assert [c.index for c in r.choices] == [0, 1]
    lp = r.choices[0].logprobs
    assert len(lp.tokens) == len(lp.token_logprobs) == len(lp.top_logprobs) == len(lp.text_offset)
    assert all(len(t) <= 2 for t in lp.top_logprobs)


def test_completion_stream_has_done_and_usage(http: Any, model_name: str) -> None:
    body = {
        "model": model_name,
        "prompt": "hi",
        "max_tokens": 4,
        "stream": True,
        "stream_options": {"include_usage": True},
    }
    events = sse_events(http.post("/v1/completions", json=body).text)
    assert events[-1] == "[DONE]"
    assert json.loads(events[-2])["usage"]["completion_tokens"] <= 4
    assert json.loads(events[-3])["choices"][0]["finish_reason"] in ("stop", "length")


def test_completion_unsupported_options_are_400(http: Any, model_name: str) -> None:
    for extra in ({"n": 2}, {"best_of": 3}, {"suffix": "end"}):
        r = http.post("/v1/completions", json={"model": model_name, "prompt": "x", **extra})
        assert r.status_code == 400


def test_embeddings_float_and_base64_agree(oai: Any, model_name: str) -> None:
    f = oai.embeddings.create(
        model=model_name, input=["hello world", "goodbye"], encoding_format="float"
    )
    assert [d.index for d in f.data] == [0, 1] and f.usage.prompt_tokens > 0
    v = f.data[0].embedding
    assert abs(math.sqrt(sum(x * x for x in v)) - 1) < 1e-4  # normalised
    # without encoding_format the openai client asks for base64 and decodes it itself
    b = oai.embeddings.create(model=model_name, input=["hello world", "goodbye"])
    assert b.data[0].embedding == pytest.approx(v, abs=1e-6)


def test_embeddings_raw_base64_and_dimensions(http: Any, model_name: str) -> None:
    r = http.post(
        "/v1/embeddings", json={"model": model_name, "input": "hello", "encoding_format": "base64"}
    ).json()
    raw = base64.b64decode(r["data"][0]["embedding"])
    vec = struct.unpack(f"<{len(raw) // 4}f", raw)
    same = http.post("/v1/embeddings", json={"model": model_name, "input": "hello"}).json()["data"][
        0
    ]["embedding"]
    assert list(vec) == pytest.approx(same, abs=1e-6)
    d = http.post(
        "/v1/embeddings", json={"model": model_name, "input": "hello", "dimensions": 8}
    ).json()
    assert len(d["data"][0]["embedding"]) == 8
    assert http.post("/v1/embeddings", json={"model": model_name, "input": ""}).status_code == 400


def test_embeddings_are_deterministic_and_distinct(oai: Any, model_name: str) -> None:
    a1, a2, b = (
        oai.embeddings.create(model=model_name, input=t).data[0].embedding
        for t in ("cat", "cat", "dog sled")
    )
    assert a1 == a2 and a1 != b


def test_health_and_metrics(http: Any, oai: Any, model_name: str) -> None:
    def cached_total() -> float:
        line = next(
            ln
            for ln in http.get("/metrics").text.splitlines()
            if ln.startswith("hearth_cached_prompt_tokens_total ")
        )
        return float(line.split()[1])

    before = cached_total()
    for _ in range(2):  # the second evaluates only what differs from the first
        oai.chat.completions.create(
            model=model_name,
            messages=[{"role": "user", "content": "the same long question " * 8}],
            max_tokens=2,
        )
    assert cached_total() - before >= 30
    h = http.get("/health").json()
    assert h["status"] == "ok" and h["model"] == model_name
    text = http.get("/metrics").text
    assert 'hearth_requests_total{route="/v1/chat/completions",status="200"}' in text
    for name in (
        "hearth_queue_depth",
        "hearth_completion_tokens_total",
        "hearth_time_to_first_token_seconds_bucket",
        "hearth_decode_tokens_per_second_count",
        "hearth_request_duration_seconds_sum",
        "hearth_suspensions_total",
    ):
        assert name in text
