"""Conversation data as the rest of Hearth sees it: immutable records."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DEFAULT_TITLE = "New chat"


@dataclass(frozen=True)
class Conversation:
    """One chat: its settings and which leaf of its message tree is shown."""

    id: str
    title: str
    created: float
    updated: float
    model: str | None = None  # a catalog name or a path to a .gguf
    persona: str | None = None
    system: str | None = None
    params: dict[str, Any] = field(default_factory=dict)  # sampling fields + max_tokens
    current_leaf: str | None = None
    deleted: float | None = None


@dataclass(frozen=True)
class Message:
    """A node of the conversation tree. Siblings share a parent (edits and regenerations)."""

    id: str
    conversation_id: str
    parent_id: str | None
    role: str
    content: str
    created: float
    model: str | None = None
    finish_reason: str | None = None
    stats: dict[str, Any] = field(default_factory=dict)  # GenerationStats.to_dict() + dropped


@dataclass(frozen=True)
class Branch:
    """Where a message sits among its siblings (for the ``< 2/3 >`` arrows)."""

    index: int  # 0-based
    count: int
    previous: str | None  # sibling ids
    next: str | None


@dataclass(frozen=True)
class SearchHit:
    conversation: Conversation
    message_id: str | None  # None when only the title matched
    snippet: str
