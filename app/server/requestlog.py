"""The request log: time, route, model, tokens, latency, status. Prompt text only when asked for."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import deque
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger("hearth.server.requests")


@dataclass(frozen=True)
class RequestRecord:
    time: float
    method: str
    route: str
    status: int
    latency_ms: float
    client: str
    model: str | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    finish_reason: str | None = None
    prompt: str | None = None


class RequestLog:
    """Keeps the last ``keep`` records in memory (for the GUI and tests) and appends JSON lines to a file."""

    def __init__(self, path: Path | None = None, keep: int = 500) -> None:
        self._records: deque[RequestRecord] = deque(maxlen=keep)
        self._lock = threading.Lock()
        self._path = path
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)

    def add(self, record: RequestRecord) -> None:
        data = {k: v for k, v in asdict(record).items() if v is not None}
        with self._lock:
            self._records.append(record)
            if self._path is not None:
                with self._path.open("a", encoding="utf-8") as f:
                    f.write(json.dumps(data, ensure_ascii=False) + "\n")
        log.info(
            "%s %s %s %d %.0fms model=%s tokens=%s/%s",
            time.strftime("%H:%M:%S", time.localtime(record.time)),
            record.method,
            record.route,
            record.status,
            record.latency_ms,
            record.model or "-",
            record.prompt_tokens if record.prompt_tokens is not None else "-",
            record.completion_tokens if record.completion_tokens is not None else "-",
        )

    def recent(self, n: int = 100) -> list[RequestRecord]:
        with self._lock:
            return list(self._records)[-n:]


def annotate(scope_state: dict[str, Any], **fields: Any) -> None:
    """Routes call this to add model, token counts and prompt to the current request's record."""
    scope_state.setdefault("hearth_log", {}).update(
        {k: v for k, v in fields.items() if v is not None}
    )
