"""Models page against the loopback stand-in Hub: search, repo page, download, library actions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

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
