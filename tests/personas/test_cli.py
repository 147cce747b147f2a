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


def test_two_adapters_are_both_applied(tmp_path: Path, tiny_model: Path, tiny_lora: Path) -> None:
    """Every ADAPTER reaches llama.cpp, not just the last: with both LoRAs the same greedy
    request answers differently from each one alone (and from neither)."""
    from tests.personas.conftest import build_tiny_lora

    other = build_tiny_lora(tmp_path / "other-lora.gguf", seed=1)
    common = f"FROM {tiny_model}\nPARAMETER temperature 0\nPARAMETER num_predict 12\n"
    variants = {"none": [], "first": [tiny_lora], "second": [other], "both": [tiny_lora, other]}
    texts = {}
    for name, adapters in variants.items():
        mf = tmp_path / f"{name}.Modelfile"
        mf.write_text(common + "".join(f"ADAPTER {a}\n" for a in adapters))
        assert hearth("create", f"lora-{name}", "-f", str(mf)).exit_code == 0
        texts[name] = _run_json(f"lora-{name}", "hello")["text"]
    assert len(set(texts.values())) == 4, texts  # each adapter changes the reply on its own
    assert texts["both"] == _run_json("lora-both", "hello")["text"]  # greedy: repeatable


def _create(tmp_path: Path, name: str, text: str) -> None:
    mf = tmp_path / f"{name}.Modelfile"
    mf.write_text(text)
    r = hearth("create", name, "-f", str(mf))
    assert r.exit_code == 0, (r.output, r.exception)


@pytest.mark.parametrize(
    ("template", "named"),
    [
        # valid Go, but fails while rendering: there is no sixth message
        ("{{ range .Messages }}{{ .Content }}{{ end }}{{ (index .Messages 5).Content }}", "index"),
        # a construct Hearth does not render
        ('{{ define "t" }}{{ .Prompt }}{{ end }}{{ template "t" . }}', "'define'"),
    ],
)
def test_run_falls_back_to_the_model_template_when_the_template_fails(
    tmp_path: Path, tiny_model: Path, template: str, named: str
) -> None:
    common = (
        f"FROM {tiny_model}\nSYSTEM Be brief.\nPARAMETER temperature 0\nPARAMETER num_predict 6\n"
    )
    _create(tmp_path, "plain", common)
    _create(tmp_path, "broken", common + f'TEMPLATE """{template}"""\n')
    r = hearth("run", "broken", "hello", "--json")
    assert r.exit_code == 0, (r.output, r.exception)
    warnings = [line for line in r.stderr.splitlines() if line.startswith("Warning:")]
    assert len(warnings) == 1, r.stderr
    assert named in warnings[0] and "model's own chat template" in warnings[0]
    fallback, plain = json.loads(r.stdout), _run_json("plain", "hello")
    # the same prompt as the persona without a TEMPLATE: the model's own chat template
    assert fallback["text"] == plain["text"]
    assert fallback["stats"]["prompt_tokens"] == plain["stats"]["prompt_tokens"]


def test_chat_falls_back_once_when_the_template_fails(tmp_path: Path, tiny_model: Path) -> None:
    _create(
        tmp_path,
        "broken-chat",
        f"FROM {tiny_model}\nPARAMETER num_predict 3\nPARAMETER seed 1\n"
        'TEMPLATE """{{ range .Messages }}{{ .Content }}{{ end }}{{ index .Messages 5 }}"""\n',
    )
    r = CliRunner().invoke(cli, ["chat", "broken-chat"], input="hello\nagain\n/exit\n")
    assert r.exit_code == 0, (r.output, r.exception)
    warnings = [line for line in r.stderr.splitlines() if line.startswith("Warning:")]
    # one warning: after it, the chat stays on the model's own template
    assert len(warnings) == 1 and "index out of range: 5" in warnings[0], r.stderr
    assert "model's own chat template" in warnings[0]
    assert r.stdout.count(">>> ") == 3  # both turns were answered, then /exit


def test_run_persona_without_template_sends_system_examples_and_stop(
    tmp_path: Path, tiny_model: Path, engine: Any
) -> None:
    """No TEMPLATE: the model's chat template gets the system prompt and few-shot
    messages, and the persona's stop string ends the reply."""
    from app.engine.types import ChatMessage

    common = (
        f"FROM {tiny_model}\nSYSTEM You are a terse assistant.\n"
        "MESSAGE user What is 2+2?\nMESSAGE assistant 4\n"
        "PARAMETER seed 9\nPARAMETER temperature 1\nPARAMETER top_k 0\nPARAMETER num_predict 32\n"
    )
    _create(tmp_path, "terse", common)
    full = _run_json("terse", "Count to ten")
    expected = [
        ChatMessage("system", "You are a terse assistant."),
        ChatMessage("user", "What is 2+2?"),
        ChatMessage("assistant", "4"),
        ChatMessage("user", "Count to ten"),
    ]
    rendered = engine.call(lambda b: b.render_chat(expected)).result()
    n = engine.call(lambda b: len(b.tokenize(rendered, add_bos=True))).result()
    assert full["stats"]["prompt_tokens"] == n
    bare = engine.call(
        lambda b: len(b.tokenize(b.render_chat([expected[-1]]), add_bos=True))
    ).result()
    assert n > bare + 15
    text = full["text"]
    assert full["finish_reason"] == "length" and len(text) > 6
    # a printable two-character stop string from the middle of the reply
    i = next(i for i in range(len(text) // 3, len(text) - 2) if text[i : i + 2].isalnum())
    stop = text[i : i + 2]
    _create(tmp_path, "terse-stop", common + f'PARAMETER stop "{stop}"\n')
    stopped = _run_json("terse-stop", "Count to ten")
    assert stopped["finish_reason"] == "stop"
    assert stopped["text"] == text[: text.index(stop)]


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
