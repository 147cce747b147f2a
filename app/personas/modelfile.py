"""Read and write Ollama Modelfiles.

Instructions (case-insensitive): FROM (required), PARAMETER, SYSTEM, TEMPLATE, MESSAGE,
ADAPTER, LICENSE, REQUIRES; DRAFT, RENDERER and PARSER are accepted and ignored with
a warning. ``#`` starts a comment line. Values are plain (the rest of the line), in
double quotes, or in triple quotes spanning lines. Relative paths resolve against
the Modelfile's folder. Hearth's extras travel in comments Ollama ignores::

    # hearth.title = "Code reviewer"
    # hearth.collections = ["handbook"]

Every error names its line (:class:`~app.core.errors.ModelfileError`).
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.core.errors import InvalidRequestError, ModelfileError, PersonaError
from app.core.paths import looks_like_path
from app.personas import params as P
from app.personas.gotemplate import GoTemplateSyntaxError, UnsupportedTemplateError
from app.personas.model import (
    DEFAULT_BASE,
    SEMVER_RE,
    Persona,
    absolute_path,
    persona_from_dict,
)
from app.personas.ollama_template import compile_template

INSTRUCTIONS = (
    "FROM",
    "PARAMETER",
    "SYSTEM",
    "TEMPLATE",
    "MESSAGE",
    "ADAPTER",
    "LICENSE",
    "REQUIRES",
)
IGNORED_INSTRUCTIONS = ("DRAFT", "RENDERER", "PARSER")
ROLES = ("system", "user", "assistant")
HEARTH_KEYS = {"title": str, "description": str, "icon": str, "collections": list}
_HEARTH_COMMENT = re.compile(r"#\s*hearth\.([A-Za-z_]+)\s*=\s*(.*?)\s*$")


@dataclass(frozen=True)
class Instruction:
    name: str  # upper case
    value: str
    line: int
    sub: str | None = None  # PARAMETER name or MESSAGE role


@dataclass(frozen=True)
class ParsedModelfile:
    persona: Persona
    warnings: tuple[str, ...] = ()


class _Scanner:
    def __init__(self, text: str) -> None:
        self.s = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
        self.i = 0
        self.line = 1

    def eof(self) -> bool:
        return self.i >= len(self.s)

    def peek(self) -> str:
        return self.s[self.i] if self.i < len(self.s) else ""

    def skip(self, chars: str) -> None:
        while self.i < len(self.s) and self.s[self.i] in chars:
            self.line += self.s[self.i] == "\n"
            self.i += 1

    def word(self, pattern: str) -> str:
        m = re.compile(pattern).match(self.s, self.i)
        w = m.group() if m else ""
        self.i += len(w)
        return w

    def rest_of_line(self) -> str:
        end = self.s.find("\n", self.i)
        end = len(self.s) if end < 0 else end
        out = self.s[self.i : end]
        self.i = end
        return out

    def value(self, what: str) -> str:
        start_line = self.line
        if self.s.startswith('"""', self.i):
            end = self.s.find('"""', self.i + 3)
            if end < 0:
                raise ModelfileError(
                    f'{what}: unterminated triple quote (""" opened here is never closed).',
                    line=start_line,
                )
            out = self.s[self.i + 3 : end]
            self.line += out.count("\n")
            self.i = end + 3
            tail = self.rest_of_line()
            if tail.strip():
                raise ModelfileError(
                    f'{what}: unexpected text after the closing """: {tail.strip()!r}.',
                    line=self.line,
                )
            return out
        if self.peek() == '"':
            end = self.s.find('"', self.i + 1)
            if end < 0:
                raise ModelfileError(f"{what}: unterminated quote.", line=start_line)
            out = self.s[self.i + 1 : end]
            self.line += out.count("\n")
            self.i = end + 1
            tail = self.rest_of_line()
            if tail.strip():
                raise ModelfileError(
                    f"{what}: unexpected text after the closing quote: {tail.strip()!r}.",
                    line=self.line,
                )
            return out
        return self.rest_of_line().strip()


