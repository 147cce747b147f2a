from __future__ import annotations

import hashlib
import json
from pathlib import Path

from app.core.paths import DataPaths
from app.models.importers import find_other_apps
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
    assert [(o.app, o.count) for o in offers] == [("ollama", 3)]
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
