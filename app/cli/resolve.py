"""Turn the MODEL argument of a command into something the engine can load.

MODEL may be a path to a .gguf file, a model in the local library (its name or
alias), or a persona name (a preset of base model, system prompt, parameters and
few-shot messages). Resolution order: an existing path, then a persona, then a
library model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.core.errors import ModelNotFoundError
from app.engine.types import ChatMessage, SamplingParams


@dataclass(frozen=True)
class ResolvedModel:
    path: Path
    label: str | None = None
    system: str | None = None
    few_shot: tuple[ChatMessage, ...] = ()
    sampling_overrides: dict[str, Any] = field(default_factory=dict)
    n_ctx: int | None = None
    max_tokens: int | None = None
    stop: tuple[str, ...] = ()

    def preamble(self, system_override: str | None = None) -> list[ChatMessage]:
        """System prompt (the command line's wins) followed by the few-shot messages."""
        system = system_override if system_override is not None else self.system
        msgs = [ChatMessage("system", system)] if system else []
        return msgs + list(self.few_shot)

    def sampling(self, *, temperature: float | None = None, seed: int | None = None) -> SamplingParams:
        kw = dict(self.sampling_overrides)
        if temperature is not None:
            kw["temperature"] = temperature
        if seed is not None:
            kw["seed"] = seed
        return SamplingParams(**kw)


def resolve_model(name: str) -> ResolvedModel:
    p = Path(name).expanduser()
    if p.exists() or name.lower().endswith(".gguf") or "/" in name or "\\" in name:
        if not p.exists():
            raise ModelNotFoundError(f"No model file at {p}.")
        return ResolvedModel(path=p)
    for resolver in _resolvers():
        found = resolver(name)
        if found is not None:
            return found
    raise ModelNotFoundError(
        f"'{name}' is not a model file, a persona or a model in your library.",
        hint="Run 'hearth models' to list models, or pass a path to a .gguf file.",
    )


def _resolvers() -> list[Any]:
    """Persona and library look-ups, when those packages provide them."""
    out = []
    try:
        from app.personas.resolve import resolve_persona

        out.append(resolve_persona)
    except ImportError:
        pass
    try:
        from app.models.resolve import resolve_library_model

        out.append(resolve_library_model)
    except ImportError:
        pass
    return out
