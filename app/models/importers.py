"""Where GGUF models already sit on this computer: folders, the Hugging Face cache, other apps.

Each source yields :class:`Candidate` files; the library reads their headers (once)
and lists them. Nothing is copied: models that Ollama, LM Studio or GPT4All
downloaded are used in place.

Store layouts:

* Ollama: ``$OLLAMA_MODELS`` or ``~/.ollama/models``; ``manifests/<host>/<namespace>/<model>/<tag>``
  is a JSON manifest whose layer of media type ``application/vnd.ollama.image.model`` names
  the GGUF blob ``blobs/sha256-<hex>`` by digest (so its sha256 is known).
* LM Studio: ``~/.lmstudio/models/<publisher>/<repo>/*.gguf`` (older: ``~/.cache/lm-studio/models``).
* GPT4All: ``~/.local/share/nomic.ai/GPT4All`` (Linux), ``~/Library/Application Support/nomic.ai/GPT4All``
  (macOS), ``%LOCALAPPDATA%\\nomic.ai\\GPT4All`` (Windows); flat ``*.gguf``.
* Hugging Face cache: ``$HF_HUB_CACHE`` or ``$HF_HOME/hub`` or ``~/.cache/huggingface/hub``;
  ``models--<owner>--<name>/snapshots/<commit>/<file>`` links to ``blobs/<sha256>``.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from app.core.gguf import iter_gguf_files

OTHER_APPS = ("ollama", "lmstudio", "gpt4all")
APP_LABELS = {"ollama": "Ollama", "lmstudio": "LM Studio", "gpt4all": "GPT4All"}
_OLLAMA_MODEL = "application/vnd.ollama.image.model"
_OLLAMA_PROJECTOR = "application/vnd.ollama.image.projector"
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Candidate:
    """One model file found by a source, with what the source knows about it."""

    path: Path
    source: str  # "hearth" | "folder" | "hf-cache" | "ollama" | "lmstudio" | "gpt4all"
    name_hint: str | None = None  # a name the source gives it (Ollama's "llama3.2:3b")
    source_repo: str | None = None  # "owner/name" on the Hugging Face Hub, when known
    sha256: str | None = None  # known without hashing (Ollama digest, HF blob name)
    is_mmproj: bool = False


def _home() -> Path:
    return Path(os.environ.get("HOME") or os.environ.get("USERPROFILE") or Path.home())


# --- plain folders -------------------------------------------------------------------


def scan_folder(folder: Path, source: str, *, repo_layout: bool = False) -> Iterator[Candidate]:
    """Every ``*.gguf`` under ``folder``; with ``repo_layout``, ``<owner>/<repo>/file`` gives the repo."""
    if not folder.is_dir():
        return
    for path in iter_gguf_files(folder):
        repo = None
        if repo_layout:
            rel = path.relative_to(folder).parts
            if len(rel) >= 3:
                repo = f"{rel[0]}/{rel[1]}"
        yield Candidate(path, source, source_repo=repo)


# --- Hugging Face cache --------------------------------------------------------------


def hf_cache_dir() -> Path:
    env = os.environ.get("HF_HUB_CACHE") or os.environ.get("HUGGINGFACE_HUB_CACHE")
    if env:
        return Path(env).expanduser()
    hf_home = os.environ.get("HF_HOME")
    base = (
        Path(hf_home).expanduser()
        if hf_home
        else Path(os.environ.get("XDG_CACHE_HOME") or _home() / ".cache") / "huggingface"
    )
    return base / "hub"


def scan_hf_cache(cache: Path | None = None) -> Iterator[Candidate]:
    root = cache or hf_cache_dir()
    if not root.is_dir():
        return
    for repo_dir in sorted(root.glob("models--*")):
        parts = repo_dir.name.split("--")[1:]
        repo = "/".join(parts) if parts else None
        snapshots = repo_dir / "snapshots"
        if not snapshots.is_dir():
            continue
        for path in iter_gguf_files(snapshots):
            if not path.exists():  # dangling link: blob removed
                continue
            blob = Path(os.path.realpath(path)).name
            yield Candidate(
                path, "hf-cache", source_repo=repo, sha256=blob if _HEX64.match(blob) else None
            )


# --- Ollama --------------------------------------------------------------------------


def ollama_store() -> Path:
    env = os.environ.get("OLLAMA_MODELS")
    return Path(env).expanduser() if env else _home() / ".ollama" / "models"


def _ollama_name(rel: tuple[str, ...]) -> str:
    host, *rest = rel
    *ns_model, tag = rest
    if host == "registry.ollama.ai" and ns_model and ns_model[0] == "library":
        ns_model = ns_model[1:]
    elif host != "registry.ollama.ai":
        ns_model = [host, *ns_model]
    return f"{'/'.join(ns_model)}:{tag}"


def scan_ollama(store: Path | None = None) -> Iterator[Candidate]:
    """Models pulled with Ollama: manifests name their GGUF blobs by sha256 digest."""
    root = store or ollama_store()
    manifests = root / "manifests"
    if not manifests.is_dir():
        return
    for dirpath, _dirs, files in os.walk(manifests):
        for fn in sorted(files):
            mpath = Path(dirpath) / fn
            rel = mpath.relative_to(manifests).parts
            if len(rel) < 3:
                continue
            try:
                manifest = json.loads(mpath.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            name = _ollama_name(rel)
            for layer in manifest.get("layers") or []:
                media = layer.get("mediaType")
                digest = str(layer.get("digest", ""))
                if media not in (_OLLAMA_MODEL, _OLLAMA_PROJECTOR) or not digest.startswith(
                    "sha256:"
                ):
                    continue
                hexdigest = digest.split(":", 1)[1]
                blob = root / "blobs" / f"sha256-{hexdigest}"
                if blob.is_file():
                    yield Candidate(
                        blob,
                        "ollama",
                        name_hint=name if media == _OLLAMA_MODEL else f"{name}-mmproj",
                        sha256=hexdigest,
                        is_mmproj=media == _OLLAMA_PROJECTOR,
                    )


# --- LM Studio and GPT4All ----------------------------------------------------------


def lmstudio_stores() -> list[Path]:
    home = _home()
    found = [home / ".lmstudio" / "models", home / ".cache" / "lm-studio" / "models"]
    return [p for p in found if p.is_dir()]


def gpt4all_stores() -> list[Path]:
    home = _home()
    if sys.platform == "darwin":
        cands = [home / "Library" / "Application Support" / "nomic.ai" / "GPT4All"]
    elif sys.platform == "win32":
        local = os.environ.get("LOCALAPPDATA")
        cands = [Path(local) / "nomic.ai" / "GPT4All"] if local else []
    else:
        xdg = os.environ.get("XDG_DATA_HOME")
        cands = [(Path(xdg) if xdg else home / ".local" / "share") / "nomic.ai" / "GPT4All"]
    return [p for p in cands if p.is_dir()]


def scan_app(app: str) -> Iterator[Candidate]:
    """All models of one other app (``ollama``, ``lmstudio``, ``gpt4all``)."""
    if app == "ollama":
        yield from scan_ollama()
    elif app == "lmstudio":
        for store in lmstudio_stores():
            yield from scan_folder(store, "lmstudio", repo_layout=True)
    elif app == "gpt4all":
        for store in gpt4all_stores():
            yield from scan_folder(store, "gpt4all")
    else:
        raise ValueError(f"unknown app {app!r}")


@dataclass(frozen=True)
class AppOffer:
    """Models another app has downloaded, which Hearth can use in place."""

    app: str
    label: str
    count: int
    size_bytes: int


def find_other_apps() -> list[AppOffer]:
    """What each other app has (for the first-run screen and ``hearth import``); reads no headers."""
    offers = []
    for app in OTHER_APPS:
        files = [c for c in scan_app(app) if not c.is_mmproj]
        if files:
            size = sum(c.path.stat().st_size for c in files)
            offers.append(AppOffer(app, APP_LABELS[app], len(files), size))
    return offers
