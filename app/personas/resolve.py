"""Persona look-ups for :mod:`app.resolve`: a persona name -> a loadable model plus preset.

A persona's base model is resolved in this order: a ``.gguf`` path; a Hugging Face
reference (``hf.co/owner/repo:QUANT``), which must already be downloaded; another
persona (whose settings it inherits and overrides, as Ollama's ``FROM mymodel``
does); a name in the model library. A persona without a base model of its own uses
``base_model`` when the caller gives one (``hearth run --model``, the model loaded
in the app or the server), else the model used last (``models.last_model``).
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from typing import Any

from app.core.errors import ModelFileError, ModelNotFoundError, PersonaError
from app.core.paths import looks_like_path
from app.engine.presets import CatalogEntry, ResolvedModel
from app.engine.types import ChatMessage
from app.personas.model import Persona, normalise_name
from app.personas.params import engine_settings
from app.personas.store import PersonaStore

_HUB = re.compile(r"(?:https?://)?(?:hf\.co|huggingface\.co)/(.+)", re.IGNORECASE)


def _library_lookup(name: str) -> ResolvedModel | None:
    try:
        mod = importlib.import_module("app.models.resolve")
    except ImportError:
        return None
    fn = getattr(mod, "resolve_library_model", None)
    return fn(name) if fn is not None else None


def resolve_base_ref(ref: str, *, persona: str | None = None) -> ResolvedModel:
    """A model reference (path, hub reference or library name) -> a loadable model.

    Raises ModelNotFoundError saying what to do (``hearth pull`` for a hub reference).
    """

    def missing(what: str, plain: str, hint: str | None = None) -> ModelNotFoundError:
        if persona:
            return ModelNotFoundError(f"The persona '{persona}' is based on {what}.", hint=hint)
        return ModelNotFoundError(plain, hint=hint)

    if looks_like_path(ref):
        p = Path(ref).expanduser()
        if not p.is_file():
            raise missing(f"{p}, which does not exist", f"No model file at {p}.")
        return ResolvedModel(path=p)
    hub = _HUB.fullmatch(ref)
    if hub:
        repo = hub.group(1)
        for candidate in (ref, repo, repo.split("/", 1)[-1]):
            found = _library_lookup(candidate)
            if found is not None:
                return found
        raise missing(
            f"{ref}, which is not downloaded yet",
            f"{ref} is not downloaded yet.",
            hint=f"Run 'hearth pull {ref}' to download it.",
        )
    found = _library_lookup(ref)
    if found is None:
        raise missing(
            f"'{ref}', which is not in your model library",
            f"There is no model '{ref}' in your model library.",
            hint=f"Download it ('hearth pull {ref}'), or change the persona's FROM line.",
        )
    return found


def default_model() -> str | None:
    """The model a persona without a base uses when the caller names none: the last one used."""
    from app.core.errors import SettingsError
    from app.core.paths import default_paths
    from app.core.settings import SettingsStore

    try:
        return SettingsStore(default_paths()).load().models.last_model
    except SettingsError:
        return None


def _chain(store: PersonaStore, persona: Persona) -> list[Persona]:
    """The persona and the personas it is based on, leaf first."""
    chain = [persona]
    seen = {persona.name}
    base = persona.base
    while base is not None and not looks_like_path(base) and not _HUB.fullmatch(base):
        try:
            parent_name = normalise_name(base)
        except PersonaError:
            break
        if parent_name in seen:
            raise PersonaError(f"Persona '{persona.name}' is based on itself (through '{base}').")
        parent = store.find(parent_name)
        if parent is None:
            break
        chain.append(parent.persona)
        seen.add(parent_name)
        base = parent.persona.base
    return chain


def _apply(target: dict[str, Any], p: Persona) -> None:
    es = engine_settings(p.parameters)
    if p.system is not None:
        target["system"] = p.system
    if p.template is not None:
        target["template"] = p.template
    if p.messages:
        target["few_shot"] = tuple(ChatMessage(m.role, m.content) for m in p.messages)
    target["sampling_overrides"] = {**target["sampling_overrides"], **es.sampling}
    target["load_overrides"] = {**target["load_overrides"], **es.load}
    for key, value in (("n_ctx", es.n_ctx), ("max_tokens", es.max_tokens)):
        if value is not None:
            target[key] = value
    if es.stop:
        target["stop"] = es.stop
    target["lora_paths"] = target["lora_paths"] + tuple(Path(a) for a in p.adapters)
    if p.collections:
        target["collections"] = p.collections


def _model_for(ref: str, store: PersonaStore, seen: set[str]) -> ResolvedModel:
    """The model ``ref`` names; a persona name (the app's last pick may be one) means its model."""
    if not looks_like_path(ref) and not _HUB.fullmatch(ref):
        sp = store.find(ref)
        if sp is not None and sp.persona.name not in seen:
            root = _chain(store, sp.persona)[-1].base
            if root is not None:
                return resolve_base_ref(root, persona=sp.persona.name)
    return resolve_base_ref(ref)


def persona_to_resolved(
    persona: Persona, *, base_model: str | None = None, store: PersonaStore | None = None
) -> ResolvedModel:
    """What the engine needs to run ``persona`` (see the module docstring for the base model)."""
    store = store or PersonaStore()
    chain = _chain(store, persona)
    root = chain[-1].base
    if root is None:
        ref = base_model or default_model()
        if ref is None:
            raise ModelNotFoundError(
                f"The persona '{persona.name}' has no base model of its own, and no model has been used yet.",
                hint=f"Name one: 'hearth run {persona.name} --model MODEL ...', or load a model in Hearth first.",
            )
        base = _model_for(ref, store, {p.name for p in chain})
    else:
        base = resolve_base_ref(root, persona=persona.name)
    fields: dict[str, Any] = {
        "system": base.system,
        "few_shot": base.few_shot,
        "sampling_overrides": dict(base.sampling_overrides),
        "load_overrides": dict(base.load_overrides),
        "n_ctx": base.n_ctx,
        "max_tokens": base.max_tokens,
        "stop": base.stop,
        "lora_paths": base.lora_paths,
        "template": base.template,
        "collections": base.collections,
    }
    for p in reversed(chain):
        _apply(fields, p)
    for lora in fields["lora_paths"]:
        if not Path(lora).is_file():
            raise ModelFileError(
                f"The persona '{persona.name}' uses the LoRA adapter {lora}, which does not exist.",
                hint="Put the file back, or remove the ADAPTER line from the persona.",
            )
    return ResolvedModel(path=base.path, label=persona.name, **fields)


def resolve_persona(name: str, *, base_model: str | None = None) -> ResolvedModel | None:
    """The persona called ``name`` ready to run, or None if there is no such persona."""
    store = PersonaStore()
    sp = store.find(name)
    if sp is None:
        return None
    return persona_to_resolved(sp.persona, base_model=base_model, store=store)


def list_personas() -> list[CatalogEntry]:
    """Every persona as a catalog entry (kind ``persona``), without resolving base models."""
    out = []
    for sp in PersonaStore().list():
        p = sp.persona
        path = Path(p.base) if p.base and looks_like_path(p.base) else None
        details = {
            "title": p.display_name,
            "description": p.description or "",
            "icon": p.icon or "",
            "base": p.base,
            "builtin": sp.builtin,
            "collections": list(p.collections),
            "has_template": p.template is not None,
        }
        out.append(
            CatalogEntry(
                name=p.name, kind="persona", path=path, modified=sp.modified, details=details
            )
        )
    return out
