"""Helpers for the persona tests: tiny GGUF files to point FROM and ADAPTER at."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.personas.store import PersonaStore


@pytest.fixture
def store(hearth_home: Path) -> PersonaStore:
    """A store over this test's data folder and the real built-in personas."""
    return PersonaStore()


@pytest.fixture
def fake_gguf(tmp_path: Path) -> Path:
    """A file with the GGUF magic (enough for Modelfile checks; not loadable)."""
    p = tmp_path / "models" / "base.gguf"
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(b"GGUF" + b"\0" * 60)
    return p
