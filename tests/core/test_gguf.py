from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.core.errors import ModelNotFoundError, NotAGGUFError, TruncatedModelError
from app.core.gguf import is_split_part, read_info, split_parts


def test_read_info_reads_header_facts(tiny_model: Path) -> None:
    info = read_info(tiny_model)
    assert info.architecture == "llama"
    assert info.name == "Hearth Tiny Llama"
    assert info.block_count == 2
    assert info.embedding_length == 64
    assert info.head_count == 4 and info.head_count_kv == 2
    assert info.context_length == 2048
    assert info.quantization == "F32"
    assert info.has_chat_template and "<|im_start|>" in (info.chat_template or "")
    assert info.bos_token == "<s>" and info.eos_token == "<|im_end|>"
    assert info.license == "mit"
    assert info.vocab_size > 600
    # parameter count from the tensor table: embeddings + output + 2 blocks
    e, v, ff, kv = 64, info.vocab_size, 128, 32
    per_block = 2 * e + e * e * 2 + 2 * kv * e + 3 * ff * e
    assert info.parameter_count == 2 * v * e + e + 2 * per_block
    assert sum(info.layer_bytes) + info.nonlayer_bytes == info.parameter_count * 4
    assert not info.is_mmproj


def test_missing_and_not_gguf(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFoundError):
        read_info(tmp_path / "nope.gguf")
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"this is not a model at all, just text" * 10)
    with pytest.raises(NotAGGUFError, match="not a GGUF"):
        read_info(bad)


@pytest.mark.parametrize("keep", [30, 5000, 400_000])
def test_truncated_files_are_reported(tiny_model: Path, tmp_path: Path, keep: int) -> None:
    cut = tmp_path / "cut.gguf"
    cut.write_bytes(tiny_model.read_bytes()[:keep])
    with pytest.raises(TruncatedModelError, match="truncated"):
        read_info(cut)


def test_split_names(tiny_model: Path, tmp_path: Path) -> None:
    first = tmp_path / "m-00001-of-00002.gguf"
    shutil.copy(tiny_model, first)
    assert is_split_part(first) == (1, 2)
    assert is_split_part(tiny_model) is None
    with pytest.raises(Exception, match="missing"):
        split_parts(first)
    shutil.copy(tiny_model, tmp_path / "m-00002-of-00002.gguf")
    assert [p.name for p in split_parts(first)] == [
        "m-00001-of-00002.gguf",
        "m-00002-of-00002.gguf",
    ]
