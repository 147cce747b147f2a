from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from app.cli.main import cli
from app.core.keychain import HF_TOKEN, get_secret
from app.core.paths import DataPaths
from tests.fixtures.fake_hub import FakeHub
from tests.models.test_importers import _ollama_store


def run(*args: str, input: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), input=input)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


@pytest.fixture
def repo(hub: FakeHub, gguf_bytes: bytes) -> FakeHub:
    hub.add_repo(
        "org/Tiny-GGUF",
        {
            "Tiny-Q4_K_M.gguf": gguf_bytes,
            "Tiny-Q8_0-00001-of-00002.gguf": gguf_bytes,
            "Tiny-Q8_0-00002-of-00002.gguf": gguf_bytes,
        },
        downloads=42,
        card="# Tiny card",
    )
    return hub


def test_search_files_pull_ls_verify_rm(repo: FakeHub, paths: DataPaths) -> None:
    code, out = run("search", "tiny", "--sort", "likes")
    assert code == 0 and "org/Tiny-GGUF" in out and "42 downloads" in out
    code, out = run("search", "tiny", "--json")
    assert json.loads(out)[0]["repo_id"] == "org/Tiny-GGUF"
    code, out = run("files", "org/Tiny-GGUF")
    assert (
        code == 0 and "Q4_K_M" in out and "Q8_0" in out and "(2 parts)" in out and "CPU only" in out
    )
    code, out = run("files", "org/Tiny-GGUF", "--json")
    assert [o["quant"] for o in json.loads(out)["options"]] == ["Q4_K_M", "Q8_0"]
    code, out = run("pull", "org/Tiny-GGUF:Q8_0", "--json")
    assert code == 0, out
    entry = json.loads(out)
    assert (
        entry["name"] == "tiny:Q8_0"
        and len(entry["parts"]) == 2
        and entry["source_repo"] == "org/Tiny-GGUF"
    )
    code, out = run("ls")
    assert "tiny:Q8_0" in out
    code, out = run("ls", "--json")
    assert [e["name"] for e in json.loads(out)] == ["tiny:Q8_0"]
    code, out = run("alias", "tiny:Q8_0", "tiny8")
    assert code == 0
    from app.resolve import resolve_model

    assert resolve_model("tiny8").path == Path(entry["path"])
    code, out = run("verify", "tiny8")
    assert code == 0 and "ok" in out
    code, out = run("rm", "tiny8", "--yes")
    assert code == 0 and "freed" in out
    assert not Path(entry["path"]).exists()


