"""Parsing Ollama Modelfiles: every instruction, quoting, paths, and line-numbered errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.errors import ModelfileError
from app.personas.modelfile import parse_modelfile


def parse(text: str, **kw: object):  # type: ignore[no-untyped-def]
    return parse_modelfile(text, name=kw.pop("name", "p"), **kw)  # type: ignore[arg-type]


def test_all_instructions(tmp_path: Path, fake_gguf: Path) -> None:
    adapter = tmp_path / "models" / "style-lora.gguf"
    adapter.write_bytes(b"GGUF" + b"\0" * 8)
    text = '''# a comment
from ./models/base.gguf
Parameter temperature 0.7
PARAMETER top_k 20
PARAMETER stop "<|im_end|>"
PARAMETER stop </s>
PARAMETER num_ctx 4096
PARAMETER num_gpu 12
PARAMETER use_mmap false
PARAMETER seed -1
system """You are Mario
from Super Mario Bros."""
TEMPLATE "{{ .System }} {{ .Prompt }}"
MESSAGE user Is Toronto in Canada?
message assistant "yes"
ADAPTER ./models/style-lora.gguf
LICENSE """MIT
text"""
LICENSE Apache-2.0
REQUIRES v0.6.2
'''
    parsed = parse(text, base_dir=tmp_path)
    p = parsed.persona
    assert parsed.warnings == ()
    assert p.base == str(fake_gguf.resolve())
    assert p.parameters == {
        "num_ctx": 4096,
        "temperature": 0.7,
        "top_k": 20,
        "seed": -1,
        "stop": ["<|im_end|>", "</s>"],
        "num_gpu": 12,
        "use_mmap": False,
    }
    assert p.system == "You are Mario\nfrom Super Mario Bros."
    assert p.template == "{{ .System }} {{ .Prompt }}"
    assert [(m.role, m.content) for m in p.messages] == [
        ("user", "Is Toronto in Canada?"),
        ("assistant", "yes"),
    ]
    assert p.adapters == (str(adapter.resolve()),)
    assert p.license == ("MIT\ntext", "Apache-2.0")
    assert p.requires == "0.6.2"


def test_names_values_and_last_wins() -> None:
    p = parse('FROM llama3.2\nSYSTEM first\nSYSTEM "  second  "\nPARAMETER temperature 1\n').persona
    assert p.base == "llama3.2"
    assert p.system == "  second  "  # quotes keep surrounding spaces; the last SYSTEM wins
    assert p.parameters["temperature"] == 1.0
    assert isinstance(p.parameters["temperature"], float)


def test_crlf_bom_and_hub_reference() -> None:
    text = '\ufeffFROM hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M\r\nSYSTEM """a\r\nb"""\r\n'
    p = parse(text).persona
    assert p.base == "hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M"
    assert p.system == "a\nb"


def test_default_base_and_hearth_extras() -> None:
    text = (
        '# hearth.title = "Code reviewer"\n'
        '# hearth.icon = "🔍"\n'
        '# hearth.collections = ["handbook", "api-docs"]\n'
        '# hearth.description = "Line one\\nline two"\n'
        "FROM @default\n"
    )
    p = parse(text).persona
    assert p.base is None
    assert p.title == "Code reviewer" and p.icon == "🔍"
    assert p.collections == ("handbook", "api-docs")
    assert p.description == "Line one\nline two"


def test_ignored_instructions_and_parameters_warn() -> None:
    parsed = parse(
        "FROM x\nPARAMETER num_keep 24\nPARAMETER tfs_z 1\nRENDERER qwen3\n# hearth.colour = 1\n"
    )
    assert parsed.persona.parameters == {}
    assert len(parsed.warnings) == 4
    assert "Line 2" in parsed.warnings[0] and "num_keep" in parsed.warnings[0]
    assert "RENDERER" in parsed.warnings[2]


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("FROM x\nSYSTEM hi\nFORM y\n", 3, ["unknown instruction 'FORM'", "Did you mean FROM"]),
        ("FROM x\nPARAMETER temperature hot\n", 2, ["temperature must be a number", "'hot'"]),
        ("FROM x\n\nPARAMETER top_k 1.5\n", 3, ["top_k must be a whole number"]),
        (
            "FROM x\nPARAMETER temprature 0.5\n",
            2,
            ["unknown parameter 'temprature'", "temperature"],
        ),
        ("FROM x\nPARAMETER use_mmap maybe\n", 2, ["use_mmap must be true or false"]),
        ("FROM x\nPARAMETER top_p 1.5\n", 2, ["Top_p must be between 0 and 1"]),
        (
            "FROM x\nMESSAGE robot hello\n",
            2,
            ["MESSAGE role must be system, user or assistant", "robot"],
        ),
        ('FROM x\nSYSTEM """never\nclosed\n', 2, ["unterminated triple quote"]),
        ('FROM x\nSYSTEM "open\n', 2, ["unterminated quote"]),
        ('FROM x\nSYSTEM """a""" trailing\n', 2, ["unexpected text after the closing"]),
        ("FROM x\nFROM y\n", 2, ["second FROM", "line 1"]),
        ("FROM x\nREQUIRES latest\n", 2, ["REQUIRES must be a version"]),
        ("FROM\n", 1, ["FROM needs a value"]),
        ("FROM x\nPARAMETER\n", 2, ["PARAMETER needs a parameter name"]),
        ('FROM x\n# hearth.collections = "docs"\n', 2, ["hearth.collections must be a list"]),
        ("FROM x\n# hearth.title = not json\n", 2, ["hearth.title must be a JSON value"]),
        (
            'FROM x\nTEMPLATE """ok\n{{ if .System }}\n"""\n',
            3,
            ["TEMPLATE is not a valid Go template", "no {{end}}"],
        ),
    ],
)
def test_errors_name_the_line(text: str, line: int, words: list[str]) -> None:
    with pytest.raises(ModelfileError) as info:
        parse(text)
    assert info.value.line == line
    msg = str(info.value)
    assert msg.startswith(f"Modelfile line {line}: ")
    for w in words:
        assert w in msg


