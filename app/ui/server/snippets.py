"""Client snippets for the Server page: curl, the openai Python client, the ollama Python client.

Each works as pasted against the running server (same URL, key and model name): the curl one in
a POSIX shell, the Python ones as a script. URLs, keys and model names are quoted for the shell
or written as Python literals, so any model name pastes safely.
"""

from __future__ import annotations

import json
import shlex


def curl(url: str, key: str | None, model: str) -> str:
    body = json.dumps(
        {"model": model, "messages": [{"role": "user", "content": "Hello!"}]}, ensure_ascii=False
    )
    auth = f" \\\n  -H {shlex.quote(f'Authorization: Bearer {key}')}" if key else ""
    return (
        f"curl {shlex.quote(f'{url}/v1/chat/completions')}{auth} \\\n"
        '  -H "Content-Type: application/json" \\\n'
        f"  -d {shlex.quote(body)}"
    )


def openai_python(url: str, key: str | None, model: str) -> str:
    return (
        "from openai import OpenAI\n\n"
        f"client = OpenAI(base_url={_py(url + '/v1')}, api_key={_py(key or 'not-needed')})\n"
        "reply = client.chat.completions.create(\n"
        f"    model={_py(model)},\n"
        '    messages=[{"role": "user", "content": "Hello!"}],\n'
        ")\n"
        "print(reply.choices[0].message.content)\n"
    )


def ollama_python(url: str, key: str | None, model: str) -> str:
    headers = f", headers={{{_py('Authorization')}: {_py(f'Bearer {key}')}}}" if key else ""
    return (
        "from ollama import Client\n\n"
        f"client = Client(host={_py(url)}{headers})\n"
        "reply = client.chat(\n"
        f"    model={_py(model)},\n"
        '    messages=[{"role": "user", "content": "Hello!"}],\n'
        ")\n"
        'print(reply["message"]["content"])\n'
    )


def _py(text: str) -> str:
    """A double-quoted Python string literal (JSON's escapes are valid Python ones)."""
    return json.dumps(text, ensure_ascii=False)


SNIPPETS = {"curl": curl, "openai": openai_python, "ollama": ollama_python}