def test_pull_of_gated_repo_says_what_to_do(
    repo: FakeHub, gguf_bytes: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.cli.main import main

    repo.add_repo(
        "meta/Gated-GGUF", {"Gated-Q4_K_M.gguf": gguf_bytes}, gated=True, granted_tokens={"hf_ok"}
    )
    with pytest.raises(SystemExit) as exc:
        main(["pull", "meta/Gated-GGUF:Q4_K_M"])
    assert exc.value.code == 1
    err = capsys.readouterr().err.strip()
    assert (
        err.startswith("Error: meta/Gated-GGUF is gated")
        and "hearth login" in err
        and len(err.splitlines()) == 1
    )


def test_login_validates_and_stores_the_token_in_the_keychain(repo: FakeHub) -> None:
    repo.valid_tokens.add("hf_secret")
    code, out = run("login", input="hf_secret\n")
    assert code == 0 and "hearth-tester" in out and "hf_secret" not in out
    assert get_secret(HF_TOKEN) == "hf_secret"
    from app.core.errors import HubAuthRequiredError

    with pytest.raises(HubAuthRequiredError):
        run("login", "--token", "hf_bad")
    assert get_secret(HF_TOKEN) == "hf_secret"
    code, out = run("login", "--remove")
    assert get_secret(HF_TOKEN) is None


def test_models_group_scan_and_import(
    paths: DataPaths, isolated_stores: Path, gguf_bytes: bytes
) -> None:
    (paths.models_dir / "x" / "y").mkdir(parents=True)
    (paths.models_dir / "x" / "y" / "Local-Q4_K_M.gguf").write_bytes(gguf_bytes)
    code, out = run("models", "scan")
    assert code == 0 and "1 added" in out
    code, out = run("models")
    assert "local:Q4_K_M" in out
    g4a = isolated_stores / ".local" / "share" / "nomic.ai" / "GPT4All"
    g4a.mkdir(parents=True)
    (g4a / "Other-Q5_0.gguf").write_bytes(gguf_bytes + b"\0")
    code, out = run("import")
    assert "GPT4All: 1 model(s)" in out and "other:Q5_0" in out


def test_verify_against_the_hubs_hash(repo: FakeHub, paths: DataPaths, gguf_bytes: bytes) -> None:
    # a model placed by hand in <models>/<owner>/<repo>/ has no recorded hash, but the hub has one
    target = paths.models_dir / "org" / "Tiny-GGUF" / "Tiny-Q4_K_M.gguf"
    target.parent.mkdir(parents=True)
    target.write_bytes(gguf_bytes)
    code, out = run("verify", "tiny:Q4_K_M", "--hub")
    assert code == 0 and "ok - All parts match" in out
    target.write_bytes(gguf_bytes[:-1] + b"\x01")  # damaged after the fact
    code, out = run("verify", "tiny:Q4_K_M", "--hub")
    assert code == 1 and "mismatch" in out


def test_fake_hub_repo_tree_answers_the_real_client(repo: FakeHub) -> None:
    from huggingface_hub import HfApi

    tree = list(HfApi(endpoint=repo.endpoint).list_repo_tree("org/Tiny-GGUF"))
    lfs = {t.path: t.lfs for t in tree if getattr(t, "lfs", None)}
    assert set(lfs) == {
        "Tiny-Q4_K_M.gguf",
        "Tiny-Q8_0-00001-of-00002.gguf",
        "Tiny-Q8_0-00002-of-00002.gguf",
    }


def test_pull_without_a_repo_resumes_unfinished_downloads(repo: FakeHub, paths: DataPaths) -> None:
    from app.core.errors import HearthError
    from app.models.downloads import DownloadManager
    from app.models.hub import HubClient
    from app.models.library import ModelLibrary

    with pytest.raises(HearthError, match="no unfinished download"):
        run("pull")
    repo.bytes_per_second = 200_000
    m = DownloadManager(
        paths, ModelLibrary(paths), HubClient(endpoint=repo.endpoint), keep_free_bytes=0
    )
    task = m.pull("org/Tiny-GGUF", quant="Q4_K_M")
    while m.get(task).done_bytes < 100_000:
        time.sleep(0.01)
    m.close()  # the app quits while it downloads
    assert m.get(task).state.value == "paused"
    repo.bytes_per_second = None
    code, out = run("pull")
    assert code == 0, out
    assert "Saved tiny:Q4_K_M" in out


def test_library_names_with_a_slash_work_where_a_model_is_expected(
    paths: DataPaths, isolated_stores: Path, gguf_bytes: bytes
) -> None:
    from app.core.errors import ModelNotFoundError

    store = isolated_stores / ".ollama" / "models"
    digest, _ = _ollama_store(store, gguf_bytes)
    code, out = run("import", "--app", "ollama")
    assert code == 0, out
    blob = str(store / "blobs" / f"sha256-{digest}")
    # an Ollama namespace and an hf.co tag are library names, not paths
    for name in ("someuser/vision:latest", "hf.co/bartowski/Tiny-GGUF:Q4_K_M"):
        code, out = run("info", name, "--json")
        assert code == 0, out
        info = json.loads(out)
        assert info["path"] == blob and info["architecture"] == "llama"
    code, out = run("run", "someuser/vision:latest", "Hello", "-n", "3", "--seed", "1", "--json")
    assert code == 0, out
    assert json.loads(out)["stats"]["completion_tokens"] == 3  # real llama.cpp on the blob
    with pytest.raises(ModelNotFoundError, match="neither a model file nor") as missing:
        run("info", "someuser/nothing:latest")
    assert "hearth ls" in str(missing.value)
    with pytest.raises(ModelNotFoundError, match="No model file at"):
        run("info", "./someuser/vision.gguf")  # clearly a path: never looked up in the library
