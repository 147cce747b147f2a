"""``create_app(...)``: the ASGI application, built from explicit parts (no module globals).

The CLI (``hearth serve``) and the GUI both call it with their own InferenceService and
run it with :class:`app.server.runner.ServerThread`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.cors import CORSMiddleware

from app import __version__
from app.core.errors import HearthError
from app.engine.service import InferenceService
from app.server.config import ServerConfig
from app.server.errors import APIError, describe, ollama_body, openai_body, validation_message
from app.server.metrics import Metrics
from app.server.middleware import (
    AccessLogMiddleware,
    AuthMiddleware,
    BodyLimitMiddleware,
    is_ollama_path,
)
from app.server.models import ModelRouter
from app.server.requestlog import RequestLog
from app.server.state import ServerState


def _error_response(request: Request, exc: BaseException, retry_after: int) -> JSONResponse:
    info = describe(exc, retry_after=retry_after)
    body = ollama_body(info) if is_ollama_path(request.url.path) else openai_body(info)
    return JSONResponse(body, status_code=info.status, headers=info.headers or None)


def create_app(
    service: InferenceService,
    config: ServerConfig | None = None,
    *,
    router: ModelRouter | None = None,
    load_defaults: dict[str, Any] | None = None,
    rag: Callable[[], Any] | None = None,
    downloads: Callable[[], Any] | None = None,
) -> FastAPI:
    """An app serving ``service``.

    ``router`` lets the GUI and tests supply their own model resolution; ``rag`` returns the
    application's RagService for ``rag:<collection>`` model names (default: the server opens
    its own on first use and closes it with :meth:`ServerState.close`); ``downloads`` likewise
    returns the application's DownloadManager for ``/api/pull``.
    """
    config = config or ServerConfig()
    router = router or ModelRouter(
        service,
        default_model=config.default_model,
        allow_swap=config.allow_swap,
        load_defaults=load_defaults or {},
    )
    metrics = Metrics(lambda: service.queue_depth)
    log = RequestLog(Path(config.log_file) if config.log_file else None)
    app = FastAPI(
        title="Hearth local API",
        version=__version__,
        description="OpenAI- and Ollama-compatible API over the model loaded in Hearth.",
        docs_url=None,
        redoc_url=None,
    )
    app.state.hearth = ServerState(
        service=service,
        router=router,
        config=config,
        metrics=metrics,
        log=log,
        rag_factory=rag,
        downloads_factory=downloads,
    )

    @app.exception_handler(HearthError)
    async def _hearth_error(request: Request, exc: HearthError) -> JSONResponse:
        return _error_response(request, exc, metrics.retry_after())

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        message, param = validation_message(list(exc.errors()))
        return _error_response(request, APIError(message, param=param), 1)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = {
            404: f"No route {request.method} {request.url.path}.",
            405: "Method not allowed.",
        }.get(exc.status_code, str(exc.detail))
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code)
        return _error_response(request, APIError(message, status=exc.status_code, code=code), 1)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        return _error_response(request, exc, 1)

    @app.get("/health", include_in_schema=True)
    async def health() -> dict[str, Any]:
        lm = service.loaded
        return {
            "status": "ok",
            "model": router.loaded_name(lm) if lm else None,
            "queue_depth": service.queue_depth,
            "uptime_s": round(time.time() - app.state.hearth.started_at, 1),
        }

    @app.get("/", include_in_schema=False)
    async def root() -> PlainTextResponse:
        return PlainTextResponse("Hearth is running")  # Ollama clients probe "/"

    @app.get("/metrics", include_in_schema=False)
    async def prometheus() -> PlainTextResponse:
        return PlainTextResponse(metrics.render(), media_type="text/plain; version=0.0.4")

    from app.server import ollama_api, openai_api, openai_chat

    app.include_router(openai_chat.router)
    app.include_router(openai_api.router)
    app.include_router(ollama_api.router)

    # innermost first: auth, body limit, CORS, access log (outermost)
    app.add_middleware(AuthMiddleware, config=config)
    app.add_middleware(BodyLimitMiddleware, max_bytes=config.max_body_bytes)
    if config.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(config.cors_origins),
            allow_credentials=False,
            allow_methods=["GET", "POST", "DELETE", "OPTIONS"],
            allow_headers=["Authorization", "Content-Type", "X-Api-Key"],
            max_age=600,
        )
    app.add_middleware(
        AccessLogMiddleware, log=log, metrics=metrics, log_prompts=config.log_prompts
    )
    return app
