"""Bad input gets OpenAI-shaped (or Ollama-shaped) errors with the right status, never a 500."""

from __future__ import annotations

from typing import Any

import openai
import pytest

USER = [{"role": "user", "content": "hi"}]


def _err(r: Any, status: int) -> dict[str, Any]:
    assert r.status_code == status, r.text
    body = r.json()["error"]
    assert set(body) == {"message", "type", "param", "code"}
    assert "Traceback" not in body["message"]
    return dict(body)


def test_malformed_json_is_400(http: Any) -> None:
    r = http.post(
        "/v1/chat/completions",
        content=b'{"model": "x", ',
        headers={"content-type": "application/json"},
    )
    body = _err(r, 400)
    assert "JSON" in body["message"] and body["type"] == "invalid_request_error"


def test_body_that_is_not_an_object_is_400(http: Any) -> None:
    _err(http.post("/v1/chat/completions", json=[1, 2]), 400)


def test_missing_field_is_400_naming_it(http: Any) -> None:
    body = _err(http.post("/v1/chat/completions", json={"model": "x"}), 400)
    assert body["param"] == "messages" and "messages" in body["message"]


def test_wrong_type_and_out_of_range_are_400(http: Any, model_name: str) -> None:
    for bad in (
        {"temperature": "hot"},
        {"temperature": 3},
        {"top_logprobs": 50, "logprobs": True},
        {"max_tokens": -1},
    ):
        body = _err(
            http.post("/v1/chat/completions", json={"model": model_name, "messages": USER, **bad}),
            400,
        )
        assert body["param"] == next(iter(bad))


def test_unknown_field_is_400(http: Any, model_name: str) -> None:
    body = _err(
        http.post(
            "/v1/chat/completions", json={"model": model_name, "messages": USER, "temprature": 1}
        ),
        400,
    )
    assert body["param"] == "temprature"


def test_unknown_model_is_404(oai: Any) -> None:
    with pytest.raises(openai.NotFoundError) as ei:
        oai.chat.completions.create(model="no-such-model", messages=USER)
    assert ei.value.code == "model_not_found"


def test_context_overflow_is_400_context_length_exceeded(
    oai: Any, http: Any, model_name: str
) -> None:
    long = [{"role": "user", "content": "word " * 3000}]
    with pytest.raises(openai.BadRequestError) as ei:
        oai.chat.completions.create(model=model_name, messages=long, max_tokens=5)
    assert ei.value.code == "context_length_exceeded"
    # streaming requests get the same status: the error is known before the first byte
    r = http.post(
        "/v1/chat/completions", json={"model": model_name, "messages": long, "stream": True}
    )
    assert _err(r, 400)["code"] == "context_length_exceeded"
    r = http.post(
        "/v1/chat/completions", json={"model": model_name, "messages": USER, "max_tokens": 5000}
    )
    assert _err(r, 400)["code"] == "context_length_exceeded"


def test_n_greater_than_one_is_400(oai: Any, model_name: str) -> None:
    with pytest.raises(openai.BadRequestError) as ei:
        oai.chat.completions.create(model=model_name, messages=USER, n=2)
    assert ei.value.param == "n"


def test_images_are_refused_plainly(http: Any, model_name: str) -> None:
    msg = [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "data:x"}}]}]
    assert (
        "image_url"
        in _err(
            http.post("/v1/chat/completions", json={"model": model_name, "messages": msg}), 400
        )["message"]
    )


def test_bad_grammar_and_schema_are_400(http: Any, model_name: str) -> None:
    r = http.post(
        "/v1/chat/completions",
        json={"model": model_name, "messages": USER, "grammar": "root ::= ("},
    )
    _err(r, 400)
    rf = {"type": "json_schema", "json_schema": {"name": "x"}}
    _err(
        http.post(
            "/v1/chat/completions",
            json={"model": model_name, "messages": USER, "response_format": rf},
        ),
        400,
    )
    bias = {"model": model_name, "messages": USER, "logit_bias": {"abc": 1}}
    _err(http.post("/v1/chat/completions", json=bias), 400)
    bias["logit_bias"] = {"999999": 1}
    _err(http.post("/v1/chat/completions", json=bias), 400)


def test_unknown_route_and_method_are_json(http: Any) -> None:
    assert _err(http.get("/v1/nothing"), 404)["code"] == "not_found"
    assert _err(http.get("/v1/chat/completions"), 405)["code"] == "method_not_allowed"


def test_ollama_errors_are_plain_error_objects(http: Any, model_name: str) -> None:
    r = http.post("/api/chat", json={"model": "no-such-model", "messages": USER})
    assert r.status_code == 404 and set(r.json()) == {"error"}
    r = http.post("/api/chat", content=b"{oops", headers={"content-type": "application/json"})
    assert r.status_code == 400 and set(r.json()) == {"error"}
    r = http.post(
        "/api/generate",
        json={"model": model_name, "prompt": "x", "options": {"temperature": "hot"}},
    )
    assert r.status_code == 400 and "temperature" in r.json()["error"]


def test_ollama_client_raises_response_error(ollama_client: Any) -> None:
    import ollama

    with pytest.raises(ollama.ResponseError) as ei:
        ollama_client.chat(model="no-such-model", messages=USER)
    assert ei.value.status_code == 404


def test_no_500_for_a_batch_of_bad_requests(http: Any, model_name: str) -> None:
    bad_bodies: list[Any] = [
        {},
        {"model": 5, "messages": USER},
        {"model": model_name, "messages": []},
        {"model": model_name, "messages": [{"role": "wizard", "content": "x"}]},
        {"model": model_name, "messages": [{"content": "x"}]},
        {"model": model_name, "messages": USER, "stop": 7},
        {"model": model_name, "messages": USER, "tools": [{"type": "function"}]},
        {"model": model_name, "messages": USER, "tool_choice": "required"},
        {"model": model_name, "messages": USER, "response_format": {"type": "xml"}},
        {"model": model_name, "messages": USER, "stream_options": {"include_usage": "yes please"}},
        {"model": model_name, "prompt": None},
        "just a string",
        None,
    ]
    for body in bad_bodies:
        for route in (
            "/v1/chat/completions",
            "/v1/completions",
            "/v1/embeddings",
            "/api/chat",
            "/api/generate",
        ):
            if route.startswith("/api/") and isinstance(body, dict):
                body = {
                    **body,
                    "options": {"num_predict": 1},
                }  # some are valid Ollama requests: keep them short
            r = http.post(route, json=body)
            # Ollama treats a request without messages/prompt as "load the model": a 200
            ok = r.status_code < 500 if route.startswith("/api/") else 400 <= r.status_code < 500
            assert ok and "Traceback" not in r.text, (route, body, r.text)
