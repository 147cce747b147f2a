"""Pure-ASGI middleware: request log and metrics, body size limit, API key, per-key rate limit.

Order, outermost first: access log -> CORS -> body limit -> auth and rate limit -> routes.
CORS sits outside auth so a browser's preflight gets its answer and a 401 carries the
CORS headers the page needs to read it.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.server.config import ServerConfig
from app.server.errors import APIError, RateLimitedError, describe, ollama_body, openai_body
from app.server.keys import key_matches
from app.server.metrics import Metrics
from app.server.requestlog import RequestLog, RequestRecord

PUBLIC_PATHS = {"/health", "/"}


def is_ollama_path(path: str) -> bool:
    return path.startswith("/api/")


async def send_error(scope: Scope, send: Send, exc: BaseException) -> None:
    info = describe(exc)
    body = ollama_body(info) if is_ollama_path(scope.get("path", "")) else openai_body(info)
    data = json.dumps(body).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]
    headers += [(k.lower().encode(), v.encode()) for k, v in info.headers.items()]
    if info.status == 401:
        headers.append((b"www-authenticate", b"Bearer"))
    await send({"type": "http.response.start", "status": info.status, "headers": headers})
    await send({"type": "http.response.body", "body": data})


def route_label(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    return str(path) if path else "other"


class AccessLogMiddleware:
    def __init__(self, app: ASGIApp, log: RequestLog, metrics: Metrics, log_prompts: bool) -> None:
        self.app, self.log, self.metrics, self.log_prompts = app, log, metrics, log_prompts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        t0 = time.perf_counter()
        status = 500
        logged = False
        scope.setdefault("state", {})

        def finish() -> None:
            nonlocal logged
            if logged:
                return
            logged = True
            pending = scope["state"].get("hearth_generation")
            if pending is not None and "completion_tokens" not in scope["state"].get(
                "hearth_log", {}
            ):
                # the client left before the end: log once the engine has stopped the generation
                pending[0].add_done_callback(lambda f: write(f.result(), pending[1]))
                return
            write(None, None)

        def write(result: Any, model: str | None) -> None:
            extra: dict[str, Any] = dict(scope["state"].get("hearth_log", {}))
            if result is not None:
                extra.setdefault("model", model)
                extra.setdefault("prompt_tokens", result.stats.prompt_tokens)
                extra.setdefault("completion_tokens", result.stats.completion_tokens)
                extra.setdefault("finish_reason", result.finish_reason.value)
            latency = time.perf_counter() - t0
            route = route_label(scope)
            self.metrics.request_done(route, status, latency)
            client = scope.get("client") or ("", 0)
            self.log.add(
                RequestRecord(
                    time=time.time(),
                    method=scope["method"],
                    route=scope["path"],
                    status=status,
                    latency_ms=round(latency * 1000, 1),
                    client=str(client[0]),
                    model=extra.get("model"),
                    prompt_tokens=extra.get("prompt_tokens"),
                    completion_tokens=extra.get("completion_tokens"),
                    finish_reason=extra.get("finish_reason"),
                    prompt=extra.get("prompt") if self.log_prompts else None,
                )
            )

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                # record before the last byte goes out, so a client that has its answer can
                # already read its log entry
                finish()
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            finish()  # client gone before the end: still one record


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        too_big = APIError(
            f"The request body is larger than the server's limit of {self.max_bytes:,} bytes.",
            status=413,
            code="request_too_large",
        )
        for k, v in scope.get("headers", []):
            if k == b"content-length" and v.isdigit() and int(v) > self.max_bytes:
                await send_error(scope, send, too_big)
                return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise too_big
            return message

        await self.app(scope, limited, send)


class TokenBucket:
    def __init__(self, per_minute: int) -> None:
        self.rate = per_minute / 60.0
        self.capacity = float(per_minute)
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, who: str) -> float:
        """0 if allowed, else seconds until a request would be."""
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(who, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            if tokens >= 1:
                self._buckets[who] = (tokens - 1, now)
                return 0.0
            self._buckets[who] = (tokens, now)
            return (1 - tokens) / self.rate


class AuthMiddleware:
    """Checks ``Authorization: Bearer`` or ``X-Api-Key`` (constant time) and the per-key rate limit."""

    def __init__(self, app: ASGIApp, config: ServerConfig) -> None:
        self.app = app
        self.key = config.api_key
        self.public = PUBLIC_PATHS | set(config.extra_public_paths)
        self.bucket = (
            TokenBucket(config.rate_limit_per_minute) if config.rate_limit_per_minute > 0 else None
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self.public or scope["method"] == "OPTIONS":
            await self.app(scope, receive, send)
            return
        given = None
        for k, v in scope.get("headers", []):
            if k == b"authorization":
                text = v.decode("latin-1").strip()
                if text[:7].lower() == "bearer ":
                    given = text[7:].strip()
            elif k == b"x-api-key" and given is None:
                given = v.decode("latin-1").strip()
        if self.key is not None and not key_matches(self.key, given):
            await send_error(
                scope,
                send,
                APIError(
                    "Incorrect API key provided." if given else "You didn't provide an API key.",
                    status=401,
                    type="authentication_error",
                    code="invalid_api_key",
                ),
            )
            return
        if self.bucket is not None:
            client = scope.get("client") or ("local", 0)
            who = given or str(client[0])
            wait = self.bucket.take(who)
            if wait > 0:
                await send_error(
                    scope,
                    send,
                    RateLimitedError(
                        "Too many requests for this API key.", max(1, round(wait + 0.5))
                    ),
                )
                return
        await self.app(scope, receive, send)
