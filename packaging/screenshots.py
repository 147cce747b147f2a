"""Drive the real Hearth window through a scripted session and save PNGs in screenshots/.

Runs offscreen (no display needed) in a throw-away data folder. The model is a tiny
random-weight GGUF built on the spot (tests/fixtures/tiny_gguf.py), so live replies
are gibberish; set HEARTH_SCREENSHOT_MODEL=/path/to/model.gguf to use a real one.
The earlier turns of the demo chat are imported from a scripted conversation so the
Markdown rendering (tables, code, lists) is visible.

The welcome page is shot online: a loopback stand-in Hub (tests/fixtures/fake_hub.py)
serves the curated starter models, so the page shows the recommended model with
Download enabled, as on a connected machine.

    make screenshots            # or: .venv/bin/python packaging/screenshots.py
    .venv/bin/python packaging/screenshots.py --out /tmp/shots   # elsewhere, to look first
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "screenshots"
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

DEMO = {
    "format": "hearth.conversation",
    "title": "Parsing dates in Python",
    "system": "You are a concise programming assistant.",
    "params": {"temperature": 0.7},
    "messages": [
        {
            "id": "u1",
            "role": "user",
            "content": "How do I parse an ISO date in Python, and which options are there?",
        },
        {
            "id": "a1",
            "parent_id": "u1",
            "role": "assistant",
            "stats": {"completion_tokens": 164, "ttft_s": 0.21, "decode_tok_s": 38.4},
            "finish_reason": "stop",
            "content": "## Parsing ISO 8601 dates\n\nThe standard library handles it:\n\n```python\nfrom datetime import datetime\n\n"
            'when = datetime.fromisoformat("2024-05-17T09:30:00+02:00")\nprint(when.tzinfo)  # UTC+02:00\n```\n\n'
            "| Option | Handles | Notes |\n|---|---|---|\n| `datetime.fromisoformat` | ISO 8601 | built in, fast |\n"
            "| `dateutil.parser.parse` | almost anything | extra package |\n| `pandas.to_datetime` | columns | vectorised |\n\n"
            "- Prefer **`fromisoformat`** when the input is ISO.\n- Use `dateutil` for free-form text.",
        },
        {
            "id": "a1b",
            "parent_id": "u1",
            "role": "assistant",
            "stats": {"completion_tokens": 41, "ttft_s": 0.19, "decode_tok_s": 39.0},
            "finish_reason": "stop",
            "content": "Use `datetime.fromisoformat(text)`; it accepts the full ISO 8601 format since Python 3.11.",
        },
    ],
    "current_leaf": "a1",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write Hearth's screenshots (PNG).")
    parser.add_argument("--out", type=Path, default=OUT, help="folder for the PNGs (screenshots/)")
    out: Path = parser.parse_args(argv).out.resolve()
    home = Path(tempfile.mkdtemp(prefix="hearth-shots-"))
    os.environ["HEARTH_HOME"] = str(home)
    out.mkdir(parents=True, exist_ok=True)

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from app.chats.export import import_json
    from app.ui.app import build_window, create_app
    from app.ui.services import AppServices

    model = os.environ.get("HEARTH_SCREENSHOT_MODEL")
    if not model:
        from tests.fixtures.tiny_gguf import TinySpec, build_llama_gguf

        model = str(
            build_llama_gguf(
                home / "models" / "hearth-demo-tiny-F32.gguf", TinySpec(name="Hearth Demo Tiny")
            )
        )

    app = create_app(["hearth"])
    services = AppServices.create()

    def pump(seconds: float) -> None:
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            app.processEvents()
            time.sleep(0.01)

    def wait_for(cond, timeout: float = 30.0) -> None:  # type: ignore[no-untyped-def]
        end = time.perf_counter() + timeout
        while not cond():
            if time.perf_counter() > end:
                raise TimeoutError("the scripted session got stuck")
            app.processEvents()
            time.sleep(0.01)

    def shot(widget, name: str) -> None:  # type: ignore[no-untyped-def]
        pump(0.3)
        path = out / f"{name}.png"
        widget.grab().save(str(path))
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")

    # 1. first run, online: the stand-in Hub serves every curated starter (the tiny model)
    from app.models.recommended import recommended
    from tests.fixtures.fake_hub import FakeHub

    endpoint_before = os.environ.get("HF_ENDPOINT")
    with FakeHub() as hub:
        for m in recommended():
            hub.add_repo(m.repo, {m.file: Path(model)})
        os.environ["HF_ENDPOINT"] = hub.endpoint
        services.settings.models.hf_endpoint = None  # the page probes HF_ENDPOINT
        win = build_window(services)
        win.resize(1280, 820)
        win.show()
        win.start()
        page = win.first_run_page
        wait_for(lambda: page.download_button.isEnabled() or bool(page.progress_label.text()), 20)
        if not page.download_button.isEnabled():
            raise RuntimeError(f"the welcome page is not online: {page.progress_label.text()}")
        try:  # the backend line comes from a probe of its own
            wait_for(lambda: "Compute backend" in page.hw_label.text(), 20)
        except TimeoutError:
            pass
        shot(win, "first-run")
        page.skipped.emit()
    os.environ.pop("HF_ENDPOINT", None)
    if endpoint_before is not None:
        os.environ["HF_ENDPOINT"] = endpoint_before
    services._hub = None  # forget the client of the stand-in Hub that just closed

    # 2. a chat with Markdown, stats and branch arrows
    conv = import_json(services.chats, DEMO)
    services.chats.update_conversation(conv.id, model=model)
    older = services.chats.create_conversation("Trip to Lisbon: packing list")
    services.chats.add_message(
        older.id, "user", "What should I pack for three days in Lisbon in May?"
    )
    services.chats.create_conversation("Summarise the quarterly report")
    win.chat_page.list.refresh()
    win.chat_page.open_conversation(conv.id)
    win.models.load_name(model)
    wait_for(lambda: win.models.current is not None, 60)
    win.chat_page.open_conversation(conv.id)
    pump(1.0)
    shot(win, "chat")

    # 3. a reply streaming (Stop button, live text), then finished with its stats
    params = {"temperature": 0.7, "seed": 4, "max_tokens": 400}
    services.chats.update_conversation(conv.id, params=params)
    win.chat_page.conv = services.chats.conversation(conv.id)
    win.chat_page.composer.edit.setPlainText("Show me how to handle time zones too.")
    win.chat_page.composer.send_button.click()
    wait_for(lambda: len(win.chat_page.transcript._text) > 200 or win.chat_page.handle is None, 30)
    shot(win, "streaming")
    wait_for(lambda: win.chat_page.handle is None, 60)

    # 4. load settings with the live fit estimate
    from app.ui.load_dialog import LoadModelDialog
    from app.ui.model_controller import default_options

    dlg = LoadModelDialog(
        Path(model), default_options(services, Path(model)), services.hardware, win
    )
    dlg.show()
    wait_for(lambda: dlg.load_button.isEnabled(), 20)
    shot(dlg, "load-settings")
    dlg.reject()

    # 5. search (Ctrl+K)
    win.chat_page.list.focus_search()
    win.chat_page.list.search.setText("lisbon")
    pump(0.5)
    shot(win, "search")
    win.chat_page.list.search.clear()

    # 6. settings, and the chat in the dark theme with the chat settings panel open
    win.show_page("Settings")
    shot(win, "settings")
    services.settings.ui.theme = "dark"
    win.apply_theme()
    win.show_page("Chats")
    win.chat_page.open_conversation(conv.id)
    win.chat_page.model_bar.panel_button.setChecked(True)
    shot(win, "chat-dark")

    services.settings.ui.theme = "light"
    win.apply_theme()
    new_pages(win, services, home, pump, wait_for, shot)

    QTimer.singleShot(0, app.quit)
    win.close()
    services.close()
    QApplication.processEvents()
    return 0


def new_pages(win, services, home: Path, pump, wait_for, shot) -> None:  # type: ignore[no-untyped-def]
    """Models (library, Discover against the loopback stand-in Hub, downloads), Documents,
    Personas and Server."""
    from tests.fixtures.fake_hub import FakeHub
    from tests.fixtures.tiny_gguf import TinySpec, build_llama_gguf
    from tests.rag.pdfgen import write_pdf

    src = home / "hub-src"
    blobs = {
        q: build_llama_gguf(src / f"Demo-{q}.gguf", TinySpec(name=f"Demo {q}")).read_bytes()
        for q in ("Q4_K_M", "Q5_K_M", "Q8_0")
    }
    card = (
        "---\nlicense: apache-2.0\n---\n# Demo Chat 1B (GGUF)\n\nQuantized builds of a small chat model.\n\n"
        "| File | Use |\n|---|---|\n| Q4_K_M | best balance |\n| Q8_0 | near-lossless |\n"
    )
    with FakeHub() as hub:
        os.environ["HF_ENDPOINT"] = hub.endpoint
        hub.add_repo("hearth-demo/Demo-Chat-1B-GGUF", {f"Demo-Chat-1B-{q}.gguf": b for q, b in blobs.items()},
                     downloads=48210, likes=311, license="apache-2.0", card=card)  # fmt: skip
        hub.add_repo("hearth-demo/Tiny-Coder-GGUF", {"Tiny-Coder-Q4_K_M.gguf": blobs["Q4_K_M"]},
                     downloads=9120, likes=87, gated="auto")  # fmt: skip
        services._hub = None  # read HF_ENDPOINT again
        services.settings.models.folders = [str(Path(os.environ["HEARTH_HOME"]) / "models")]
        services._library = None
        win.show_page("Models")
        page = win.models_page
        d = page.discover
        page.tabs.setCurrentWidget(d)
        d.search.setText("GGUF")
        d.run_search()
        wait_for(lambda: d.list.count() == 2, 20)
        d.list.setCurrentRow(0)
        wait_for(lambda: d.table.rowCount() == 3, 20)
        shot(win, "models-discover")
        hub.bytes_per_second = 150_000
        d.download_selected()
        dl = page.downloads
        wait_for(lambda: any(p.done_bytes > 100_000 for p in dl.progress.values()), 30)
        pump(0.6)
        shot(win, "models-downloads")
        hub.bytes_per_second = None
        wait_for(lambda: any(p.state.value == "done" for p in dl.progress.values()), 60)
        page.tabs.setCurrentWidget(page.library)
        page.library.rescan()
        wait_for(lambda: len(page.library.entries) >= 1, 20)
        page.library.table.selectRow(0)
        shot(win, "models-library")

    docs_dir = home / "documents"
    docs_dir.mkdir()
    write_pdf(docs_dir / "northwind-report.pdf", [
        ["Quarterly report of the Northwind Trading company.", "Revenue grew in every region."],
        ["The Lisbon warehouse stores olive oil and cork.", "It opened in March and employs forty people."],
        ["The solar roof cost 2.4 million euros.", "Payback is expected in six years."],
    ])  # fmt: skip
    (docs_dir / "travel-policy.md").write_text(
        "# Travel policy\n\nBook trains for trips under four hours.\n", encoding="utf-8"
    )
    win.show_page("Documents")
    docs = win.documents_page
    docs.create("company")
    wait_for(lambda: docs.current == "company", 60)
    docs.add_paths([docs_dir])
    wait_for(lambda: docs.job is None, 120)
    docs.search.setText("olive oil warehouse")
    docs.run_search()
    wait_for(lambda: docs.results.count() > 0, 30)
    shot(win, "documents")

    # a citation opened: the PDF page drawn with the passage marked
    from app.ui.chat.citations import SourceDialog

    pdf = docs_dir / "northwind-report.pdf"
    text = "The Lisbon warehouse stores olive oil and cork."
    source = {"number": 2, "document": pdf.name, "path": str(pdf), "page": 2, "text": text}
    dlg = SourceDialog(source, win)
    dlg.show()
    wait_for(lambda: dlg.rendered is not None or dlg.render_error is not None, 30)
    shot(dlg, "source")
    dlg.close()

    win.show_page("Personas")
    personas = win.personas_page
    personas.select("french-tutor")
    shot(win, "personas")

    # no keychain on a build machine: the key comes from the environment, as `hearth serve` allows
    os.environ.setdefault("HEARTH_API_KEY", "hearth-screenshot-demo-key-0123456789")
    win.show_page("Server")
    server = win.server_page
    server.load_key()
    server.port.setValue(0)
    server.start()
    wait_for(lambda: server.controller.running, 30)
    import urllib.request

    req = urllib.request.Request(f"{server.controller.url}/v1/models",
                                 headers={"Authorization": f"Bearer {server.key.text()}"})  # fmt: skip
    urllib.request.urlopen(req, timeout=10).read()
    server.tabs.setCurrentIndex(1)
    pump(1.0)
    shot(win, "server")
    server.stop()
    wait_for(lambda: not server.controller.busy, 20)


if __name__ == "__main__":
    sys.exit(main())
