"""Data that crosses the engine's boundary: immutable and validated on construction."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

from app.core.errors import InvalidRequestError

KV_TYPES = ("f16", "q8_0", "q4_0")
Role = Literal["system", "developer", "user", "assistant", "tool"]


class FinishReason(StrEnum):
    STOP = "stop"
    LENGTH = "length"
    CANCELLED = "cancelled"
    CONTEXT_FULL = "context_full"


class TruncationPolicy(StrEnum):
    ERROR = "error"
    DROP_OLDEST = "drop_oldest"  # drop oldest turns, always keep the system prompt


@dataclass(frozen=True)
class LoadOptions:
    """How to load a model. ``None`` means "choose for this machine"."""

    path: Path
    n_ctx: int | None = None  # None: trained context, capped by what fits in memory
    gpu_layers: int | None = 0  # None: "auto" (the most that fit); -1 also means auto
    n_threads: int | None = None
    n_threads_batch: int | None = None
    n_batch: int = 512
    n_ubatch: int = 512
    flash_attn: bool | None = None  # None: on with a GPU, a quantized KV cache or several slots
    kv_type: str = "f16"
    use_mmap: bool = True
    use_mlock: bool = False
    seed: int | None = None
    n_parallel: int = 1  # generations batched together (KV-cache slots sharing the context)
    lora_paths: tuple[Path, ...] = ()
    check_memory: bool = True
    max_default_ctx: int = 32768

    def __post_init__(self) -> None:
        if self.kv_type not in KV_TYPES:
            raise InvalidRequestError(
                f"KV-cache type must be one of {', '.join(KV_TYPES)}, not {self.kv_type!r}."
            )
        if self.n_ctx is not None and self.n_ctx < 16:
            raise InvalidRequestError("Context size must be at least 16 tokens.")
        if self.n_batch < 1 or self.n_ubatch < 1:
            raise InvalidRequestError("Batch sizes must be positive.")
        if not 1 <= self.n_parallel <= 64:
            raise InvalidRequestError("Parallel slots must be between 1 and 64.")
        if self.n_threads is not None and self.n_threads < 1:
            raise InvalidRequestError("Threads must be at least 1.")


@dataclass(frozen=True)
class SamplingParams:
    temperature: float = 0.8
    top_k: int = 40
    top_p: float = 0.95
    min_p: float = 0.05
    typical_p: float = 1.0
    repeat_penalty: float = 1.0
    repeat_last_n: int = 64
    presence_penalty: float = 0.0
    frequency_penalty: float = 0.0
    mirostat: int = 0
    mirostat_tau: float = 5.0
    mirostat_eta: float = 0.1
    seed: int | None = None
    logit_bias: tuple[tuple[int, float], ...] = ()

    def __post_init__(self) -> None:
        checks: list[tuple[bool, str]] = [
            (self.temperature >= 0 and math.isfinite(self.temperature), "temperature must be >= 0"),
            (self.top_k >= 0, "top_k must be >= 0"),
            (0 <= self.top_p <= 1, "top_p must be between 0 and 1"),
            (0 <= self.min_p <= 1, "min_p must be between 0 and 1"),
            (0 < self.typical_p <= 1, "typical_p must be in (0, 1]"),
            (self.repeat_penalty > 0, "repeat_penalty must be > 0"),
            (self.repeat_last_n >= -1, "repeat_last_n must be >= -1"),
            (-2 <= self.presence_penalty <= 2, "presence_penalty must be between -2 and 2"),
            (-2 <= self.frequency_penalty <= 2, "frequency_penalty must be between -2 and 2"),
            (self.mirostat in (0, 1, 2), "mirostat must be 0, 1 or 2"),
        ]
        for ok, msg in checks:
            if not ok:
                raise InvalidRequestError(msg[0].upper() + msg[1:] + ".")


@dataclass(frozen=True)
class ChatMessage:
    role: str
    content: str
    name: str | None = None
    tool_calls: tuple[dict[str, Any], ...] = ()
    tool_call_id: str | None = None

    def to_template(self) -> dict[str, Any]:
        d: dict[str, Any] = {"role": self.role, "content": self.content}
        if self.name:
            d["name"] = self.name
        if self.tool_calls:
            d["tool_calls"] = [dict(tc) for tc in self.tool_calls]
        if self.tool_call_id:
            d["tool_call_id"] = self.tool_call_id
        return d


@dataclass(frozen=True)
class GenerationRequest:
    """A chat (``messages``) or raw completion (``prompt``) request."""

    messages: tuple[ChatMessage, ...] = ()
    prompt: str | None = None
    sampling: SamplingParams = field(default_factory=SamplingParams)
    max_tokens: int | None = None  # None: until a stop or the context is full
    stop: tuple[str, ...] = ()
    grammar: str | None = None  # GBNF
    json_schema: dict[str, Any] | None = None
    json_mode: bool = False  # any JSON object
    truncation: TruncationPolicy = TruncationPolicy.ERROR
    logprobs: int | None = None  # None: off; N: the chosen token plus top N alternatives
    add_generation_prompt: bool = True
    tools: tuple[dict[str, Any], ...] = ()
    template_kwargs: tuple[tuple[str, Any], ...] = ()
    ignore_eos: bool = False

    def __post_init__(self) -> None:
        if (self.prompt is None) == (not self.messages):
            raise InvalidRequestError("A request needs either messages or a prompt.")
        if self.max_tokens is not None and self.max_tokens < 0:
            raise InvalidRequestError("max_tokens must be >= 0.")
        if (
            sum(1 for x in (self.grammar, self.json_schema) if x is not None) + int(self.json_mode)
            > 1
        ):
            raise InvalidRequestError("Use only one of grammar, json_schema and json mode.")
        if self.logprobs is not None and not 0 <= self.logprobs <= 20:
            raise InvalidRequestError("top_logprobs must be between 0 and 20.")
        if any(not s for s in self.stop):
            raise InvalidRequestError("Stop strings must not be empty.")


@dataclass(frozen=True)
class TokenLogprob:
    token: str
    logprob: float
    bytes: tuple[int, ...]
    top: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class TextDelta:
    text: str
    logprobs: tuple[TokenLogprob, ...] = ()


@dataclass(frozen=True)
class GenerationStats:
    prompt_tokens: int
    completion_tokens: int
    cached_tokens: int  # prompt tokens reused from the previous request's KV cache
    ttft_s: float
    prefill_s: float
    decode_s: float
    queue_s: float = 0.0
    parallel: int = 1  # the most generations that shared a batch with this one (itself included)
    suspended: int = 0  # times it was set aside (and evaluated again) to give an older one room

    @property
    def prefill_tok_s(self) -> float:
        n = self.prompt_tokens - self.cached_tokens
        return n / self.prefill_s if self.prefill_s > 0 else 0.0

    @property
    def decode_tok_s(self) -> float:
        n = self.completion_tokens - 1
        return n / self.decode_s if self.decode_s > 0 and n > 0 else 0.0

    @property
    def evaluated_prompt_tokens(self) -> int:
        return self.prompt_tokens - self.cached_tokens

    def to_dict(self) -> dict[str, Any]:
        return {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "cached_tokens": self.cached_tokens,
            "ttft_s": round(self.ttft_s, 4),
            "prefill_tok_s": round(self.prefill_tok_s, 2),
            "decode_tok_s": round(self.decode_tok_s, 2),
        }


@dataclass(frozen=True)
class GenerationResult:
    text: str
    finish_reason: FinishReason
    stats: GenerationStats
    dropped_messages: int = 0  # turns removed by the truncation policy
    logprobs: tuple[TokenLogprob, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "text": self.text,
            "finish_reason": self.finish_reason.value,
            "stats": self.stats.to_dict(),
        }
        if self.dropped_messages:
            d["truncation"] = {"dropped_messages": self.dropped_messages}
        return d


@dataclass(frozen=True)
class Finished:
    result: GenerationResult


@dataclass(frozen=True)
class Failed:
    error: BaseException


Event = TextDelta | Finished | Failed


@dataclass(frozen=True)
class LoadedModel:
    """What is loaded now, as the UI, server and CLI see it."""

    path: Path
    name: str
    architecture: str
    n_ctx: int
    n_ctx_train: int
    gpu_layers: int
    n_layers: int
    kv_type: str
    flash_attn: str  # "on", "off" or "auto"
    n_threads: int
    backend: str
    load_s: float
    size_bytes: int
    quantization: str
    has_chat_template: bool
    vocab_size: int
    embedding_length: int
