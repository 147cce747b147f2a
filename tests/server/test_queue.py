"""Concurrency: fair FIFO queue, nobody cancels anybody, 429 when full, disconnect frees the engine."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
import openai
import pytest

from tests.server.conftest import API_KEY, sse_events

H = {"Authorization": f"Bearer {API_KEY}"}
NO_EOS = {"2": -100, "4": -100}  # the tiny model's end tokens: replies run to max_tokens


def _wait_for(cond: Callable[[], bool], timeout: float = 10.0) -> None:
    end = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > end:
            raise AssertionError("condition not reached in time")
        time.sleep(0.01)


class Gate:
    """Holds the engine thread busy until released, so requests pile up in the queue."""

    def __init__(self, engine: Any) -> None:
        self.event = threading.Event()
        self.fut = engine.call(lambda _b: self.event.wait(30))

    def release(self) -> None:
        self.event.set()
        self.fut.result()


def _chat(url: str, model: str, max_tokens: int, out: dict[str, Any], key: str) -> None:
    r = httpx.post(
        url + "/v1/chat/completions",
        json={
            "model": model,
            "messages": [{"role": "user", "content": key}],
            "max_tokens": max_tokens,
            "logit_bias": NO_EOS,
        },
        headers=H,
        timeout=60,
    )
    out[key] = (time.monotonic(), r)


def test_requests_run_in_arrival_order_and_none_is_cut_short(
    server: Any, engine: Any, model_name: str
) -> None:
    gate = Gate(engine)
    out: dict[str, Any] = {}
    threads = []
    sizes = {"A": 20, "B": 21, "C": 22, "D": 23}  # tells the requests apart in the server's log
    log = server._server.config.app.state.hearth.log
    since = time.time()
    for i, key in enumerate("ABCD"):
        t = threading.Thread(target=_chat, args=(server.url, model_name, sizes[key], out, key))
        t.start()
        threads.append(t)
        _wait_for(lambda n=i + 1: engine.queue_depth == n)
    gate.release()
    for t in threads:
        t.join(60)

    def done() -> list[int]:
        return [
            r.completion_tokens
            for r in log.recent(500)
            if r.route == "/v1/chat/completions" and r.time >= since
        ]

    # the log entry is written just after the response is sent: give the last one a moment
    _wait_for(lambda: len(done()) >= 4)
    # all four ran (batched together: they start in arrival order and finish by length)
    assert sorted(done()) == [20, 21, 22, 23]
    for key, (_t, r) in out.items():
        assert r.status_code == 200
        body = r.json()
        assert body["usage"]["completion_tokens"] == sizes[key]  # nobody was cut short
        assert body["choices"][0]["finish_reason"] == "length"


def test_full_queue_answers_429_with_retry_after(
    make_server: Any, engine: Any, model_name: str
) -> None:
    srv = make_server(max_queue=2)
    gate = Gate(engine)
    out: dict[str, Any] = {}
    threads = [threading.Thread(target=_chat, args=(srv.url, model_name, 2, out, k)) for k in "AB"]
    try:
        for i, t in enumerate(threads):
            t.start()
            _wait_for(lambda n=i + 1: engine.queue_depth == n)
        r = httpx.post(
            srv.url + "/v1/chat/completions",
            json={
                "model": model_name,
                "messages": [{"role": "user", "content": "C"}],
                "max_tokens": 2,
            },
            headers=H,
        )
        assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
        assert r.json()["error"]["code"] == "queue_full"
        r = httpx.post(
            srv.url + "/api/generate", json={"model": model_name, "prompt": "C"}, headers=H
        )
        assert r.status_code == 429 and set(r.json()) == {"error"} and "retry-after" in r.headers
        c = openai.OpenAI(base_url=srv.url + "/v1", api_key=API_KEY, max_retries=0)
        with pytest.raises(openai.RateLimitError):
            c.chat.completions.create(model=model_name, messages=[{"role": "user", "content": "D"}])
    finally:
        gate.release()
        for t in threads:
            t.join(60)
    assert all(r.status_code == 200 for _t, r in out.values())


def test_concurrent_streams_all_complete(server: Any, model_name: str) -> None:
    results: dict[int, list[str]] = {}

    def stream(i: int) -> None:
        body = {
            "model": model_name,
            "messages": [{"role": "user", "content": f"client {i}"}],
            "max_tokens": 8,
            "logit_bias": NO_EOS,
            "stream": True,
            "stream_options": {"include_usage": True},
        }
        results[i] = sse_events(
            httpx.post(server.url + "/v1/chat/completions", json=body, headers=H, timeout=60).text
        )

    threads = [threading.Thread(target=stream, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(results) == 6
    for events in results.values():
        assert events[-1] == "[DONE]"
        assert json.loads(events[-2])["usage"]["completion_tokens"] == 8


def test_client_disconnect_mid_stream_frees_the_engine(
    server: Any, engine: Any, model_name: str
) -> None:
    body = {
        "model": model_name,
        "prompt": "Once",
        "max_tokens": 900,
        "logit_bias": NO_EOS,
        "stream": True,
    }
    with (
        httpx.Client(headers=H, timeout=60) as c,
        c.stream("POST", server.url + "/v1/completions", json=body) as r,
    ):
        seen = 0
        for line in r.iter_lines():
            seen += line.startswith("data: ")
            if seen >= 3:
                break
    t_closed = time.monotonic()
    _wait_for(lambda: engine.queue_depth == 0, timeout=5)
    freed_after = time.monotonic() - t_closed
    log = server._server.config.app.state.hearth.log
    _wait_for(
        lambda: any(
            rec.route == "/v1/completions" and rec.finish_reason == "cancelled"
            for rec in log.recent()
        )
    )
    rec = [x for x in log.recent() if x.route == "/v1/completions"][-1]
    assert rec.finish_reason == "cancelled" and rec.completion_tokens < 900
    assert freed_after < 2.0
    # the engine serves the next request at once
    r = httpx.post(
        server.url + "/v1/completions",
        json={"model": model_name, "prompt": "x", "max_tokens": 2},
        headers=H,
    )
    assert r.status_code == 200


def test_client_that_gives_up_while_queued_never_runs(
    server: Any, engine: Any, model_name: str
) -> None:
    gate = Gate(engine)
    body = {"model": model_name, "prompt": "x", "max_tokens": 50, "logit_bias": NO_EOS}
    with pytest.raises(httpx.ReadTimeout):
        httpx.post(server.url + "/v1/completions", json=body, headers=H, timeout=0.5)
    _wait_for(lambda: engine.queue_depth == 1)
    time.sleep(0.6)  # the server notices the disconnect while the request waits
    gate.release()
    _wait_for(lambda: engine.queue_depth == 0, timeout=5)
    log = server._server.config.app.state.hearth.log
    _wait_for(lambda: log.recent()[-1].status == 499)
