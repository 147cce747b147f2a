"""Models page against the loopback stand-in Hub: search, repo page, download, library actions."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from tests.fixtures.tiny_gguf import TinySpec, build_llama_gguf


@pytest.fixture(scope="module")
def quant_bytes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    d = tmp_path_factory.mktemp("hub-quants")
    return {
        q: build_llama_gguf(d / f"Tiny-{q}.gguf", TinySpec(name=f"Tiny {q}")).read_bytes()
        for q in ("Q4_K_M", "Q8_0")
    }


def test_discover_download_and_manage(
    qtbot: Any, window: Any, fake_hub: Any, quant_bytes: dict[str, bytes]
) -> None:
    fake_hub.add_repo(
        "acme/Tiny-GGUF",
        {f"Tiny-{q}.gguf": b for q, b in quant_bytes.items()},
        downloads=1200,
        license="mit",
        card="---\nlicense: mit\n---\n# Tiny\n\nA **tiny** test model.",
    )
    fake_hub.add_repo("acme/Gated-GGUF", {"Gated-Q4_K_M.gguf": quant_bytes["Q4_K_M"]}, gated="auto")
    window.show_page("Models")
    page = window.models_page
    page.start()
    d = page.discover

    # search with sort; results name the gated repo as such
    page.tabs.setCurrentWidget(d)
    d.search.setText("GGUF")
    d.run_search()
    qtbot.waitUntil(lambda: d.list.count() == 2, timeout=10000)
    assert "acme/Tiny-GGUF" in d.list.item(0).text()  # most downloaded first
    assert "gated" in d.list.item(1).text()

    # the repo page: quant table with sizes and the recommended pick, license, the card rendered
    d.list.setCurrentRow(0)
    qtbot.waitUntil(lambda: d.table.rowCount() == 2, timeout=10000)
    quants = [d.table.item(r, 0).text() for r in range(2)]
    assert quants == ["Q4_K_M", "Q8_0"]
    assert "Recommended" in d.table.item(0, 3).text()
    assert "mit" in d.meta.text() and "Open access" in d.meta.text()
    assert "tiny test model" in d.card.toPlainText() and "license:" not in d.card.toPlainText()

    # download the recommended quant; the Downloads tab shows it to the end
    assert d.download_button.isEnabled()
    d.download_button.click()
    dl = page.downloads
    qtbot.waitUntil(lambda: page.tabs.currentWidget() is dl, timeout=10000)
    qtbot.waitUntil(
        lambda: any(p.state.value == "done" for p in dl.progress.values()), timeout=20000
    )
    row = next(iter(dl.rows.values()))
    assert dl.table.item(row, 4).text() == "Done"
    assert dl.table.cellWidget(row, 1).value() == 1000
    assert "ready to use" in dl.status.text()

    # My models: the downloaded file with its quantization; verify, then delete shows the space freed
    lib = page.library
    qtbot.waitUntil(lambda: any(e.quantization == "Q4_K_M" for e in lib.entries), timeout=10000)
    name = next(e.name for e in lib.entries if e.quantization == "Q4_K_M")
    r = next(i for i, e in enumerate(lib.entries) if e.name == name)
    assert lib.table.item(r, 2).text() == "Q4_K_M"
    lib.select_name(name)
    assert lib.verify_button.isEnabled()
    lib.verify(name)
    qtbot.waitUntil(
        lambda: "intact" in lib.status.text() or "recorded" in lib.status.text(), timeout=10000
    )
    path = Path(next(e.path for e in lib.entries if e.name == name))
    lib.delete(name)
    qtbot.waitUntil(lambda: "freed" in lib.status.text(), timeout=10000)
    from app.ui.models.format import size

    assert f"{size(len(quant_bytes['Q4_K_M']))} freed" in lib.status.text()
    assert not path.exists()


def test_pause_resume_cancel_and_restart(
    qtbot: Any, window: Any, fake_hub: Any, quant_bytes: dict[str, bytes]
) -> None:
    fake_hub.add_repo("acme/Slow-GGUF", {"Slow-Q8_0.gguf": quant_bytes["Q8_0"]})
    fake_hub.bytes_per_second = 100_000  # ~6 s for the whole file: time to pause it
    window.show_page("Models")
    page = window.models_page
    page.start()
    dl = page.downloads
    task = window.services.downloads.pull("acme/Slow-GGUF", quant="Q8_0")
    qtbot.waitUntil(lambda: task in dl.rows, timeout=5000)
    dl.select_task(task)
    qtbot.waitUntil(
        lambda: dl.progress[task].state.value == "running" and dl.progress[task].done_bytes > 0,
        timeout=10000,
    )
    assert dl.pause_button.isEnabled()
    dl.pause_button.click()
    qtbot.waitUntil(lambda: dl.progress[task].state.value == "paused", timeout=10000)
    assert dl.table.item(dl.rows[task], 4).text() == "Paused"
    assert dl.resume_button.isEnabled() and not dl.pause_button.isEnabled()

    # a restart: a new manager finds the interrupted download and continues from the bytes on disk
    window.services.downloads.close()
    window.services._downloads = None
    from app.ui.models.downloads_tab import DownloadsTab

    fresh = DownloadsTab(window.services)
    qtbot.addWidget(fresh)
    fresh.attach()
    qtbot.waitUntil(lambda: fresh.resume_all_button.isVisibleTo(fresh), timeout=5000)
    assert "interrupted" in fresh.interrupted_label.text()
    fake_hub.bytes_per_second = None
    fresh.resume_all_button.click()
    qtbot.waitUntil(
        lambda: any(p.state.value == "done" for p in fresh.progress.values()), timeout=20000
    )
    ranges = [r for r in fake_hub.ranges("Slow-Q8_0.gguf") if r]
    assert ranges, "the resumed download asked for the rest of the file, not all of it"
    fresh.detach()


def test_cancel_deletes_partial(
    qtbot: Any, window: Any, fake_hub: Any, quant_bytes: dict[str, bytes]
) -> None:
    fake_hub.add_repo("acme/Cancel-GGUF", {"C-Q8_0.gguf": quant_bytes["Q8_0"]})
    fake_hub.bytes_per_second = 100_000
    window.show_page("Models")
    dl = window.models_page.downloads
    window.models_page.start()
    task = window.services.downloads.pull("acme/Cancel-GGUF", quant="Q8_0")
    qtbot.waitUntil(lambda: task in dl.rows and dl.progress[task].done_bytes > 0, timeout=10000)
    dl.select_task(task)
    dl.cancel_button.click()
    qtbot.waitUntil(lambda: dl.progress[task].state.value == "cancelled", timeout=10000)
    assert window.services.downloads.partial_files() == []


@pytest.fixture
def held_hardware(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """The window's hardware check (the real one) waits until the test sets the event."""
    import app.core.hardware as hardware

    release = threading.Event()
    real = hardware.detect_hardware

    def held() -> Any:
        release.wait(30)
        return real()

    monkeypatch.setattr(hardware, "detect_hardware", held)
    yield release
    release.set()


