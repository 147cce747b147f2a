from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

import pytest

from app.core.paths import DataPaths
from app.models import importers
from app.models.importers import find_other_apps, scan_app
from app.models.library import ModelLibrary


def _ollama_store(root: Path, gguf_bytes: bytes) -> tuple[str, str]:
    """Lay a store out the way Ollama does: content-addressed blobs plus OCI-style manifests."""
    blobs = root / "blobs"
    blobs.mkdir(parents=True)

    def blob(data: bytes) -> dict[str, object]:
        digest = hashlib.sha256(data).hexdigest()
        (blobs / f"sha256-{digest}").write_bytes(data)
        return {"digest": f"sha256:{digest}", "size": len(data)}

    model = blob(gguf_bytes)
    proj = blob(gguf_bytes + b"\0" * 32)
    template = blob(b"{{ .Prompt }}")
    params = blob(b'{"stop":["<|im_end|>"]}')
    config = blob(b'{"model_format":"gguf","model_family":"llama"}')

    def manifest(rel: str, layers: list[dict[str, object]]) -> None:
        path = root / "manifests" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        body = {
            "schemaVersion": 2,
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "config": {"mediaType": "application/vnd.docker.container.image.v1+json", **config},
            "layers": layers,
        }
        path.write_text(json.dumps(body))

    manifest(
        "registry.ollama.ai/library/tinyllama/1b",
        [
            {"mediaType": "application/vnd.ollama.image.model", **model},
            {"mediaType": "application/vnd.ollama.image.template", **template},
            {"mediaType": "application/vnd.ollama.image.params", **params},
        ],
    )
    manifest(
        "registry.ollama.ai/someuser/vision/latest",
        [
            {"mediaType": "application/vnd.ollama.image.model", **model},
            {"mediaType": "application/vnd.ollama.image.projector", **proj},
        ],
    )
    manifest(
        "hf.co/bartowski/Tiny-GGUF/Q4_K_M",
        [{"mediaType": "application/vnd.ollama.image.model", **model}],
    )
    return str(model["digest"]).split(":")[1], str(proj["digest"]).split(":")[1]


def test_ollama_store_is_imported_in_place_with_known_hashes(
    paths: DataPaths, isolated_stores: Path, gguf_bytes: bytes
) -> None:
    store = isolated_stores / ".ollama" / "models"
    digest, proj_digest = _ollama_store(store, gguf_bytes)
    offers = find_other_apps()
    # three tags share one blob: one file on disk, counted (and sized) once
    assert [(o.app, o.count, o.size_bytes) for o in offers] == [("ollama", 1, len(gguf_bytes))]
    lib = ModelLibrary(paths, include_hf_cache=False)
    assert lib.entries() == []  # nothing until the user accepts the offer
    report = lib.import_apps(["ollama"])
    names = sorted(e.name for e in lib.entries())
    # three manifests point at one blob: it is listed once, under the first name found
    assert len(names) == 1 and len(report.added) == 2  # the model blob and the projector blob
    entry = lib.entries()[0]
    assert entry.source == "ollama" and entry.path == str(store / "blobs" / f"sha256-{digest}")
    assert entry.sha256 == digest and entry.architecture == "llama"
    # ... and the other tags pointing at the same blob are aliases of it
    for name in ("tinyllama:1b", "someuser/vision:latest", "hf.co/bartowski/Tiny-GGUF:Q4_K_M"):
        assert lib.get(name).path == entry.path
    assert lib.verify(entry.name).status == "ok"
    projector = next(e for e in lib.entries(include_unusable=True) if e.is_mmproj)
    assert projector.sha256 == proj_digest
    # rm never deletes another app's files: the model is only hidden
    assert lib.remove(entry.name) == 0
    assert Path(entry.path).exists()
    assert lib.scan().added == ()  # and it stays hidden
    # a later scan keeps the imported store without being asked again
    assert ModelLibrary(paths, include_hf_cache=False).index.imported_apps == ("ollama",)


def test_ollama_names_follow_ollamas_conventions(
    paths: DataPaths, isolated_stores: Path, gguf_bytes: bytes
) -> None:
    from app.models.importers import scan_ollama

    _ollama_store(isolated_stores / ".ollama" / "models", gguf_bytes)
    names = sorted(c.name_hint or "" for c in scan_ollama())
    assert names == [
        "hf.co/bartowski/Tiny-GGUF:Q4_K_M",
        "someuser/vision:latest",
        "someuser/vision:latest-mmproj",
        "tinyllama:1b",
    ]


