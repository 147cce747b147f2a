"""The tree a Go template parses into (the same shapes as Go's ``text/template/parse``),
and the errors parsing raises."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.engine.chat_template import TemplateError


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


class GoTemplateSyntaxError(TemplateError):
    """The template is not valid Go template syntax (Ollama would reject it too)."""

    code = "template_syntax_error"

    def __init__(self, message: str, *, line: int = 0) -> None:
        super().__init__(f"TEMPLATE line {line}: {message}" if line else message)
        self.line = line


class UnsupportedTemplateError(TemplateError):
    """Valid Go template, but it uses a construct Hearth does not render."""

    code = "template_unsupported"