def _expected_fit(hw: Any) -> str:
    """A sub-MB model fits anywhere: on the GPU when there is one, else on the CPU."""
    from app.ui.models.format import fit_label

    return fit_label("full_gpu" if hw.gpus else "cpu_only")


def test_fit_columns_fill_in_when_the_hardware_check_ends_late(
    qtbot: Any,
    held_hardware: threading.Event,
    window: Any,
    fake_hub: Any,
    quant_bytes: dict[str, bytes],
) -> None:
    services = window.services
    model = services.paths.models_dir / "Tiny-Q8_0.gguf"
    model.write_bytes(quant_bytes["Q8_0"])
    fake_hub.add_repo("acme/Tiny-GGUF", {f"Tiny-{q}.gguf": b for q, b in quant_bytes.items()})
    assert services.hardware is None  # the check is still running
    window.show_page("Models")
    page = window.models_page
    page.start()
    lib, d = page.library, page.discover
    qtbot.waitUntil(lambda: any(e.path == str(model) for e in lib.entries), timeout=10000)
    row = next(i for i, e in enumerate(lib.entries) if e.path == str(model))
    assert lib.table.item(row, 4).text() == "–"
    d.open_repo("acme/Tiny-GGUF")
    qtbot.waitUntil(lambda: d.table.rowCount() == 2, timeout=10000)
    assert [d.table.item(r, 2).text() for r in range(2)] == ["–", "–"]
    d.table.selectRow(1)  # the user's pick survives the redraw

    held_hardware.set()
    qtbot.waitUntil(lambda: services.hardware is not None, timeout=30000)
    expected = _expected_fit(services.hardware)
    qtbot.waitUntil(lambda: lib.table.item(row, 4).text() == expected, timeout=5000)
    qtbot.waitUntil(
        lambda: (
            [d.table.item(r, 2).text() for r in range(d.table.rowCount())] == [expected, expected]
        ),
        timeout=10000,
    )
    assert all(d.table.item(r, 2).toolTip() for r in range(2))  # the estimate's summary
    assert d._selected_quant() == "Q8_0"


