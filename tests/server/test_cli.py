"""``hearth serve`` as a user runs it: a real process, its banner, and its refusals."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_serve_prints_the_url_and_answers(tiny_model: Path, hearth_home: Path) -> None:
    env = {**os.environ, "HEARTH_HOME": str(hearth_home), "HEARTH_API_KEY": "cli-key"}
    cmd = [
        sys.executable,
        "-m",
        "app",
        "serve",
        str(tiny_model),
        "--port",
        "0",
        "--ctx",
        "256",
        "--threads",
        "1",
    ]
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        banner = [proc.stdout.readline() for _ in range(6)]
        url = re.search(r"listening on (http://\S+)", banner[0])
        assert url, banner
        assert any("hearth key show" in line for line in banner)
        base = url.group(1)
        assert httpx.get(base + "/v1/models").status_code == 401
        r = httpx.post(
            base + "/v1/chat/completions",
            json={
                "model": "default",
                "messages": [{"role": "user", "content": "hi"}],
                "max_tokens": 2,
            },
            headers={"Authorization": "Bearer cli-key"},
            timeout=60,
        )
        assert r.status_code == 200 and r.json()["model"] == tiny_model.stem
    finally:
        proc.terminate()
        proc.wait(10)
    assert (hearth_home / "logs" / "server-requests.jsonl").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["--host", "0.0.0.0", "--no-auth"],
        ["--host", "0.0.0.0"],
        ["--lan", "--no-auth"],
        ["--cors", "*"],
    ],
)
def test_serve_refuses_insecure_setups(args: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from app.cli.main import main

    monkeypatch.setenv("HEARTH_API_KEY", "k")
    with pytest.raises(SystemExit) as ei:
        main(["serve", "--port", "0", *args])
    assert ei.value.code not in (0, None)
