"""Server page: a real server on loopback, started in the app; its snippets run as pasted (curl in
bash, the openai and ollama clients in a fresh .venv Python), keys and CORS checked over HTTP."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest


def _start(qtbot: Any, page: Any) -> str:
    page.port.setValue(0)  # any free port
    page.start_button.click()
    qtbot.waitUntil(lambda: page.controller.running, timeout=15000)
    return str(page.controller.url)


def _stop(qtbot: Any, page: Any) -> None:
    page.start_button.click()
    qtbot.waitUntil(lambda: not page.controller.running and not page.controller.busy, timeout=15000)


def _run(argv: list[str]) -> str:
    """Run a pasted snippet; it must exit 0. Returns what it printed."""
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"{argv[:2]} exited {done.returncode}: {done.stderr[-2000:]}"
    return done.stdout


def _run_python(snippet: str) -> str:
    """A Python snippet run unchanged as a script, in the project's interpreter."""
    printed = _run([sys.executable, "-c", snippet])
    assert printed.endswith("\n") and printed.strip(), printed  # printed a non-empty reply
    return printed


def _run_curl(snippet: str) -> dict[str, Any]:
    """The curl snippet run unchanged in bash; it prints the chat completion as JSON."""
    reply: dict[str, Any] = json.loads(_run(["bash", "-c", snippet]))
    assert reply["object"] == "chat.completion", reply
    assert reply["choices"][0]["message"]["content"].strip(), reply  # a non-empty reply
    return reply


def _pasted(page: Any, kind: str, url: str, key: str | None) -> str:
    """The snippet as the page's Copy button puts it on the clipboard."""
    from PySide6.QtGui import QGuiApplication

    page.copy_snippet(kind)
    snippet = str(QGuiApplication.clipboard().text())
    assert snippet == page.snippet(kind) and url in snippet and page.model_name() in snippet
    assert (key in snippet) if key else ("Bearer" not in snippet)
    return snippet


def test_python_snippets_work_as_pasted_log_and_stop(qtbot: Any, window: Any) -> None:
    pytest.importorskip("openai")
    pytest.importorskip("ollama")
    window.show_page("Server")
    page = window.server_page
    assert page.key.text().startswith("hearth-")  # made on first use, kept in the keychain
    assert page.key.echoMode() == page.key.EchoMode.Password
    assert page.require_key.isChecked()
    url = _start(qtbot, page)
    assert url.startswith("http://127.0.0.1:") and url in page.state_label.text()
    assert window.status.server.text().startswith("Server: on")
    key = page.key.text()
    snippet = page.snippet("openai")
    assert f'base_url="{url}/v1"' in snippet and key in snippet
    assert key[:10] + "…" in page.snippets["openai"].toPlainText()  # masked on screen
    assert key not in page.snippets["openai"].toPlainText()

    # auth on: the openai and ollama snippets as pasted, with the key in them
    for kind in ("openai", "ollama"):
        _run_python(_pasted(page, kind, url, key))

    # the openai client again, directly, and a wrong key is refused
    import openai

    client = openai.OpenAI(base_url=f"{url}/v1", api_key=key)
    assert any(m.id for m in client.models.list().data)
    bad = openai.OpenAI(base_url=f"{url}/v1", api_key="wrong", max_retries=0)
    with pytest.raises(openai.AuthenticationError):
        bad.models.list()

    # the live request log shows the calls: both snippets' routes and the refusal
    qtbot.waitUntil(lambda: "/v1/chat/completions" in page.log.toPlainText(), timeout=5000)
    qtbot.waitUntil(lambda: "/api/chat" in page.log.toPlainText(), timeout=5000)
    assert " 401 " in page.log.toPlainText()
    _stop(qtbot, page)
    assert window.status.server.text() == "Server: off"
    assert page.host.isEnabled()

    # auth off: the snippets carry no key and still work as pasted
    page.require_key.setChecked(False)
    url = _start(qtbot, page)
    assert "not-needed" in page.snippet("openai") and "Authorization" not in page.snippet("ollama")
    for kind in ("openai", "ollama"):
        _run_python(_pasted(page, kind, url, None))
    _stop(qtbot, page)


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed on this machine")
def test_curl_snippet_works_as_pasted(qtbot: Any, window: Any) -> None:
    window.show_page("Server")
    page = window.server_page
    model = page.model_name()
    for require_key in (True, False):
        page.require_key.setChecked(require_key)
        url = _start(qtbot, page)
        key = page.key.text() if require_key else None
        reply = _run_curl(_pasted(page, "curl", url, key))
        assert reply["model"] in (model, Path(model).stem)  # the library name, or the file's
        assert reply["usage"]["completion_tokens"] > 0
        _stop(qtbot, page)


