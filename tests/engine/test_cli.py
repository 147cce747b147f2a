"""The `hearth` command as a user runs it: real process, real model."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def hearth(*args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "app", *args], capture_output=True, text=True, timeout=120
    )
    if ok:
        assert proc.returncode == 0, proc.stderr
    return proc


def test_version_and_help() -> None:
    assert "hearth" in hearth("--version").stdout
    out = hearth("--help").stdout
    for cmd in ("run", "chat", "info", "doctor", "bench"):
        assert cmd in out


def test_run_json_shape(tiny_model: Path) -> None:
    out = json.loads(
        hearth(
            "run", str(tiny_model), "Hello", "--max-tokens", "12", "--seed", "4", "--json"
        ).stdout
    )
    assert set(out) >= {"text", "finish_reason", "stats"}
    assert out["finish_reason"] == "length"
    assert set(out["stats"]) >= {
        "prompt_tokens",
        "completion_tokens",
        "ttft_s",
        "prefill_tok_s",
        "decode_tok_s",
    }
    assert out["stats"]["completion_tokens"] == 12
    again = json.loads(
        hearth("run", str(tiny_model), "Hello", "-n", "12", "--seed", "4", "--json").stdout
    )
    assert again["text"] == out["text"]


def test_run_streams_text_and_system_prompt(tiny_model: Path) -> None:
    proc = hearth(
        "run", str(tiny_model), "Hi", "-n", "5", "--system", "Be brief.", "--temperature", "0"
    )
    assert proc.stdout.strip()
    assert "tok/s" in proc.stderr


def test_info_and_bench_json(tiny_model: Path) -> None:
    info = json.loads(hearth("info", str(tiny_model), "--json").stdout)
    assert info["architecture"] == "llama" and info["fit"]["verdict"] == "cpu_only"
    b = json.loads(
        hearth(
            "bench", str(tiny_model), "--prompt-tokens", "64", "--gen-tokens", "16", "--json"
        ).stdout
    )
    assert set(b) == {"prefill_tok_s", "decode_tok_s", "ttft_s", "n_prompt", "n_gen"}
    assert b["n_gen"] == 16 and b["decode_tok_s"] > 0


def test_doctor() -> None:
    out = json.loads(hearth("doctor", "--json").stdout)
    assert out["backend"] == "cpu" and out["hardware"]["ram_total"] > 0


def test_doctor_reports_openmp_spin_settings() -> None:
    """Hearth's own OpenMP defaults apply unless the user set them; PASSIVE gets a warning."""
    base = {k: v for k, v in os.environ.items() if k not in ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT")}
    cmd = [sys.executable, "-m", "app", "doctor", "--json"]
    own = json.loads(
        subprocess.run(cmd, env=base, capture_output=True, text=True, check=True).stdout
    )
    assert own["openmp"]["in_use"] is ("OPENMP = 1" in own["llama_system_info"])
    assert own["openmp"]["OMP_WAIT_POLICY"] == "ACTIVE"
    assert own["openmp"]["GOMP_SPINCOUNT"] == "10000" and not own["openmp"]["warning"]
    env = {**base, "OMP_WAIT_POLICY": "passive"}
    text = subprocess.run(cmd[:-1], env=env, capture_output=True, text=True, check=True).stdout
    if own["openmp"]["in_use"]:
        assert "OMP_WAIT_POLICY=passive" in text and "3x slower" in text


@pytest.mark.parametrize(
    ("content", "expect"),
    [(None, "No model file"), (b"plain text", "not a GGUF"), ("half", "truncated")],
)
def test_errors_are_one_line_without_traceback(
    tiny_model: Path, tmp_path: Path, content: object, expect: str
) -> None:
    p = tmp_path / "m.gguf"
    if content == "half":
        p.write_bytes(tiny_model.read_bytes()[:4000])
    elif isinstance(content, bytes):
        p.write_bytes(content)
    proc = hearth("run", str(p), "hi", ok=False)
    assert proc.returncode == 1
    assert expect in proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_too_big_for_memory_is_one_line(tiny_model: Path) -> None:
    proc = hearth("run", str(tiny_model), "hi", "--ctx", "80000000", ok=False)
    assert proc.returncode == 1 and "GiB" in proc.stderr and "Traceback" not in proc.stderr


def test_chat_keeps_history(tiny_model: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "app", "chat", str(tiny_model), "-n", "4", "--seed", "1"],
        input="hello\nsecond\n/exit\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count(">>> ") == 3
