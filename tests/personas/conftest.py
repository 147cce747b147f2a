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


def build_tiny_lora(
    path: Path, *, n_embd: int = 64, n_layer: int = 2, rank: int = 4, seed: int = 0
) -> Path:
    """A real GGUF LoRA adapter (attn_q, random weights) that matches the tiny llama model."""
    import gguf
    import numpy as np

    rng = np.random.default_rng(seed)
    w = gguf.GGUFWriter(str(path), "llama")
    w.add_string("general.type", "adapter")
    w.add_string("adapter.type", "lora")
    w.add_float32("adapter.lora.alpha", float(rank))
    for i in range(n_layer):
        a = rng.standard_normal((rank, n_embd)) * 0.5  # ne = [n_in, rank]
        b = rng.standard_normal((n_embd, rank)) * 0.5  # ne = [rank, n_out]
        w.add_tensor(f"blk.{i}.attn_q.weight.lora_a", a.astype(np.float32))
        w.add_tensor(f"blk.{i}.attn_q.weight.lora_b", b.astype(np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return path


@pytest.fixture(scope="session")
def tiny_lora(models_dir: Path) -> Path:
    return build_tiny_lora(models_dir / "tiny-lora.gguf")