def tokenize(text: str) -> tuple[list[Instruction], list[tuple[str, str, int]]]:
    """Instructions, plus ``(key, raw JSON, line)`` for each ``# hearth.key = value`` comment."""
    sc = _Scanner(text)
    out: list[Instruction] = []
    extras: list[tuple[str, str, int]] = []
    while True:
        sc.skip(" \t\n")
        if sc.eof():
            return out, extras
        line = sc.line
        if sc.peek() == "#":
            m = _HEARTH_COMMENT.match(sc.rest_of_line())
            if m:
                extras.append((m.group(1), m.group(2), line))
            continue
        word = sc.word(r"[A-Za-z]+")
        upper = word.upper()
        if not word or sc.peek() not in " \t\n" or upper not in INSTRUCTIONS + IGNORED_INSTRUCTIONS:
            bad = word + sc.word(r"\S*")
            close = difflib.get_close_matches(bad.upper(), INSTRUCTIONS, n=1)
            tip = (
                f" Did you mean {close[0]}?" if close else f" Use one of {', '.join(INSTRUCTIONS)}."
            )
            raise ModelfileError(f"unknown instruction '{bad}'.{tip}", line=line)
        sc.skip(" \t")
        sub = None
        if upper in ("PARAMETER", "MESSAGE"):
            sub = sc.word(r"[A-Za-z0-9_]+")
            if not sub:
                what = "a parameter name" if upper == "PARAMETER" else "a role"
                raise ModelfileError(f"{upper} needs {what}.", line=line)
            if sc.peek() not in " \t":
                raise ModelfileError(f"{upper} {sub} needs a value.", line=line)
            sc.skip(" \t")
        value = sc.value(upper if sub is None else f"{upper} {sub}")
        if value == "" and upper not in ("SYSTEM", "MESSAGE", "TEMPLATE", "LICENSE"):
            raise ModelfileError(f"{upper} needs a value.", line=line)
        out.append(Instruction(upper, value, line, sub))


def parse_modelfile(
    text: str, *, name: str, base_dir: Path | None = None, check_files: bool = True
) -> ParsedModelfile:
    """Parse Modelfile text into a persona called ``name``.

    ``base_dir`` anchors relative FROM/ADAPTER paths (default: the working folder);
    with ``check_files`` those files must exist (an ADAPTER that does not is an error).
    """
    base_dir = (base_dir or Path.cwd()).resolve()
    instructions, extras = tokenize(text)
    warnings: list[str] = []
    data: dict[str, Any] = {
        "name": name,
        "parameters": {},
        "messages": [],
        "adapters": [],
        "license": [],
    }
    from_line = 0
    for ins in instructions:
        n, v, line = ins.name, ins.value, ins.line
        if n == "FROM":
            if from_line:
                raise ModelfileError(
                    f"a second FROM (the first is on line {from_line}); a persona has one base model.",
                    line=line,
                )
            from_line = line
            data["base"] = _base(v, base_dir, line, check_files)
        elif n == "PARAMETER":
            _parameter(data["parameters"], ins, warnings)
        elif n in ("SYSTEM", "TEMPLATE"):
            data[n.lower()] = v
            if n == "TEMPLATE":
                _check_template(v, line, warnings)
        elif n == "MESSAGE":
            role = (ins.sub or "").lower()
            if role not in ROLES:
                raise ModelfileError(
                    f"MESSAGE role must be system, user or assistant, not '{ins.sub}'.", line=line
                )
            data["messages"].append({"role": role, "content": v})
        elif n == "ADAPTER":
            data["adapters"].append(str(_adapter(v, base_dir, line, check_files)))
        elif n == "LICENSE":
            data["license"].append(v)
        elif n == "REQUIRES":
            m = SEMVER_RE.fullmatch(v)
            if not m:
                raise ModelfileError(
                    f"REQUIRES must be a version such as 0.14.0, not '{v}'.", line=line
                )
            data["requires"] = m.group(1)
        else:
            warnings.append(
                f"Line {line}: {n} is an Ollama instruction Hearth does not use; ignored."
            )
    if not from_line:
        raise ModelfileError(
            "no FROM line: a Modelfile must name its base model (FROM).",
            hint=f"Write 'FROM {DEFAULT_BASE}' to use whichever model is chosen at run time.",
        )
    for key, raw, line in extras:
        _extra(data, key, raw, line, warnings)
    try:
        persona = persona_from_dict(data)
    except PersonaError as exc:
        raise ModelfileError(exc.message) from None
    return ParsedModelfile(persona, tuple(warnings))


def _base(v: str, base_dir: Path, line: int, check: bool) -> str | None:
    if v == DEFAULT_BASE:
        return None
    if not looks_like_path(v):
        return v
    p = absolute_path(v, base_dir)
    if check:
        if p.is_dir():
            raise ModelfileError(
                f"FROM {v} is a folder; Hearth runs GGUF model files.",
                line=line,
                hint="Convert safetensors models to GGUF with llama.cpp's convert_hf_to_gguf.py.",
            )
        if not p.is_file():
            raise ModelfileError(f"FROM {v}: no model file at {p}.", line=line)
        with p.open("rb") as f:
            if f.read(4) != b"GGUF":
                raise ModelfileError(f"FROM {v}: {p.name} is not a GGUF model file.", line=line)
    return str(p)


