"""``rag:<collection>`` model names answer from a real document collection, with sources."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.server.conftest import API_KEY, sse_events

H = {"Authorization": f"Bearer {API_KEY}"}


@pytest.fixture()
def rag_server(make_server: Any, engine: Any, tmp_path: Path, hearth_home: Path) -> Iterator[Any]:
    from app.core.paths import default_paths
    from app.rag.service import RagService
    from app.server.app import create_app
    from app.server.config import ServerConfig
    from app.server.runner import ServerThread

    rag = RagService(default_paths())
    doc = tmp_path / "kettle.md"
    doc.write_text(
        "# Kettle manual\n\nThe Hearth kettle boils water in 94 seconds at full power.\n",
        encoding="utf-8",
    )
    rag.add("manuals", [doc]).result(timeout=120)
    config = ServerConfig(port=0, api_key=API_KEY)
    with ServerThread(create_app(engine, config, rag=lambda: rag), config) as srv:
        yield srv
    rag.close()


def test_rag_model_answers_with_sources(rag_server: Any) -> None:
    body = {
        "model": "rag:manuals",
        "messages": [{"role": "user", "content": "How fast does the kettle boil water?"}],
        "max_tokens": 5,
    }
    r = httpx.post(rag_server.url + "/v1/chat/completions", json=body, headers=H, timeout=120)
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["model"] == "rag:manuals" and data["usage"]["completion_tokens"] <= 5
    assert data["sources"] and "94 seconds" in data["sources"][0]["text"]
    assert data["sources"][0]["document"].endswith("kettle.md") and isinstance(
        data["citations"], list
    )
    events = sse_events(
        httpx.post(
            rag_server.url + "/v1/chat/completions", json={**body, "stream": True}, headers=H
        ).text
    )
    assert events[-1] == "[DONE]"
    assert json.loads(events[-2])["sources"][0]["number"] == 1
    missing = httpx.post(
        rag_server.url + "/v1/chat/completions", json={**body, "model": "rag:nothing"}, headers=H
    )
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "collection_not_found"


def test_rag_model_through_ollama_chat(rag_server: Any) -> None:
    body = {
        "model": "rag:manuals",
        "messages": [{"role": "user", "content": "How fast does the kettle boil?"}],
        "stream": False,
        "options": {"num_predict": 4},
    }
    r = httpx.post(rag_server.url + "/api/chat", json=body, headers=H, timeout=120).json()
    assert r["done"] and "94 seconds" in r["sources"][0]["text"]
