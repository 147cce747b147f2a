"""Translation plumbing: the English catalogue is complete, and a .qm file translates the app."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "resources" / "i18n" / "hearth_en.ts"


def _tool(name: str) -> str | None:
    exe = Path(sys.executable).with_name(name)
    return str(exe) if exe.exists() else shutil.which(name)


def _sources(ts: Path) -> set[str]:
    import xml.etree.ElementTree as ET

    root = ET.parse(ts).getroot()
    return {
        f"{c.findtext('name')}|{m.findtext('source')}"
        for c in root.iter("context")
        for m in c.iter("message")
    }


def test_catalogue_lists_every_string(tmp_path: Path) -> None:
    lupdate = _tool("pyside6-lupdate")
    if lupdate is None:
        pytest.skip("pyside6-lupdate is not installed")
    fresh = tmp_path / "fresh.ts"
    files = sorted(str(p) for p in (ROOT / "app" / "ui").rglob("*.py"))
    subprocess.run([lupdate, *files, "-ts", str(fresh)], check=True, capture_output=True)
    missing = _sources(fresh) - _sources(CATALOGUE)
    assert not missing, f"run 'make i18n': {sorted(missing)[:5]}"
    assert "ServerPage|&Start server" in _sources(CATALOGUE)


def test_a_qm_file_translates_the_window(qtbot: Any, window: Any, tmp_path: Path) -> None:
    lrelease = _tool("pyside6-lrelease")
    if lrelease is None:
        pytest.skip("pyside6-lrelease is not installed")
    ts = tmp_path / "hearth_fr.ts"
    ts.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n<TS version="2.1" language="fr">\n'
        "<context><name>MainWindow</name>"
        "<message><source>Documents</source><translation>Documents (fr)</translation></message>"
        "<message><source>Models</source><translation>Modèles</translation></message>"
        "</context></TS>\n",
        encoding="utf-8",
    )
    subprocess.run(
        [lrelease, str(ts), "-qm", str(tmp_path / "hearth_fr.qm")], check=True, capture_output=True
    )
    from PySide6.QtCore import QCoreApplication, QLocale

    from app.ui.i18n import install_translators

    app = QCoreApplication.instance()
    installed = install_translators(app, QLocale("fr_FR"), tmp_path)
    try:
        assert any(not t.isEmpty() for t in installed)
        assert QCoreApplication.translate("MainWindow", "Models") == "Modèles"
        from app.ui.main_window import page_title

        assert page_title("Models") == "Modèles"
    finally:
        for t in installed:
            app.removeTranslator(t)
    assert QCoreApplication.translate("MainWindow", "Models") == "Models"
