"""Any persona exports to a Modelfile that parses back to the same persona."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.errors import PersonaError
from app.personas.model import Persona, PersonaMessage, persona_from_dict
from app.personas.modelfile import export_modelfile, parse_modelfile
from app.personas.store import PersonaStore

TRICKY = [
    "plain",
    "  leading and trailing spaces  ",
    'say "hi" to them',
    'multi\nline with "quotes" inside',
    "ends with newline\n",
    "",
    "# looks like a comment",
    "FROM not-an-instruction",
    "tabs\tand unicode: café ✓ 日本",
    '"starts with a quote and has\nnewlines',
]


def roundtrip(p: Persona) -> Persona:
    return parse_modelfile(export_modelfile(p), name=p.name, check_files=False).persona


def test_full_persona_round_trips(tmp_path: Path) -> None:
    p = Persona(
        name="mario",
        base="hf.co/owner/repo:Q4_K_M",
        title="Mario",
        description='It\'s-a me!\nSecond line with "quotes"',
        icon="🍄",
        system="You are Mario from Super Mario Bros.\nAnswer as Mario.",
        template="{{ if .System }}<|system|>{{ .System }}{{ end }}<|user|>{{ .Prompt }}<|assistant|>",
        parameters={
            "num_ctx": 4096,
            "num_predict": -1,
            "temperature": 0.65,
            "top_k": 30,
            "top_p": 0.9,
            "min_p": 0.02,
            "typical_p": 0.95,
            "repeat_penalty": 1.1,
            "repeat_last_n": -1,
            "presence_penalty": 0.5,
            "frequency_penalty": -0.5,
            "mirostat": 2,
            "mirostat_tau": 4.5,
            "mirostat_eta": 0.05,
            "seed": 1234,
            "stop": ["<|user|>", " END ", "a\nb"],
            "num_gpu": 20,
            "num_thread": 6,
            "num_batch": 256,
            "use_mmap": True,
            "use_mlock": False,
        },
        messages=(
            PersonaMessage(role="user", content="Hi"),
            PersonaMessage(role="assistant", content="Wahoo!"),
        ),
        adapters=(str(tmp_path / "a b" / "lora.gguf"), str(tmp_path / "second.gguf")),
        license=("MIT", "Line 1\nLine 2"),
        requires="0.5.1",
        collections=("castle-docs", "recipes"),
    )
    assert roundtrip(p) == p


@pytest.mark.parametrize("value", TRICKY)
def test_tricky_text_round_trips(value: str) -> None:
    p = Persona(
        name="t",
        system=value,
        messages=(PersonaMessage(role="user", content=value),),
        license=(value,),
        parameters={"stop": [value]} if value else {},
        description=value or None,
    )
    assert roundtrip(p) == p


def test_default_base_exports_as_placeholder_and_can_be_overridden() -> None:
    p = Persona(name="x", system="hi")
    text = export_modelfile(p)
    assert "\nFROM @default\n" in text
    assert roundtrip(p) == p
    ollama = export_modelfile(p, base="llama3.2")
    assert "\nFROM llama3.2\n" in ollama
    assert parse_modelfile(ollama, name="x").persona.base == "llama3.2"


def test_every_builtin_round_trips(store: PersonaStore) -> None:
    items = store.list()
    assert len(items) >= 6
    for sp in items:
        assert roundtrip(sp.persona) == sp.persona


def test_unwritable_text_is_refused_not_corrupted() -> None:
    p = Persona(name="x", system='line one\nline """two""" and "more"')
    with pytest.raises(PersonaError, match="cannot be written"):
        export_modelfile(p)


def test_json_form_round_trips() -> None:
    p = Persona(
        name="x", system="s", parameters={"temperature": 0.1, "stop": ["a"]}, collections=("c",)
    )
    assert persona_from_dict(p.to_dict()) == p


def test_json_validation_errors() -> None:
    with pytest.raises(PersonaError, match="temperature must be a number"):
        persona_from_dict({"name": "x", "parameters": {"temperature": "hot"}})
    with pytest.raises(PersonaError, match="top_k must be a whole number"):
        persona_from_dict({"name": "x", "parameters": {"top_k": 2.5}})
    with pytest.raises(PersonaError, match="unknown parameter 'temp'"):
        persona_from_dict({"name": "x", "parameters": {"temp": 1}})
    with pytest.raises(PersonaError, match="not a valid persona name"):
        persona_from_dict({"name": "../etc/passwd"})
    with pytest.raises(PersonaError, match="colour"):
        persona_from_dict({"name": "x", "colour": "red"})
    with pytest.raises(PersonaError, match="role"):
        persona_from_dict({"name": "x", "messages": [{"role": "robot", "content": "hi"}]})


@pytest.mark.parametrize("value", ["a\rb", "one\r\ntwo", "ends with\r", "\r", "mixed\r\n\rlines\n"])
def test_carriage_returns_round_trip(value: str) -> None:
    """A Modelfile reads every line end as \\n, so a persona normalises them when created."""
    p = Persona(
        name="cr",
        system=value,
        template="{{ .Prompt }}" + value,
        messages=(PersonaMessage(role="user", content=value),),
        license=(value,),
        parameters={"stop": [value]},
    )
    want = value.replace("\r\n", "\n").replace("\r", "\n")
    assert p.system == want and p.messages[0].content == want and p.license == (want,)
    assert p.parameters["stop"] == [want] and p.template == "{{ .Prompt }}" + want
    assert roundtrip(p) == p


def test_empty_extras_round_trip() -> None:
    p = Persona(name="x", title="", description="", icon="")
    assert (p.title, p.description, p.icon) == (None, None, None)
    assert p.display_name == "X"
    assert roundtrip(p) == p
    assert persona_from_dict({"name": "x", "title": ""}) == Persona(name="x")


def test_relative_paths_are_made_absolute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store: PersonaStore
) -> None:
    (tmp_path / "models").mkdir()
    monkeypatch.chdir(tmp_path / "models")
    p = persona_from_dict(
        {"name": "rel", "base": "./base.gguf", "adapters": ["loras/style.gguf", "~/x.gguf"]}
    )
    assert p.base == str(tmp_path / "models" / "base.gguf")
    assert p.adapters == (
        str(tmp_path / "models" / "loras" / "style.gguf"),
        str(Path.home().resolve() / "x.gguf"),
    )
    # the same persona back, whichever folder the Modelfile is read in
    monkeypatch.chdir(tmp_path)
    assert roundtrip(p) == p
    assert persona_from_dict(p.to_dict()) == p
    stored = store.create(p)
    assert stored.persona == p and store.get("rel") == p
    # names and hub references are not paths
    assert Persona(name="a", base="llama3.2").base == "llama3.2"
    hub = "hf.co/owner/repo-GGUF/model-Q4_K_M.gguf"
    assert Persona(name="b", base=hub).base == hub


def test_adapter_path_must_not_be_empty() -> None:
    with pytest.raises(PersonaError, match="adapter path is empty"):
        persona_from_dict({"name": "x", "adapters": [" "]})
