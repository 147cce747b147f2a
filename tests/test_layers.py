"""The architecture's one-way arrows, checked on the source (no imports executed)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

APP = Path(__file__).resolve().parents[1] / "app"
CORE_PACKAGES = ("core", "engine", "models", "chats", "rag", "personas")
EDGE_PACKAGES = ("app.ui", "app.server", "app.cli")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _modules(under: Path) -> list[Path]:
    return sorted(p for p in under.rglob("*.py") if "__pycache__" not in p.parts)


def test_only_app_ui_imports_pyside6() -> None:
    offenders = [
        str(p.relative_to(APP))
        for p in _modules(APP)
        if p.relative_to(APP).parts[0] != "ui"
        and any(n == "PySide6" or n.startswith("PySide6.") for n in _imports(p))
    ]
    assert offenders == []


def test_core_packages_do_not_import_the_edges() -> None:
    offenders = []
    for pkg in CORE_PACKAGES:
        for p in _modules(APP / pkg):
            bad = [n for n in _imports(p) if n.startswith(EDGE_PACKAGES)]
            if bad:
                offenders.append(f"{p.relative_to(APP)} -> {bad}")
    assert offenders == []


def test_core_has_no_ml_imports() -> None:
    heavy = ("llama_cpp", "torch", "sentence_transformers", "chromadb", "numpy")
    offenders = [
        f"{p.relative_to(APP)} -> {n}"
        for p in _modules(APP / "core")
        for n in _imports(p)
        if n.split(".")[0] in heavy
    ]
    assert offenders == []


def test_help_imports_nothing_heavy() -> None:
    code = (
        "import sys; from app.cli.main import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('llama_cpp', 'torch', 'sentence_transformers', 'chromadb', 'PySide6', 'numpy') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert "HEAVY []" in out