def test_missing_from() -> None:
    with pytest.raises(ModelfileError, match="no FROM line") as info:
        parse("# only a comment\nSYSTEM hi\n")
    assert "FROM @default" in (info.value.hint or "")


def test_adapter_that_does_not_exist_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelfileError) as info:
        parse("FROM llama3.2\nADAPTER ./lora/missing.gguf\n", base_dir=tmp_path)
    assert info.value.line == 2
    assert f"ADAPTER file not found: {tmp_path.resolve() / 'lora' / 'missing.gguf'}" in str(
        info.value
    )


def test_adapter_folder_and_non_gguf_are_errors(tmp_path: Path) -> None:
    (tmp_path / "peft").mkdir()
    (tmp_path / "adapter.bin").write_bytes(b"PK\x03\x04")
    with pytest.raises(ModelfileError, match="is a folder") as info:
        parse("FROM x\nADAPTER peft\n", base_dir=tmp_path)
    assert "convert_lora_to_gguf" in (info.value.hint or "")
    with pytest.raises(ModelfileError, match="not a GGUF LoRA adapter"):
        parse("FROM x\nADAPTER adapter.bin\n", base_dir=tmp_path)


def test_from_path_checks(tmp_path: Path) -> None:
    with pytest.raises(ModelfileError, match="no model file at"):
        parse("FROM ./nope.gguf\n", base_dir=tmp_path)
    (tmp_path / "hf-model").mkdir()
    with pytest.raises(ModelfileError, match="is a folder"):
        parse("FROM ./hf-model\n", base_dir=tmp_path)
    # without file checks (reading a stored persona) a missing file is allowed
    p = parse("FROM ./nope.gguf\n", base_dir=tmp_path, check_files=False).persona
    assert p.base == str((tmp_path / "nope.gguf").resolve())


def test_home_relative_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "m.gguf").write_bytes(b"GGUF0000")
    assert parse("FROM ~/m.gguf\n").persona.base == str((tmp_path / "m.gguf").resolve())


def test_output_of_ollama_show_modelfile_imports(tmp_path: Path) -> None:
    """What `ollama show --modelfile` prints: FROM a blob path without an extension."""
    blob = (
        tmp_path
        / "blobs"
        / "sha256-74701a8c35f6c8d9a4b91f3f3497643001d63e0c7a84e085bed452548fa88d45"
    )
    blob.parent.mkdir()
    blob.write_bytes(b"GGUF\x03\x00\x00\x00")
    text = f'''# Modelfile generated by "ollama show"
# To build a new Modelfile based on this, replace FROM with:
# FROM llama3.2:latest

FROM {blob}
TEMPLATE """<|start_header_id|>system<|end_header_id|>

{{{{ if .System }}}}{{{{ .System }}}}{{{{ end }}}}<|eot_id|>
{{{{- range .Messages }}}}<|start_header_id|>{{{{ .Role }}}}<|end_header_id|>

{{{{ .Content }}}}<|eot_id|>
{{{{- end }}}}<|start_header_id|>assistant<|end_header_id|>

"""
PARAMETER stop <|start_header_id|>
PARAMETER stop <|end_header_id|>
PARAMETER stop <|eot_id|>
LICENSE """LLAMA 3.2 COMMUNITY LICENSE AGREEMENT
"Agreement" means the terms and conditions for use.
"""
'''
    parsed = parse(text)
    p = parsed.persona
    assert parsed.warnings == ()
    assert p.base == str(blob.resolve())
    assert p.parameters["stop"] == ["<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"]
    assert p.template is not None and p.template.startswith("<|start_header_id|>system")
    assert p.license[0].startswith("LLAMA 3.2") and '"Agreement"' in p.license[0]


def test_a_sloppy_from_colon_is_named() -> None:
    with pytest.raises(ModelfileError, match=r"unknown instruction 'FROM:'\. Did you mean FROM"):
        parse("FROM: qwen:0.5b\n")


def test_message_system_and_mixed_case_roles_and_parameters() -> None:
    text = (
        "FROM llama3.2\n"
        "MESSAGE system You answer in French.\n"
        "MESSAGE User Hello\n"
        "Message ASSISTANT Bonjour\n"
        "PARAMETER Temperature 0.2\n"
        "parameter TOP_K 7\n"
        "PARAMETER Stop END\n"
        "PARAMETER NUM_ctx 512\n"
    )
    p = parse(text).persona
    assert [(m.role, m.content) for m in p.messages] == [
        ("system", "You answer in French."),
        ("user", "Hello"),
        ("assistant", "Bonjour"),
    ]
    assert p.parameters == {"num_ctx": 512, "temperature": 0.2, "top_k": 7, "stop": ["END"]}
