"""Fixtures for the models area: a running fake Hub and GGUF bytes to serve."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.paths import DataPaths, default_paths
from app.models import importers
from app.models.downloads import DownloadManager
from app.models.hub import HubClient
from app.models.library import ModelLibrary
from tests.fixtures.fake_hub import FakeHub
from tests.fixtures.tiny_gguf import TinySpec, build_llama_gguf


@pytest.fixture(scope="session")
def gguf_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A valid tiny llama GGUF (about 0.6 MB)."""
    path = build_llama_gguf(tmp_path_factory.mktemp("hub-src") / "tiny.gguf", TinySpec())
    return path.read_bytes()


@pytest.fixture(autouse=True)
def isolated_stores(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """No test sees this machine's real HF cache, Ollama store or home folder."""
    home = tmp_path_factory.mktemp("user-home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("HF_HUB_CACHE", str(home / "hf-cache"))
    monkeypatch.setenv("OLLAMA_MODELS", str(home / ".ollama" / "models"))
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.setattr(importers, "OLLAMA_SYSTEM_STORES", ())
    return home


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeHub]:
    with FakeHub() as h:
        monkeypatch.setenv("HF_ENDPOINT", h.endpoint)
        monkeypatch.delenv("HF_TOKEN", raising=False)
        monkeypatch.delenv("HUGGING_FACE_HUB_TOKEN", raising=False)
        monkeypatch.setenv("HF_HUB_DISABLE_IMPLICIT_TOKEN", "1")
        yield h


@pytest.fixture
def paths(hearth_home: Path) -> DataPaths:
    return default_paths().ensure()


@pytest.fixture
def library(paths: DataPaths, tmp_path: Path) -> ModelLibrary:
    return ModelLibrary(paths, hf_cache=tmp_path / "no-hf-cache")


@pytest.fixture
def manager(paths: DataPaths, library: ModelLibrary, hub: FakeHub) -> Iterator[DownloadManager]:
    m = DownloadManager(
        paths, library, HubClient(endpoint=hub.endpoint), keep_free_bytes=0, emit_interval=0.0
    )
    yield m
    m.close()
