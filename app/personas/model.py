"""The Persona: a base model plus the system prompt, parameters, template and examples
that make it a "Code reviewer" or a "French tutor". Immutable and validated."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from app.core.errors import InvalidRequestError, PersonaError
from app.core.paths import looks_like_path
from app.personas import params as P

#: what ``FROM`` says when a persona has no base model of its own (see :attr:`Persona.base`)
DEFAULT_BASE = "@default"
NAME_RE = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
#: a REQUIRES version: 0.5.0, v0.14.1, 0.6.0-rc1
SEMVER_RE = re.compile(r"v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)")


def absolute_path(ref: str, base_dir: Path | None = None) -> Path:
    """``ref`` with ``~`` expanded, anchored at ``base_dir`` (default: the working folder)
    and resolved: how a Modelfile's FROM and ADAPTER paths are read."""
    p = Path(ref).expanduser()
    return (p if p.is_absolute() else (base_dir or Path.cwd()) / p).resolve()


def normalise_text(text: str) -> str:
    """Line ends as a Modelfile reads them back: ``\\r\\n`` and a bare ``\\r`` become ``\\n``."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def normalise_name(name: str) -> str:
    """Lower-case; drop Ollama's ``:latest`` tag; raise PersonaError if not a valid name."""
    n = name.strip().lower()
    if n.endswith(":latest"):
        n = n[: -len(":latest")]
    if not NAME_RE.fullmatch(n) or n.endswith(".gguf"):
        raise PersonaError(
            f"'{name}' is not a valid persona name.",
            hint="Use letters, digits, '.', '_' and '-' (up to 64), starting with a letter or digit.",
        )
    return n


class PersonaMessage(BaseModel):
    """One few-shot example message (Modelfile ``MESSAGE``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    role: Literal["system", "user", "assistant"]
    content: str

    @field_validator("role", mode="before")
    @classmethod
    def _role(cls, v: Any) -> Any:
        return v.strip().lower() if isinstance(v, str) else v

    @field_validator("content")
    @classmethod
    def _content(cls, v: str) -> str:
        return normalise_text(v)


class Persona(BaseModel):
    """A named preset. ``parameters`` uses Ollama's names and value types."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    base: str | None = Field(
        None,
        description="Library name, .gguf path, hub reference (hf.co/owner/repo:QUANT) or another "
        "persona; None: the model chosen at run time (--model, the loaded model, or the last used).",
    )
    title: str | None = Field(None, description="Display name, e.g. 'Code reviewer'.")
    description: str | None = None
    icon: str | None = Field(None, description="An emoji or an icon name.")
    system: str | None = None
    template: str | None = Field(None, description="Ollama TEMPLATE (Go template syntax).")
    parameters: dict[str, Any] = Field(default_factory=dict)
    messages: tuple[PersonaMessage, ...] = ()
    adapters: tuple[str, ...] = Field((), description="LoRA adapter files (GGUF), absolute paths.")
    license: tuple[str, ...] = ()
    requires: str | None = Field(None, description="Minimum Ollama version (REQUIRES).")
    collections: tuple[str, ...] = Field(
        (), description="Document collections to search by default."
    )

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        try:
            return normalise_name(v)
        except PersonaError as exc:
            raise ValueError(exc.message) from None

    @field_validator("base")
    @classmethod
    def _base(cls, v: str | None) -> str | None:
        """Empty or ``@default``: None; a relative file path: made absolute (as FROM reads it)."""
        if v is None:
            return None
        v = v.strip()
        if v in ("", DEFAULT_BASE):
            return None
        return str(absolute_path(v)) if looks_like_path(v) else v

    @field_validator("adapters")
    @classmethod
    def _adapters(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        out = []
        for a in v:
            if not a.strip():
                raise ValueError("an adapter path is empty")
            out.append(str(absolute_path(a.strip())))
        return tuple(out)

    @field_validator("title", "description", "icon")
    @classmethod
    def _optional_text(cls, v: str | None) -> str | None:
        """Empty text is no text (a Modelfile does not write empty Hearth extras)."""
        return v if v else None

    @field_validator("system")
    @classmethod
    def _system(cls, v: str | None) -> str | None:
        return None if v is None else normalise_text(v)

    @field_validator("license")
    @classmethod
    def _license(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(normalise_text(t) for t in v)

    @field_validator("template")
    @classmethod
    def _template(cls, v: str | None) -> str | None:
        """A TEMPLATE must be valid Go template syntax. A valid one that uses a construct
        Hearth does not render is accepted: it falls back to the model's own template."""
        if v is None:
            return None
        v = normalise_text(v)
        from app.personas.gotemplate import GoTemplateSyntaxError, UnsupportedTemplateError
        from app.personas.ollama_template import compile_template

        try:
            compile_template(v)
        except GoTemplateSyntaxError as exc:
            raise ValueError(f"not a valid Go template: {exc.message}") from None
        except UnsupportedTemplateError:
            pass
        return v

    @field_validator("requires")
    @classmethod
    def _requires(cls, v: str | None) -> str | None:
        if v is None:
            return None
        m = SEMVER_RE.fullmatch(v.strip())
        if not m:
            raise ValueError(f"must be an Ollama version such as 0.5.0, not '{v}'")
        return m.group(1)

    @field_validator("parameters")
    @classmethod
    def _params(cls, v: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in P.PARAMS:  # canonical order
            if name not in v:
                continue
            value = v[name]
            try:
                if name == "stop":
                    stops = [value] if isinstance(value, str) else list(value)
                    value = [normalise_text(P.check("stop", s)) for s in stops]
                    if not value:
                        continue
                else:
                    value = P.check(name, value)
            except InvalidRequestError as exc:
                raise ValueError(exc.message) from None
            out[name] = value
        unknown = set(v) - set(P.PARAMS)
        if unknown:
            raise ValueError(P.unknown_parameter_message(sorted(unknown)[0]))
        return out

    @property
    def display_name(self) -> str:
        return self.title or self.name.replace("-", " ").replace("_", " ").capitalize()

    def with_changes(self, **changes: Any) -> Persona:
        """A validated copy with some fields replaced."""
        return persona_from_dict({**self.model_dump(), **changes})

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


def persona_from_dict(data: dict[str, Any]) -> Persona:
    """Validate a persona from JSON-like data (the GUI's editor, ``--json`` files)."""
    try:
        return Persona.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "persona"
        msg = str(first["msg"]).removeprefix("Value error, ")
        raise PersonaError(f"Persona field '{where}' is wrong: {msg}") from None
