"""Library look-ups for :mod:`app.resolve`: a library name or alias -> a loadable model.

The index is read from disk on each call (cheap JSON) so that names added by another
process (a ``hearth pull`` in a terminal while the app runs) are found; the first
call on a machine without an index scans the folders once.
"""

from __future__ import annotations

from pathlib import Path

from app.core.paths import default_paths
from app.engine.presets import CatalogEntry, ResolvedModel
from app.models.library import ModelLibrary
from app.models.library_index import LibraryEntry


def _library(scan: bool = False) -> ModelLibrary:
    lib = ModelLibrary.from_settings(default_paths())
    if scan or not lib.has_index:
        lib.scan()
    return lib


def resolve_library_model(name: str) -> ResolvedModel | None:
    """The library model called ``name`` (its name, an alias, or a name without the ``:QUANT`` tag).

    An unknown name triggers one rescan (stat-only for known files), so a model copied
    into a folder a moment ago is found.
    """
    lib = _library()
    entry = lib.find(name)
    if entry is None:
        lib.scan()
        entry = lib.find(name)
    if entry is None:
        return None
    return ResolvedModel(path=Path(entry.path), label=entry.name)


def catalog_entry(entry: LibraryEntry, aliases: list[str] | None = None) -> CatalogEntry:
    modified = max((f.mtime_ns for f in entry.files), default=0) / 1e9
    details = {
        "format": "gguf",
        "family": entry.architecture,
        "parameter_size": entry.parameters_label,
        "quantization_level": entry.quantization,
        "context_length": entry.context_length,
        "has_chat_template": entry.has_chat_template,
        "license": entry.license,
        "source": entry.source,
        "source_repo": entry.source_repo,
        "sha256": entry.sha256,
        "aliases": aliases or [],
        "mmproj": entry.mmproj,
    }
    return CatalogEntry(
        name=entry.name,
        kind="model",
        path=Path(entry.path),
        size_bytes=entry.size_bytes,
        modified=modified,
        details=details,
    )


def list_library_models() -> list[CatalogEntry]:
    """Every usable chat model in the library (projectors and damaged files left out).

    Rescans first: unchanged files cost one ``stat`` each, so this stays cheap.
    """
    lib = _library(scan=True)
    return [
        catalog_entry(e, lib.aliases_of(e)) for e in sorted(lib.entries(), key=lambda e: e.name)
    ]