def test_lmstudio_and_gpt4all_folders(
    paths: DataPaths, isolated_stores: Path, gguf_bytes: bytes
) -> None:
    lms = isolated_stores / ".lmstudio" / "models" / "lmstudio-community" / "Tiny-GGUF"
    lms.mkdir(parents=True)
    (lms / "Tiny-Q6_K.gguf").write_bytes(gguf_bytes)
    g4a = isolated_stores / ".local" / "share" / "nomic.ai" / "GPT4All"
    g4a.mkdir(parents=True)
    (g4a / "orca-mini-3b-gguf2-q4_0.gguf").write_bytes(gguf_bytes + b"\0")
    assert {o.app for o in find_other_apps()} == {"lmstudio", "gpt4all"}
    lib = ModelLibrary(paths, include_hf_cache=False)
    lib.import_apps(["lmstudio", "gpt4all"])
    lm = lib.get("tiny:Q6_K")
    assert lm.source == "lmstudio" and lm.source_repo == "lmstudio-community/Tiny-GGUF"
    assert lib.get("orca-mini-3b-gguf2:Q4_0").source == "gpt4all"


def _one_model_store(root: Path, data: bytes, rel: str) -> str:
    """A second, smaller Ollama store holding one model under the manifest path ``rel``."""
    digest = hashlib.sha256(data).hexdigest()
    (root / "blobs").mkdir(parents=True)
    (root / "blobs" / f"sha256-{digest}").write_bytes(data)
    manifest = root / "manifests" / rel
    manifest.parent.mkdir(parents=True)
    layer = {"mediaType": "application/vnd.ollama.image.model", "digest": f"sha256:{digest}"}
    manifest.write_text(json.dumps({"schemaVersion": 2, "layers": [{**layer, "size": len(data)}]}))
    return digest


