"""Which model a request's ``model`` field means, and swapping to it between requests.

A name may be the loaded model (its file name, stem, GGUF name, or the name it was
loaded under), ``default``, a persona, a library model or a path (through
:func:`app.resolve.resolve_model`). Naming a model other than the loaded one queues a
load right before the request, so swaps happen between requests, in arrival order,
and no running request is ever cut short.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from app.core.errors import ModelNotFoundError, NoModelLoadedError
from app.engine.presets import CatalogEntry, ResolvedModel
from app.engine.service import GenerationHandle, InferenceService
from app.engine.types import Event, GenerationRequest, LoadedModel, LoadOptions

DEFAULT_NAMES = {"", "default", "current", "loaded"}


@dataclass(frozen=True)
class Target:
    """The model a request runs on: its preset and, when a swap was queued, the load."""

    name: str  # the name to echo back to the client
    resolved: ResolvedModel
    load: Future[LoadedModel] | None = None

    def load_error(self) -> BaseException | None:
        if self.load is None or not self.load.done() or self.load.cancelled():
            return None
        return self.load.exception()


@dataclass
class ModelRouter:
    service: InferenceService
    default_model: str | None = None
    allow_swap: bool = True
    load_defaults: dict[str, Any] = field(default_factory=dict)  # LoadOptions fields
    resolver: Callable[[str], ResolvedModel] | None = None
    lister: Callable[[], list[CatalogEntry]] | None = None

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._queued_path: Path | None = None  # what will be loaded once queued loads ran
        self._queued_load: Future[LoadedModel] | None = None
        self._presets: dict[str, ResolvedModel] = {}  # by name, for names we loaded under
        self.last_load_s = 0.0

    # ------------------------------------------------------------- naming
    def _resolve_name(self, name: str) -> ResolvedModel:
        if self.resolver is not None:
            return self.resolver(name)
        from app.resolve import resolve_model

        return resolve_model(name)

    def catalog(self) -> list[CatalogEntry]:
        """Every model name a client may use; the loaded model is always listed."""
        entries: list[CatalogEntry] = []
        try:
            if self.lister is not None:
                entries = list(self.lister())
            else:
                from app.resolve import list_catalog

                entries = list_catalog()
        except Exception:  # a broken library index must not take /v1/models down
            import logging

            logging.getLogger(__name__).exception("listing models failed")
        lm = self.service.loaded
        if lm is not None and not any(e.path == lm.path and e.kind == "model" for e in entries):
            st = lm.path.stat() if lm.path.exists() else None
            entries.insert(
                0,
                CatalogEntry(
                    name=self.loaded_name(lm),
                    kind="model",
                    path=lm.path,
                    size_bytes=lm.size_bytes,
                    modified=st.st_mtime if st else time.time(),
                    details={"architecture": lm.architecture, "quantization": lm.quantization},
                ),
            )
        return entries

    @staticmethod
    def loaded_name(lm: LoadedModel) -> str:
        return lm.path.stem

    def _is_loaded_name(self, name: str, lm: LoadedModel) -> bool:
        n = name.strip()
        return (
            n in {lm.path.stem, lm.path.name, str(lm.path), lm.name} or n.lower() in DEFAULT_NAMES
        )

    def describe(self, name: str) -> tuple[str, ResolvedModel]:
        """Resolve a name without loading anything (for /api/show, /v1/models/{id})."""
        lm = self.service.loaded
        if lm is not None and self._is_loaded_name(name, lm):
            return self.loaded_name(lm), self._presets.get(name, ResolvedModel(path=lm.path))
        if name.strip().lower() in DEFAULT_NAMES:
            if self.default_model:
                return self.default_model, self._resolve_name(self.default_model)
            raise NoModelLoadedError(
                "No model is loaded.",
                hint="Name a model in the request, or load one in Hearth first.",
            )
        return name, self._resolve_name(name)

    # ------------------------------------------------------------- running
    def submit(
        self,
        name: str,
        build: Callable[[ResolvedModel], GenerationRequest],
        on_event: Callable[[Event], None],
    ) -> tuple[GenerationHandle, Target]:
        """Resolve ``name``, queue a swap if needed, and queue the request right after it."""
        with self._lock:
            target = self._target(name)
            request = build(target.resolved)  # may raise InvalidRequestError: nothing queued yet
            if target.load is None and self._queued_path is None and self.service.loaded is None:
                raise NoModelLoadedError(
                    "No model is loaded.",
                    hint="Name a model in the request, or load one in Hearth first.",
                )
            if target.load is not None:
                self._queue_load(target)
            return self.service.submit(request, on_event), target

    def ensure_loaded(self, name: str) -> Target:
        """Queue a load of ``name`` if it is not what will be loaded (for Ollama's load-only requests)."""
        with self._lock:
            target = self._target(name)
            if target.load is not None:
                self._queue_load(target)
            return target

    def _current_path(self) -> Path | None:
        if self._queued_load is not None and not self._queued_load.done():
            return self._queued_path
        lm = self.service.loaded
        return lm.path if lm is not None else None

    def _target(self, name: str) -> Target:
        current = self._current_path()
        lm = self.service.loaded
        if (
            current is not None
            and lm is not None
            and current == lm.path
            and self._is_loaded_name(name, lm)
        ):
            return Target(
                self.loaded_name(lm), self._presets.get(name, ResolvedModel(path=lm.path))
            )
        if name.strip().lower() in DEFAULT_NAMES:
            if current is not None:
                return Target(current.stem, ResolvedModel(path=current))
            if not self.default_model:
                raise NoModelLoadedError(
                    "No model is loaded.",
                    hint="Name a model in the request, or load one in Hearth first.",
                )
            name = self.default_model
        resolved = self._resolve_name(name)
        self._presets[name] = resolved
        if current is not None and resolved.path.resolve() == current.resolve():
            return Target(name, resolved)
        if not self.allow_swap:
            raise ModelNotFoundError(
                f"'{name}' is not the loaded model, and this server does not switch models.",
                hint="Use the loaded model's name, or restart the server with that model.",
            )
        # a placeholder future; _queue_load replaces it with the service's
        return Target(name, resolved, Future())

    def _queue_load(self, target: Target) -> None:
        known = {f.name for f in fields(LoadOptions)}
        kw = {k: v for k, v in self.load_defaults.items() if k in known}
        kw.update({k: v for k, v in target.resolved.load_overrides.items() if k in known})
        if target.resolved.n_ctx:
            kw["n_ctx"] = target.resolved.n_ctx
        if target.resolved.lora_paths:
            kw["lora_paths"] = tuple(target.resolved.lora_paths)
        placeholder = target.load
        assert placeholder is not None
        t0 = time.perf_counter()
        fut = self.service.load(LoadOptions(path=target.resolved.path, **kw))

        def done(f: Future[LoadedModel]) -> None:
            self.last_load_s = time.perf_counter() - t0
            exc = f.exception()
            if exc is not None:
                placeholder.set_exception(exc)
            else:
                placeholder.set_result(f.result())

        placeholder.set_running_or_notify_cancel()
        fut.add_done_callback(done)
        self._queued_path = target.resolved.path
        self._queued_load = fut