def test_regenerate_key_while_running_show_and_copy(qtbot: Any, window: Any) -> None:
    openai = pytest.importorskip("openai")
    window.show_page("Server")
    page = window.server_page
    url = _start(qtbot, page)
    old = page.key.text()
    assert openai.OpenAI(base_url=f"{url}/v1", api_key=old).models.list().data

    # Show reveals the key in the field and the snippets; hiding masks both again
    page.show_key.setChecked(True)
    assert page.key.echoMode() == page.key.EchoMode.Normal and page.show_key.text() == "Hide"
    assert old in page.snippets["curl"].toPlainText()
    page.show_key.setChecked(False)
    assert page.key.echoMode() == page.key.EchoMode.Password
    assert old not in page.snippets["curl"].toPlainText()
    assert old[:10] + "…" in page.snippets["curl"].toPlainText()

    # a new key while the server runs: it restarts on the same URL, the old key is refused
    page.regenerate_key()
    new = page.key.text()
    assert new != old and new.startswith("hearth-") and "restarts" in page.message.text()
    qtbot.waitUntil(
        lambda: page.controller.running and not page.controller.busy and page.controller.url == url,
        timeout=15000,
    )
    assert page.start_button.isChecked() and url in page.state_label.text()
    stale = openai.OpenAI(base_url=f"{url}/v1", api_key=old, max_retries=0)
    with pytest.raises(openai.AuthenticationError) as refused:
        stale.models.list()
    assert refused.value.status_code == 401
    error = refused.value.response.json()["error"]  # OpenAI's error shape
    assert error["type"] == "authentication_error" and error["code"] == "invalid_api_key"
    assert error["message"]
    fresh = openai.OpenAI(base_url=f"{url}/v1", api_key=new, max_retries=0)
    assert any(m.id for m in fresh.models.list().data)

    # Copy puts the snippet, with the new (unmasked) key, on the clipboard
    from PySide6.QtGui import QGuiApplication

    page.copy_snippet("ollama")
    copied = QGuiApplication.clipboard().text()
    assert copied == page.snippet("ollama") and f"Bearer {new}" in copied and old not in copied
    assert "API key" in page.message.text()
    page.copy_key.click()
    assert QGuiApplication.clipboard().text() == new
    _stop(qtbot, page)


def test_cors_origin_from_the_page(qtbot: Any, window: Any) -> None:
    import httpx

    window.show_page("Server")
    page = window.server_page
    allowed, other = "http://localhost:3000", "http://evil.example"
    page.cors.setText(allowed)
    url = _start(qtbot, page)
    assert not page.cors.isEnabled()  # fixed while the server runs
    pre = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization",
    }
    ok = httpx.options(f"{url}/v1/chat/completions", headers={"Origin": allowed, **pre})
    assert ok.status_code == 200 and ok.headers["access-control-allow-origin"] == allowed
    assert "authorization" in ok.headers["access-control-allow-headers"].lower()
    no = httpx.options(f"{url}/v1/chat/completions", headers={"Origin": other, **pre})
    assert "access-control-allow-origin" not in no.headers
    auth = {"Authorization": f"Bearer {page.key.text()}"}
    got = httpx.get(f"{url}/v1/models", headers={"Origin": allowed, **auth})
    assert got.status_code == 200 and got.headers["access-control-allow-origin"] == allowed
    got = httpx.get(f"{url}/v1/models", headers={"Origin": other, **auth})
    assert got.status_code == 200 and "access-control-allow-origin" not in got.headers
    _stop(qtbot, page)
    assert window.services.settings.server.cors_origins == [allowed]  # remembered


def test_lan_warning_and_refused_cors(qtbot: Any, window: Any) -> None:
    window.show_page("Server")
    page = window.server_page
    old = page.key.text()
    page.regenerate_key()
    assert page.key.text() != old and page.key.text().startswith("hearth-")
    assert page.key.text() in page.snippet("curl")
    page.copy_key.click()
    from PySide6.QtGui import QGuiApplication

    assert QGuiApplication.clipboard().text() == page.key.text()
    assert not page.lan_warning.isVisibleTo(page)
    page.lan.setChecked(True)
    assert page.lan_warning.isVisibleTo(page) and "network" in page.lan_warning.text()
    assert page.options().host == "0.0.0.0" and page.options().require_key
    page.lan.setChecked(False)
    page.cors.setText("http://localhost:3000, *")
    page.port.setValue(0)
    page.start()
    qtbot.waitUntil(lambda: not page.controller.busy, timeout=15000)
    assert not page.controller.running
    assert "CORS" in page.message.text()  # a plain sentence, not a traceback


def test_a_key_from_the_environment_cannot_be_regenerated_here(
    qtbot: Any, window: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HEARTH_API_KEY", "hearth-from-env")
    window.show_page("Server")
    page = window.server_page
    page.load_key()
    assert page.key.text() == "hearth-from-env" and "hearth-from-env" in page.snippet("curl")
    assert not page.new_key.isEnabled() and "HEARTH_API_KEY" in page.new_key.toolTip()
    monkeypatch.delenv("HEARTH_API_KEY")
    page.load_key()
    assert page.new_key.isEnabled() and page.key.text() != "hearth-from-env"


def test_snippets_quote_any_model_name() -> None:
    """A name with quotes, spaces and non-ASCII survives the shell and Python's parser intact."""
    import ast
    import shlex

    from app.ui.server.snippets import SNIPPETS

    name, key, url = 'it\'s "ça" \\ ok', "hearth-a_b-c", "http://127.0.0.1:11435"
    argv = shlex.split(SNIPPETS["curl"](url, key, name).replace("\\\n", " "))
    assert argv[:2] == ["curl", f"{url}/v1/chat/completions"]
    assert argv[argv.index("-H") + 1] == f"Authorization: Bearer {key}"
    assert json.loads(argv[argv.index("-d") + 1])["model"] == name
    for kind in ("openai", "ollama"):
        tree = ast.parse(SNIPPETS[kind](url, key, name))
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
        given = {k.arg: ast.literal_eval(k.value) for c in calls for k in c.keywords}
        assert given["model"] == name
        assert given.get("base_url", given.get("host", "")).startswith(url)
        assert key in (given.get("api_key") or given["headers"]["Authorization"])
