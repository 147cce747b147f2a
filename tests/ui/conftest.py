"""UI fixtures: a real window over the real services, with the tiny model loaded."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("pytestqt")


@pytest.fixture
def services(engine: Any) -> Iterator[Any]:
    from app.ui.services import AppServices

    s = AppServices.create()
    s.settings.ui.first_run_done = True
    s.inference = engine
    s.owns_inference = False
    yield s
    s.close()


@pytest.fixture
def window(qtbot: Any, services: Any, tiny_model: Any) -> Iterator[Any]:
    from app.ui.app import build_window

    win = build_window(services)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.start()
    win.models.current_ref = str(tiny_model)
    yield win
    _close(qtbot, win)


def set_params(page: Any, **params: Any) -> None:
    """Per-chat parameters (seeded, short replies keep the tiny model fast and deterministic)."""
    if page.conv is None:
        page.new_conversation()
    page.conv = page.store.update_conversation(page.conv.id, params=params)


@pytest.fixture
def own_window(qtbot: Any, services: Any) -> Iterator[Any]:
    """A window with its own, empty InferenceService, for tests that load or fail to load models
    (the shared ``engine`` keeps its model for everyone else)."""
    from app.engine.service import InferenceService
    from app.ui.app import build_window

    services.inference = InferenceService()
    services.owns_inference = True
    win = build_window(services)
    qtbot.addWidget(win)
    win.show()
    win.start()
    yield win
    _close(qtbot, win)


def _close(qtbot: Any, win: Any) -> None:
    """Close the window (which stops a running reply) and wait for the engine to finish it."""
    import shiboken6

    if not shiboken6.isValid(win):
        return
    handle = win.chat_page.handle
    win.close()
    if handle is not None:
        qtbot.waitUntil(lambda: handle.done, timeout=10000)


@pytest.fixture(autouse=True)
def no_foreign_model_stores(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The library never scans this machine's real Hugging Face cache or Ollama store."""
    home = tmp_path_factory.mktemp("ui-user-home")
    monkeypatch.setenv("HF_HUB_CACHE", str(home / "hf-cache"))
    monkeypatch.setenv("OLLAMA_MODELS", str(home / "ollama"))
    monkeypatch.setattr("app.models.importers.OLLAMA_SYSTEM_STORES", ())


@pytest.fixture
def fake_hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The loopback stand-in Hub; the real ``huggingface_hub`` client talks to it."""
    import huggingface_hub.constants as hf_constants

    from tests.fixtures.fake_hub import FakeHub

    with FakeHub() as hub:
        # another test folder may have switched the Hub client offline for this process
        monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
        monkeypatch.setattr(hf_constants, "HF_HUB_OFFLINE", False)
        monkeypatch.setenv("HF_ENDPOINT", hub.endpoint)
        monkeypatch.delenv("HF_TOKEN", raising=False)
        monkeypatch.setenv("HF_HUB_DISABLE_IMPLICIT_TOKEN", "1")
        yield hub


@pytest.fixture(scope="session")
def embedders() -> dict[str, Any]:
    """The packaged offline all-MiniLM-L6-v2, loaded once for every UI test that needs it."""
    from app.rag.embedder import Embedder

    model = "sentence-transformers/all-MiniLM-L6-v2"
    e = Embedder(model)
    e.model  # noqa: B018 - load now, not inside a test's timing
    return {model: e}


@pytest.fixture
def rag_window(window: Any, embedders: dict[str, Any]) -> Any:
    """The window with small chunks and the shared embedder, so indexing stays fast."""
    window.services.embedders = embedders
    window.services.settings.rag.chunk_tokens = 128
    window.services.settings.rag.chunk_overlap = 16
    return window
