"""Request bodies of the Ollama-compatible routes."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Body(BaseModel):
    # Ollama ignores fields it does not know; so do these bodies, to keep every ollama client working
    model_config = ConfigDict(extra="ignore")


class OllamaToolFunction(_Body):
    name: str
    arguments: dict[str, Any] | str = Field(default_factory=dict)
    index: int | None = None


class OllamaToolCall(_Body):
    function: OllamaToolFunction


class OllamaMessage(_Body):
    role: str
    content: str | None = ""
    images: list[str] | None = None
    tool_calls: list[OllamaToolCall] | None = None
    tool_name: str | None = None
    thinking: str | None = None


class _Common(_Body):
    model: str
    options: dict[str, Any] | None = None
    stream: bool = True
    keep_alive: str | int | float | None = None
    format: str | dict[str, Any] | None = None
    think: bool | str | None = None


class ChatBody(_Common):
    messages: list[OllamaMessage] = Field(default_factory=list)
    tools: list[dict[str, Any]] | None = None


class GenerateBody(_Common):
    prompt: str | None = None
    suffix: str | None = None
    system: str | None = None
    template: str | None = None
    raw: bool = False
    images: list[str] | None = None
    context: list[int] | None = None


class EmbedBody(_Body):
    model: str
    input: str | list[str] = ""
    truncate: bool = True
    options: dict[str, Any] | None = None
    keep_alive: str | int | float | None = None
    dimensions: int | None = Field(default=None, ge=1)


class LegacyEmbedBody(_Body):
    model: str
    prompt: str = ""
    options: dict[str, Any] | None = None
    keep_alive: str | int | float | None = None


class ShowBody(_Body):
    model: str | None = None
    name: str | None = None
    verbose: bool | None = None


class PullBody(_Body):
    model: str | None = None
    name: str | None = None
    insecure: bool | None = None
    stream: bool = True
