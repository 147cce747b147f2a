"""Render a model's own Jinja chat template (Hugging Face conventions), with a ChatML fallback."""

from __future__ import annotations

import json
from datetime import datetime
from functools import lru_cache
from typing import Any

from app.core.errors import InvalidRequestError

CHATML_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)


class TemplateError(InvalidRequestError):
    code = "template_error"


def _raise_exception(message: str) -> None:
    raise TemplateError(f"The model's chat template refused the conversation: {message}")


def _tojson(value: Any, indent: int | None = None, ensure_ascii: bool = False, **_: Any) -> str:
    return json.dumps(value, indent=indent, ensure_ascii=ensure_ascii)


def _strftime_now(fmt: str) -> str:
    return datetime.now().strftime(fmt)


@lru_cache(maxsize=16)
def _compile(source: str) -> Any:
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    env = ImmutableSandboxedEnvironment(
        trim_blocks=True, lstrip_blocks=True, extensions=["jinja2.ext.loopcontrols"]
    )
    env.filters["tojson"] = _tojson
    env.globals["raise_exception"] = _raise_exception
    env.globals["strftime_now"] = _strftime_now
    try:
        return env.from_string(source)
    except Exception as exc:  # jinja2.TemplateSyntaxError and friends
        raise TemplateError(f"The model's chat template is not valid Jinja: {exc}") from exc


class ChatTemplate:
    """A compiled chat template plus the special tokens it refers to."""

    def __init__(self, source: str | None, *, bos_token: str = "", eos_token: str = "") -> None:
        self.is_fallback = not source
        self.source = source or CHATML_TEMPLATE
        self.bos_token = bos_token
        self.eos_token = eos_token
        self._template = _compile(self.source)

    def render(
        self,
        messages: list[dict[str, Any]],
        *,
        add_generation_prompt: bool = True,
        tools: list[dict[str, Any]] | None = None,
        **extra: Any,
    ) -> str:
        msgs = [_normalise(m) for m in messages]
        try:
            return str(
                self._template.render(
                    messages=msgs,
                    add_generation_prompt=add_generation_prompt,
                    bos_token=self.bos_token,
                    eos_token=self.eos_token,
                    tools=tools or None,
                    **extra,
                )
            )
        except TemplateError:
            raise
        except Exception as exc:
            raise TemplateError(
                f"The model's chat template failed on this conversation: {exc}"
            ) from exc


def _normalise(m: dict[str, Any]) -> dict[str, Any]:
    # Many templates only know "system"; OpenAI's "developer" role means the same thing.
    if m.get("role") == "developer":
        m = {**m, "role": "system"}
    if m.get("content") is None:
        m = {**m, "content": ""}
    return m
