"""Release checks for a built bundle, the same on every OS.

    .venv/bin/python packaging/check_bundle.py dist/hearth/hearth            # Linux
    .venv/bin/python packaging/check_bundle.py dist/Hearth.app/Contents/MacOS/hearth --expect-backend metal
    .venv\\Scripts\\python packaging\\check_bundle.py dist\\hearth\\hearth.exe --expect-backend cuda

Runs the bundled executable with a fresh data folder each time: ``--version``, ``doctor``
(backend and devices; ``--expect-backend`` makes a GPU build prove it sees its GPU), a reply
from a tiny GGUF through ``hearth run`` (all layers offloaded when a GPU backend is expected),
``hearth serve`` answering one chat completion, ``hearth docs add/search`` and ``hearth ask``
on a small PDF, the built-in personas, ``--bundle-self-test`` (resources, embedder + Chroma,
pypdf, uvicorn inside the frozen process, and none of ``ABSENT`` importable there) and the
window started offscreen and closed. Prints one line per check and exits non-zero on the
first failure. Needs numpy and gguf (the dev venv has them) to write the tiny model.
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
#: Modules the spec excludes (``EXCLUDES`` in hearth.spec) because the app never imports them;
#: the frozen process must not find them, whether as a folder in ``_internal/`` or as
#: pure-Python modules inside the executable's PYZ archive.
ABSENT = (
    "tkinter",
    "IPython",
    "matplotlib",
    "pandas",
    "pytest",
    "_pytest",
    "mypy",
    "pip",
    "setuptools",
    "pkg_resources",
    "PyInstaller",
    "openai",
    "ollama",
    "onnxruntime",
    "kubernetes",
    "typer",
    "aiohttp",
    "tensorboard",
    "torchvision",
    "llama_cpp.server",
    "chromadb.server",
    "PySide6.QtQml",
    "PySide6.QtNetwork",
)


class CheckFailed(Exception):
    pass


class Bundle:
    def __init__(self, exe: Path, home: Path) -> None:
        self.exe = exe
        self.home = home

    def env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        full_env = {
            **os.environ,
            "HEARTH_HOME": str(self.home / f"home-{time.monotonic_ns()}"),
            "HF_HUB_OFFLINE": "1",
            "QT_QPA_PLATFORM": "offscreen",
            "PYTHONDONTWRITEBYTECODE": "1",
            **(extra or {}),
        }
        # Run as a user would: not from the checkout, not with the venv's Python on the path.
        for var in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"):
            full_env.pop(var, None)
        return full_env

    def run(self, *args: str, timeout: float = 300, env: dict[str, str] | None = None) -> str:
        full_env = self.env(env)
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


def _handbook(folder: Path) -> Path:
    """A two-page PDF with a real text layer (the RAG tests' writer), or Markdown without it."""
    pages = [
        ["Northwind staff handbook.", "Holidays are booked through the office manager."],
        ["Storage.", "The olive oil is stored in the north warehouse, shelf 12."],
    ]
    try:
        from tests.rag.pdfgen import write_pdf

        return Path(write_pdf(folder / "handbook.pdf", pages))
    except ImportError:
        path = folder / "handbook.md"
        path.write_text("\n\n".join(" ".join(p) for p in pages), encoding="utf-8")
        return path


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _chat(port: int, deadline: float, proc: subprocess.Popen[str]) -> dict[str, Any]:
    """POST one chat completion once the server listens (stdlib only)."""
    import urllib.error
    import urllib.request

    body = json.dumps(
        {
            "model": "tiny",
            "messages": [{"role": "user", "content": "Hello"}],
            "max_tokens": 8,
            "seed": 1,
        }
    ).encode()
    last: Exception | None = None
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out = proc.stdout.read() if proc.stdout else ""
            raise CheckFailed(f"hearth serve exited {proc.returncode}: {out[-3000:]}")
        req = urllib.request.Request(
            f"http://127.0.0.1:{port}/v1/chat/completions",
            data=body,
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(req, timeout=60) as resp:
                return dict(json.loads(resp.read()))
        except urllib.error.HTTPError as exc:
            raise CheckFailed(f"hearth serve answered {exc.code}: {exc.read()[:2000]!r}") from exc
        except OSError as exc:  # not listening yet
            last = exc
            time.sleep(0.5)
    raise CheckFailed(f"hearth serve did not answer on port {port}: {last}")


def run_checks(
    exe: Path,
    expect_backend: str | None = None,
    *,
    frozen: bool = True,
    skip: tuple[str, ...] = (),
    absent: tuple[str, ...] = ABSENT,
) -> dict[str, Any]:
    """Every check against ``exe``; returns what each reported. Raises CheckFailed.

    ``absent``: modules the frozen process must not find (not checked with ``frozen=False``:
    a source launcher sees the whole development venv)."""
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

        def serve() -> dict[str, Any]:
            """`hearth serve` with the tiny model answers one OpenAI chat completion."""
            model = Path(tmp) / "tiny.gguf"
            port = _free_port()
            proc = subprocess.Popen(
                [str(exe), "serve", str(model), "--port", str(port), "--no-auth"],
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                env=b.env(),
                cwd=tmp,
            )
            try:
                reply = _chat(port, deadline=time.monotonic() + 120, proc=proc)
            finally:
                proc.terminate()
                try:
                    out, _ = proc.communicate(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    out, _ = proc.communicate()
            if not reply["choices"][0]["message"]["content"]:
                raise CheckFailed(f"empty reply from hearth serve: {reply}\n{out[-2000:]}")
            return {"port": port, "usage": reply.get("usage")}

        def documents() -> dict[str, Any]:
            """Index a PDF (pypdf, the bundled embedder, Chroma), search it, ask about it."""
            doc = _handbook(Path(tmp))
            docs_env = {"HEARTH_HOME": str(Path(tmp) / "docs-home")}
            added = json.loads(b.run("docs", "add", "handbook", str(doc), "--json", env=docs_env))
            if added.get("chunks", 0) < 1:
                raise CheckFailed(f"`hearth docs add` indexed nothing: {added}")
            hits = json.loads(
                b.run(
                    "docs",
                    "search",
                    "handbook",
                    "where is the olive oil stored",
                    "--json",
                    env=docs_env,
                )
            )
            if not hits or "warehouse" not in hits[0]["text"].lower():
                raise CheckFailed(f"`hearth docs search` found the wrong passage: {hits}")
            model = Path(tmp) / "tiny.gguf"
            answer = json.loads(
                b.run(
                    "ask",
                    "handbook",
                    "Where is the olive oil stored?",
                    "-m",
                    str(model),
                    "--max-tokens",
                    "8",
                    "--json",
                    env=docs_env,
                )
            )
            return {
                "chunks": added["chunks"],
                "top_hit": hits[0].get("document"),
                "ask_keys": sorted(answer),
            }

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
            names = list(absent) if frozen else []
            args = ["--bundle-self-test", *(["--absent", *names] if names else [])]
            try:
                out = b.run(*args, timeout=600)
            except CheckFailed as exc:
                raise CheckFailed(f"bundle self-test failed: {exc}") from exc
            result = json.loads(out.strip().splitlines()[-1])
            if not result.get("ok") or result.get("frozen") != frozen:
                raise CheckFailed(f"bundle self-test failed: {result}")
            if names and result.get("absent", {}).get("checked") != len(names):
                raise CheckFailed(f"bundle self-test did not check the absent modules: {result}")
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
            "serve": serve,
            "documents": documents,
            "personas": personas,
            "self-test": self_test,
            "gui": gui,
        }
        for name, check in checks.items():
            if name in skip:
                print(f"skip {name}", flush=True)
                continue
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
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        metavar="CHECK",
        help="leave a check out, e.g. documents for a build made with HEARTH_BUNDLE_EMBEDDER=0",
    )
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    try:
        run_checks(
            args.exe.resolve(),
            args.expect_backend,
            frozen=not args.from_source,
            skip=tuple(args.skip),
        )
    except CheckFailed as exc:
        print(f"FAIL {exc}", file=sys.stderr)
        sys.exit(1)
    print("all bundle checks passed")


if __name__ == "__main__":
    main()
