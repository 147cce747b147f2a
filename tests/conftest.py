"""Shared fixtures: an isolated user-data folder, tiny GGUF models, an in-memory keychain."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from tests.fixtures.memory_keyring import install_memory_keyring
from tests.fixtures.tiny_gguf import TinySpec, build_llama_gguf


@pytest.fixture(autouse=True)
def hearth_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own user-data folder."""
    home = tmp_path_factory.mktemp("hearth-home")
    monkeypatch.setenv("HEARTH_HOME", str(home))
    return home


@pytest.fixture(autouse=True)
def hub_online(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with the Hub client switched on (test folders may switch it off)."""
    import sys

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    if "huggingface_hub.constants" in sys.modules:
        monkeypatch.setattr(sys.modules["huggingface_hub.constants"], "HF_HUB_OFFLINE", False)


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[object]:
    """No OS keychain on CI machines: an in-memory keyring backend stands in."""
    yield install_memory_keyring()


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="session")
def tiny_model(models_dir: Path) -> Path:
    """A ~0.6 MB llama GGUF with random weights and a ChatML template."""
    return build_llama_gguf(models_dir / "tiny-llama-F32.gguf", TinySpec())


@pytest.fixture(scope="session")
def tiny_model_no_template(models_dir: Path) -> Path:
    return build_llama_gguf(
        models_dir / "tiny-notemplate.gguf", TinySpec(chat_template=None, seed=7)
    )


@pytest.fixture(scope="session")
def engine(tiny_model: Path) -> Iterator[object]:
    """One InferenceService with the tiny model loaded, shared by a test session."""
    from app.engine.service import InferenceService
    from app.engine.types import LoadOptions

    svc = InferenceService()
    svc.load(LoadOptions(path=tiny_model, n_ctx=1024)).result()
    yield svc
    svc.close()
