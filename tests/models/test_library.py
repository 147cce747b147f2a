from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.core.errors import ModelNotFoundError
from app.core.paths import DataPaths
from app.models import library as library_mod
from app.models.library import ModelLibrary
from tests.fixtures.tiny_gguf import TinySpec, build_llama_gguf


def _folder(tmp_path: Path, gguf_bytes: bytes) -> Path:
    folder = tmp_path / "my-models"
    folder.mkdir()
    (folder / "Tiny-Chat-Q4_K_M.gguf").write_bytes(gguf_bytes)
    (folder / "Tiny-Chat-Q8_0.gguf").write_bytes(gguf_bytes + b"\0" * 64)
    (folder / "Big-F16-00001-of-00002.gguf").write_bytes(gguf_bytes)
    (folder / "Big-F16-00002-of-00002.gguf").write_bytes(gguf_bytes)
    (folder / "mmproj-Tiny-Chat-f16.gguf").write_bytes(gguf_bytes)
    (folder / "broken-Q4_0.gguf").write_bytes(gguf_bytes[: len(gguf_bytes) // 2])
    (folder / "notes.txt").write_text("not a model")
    return folder


def test_scan_lists_models_with_metadata_split_as_one_and_projectors_apart(
    paths: DataPaths, tmp_path: Path, gguf_bytes: bytes
) -> None:
    folder = _folder(tmp_path, gguf_bytes)
    lib = ModelLibrary(paths, [folder], include_hf_cache=False)
    report = lib.scan()
    names = sorted(e.name for e in lib.entries())
    assert names == ["big:F16", "tiny-chat:Q4_K_M", "tiny-chat:Q8_0"]
    big = lib.get("big:F16")
    assert len(big.parts) == 2 and big.size_bytes == 2 * len(gguf_bytes)
    q4 = lib.get("tiny-chat:Q4_K_M")
    assert q4.architecture == "llama" and q4.parameters > 0 and q4.context_length == 2048
    assert q4.has_chat_template and q4.license == "mit" and q4.quantization == "Q4_K_M"
    assert q4.mmproj == str(folder / "mmproj-Tiny-Chat-f16.gguf")  # projector attached, not listed
    everything = {e.name: e for e in lib.entries(include_unusable=True)}
    broken = next(e for e in everything.values() if "broken" in e.path)
    assert "truncated" in (broken.error or "")
    assert any(e.is_mmproj for e in everything.values())
    assert report.headers_read == 6  # 4 single files + 2 split parts
    # the index persists: a new library object knows the models without scanning
    again = ModelLibrary(paths, [folder], include_hf_cache=False)
    assert again.get("tiny-chat:Q8_0").path == str(folder / "Tiny-Chat-Q8_0.gguf")


def test_rescan_of_unchanged_files_reads_only_their_stat(
    paths: DataPaths, tmp_path: Path, gguf_bytes: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _folder(tmp_path, gguf_bytes)
    ModelLibrary(paths, [folder], include_hf_cache=False).scan()
    opened: list[str] = []
    real_open = open

    def spy_open(file, *args, **kwargs):  # type: ignore[no-untyped-def]
        if str(file).endswith(".gguf"):
            opened.append(str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", spy_open)
    lib = ModelLibrary(paths, [folder], include_hf_cache=False)
    report = lib.scan()
    assert opened == [] and report.headers_read == 0
    assert report.unchanged == 5  # every entry (a split model counts once)
    assert not report.added and not report.removed
    # touching one file re-reads that file only
    new = folder / "Tiny-Chat-Q8_0.gguf"
    new.write_bytes(gguf_bytes + b"\0" * 128)
    report = lib.scan()
    assert opened == [str(new)] and report.changed == ("tiny-chat:Q8_0",)
    (folder / "Tiny-Chat-Q4_K_M.gguf").unlink()
    assert lib.scan().removed == ("tiny-chat:Q4_K_M",)


def test_remove_alias_rename_and_find(paths: DataPaths, tmp_path: Path, gguf_bytes: bytes) -> None:
    folder = _folder(tmp_path, gguf_bytes)
    lib = ModelLibrary(paths, [folder], include_hf_cache=False)
    lib.scan()
    lib.alias("tiny-chat:Q8_0", "tiny")
    assert lib.get("tiny").name == "tiny-chat:Q8_0"
    assert lib.get("tiny-chat").name == "tiny-chat:Q4_K_M"  # no tag: the preferred quantization
    assert lib.rename("big:F16", "bigmodel").name == "bigmodel"
    assert lib.scan().changed == ()  # names survive rescans
    assert lib.get("bigmodel").name == "bigmodel"
    freed = lib.remove("bigmodel")
    assert freed == 2 * len(gguf_bytes)
    assert not (folder / "Big-F16-00001-of-00002.gguf").exists()
    assert not (folder / "Big-F16-00002-of-00002.gguf").exists()
    with pytest.raises(ModelNotFoundError):
        lib.get("bigmodel")


def test_verify_records_then_detects_silent_corruption(
    paths: DataPaths, tmp_path: Path, gguf_bytes: bytes
) -> None:
    folder = _folder(tmp_path, gguf_bytes)
    lib = ModelLibrary(paths, [folder], include_hf_cache=False)
    lib.scan()
    first = lib.verify("tiny-chat:Q4_K_M")
    assert first.status == "recorded"
    assert lib.verify("tiny-chat:Q4_K_M").status == "ok"
    path = folder / "Tiny-Chat-Q4_K_M.gguf"
    st = path.stat()
    data = bytearray(path.read_bytes())
    data[-10] ^= 0xFF  # a flipped bit in the weights; same size and time stamp
    path.write_bytes(bytes(data))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    lib.scan()
    bad = lib.verify("tiny-chat:Q4_K_M")
    assert bad.status == "mismatch" and not bad.ok and "damaged" in bad.detail


def test_hf_cache_models_carry_repo_and_blob_sha(
    paths: DataPaths, tmp_path: Path, gguf_bytes: bytes
) -> None:
    import hashlib

    sha = hashlib.sha256(gguf_bytes).hexdigest()
    repo = tmp_path / "hf" / "models--someone--Tiny-GGUF"
    (repo / "blobs").mkdir(parents=True)
    (repo / "blobs" / sha).write_bytes(gguf_bytes)
    snap = repo / "snapshots" / ("a" * 40)
    snap.mkdir(parents=True)
    (snap / "tiny-Q5_K_M.gguf").symlink_to(Path("../../blobs") / sha)
    lib = ModelLibrary(paths, hf_cache=tmp_path / "hf")
    lib.scan()
    entry = lib.get("tiny:Q5_K_M")
    assert (
        entry.source == "hf-cache"
        and entry.source_repo == "someone/Tiny-GGUF"
        and entry.sha256 == sha
    )
    assert lib.verify("tiny:Q5_K_M").status == "ok"
    assert lib.remove("tiny:Q5_K_M") == len(gguf_bytes)
    assert not (repo / "blobs" / sha).exists()


def test_library_names_resolve_through_app_resolve(paths: DataPaths, gguf_bytes: bytes) -> None:
    from app.resolve import list_catalog, resolve_model

    target = paths.models_dir / "someone" / "Tiny-GGUF" / "tiny-Q4_K_M.gguf"
    target.parent.mkdir(parents=True)
    target.write_bytes(gguf_bytes)
    resolved = resolve_model("tiny:Q4_K_M")
    assert resolved.path == target and resolved.label == "tiny:Q4_K_M"
    assert resolve_model("tiny").path == target
    entry = next(c for c in list_catalog() if c.name == "tiny:Q4_K_M")
    assert entry.kind == "model" and entry.details["source_repo"] == "someone/Tiny-GGUF"
    with pytest.raises(ModelNotFoundError):
        resolve_model("nope:Q4_K_M")


def test_scan_of_200_files_is_fast_when_warm(paths: DataPaths, tmp_path: Path) -> None:
    src = build_llama_gguf(
        tmp_path / "src.gguf", TinySpec(n_layer=1, n_embd=32, n_ff=64, n_head=2, n_head_kv=1)
    )
    folder = tmp_path / "many"
    folder.mkdir()
    data = src.read_bytes()
    for i in range(200):
        (folder / f"m{i:03d}-Q4_0.gguf").write_bytes(data)
    lib = ModelLibrary(paths, [folder], include_hf_cache=False)
    cold = lib.scan()
    warm = lib.scan()
    assert len(lib.entries()) == 200 and cold.headers_read == 200 and warm.headers_read == 0
    assert warm.seconds < cold.seconds


def test_unused_module_attr() -> None:
    assert {"ollama", "lmstudio", "gpt4all"} == library_mod.FOREIGN_SOURCES


def test_changes_by_another_process_are_picked_up(
    paths: DataPaths, tmp_path: Path, gguf_bytes: bytes
) -> None:
    folder = _folder(tmp_path, gguf_bytes)
    gui = ModelLibrary(paths, [folder], include_hf_cache=False)
    gui.scan()
    cli = ModelLibrary(paths, [folder], include_hf_cache=False)  # e.g. 'hearth alias' in a terminal
    cli.alias("tiny-chat:Q8_0", "small")
    gui.scan()  # the long-running app rescans: it keeps the other process's change
    assert gui.get("small").name == "tiny-chat:Q8_0"
