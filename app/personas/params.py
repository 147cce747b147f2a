"""Ollama's PARAMETER names, their types, and where each lands in Hearth's engine.

A persona keeps parameters under their Ollama names and values (so a Modelfile
round-trips exactly); :func:`engine_settings` maps them onto ``SamplingParams`` and
``LoadOptions`` fields when the persona is used.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass
from typing import Any, Literal

from app.core.errors import InvalidRequestError
from app.engine.types import SamplingParams

Target = Literal["sampling", "load", "n_ctx", "max_tokens", "stop"]


@dataclass(frozen=True)
class ParamSpec:
    name: str  # Ollama's name
    type: type  # int, float, bool or str
    target: Target
    field: str  # the SamplingParams / LoadOptions field it sets
    help: str


_SPECS = (
    ParamSpec("num_ctx", int, "n_ctx", "n_ctx", "Context window in tokens."),
    ParamSpec(
        "num_predict",
        int,
        "max_tokens",
        "max_tokens",
        "Most tokens to generate (-1: no limit, -2: fill the context).",
    ),
    ParamSpec(
        "temperature", float, "sampling", "temperature", "Higher is more creative, 0 is greedy."
    ),
    ParamSpec("top_k", int, "sampling", "top_k", "Sample from the K most likely tokens (0: off)."),
    ParamSpec(
        "top_p",
        float,
        "sampling",
        "top_p",
        "Nucleus sampling: smallest set with this total probability.",
    ),
    ParamSpec(
        "min_p",
        float,
        "sampling",
        "min_p",
        "Drop tokens less likely than min_p times the best one.",
    ),
    ParamSpec("typical_p", float, "sampling", "typical_p", "Locally typical sampling (1: off)."),
    ParamSpec(
        "repeat_penalty", float, "sampling", "repeat_penalty", "Penalise repeated tokens (1: off)."
    ),
    ParamSpec(
        "repeat_last_n",
        int,
        "sampling",
        "repeat_last_n",
        "How far back the repeat penalty looks (-1: whole context).",
    ),
    ParamSpec(
        "presence_penalty",
        float,
        "sampling",
        "presence_penalty",
        "Penalise tokens already present.",
    ),
    ParamSpec(
        "frequency_penalty",
        float,
        "sampling",
        "frequency_penalty",
        "Penalise tokens by how often they appeared.",
    ),
    ParamSpec("mirostat", int, "sampling", "mirostat", "Mirostat sampling: 0 off, 1 or 2."),
    ParamSpec("mirostat_tau", float, "sampling", "mirostat_tau", "Mirostat target surprise."),
    ParamSpec("mirostat_eta", float, "sampling", "mirostat_eta", "Mirostat learning rate."),
    ParamSpec(
        "seed",
        int,
        "sampling",
        "seed",
        "Random seed: the same seed gives the same reply (-1: random).",
    ),
    ParamSpec("stop", str, "stop", "stop", "Stop when the model writes this text (repeatable)."),
    ParamSpec("num_gpu", int, "load", "gpu_layers", "Layers to put on the GPU (-1: automatic)."),
    ParamSpec("num_thread", int, "load", "n_threads", "CPU threads (0: automatic)."),
    ParamSpec("num_batch", int, "load", "n_batch", "Prompt batch size."),
    ParamSpec("use_mmap", bool, "load", "use_mmap", "Memory-map the model file."),
    ParamSpec("use_mlock", bool, "load", "use_mlock", "Lock the model in memory."),
)
PARAMS: dict[str, ParamSpec] = {s.name: s for s in _SPECS}

#: Ollama parameters (current or retired) that have no effect in Hearth: accepted with a warning.
IGNORED_PARAMS = frozenset(
    {
        "num_keep",
        "main_gpu",
        "tfs_z",
        "penalize_newline",
        "numa",
        "low_vram",
        "f16_kv",
        "vocab_only",
        "logits_all",
        "num_gqa",
        "rope_frequency_base",
        "rope_frequency_scale",
        "embedding_only",
    }
)

_INT = re.compile(r"[+-]?\d+")
_TRUE = {"1", "t", "T", "TRUE", "true", "True"}
_FALSE = {"0", "f", "F", "FALSE", "false", "False"}
_TYPE_WORD = {int: "a whole number", float: "a number", bool: "true or false", str: "text"}


def unknown_parameter_message(name: str) -> str:
    close = difflib.get_close_matches(name, list(PARAMS), n=1)
    tip = f" Did you mean '{close[0]}'?" if close else ""
    return f"unknown parameter '{name}'.{tip}"


def convert(name: str, raw: str) -> Any:
    """Text from a Modelfile to the parameter's typed value; raises InvalidRequestError."""
    spec = PARAMS[name]
    v: Any
    if spec.type is int:
        if not _INT.fullmatch(raw.strip()):
            raise InvalidRequestError(f"{name} must be {_TYPE_WORD[int]}, not '{raw}'.")
        v = int(raw)
    elif spec.type is float:
        try:
            v = float(raw)
        except ValueError:
            raise InvalidRequestError(f"{name} must be {_TYPE_WORD[float]}, not '{raw}'.") from None
    elif spec.type is bool:
        if raw not in _TRUE | _FALSE:
            raise InvalidRequestError(f"{name} must be {_TYPE_WORD[bool]}, not '{raw}'.")
        v = raw in _TRUE
    else:
        v = raw
    return check(name, v)


