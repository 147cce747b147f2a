"""Turn a model *name* into something the engine can load, and list every such name.

A name may be a path to a .gguf file, a persona (a preset of base model, system
prompt, parameters and few-shot messages), or a model in the local library (its name
or alias). Resolution order: an existing path, then a persona, then a library model.

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
    """Resolve a path, persona name or library name; raise ModelNotFoundError otherwise."""
    p = Path(name).expanduser()
    if (
        p.exists()
        or name.lower().endswith(".gguf")
        or "/" in name.replace("hf.co/", "")
        or "\\" in name
    ):
        if not p.exists():
            raise ModelNotFoundError(f"No model file at {p}.")
        return ResolvedModel(path=p)
    for resolver in _source_functions(1):
        found = resolver(name)
        if found is not None:
            return found  # type: ignore[no-any-return]
    raise ModelNotFoundError(
        f"'{name}' is not a model file, a persona or a model in your library.",
        hint="Run 'hearth models' to list models, or pass a path to a .gguf file.",
    )


def list_catalog() -> list[CatalogEntry]:
    """Every name that :func:`resolve_model` accepts (personas first, then library models)."""
    entries: list[CatalogEntry] = []
    for lister in _source_functions(2):
        entries.extend(lister())
    return entries
