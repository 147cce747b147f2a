from __future__ import annotations

import pytest

from app.models.hub import RemoteFile, group_files
from app.models.quants import library_name, parse_name, quant_from_name


@pytest.mark.parametrize(
    ("filename", "base", "quant"),
    [
        ("Qwen2.5-0.5B-Instruct-Q4_K_M.gguf", "Qwen2.5-0.5B-Instruct", "Q4_K_M"),
        ("model-IQ4_XS.gguf", "model", "IQ4_XS"),
        ("phi-2.Q8_0.gguf", "phi-2", "Q8_0"),
        ("Meta-Llama-3-8B.f16.gguf", "Meta-Llama-3-8B", "F16"),
        ("gemma-3-4b-it-BF16.gguf", "gemma-3-4b-it", "BF16"),
        ("gpt-oss-20b-mxfp4.gguf", "gpt-oss-20b", "MXFP4"),
        ("Qwen3-30B-A3B-UD-Q4_K_XL.gguf", "Qwen3-30B-A3B", "UD-Q4_K_XL"),
        ("model-Q4_0_4_4.gguf", "model", "Q4_0_4_4"),
        ("Q2_K/Big-00002-of-00003.gguf", "Big", "Q2_K"),
        ("plain.gguf", "plain", None),
    ],
)
def test_parse_quant_and_base(filename: str, base: str, quant: str | None) -> None:
    name = parse_name(filename)
    assert (name.base, name.quant) == (base, quant)


def test_split_parts_and_projector() -> None:
    n = parse_name("Llama-3.3-70B-Instruct-Q8_0-00002-of-00003.gguf")
    assert (n.part, n.parts, n.is_split, n.is_first_part) == (2, 3, True, False)
    assert n.split_stem == "Llama-3.3-70B-Instruct-Q8_0"
    assert parse_name("mmproj-gemma-3-4b-f16.gguf").is_mmproj
    assert quant_from_name("Qwen2-7B-q4_k_m.gguf") == "Q4_K_M"
    assert library_name("Qwen2.5-0.5B Instruct", "Q4_K_M") == "qwen2.5-0.5b-instruct:Q4_K_M"


def test_group_files_by_quant_sums_split_parts_and_sorts_by_precision() -> None:
    files = [
        RemoteFile("M-Q8_0.gguf", 800, "a"),
        RemoteFile("M-F16-00002-of-00002.gguf", 900, "c"),
        RemoteFile("M-F16-00001-of-00002.gguf", 1000, "b"),
        RemoteFile("M-Q4_K_M.gguf", 400, "d"),
        RemoteFile("mmproj-M-f16.gguf", 50, "e"),
        RemoteFile("README.md", 10, None),
    ]
    options, projectors = group_files(files)
    assert [o.quant for o in options] == ["Q4_K_M", "Q8_0", "F16"]
    f16 = options[2]
    assert f16.size_bytes == 1900 and f16.is_split
    assert [f.filename for f in f16.files] == [
        "M-F16-00001-of-00002.gguf",
        "M-F16-00002-of-00002.gguf",
    ]
    assert [p.filename for p in projectors] == ["mmproj-M-f16.gguf"]
