"""What a model *name* stands for: a file plus an optional preset (persona).

Plain data shared by the model library, personas, the CLI, the server and the UI.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.engine.types import ChatMessage, SamplingParams


@dataclass(frozen=True)
class ResolvedModel:
    """A loadable model file and the preset that goes with the name that named it."""

    path: Path
    label: str | None = None  # the name the user typed (library name or persona)
    system: str | None = None
    few_shot: tuple[ChatMessage, ...] = ()
    sampling_overrides: dict[str, Any] = field(default_factory=dict)  # SamplingParams fields
    n_ctx: int | None = None
    max_tokens: int | None = None
    stop: tuple[str, ...] = ()
    lora_paths: tuple[Path, ...] = ()
    template: str | None = None  # a persona's own prompt template (Ollama TEMPLATE), if any
    collections: tuple[str, ...] = ()  # default RAG collections (personas)
    load_overrides: dict[str, Any] = field(
        default_factory=dict
    )  # LoadOptions fields (num_gpu, num_thread...)

    def preamble(self, system_override: str | None = None) -> list[ChatMessage]:
        """System prompt (an explicit one wins) followed by the few-shot messages."""
        system = system_override if system_override is not None else self.system
        msgs = [ChatMessage("system", system)] if system else []
        return msgs + list(self.few_shot)

    def sampling(self, **overrides: Any) -> SamplingParams:
        """The preset's sampling, with explicit (non-None) overrides on top."""
        kw = dict(self.sampling_overrides)
        kw.update({k: v for k, v in overrides.items() if v is not None})
        return SamplingParams(**kw)


@dataclass(frozen=True)
class CatalogEntry:
    """One name a user or an API client can ask for (``/v1/models``, ``/api/tags``, pickers)."""

    name: str
    kind: str  # "model" | "persona" | "rag"
    path: Path | None
    size_bytes: int = 0
    modified: float = 0.0
    details: dict[str, Any] = field(default_factory=dict)
