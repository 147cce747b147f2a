"""Chat completions through the official openai client and raw HTTP."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest

from tests.server.conftest import sse_events

USER = [{"role": "user", "content": "Say something."}]


def test_plain_chat_has_content_usage_and_model(oai: Any, model_name: str) -> None:
    r = oai.chat.completions.create(model=model_name, messages=USER, max_tokens=8, seed=3)
    choice = r.choices[0]
    assert isinstance(choice.message.content, str) and choice.message.role == "assistant"
    assert choice.finish_reason in ("stop", "length")
    assert r.model == model_name and r.object == "chat.completion" and r.id.startswith("chatcmpl-")
    u = r.usage
    assert u.prompt_tokens > 0 and 0 < u.completion_tokens <= 8
    assert u.total_tokens == u.prompt_tokens + u.completion_tokens


def test_default_model_name_means_the_loaded_one(oai: Any) -> None:
    r = oai.chat.completions.create(model="default", messages=USER, max_tokens=2)
    assert r.choices[0].message.content is not None


def test_stream_ends_with_done_and_usage_chunk(http: Any, model_name: str) -> None:
    body = {
        "model": model_name,
        "messages": USER,
        "max_tokens": 6,
        "seed": 1,
        "stream": True,
        "stream_options": {"include_usage": True},
    }
    r = http.post("/v1/chat/completions", json=body)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
    events = sse_events(r.text)
    assert events[-1] == "[DONE]"
    chunks = [json.loads(e) for e in events[:-1]]
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    usage_chunk = chunks[-1]
    assert usage_chunk["choices"] == [] and usage_chunk["usage"]["completion_tokens"] == 6
    assert all(c["usage"] is None for c in chunks[:-1])
    assert chunks[-2]["choices"][0]["finish_reason"] == "length"
    # the streamed text equals the non-streamed reply with the same seed
    text = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks[:-1])
    body.pop("stream_options")
    body["stream"] = False
    assert (
        http.post("/v1/chat/completions", json=body).json()["choices"][0]["message"]["content"]
        == text
    )


def test_stream_without_include_usage_has_no_usage(oai: Any, model_name: str) -> None:
    chunks = list(
        oai.chat.completions.create(model=model_name, messages=USER, max_tokens=3, stream=True)
    )
    assert all(c.usage is None for c in chunks) and chunks[-1].choices[0].finish_reason is not None


def test_seed_makes_replies_repeatable(oai: Any, model_name: str) -> None:
    def once(seed: int) -> str:
        r = oai.chat.completions.create(
            model=model_name, messages=USER, max_tokens=12, seed=seed, temperature=1.0
        )
        return str(r.choices[0].message.content)

    assert once(42) == once(42)
    assert len({once(s) for s in (1, 2, 3, 4)}) > 1


def test_stop_string_ends_the_reply(oai: Any, model_name: str) -> None:
    full = oai.chat.completions.create(
        model=model_name, messages=USER, max_tokens=20, seed=5, temperature=0
    )
    text = full.choices[0].message.content
    stop = next(
        text[i : i + 2]
        for i in range(3, len(text) - 2)
        if text[i : i + 2].strip() == text[i : i + 2]
    )
    cut = oai.chat.completions.create(
        model=model_name, messages=USER, max_tokens=20, seed=5, temperature=0, stop=[stop]
    )
    assert cut.choices[0].finish_reason == "stop"
    assert cut.choices[0].message.content == text[: text.index(stop)]


def test_max_completion_tokens_limits_length(oai: Any, model_name: str) -> None:
    r = oai.chat.completions.create(
        model=model_name, messages=USER, max_completion_tokens=3, logit_bias={"2": -100, "4": -100}
    )
    assert r.usage.completion_tokens == 3 and r.choices[0].finish_reason == "length"


def test_logprobs_and_top_logprobs(oai: Any, model_name: str) -> None:
    r = oai.chat.completions.create(
        model=model_name, messages=USER, max_tokens=4, logprobs=True, top_logprobs=3, seed=1
    )
    content = r.choices[0].logprobs.content
    assert len(content) == r.usage.completion_tokens
    for item in content:
        assert item.logprob <= 0 and len(item.top_logprobs) == 3
        assert item.top_logprobs[0].logprob >= item.top_logprobs[-1].logprob


def test_json_schema_output_validates(oai: Any, model_name: str) -> None:
    schema = {
        "type": "object",
        "properties": {"ok": {"type": "boolean"}, "color": {"enum": ["red", "green", "blue"]}},
        "required": ["ok", "color"],
        "additionalProperties": False,
    }
    for seed in (1, 2, 3):
        r = oai.chat.completions.create(
            model=model_name,
            messages=USER,
            max_tokens=60,
            seed=seed,
            response_format={
                "type": "json_schema",
                "json_schema": {"name": "answer", "schema": schema},
            },
        )
        jsonschema.validate(json.loads(r.choices[0].message.content), schema)


def test_parse_helper_with_pydantic_model(oai: Any, model_name: str) -> None:
    from typing import Literal

    from pydantic import BaseModel

    class Answer(BaseModel):
        ok: bool
        mood: Literal["happy", "sad"]

    r = oai.chat.completions.parse(
        model=model_name, messages=USER, max_tokens=60, response_format=Answer, seed=2
    )
    assert isinstance(r.choices[0].message.parsed, Answer)


def test_json_object_mode_starts_an_object(oai: Any, model_name: str) -> None:
    r = oai.chat.completions.create(
        model=model_name,
        messages=USER,
        max_tokens=8,
        seed=1,
        response_format={"type": "json_object"},
    )
    assert r.choices[0].message.content.lstrip().startswith("{")


def test_developer_tool_and_null_content_messages_are_accepted(oai: Any, model_name: str) -> None:
    messages: list[dict[str, Any]] = [
        {"role": "developer", "content": "Be brief."},
        {"role": "user", "content": [{"type": "text", "text": "Weather in Paris?"}]},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "call_1", "content": "18 C and sunny"},
    ]
    r = oai.chat.completions.create(model=model_name, messages=messages, max_tokens=4)
    assert r.choices[0].message.content is not None


@pytest.mark.parametrize("temperature", [0.0, 2.0])
def test_temperature_bounds_are_accepted(oai: Any, model_name: str, temperature: float) -> None:
    r = oai.chat.completions.create(
        model=model_name, messages=USER, max_tokens=2, temperature=temperature, top_p=0.5
    )
    assert r.usage.completion_tokens <= 2
