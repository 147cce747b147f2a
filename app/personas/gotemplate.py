"""A parser for Go ``text/template``, the language of Ollama's TEMPLATE instruction.

It builds the same tree shape as Go's ``text/template/parse`` (lists, text, actions,
if/range/with with else branches, pipelines of commands) so Ollama's own tree
rewrites (append ``{{ .Response }}``, cut everything after it) can be applied
faithfully. Supported: text, ``{{- -}}`` trimming, comments, fields and chains
(``.A.B``, ``$x.A``, ``(pipe).A``), variables (``$x :=``, ``$i, $m :=``, ``$x =``),
literals, pipelines with ``|``, ``if``/``else if``/``else``/``end``, ``range`` (with
``else``, ``break``, ``continue``), ``with``, and the functions in
:data:`SUPPORTED_FUNCS`. Not supported: ``define``, ``template``, ``block`` and the
functions ``call`` and ``js``; those raise :class:`UnsupportedTemplateError` so
callers can fall back to the model's own chat template.
"""

from __future__ import annotations

from typing import Any

from app.personas.gotemplate_lex import Tok, lex, line_of, number, unquote
from app.personas.gotemplate_nodes import (
    Action,
    Branch,
    Chain,
    Command,
    Dot,
    Field,
    GoTemplateSyntaxError,
    Identifier,
    ListNode,
    Literal,
    LoopControl,
    Pipe,
    Text,
    UnsupportedTemplateError,
    Variable,
)

#: functions Go's text/template and Ollama define that Hearth evaluates
SUPPORTED_FUNCS = frozenset(
    "and or not len index slice eq ne lt le gt ge print printf println html urlquery json".split()
)
#: functions Go defines that Hearth does not evaluate (the template falls back)
UNSUPPORTED_FUNCS = frozenset({"call", "js"})
__all__ = [
    "Action",
    "Branch",
    "Chain",
    "Command",
    "Dot",
    "Field",
    "GoTemplateSyntaxError",
    "Identifier",
    "ListNode",
    "Literal",
    "LoopControl",
    "Pipe",
    "Text",
    "UnsupportedTemplateError",
    "Variable",
    "parse",
]
UNSUPPORTED_KEYWORDS = frozenset({"define", "template", "block"})
_KEYWORDS = (
    frozenset({"if", "else", "end", "range", "with", "break", "continue"}) | UNSUPPORTED_KEYWORDS
)


