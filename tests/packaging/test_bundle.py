"""The Linux bundle (``make package`` -> dist/hearth/) runs like the app does from source.

Slow: builds the bundle unless dist/hearth is newer than every file it is made from (set
``HEARTH_PACKAGE_REBUILD=1`` to force a build). Then runs the release checks of
``packaging/check_bundle.py`` (version, doctor, a reply from a tiny GGUF, ``hearth serve``,
built-in personas, the in-bundle self-test of RAG/server/resources, the window offscreen) and
checks that the bundle is lean (excluded packages can be neither folders in ``_internal/`` nor
modules in the executable's PYZ archive: the frozen process itself is asked) and carries its
desktop integration files.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "dist" / "hearth"
EXE = BUNDLE / ("hearth.exe" if sys.platform == "win32" else "hearth")
SOURCES = (
    "app",
    "resources",
    "pyproject.toml",
    "packaging/hearth.spec",
    "packaging/hearth_main.py",
    "packaging/icons.py",
    "packaging/linux",
)
#: A budget, not a target: the CPU build measured about 1.1 GB (torch is most of it).
MAX_BUNDLE_MB = 1600
#: Never imported by the app (see packaging/probe_imports.py); must not be in the bundle. The
#: release checks' list (packaging/check_bundle.py ABSENT) must cover at least these.
ABSENT = ("tkinter", "pytest", "mypy", "onnxruntime", "kubernetes", "pip", "PyInstaller", "IPython")

pytestmark = [pytest.mark.slow, pytest.mark.timeout(5400)]


def _load_checks() -> ModuleType:
    # packaging/ is not a package (its name would shadow the `packaging` distribution).
    spec = importlib.util.spec_from_file_location(
        "check_bundle", ROOT / "packaging" / "check_bundle.py"
    )
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _newest_source() -> float:
    newest = 0.0
    for name in SOURCES:
        p = ROOT / name
        files = (
            [p]
            if p.is_file()
            else (f for f in p.rglob("*") if f.is_file() and "__pycache__" not in f.parts)
        )
        for f in files:
            newest = max(newest, f.stat().st_mtime)
    return newest


@pytest.fixture(scope="module")
def bundle() -> Path:
    if sys.platform != "linux":
        pytest.skip(
            "make package builds the Linux bundle; see packaging/README.md for macOS/Windows"
        )
    fresh = EXE.exists() and EXE.stat().st_mtime > _newest_source()
    if os.environ.get("HEARTH_PACKAGE_REBUILD") == "1" or not fresh:
        if shutil.which("make") is None:
            pytest.skip("make is not installed")
        t0 = time.monotonic()
        proc = subprocess.run(["make", "package"], cwd=ROOT, capture_output=True, text=True)
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-5000:]
        print(f"make package: {time.monotonic() - t0:.0f} s")
    assert EXE.exists(), f"{EXE} was not built"
    return BUNDLE


def test_bundle_runs_cli_rag_server_and_gui(bundle: Path) -> None:
    report = _load_checks().run_checks(EXE)
    assert report["version"].endswith(__import__("app").__version__)
    assert report["doctor"]["backend"] == "cpu"
    assert report["run"]["completion_tokens"] > 0
    assert report["serve"]["usage"]["completion_tokens"] > 0
    assert "analyst" in report["personas"]
    self_test = report["self-test"]
    assert self_test["frozen"] is True
    assert self_test["resources"]["resources"].startswith(str(bundle))
    assert self_test["rag"]["ok"] and self_test["server"]["ok"]
    assert self_test["absent"] == {"ok": True, "checked": len(_load_checks().ABSENT), "found": []}
    assert "window=shown" in report["gui"]


def test_bundle_is_lean(bundle: Path, tmp_path: Path) -> None:
    checks = _load_checks()
    internal = bundle / "_internal"
    size_mb = (
        sum(f.stat().st_size for f in bundle.rglob("*") if f.is_file() and not f.is_symlink())
        / 2**20
    )
    print(f"dist/hearth: {size_mb:.0f} MB")
    assert size_mb < MAX_BUNDLE_MB
    names = sorted({*ABSENT, *checks.ABSENT})
    folders = [n for n in names if (internal / n.replace(".", "/")).exists()]
    assert not folders, f"packages the app never imports were bundled: {folders}"
    # Pure-Python packages would sit in the PYZ archive inside the executable, not in
    # _internal/: ask the frozen process whether it can find them.
    proc = subprocess.run(
        [str(EXE), "--bundle-self-test", "--only", "resources", "--absent", *names],
        capture_output=True,
        text=True,
        timeout=300,
        env=checks.Bundle(EXE, tmp_path).env(),  # as a user runs it: no PYTHONPATH, offline
        cwd=tmp_path,
    )
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["frozen"] is True
    assert result["absent"]["checked"] == len(names)
    assert result["absent"]["found"] == [], f"importable in the bundle: {result['absent']}"
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert not list(internal.glob("PySide6/Qt/qml/*")), "Qt's QML tree was bundled"
    assert not (internal / "PySide6" / "QtQml.abi3.so").exists()
    # llama.cpp's libraries are links to one copy, not three copies
    lib = internal / "llama_cpp" / "lib"
    assert (lib / "libllama.so").is_symlink() or not (lib / "libllama.so.0.5.0").exists()


def test_bundle_carries_resources_and_desktop_files(bundle: Path) -> None:
    internal = bundle / "_internal"
    for rel in (
        "resources/personas/analyst.Modelfile",
        "resources/models/recommended.json",
        "resources/styles/base.qss",
        "resources/icons/hearth.svg",
    ):
        assert (internal / rel).is_file(), rel
    desktop = bundle / "share" / "applications" / "io.hearth.Hearth.desktop"
    entries = dict(line.split("=", 1) for line in desktop.read_text().splitlines() if "=" in line)
    assert entries["Exec"].startswith("hearth") and entries["Icon"] == "io.hearth.Hearth"
    meta = ET.parse(bundle / "share" / "metainfo" / "io.hearth.Hearth.metainfo.xml").getroot()
    assert meta.findtext("id") == "io.hearth.Hearth"
    assert meta.find("launchable").text == desktop.name  # type: ignore[union-attr]
    for size in (16, 32, 48, 128, 256, 512):
        assert (bundle / f"share/icons/hicolor/{size}x{size}/apps/io.hearth.Hearth.png").is_file()
    if shutil.which("desktop-file-validate"):
        proc = subprocess.run(
            ["desktop-file-validate", str(desktop)], capture_output=True, text=True
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
