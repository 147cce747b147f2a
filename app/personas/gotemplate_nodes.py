"""The tree a Go template parses into; the same shapes as Go's ``text/template/parse``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Text:
    text: str


@dataclass
class Field:
    idents: tuple[str, ...]


@dataclass
class Variable:
    idents: tuple[str, ...]  # ("$x", "A", "B") for $x.A.B


@dataclass
class Dot:
    pass


@dataclass
class Identifier:
    name: str


@dataclass
class Literal:
    value: Any


@dataclass
class Chain:
    node: Any  # a Pipe (parenthesised)
    fields: tuple[str, ...]


@dataclass
class Command:
    args: list[Any]


@dataclass
class Pipe:
    decl: list[str] = field(default_factory=list)
    is_assign: bool = False
    cmds: list[Command] = field(default_factory=list)
    line: int = 0


@dataclass
class Action:
    pipe: Pipe


@dataclass
class Branch:
    kind: str  # "if" | "range" | "with"
    pipe: Pipe
    body: ListNode
    else_body: ListNode | None = None


@dataclass
class LoopControl:
    kind: str  # "break" | "continue"


@dataclass
class ListNode:
    nodes: list[Any] = field(default_factory=list)
