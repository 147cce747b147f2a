"""The window itself: start-up time, pages, status bar, settings, themes, geometry, first run."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.gui

ROOT = Path(__file__).resolve().parents[2]


def test_window_appears_fast_without_heavy_imports(hearth_home: Path) -> None:
    """Under 1.5 s from launching Python to the window on screen, importing nothing heavy.

    Wall-clock time depends on what else runs on the machine, so the CPU time the app
    spent to get there (its own cost) is asserted too, and the wall-clock bound is
    asserted when the machine is not already saturated by other processes.
    """
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HEARTH_HOME": str(hearth_home)}
    walls, cpus = [], []
    for _ in range(3):
        t0 = time.time()
        out = subprocess.run([sys.executable, "-m", "app.ui.app", "--measure-startup"], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=60).stdout  # fmt: skip
        line = next(x for x in out.splitlines() if x.startswith("window_shown_s="))
        fields = dict(kv.split("=") for kv in line.split())
        assert fields["heavy_modules"] == "none"
        walls.append(float(fields["shown_at"]) - t0)  # from launching the interpreter
        cpus.append(float(fields["cpu_s"]))
    load = os.getloadavg()[0] / (os.cpu_count() or 1)
    print(
        f"\nwindow shown after {min(walls):.3f} s (best of 3), {min(cpus):.3f} s of CPU; load {load:.1f}/core"
    )
    assert min(cpus) < 1.0
    if load < 1.0:
        assert min(walls) < 1.5


def test_sidebar_pages_and_status_bar(qtbot: Any, window: Any) -> None:
    from app.ui.main_window import PAGES

    assert [window.sidebar.item(i).text() for i in range(window.sidebar.count())] == PAGES
    for name in PAGES:
        window.show_page(name)
        assert window.stack.currentIndex() == PAGES.index(name)
    window.show_page("Models")
    assert window.stack.currentWidget() is window.models_page
    assert window.models_page.tabs.count() == 3
    assert "Hearth Tiny Llama" in window.status.model.text()
    qtbot.waitUntil(
        lambda: "CPU" in window.status.backend.text() or "CUDA" in window.status.backend.text(),
        timeout=10000,
    )
    assert "GB" in window.status.memory.text()
    assert window.status.server.text() == "Server: off"


def test_settings_page_saves_and_applies_theme(qtbot: Any, window: Any) -> None:
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QApplication

    from app.core.settings import SettingsStore

    page = window.settings_page
    row = page.rows[("ui", "theme")]
    row.widget.setCurrentIndex(row.widget.findData("dark"))
    page.rows[("engine", "kv_type")].widget.setCurrentIndex(1)
    page.rows[("engine", "n_ctx")].widget.setValue(4096)
    assert page.save()
    saved = SettingsStore(window.services.paths).load()
    assert (
        saved.ui.theme == "dark" and saved.engine.kv_type == "q8_0" and saved.engine.n_ctx == 4096
    )
    bg = QApplication.instance().palette().color(QPalette.ColorRole.Window)
    assert bg.lightness() < 80
    row.widget.setCurrentIndex(row.widget.findData("light"))
    page.save()
    assert QApplication.instance().palette().color(QPalette.ColorRole.Window).lightness() > 200
    # an "Auto" (None) int setting round-trips
    page.rows[("engine", "n_ctx")].widget.setValue(page.rows[("engine", "n_ctx")].widget.minimum())
    page.save()
    assert SettingsStore(window.services.paths).load().engine.n_ctx is None


def test_geometry_and_splitter_are_remembered(qtbot: Any, services: Any) -> None:
    from app.ui.app import build_window

    win = build_window(services)
    qtbot.addWidget(win)
    win.show()
    win.resize(1200, 650)
    win.chat_page.splitter.setSizes([300, 500, 200])
    win.chat_page.model_bar.panel_button.setChecked(True)
    state = bytes(win.chat_page.splitter.saveState())
    win.close()
    again = build_window(services)
    qtbot.addWidget(again)
    again.show()
    # the offscreen screen is 800 px wide, so Qt clamps the restored width; the height fits
    assert again.height() == 650
    assert bytes(again._window_settings.value("chat_splitter")) == state
    assert again.chat_page.panel.isVisible()
    again.close()


def test_load_dialog_shows_the_live_fit_estimate(qtbot: Any, window: Any, tiny_model: Path) -> None:
    from app.core.hardware import detect_hardware
    from app.ui.load_dialog import LoadModelDialog
    from app.ui.model_controller import default_options

    dlg = LoadModelDialog(
        tiny_model, default_options(window.services, tiny_model), detect_hardware()
    )
    qtbot.addWidget(dlg)
    qtbot.waitUntil(lambda: dlg.load_button.isEnabled(), timeout=5000)
    assert "llama" in dlg.details.text() and "Runs" in dlg.verdict.text()
    dlg.ctx.setCurrentText("2048")
    ram_2048 = dlg.estimate.ram_bytes
    dlg.ctx.setCurrentText("512")
    assert dlg.estimate.n_ctx == 512 and dlg.estimate.ram_bytes < ram_2048
    assert dlg.ram_bar.value() > 0 and "GiB of" in dlg.ram_label.text()
    dlg.kv.setCurrentIndex(dlg.kv.findData("q8_0"))
    opts = dlg.options()
    assert opts.n_ctx == 512 and opts.kv_type == "q8_0"


def test_first_run_downloads_the_starter_and_opens_a_chat(
    qtbot: Any, services: Any, tiny_model: Path
) -> None:
    from app.engine.service import InferenceService
    from app.models.recommended import recommended
    from app.ui.app import build_window
    from tests.fixtures.fake_hub import FakeHub

    with FakeHub() as hub:
        for m in recommended():  # every starter serves the tiny model, whichever fits this machine
            hub.add_repo(m.repo, {m.file: tiny_model})
        services.settings.ui.first_run_done = False
        services.settings.models.hf_endpoint = hub.endpoint
        services.inference = InferenceService()  # its own engine: this test loads a model
        services.owns_inference = True
        win = build_window(services)
        qtbot.addWidget(win)
        win.show()
        win.start()
        page = win.first_run_page
        assert win.stack.currentWidget() is page
        qtbot.waitUntil(lambda: page.download_button.isEnabled(), timeout=15000)
        assert "Memory" in page.hw_label.text() and page.choice is not None
        with qtbot.waitSignal(win.models.loaded, timeout=30000):
            page.download_button.click()
        assert win.stack.currentWidget() is win.chat_page
        assert services.settings.ui.first_run_done
        assert win.chat_page.conv is not None and win.chat_page.conv.model == win.models.current_ref
        assert Path(win.models.current.path).is_relative_to(services.paths.models_dir)
        win.close()


def test_first_run_offline_explains_adding_a_file(qtbot: Any, services: Any) -> None:
    from app.ui.app import build_window

    services.settings.ui.first_run_done = False
    services.settings.models.hf_endpoint = "http://127.0.0.1:9"  # nothing listens there
    win = build_window(services)
    qtbot.addWidget(win)
    win.show()
    win.start()
    page = win.first_run_page
    qtbot.waitUntil(lambda: "offline" in page.progress_label.text(), timeout=15000)
    assert not page.download_button.isEnabled()
    assert "drag" in page.progress_label.text().lower()
    page.skipped.emit()
    assert win.stack.currentWidget() is win.chat_page
    win.close()


@pytest.mark.parametrize(
    "markdown", ["# Title\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```python\nx = 1\n```"]
)
def test_markdown_reply_renders_code_with_copy(qtbot: Any, window: Any, markdown: str) -> None:
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QGuiApplication

    page = window.chat_page
    c = page.new_conversation()
    u = page.store.add_message(c.id, "user", "show me")
    page.store.add_message(c.id, "assistant", markdown, parent_id=u.id)
    page.reload()
    w = page.transcript.widgets[-1]
    html = w.body.toHtml()
    assert "Title" in html and "copy:0" in html
    w._on_body_anchor_clicked(QUrl("copy:0"))
    assert QGuiApplication.clipboard().text() == "x = 1\n"
