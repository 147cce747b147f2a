"""Tool calls: named, required, auto (format detection), none; streamed deltas."""

from __future__ import annotations

import json
from typing import Any

import jsonschema

from app.server.tools import AutoToolDetector, parse_tool_calls
from tests.server.conftest import sse_events

WEATHER_PARAMS = {
    "type": "object",
    "properties": {"city": {"enum": ["Paris", "Oslo"]}, "metric": {"type": "boolean"}},
    "required": ["city", "metric"],
    "additionalProperties": False,
}
TIME_PARAMS = {
    "type": "object",
    "properties": {"zone": {"enum": ["UTC", "CET"]}},
    "required": ["zone"],
    "additionalProperties": False,
}
TOOLS = [
    {
        "type": "function",
        "function": {"name": "get_weather", "description": "Weather", "parameters": WEATHER_PARAMS},
    },
    {
        "type": "function",
        "function": {"name": "get_time", "description": "Clock", "parameters": TIME_PARAMS},
    },
]
SCHEMAS = {"get_weather": WEATHER_PARAMS, "get_time": TIME_PARAMS}
USER = [{"role": "user", "content": "What's the weather in Paris?"}]
# forces a Hermes-style call so "auto" detection can be tested with a model of random weights
HERMES_GRAMMAR = 'root ::= "<tool_call>\\n{\\"name\\": \\"get_time\\", \\"arguments\\": {\\"zone\\": \\"CET\\"}}\\n</tool_call>"'


def _check_calls(calls: Any) -> None:
    assert calls
    for c in calls:
        assert c.type == "function" and c.id.startswith("call_")
        jsonschema.validate(json.loads(c.function.arguments), SCHEMAS[c.function.name])


def test_named_tool_choice_gives_that_call(oai: Any, model_name: str) -> None:
    r = oai.chat.completions.create(
        model=model_name,
        messages=USER,
        tools=TOOLS,
        tool_choice={"type": "function", "function": {"name": "get_weather"}},
        max_tokens=60,
        seed=1,
    )
    msg = r.choices[0].message
    assert r.choices[0].finish_reason == "tool_calls" and msg.content is None
    assert [c.function.name for c in msg.tool_calls] == ["get_weather"]
    _check_calls(msg.tool_calls)


def test_required_tool_choice_gives_a_valid_call(oai: Any, model_name: str) -> None:
    for seed in (1, 2, 3):
        r = oai.chat.completions.create(
            model=model_name,
            messages=USER,
            tools=TOOLS,
            tool_choice="required",
            max_tokens=80,
            seed=seed,
        )
        assert r.choices[0].finish_reason == "tool_calls"
        _check_calls(r.choices[0].message.tool_calls)


def test_required_with_parallel_calls_allowed(oai: Any, model_name: str) -> None:
    r = oai.chat.completions.create(
        model=model_name,
        messages=USER,
        tools=TOOLS,
        tool_choice="required",
        parallel_tool_calls=True,
        max_tokens=200,
        seed=4,
    )
    _check_calls(r.choices[0].message.tool_calls)


def test_tool_choice_none_answers_in_text(oai: Any, model_name: str) -> None:
    r = oai.chat.completions.create(
        model=model_name, messages=USER, tools=TOOLS, tool_choice="none", max_tokens=5
    )
    assert r.choices[0].message.tool_calls is None and isinstance(r.choices[0].message.content, str)


def test_auto_detects_a_hermes_tool_call(oai: Any, model_name: str) -> None:
    r = oai.chat.completions.create(
        model=model_name,
        messages=USER,
        tools=TOOLS,
        max_tokens=200,
        extra_body={"grammar": HERMES_GRAMMAR},
    )
    msg = r.choices[0].message
    assert r.choices[0].finish_reason == "tool_calls"
    assert msg.tool_calls[0].function.name == "get_time"
    assert json.loads(msg.tool_calls[0].function.arguments) == {"zone": "CET"}


def test_auto_without_a_call_is_plain_text(oai: Any, model_name: str) -> None:
    r = oai.chat.completions.create(
        model=model_name,
        messages=USER,
        tools=TOOLS,
        max_tokens=20,
        extra_body={"grammar": 'root ::= "Sunny today."'},
    )
    assert (
        r.choices[0].message.content == "Sunny today." and r.choices[0].message.tool_calls is None
    )


def _tool_deltas(http: Any, body: dict[str, Any]) -> tuple[list[dict[str, Any]], str | None]:
    r = http.post("/v1/chat/completions", json={**body, "stream": True})
    assert r.status_code == 200
    events = sse_events(r.text)
    assert events[-1] == "[DONE]"
    chunks = [json.loads(e) for e in events[:-1]]
    deltas = [tc for c in chunks for tc in c["choices"][0]["delta"].get("tool_calls") or []]
    return deltas, chunks[-1]["choices"][0]["finish_reason"]


