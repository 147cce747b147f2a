"""Turn a model *name* into something the engine can load, and list every such name.

A name may be a path to a .gguf file, a persona (a preset of base model, system
prompt, parameters and few-shot messages), or a model in the local library (its name
or alias). Resolution order: an existing file, then a persona, then a library model; a
name that can only be a path (``*.gguf``, ``/...``, ``./...``, ``~...``) is not looked up.
Library names may contain ``/`` (``someuser/vision:latest``, ``hf.co/owner/repo:Q4_K_M``).

The personas and models packages provide the look-ups (``app.personas.resolve`` and
``app.models.resolve``); this module only combines them, for the CLI, the server and
the UI alike.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.core.errors import ModelNotFoundError
from app.core.paths import looks_like_path
from app.engine.presets import CatalogEntry, ResolvedModel

# (module, resolve function, list function), tried in this order
_SOURCES = (
    ("app.personas.resolve", "resolve_persona", "list_personas"),
    ("app.models.resolve", "resolve_library_model", "list_library_models"),
)


def _source_functions(kind: int) -> list[Callable[..., Any]]:
    out = []
    for spec in _SOURCES:
        try:
            mod = importlib.import_module(spec[0])
        except ImportError:
            continue
        fn = getattr(mod, spec[kind], None)
        if fn is not None:
            out.append(fn)
    return out


def resolve_model(name: str) -> ResolvedModel:
    """Resolve a path, persona name or library name; raise ModelNotFoundError otherwise.

    An existing file wins; a name that can only be a path (see :func:`looks_like_path`)
    is never looked up elsewhere; any other name is a persona or a library model.
    """
    p = Path(name).expanduser()
    if p.is_file():
        return ResolvedModel(path=p)
    if looks_like_path(name):
        raise ModelNotFoundError(f"No model file at {p.absolute()}.")
    for resolver in _source_functions(1):
        found = resolver(name)
        if found is not None:
            return found  # type: ignore[no-any-return]
    raise ModelNotFoundError(
        f"'{name}' is neither a model file nor the name of a model (or persona) in your library.",
        hint="Run 'hearth ls' to list your models, or pass a path to a .gguf file.",
    )


def list_catalog() -> list[CatalogEntry]:
    """Every name that :func:`resolve_model` accepts (personas first, then library models)."""
    entries: list[CatalogEntry] = []
    for lister in _source_functions(2):
        entries.extend(lister())
    return entries
