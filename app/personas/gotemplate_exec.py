"""Execute a parsed Go template (see :mod:`app.personas.gotemplate`) the way Go does.

Values: ``dict`` is a Go ``map[string]any`` (a missing key is the zero value, which
prints as ``<no value>``, as with Ollama's ``missingkey=zero``), :class:`GoStruct` is a
Go struct (an unknown field is an error), lists are slices, and ``None`` is nil.
Truth, printing (``fmt.Sprint``), comparisons and the built-in functions follow Go.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from app.personas.gotemplate import (
    Action,
    Branch,
    Chain,
    Command,
    Dot,
    Field,
    Identifier,
    ListNode,
    Literal,
    LoopControl,
    Pipe,
    Text,
    Variable,
)
from app.personas.gotemplate_funcs import (
    FUNCS,
    GoStruct,
    GoTemplateExecError,
    go_kind,
    go_str,
    truth,
)


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


_MISSING = object()


class Executor:
    """One execution of a template tree over ``data``."""

    def __init__(self, data: Any) -> None:
        self.root = data
        self.vars: list[tuple[str, Any]] = [("$", data)]
        self.out: list[str] = []

    def run(self, tree: ListNode) -> str:
        self.walk_list(tree, self.root)
        return "".join(self.out)

    def walk_list(self, lst: ListNode, dot: Any) -> None:
        for node in lst.nodes:
            self.walk(node, dot)

    def walk(self, node: Any, dot: Any) -> None:
        if isinstance(node, Text):
            self.out.append(node.text)
        elif isinstance(node, Action):
            v = self.eval_pipe(node.pipe, dot)
            if not node.pipe.decl:
                self.out.append(go_str(v))
        elif isinstance(node, Branch):
            mark = len(self.vars)
            try:
                if node.kind == "range":
                    self.walk_range(node, dot)
                else:
                    v = self.eval_pipe(node.pipe, dot)
                    if truth(v):
                        self.walk_list(node.body, v if node.kind == "with" else dot)
                    elif node.else_body is not None:
                        self.walk_list(node.else_body, dot)
            finally:
                del self.vars[mark:]
        elif isinstance(node, LoopControl):
            raise _Break() if node.kind == "break" else _Continue()
        else:  # pragma: no cover - the parser builds no other nodes
            raise GoTemplateExecError(f"unknown node {node!r}")

    def walk_range(self, node: Branch, dot: Any) -> None:
        pipe = node.pipe
        v = self.eval_pipe(Pipe(cmds=pipe.cmds, line=pipe.line), dot)
        if isinstance(v, dict):
            pairs = [(k, v[k]) for k in sorted(v)]
        elif isinstance(v, list | tuple):
            pairs = list(enumerate(v))
        elif isinstance(v, int) and not isinstance(v, bool):
            pairs = [(i, i) for i in range(v)]
        elif v is None:
            pairs = []
        else:
            raise GoTemplateExecError(f"range can't iterate over {go_str(v)}", line=pipe.line)
        if not pairs:
            if node.else_body is not None:
                self.walk_list(node.else_body, dot)
            return
        mark = len(self.vars)
        for key, elem in pairs:
            del self.vars[mark:]
            if len(pipe.decl) == 1:
                self.vars.append((pipe.decl[0], elem))
            elif len(pipe.decl) == 2:
                self.vars += [(pipe.decl[0], key), (pipe.decl[1], elem)]
            try:
                self.walk_list(node.body, elem)
            except _Continue:
                continue
            except _Break:
                break

    def lookup_var(self, name: str) -> Any:
        for n, v in reversed(self.vars):
            if n == name:
                return v
        raise GoTemplateExecError(f'undefined variable "{name}"')

    def eval_pipe(self, pipe: Pipe, dot: Any) -> Any:
        value: Any = _MISSING
        try:
            for cmd in pipe.cmds:
                value = self.eval_command(cmd, dot, value)
        except GoTemplateExecError as exc:
            if exc.line or not pipe.line:
                raise
            raise GoTemplateExecError(exc.detail, line=pipe.line) from None
        if pipe.decl:
            if pipe.is_assign:
                for i in range(len(self.vars) - 1, -1, -1):
                    if self.vars[i][0] == pipe.decl[0]:
                        self.vars[i] = (pipe.decl[0], value)
                        break
                else:
                    raise GoTemplateExecError(f'undefined variable "{pipe.decl[0]}"')
            else:
                self.vars.append((pipe.decl[0], value))
        return value

    def eval_command(self, cmd: Command, dot: Any, final: Any) -> Any:
        first = cmd.args[0]
        if isinstance(first, Identifier):
            name = first.name
            if name in ("and", "or"):
                args = [*cmd.args[1:]]
                vals: list[Callable[[], Any]] = [partial(self.eval_arg, a, dot) for a in args]
                if final is not _MISSING:
                    vals.append(lambda: final)
                if not vals:
                    raise GoTemplateExecError(f"wrong number of args for {name}")
                v: Any = None
                for get in vals:
                    v = get()
                    if truth(v) != (name == "and"):
                        return v
                return v
            args = [self.eval_arg(a, dot) for a in cmd.args[1:]]
            if final is not _MISSING:
                args.append(final)
            try:
                return FUNCS[name](*args)
            except TypeError as exc:
                raise GoTemplateExecError(f"wrong number of args for {name}") from exc
        if len(cmd.args) > 1 or final is not _MISSING:
            raise GoTemplateExecError("can't give argument to non-function")
        return self.eval_arg(first, dot)

    def eval_arg(self, node: Any, dot: Any) -> Any:
        if isinstance(node, Literal):
            return node.value
        if isinstance(node, Dot):
            return dot
        if isinstance(node, Field):
            return self.fields(dot, node.idents)
        if isinstance(node, Variable):
            return self.fields(self.lookup_var(node.idents[0]), node.idents[1:])
        if isinstance(node, Pipe):
            return self.eval_pipe(node, dot)
        if isinstance(node, Chain):
            return self.fields(self.eval_pipe(node.node, dot), node.fields)
        if isinstance(node, Identifier):
            return FUNCS[node.name]()
        raise GoTemplateExecError(f"can't evaluate {node!r}")  # pragma: no cover

    @staticmethod
    def fields(v: Any, idents: tuple[str, ...]) -> Any:
        for name in idents:
            if isinstance(v, dict | GoStruct):
                v = v.get(name)
            elif v is None:
                raise GoTemplateExecError(f"nil pointer evaluating interface {{}}.{name}")
            else:
                raise GoTemplateExecError(f"can't evaluate field {name} in type {go_kind(v)}")
        return v
