"""Where GGUF models already sit on this computer: folders, the Hugging Face cache, other apps.

Each source yields :class:`Candidate` files; the library reads their headers (once)
and lists them. Nothing is copied: models that Ollama, LM Studio or GPT4All
downloaded are used in place.

Store layouts:

* Ollama: ``$OLLAMA_MODELS`` or ``~/.ollama/models``, and on Linux also the system service's
  store ``/usr/share/ollama/.ollama/models`` (the install script runs Ollama as user ``ollama``);
  ``manifests/<host>/<namespace>/<model>/<tag>`` is a JSON manifest whose layer of media type
  ``application/vnd.ollama.image.model`` names the GGUF blob ``blobs/sha256-<hex>`` by digest
  (so its sha256 is known).
* LM Studio: ``<home>/models/<publisher>/<repo>/*.gguf``, where the home is the folder named in
  ``~/.lmstudio-home-pointer``, ``~/.lmstudio`` or (older) ``~/.cache/lm-studio``; plus the
  "Models Directory" chosen in its settings, key ``downloadsFolder`` of ``<home>/settings.json``
  or (older, the Electron app folder) ``~/.config/LM Studio/settings.json``
  (``~/Library/Application Support/LM Studio``, ``%APPDATA%\\LM Studio``).
* GPT4All: ``~/.local/share/nomic.ai/GPT4All`` (Linux), ``~/Library/Application Support/nomic.ai/GPT4All``
  (macOS), ``%LOCALAPPDATA%\\nomic.ai\\GPT4All`` (Windows); flat ``*.gguf``. A "Download Path"
  chosen in its settings is ``modelPath`` (before v2.4.11 ``modelPaths``) in the Qt INI file
  ``~/.config/nomic.ai/GPT4All.ini`` (Linux and macOS; ``%APPDATA%\\nomic.ai\\GPT4All.ini`` on Windows).
* Hugging Face cache: ``$HF_HUB_CACHE`` or ``$HF_HOME/hub`` or ``~/.cache/huggingface/hub``;
  ``models--<owner>--<name>/snapshots/<commit>/<file>`` links to ``blobs/<sha256>``.
"""

from __future__ import annotations

import configparser
import json
import logging
import os
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from app.core.gguf import iter_gguf_files

log = logging.getLogger(__name__)

OTHER_APPS = ("ollama", "lmstudio", "gpt4all")
APP_LABELS = {"ollama": "Ollama", "lmstudio": "LM Studio", "gpt4all": "GPT4All"}
_OLLAMA_MODEL = "application/vnd.ollama.image.model"
_OLLAMA_PROJECTOR = "application/vnd.ollama.image.projector"
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
# where Ollama's Linux install script keeps the models of the system service (user ``ollama``);
# replaced in tests, which must not look at this machine's real store
OLLAMA_SYSTEM_STORES: tuple[Path, ...] = (
    (Path("/usr/share/ollama/.ollama/models"),) if sys.platform.startswith("linux") else ()
)


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


def _config_home() -> Path:
    """Where desktop apps keep settings: ``$XDG_CONFIG_HOME`` or ``~/.config`` (``%APPDATA%``)."""
    if sys.platform == "win32" and os.environ.get("APPDATA"):
        return Path(os.environ["APPDATA"])
    xdg = os.environ.get("XDG_CONFIG_HOME")
    return Path(xdg) if xdg else _home() / ".config"


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:  # a folder of another user we may not enter
        return False


def _existing_unique(paths: Iterable[Path]) -> list[Path]:
    """The folders that exist, each once (by resolved path), in the order given."""
    seen: set[str] = set()
    out = []
    for path in paths:
        if not _is_dir(path):
            continue
        key = os.path.realpath(path)
        if key not in seen:
            seen.add(key)
            out.append(path)
    return out


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
    """The user's own store: Ollama's ``$OLLAMA_MODELS`` override, else ``~/.ollama/models``."""
    env = os.environ.get("OLLAMA_MODELS")
    return Path(env).expanduser() if env else _home() / ".ollama" / "models"


def ollama_stores(system_stores: Iterable[Path] | None = None) -> list[Path]:
    """Every Ollama store there is: the user's, then the system service's (Linux)."""
    system = OLLAMA_SYSTEM_STORES if system_stores is None else tuple(system_stores)
    return _existing_unique([ollama_store(), *system])


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:
        return False


def _ollama_name(rel: tuple[str, ...]) -> str:
    host, *rest = rel
    *ns_model, tag = rest
    if host == "registry.ollama.ai" and ns_model and ns_model[0] == "library":
        ns_model = ns_model[1:]
    elif host != "registry.ollama.ai":
        ns_model = [host, *ns_model]
    return f"{'/'.join(ns_model)}:{tag}"


def scan_ollama(store: Path | None = None) -> Iterator[Candidate]:
    """Models pulled with Ollama: manifests name their GGUF blobs by sha256 digest.

    Without ``store``, every store of :func:`ollama_stores` is read.
    """
    if store is None:
        for root in ollama_stores():
            yield from scan_ollama(root)
        return
    root = store
    manifests = root / "manifests"
    if not _is_dir(manifests):
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
            if not isinstance(manifest, dict):
                continue
            name = _ollama_name(rel)
            for layer in manifest.get("layers") or []:
                if not isinstance(layer, dict):
                    continue
                media = layer.get("mediaType")
                digest = str(layer.get("digest", ""))
                if media not in (_OLLAMA_MODEL, _OLLAMA_PROJECTOR) or not digest.startswith(
                    "sha256:"
                ):
                    continue
                hexdigest = digest.split(":", 1)[1]
                blob = root / "blobs" / f"sha256-{hexdigest}"
                if _is_file(blob):
                    yield Candidate(
                        blob,
                        "ollama",
                        name_hint=name if media == _OLLAMA_MODEL else f"{name}-mmproj",
                        sha256=hexdigest,
                        is_mmproj=media == _OLLAMA_PROJECTOR,
                    )