# -------------------------------------------------------------------- parser
class _Parser:
    def __init__(self, src: str) -> None:
        self.src = src
        self.items = lex(src)
        self.i = 0
        self.range_depth = 0

    def line(self, pos: int) -> int:
        return line_of(self.src, pos)

    def parse(self) -> ListNode:
        body, term, _toks, pos = self.parse_list()
        if term is not None:
            raise GoTemplateSyntaxError(f"unexpected {{{{{term}}}}}", line=self.line(pos))
        return body

    def parse_list(self) -> tuple[ListNode, str | None, list[Tok], int]:
        """Nodes up to an ``else``/``end`` action (returned as the terminator) or the end."""
        out = ListNode()
        while self.i < len(self.items):
            kind, payload, pos = self.items[self.i]
            self.i += 1
            if kind == "text":
                out.nodes.append(Text(payload))
                continue
            toks: list[Tok] = payload
            if not toks:
                raise GoTemplateSyntaxError("missing value for command", line=self.line(pos))
            head = toks[0].text if toks[0].kind == "ident" else None
            if head in ("else", "end"):
                return out, head, toks, pos
            if head in UNSUPPORTED_KEYWORDS:
                raise UnsupportedTemplateError(
                    f"TEMPLATE line {self.line(pos)} uses '{head}', which Hearth does not support."
                )
            if head in ("if", "range", "with"):
                out.nodes.append(self.parse_branch(head, toks[1:], pos))
            elif head in ("break", "continue"):
                if self.range_depth == 0:
                    raise GoTemplateSyntaxError(
                        f"{{{{{head}}}}} outside {{{{range}}}}", line=self.line(pos)
                    )
                out.nodes.append(LoopControl(head))
            else:
                out.nodes.append(Action(self.parse_pipe(toks, pos, decl_ok=True)))
        return out, None, [], len(self.src)

    def parse_branch(self, kind: str, toks: list[Tok], pos: int) -> Branch:
        pipe = self.parse_pipe(toks, pos, decl_ok=True, range_decl=kind == "range")
        if not pipe.cmds:
            raise GoTemplateSyntaxError(f"missing value for {kind}", line=self.line(pos))
        self.range_depth += kind == "range"
        body, term, ttoks, tpos = self.parse_list()
        self.range_depth -= kind == "range"
        node = Branch(kind, pipe, body)
        if term is None:
            raise GoTemplateSyntaxError(
                f"unexpected EOF: {{{{{kind}}}}} has no {{{{end}}}}", line=self.line(pos)
            )
        if term == "else":
            if len(ttoks) > 1:  # {{else if ...}} / {{else with ...}} shares the outer {{end}}
                nested = ttoks[1].text
                if ttoks[1].kind != "ident" or nested not in ("if", "with"):
                    raise GoTemplateSyntaxError(
                        "unexpected tokens after {{else}}", line=self.line(tpos)
                    )
                node.else_body = ListNode([self.parse_branch(nested, ttoks[2:], tpos)])
                return node
            node.else_body, term2, _t, tpos2 = self.parse_list()
            if term2 != "end":
                raise GoTemplateSyntaxError(
                    f"expected {{{{end}}}} for {{{{{kind}}}}}", line=self.line(tpos2)
                )
        elif len(ttoks) > 1:
            raise GoTemplateSyntaxError("unexpected tokens after {{end}}", line=self.line(tpos))
        return node

    def parse_pipe(
        self, toks: list[Tok], pos: int, *, decl_ok: bool, range_decl: bool = False
    ) -> Pipe:
        line = self.line(pos)
        pipe = Pipe(line=line)
        k = 0
        if decl_ok and toks and toks[0].kind == "var":
            if len(toks) > 1 and toks[1].text in (":=", "="):
                pipe.decl, pipe.is_assign, k = [toks[0].text], toks[1].text == "=", 2
            elif (
                range_decl
                and len(toks) > 3
                and toks[1].text == ","
                and toks[2].kind == "var"
                and toks[3].text == ":="
            ):
                pipe.decl, k = [toks[0].text, toks[2].text], 4
        segments: list[list[Tok]] = [[]]
        depth = 0
        for t in toks[k:]:
            if t.kind == "op" and t.text == "(":
                depth += 1
            elif t.kind == "op" and t.text == ")":
                depth -= 1
            if t.kind == "op" and t.text == "|" and depth == 0:
                segments.append([])
            else:
                segments[-1].append(t)
        if depth != 0:
            raise GoTemplateSyntaxError("unbalanced parentheses", line=line)
        if len(segments) == 1 and not segments[0]:
            if pipe.decl:
                raise GoTemplateSyntaxError("missing value in declaration", line=line)
            return pipe
        for seg in segments:
            if not seg:
                raise GoTemplateSyntaxError("missing command in pipeline", line=line)
            pipe.cmds.append(self.parse_command(seg, line))
        return pipe

    def parse_command(self, toks: list[Tok], line: int) -> Command:
        args: list[Any] = []
        k = 0
        while k < len(toks):
            node, k = self.parse_operand(toks, k, line)
            args.append(node)
        return Command(args)

    def parse_operand(self, toks: list[Tok], k: int, line: int) -> tuple[Any, int]:
        t = toks[k]
        k += 1
        node: Any
        if t.kind == "field":
            node = Field((t.text[1:],))
        elif t.kind == "var":
            node = Variable((t.text,))
        elif t.kind == "op" and t.text == ".":
            node = Dot()
        elif t.kind == "str":
            node = Literal(unquote(t.text[1:-1]))
        elif t.kind == "raw":
            node = Literal(t.text[1:-1])
        elif t.kind == "char":
            node = Literal(ord(unquote(t.text[1:-1])))
        elif t.kind == "num":
            node = Literal(number(t.text))
        elif t.kind == "ident":
            if t.text in ("true", "false"):
                node = Literal(t.text == "true")
            elif t.text == "nil":
                node = Literal(None)
            elif t.text in _KEYWORDS:
                raise GoTemplateSyntaxError(f"unexpected keyword {t.text!r} in command", line=line)
            elif t.text in UNSUPPORTED_FUNCS:
                raise UnsupportedTemplateError(
                    f"TEMPLATE line {line} calls '{t.text}', which Hearth does not support."
                )
            elif t.text not in SUPPORTED_FUNCS:
                raise GoTemplateSyntaxError(f'function "{t.text}" not defined', line=line)
            else:
                node = Identifier(t.text)
        elif t.kind == "op" and t.text == "(":
            depth, j = 1, k
            while j < len(toks) and depth:
                depth += toks[j].text == "(" and toks[j].kind == "op"
                depth -= toks[j].text == ")" and toks[j].kind == "op"
                j += 1
            inner = self.parse_pipe(toks[k : j - 1], 0, decl_ok=False)
            inner.line = line
            if not inner.cmds:
                raise GoTemplateSyntaxError("missing value in parentheses", line=line)
            node, k = inner, j
        else:
            raise GoTemplateSyntaxError(f"unexpected {t.text!r} in command", line=line)
        # fields written right after an operand (no space) extend it: $x.A, .A.B, (pipe).A
        fields: list[str] = []
        last = toks[k - 1]
        while k < len(toks) and toks[k].kind == "field" and toks[k].start == last.end:
            fields.append(toks[k].text[1:])
            last = toks[k]
            k += 1
        if fields:
            if isinstance(node, Field | Variable):
                node = type(node)(node.idents + tuple(fields))
            elif isinstance(node, Pipe):
                node = Chain(node, tuple(fields))
            else:
                raise GoTemplateSyntaxError(f"unexpected .{fields[0]} after {t.text!r}", line=line)
        return node, k


def parse(src: str) -> ListNode:
    """Parse a Go template; raise GoTemplateSyntaxError or UnsupportedTemplateError."""
    return _Parser(src).parse()
