"""Client snippets for the Server page: curl, the openai Python client, the ollama Python client.

Each works as pasted against the running server (same URL, key and model name).
"""

from __future__ import annotations

import json


def curl(url: str, key: str | None, model: str) -> str:
    body = json.dumps({"model": model, "messages": [{"role": "user", "content": "Hello!"}]})
    auth = f' \\\n  -H "Authorization: Bearer {key}"' if key else ""
    return f"curl {url}/v1/chat/completions{auth} \\\n  -H \"Content-Type: application/json\" \\\n  -d '{body}'"


def openai_python(url: str, key: str | None, model: str) -> str:
    return (
        "from openai import OpenAI\n\n"
        f'client = OpenAI(base_url="{url}/v1", api_key="{key or "not-needed"}")\n'
        "reply = client.chat.completions.create(\n"
        f'    model="{model}",\n'
        '    messages=[{"role": "user", "content": "Hello!"}],\n'
        ")\n"
        "print(reply.choices[0].message.content)\n"
    )


def ollama_python(url: str, key: str | None, model: str) -> str:
    headers = f', headers={{"Authorization": "Bearer {key}"}}' if key else ""
    return (
        "from ollama import Client\n\n"
        f'client = Client(host="{url}"{headers})\n'
        f'reply = client.chat(model="{model}", messages=[{{"role": "user", "content": "Hello!"}}])\n'
        'print(reply["message"]["content"])\n'
    )


SNIPPETS = {"curl": curl, "openai": openai_python, "ollama": ollama_python}
