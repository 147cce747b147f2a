"""Server page: a real server on loopback, started in the app and called with the openai client."""

from __future__ import annotations

from typing import Any

import pytest


def test_start_call_with_openai_log_and_stop(qtbot: Any, window: Any) -> None:
    pytest.importorskip("openai")
    window.show_page("Server")
    page = window.server_page
    assert page.key.text().startswith("hearth-")  # made on first use, kept in the keychain
    assert page.key.echoMode() == page.key.EchoMode.Password
    page.port.setValue(0)  # any free port
    page.start_button.click()
    qtbot.waitUntil(lambda: page.controller.running, timeout=15000)
    url = page.controller.url
    assert url.startswith("http://127.0.0.1:") and url in page.state_label.text()
    assert window.status.server.text().startswith("Server: on")

    # the openai snippet works as pasted (run with a small max_tokens to keep it quick)
    snippet = page.snippet("openai")
    assert f'base_url="{url}/v1"' in snippet and page.key.text() in snippet
    assert page.key.text()[:10] + "…" in page.snippets["openai"].toPlainText()  # masked on screen
    code = snippet.replace('"content": "Hello!"}],', '"content": "Hello!"}], max_tokens=4,')
    printed: list[str] = []
    exec(compile(code, "<snippet>", "exec"), {"print": printed.append})
    assert len(printed) == 1 and isinstance(printed[0], str)

    # the openai client again, directly, and a wrong key is refused
    import openai

    client = openai.OpenAI(base_url=f"{url}/v1", api_key=page.key.text())
    assert any(m.id for m in client.models.list().data)
    bad = openai.OpenAI(base_url=f"{url}/v1", api_key="wrong", max_retries=0)
    with pytest.raises(openai.AuthenticationError):
        bad.models.list()

    # the live request log shows the calls
    qtbot.waitUntil(lambda: "/v1/chat/completions" in page.log.toPlainText(), timeout=5000)
    assert " 401 " in page.log.toPlainText()
    assert "curl" in page.snippets["curl"].toPlainText()
    assert "from ollama import Client" in page.snippets["ollama"].toPlainText()

    # stop
    page.start_button.click()
    qtbot.waitUntil(lambda: not page.controller.running and not page.controller.busy, timeout=15000)
    assert window.status.server.text() == "Server: off"
    assert page.host.isEnabled()


def test_regenerate_key_and_lan_warning(qtbot: Any, window: Any) -> None:
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
