"""A real Hearth server on loopback over the tiny test model, plus clients for it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

API_KEY = "test-key-0123456789"


@pytest.fixture(scope="session")
def make_server(engine: Any) -> Iterator[Callable[..., Any]]:
    """Start a server (on a free port) with the given ServerConfig fields; stopped at session end."""
    from app.server.app import create_app
    from app.server.config import ServerConfig
    from app.server.runner import ServerThread

    started: list[ServerThread] = []

    def make(service: Any = None, **fields: Any) -> ServerThread:
        fields.setdefault("api_key", API_KEY)
        config = ServerConfig(port=0, **fields)
        srv = ServerThread(create_app(service or engine, config), config).start()
        started.append(srv)
        return srv

    yield make
    for srv in started:
        srv.stop()


@pytest.fixture(scope="session")
def server(make_server: Callable[..., Any]) -> Any:
    return make_server()


@pytest.fixture(scope="session")
def model_name(engine: Any) -> str:
    return str(engine.loaded.path.stem)


@pytest.fixture()
def oai(server: Any) -> Any:
    import openai

    return openai.OpenAI(base_url=server.url + "/v1", api_key=API_KEY, max_retries=0, timeout=60)


@pytest.fixture()
def ollama_client(server: Any) -> Any:
    import ollama

    return ollama.Client(
        host=server.url, headers={"Authorization": f"Bearer {API_KEY}"}, timeout=60
    )


@pytest.fixture()
def http(server: Any) -> Iterator[Any]:
    import httpx

    with httpx.Client(
        base_url=server.url, headers={"Authorization": f"Bearer {API_KEY}"}, timeout=60
    ) as c:
        yield c


def sse_events(text: str) -> list[str]:
    """The ``data:`` payloads of an SSE body, in order."""
    return [line[len("data: ") :] for line in text.splitlines() if line.startswith("data: ")]
