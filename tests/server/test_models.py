"""Model names: swapping between requests, presets (personas), catalog, no-swap mode."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.core.errors import ModelNotFoundError
from app.engine.presets import CatalogEntry, ResolvedModel
from tests.server.conftest import API_KEY

H = {"Authorization": f"Bearer {API_KEY}"}


@pytest.fixture()
def own_engine(tiny_model: Path) -> Iterator[Any]:
    from app.engine.service import InferenceService
    from app.engine.types import LoadOptions

    svc = InferenceService()
    svc.load(LoadOptions(path=tiny_model, n_ctx=512)).result()
    yield svc
    svc.close()


def _chat(url: str, model: str, content: str = "hi", max_tokens: int = 2) -> httpx.Response:
    body = {
        "model": model,
        "messages": [{"role": "user", "content": content}],
        "max_tokens": max_tokens,
    }
    return httpx.post(url + "/v1/chat/completions", json=body, headers=H, timeout=60)


def test_naming_another_model_swaps_between_requests(
    make_server: Any, own_engine: Any, tiny_model: Path, tiny_model_no_template: Path
) -> None:
    srv = make_server(service=own_engine)
    other = str(tiny_model_no_template)
    results: dict[str, httpx.Response] = {}

    def run(key: str, model: str) -> None:
        results[key] = _chat(srv.url, model, max_tokens=4)

    # hold the engine so the three requests queue in a known order
    gate = threading.Event()
    held = own_engine.call(lambda _b: gate.wait(30))
    threads = []
    for i, (k, m) in enumerate((("a", str(tiny_model)), ("b", other), ("c", str(tiny_model)))):
        t = threading.Thread(target=run, args=(k, m))
        t.start()
        threads.append(t)
        deadline = time.monotonic() + 10
        while own_engine.queue_depth < i + 1 and time.monotonic() < deadline:
            time.sleep(0.01)
    gate.set()
    held.result()
    for t in threads:
        t.join(60)
    assert all(r.status_code == 200 for r in results.values()), {
        k: r.text for k, r in results.items()
    }
    assert results["b"].json()["model"] == other
    assert own_engine.loaded.path == tiny_model  # the last request's model stays loaded
    r = _chat(srv.url, other)
    assert r.status_code == 200
    ps = httpx.get(srv.url + "/api/ps", headers=H).json()["models"]
    assert ps[0]["model"] == tiny_model_no_template.stem


def test_no_swap_mode_refuses_other_models(
    make_server: Any, own_engine: Any, tiny_model_no_template: Path
) -> None:
    srv = make_server(service=own_engine, allow_swap=False)
    r = _chat(srv.url, str(tiny_model_no_template))
    assert r.status_code == 404 and r.json()["error"]["code"] == "model_not_found"


def test_a_failed_swap_reports_the_load_error(
    make_server: Any, own_engine: Any, tmp_path: Path
) -> None:
    bad = tmp_path / "broken.gguf"
    bad.write_bytes(b"GGUF" + b"\0" * 20)
    srv = make_server(service=own_engine)
    r = _chat(srv.url, str(bad))
    assert 400 <= r.status_code < 600 and r.status_code != 500
    assert "broken.gguf" in r.json()["error"]["message"]


def test_presets_apply_system_prompt_sampling_and_stop(
    own_engine: Any, tiny_model: Path, make_server: Any
) -> None:
    from app.server.app import create_app
    from app.server.config import ServerConfig
    from app.server.models import ModelRouter
    from app.server.runner import ServerThread

    preset = ResolvedModel(
        path=tiny_model,
        label="pirate",
        system="You are a pirate. Always answer in pirate speak, matey.",
        sampling_overrides={"temperature": 0.0},
        max_tokens=3,
    )

    def resolver(name: str) -> ResolvedModel:
        if name == "pirate":
            return preset
        raise ModelNotFoundError(f"'{name}' is not known.")

    def lister() -> list[CatalogEntry]:
        return [CatalogEntry(name="pirate", kind="persona", path=tiny_model)]

    config = ServerConfig(port=0, api_key=API_KEY)
    router = ModelRouter(own_engine, resolver=resolver, lister=lister)
    with ServerThread(create_app(own_engine, config, router=router), config) as srv:
        body = {"model": "pirate", "messages": [{"role": "user", "content": "hi"}]}
        a = httpx.post(srv.url + "/v1/chat/completions", json=body, headers=H).json()
        b = httpx.post(srv.url + "/v1/chat/completions", json=body, headers=H).json()
        assert (
            a["model"] == "pirate" and a["usage"]["completion_tokens"] <= 3
        )  # the preset's max_tokens
        assert (
            a["choices"][0]["message"]["content"] == b["choices"][0]["message"]["content"]
        )  # temperature 0
        plain = _chat(srv.url, tiny_model.stem).json()
        assert (
            a["usage"]["prompt_tokens"] > plain["usage"]["prompt_tokens"] + 10
        )  # the system prompt
        # a client's own system message replaces the preset's
        own = {
            "model": "pirate",
            "messages": [{"role": "system", "content": "x"}, {"role": "user", "content": "hi"}],
        }
        c = httpx.post(srv.url + "/v1/chat/completions", json=own, headers=H).json()
        assert c["usage"]["prompt_tokens"] < a["usage"]["prompt_tokens"]
        ids = [m["id"] for m in httpx.get(srv.url + "/v1/models", headers=H).json()["data"]]
        assert "pirate" in ids and tiny_model.stem in ids
        assert (
            httpx.post(srv.url + "/api/show", json={"model": "pirate"}, headers=H)
            .json()["system"]
            .startswith("You are")
        )
