"""API key, CORS, loopback-only default, body limit, rate limit, request log privacy."""

from __future__ import annotations

from typing import Any

import httpx
import openai
import pytest

from app.core.errors import KeychainUnavailableError, SettingsError
from app.server.config import ServerConfig
from tests.server.conftest import API_KEY

USER = [{"role": "user", "content": "hi"}]


def test_requests_without_key_get_401(server: Any, model_name: str) -> None:
    for headers in (
        {},
        {"Authorization": "Bearer wrong"},
        {"X-Api-Key": "wrong"},
        {"Authorization": API_KEY},
    ):
        r = httpx.get(server.url + "/v1/models", headers=headers)
        assert r.status_code == 401
        err = r.json()["error"]
        assert err["type"] == "authentication_error" and err["code"] == "invalid_api_key"
    r = httpx.post(server.url + "/api/chat", json={"model": model_name, "messages": USER})
    assert r.status_code == 401 and set(r.json()) == {"error"}
    c = openai.OpenAI(base_url=server.url + "/v1", api_key="nope", max_retries=0)
    with pytest.raises(openai.AuthenticationError):
        c.models.list()


def test_bearer_and_x_api_key_are_accepted_and_health_is_public(server: Any) -> None:
    assert (
        httpx.get(
            server.url + "/v1/models", headers={"Authorization": f"Bearer {API_KEY}"}
        ).status_code
        == 200
    )
    assert httpx.get(server.url + "/v1/models", headers={"X-Api-Key": API_KEY}).status_code == 200
    r = httpx.get(server.url + "/health")
    assert r.status_code == 200 and r.json()["status"] == "ok"


def test_auth_off_on_loopback(make_server: Any, model_name: str) -> None:
    srv = make_server(api_key=None)
    r = httpx.post(
        srv.url + "/v1/chat/completions",
        json={"model": model_name, "messages": USER, "max_tokens": 1},
    )
    assert r.status_code == 200


def test_no_cors_headers_by_default(server: Any) -> None:
    r = httpx.options(
        server.url + "/v1/models",
        headers={"Origin": "http://evil.example", "Access-Control-Request-Method": "GET"},
    )
    assert "access-control-allow-origin" not in r.headers
    r = httpx.get(server.url + "/health", headers={"Origin": "http://evil.example"})
    assert "access-control-allow-origin" not in r.headers


def test_cors_only_for_listed_origins(make_server: Any) -> None:
    srv = make_server(cors_origins=("http://localhost:3000",))
    pre = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type",
    }
    ok = httpx.options(
        srv.url + "/v1/chat/completions", headers={"Origin": "http://localhost:3000", **pre}
    )
    assert (
        ok.status_code == 200
        and ok.headers["access-control-allow-origin"] == "http://localhost:3000"
    )
    assert "access-control-allow-credentials" not in ok.headers
    bad = httpx.options(
        srv.url + "/v1/chat/completions", headers={"Origin": "http://evil.example", **pre}
    )
    assert bad.headers.get("access-control-allow-origin") is None
    # a 401 still carries the CORS header so the page can read it
    r = httpx.get(srv.url + "/v1/models", headers={"Origin": "http://localhost:3000"})
    assert (
        r.status_code == 401 and r.headers["access-control-allow-origin"] == "http://localhost:3000"
    )


def test_config_refuses_insecure_setups() -> None:
    with pytest.raises(SettingsError):
        ServerConfig(cors_origins=("*",))
    with pytest.raises(SettingsError):
        ServerConfig(host="0.0.0.0", api_key="k")  # LAN needs the explicit switch
    with pytest.raises(SettingsError):
        ServerConfig(host="0.0.0.0", lan=True, api_key=None)  # ...and a key
    assert ServerConfig(host="0.0.0.0", lan=True, api_key="k").url == "http://127.0.0.1:11435"
    assert ServerConfig(host="::1").host == "::1"


def test_body_limit_is_413(make_server: Any) -> None:
    srv = make_server(max_body_bytes=2000)
    r = httpx.post(
        srv.url + "/v1/embeddings",
        json={"model": "default", "input": "x" * 5000},
        headers={"Authorization": f"Bearer {API_KEY}"},
    )
    assert r.status_code == 413 and r.json()["error"]["code"] == "request_too_large"


def test_rate_limit_per_key_is_429_with_retry_after(make_server: Any) -> None:
    srv = make_server(rate_limit_per_minute=3)
    h = {"Authorization": f"Bearer {API_KEY}"}
    codes = [httpx.get(srv.url + "/v1/models", headers=h).status_code for _ in range(5)]
    assert codes[:3] == [200, 200, 200] and codes[3] == 429
    r = httpx.get(srv.url + "/v1/models", headers=h)
    assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
    assert r.json()["error"]["type"] == "rate_limit_error"


def test_request_log_has_no_prompt_unless_asked(
    make_server: Any, server: Any, model_name: str
) -> None:
    secret = "my secret plan"
    msgs = [{"role": "user", "content": secret}]
    h = {"Authorization": f"Bearer {API_KEY}"}
    httpx.post(
        server.url + "/v1/chat/completions",
        json={"model": model_name, "messages": msgs, "max_tokens": 2},
        headers=h,
    )
    rec = [
        r
        for r in server._server.config.app.state.hearth.log.recent()
        if r.route == "/v1/chat/completions"
    ][-1]
    assert rec.status == 200 and rec.model == model_name and rec.completion_tokens is not None
    assert rec.prompt is None and rec.latency_ms > 0
    srv = make_server(log_prompts=True)
    httpx.post(
        srv.url + "/v1/chat/completions",
        json={"model": model_name, "messages": msgs, "max_tokens": 2},
        headers=h,
    )
    rec = srv._server.config.app.state.hearth.log.recent()[-1]
    assert secret in (rec.prompt or "")


def test_key_is_generated_once_and_kept_in_the_keychain(monkeypatch: pytest.MonkeyPatch) -> None:
    from app.core import keychain
    from app.server import keys

    monkeypatch.delenv(keys.ENV_VAR, raising=False)
    first = keys.ensure_key()
    assert first.startswith("hearth-") and len(first) > 30
    assert keys.ensure_key() == first == keychain.get_secret(keychain.API_KEY)
    assert keys.rotate_key() != first
    monkeypatch.setenv(keys.ENV_VAR, "from-env")
    assert keys.ensure_key() == "from-env"
    assert (
        keys.key_matches("abc", "abc")
        and not keys.key_matches("abc", "abd")
        and not keys.key_matches("abc", None)
    )


def test_without_a_keychain_the_error_says_what_to_do(monkeypatch: pytest.MonkeyPatch) -> None:
    from app.core import keychain
    from app.server import keys

    monkeypatch.delenv(keys.ENV_VAR, raising=False)
    monkeypatch.setattr(keychain, "keychain_available", lambda: False)
    with pytest.raises(KeychainUnavailableError) as ei:
        keys.ensure_key()
    assert keys.ENV_VAR in str(ei.value)


def test_key_cli_show_and_new(monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from app.cli.main import cli

    monkeypatch.delenv("HEARTH_API_KEY", raising=False)
    runner = CliRunner()
    shown = runner.invoke(cli, ["key", "show"])
    assert shown.exit_code == 0 and shown.output.strip().startswith("hearth-")
    assert runner.invoke(cli, ["key", "show"]).output == shown.output
    new = runner.invoke(cli, ["key", "new"])
    assert new.exit_code == 0 and new.output != shown.output
