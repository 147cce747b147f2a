"""Real generation through personas on the tiny GGUF: the preset reaches the engine."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.engine.types import ChatMessage, FinishReason, GenerationRequest, GenerationResult
from app.personas.model import Persona, PersonaMessage
from app.personas.ollama_template import render
from app.personas.resolve import resolve_persona
from app.personas.store import PersonaStore


def _generate(
    engine: Any, name: str, prompt: str, base: Path
) -> tuple[GenerationResult, list[ChatMessage]]:
    """What ``hearth run NAME PROMPT`` sends, on the shared engine."""
    target = resolve_persona(name, base_model=str(base))
    assert target is not None
    messages = [*target.preamble(), ChatMessage("user", prompt)]
    req = GenerationRequest(
        messages=tuple(messages),
        sampling=target.sampling(),
        max_tokens=target.max_tokens,
        stop=target.stop,
    )
    return engine.generate(req), messages


def _count(engine: Any, text: str) -> int:
    return int(engine.call(lambda b: len(b.tokenize(text, add_bos=True))).result())


def test_system_prompt_and_examples_reach_the_model(
    store: PersonaStore, engine: Any, tiny_model: Path
) -> None:
    store.create(
        Persona(
            name="tutor",
            system="You are a patient French tutor.",
            messages=(
                PersonaMessage(role="user", content="Bonjour"),
                PersonaMessage(role="assistant", content="Bonjour ! Ça va ?"),
            ),
            parameters={"num_predict": 4, "seed": 1, "temperature": 0.0},
        )
    )
    res, messages = _generate(engine, "tutor", "Comment dit-on hello ?", tiny_model)
    rendered = engine.call(lambda b: b.render_chat(messages)).result()
    assert rendered == (
        "<|im_start|>system\nYou are a patient French tutor.<|im_end|>\n"
        "<|im_start|>user\nBonjour<|im_end|>\n"
        "<|im_start|>assistant\nBonjour ! Ça va ?<|im_end|>\n"
        "<|im_start|>user\nComment dit-on hello ?<|im_end|>\n"
        "<|im_start|>assistant\n"
    )
    assert res.stats.prompt_tokens == _count(engine, rendered)
    bare = engine.generate(
        GenerationRequest(messages=(ChatMessage("user", "Comment dit-on hello ?"),), max_tokens=1)
    )
    assert res.stats.prompt_tokens > bare.stats.prompt_tokens + 15
    assert res.stats.completion_tokens == 4 and res.finish_reason is FinishReason.LENGTH


def test_seed_makes_output_repeatable(store: PersonaStore, engine: Any, tiny_model: Path) -> None:
    for name, seed in (("s42", 42), ("s42b", 42), ("s43", 43)):
        store.create(
            Persona(
                name=name,
                parameters={"seed": seed, "temperature": 1.0, "top_k": 0, "num_predict": 24},
            )
        )
    a, _ = _generate(engine, "s42", "Tell me a story", tiny_model)
    engine.generate(
        GenerationRequest(messages=(ChatMessage("user", "something else"),), max_tokens=3)
    )
    b, _ = _generate(engine, "s42b", "Tell me a story", tiny_model)
    c, _ = _generate(engine, "s43", "Tell me a story", tiny_model)
    assert a.text == b.text and a.stats.completion_tokens == 24
    assert a.text != c.text


def test_stop_strings_reach_the_engine(store: PersonaStore, engine: Any, tiny_model: Path) -> None:
    params: dict[str, Any] = {"seed": 5, "temperature": 1.0, "top_k": 0, "num_predict": 32}
    store.create(Persona(name="free-run", parameters=params))
    full, _ = _generate(engine, "free-run", "Count", tiny_model)
    text = full.text
    # a printable two-character stop string from the middle of the reply
    i = next(i for i in range(len(text) // 3, len(text) - 2) if text[i : i + 2].isalnum())
    stop = text[i : i + 2]
    store.create(Persona(name="stopper", parameters={**params, "stop": [stop]}))
    res, _ = _generate(engine, "stopper", "Count", tiny_model)
    assert res.finish_reason is FinishReason.STOP
    assert res.text == text[: text.index(stop)]


def test_go_template_renders_the_exact_raw_prompt(
    store: PersonaStore, engine: Any, tiny_model: Path
) -> None:
    template = (
        "{{ if .System }}### System:\n{{ .System }}\n\n{{ end }}"
        '{{ range .Messages }}{{ if eq .Role "user" }}### User:\n{{ .Content }}\n\n'
        '{{ else if eq .Role "assistant" }}### Assistant:\n{{ .Content }}\n\n{{ end }}{{ end }}'
        "### Assistant:\n"
    )
    store.import_modelfile(
        f'FROM {tiny_model}\nTEMPLATE """{template}"""\nSYSTEM Be kind.\nMESSAGE user Hi\n'
        "MESSAGE assistant Hello\nPARAMETER num_predict 3\nPARAMETER seed 3\n",
        "alpaca",
    )
    target = resolve_persona("alpaca")
    assert target is not None and target.template == template
    messages = [*target.preamble(), ChatMessage("user", "How are you?")]
    prompt = render(target.template, messages)
    assert prompt == (
        "### System:\nBe kind.\n\n### User:\nHi\n\n### Assistant:\nHello\n\n"
        "### User:\nHow are you?\n\n### Assistant:\n"
    )
    res = engine.generate(
        GenerationRequest(prompt=prompt, sampling=target.sampling(), max_tokens=target.max_tokens)
    )
    assert res.stats.prompt_tokens == _count(engine, prompt)
    assert res.stats.completion_tokens == 3
