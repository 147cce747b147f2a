"""Model descriptions in Ollama's shapes (``/api/tags``, ``/api/ps``, ``/api/show``)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from app.core.errors import ModelNotFoundError
from app.engine.presets import CatalogEntry
from app.engine.types import LoadedModel
from app.server.state import ServerState


def _digest(path: Path | None, name: str) -> str:
    # a stable id without hashing gigabytes: path, size and mtime
    h = hashlib.sha256(name.encode())
    if path is not None and path.exists():
        st = path.stat()
        h.update(f"{path}:{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()


def _details(info: Any | None, fallback: dict[str, Any] | None = None) -> dict[str, Any]:
    fallback = fallback or {}
    family = getattr(info, "architecture", None) or fallback.get("architecture") or "unknown"
    return {
        "parent_model": "",
        "format": "gguf",
        "family": family,
        "families": [family],
        "parameter_size": getattr(info, "parameter_label", None)
        or fallback.get("parameter_size")
        or "",
        "quantization_level": getattr(info, "quantization", None)
        or fallback.get("quantization")
        or "",
    }


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat().replace("+00:00", "Z")


def model_entry(e: CatalogEntry) -> dict[str, Any]:
    return {
        "name": e.name,
        "model": e.name,
        "modified_at": _iso(e.modified),
        "size": e.size_bytes,
        "digest": _digest(e.path, e.name),
        "details": _details(None, e.details),
    }


def ps_entry(lm: LoadedModel, name: str) -> dict[str, Any]:
    far = datetime.now(UTC) + timedelta(days=3650)  # Hearth keeps a model until told otherwise
    return {
        "name": name,
        "model": name,
        "size": lm.size_bytes,
        "digest": _digest(lm.path, name),
        "details": _details(
            None, {"architecture": lm.architecture, "quantization": lm.quantization}
        ),
        "expires_at": far.isoformat().replace("+00:00", "Z"),
        "size_vram": lm.size_bytes if lm.gpu_layers else 0,
        "context_length": lm.n_ctx,
    }


def show_model(state: ServerState, name: str) -> dict[str, Any]:
    from app.core.gguf import read_info

    shown, resolved = state.router.describe(name)
    if not resolved.path.exists():
        raise ModelNotFoundError(f"model '{name}' not found")
    info = read_info(resolved.path)
    params = dict(resolved.sampling_overrides)
    if resolved.n_ctx:
        params["num_ctx"] = resolved.n_ctx
    lines = [f"{k} {v}" for k, v in params.items()] + [f'stop "{s}"' for s in resolved.stop]
    modelfile = [f"FROM {resolved.path}"]
    if resolved.system:
        modelfile.append(f'SYSTEM """{resolved.system}"""')
    modelfile += [f"PARAMETER {line}" for line in lines]
    capabilities = ["completion"]
    if info.chat_template and "tools" in info.chat_template:
        capabilities.append("tools")
    capabilities.append("embedding")
    model_info = {
        "general.architecture": info.architecture,
        "general.name": info.name,
        "general.parameter_count": info.parameter_count,
        f"{info.architecture}.context_length": info.context_length,
        f"{info.architecture}.embedding_length": info.embedding_length,
        f"{info.architecture}.block_count": info.block_count,
        f"{info.architecture}.attention.head_count": info.head_count,
        f"{info.architecture}.attention.head_count_kv": info.head_count_kv,
    }
    return {
        "modelfile": "\n".join(modelfile) + "\n",
        "parameters": "\n".join(lines),
        "template": resolved.template or info.chat_template or "",
        "system": resolved.system or "",
        "details": _details(info),
        "model_info": model_info,
        "capabilities": capabilities,
        "modified_at": _iso(resolved.path.stat().st_mtime),
        "license": info.license or "",
        "name": shown,
    }
