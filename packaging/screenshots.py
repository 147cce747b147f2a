"""Drive the real Hearth window through a scripted session and save PNGs in screenshots/.

Runs offscreen (no display needed) in a throw-away data folder. The model is a tiny
random-weight GGUF built on the spot (tests/fixtures/tiny_gguf.py), so live replies
are gibberish; set HEARTH_SCREENSHOT_MODEL=/path/to/model.gguf to use a real one.
The earlier turns of the demo chat are imported from a scripted conversation so the
Markdown rendering (tables, code, lists) is visible.

    make screenshots            # or: .venv/bin/python packaging/screenshots.py
"""

from __future__ import annotations

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


def main() -> int:
    home = Path(tempfile.mkdtemp(prefix="hearth-shots-"))
    os.environ["HEARTH_HOME"] = str(home)
    OUT.mkdir(exist_ok=True)

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
        path = OUT / f"{name}.png"
        widget.grab().save(str(path))
        print(f"wrote {path.relative_to(ROOT)}")

    # 1. first run (the network probe decides between "Download" and the offline guide)
    win = build_window(services)
    win.resize(1280, 820)
    win.show()
    win.start()
    wait_for(
        lambda: (
            win.first_run_page.choice is not None or "…" not in win.first_run_page.rec_label.text()
        ),
        20,
    )
    pump(3.5)
    shot(win, "first-run")
    win.first_run_page.skipped.emit()

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

    QTimer.singleShot(0, app.quit)
    win.close()
    services.close()
    QApplication.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