def _adapter(v: str, base_dir: Path, line: int, check: bool) -> Path:
    p = absolute_path(v, base_dir)
    if check:
        if p.is_dir():
            raise ModelfileError(
                f"ADAPTER {v} is a folder; Hearth needs a LoRA adapter in GGUF format.",
                line=line,
                hint="Convert it with llama.cpp's convert_lora_to_gguf.py.",
            )
        if not p.is_file():
            raise ModelfileError(f"ADAPTER file not found: {p}.", line=line)
        with p.open("rb") as f:
            if f.read(4) != b"GGUF":
                raise ModelfileError(
                    f"ADAPTER {p.name} is not a GGUF LoRA adapter.",
                    line=line,
                    hint="Convert it with llama.cpp's convert_lora_to_gguf.py.",
                )
    return p


def _parameter(params: dict[str, Any], ins: Instruction, warnings: list[str]) -> None:
    name = (ins.sub or "").lower()
    if name in P.IGNORED_PARAMS:
        warnings.append(f"Line {ins.line}: PARAMETER {name} has no effect in Hearth; ignored.")
        return
    if name not in P.PARAMS:
        raise ModelfileError(P.unknown_parameter_message(ins.sub or ""), line=ins.line)
    try:
        value = P.convert(name, ins.value)
    except InvalidRequestError as exc:
        raise ModelfileError(exc.message, line=ins.line) from None
    if name == "stop":
        params.setdefault("stop", []).append(value)
    else:
        params[name] = value


def _check_template(src: str, line: int, warnings: list[str]) -> None:
    try:
        compile_template(src)
    except GoTemplateSyntaxError as exc:
        at = line + max(exc.line - 1, 0)
        raise ModelfileError(
            f"TEMPLATE is not a valid Go template: {exc.message}", line=at
        ) from None
    except UnsupportedTemplateError as exc:
        warnings.append(
            f"Line {line}: {exc.message} The model's own chat template will be used instead."
        )


def _extra(data: dict[str, Any], key: str, raw: str, line: int, warnings: list[str]) -> None:
    if key not in HEARTH_KEYS:
        warnings.append(f"Line {line}: unknown Hearth setting 'hearth.{key}'; ignored.")
        return
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        raise ModelfileError(
            f"hearth.{key} must be a JSON value (text in double quotes), not {raw!r}.", line=line
        ) from None
    kind = HEARTH_KEYS[key]
    if not isinstance(value, kind) or (kind is list and not all(isinstance(x, str) for x in value)):
        raise ModelfileError(
            f"hearth.{key} must be {'a list of names' if kind is list else 'text'}.", line=line
        )
    data[key] = value


# -------------------------------------------------------------------- writer
def quote(value: str, what: str = "value") -> str:
    """A value as the Modelfile parser reads it back unchanged."""
    if value and "\n" not in value and value == value.strip() and not value.startswith('"'):
        return value
    triple_ok = '"""' not in value and not value.endswith('"')
    if triple_ok and "\n" in value:
        return f'"""{value}"""'
    if '"' not in value:
        return f'"{value}"'
    if triple_ok:
        return f'"""{value}"""'
    raise PersonaError(
        f'The {what} cannot be written to a Modelfile: it contains \'"""\' or ends with a quote.'
    )


def _param_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, float) else str(value)


def export_modelfile(persona: Persona, *, base: str | None = None) -> str:
    """Modelfile text that parses back to ``persona`` (``base`` overrides FROM, e.g. for Ollama)."""
    lines = [f"# Modelfile for the Hearth persona '{persona.name}'"]
    for key in HEARTH_KEYS:
        value = getattr(persona, key)
        if value:
            js = json.dumps(list(value) if isinstance(value, tuple) else value, ensure_ascii=False)
            lines.append(f"# hearth.{key} = {js}")
    src = base or persona.base or DEFAULT_BASE
    lines += ["", f"FROM {quote(src, 'base model')}"]
    lines += [f"ADAPTER {quote(a, 'adapter path')}" for a in persona.adapters]
    for name, value in persona.parameters.items():
        for v in value if name == "stop" else [value]:
            lines.append(f"PARAMETER {name} {quote(_param_text(v), f'parameter {name}')}")
    if persona.template is not None:
        lines.append(f"TEMPLATE {quote(persona.template, 'template')}")
    if persona.system is not None:
        lines.append(f"SYSTEM {quote(persona.system, 'system prompt')}")
    for m in persona.messages:
        lines.append(f"MESSAGE {m.role} {quote(m.content, 'message')}")
    lines += [f"LICENSE {quote(text, 'license')}" for text in persona.license]
    if persona.requires:
        lines.append(f"REQUIRES {persona.requires}")
    return "\n".join(lines) + "\n"
