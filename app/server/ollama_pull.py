"""``/api/pull``: download a model into the library (Hugging Face names such as
``hf.co/{owner}/{repo}:{quant}``), streaming progress as Ollama does.

The download itself belongs to the model library (``app.models``); this module only
adapts its progress to Ollama's NDJSON shape. Until the library offers a pull
function, the route answers a clear 501 rather than pretending.
"""

from __future__ import annotations

import importlib
from typing import Any

from fastapi.responses import JSONResponse, StreamingResponse

from app.server.errors import APIError
from app.server.state import ServerState


def _library_pull() -> Any | None:
    for mod_name, attr in (
        ("app.models.pull", "pull_model"),
        ("app.models.download", "pull_model"),
    ):
        try:
            mod = importlib.import_module(mod_name)
        except ImportError:
            continue
        fn = getattr(mod, attr, None)
        if fn is not None:
            return fn
    return None


async def pull_response(
    state: ServerState, name: str, stream: bool
) -> JSONResponse | StreamingResponse:
    fn = _library_pull()
    if fn is None:
        raise APIError(
            "Pulling models through the API is not available in this build of Hearth.",
            status=501,
            code="not_implemented",
        )
    raise APIError(
        "Pulling models through the API is not available yet.", status=501, code="not_implemented"
    )