def test_library_columns_show_in_folder_and_import(
    qtbot: Any,
    window: Any,
    quant_bytes: dict[str, bytes],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from PySide6.QtGui import QDesktopServices
    from PySide6.QtWidgets import QDialogButtonBox

    from app.ui.models.format import size
    from tests.models.test_importers import _ollama_store

    # another app's store, laid out as Ollama lays it out, in a home of its own
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    store = tmp_path / "ollama-models"
    monkeypatch.setenv("OLLAMA_MODELS", str(store))
    digest, _proj = _ollama_store(store, quant_bytes["Q4_K_M"])
    services = window.services
    model = services.paths.models_dir / "Tiny-Q8_0.gguf"
    model.write_bytes(quant_bytes["Q8_0"])
    window.show_page("Models")
    page = window.models_page
    page.start()
    lib = page.library
    qtbot.waitUntil(lambda: services.hardware is not None, timeout=30000)
    qtbot.waitUntil(lambda: any(e.path == str(model) for e in lib.entries), timeout=10000)
    row = next(i for i, e in enumerate(lib.entries) if e.path == str(model))
    assert lib.table.item(row, 1).text() == size(len(quant_bytes["Q8_0"]))
    assert lib.table.item(row, 3).text() == "2,048"  # the context the GGUF was trained for
    assert lib.table.item(row, 4).text() == _expected_fit(services.hardware)
    assert lib.table.item(row, 5).text() == lib.entries[row].source
    assert all(e.source != "ollama" for e in lib.entries)  # nothing imported unasked

    # Show in folder opens the OS file manager on the model's folder (recorded, not launched)
    opened: list[Any] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(opened.append))
    lib.select_name(lib.entries[row].name)
    assert lib.show_button.isEnabled()
    lib.show_button.click()
    assert [u.toLocalFile() for u in opened] == [str(model.parent)]

    # Import from other apps: the dialog offers Ollama's store; accepting adds its model in place
    lib.import_button.click()
    qtbot.waitUntil(lambda: lib.import_dialog is not None and lib.import_dialog.isVisible())
    dlg = lib.import_dialog
    assert list(dlg.boxes) == ["ollama"]
    assert (
        "Ollama: 1 model," in dlg.boxes["ollama"].text()
    )  # three tags, one blob: one file counted
    dlg.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    blob = str(store / "blobs" / f"sha256-{digest}")
    qtbot.waitUntil(lambda: any(e.path == blob for e in lib.entries), timeout=10000)
    r = next(i for i, e in enumerate(lib.entries) if e.path == blob)
    assert lib.table.item(r, 5).text() == "ollama"
    assert lib.table.item(r, 0).text() in (
        "tinyllama:1b",
        "someuser/vision:latest",
        "hf.co/bartowski/Tiny-GGUF:Q4_K_M",
    )
    assert lib.table.item(r, 1).text() == size(len(quant_bytes["Q4_K_M"]))
    assert "2 models" in lib.status.text()


