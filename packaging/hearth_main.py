"""Entry script of the packaged app (PyInstaller runs this; from source it is ``app.cli.main``).

``hearth`` with no arguments opens the window, with a sub-command it is the command line.

``hearth --bundle-self-test [--only CHECK ...] [--absent MODULE ...]`` (not shown in the help)
is a release check: inside the frozen process it exercises what only runs there lazily
(resources, torch + sentence-transformers with the bundled embedding model, Chroma, pypdf,
uvicorn + FastAPI) and prints one JSON object; the exit code is 0 when every check passed.
``--absent`` names modules the bundle must not carry: each must be unimportable in the frozen
process (``importlib.util.find_spec`` finds nothing), which covers pure-Python packages inside
the executable's PYZ archive as well as folders in ``_internal/``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import multiprocessing
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _check_resources() -> dict[str, Any]:
    from app.models.recommended import RESOURCE
    from app.personas.store import builtin_personas_dir, resources_dir
    from app.ui.theme import RESOURCES

    personas = sorted(p.stem for p in builtin_personas_dir().glob("*.Modelfile"))
    assert personas, f"no built-in personas in {builtin_personas_dir()}"
    assert RESOURCE.is_file(), f"missing {RESOURCE}"
    json.loads(RESOURCE.read_text(encoding="utf-8"))
    assert (RESOURCES / "styles" / "base.qss").is_file(), f"no styles in {RESOURCES}"
    assert (RESOURCES / "icons" / "hearth.svg").is_file(), f"no icon in {RESOURCES}"
    return {"resources": str(resources_dir()), "personas": personas}


def _check_embedder_and_chroma() -> dict[str, Any]:
    from app.rag.embedder import Embedder

    emb = Embedder("sentence-transformers/all-MiniLM-L6-v2")
    if emb.source.kind != "packaged" and os.environ.get("HF_HUB_OFFLINE") == "1":
        return {"embedder": "not bundled (downloads on first use)"}
    vectors = emb.model.encode(["the fire is warm", "a hearth holds the fire"]).tolist()
    import chromadb
    from chromadb.config import Settings

    with tempfile.TemporaryDirectory() as tmp:
        client = chromadb.PersistentClient(path=tmp, settings=Settings(anonymized_telemetry=False))
        coll = client.get_or_create_collection(
            "selftest", metadata={"hnsw:space": "cosine"}, embedding_function=None
        )
        coll.upsert(ids=["a", "b"], embeddings=vectors, documents=["a", "b"])
        hit = coll.query(query_embeddings=vectors[1:], n_results=1)["ids"][0][0]
        del client, coll
    assert hit == "b", hit
    return {"embedder": emb.source.kind, "dim": len(vectors[0]), "chroma": chromadb.__version__}


def _check_pdf() -> dict[str, Any]:
    import pypdf
    import pypdfium2

    # the source dialog draws cited pages with pdfium: its native library must load here
    doc = pypdfium2.PdfDocument.new()
    doc.new_page(612, 792)
    bitmap = doc[0].render(scale=0.25)
    size = [bitmap.width, bitmap.height]
    doc.close()
    return {"pypdf": pypdf.__version__, "pdfium_page_px": size}


def _check_server() -> dict[str, Any]:
    import httpx
    from fastapi import FastAPI

    from app.server.config import ServerConfig
    from app.server.runner import ServerThread

    api = FastAPI()
    api.get("/ping")(lambda: {"ok": True})
    server = ServerThread(api, ServerConfig(host="127.0.0.1", port=0)).start()
    try:
        body = httpx.get(server.url + "/ping", timeout=10).json()
    finally:
        server.stop()
    assert body == {"ok": True}, body
    return {"server": "uvicorn ok"}


def _check_llama() -> dict[str, Any]:
    from app.engine.backend_info import backend_info

    info = backend_info()
    return {"backend": info.backend, "gpu_offload": info.gpu_offload}


def check_absent(names: list[str]) -> dict[str, Any]:
    """Which of ``names`` this process could import (a frozen one: from the PYZ archive, the
    base library or ``_internal/``). Finding a spec imports only a dotted name's parents."""
    found = []
    for name in names:
        if name in sys.modules:
            found.append(name)
            continue
        try:
            present = importlib.util.find_spec(name) is not None
        except ImportError:  # a parent package is missing too
            present = False
        except Exception:  # a parent package is there but fails to import
            present = True
        if present:
            found.append(name)
    return {"ok": not found, "checked": len(names), "found": found}


CHECKS: dict[str, Callable[[], dict[str, Any]]] = {
    "resources": _check_resources,
    "llama": _check_llama,
    "rag": _check_embedder_and_chroma,
    "pdf": _check_pdf,
    "server": _check_server,
}


def self_test(only: list[str] | None = None, absent: list[str] | None = None) -> int:
    os.environ.setdefault("HEARTH_HOME", tempfile.mkdtemp(prefix="hearth-selftest-"))
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    results: dict[str, Any] = {"frozen": bool(getattr(sys, "frozen", False))}
    ok = True
    for name, check in CHECKS.items():
        if only and name not in only:
            continue
        t0 = time.perf_counter()
        try:
            results[name] = {"ok": True, **check()}
        except Exception as exc:
            ok = False
            results[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
            traceback.print_exc()
        results[name]["seconds"] = round(time.perf_counter() - t0, 2)
    if absent:
        results["absent"] = check_absent(absent)
        ok = ok and results["absent"]["ok"]
    results["ok"] = ok
    print(json.dumps(results), flush=True)
    return 0 if ok else 1


def _bundle_main() -> None:
    # A frozen process re-executes itself for multiprocessing workers (torch, tokenizers).
    multiprocessing.freeze_support()
    # A windowed Windows build has no console: give writers somewhere harmless to go.
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115
    if sys.argv[1:2] == ["--bundle-self-test"]:
        parser = argparse.ArgumentParser(prog="hearth --bundle-self-test")
        parser.add_argument("--only", nargs="+", choices=list(CHECKS), default=None)
        parser.add_argument("--absent", nargs="+", default=[], metavar="MODULE")
        args = parser.parse_args(sys.argv[2:])
        sys.exit(self_test(args.only, args.absent))
    from app.cli.main import main

    main()


if __name__ == "__main__":
    if not getattr(sys, "frozen", False):  # from source: import app from this checkout
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    _bundle_main()
