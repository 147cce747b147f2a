"""What every route needs, held on ``app.state.hearth`` (no module globals)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import Request

from app.core.errors import InvalidRequestError, QueueFullError
from app.engine.presets import ResolvedModel
from app.engine.service import InferenceService
from app.engine.types import ChatMessage, FinishReason, GenerationResult, SamplingParams
from app.server.config import ServerConfig
from app.server.metrics import Metrics
from app.server.models import ModelRouter
from app.server.requestlog import RequestLog, annotate


@dataclass
class ServerState:
    service: InferenceService
    router: ModelRouter
    config: ServerConfig
    metrics: Metrics
    log: RequestLog
    started_at: float = field(default_factory=time.time)
    fingerprint: str = "fp_hearth"
    rag_factory: Callable[[], Any] | None = None
    downloads_factory: Callable[[], Any] | None = None
    _downloads: Any = None
    _tools_in_template: dict[Path, bool] = field(default_factory=dict)
    _rag: Any = None
    _owns_rag: bool = False
    _owns_downloads: bool = False

    def rag_service(self) -> Any:
        """The document-collection service (created on first use; blocking: call off the loop)."""
        if self._rag is None:
            if self.rag_factory is not None:
                self._rag = self.rag_factory()
            else:
                from app.core.paths import default_paths
                from app.core.settings import SettingsStore
                from app.rag.service import RagService

                paths = default_paths()
                self._rag = RagService(paths, SettingsStore(paths).load().rag)
                self._owns_rag = True
        return self._rag

    def download_manager(self) -> Any:
        """The model library's DownloadManager (for /api/pull; created on first use; blocking)."""
        if self._downloads is None:
            if self.downloads_factory is not None:
                self._downloads = self.downloads_factory()
            else:
                from app.core.paths import default_paths
                from app.core.settings import SettingsStore
                from app.models.downloads import DownloadManager
                from app.models.hub import HubClient
                from app.models.library import ModelLibrary

                paths = default_paths().ensure()
                m = SettingsStore(paths).load().models
                library = ModelLibrary(paths, [Path(f) for f in m.folders])
                self._downloads = DownloadManager(
                    paths,
                    library,
                    HubClient(endpoint=m.hf_endpoint),
                    keep_free_bytes=int(m.keep_free_gb * 1e9),
                    parallel=m.parallel_downloads,
                )
                self._owns_downloads = True
        return self._downloads

    def close(self) -> None:
        """Release what the server created itself (a RAG service or download manager it opened)."""
        if self._rag is not None and self._owns_rag:
            self._rag.close()
            self._rag = None
        if self._downloads is not None and self._owns_downloads:
            self._downloads.close()
            self._downloads = None

    def template_knows_tools(self) -> bool:
        """Whether the loaded model's chat template renders ``tools`` itself (read once per file)."""
        lm = self.service.loaded
        if lm is None:
            return False
        if lm.path not in self._tools_in_template:
            from app.core.gguf import read_info

            try:
                self._tools_in_template[lm.path] = "tools" in (
                    read_info(lm.path).chat_template or ""
                )
            except Exception:
                self._tools_in_template[lm.path] = False
        return self._tools_in_template[lm.path]

    def admit(self) -> None:
        """Refuse a new generation when the engine already has ``max_queue`` waiting or running."""
        if self.service.queue_depth >= self.config.max_queue:
            raise QueueFullError(
                f"{self.service.queue_depth} requests are already waiting.",
                hint="Try again in a moment.",
            )

    def record(
        self, request: Request, model: str, res: GenerationResult, prompt: str | None, wall_s: float
    ) -> None:
        s = res.stats
        annotate(
            request.scope.setdefault("state", {}),
            model=model,
            prompt_tokens=s.prompt_tokens,
            completion_tokens=s.completion_tokens,
            finish_reason=res.finish_reason.value,
            prompt=prompt,
        )
        if res.finish_reason is not FinishReason.CANCELLED or s.completion_tokens:
            self.metrics.generation_done(
                s.prompt_tokens,
                s.completion_tokens,
                s.ttft_s,
                s.decode_tok_s,
                wall_s,
                cached_tokens=s.cached_tokens,
                suspended=s.suspended,
            )


def get_state(request: Request) -> ServerState:
    state: ServerState = request.app.state.hearth
    return state


def sampling(resolved: ResolvedModel, **values: Any) -> SamplingParams:
    """The preset's sampling with the request's explicit values on top (bad values -> 400)."""
    try:
        return resolved.sampling(**values)
    except TypeError as exc:  # a preset naming an unknown field
        raise InvalidRequestError(f"The model's preset has an unknown parameter: {exc}.") from exc


def with_preamble(resolved: ResolvedModel, messages: list[ChatMessage]) -> list[ChatMessage]:
    """The preset's system prompt and few-shot turns before the request's own messages.

    A system message sent by the client replaces the preset's system prompt.
    """
    if messages and messages[0].role in ("system", "developer"):
        head = resolved.preamble(system_override=messages[0].content)
        return head + messages[1:]
    return resolved.preamble() + messages


def stops(value: str | list[str] | None, resolved: ResolvedModel) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else list(value or [])
    out = [s for s in items if s] + [s for s in resolved.stop if s not in items]
    return tuple(out)


def finish_reason(res: GenerationResult) -> str:
    return "stop" if res.finish_reason in (FinishReason.STOP, FinishReason.CANCELLED) else "length"