def test_discover_sort_fit_and_gated_token(
    qtbot: Any, window: Any, fake_hub: Any, quant_bytes: dict[str, bytes]
) -> None:
    from app.core.keychain import HF_TOKEN, get_secret

    fake_hub.add_repo(
        "acme/Popular-GGUF",
        {f"Popular-{q}.gguf": b for q, b in quant_bytes.items()},
        downloads=5000,
        likes=3,
    )
    fake_hub.add_repo(
        "acme/Loved-GGUF",
        {"Loved-Q4_K_M.gguf": quant_bytes["Q4_K_M"]},
        downloads=10,
        likes=900,
        gated="manual",
        granted_tokens={"hf_granted"},
    )
    window.show_page("Models")
    page = window.models_page
    page.start()
    d = page.discover
    page.tabs.setCurrentWidget(d)
    qtbot.waitUntil(lambda: window.services.hardware is not None, timeout=30000)

    def searches() -> list[dict[str, str]]:
        return [r.query for r in fake_hub.log if r.path == "/api/models"]

    def listed() -> list[str]:
        return [d.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(d.list.count())]

    # sorting: the Hub is asked with the chosen sort, and the list follows its order
    d.search.setText("GGUF")
    d.run_search()
    qtbot.waitUntil(lambda: d.list.count() == 2, timeout=10000)
    assert searches()[-1]["sort"] == "downloads"
    assert listed() == ["acme/Popular-GGUF", "acme/Loved-GGUF"]
    d.sort.setCurrentIndex(d.sort.findData("likes"))  # searches again by itself
    qtbot.waitUntil(lambda: listed() == ["acme/Loved-GGUF", "acme/Popular-GGUF"], timeout=10000)
    assert searches()[-1]["sort"] == "likes" and searches()[-1]["search"] == "GGUF"
    assert "gated" in d.list.item(0).text() and "gated" not in d.list.item(1).text()

    # an open repo's fit column: a verdict per quantization from its header, read by Range
    d.list.setCurrentRow(1)
    qtbot.waitUntil(lambda: d.table.rowCount() == 2, timeout=10000)
    expected = _expected_fit(window.services.hardware)
    assert [d.table.item(r, 2).text() for r in range(2)] == [expected, expected]
    assert all(d.detail.options[r].fit.exact for r in range(2))
    assert any(rng and rng.startswith("bytes=0-") for rng in fake_hub.ranges("Popular-Q4_K_M.gguf"))

    # a gated repo's page says so; downloading asks for a token and explains where it comes from
    d.list.setCurrentRow(0)
    qtbot.waitUntil(
        lambda: d.detail is not None and d.detail.repo_id == "acme/Loved-GGUF", timeout=10000
    )
    assert "Gated" in d.meta.text() and "access token" in d.meta.text()
    assert d.download_button.isEnabled()
    d.download_button.click()
    qtbot.waitUntil(
        lambda: d.token_dialog is not None and d.token_dialog.isVisible(), timeout=10000
    )
    dlg = d.token_dialog
    assert "gated" in dlg.explanation.text() and "Access Tokens" in dlg.explanation.text()
    assert f"{fake_hub.endpoint}/acme/Loved-GGUF" in dlg.explanation.text()
    assert not dlg.buttons.button(dlg.buttons.StandardButton.Ok).isEnabled()  # empty token
    assert window.services.downloads.tasks() == []  # nothing was queued

    # a token without access: the dialog explains that the conditions must be accepted
    dlg.token.setText("hf_not_granted")
    dlg.buttons.button(dlg.buttons.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: d.token_dialog is not None and d.token_dialog is not dlg, timeout=10000)
    dlg = d.token_dialog
    assert "not been granted" in dlg.explanation.text()
    assert window.services.downloads.tasks() == []

    # a granted token: kept in the keychain, and the download runs to the end
    dlg.token.setText("hf_granted")
    dlg.buttons.button(dlg.buttons.StandardButton.Ok).click()
    dl = page.downloads
    qtbot.waitUntil(lambda: page.tabs.currentWidget() is dl, timeout=10000)
    qtbot.waitUntil(
        lambda: any(p.state.value == "done" for p in dl.progress.values()), timeout=20000
    )
    assert get_secret(HF_TOKEN) == "hf_granted"
    assert any(
        r.auth == "Bearer hf_granted" and "/resolve/" in r.path and "Loved" in r.path
        for r in fake_hub.log
    )
    assert "Loved-GGUF" in window.services.downloads.tasks()[0].repo_id


