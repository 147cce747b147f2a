"""Release checks for a built bundle, the same on every OS.

    .venv/bin/python packaging/check_bundle.py dist/hearth/hearth            # Linux
    .venv/bin/python packaging/check_bundle.py dist/Hearth.app/Contents/MacOS/hearth --expect-backend metal
    .venv\\Scripts\\python packaging\\check_bundle.py dist\\hearth\\hearth.exe --expect-backend cuda

Runs the bundled executable with a fresh data folder each time: ``--version``, ``doctor``
(backend and devices; ``--expect-backend`` makes a GPU build prove it sees its GPU), a reply
from a tiny GGUF through ``hearth run`` (all layers offloaded when a GPU backend is expected),
the built-in personas, ``--bundle-self-test`` (resources, embedder + Chroma, pypdf, uvicorn
inside the frozen process) and the window started offscreen and closed. Prints one line per
check and exits non-zero on the first failure. Needs numpy and gguf (the dev venv has them)
to write the tiny model.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


class CheckFailed(Exception):
    pass


class Bundle:
    def __init__(self, exe: Path, home: Path) -> None:
        self.exe = exe
        self.home = home

    def run(self, *args: str, timeout: float = 300, env: dict[str, str] | None = None) -> str:
        full_env = {
            **os.environ,
            "HEARTH_HOME": str(self.home / f"home-{time.monotonic_ns()}"),
            "HF_HUB_OFFLINE": "1",
            "QT_QPA_PLATFORM": "offscreen",
            "PYTHONDONTWRITEBYTECODE": "1",
            **(env or {}),
        }
        # Run as a user would: not from the checkout, not with the venv's Python on the path.
        for var in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"):
            full_env.pop(var, None)
        proc = subprocess.run(
            [str(self.exe), *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=timeout,
            env=full_env,
            cwd=self.home,
        )
        if proc.returncode != 0:
            raise CheckFailed(
                f"`hearth {' '.join(args)}` exited {proc.returncode}\n"
                f"--- stdout ---\n{proc.stdout[-4000:]}\n--- stderr ---\n{proc.stderr[-4000:]}"
            )
        return proc.stdout


def tiny_model(folder: Path) -> Path:
    sys.path.insert(0, str(ROOT))
    from tests.fixtures.tiny_gguf import build_llama_gguf

    return build_llama_gguf(folder / "tiny.gguf")


def run_checks(
    exe: Path, expect_backend: str | None = None, *, frozen: bool = True
) -> dict[str, Any]:
    """Every check against ``exe``; returns what each reported. Raises CheckFailed."""
    from app import __version__

    report: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="hearth-check-") as tmp:
        b = Bundle(exe, Path(tmp))
        gpu = expect_backend not in (None, "cpu")

        def version() -> str:
            out = b.run("--version", timeout=60).strip()
            if __version__ not in out:
                raise CheckFailed(f"--version printed {out!r}, expected {__version__}")
            return out

        def doctor() -> dict[str, Any]:
            b.run("doctor", timeout=120)
            info = json.loads(b.run("doctor", "--json", timeout=120))
            if info.get("hearth") != __version__:
                raise CheckFailed(f"doctor reports version {info.get('hearth')}")
            if expect_backend and info["backend"] != expect_backend:
                raise CheckFailed(
                    f"doctor reports backend {info['backend']}, expected {expect_backend}"
                )
            if gpu and not (info["gpu_offload"] and info["devices"]):
                raise CheckFailed(f"no GPU offload or no device: {info['devices']}")
            return {k: info[k] for k in ("backend", "gpu_offload", "devices", "llama_cpp_python")}

        def generate() -> dict[str, Any]:
            model = tiny_model(Path(tmp))
            layers = ["--gpu-layers", "99"] if gpu else []
            out = b.run(
                "run", str(model), "Hello", "--max-tokens", "8", "--seed", "1", "--json", *layers
            )
            reply = json.loads(out)
            if reply["stats"]["completion_tokens"] < 1 or not reply["text"]:
                raise CheckFailed(f"no tokens generated: {reply}")
            return {"completion_tokens": reply["stats"]["completion_tokens"], **reply["stats"]}

        def personas() -> list[str]:
            out = b.run("personas", timeout=120)
            missing = [
                p.name.removesuffix(".Modelfile")
                for p in (ROOT / "resources" / "personas").glob("*.Modelfile")
                if p.name.removesuffix(".Modelfile") not in out
            ]
            if missing:
                raise CheckFailed(
                    f"built-in personas missing from `hearth personas`: {missing}\n{out}"
                )
            return sorted(p.stem for p in (ROOT / "resources" / "personas").glob("*.Modelfile"))

        def self_test() -> dict[str, Any]:
            out = b.run("--bundle-self-test", timeout=600)
            result = json.loads(out.strip().splitlines()[-1])
            if not result.get("ok") or result.get("frozen") != frozen:
                raise CheckFailed(f"bundle self-test failed: {result}")
            return result

        def gui() -> str:
            out = b.run(env={"HEARTH_SMOKE_TEST": "3"}, timeout=180)
            line = next((x for x in out.splitlines() if x.startswith("smoke-test:")), "")
            if "window=shown" not in line or "exit=0" not in line:
                raise CheckFailed(f"GUI smoke test: {out!r}")
            return line

        checks: dict[str, Callable[[], Any]] = {
            "version": version,
            "doctor": doctor,
            "run": generate,
            "personas": personas,
            "self-test": self_test,
            "gui": gui,
        }
        for name, check in checks.items():
            t0 = time.perf_counter()
            report[name] = check()
            print(f"ok   {name:<10} {time.perf_counter() - t0:6.1f} s  {report[name]}", flush=True)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("exe", type=Path, help="the bundled hearth executable")
    parser.add_argument(
        "--expect-backend", choices=["cpu", "cuda", "metal", "vulkan"], default=None
    )
    parser.add_argument(
        "--from-source", action="store_true", help="exe is a source launcher (tests the checks)"
    )
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    try:
        run_checks(args.exe.resolve(), args.expect_backend, frozen=not args.from_source)
    except CheckFailed as exc:
        print(f"FAIL {exc}", file=sys.stderr)
        sys.exit(1)
    print("all bundle checks passed")


if __name__ == "__main__":
    main()
