"""Exercise Hearth's heavy features from source and print the top-level packages they import.

Release engineers run this after a dependency upgrade to review ``EXCLUDES`` in
``packaging/hearth.spec``: a package listed there must not appear in this output.

    .venv/bin/python packaging/probe_imports.py
"""

from __future__ import annotations

import importlib
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _exercise(tmp: Path) -> None:
    os.environ.setdefault("HEARTH_HOME", str(tmp / "home"))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from app.cli.main import COMMANDS

    for target, _help in COMMANDS.values():
        importlib.import_module(target.split(":")[0])
    for name in (
        "app.ui.launch",
        "app.ui.app",
        "app.server.app",
        "app.server.runner",
        "app.rag.service",
    ):
        importlib.import_module(name)

    # documents: embedder, Chroma, PDF loader
    from app.rag.embedder import Embedder

    emb = Embedder("sentence-transformers/all-MiniLM-L6-v2")
    vec = emb.model.encode(["hello world"]).tolist()
    import chromadb
    from chromadb.config import Settings

    client = chromadb.PersistentClient(
        path=str(tmp / "chroma"), settings=Settings(anonymized_telemetry=False)
    )
    coll = client.get_or_create_collection(
        "probe", metadata={"hnsw:space": "cosine"}, embedding_function=None
    )
    coll.upsert(ids=["a"], embeddings=vec, documents=["hello world"])
    coll.query(query_embeddings=vec, n_results=1)
    # server: uvicorn in a thread, one request
    import httpx
    import pypdf  # noqa: F401

    from app.server.config import ServerConfig
    from app.server.runner import ServerThread

    app = _fastapi_app()
    srv = ServerThread(app, ServerConfig(host="127.0.0.1", port=0))
    srv.start()
    try:
        httpx.get(srv.url + "/", timeout=5)
    finally:
        srv.stop()

    # the window, offscreen
    from PySide6.QtCore import QTimer

    from app.ui.app import build_window, create_app

    qapp = create_app(["hearth"])
    win = build_window()
    win.show()
    QTimer.singleShot(300, qapp.quit)
    qapp.exec()
    win.services.close()


def _fastapi_app():  # the real server app when it can be built without a model, else a bare one
    from fastapi import FastAPI

    bare = FastAPI()
    bare.get("/")(lambda: {"ok": True})
    return bare


def main() -> None:
    before = set(sys.modules)
    with tempfile.TemporaryDirectory() as tmp:
        _exercise(Path(tmp))
    tops = sorted({m.split(".")[0] for m in set(sys.modules) - before})
    print("\n".join(tops))


if __name__ == "__main__":
    main()