def test_download_rate_eta_and_pause_resume_in_one_session(
    qtbot: Any, window: Any, fake_hub: Any, quant_bytes: dict[str, bytes]
) -> None:
    import re

    data = quant_bytes["Q8_0"]
    fake_hub.add_repo("acme/Throttled-GGUF", {"Throttled-Q8_0.gguf": data})
    fake_hub.bytes_per_second = 100_000  # ~6 s for the whole file
    window.show_page("Models")
    page = window.models_page
    page.start()
    dl = page.downloads
    task = window.services.downloads.pull("acme/Throttled-GGUF", quant="Q8_0")
    qtbot.waitUntil(lambda: task in dl.rows, timeout=5000)
    dl.select_task(task)
    row = dl.rows[task]
    speed_re, left_re = re.compile(r"^(\d+) KB/s$"), re.compile(r"^(?:(\d+)m )?(\d+)s$")
    qtbot.waitUntil(
        lambda: (
            bool(speed_re.match(dl.table.item(row, 2).text()))
            and bool(left_re.match(dl.table.item(row, 3).text()))
        ),
        timeout=10000,
    )
    # the speed the throttled Hub sends at (~98 KB/s), and the time the rest needs at that speed
    kbps = int(speed_re.match(dl.table.item(row, 2).text()).group(1))
    assert 20 <= kbps <= 150, kbps  # a busy test machine may send slower, never faster
    m = left_re.match(dl.table.item(row, 3).text())
    left = int(m.group(1) or 0) * 60 + int(m.group(2))
    p = dl.progress[task]
    assert abs(left - (len(data) - p.done_bytes) / (kbps * 1024)) <= 2
    assert left > 0
    assert dl.table.item(row, 4).text() == "Downloading"

    # Pause, then Resume in the same session: it continues from the bytes it has
    assert dl.pause_button.isEnabled()
    dl.pause_button.click()
    qtbot.waitUntil(lambda: dl.progress[task].state.value == "paused", timeout=10000)
    paused_at = dl.progress[task].done_bytes
    assert 0 < paused_at < len(data)
    assert dl.table.item(row, 2).text() == "–" and dl.table.item(row, 3).text() == "–"
    assert dl.table.item(row, 4).text() == "Paused"
    fake_hub.bytes_per_second = None
    assert dl.resume_button.isEnabled()
    dl.resume_button.click()
    qtbot.waitUntil(lambda: dl.progress[task].state.value == "done", timeout=20000)
    assert dl.table.item(row, 4).text() == "Done"
    assert dl.table.cellWidget(row, 1).value() == 1000
    ranges = fake_hub.ranges("Throttled-Q8_0.gguf")
    assert None in ranges  # the first transfer asked for the whole file
    resumed = [int(r.split("=")[1].rstrip("-")) for r in ranges if r]
    assert resumed and 0 < resumed[-1] < len(data) and resumed[-1] >= paused_at - 256 * 1024
    entry = dl.progress[task].entry
    assert entry is not None and window.services.library.verify(entry.name).status == "ok"