def test_ollama_models_variable_and_the_system_service_store(
    paths: DataPaths, isolated_stores: Path, gguf_bytes: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    # OLLAMA_MODELS moves the user's store; ~/.ollama/models is then not Ollama's any more
    moved = isolated_stores / "big-disk" / "ollama"
    monkeypatch.setenv("OLLAMA_MODELS", str(moved))
    _one_model_store(moved, gguf_bytes, "registry.ollama.ai/library/moved/latest")
    _one_model_store(
        isolated_stores / ".ollama" / "models",
        gguf_bytes + b"\0" * 3,
        "registry.ollama.ai/library/stale/latest",
    )
    # the Linux service (user "ollama", home /usr/share/ollama) keeps its own store
    system = isolated_stores / "usr" / "share" / "ollama" / ".ollama" / "models"
    system_digest = _one_model_store(
        system, gguf_bytes + b"\0", "registry.ollama.ai/library/service/7b"
    )
    broken = system / "manifests" / "registry.ollama.ai" / "library" / "broken"
    broken.mkdir(parents=True)
    (broken / "latest").write_text('["not", "a", "manifest"]')  # skipped, not a crash
    (broken / "old").write_text('{"layers": ["sha256:0"]}')
    monkeypatch.setattr(importers, "OLLAMA_SYSTEM_STORES", (system,))
    assert importers.ollama_stores() == [moved, system]
    assert sorted(c.name_hint or "" for c in scan_app("ollama")) == ["moved:latest", "service:7b"]
    offer = find_other_apps()[0]
    assert (offer.app, offer.count) == ("ollama", 2)
    assert offer.size_bytes == 2 * len(gguf_bytes) + 1
    lib = ModelLibrary(paths, include_hf_cache=False)
    lib.import_apps(["ollama"])
    service = lib.get("service:7b")
    assert service.path == str(system / "blobs" / f"sha256-{system_digest}")
    assert service.sha256 == system_digest and lib.verify("service:7b").status == "ok"
    # OLLAMA_MODELS pointing at the service's store (through a link) reads it once
    link = isolated_stores / "ollama-link"
    link.symlink_to(system)
    monkeypatch.setenv("OLLAMA_MODELS", str(link))
    assert importers.ollama_stores() == [link]
    assert [(o.app, o.count) for o in find_other_apps()] == [("ollama", 1)]


def test_lmstudio_models_directory_from_its_settings(
    paths: DataPaths, isolated_stores: Path, gguf_bytes: bytes
) -> None:
    # LM Studio 0.3: "Models Directory" moved to another disk, written to ~/.lmstudio/settings.json
    custom = isolated_stores / "ssd" / "lm-models"
    repo = custom / "bartowski" / "Moved-GGUF"
    repo.mkdir(parents=True)
    (repo / "Moved-Q4_K_M.gguf").write_bytes(gguf_bytes)
    home = isolated_stores / ".lmstudio"
    (home / "models" / "lmstudio-community" / "Tiny-GGUF").mkdir(parents=True)
    (home / "models" / "lmstudio-community" / "Tiny-GGUF" / "Tiny-Q6_K.gguf").write_bytes(
        gguf_bytes + b"\0"
    )
    settings = {"downloadsFolder": str(custom), "defaultContextLength": {"type": "max"}}
    (home / "settings.json").write_text(json.dumps(settings, indent=2))
    # LM Studio 0.2 kept its settings in the Electron app folder, with the same key
    old = isolated_stores / "old-lm-downloads"
    (old / "TheBloke" / "Old-GGUF").mkdir(parents=True)
    (old / "TheBloke" / "Old-GGUF" / "old.Q5_K_M.gguf").write_bytes(gguf_bytes + b"\0\0")
    electron = isolated_stores / ".config" / "LM Studio"
    electron.mkdir(parents=True)
    (electron / "settings.json").write_text(json.dumps({"downloadsFolder": str(old)}))
    assert importers.lmstudio_stores() == [home / "models", custom, old]
    offer = find_other_apps()[0]
    assert (offer.app, offer.count) == ("lmstudio", 3)
    lib = ModelLibrary(paths, include_hf_cache=False)
    lib.import_apps(["lmstudio"])
    moved = lib.get("moved:Q4_K_M")
    assert moved.source == "lmstudio" and moved.source_repo == "bartowski/Moved-GGUF"
    assert moved.path == str(repo / "Moved-Q4_K_M.gguf")
    assert lib.get("old:Q5_K_M").source_repo == "TheBloke/Old-GGUF"
    assert lib.get("tiny:Q6_K").source == "lmstudio"


def test_lmstudio_settings_naming_its_default_folder_count_each_file_once(
    isolated_stores: Path, gguf_bytes: bytes
) -> None:
    # a pointer file names the home; its settings name the home's own models folder via a link
    home = isolated_stores / "apps" / "lmstudio-home"
    models = home / "models" / "pub" / "Tiny-GGUF"
    models.mkdir(parents=True)
    (models / "Tiny-Q8_0.gguf").write_bytes(gguf_bytes)
    (isolated_stores / ".lmstudio-home-pointer").write_text(f"{home}\n")
    link = isolated_stores / "models-link"
    link.symlink_to(home / "models")
    (home / "settings.json").write_text(json.dumps({"downloadsFolder": str(link)}))
    assert importers.lmstudio_stores() == [home / "models"]
    assert [(o.app, o.count, o.size_bytes) for o in find_other_apps()] == [
        ("lmstudio", 1, len(gguf_bytes))
    ]


@pytest.mark.parametrize(
    "content",
    [
        "{not json",  # malformed
        "[1, 2, 3]",  # JSON, but not an object
        '{"downloadsFolder": 42}',  # not a folder name
        '{"downloadsFolder": ""}',
        "\udcff",  # not UTF-8 at all (written with surrogateescape below)
    ],
)
def test_a_broken_lmstudio_settings_file_is_ignored_quietly(
    isolated_stores: Path,
    gguf_bytes: bytes,
    content: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    home = isolated_stores / ".lmstudio"
    (home / "models" / "pub" / "Tiny-GGUF").mkdir(parents=True)
    (home / "models" / "pub" / "Tiny-GGUF" / "Tiny-Q4_0.gguf").write_bytes(gguf_bytes)
    (home / "settings.json").write_bytes(content.encode("utf-8", "surrogateescape"))
    with caplog.at_level(logging.DEBUG, logger="app.models.importers"):
        assert [(o.app, o.count) for o in find_other_apps()] == [("lmstudio", 1)]
    ignored = [r for r in caplog.records if "settings.json" in r.getMessage()]
    assert ignored and all(r.levelno == logging.DEBUG for r in ignored)


def test_gpt4all_download_path_from_its_settings(
    paths: DataPaths, isolated_stores: Path, gguf_bytes: bytes
) -> None:
    default = isolated_stores / ".local" / "share" / "nomic.ai" / "GPT4All"
    default.mkdir(parents=True)
    (default / "orca-mini-3b-gguf2-q4_0.gguf").write_bytes(gguf_bytes + b"\0")
    # a Download Path with a space and a comma: QSettings quotes it; it ends in "/" as GPT4All
    # writes it (QFileInfo::canonicalFilePath() + "/")
    chosen = isolated_stores / "My Models, big"
    chosen.mkdir()
    (chosen / "Phi-3-mini-4k-instruct.Q4_0.gguf").write_bytes(gguf_bytes)
    ini = isolated_stores / ".config" / "nomic.ai" / "GPT4All.ini"
    ini.parent.mkdir(parents=True)
    ini.write_text(
        "[General]\n"
        "chatTheme=Dark\n"
        f'modelPath="{chosen}/"\n'
        "userDefaultModel=Application default\n"
        "\n"
        "[download]\n"
        "lastVersionStarted=3.4.2\n"
        "\n"
        "[model-Phi-3-mini-4k-instruct.Q4_0.gguf]\n"
        "promptTemplate=<|user|>\\n%1<|end|>\\n<|assistant|>\\n%2<|end|>\\n\n"
    )
    assert importers.gpt4all_model_path() == chosen
    assert importers.gpt4all_stores() == [default, chosen]
    offer = find_other_apps()[0]
    assert (offer.app, offer.count) == ("gpt4all", 2)
    lib = ModelLibrary(paths, include_hf_cache=False)
    lib.import_apps(["gpt4all"])
    phi = lib.get("phi-3-mini-4k-instruct:Q4_0")
    assert phi.source == "gpt4all" and phi.path == str(chosen / "Phi-3-mini-4k-instruct.Q4_0.gguf")
    assert lib.get("orca-mini-3b-gguf2:Q4_0").source == "gpt4all"


def test_gpt4all_settings_forms_and_breakage(isolated_stores: Path, tmp_path: Path) -> None:
    ini = tmp_path / "GPT4All.ini"
    # a key before any section, and the pre-2.4.11 name
    ini.write_text("modelPaths=/srv/models/\n[download]\nx=1\n")
    assert importers.gpt4all_model_path(ini) == Path("/srv/models")
    # Qt's escapes for non-ASCII and backslashes in quoted strings
    ini.write_text('[General]\nmodelPath="C:\\\\Mod\\xe8les, ici"\n')
    assert importers.gpt4all_model_path(ini) == Path("C:\\Mod\u00e8les, ici")
    ini.write_text("[General]\nmodelPath=/mnt/m\u00e9dia/llm/\n")  # Qt 6 writes UTF-8
    assert importers.gpt4all_model_path(ini) == Path("/mnt/m\u00e9dia/llm")
    for broken in ("[General\nmodelPath", "[General]\nchatTheme=Dark\n", ""):
        ini.write_text(broken)
        assert importers.gpt4all_model_path(ini) is None
    ini.write_bytes(b"[General]\nmodelPath=/x\xff\n")
    assert importers.gpt4all_model_path(ini) is None
    assert importers.gpt4all_model_path(tmp_path / "missing.ini") is None


def test_one_folder_shared_by_two_apps_is_offered_once(
    isolated_stores: Path, gguf_bytes: bytes
) -> None:
    # GPT4All's Download Path set to a folder inside LM Studio's models
    shared = isolated_stores / ".lmstudio" / "models" / "pub" / "Tiny-GGUF"
    shared.mkdir(parents=True)
    (shared / "Tiny-Q4_0.gguf").write_bytes(gguf_bytes)
    ini = isolated_stores / ".config" / "nomic.ai" / "GPT4All.ini"
    ini.parent.mkdir(parents=True)
    ini.write_text(f"[General]\nmodelPath={shared}/\n")
    assert [(o.app, o.count) for o in find_other_apps()] == [("lmstudio", 1)]