# --- LM Studio and GPT4All ----------------------------------------------------------


def lmstudio_homes() -> list[Path]:
    """LM Studio's home folders: the one ``~/.lmstudio-home-pointer`` names, then the defaults."""
    home = _home()
    found = []
    try:
        pointer = (home / ".lmstudio-home-pointer").read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        pointer = ""
    if pointer:
        found.append(Path(pointer.splitlines()[0].strip()).expanduser())
    return [*found, home / ".lmstudio", home / ".cache" / "lm-studio"]


def _electron_app_dir(name: str) -> Path:
    """An Electron app's ``userData`` folder."""
    if sys.platform == "darwin":
        return _home() / "Library" / "Application Support" / name
    return _config_home() / name


def _settings_value(path: Path, key: str) -> str | None:
    """A string value of a JSON settings file; a missing or malformed file is no value."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as e:
        log.debug("ignoring unreadable settings file %s: %s", path, e)
        return None
    if not isinstance(data, dict):
        log.debug("ignoring settings file %s: not a JSON object", path)
        return None
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        log.debug("ignoring %s in %s: not a folder name (%r)", key, path, value)
        return None
    return value.strip()


def lmstudio_stores() -> list[Path]:
    """LM Studio's model folders: ``<home>/models`` and the ``downloadsFolder`` of its settings."""
    homes = lmstudio_homes()
    settings = [h / "settings.json" for h in homes]
    settings.append(_electron_app_dir("LM Studio") / "settings.json")
    chosen = [_settings_value(f, "downloadsFolder") for f in settings]
    return _existing_unique(
        [*(h / "models" for h in homes), *(Path(c).expanduser() for c in chosen if c)]
    )


def _qt_ini_string(raw: str) -> str:
    """A string as ``QSettings`` writes it to an INI file (quoted when it has to be, escaped)."""
    raw = raw.strip()
    if len(raw) >= 2 and raw[0] == raw[-1] == '"':
        raw = raw[1:-1]
    if raw.startswith("@@"):
        raw = raw[1:]
    escapes = {"\\\\": "\\", '\\"': '"', "\\n": "\n", "\\t": "\t", "\\r": "\r"}
    return re.sub(
        r'\\x([0-9a-fA-F]{1,4})|\\[\\"ntr]',
        lambda m: chr(int(m.group(1), 16)) if m.group(1) else escapes[m.group(0)],
        raw,
    )


def gpt4all_settings_file() -> Path:
    """GPT4All's settings: Qt's INI file for organisation ``nomic.ai``, application ``GPT4All``."""
    return _config_home() / "nomic.ai" / "GPT4All.ini"


def gpt4all_model_path(ini: Path | None = None) -> Path | None:
    """The "Download Path" chosen in GPT4All's settings, if any."""
    path = ini or gpt4all_settings_file()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as e:
        log.debug("ignoring unreadable GPT4All settings %s: %s", path, e)
        return None
    parser = configparser.RawConfigParser(strict=False)
    try:
        # keys before any [section] are top-level too, as [General] is for QSettings
        parser.read_string("[General]\n" + text, source=str(path))
    except configparser.Error as e:
        log.debug("ignoring malformed GPT4All settings %s: %s", path, e)
        return None
    for key in ("modelPath", "modelPaths"):  # renamed in GPT4All v2.4.11
        value = parser.get("General", key, fallback="")
        if value.strip():
            return Path(_qt_ini_string(value)).expanduser()
    return None


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
    chosen = gpt4all_model_path()
    return _existing_unique([*cands, *([chosen] if chosen else [])])


def scan_app(app: str) -> Iterator[Candidate]:
    """All models of one other app (``ollama``, ``lmstudio``, ``gpt4all``)."""
    if app == "ollama":
        yield from scan_ollama()
    elif app in ("lmstudio", "gpt4all"):
        stores = lmstudio_stores() if app == "lmstudio" else gpt4all_stores()
        seen: set[str] = set()  # a chosen folder may hold (or sit inside) a default one
        for store in stores:
            for cand in scan_folder(store, app, repo_layout=app == "lmstudio"):
                key = os.path.realpath(cand.path)
                if key not in seen:
                    seen.add(key)
                    yield cand
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
    """What each other app has (for the first-run screen and ``hearth import``); reads no headers.

    A file is counted once, by resolved path, for the first app that has it (several Ollama
    tags share one blob; two apps may be set to one folder).
    """
    offers = []
    seen: set[str] = set()
    for app in OTHER_APPS:
        count = size = 0
        for cand in scan_app(app):
            key = os.path.realpath(cand.path)
            if cand.is_mmproj or key in seen:
                continue
            seen.add(key)
            try:
                size += cand.path.stat().st_size
            except OSError:
                continue
            count += 1
        if count:
            offers.append(AppOffer(app, APP_LABELS[app], count, size))
    return offers
