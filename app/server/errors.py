"""Map errors to HTTP statuses and bodies, by exception type (never by message text).

OpenAI routes answer ``{"error": {"message", "type", "param", "code"}}``; Ollama
routes answer ``{"error": "..."}``. Unexpected exceptions become a 500 with a generic
message: tracebacks go to the log, never into a response body.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from app.core.errors import (
    CollectionNotFoundError,
    ContextOverflowError,
    DiskSpaceError,
    DownloadError,
    EmbeddingModelError,
    HearthError,
    HubAccessDeniedError,
    HubAuthRequiredError,
    HubError,
    HubNotFoundError,
    InsufficientMemoryError,
    InvalidRequestError,
    KeychainUnavailableError,
    ModelFileError,
    ModelLoadError,
    ModelNotFoundError,
    NoModelLoadedError,
    QueueFullError,
    RagError,
    ServiceClosedError,
)

log = logging.getLogger(__name__)


class APIError(HearthError):
    """An error raised by the HTTP layer itself (auth, body size, unsupported parameter...)."""

    code = "invalid_request_error"

    def __init__(
        self,
        message: str,
        *,
        status: int = 400,
        type: str = "invalid_request_error",
        param: str | None = None,
        code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.type = type
        self.param = param
        if code is not None:
            self.code = code
        self.headers = headers or {}


class RateLimitedError(APIError):
    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(
            message,
            status=429,
            type="rate_limit_error",
            code="rate_limit_exceeded",
            headers={"Retry-After": str(retry_after)},
        )


@dataclass(frozen=True)
class ErrorInfo:
    status: int
    type: str
    code: str | None
    message: str
    param: str | None
    headers: dict[str, str]


# (exception type, status, OpenAI error type), most specific first
_TABLE: tuple[tuple[type[BaseException], int, str], ...] = (
    (ContextOverflowError, 400, "invalid_request_error"),
    (ModelNotFoundError, 404, "invalid_request_error"),
    (CollectionNotFoundError, 404, "invalid_request_error"),
    (EmbeddingModelError, 503, "server_error"),
    (RagError, 400, "invalid_request_error"),
    (HubNotFoundError, 404, "invalid_request_error"),
    (HubAuthRequiredError, 403, "permission_error"),
    (HubAccessDeniedError, 403, "permission_error"),
    (HubError, 502, "server_error"),
    (DiskSpaceError, 507, "server_error"),
    (DownloadError, 502, "server_error"),
    (InvalidRequestError, 400, "invalid_request_error"),
    (ModelFileError, 400, "invalid_request_error"),
    (NoModelLoadedError, 400, "invalid_request_error"),
    (QueueFullError, 429, "rate_limit_error"),
    (InsufficientMemoryError, 503, "server_error"),
    (ModelLoadError, 503, "server_error"),
    (ServiceClosedError, 503, "server_error"),
    (KeychainUnavailableError, 503, "server_error"),
)


def describe(exc: BaseException, *, retry_after: int = 1) -> ErrorInfo:
    """Status, type, code, message and headers for any exception."""
    if isinstance(exc, APIError):
        return ErrorInfo(exc.status, exc.type, exc.code, exc.message, exc.param, dict(exc.headers))
    if isinstance(exc, HearthError):
        for cls, status, typ in _TABLE:
            if isinstance(exc, cls):
                headers = {"Retry-After": str(retry_after)} if status in (429, 503) else {}
                param = "messages" if isinstance(exc, ContextOverflowError) else None
                if isinstance(exc, ModelNotFoundError):
                    param = "model"
                return ErrorInfo(status, typ, exc.code, str(exc), param, headers)
        log.error("unmapped Hearth error %s: %s", type(exc).__name__, exc)
        return ErrorInfo(500, "server_error", exc.code, str(exc), None, {})
    log.error("internal error", exc_info=exc)
    return ErrorInfo(
        500,
        "server_error",
        "internal_error",
        "The server hit an internal error; see its log.",
        None,
        {},
    )


def openai_body(info: ErrorInfo) -> dict[str, Any]:
    return {
        "error": {
            "message": info.message,
            "type": info.type,
            "param": info.param,
            "code": info.code,
        }
    }


def ollama_body(info: ErrorInfo) -> dict[str, Any]:
    return {"error": info.message}


def validation_message(errors: list[dict[str, Any]]) -> tuple[str, str | None]:
    """One readable sentence (and the parameter path) from pydantic/FastAPI validation errors."""
    if not errors:
        return "The request is not valid.", None
    first = errors[0]
    loc = [str(p) for p in first.get("loc", ()) if p not in ("body",)]
    param = ".".join(loc) or None
    kind = first.get("type", "")
    if kind == "json_invalid":
        return "The request body is not valid JSON.", None
    if kind in ("model_attributes_type", "dict_type") and not loc:
        return "The request body must be a JSON object.", None
    if kind == "missing":
        return f"Missing required parameter: '{param}'.", param
    if kind == "extra_forbidden":
        return f"Unrecognized request argument supplied: '{param}'.", param
    msg = str(first.get("msg", "is not valid"))
    return (
        f"Invalid value for '{param}': {msg}." if param else f"The request is not valid: {msg}."
    ), param
