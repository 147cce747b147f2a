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


def _install(tmp_path: Path, language: str, contexts: str) -> list[Any]:
    """Compile a one-off catalogue for ``language`` (``contexts``: its <context> elements) with
    lrelease and install it the way the app does; returns the translators to remove."""
    lrelease = _tool("pyside6-lrelease")
    if lrelease is None:
        pytest.skip("pyside6-lrelease is not installed")
    ts = tmp_path / f"hearth_{language}.ts"
    ts.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n'
        f'<TS version="2.1" language="{language}">\n{contexts}</TS>\n',
        encoding="utf-8",
    )
    subprocess.run(
        [lrelease, str(ts), "-qm", str(tmp_path / f"hearth_{language}.qm")],
        check=True,
        capture_output=True,
    )
    from PySide6.QtCore import QCoreApplication, QLocale

    from app.ui.i18n import install_translators

    installed = install_translators(QCoreApplication.instance(), QLocale(language), tmp_path)
    assert any(not t.isEmpty() for t in installed)
    return installed


def _remove(installed: list[Any]) -> None:
    from PySide6.QtCore import QCoreApplication

    app = QCoreApplication.instance()
    for t in installed:
        app.removeTranslator(t)


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
    from PySide6.QtCore import QCoreApplication

    installed = _install(
        tmp_path,
        "fr",
        "<context><name>MainWindow</name>"
        "<message><source>Documents</source><translation>Documents (fr)</translation></message>"
        "<message><source>Models</source><translation>Modèles</translation></message>"
        "</context>",
    )
    try:
        assert QCoreApplication.translate("MainWindow", "Models") == "Modèles"
        from app.ui.main_window import page_title

        assert page_title("Models") == "Modèles"
    finally:
        _remove(installed)
    assert QCoreApplication.translate("MainWindow", "Models") == "Models"


def test_messages_built_in_code_are_translated(qtbot: Any, window: Any, tmp_path: Path) -> None:
    """Validation errors and reply labels with values in them go through the catalogue too."""
    from PySide6.QtWidgets import QLabel

    from app.ui.personas.editor import parse_parameters

    installed = _install(
        tmp_path,
        "de",
        "<context><name>PersonaEditor</name>"
        "<message><source>Line %d: %s needs a value.</source>"
        "<translation>Zeile %d: %s braucht einen Wert.</translation></message>"
        "</context><context><name>ChatPage</name>"
        "<message><source>Assistant · %s</source><translation>Assistent · %s</translation></message>"
        "</context>",
    )
    try:
        assert parse_parameters("temperature 0.5\nnum_ctx")[1] == [
            "Zeile 2: num_ctx braucht einen Wert."
        ]
        page = window.chat_page
        page.new_conversation()
        q = page.store.add_message(page.conv.id, "user", "Hi")
        page.store.add_message(
            page.conv.id, "assistant", "Hallo", parent_id=q.id, model="/m/tiny.gguf"
        )
        page.reload()
        roles = page.transcript.widgets[-1].findChildren(QLabel, "MessageRole")
        assert [r.text() for r in roles] == ["Assistent · tiny"]
    finally:
        _remove(installed)
    assert parse_parameters("num_ctx")[1] == ["Line 1: num_ctx needs a value."]