def _assert_proper_deltas(deltas: list[dict[str, Any]]) -> dict[int, tuple[str, str]]:
    calls: dict[int, list[str]] = {}
    names: dict[int, str] = {}
    for d in deltas:
        assert "index" in d  # on every delta
        i = d["index"]
        if i not in calls:
            assert d["id"].startswith("call_") and d["function"]["name"]  # id and name on the first
            names[i], calls[i] = d["function"]["name"], []
        else:
            assert "id" not in d and "name" not in d["function"]  # ...and only there
        calls[i].append(d["function"].get("arguments", ""))
    return {i: (names[i], "".join(parts)) for i, parts in calls.items()}


def test_streamed_named_call_deltas(http: Any, model_name: str) -> None:
    deltas, reason = _tool_deltas(
        http,
        {
            "model": model_name,
            "messages": USER,
            "tools": TOOLS,
            "tool_choice": {"type": "function", "function": {"name": "get_time"}},
            "max_tokens": 40,
            "seed": 2,
        },
    )
    assert reason == "tool_calls"
    calls = _assert_proper_deltas(deltas)
    assert len(deltas) > 2  # arguments arrive token by token
    name, args = calls[0]
    assert name == "get_time"
    jsonschema.validate(json.loads(args), TIME_PARAMS)


def test_streamed_required_and_auto_call_deltas(http: Any, model_name: str) -> None:
    for extra in ({"tool_choice": "required", "seed": 3}, {"grammar": HERMES_GRAMMAR}):
        deltas, reason = _tool_deltas(
            http,
            {"model": model_name, "messages": USER, "tools": TOOLS, "max_tokens": 200, **extra},
        )
        assert reason == "tool_calls"
        for name, args in _assert_proper_deltas(deltas).values():
            jsonschema.validate(json.loads(args), SCHEMAS[name])


def test_openai_stream_helper_assembles_tool_calls(oai: Any, model_name: str) -> None:
    with oai.chat.completions.stream(
        model=model_name,
        messages=USER,
        tools=TOOLS,
        tool_choice={"type": "function", "function": {"name": "get_weather"}},
        max_tokens=60,
        seed=7,
    ) as stream:
        for _event in stream:
            pass
        final = stream.get_final_completion()
    calls = final.choices[0].message.tool_calls
    assert len(calls) == 1 and calls[0].function.name == "get_weather"
    _check_calls(calls)


def test_unknown_named_tool_is_a_400(http: Any, model_name: str) -> None:
    r = http.post(
        "/v1/chat/completions",
        json={
            "model": model_name,
            "messages": USER,
            "tools": TOOLS,
            "tool_choice": {"type": "function", "function": {"name": "nope"}},
        },
    )
    assert r.status_code == 400 and r.json()["error"]["param"] == "tool_choice"


NAMES = {"get_weather", "get_time"}


def test_parse_formats() -> None:
    hermes = '<tool_call>\n{"name": "get_time", "arguments": {"zone": "UTC"}}\n</tool_call>'
    two = (
        hermes
        + '\n<tool_call>{"name": "get_weather", "arguments": {"city": "Oslo", "metric": true}}</tool_call>'
    )
    mistral = '[TOOL_CALLS] [{"name": "get_time", "arguments": {"zone": "UTC"}}]'
    llama = '<|python_tag|>{"name": "get_time", "parameters": {"zone": "UTC"}}'
    bare = '{"name": "get_time", "arguments": "{\\"zone\\": \\"UTC\\"}"}'
    for text in (hermes, mistral, llama, bare):
        calls = parse_tool_calls(text, NAMES)
        assert (
            calls
            and calls[0].name == "get_time"
            and json.loads(calls[0].arguments) == {"zone": "UTC"}
        )
    assert [c.name for c in parse_tool_calls(two, NAMES) or []] == ["get_time", "get_weather"]
    assert (
        parse_tool_calls('{"name": "rm_rf", "arguments": {}}', NAMES) is None
    )  # not an offered tool
    assert parse_tool_calls("Hello there", NAMES) is None
    assert parse_tool_calls('{"a": 1}', NAMES) is None


def test_detector_streams_text_and_holds_calls() -> None:
    d = AutoToolDetector(NAMES)
    assert d.feed("  ") == "" and d.feed("Hel") == "  Hel" and d.feed("lo") == "lo"
    assert d.finish() == ("", None)
    d = AutoToolDetector(NAMES)
    shown = "".join(
        d.feed(p)
        for p in ["<tool", "_call>", '{"name": "get_time", ', '"arguments": {}}', "</tool_call>"]
    )
    rest, calls = d.finish()
    assert shown == "" and rest == "" and calls and calls[0].name == "get_time"
    d = AutoToolDetector(NAMES)
    assert d.feed("{not json") == ""
    assert d.finish() == ("{not json", None)  # not a call after all: the text is kept
