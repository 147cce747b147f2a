"""User settings: declared once (typed, with defaults and descriptions), saved as TOML.

Each area has its own section model. Unknown keys in the file are an error so a typo
does not silently do nothing; files from older versions are migrated by ``version``.
Window geometry is not here (it lives in QSettings).
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from app.core.errors import SettingsError
from app.core.paths import DataPaths

SETTINGS_VERSION = 1


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class EngineSettings(_Section):
    n_ctx: int | None = Field(
        None, description="Context size; empty = the model's trained context, capped by memory."
    )
    max_default_ctx: int = Field(
        32768, ge=512, description="Ceiling for the automatic context size."
    )
    gpu_layers: int | None = Field(
        None, description="Layers to offload to the GPU; empty = auto from the fit estimate."
    )
    n_threads: int | None = Field(
        None, ge=1, description="CPU threads; empty = one per physical core."
    )
    n_batch: int = Field(512, ge=1, description="Prompt batch size.")
    flash_attn: bool | None = Field(None, description="Flash attention; empty = auto.")
    kv_type: Literal["f16", "q8_0", "q4_0"] = Field("f16", description="KV-cache element type.")
    use_mmap: bool = Field(True, description="Memory-map the model file.")
    use_mlock: bool = Field(False, description="Lock the model in RAM.")
    n_parallel: int | None = Field(
        None,
        ge=1,
        le=64,
        description=(
            "Generations batched together, sharing the context; empty = 1 in the app "
            "(fastest single chat), 4 for `hearth serve` (concurrent clients)."
        ),
    )


class ModelsSettings(_Section):
    folders: list[str] = Field(
        default_factory=list, description="Extra folders to scan for GGUF files."
    )
    scan_other_apps: bool = Field(
        True, description="Offer models that Ollama, LM Studio and GPT4All downloaded."
    )
    hf_endpoint: str | None = Field(
        None, description="Hugging Face Hub address; empty = HF_ENDPOINT or huggingface.co."
    )
    last_model: str | None = Field(None, description="The model loaded last time.")
    keep_free_gb: float = Field(
        1.0, ge=0, description="Refuse downloads that would leave less free disk than this (GB)."
    )
    parallel_downloads: int = Field(
        1, ge=1, le=8, description="Downloads that run at the same time; the rest wait in a queue."
    )


class ServerSettings(_Section):
    host: str = Field(
        "127.0.0.1",
        description="Address to listen on; 127.0.0.1 keeps the server on this computer.",
    )
    port: int = Field(11435, ge=1, le=65535, description="TCP port.")
    require_api_key: bool = Field(
        True, description="Ask clients for the API key (kept in the OS keychain)."
    )
    cors_origins: list[str] = Field(
        default_factory=list, description="Web origins allowed to call the server."
    )
    max_queue: int = Field(16, ge=1, description="Requests that may wait before new ones get 429.")
    start_with_app: bool = Field(False, description="Start the server when the app starts.")


class RagSettings(_Section):
    embedding_model: str = Field(
        "sentence-transformers/all-MiniLM-L6-v2", description="Default embedding model."
    )
    chunk_tokens: int = Field(
        384, ge=32, le=4096, description="Chunk size in embedding-model tokens."
    )
    chunk_overlap: int = Field(64, ge=0, description="Tokens shared by neighbouring chunks.")
    top_k: int = Field(6, ge=1, le=100, description="Passages retrieved per question.")
    mode: Literal["hybrid", "dense", "keyword"] = Field("hybrid", description="Retrieval mode.")
    reranker_model: str | None = Field(
        None, description="Cross-encoder for reranking; empty = off."
    )
    chroma_url: str | None = Field(
        None, description="Shared Chroma server (http://host:port); empty = embedded store."
    )


class UiSettings(_Section):
    theme: Literal["system", "light", "dark"] = Field("system", description="Colour theme.")
    font_scale: float = Field(
        1.0, ge=0.5, le=3.0, description="Extra text scaling on top of the system's."
    )
    first_run_done: bool = Field(False, description="The first-run guide has been completed.")


class Settings(_Section):
    version: int = SETTINGS_VERSION
    engine: EngineSettings = Field(default_factory=EngineSettings)
    models: ModelsSettings = Field(default_factory=ModelsSettings)
    server: ServerSettings = Field(default_factory=ServerSettings)
    rag: RagSettings = Field(default_factory=RagSettings)
    ui: UiSettings = Field(default_factory=UiSettings)


def _migrate(data: dict[str, Any]) -> dict[str, Any]:
    version = int(data.get("version", 0))
    if version == 0:  # pre-release files had no version and no sections
        data = {k: v for k, v in data.items() if isinstance(v, dict)}
    data["version"] = SETTINGS_VERSION
    return data


def _drop_none(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _drop_none(v) for k, v in obj.items() if v is not None}
    return obj


class SettingsStore:
    """Load and save :class:`Settings` in ``settings.toml`` under the data folder."""

    def __init__(self, paths: DataPaths) -> None:
        self.path: Path = paths.settings_file

    def load(self) -> Settings:
        if not self.path.exists():
            return Settings()
        try:
            data = tomllib.loads(self.path.read_text(encoding="utf-8"))
            return Settings.model_validate(_migrate(data))
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(f"{self.path} is not valid TOML: {exc}.") from exc
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise SettingsError(
                f"{self.path}: setting '{where}' is wrong: {first['msg']}."
            ) from exc

    def save(self, settings: Settings) -> None:
        import tomli_w

        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(
            tomli_w.dumps(_drop_none(settings.model_dump(mode="json"))), encoding="utf-8"
        )
        os.replace(tmp, self.path)
