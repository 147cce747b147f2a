"""``hearth create | show | personas`` and ``hearth run PERSONA`` end to end."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from app.cli.main import cli
from app.core.errors import ModelfileError, PersonaError
from app.personas.modelfile import parse_modelfile


def hearth(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=True)


def test_create_show_list_copy_remove(tmp_path: Path, tiny_model: Path) -> None:
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "tiny.gguf").symlink_to(tiny_model)
    mf = tmp_path / "m" / "Modelfile"
    mf.write_text(
        '# hearth.title = "Pirate"\nFROM ./tiny.gguf\nPARAMETER temperature 0.4\n'
        'PARAMETER stop "Arr"\nPARAMETER num_keep 4\nSYSTEM """Talk like\na pirate."""\n'
    )
    r = hearth("create", "pirate", "-f", str(mf))
    assert r.exit_code == 0, r.output
    assert "Created persona 'pirate'" in r.stdout
    assert "num_keep has no effect in Hearth" in r.stderr

    r = hearth("show", "pirate")
    assert r.exit_code == 0
    assert (
        "Pirate (pirate)" in r.stdout
        and "temperature = 0.4" in r.stdout
        and 'stop = "Arr"' in r.stdout
    )
    assert "Talk like" in r.stdout

    r = hearth("show", "pirate", "--modelfile")
    p = parse_modelfile(r.stdout, name="pirate").persona
    assert p.system == "Talk like\na pirate." and p.base == str(
        (tmp_path / "m" / "tiny.gguf").resolve()
    )
    assert "FROM llama3.2\n" in hearth("show", "pirate", "--modelfile", "--from", "llama3.2").stdout

    data = json.loads(hearth("show", "pirate", "--json").stdout)
    assert data["parameters"] == {"temperature": 0.4, "stop": ["Arr"]} and data["builtin"] is False
    assert hearth("show", "pirate", "--system").stdout == "Talk like\na pirate.\n"
    assert hearth("show", "pirate", "--parameters").stdout.splitlines() == [
        "temperature        0.4",
        'stop               "Arr"',
    ]

    r = hearth("personas")
    assert "pirate" in r.stdout and "code-reviewer" in r.stdout and "built-in" in r.stdout
    assert {p["name"] for p in json.loads(hearth("personas", "--json").stdout)} >= {
        "pirate",
        "analyst",
    }

    assert hearth("personas", "cp", "pirate", "corsair").exit_code == 0
    assert hearth("show", "corsair", "--system").stdout == "Talk like\na pirate.\n"
    r = hearth("personas", "rm", "corsair", "pirate")
    assert r.exit_code == 0 and "Deleted persona 'pirate'" in r.stdout
    assert isinstance(hearth("show", "pirate").exception, PersonaError)


def test_create_errors(tmp_path: Path) -> None:
    mf = tmp_path / "Modelfile"
    mf.write_text("FROM x\nPARAMETER temperature warm\n")
    r = hearth("create", "bad", "-f", str(mf))
    assert isinstance(r.exception, ModelfileError) and r.exception.line == 2
    r = hearth("create", "bad", "-f", str(tmp_path / "missing"))
    assert isinstance(r.exception, PersonaError) and "No Modelfile" in str(r.exception)
    r = hearth("personas", "rm", "analyst")
    assert isinstance(r.exception, PersonaError) and "built into Hearth" in str(r.exception)


def _run_json(*args: str) -> dict[str, Any]:
    r = hearth("run", *args, "--json")
    assert r.exit_code == 0, (r.output, r.exception)
    return json.loads(r.stdout)  # type: ignore[no-any-return]


def test_run_persona_applies_seed_template_and_model_option(
    tmp_path: Path, tiny_model: Path, engine: Any
) -> None:
    mf = tmp_path / "Modelfile"
    mf.write_text(
        "FROM @default\nPARAMETER seed 11\nPARAMETER temperature 1\nPARAMETER num_predict 6\n"
        'TEMPLATE """<|im_start|>user\n{{ .Prompt }}<|im_end|>\n<|im_start|>assistant\n"""\n'
    )
    assert hearth("create", "raw", "-f", str(mf)).exit_code == 0
    r = hearth("run", "raw", "hello")
    assert "no base model of its own" in str(r.exception)
    a = _run_json("raw", "hello", "--model", str(tiny_model))
    b = _run_json("raw", "hello", "-m", str(tiny_model))
    assert a["text"] == b["text"] and a["stats"]["completion_tokens"] == 6
    # the TEMPLATE (legacy form: .Prompt, .Response appended) made the raw prompt
    prompt = "<|im_start|>user\nhello<|im_end|>\n<|im_start|>assistant\n"
    n = engine.call(lambda b: len(b.tokenize(prompt, add_bos=True))).result()
    assert a["stats"]["prompt_tokens"] == n
    r = hearth("run", str(tiny_model), "hi", "--model", str(tiny_model))
    assert "--model applies to personas" in str(r.exception)


@pytest.mark.parametrize("option", [[], ["--gpu-layers", "0"]])
def test_persona_load_settings_reach_load_options(
    tiny_model: Path, tmp_path: Path, option: list[str]
) -> None:
    from app.cli.engine_cmds import _target_load_options
    from app.personas.model import Persona
    from app.personas.resolve import persona_to_resolved

    lora = tmp_path / "x.gguf"
    lora.write_bytes(b"GGUF")
    p = Persona(
        name="t",
        base=str(tiny_model),
        adapters=(str(lora),),
        parameters={
            "num_gpu": 5,
            "num_thread": 3,
            "num_batch": 64,
            "num_ctx": 256,
            "use_mmap": False,
        },
    )
    target = persona_to_resolved(p)
    gl = option[1] if option else "auto"
    opts = _target_load_options(target, None, gl, None)
    assert opts.gpu_layers == (0 if option else 5)
    assert (opts.n_threads, opts.n_batch, opts.n_ctx, opts.use_mmap) == (3, 64, 256, False)
    assert opts.lora_paths == (lora,)
    assert _target_load_options(target, 128, gl, None).n_ctx == 128  # --ctx wins


def test_adapter_changes_what_the_model_writes(
    tmp_path: Path, tiny_model: Path, tiny_lora: Path
) -> None:
    """ADAPTER reaches llama.cpp: the same greedy request answers differently with the LoRA."""
    common = f"FROM {tiny_model}\nPARAMETER temperature 0\nPARAMETER num_predict 8\n"
    (tmp_path / "a").write_text(common + f"ADAPTER {tiny_lora}\n")
    (tmp_path / "b").write_text(common)
    assert hearth("create", "with-lora", "-f", str(tmp_path / "a")).exit_code == 0
    assert hearth("create", "without-lora", "-f", str(tmp_path / "b")).exit_code == 0
    with_lora = _run_json("with-lora", "hello")["text"]
    assert with_lora == _run_json("with-lora", "hello")["text"]
    assert with_lora != _run_json("without-lora", "hello")["text"]


def test_chat_with_a_template_persona_drops_old_turns_to_fit(
    tmp_path: Path, tiny_model: Path
) -> None:
    mf = tmp_path / "Modelfile"
    mf.write_text(
        f"FROM {tiny_model}\nPARAMETER num_ctx 160\nPARAMETER num_predict 4\nPARAMETER seed 1\n"
        "SYSTEM Be brief.\n"
        'TEMPLATE """{{ range .Messages }}<|im_start|>{{ .Role }}\n{{ .Content }}<|im_end|>\n'
        '{{ end }}<|im_start|>assistant\n"""\n'
    )
    assert hearth("create", "chatty", "-f", str(mf)).exit_code == 0
    long_line = "the answer to the question of the document page " * 3
    r = CliRunner().invoke(
        cli, ["chat", "chatty"], input=f"{long_line}\n{long_line}\n{long_line}\n/exit\n"
    )
    assert r.exit_code == 0, (r.output, r.exception)
    assert "Chatting with chatty" in r.stderr
    assert "(dropped 2 old messages to fit the context)" in r.stderr