def check(name: str, value: Any) -> Any:
    """Type- and range-check one typed value (JSON input and Modelfiles alike)."""
    spec = PARAMS.get(name)
    if spec is None:
        raise InvalidRequestError(unknown_parameter_message(name))
    ok_type = (
        isinstance(value, int) and not isinstance(value, bool)
        if spec.type is int
        else isinstance(value, int | float) and not isinstance(value, bool)
        if spec.type is float
        else isinstance(value, spec.type)
    )
    if not ok_type:
        raise InvalidRequestError(f"{name} must be {_TYPE_WORD[spec.type]}, not {value!r}.")
    if spec.type is float:
        value = float(value)
        if not math.isfinite(value):
            raise InvalidRequestError(f"{name} must be a finite number.")
    if spec.target == "sampling" and not (name == "seed" and value < 0):
        SamplingParams(**{spec.field: value})  # the engine's own range checks
    elif name == "num_ctx" and value < 16:
        raise InvalidRequestError("num_ctx must be at least 16.")
    elif name == "num_predict" and value < -2:
        raise InvalidRequestError("num_predict must be -2, -1 or a positive number.")
    elif name in ("num_batch",) and value < 1:
        raise InvalidRequestError(f"{name} must be at least 1.")
    elif name in ("num_thread",) and value < 0:
        raise InvalidRequestError(f"{name} must be 0 (automatic) or more.")
    elif name == "num_gpu" and value < -1:
        raise InvalidRequestError("num_gpu must be -1 (automatic) or a number of layers.")
    elif name == "stop" and not value:
        raise InvalidRequestError("stop must not be empty.")
    return value


@dataclass(frozen=True)
class EngineSettings:
    """A persona's parameters as the engine's settings."""

    sampling: dict[str, Any]
    load: dict[str, Any]
    n_ctx: int | None
    max_tokens: int | None
    stop: tuple[str, ...]


def engine_settings(params: dict[str, Any]) -> EngineSettings:
    """Map Ollama-named values (``stop`` a list) onto SamplingParams / LoadOptions fields."""
    sampling: dict[str, Any] = {}
    load: dict[str, Any] = {}
    n_ctx = max_tokens = None
    stop: tuple[str, ...] = ()
    for name, value in params.items():
        spec = PARAMS[name]
        if spec.target == "sampling":
            if name == "seed" and value < 0:
                continue  # Ollama's -1: a fresh random seed each time
            sampling[spec.field] = value
        elif spec.target == "load":
            if name == "num_gpu" and value < 0:
                continue  # automatic
            if name == "num_thread" and value == 0:
                continue
            load[spec.field] = value
        elif spec.target == "n_ctx":
            n_ctx = value
        elif spec.target == "max_tokens":
            max_tokens = value if value >= 0 else None
        else:
            stop = tuple(value)
    return EngineSettings(sampling, load, n_ctx, max_tokens, stop)
