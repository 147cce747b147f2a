"""Chatting in the real window: streaming, stop, regenerate, branches, search, export, load
progress, cancel and errors, copy and delete with undo."""

from __future__ import annotations

import itertools
import json
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from app.chats.store import ChatStore
from app.core.paths import default_paths
from tests.ui.conftest import set_params

pytestmark = pytest.mark.gui


def send(qtbot: Any, win: Any, text: str, **params: Any) -> None:
    page = win.chat_page
    set_params(page, seed=7, max_tokens=params.pop("max_tokens", 24), **params)
    page.composer.edit.setPlainText(text)
    page.composer.send_button.click()
    qtbot.waitUntil(lambda: page.handle is None, timeout=20000)


def test_send_streams_a_reply_and_saves_both_messages(qtbot: Any, window: Any) -> None:
    page = window.chat_page
    deltas: list[str] = []
    set_params(page, seed=3, max_tokens=40)
    page.composer.edit.setPlainText("Hello there")
    # hold the engine until the test listens, so that no delta goes out before
    gate = threading.Event()
    window.services.ensure_inference().call(lambda _b: gate.wait(20))
    page.composer.send_button.click()
    assert page.handle is not None
    assert page.composer.stop_button.isVisible()
    page.relay.delta_received.connect(deltas.append)
    gate.set()
    # the user's message is on disk before the reply completes
    saved = ChatStore(default_paths().chats_db)
    assert [m.role for m in saved.path(page.conv.id)] == ["user"]
    qtbot.waitUntil(lambda: page.handle is None, timeout=20000)
    path = saved.path(page.conv.id)
    assert [m.role for m in path] == ["user", "assistant"]
    reply = path[-1]
    assert reply.content and reply.content.startswith("".join(deltas))
    assert reply.stats["completion_tokens"] > 0 and "decode_tok_s" in reply.stats
    assert page.transcript.widgets[-1].text == reply.content
    assert "tokens" in page.transcript.widgets[-1].stats_label.text()
    assert "tok/s" in window.status.speed.text()
    qtbot.waitUntil(lambda: "/ 1,024 tokens" in page.meter_label.text(), timeout=5000)
    assert page.conv.title == "Hello there"
    saved.close()


def test_stop_mid_stream_keeps_the_partial_reply(qtbot: Any, window: Any) -> None:
    page = window.chat_page
    set_params(page, seed=5, max_tokens=900)
    page.composer.edit.setPlainText("Tell me a long story")
    page.composer.send_button.click()
    qtbot.waitUntil(lambda: bool(page.transcript._buffer or page.transcript._text), timeout=10000)
    window.activateWindow()
    qtbot.keyClick(page.composer.edit, Qt.Key.Key_Escape)  # the Esc shortcut stops the reply
    qtbot.waitUntil(lambda: page.handle is None, timeout=10000)
    last = page.store.path(page.conv.id)[-1]
    assert last.role == "assistant" and last.finish_reason == "cancelled"
    assert 0 < last.stats["completion_tokens"] < 900
    assert "stopped" in page.transcript.widgets[-1].stats_label.text()


def test_regenerate_adds_a_sibling_reply_with_arrows(qtbot: Any, window: Any) -> None:
    page = window.chat_page
    send(qtbot, window, "Pick a number")
    first = page.store.path(page.conv.id)[-1]
    set_params(page, seed=99, max_tokens=24)
    page.transcript.widgets[-1].buttons["regenerate"].click()
    qtbot.waitUntil(lambda: page.handle is None, timeout=20000)
    second = page.store.path(page.conv.id)[-1]
    assert second.id != first.id and second.parent_id == first.parent_id
    w = page.transcript.widgets[-1]
    assert w._branch_label.text() == "2/2" and w._prev.isEnabled()
    w._prev.click()
    assert page.store.path(page.conv.id)[-1].id == first.id
    assert page.transcript.widgets[-1]._branch_label.text() == "1/2"


def test_edit_creates_a_branch_and_both_survive_a_restart(
    qtbot: Any, window: Any, services: Any
) -> None:
    page = window.chat_page
    send(qtbot, window, "original question")
    user = page.store.path(page.conv.id)[0]
    page.edit_and_resend(user.id, "edited question")
    qtbot.waitUntil(lambda: page.handle is None, timeout=20000)
    conv_id = page.conv.id
    # a fresh store on the same file, as after a restart
    again = ChatStore(default_paths().chats_db)
    path = again.path(conv_id)
    assert [m.content for m in path][:1] == ["edited question"] and path[-1].role == "assistant"
    br = again.branch(path[0].id)
    assert br.count == 2
    old = again.switch_to(br.previous)
    assert old[0].content == "original question" and old[-1].role == "assistant"
    again.close()


def test_search_finds_a_conversation(qtbot: Any, window: Any) -> None:
    page = window.chat_page
    c = page.store.create_conversation()
    page.store.add_message(c.id, "user", "a question about marmalade recipes")
    page.store.create_conversation("Other")
    qtbot.keyClick(window, "k", modifier=qtbot_ctrl())
    assert page.list.search.hasFocus() or window.focusWidget() is page.list.search
    qtbot.keyClicks(page.list.search, "marmal")
    qtbot.waitUntil(lambda: len(page.list.items()) == 1, timeout=3000)
    item = page.list.items()[0]
    assert "marmalade" in item.text(0)
    page.list._on_tree_item_clicked(item)
    assert page.conv.id == c.id


def qtbot_ctrl() -> Any:
    from PySide6.QtCore import Qt

    return Qt.KeyboardModifier.ControlModifier


def test_export_writes_markdown_and_import_reads_json(
    qtbot: Any, window: Any, tmp_path: Path
) -> None:
    page = window.chat_page
    send(qtbot, window, "Export me")
    md = tmp_path / "chat.md"
    page.export(page.conv.id, md)
    qtbot.waitUntil(md.exists, timeout=5000)
    text = md.read_text()
    assert (
        text.startswith("# Export me") and "## You\n\nExport me" in text and "## Assistant" in text
    )
    js = tmp_path / "chat.json"
    page.export(page.conv.id, js)
    qtbot.waitUntil(js.exists, timeout=5000)
    assert json.loads(js.read_text())["format"] == "hearth.conversation"
    before = len(page.store.conversations())
    page.import_path(js)
    qtbot.waitUntil(lambda: len(page.store.conversations()) == before + 1, timeout=5000)


def test_rename_and_delete_with_undo(qtbot: Any, window: Any) -> None:
    page = window.chat_page
    c = page.new_conversation()
    page.rename(c.id, "Trip")
    assert page.store.conversation(c.id).title == "Trip"
    page.delete_conversation(c.id)
    assert c.id not in [x.id for x in page.store.conversations()]
    assert "Deleted" in page.banner.text
    page.banner.action.click()
    assert c.id in [x.id for x in page.store.conversations()]


def test_failed_load_shows_one_sentence_with_a_suggestion(
    qtbot: Any, services: Any, tmp_path: Path
) -> None:
    from app.engine.service import InferenceService
    from app.ui.app import build_window

    services.inference = InferenceService()  # its own engine: a failed load leaves it empty
    services.owns_inference = True
    win = build_window(services)
    qtbot.addWidget(win)
    win.show()
    win.start()
    bad = tmp_path / "broken.gguf"
    bad.write_bytes(b"this is not a model")
    page = win.chat_page
    page.new_conversation()
    with qtbot.waitSignal(win.models.load_failed, timeout=10000) as sig:
        win.add_and_load(bad)
    message = sig.args[0]
    assert page.banner.isVisible() and page.banner.text == message
    assert "broken.gguf" in message or "GGUF" in message
    assert "\n" not in message and "Traceback" not in message and len(message) < 300
    assert str(tmp_path) in services.settings.models.folders
    assert win.status.model.text() == "No model loaded"
    # sending keeps the message, tries the chat's model again and says why there is no reply
    with qtbot.waitSignal(win.models.load_failed, timeout=10000):
        page.send("hello?")
    assert [m.role for m in page.store.path(page.conv.id)] == ["user"]
    assert page.banner.text == message and page.handle is None
    # a chat without a model says what to do
    page.new_conversation()
    page.conv = page.store.update_conversation(page.conv.id, model=None)
    page.send("anyone?")
    assert "No model is loaded" in page.banner.text


def test_a_persona_brings_its_system_prompt_and_parameters(
    qtbot: Any, own_window: Any, tiny_model: Path
) -> None:
    window = own_window
    from app.personas.store import PersonaStore

    PersonaStore().create(
        {
            "name": "pirate",
            "base": str(tiny_model),
            "system": "Talk like a pirate.",
            "parameters": {"temperature": 0.3},
        }
    )
    page = window.chat_page
    page.model_bar.refresh_catalog()
    qtbot.waitUntil(lambda: page.model_bar.kinds.get("pirate") == "persona", timeout=5000)
    page.new_conversation()
    with qtbot.waitSignal(window.models.loaded, timeout=20000):
        page.model_bar.select("pirate")
        page._on_model_bar_model_chosen("pirate")
    assert page.conv.model == "pirate" and page.conv.persona == "pirate"
    set_params(page, seed=1, max_tokens=8)
    page.send("Where is the treasure?")
    assert page.handle.request.messages[0].content == "Talk like a pirate."
    assert page.handle.request.sampling.temperature == 0.3
    qtbot.waitUntil(lambda: page.handle is None, timeout=20000)
    # the chat's own system prompt wins over the persona's
    page.conv = page.store.update_conversation(page.conv.id, system="Be brief.")
    req = page._request(page.store.path(page.conv.id))
    assert req.messages[0].content == "Be brief."


def test_dropping_a_gguf_adds_and_loads_it(qtbot: Any, own_window: Any, tiny_model: Path) -> None:
    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QDropEvent

    win = own_window
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(tiny_model))])
    event = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton,
                       Qt.KeyboardModifier.NoModifier)  # fmt: skip
    with qtbot.waitSignal(win.models.loaded, timeout=20000):
        win.dropEvent(event)
    assert event.isAccepted()
    assert win.models.current_ref == str(tiny_model)
    assert win.chat_page.conv.model == str(tiny_model)
    assert str(tiny_model.parent) in win.services.settings.models.folders
    assert "Hearth Tiny Llama" in win.status.model.text()


def test_scrolling_up_stops_following_the_stream(qtbot: Any, window: Any) -> None:
    page = window.chat_page
    set_params(page, seed=2, max_tokens=600)
    for i in range(4):
        u = page.store.add_message(page.conv.id, "user", f"q{i}")
        page.store.add_message(page.conv.id, "assistant", "line\n\n" * 30, parent_id=u.id)
    page.reload()
    page.composer.edit.setPlainText("go")
    page.composer.send_button.click()
    sb = page.transcript.verticalScrollBar()
    qtbot.waitUntil(lambda: page.transcript.repaints >= 2, timeout=10000)
    assert page.transcript.following and sb.value() == sb.maximum()
    sb.setValue(0)  # the user scrolls up to read
    assert not page.transcript.following
    qtbot.waitUntil(lambda: page.handle is None or page.transcript.repaints >= 6, timeout=20000)
    assert sb.value() == 0


def test_dropped_turns_are_shown_in_a_banner_under_the_reply_and_on_the_meter(
    qtbot: Any, own_window: Any, tiny_model: Path
) -> None:
    """A history longer than the loaded context: the oldest turns are left out, and the user
    sees it (banner, the reply's stats line, the context meter)."""
    win = own_window
    page = win.chat_page
    page.new_conversation()
    with qtbot.waitSignal(win.models.loaded, timeout=20000):
        win.models.load_name(str(tiny_model), n_ctx=256)
    assert win.models.current.n_ctx == 256
    assert "256 ctx" in win.status.model.text()
    parent = None
    for i in range(10):  # about 30 tokens a turn: 300 tokens of earlier turns
        u = page.store.add_message(page.conv.id, "user", f"Question {i}: more more more",
                                   parent_id=parent)  # fmt: skip
        a = page.store.add_message(page.conv.id, "assistant", f"Answer {i}: yes yes yes",
                                   parent_id=u.id)  # fmt: skip
        parent = a.id
    page.reload()
    # before sending, the meter already warns
    qtbot.waitUntil(lambda: "left out" in page.meter_label.text(), timeout=10000)
    assert "/ 256 tokens" in page.meter_label.text() and page.meter.maximum() == 256
    send(qtbot, win, "And the last question?", max_tokens=8)
    last = page.store.path(page.conv.id)[-1]
    assert last.role == "assistant" and last.finish_reason != "cancelled"
    dropped = last.stats["dropped_messages"]
    assert 0 < dropped < 21  # some, never the new question
    assert page.banner.isVisible()
    assert f"{dropped} older messages did not fit in the context" in page.banner.text
    assert f"{dropped} older messages left out" in page.transcript.widgets[-1].stats_label.text()
    # the meter counts the history now including the reply: still full, still saying so
    qtbot.waitUntil(lambda: "oldest messages will be left out" in page.meter_label.text(),
                    timeout=10000)  # fmt: skip
    assert "/ 256 tokens" in page.meter_label.text()
    assert page.meter.maximum() == 256 and page.meter.value() > 0


@pytest.fixture(scope="module")
def bigger_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A ~38 MB F16 llama GGUF: 8 layers, so llama.cpp reports progress tensor by tensor."""
    from tests.fixtures.tiny_gguf import TinySpec, build_llama_gguf

    spec = TinySpec(n_embd=512, n_layer=8, n_head=8, n_head_kv=4, n_ff=1024, f16=True,
                    name="Hearth Bigger Llama")  # fmt: skip
    return build_llama_gguf(tmp_path_factory.mktemp("bigger") / "bigger-llama-F16.gguf", spec)


def test_loading_from_the_bar_shows_progress_and_the_gui_stays_responsive(
    qtbot: Any, own_window: Any, bigger_model: Path
) -> None:
    import time

    from PySide6.QtCore import QTimer

    win = own_window
    page, bar = win.chat_page, win.chat_page.model_bar
    page.new_conversation()
    shown: list[tuple[int, bool, bool]] = []  # (bar value, progress visible, cancel visible)
    win.models.load_progressed.connect(
        lambda _p: shown.append(
            (bar.progress.value(), bar.progress.isVisible(), bar.cancel_button.isVisible())
        )
    )
    ticks: list[float] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start(5)
    bar.select(str(bigger_model))
    with qtbot.waitSignal(win.models.loaded, timeout=10000):
        bar.combo.activated.emit(bar.combo.currentIndex())  # the user picks it in the combo
        assert bar.progress.isVisible() and bar.cancel_button.isVisible()
        assert bar.state.text().startswith("Loading ")
    timer.stop()
    # several reports, each shown on the visible bar with its Cancel, at least one part-way
    assert len(shown) > 3 and all(vis and cancel for _v, vis, cancel in shown)
    assert any(0 < v < 100 for v, _vis, _c in shown)
    assert [v for v, _vis, _c in shown] == sorted(v for v, _vis, _c in shown)
    # then the loaded state: bar idle, the model named in the bar, the status bar and the chat
    assert not bar.progress.isVisible() and not bar.cancel_button.isVisible()
    assert "Hearth Bigger Llama" in bar.state.text()
    assert "Hearth Bigger Llama" in win.status.model.text()
    assert win.models.current.path == bigger_model and page.conv.model == str(bigger_model)
    assert not page.banner.isVisible()
    # the GUI thread kept running its timer through the load
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    assert len(ticks) > 1 and max(gaps) < 0.1  # measured: 17-26 ms on 2 busy cores


def test_cancel_during_a_load_leaves_the_bar_idle_without_an_error(
    qtbot: Any, own_window: Any, tiny_model: Path, bigger_model: Path
) -> None:
    win = own_window
    page, bar = win.chat_page, win.chat_page.model_bar
    page.new_conversation()
    with qtbot.waitSignal(win.models.loaded, timeout=10000):
        win.models.load_name(str(tiny_model))
    # Cancel while the name is still being resolved: nothing reaches the engine
    with qtbot.waitSignal(win.models.load_failed, timeout=10000):
        win.models.load_name(str(bigger_model))
        assert bar.cancel_button.isVisible()
        qtbot.mouseClick(bar.cancel_button, Qt.MouseButton.LeftButton)
    assert win.models.current.path == tiny_model and win.models.current_ref == str(tiny_model)
    assert not bar.progress.isVisible() and not bar.cancel_button.isVisible()
    assert (
        "Hearth Tiny Llama" in bar.state.text() and "Hearth Tiny Llama" in win.status.model.text()
    )
    assert not page.banner.isVisible()
    # hold the engine at the first progress report until the user has clicked Cancel
    clicked = threading.Event()
    reports: list[float] = []

    def hold(p: float) -> None:  # engine thread
        reports.append(p)
        if len(reports) == 1:
            clicked.wait(10)

    win.models.relay.load_progressed.connect(hold, Qt.ConnectionType.DirectConnection)
    with qtbot.waitSignal(win.models.load_failed, timeout=10000):
        win.models.load_name(str(bigger_model))
        qtbot.waitUntil(lambda: bool(reports) and bar.cancel_button.isVisible(), timeout=5000)
        qtbot.mouseClick(bar.cancel_button, Qt.MouseButton.LeftButton)
        clicked.set()
    assert max(reports) < 1.0  # llama.cpp stopped at the report after the click
    assert win.models.last_error == "Loading stopped."
    # the bar is back to idle; the engine had let the old model go to make room for the new one
    assert not bar.progress.isVisible() and not bar.cancel_button.isVisible()
    assert not page.banner.isVisible()
    assert win.models.current is None and win.models.current_ref is None
    assert bar.state.text() == "No model loaded"
    assert win.status.model.text() == "No model loaded"
    # choosing the previous model again loads it
    with qtbot.waitSignal(win.models.loaded, timeout=10000):
        bar.select(str(tiny_model))
        bar.combo.activated.emit(bar.combo.currentIndex())
    assert win.models.current.path == tiny_model and "Hearth Tiny Llama" in bar.state.text()


def test_copy_and_delete_a_reply_with_undo(qtbot: Any, window: Any) -> None:
    from PySide6.QtGui import QGuiApplication

    page = window.chat_page
    send(qtbot, window, "Say something")
    user, reply = page.store.path(page.conv.id)
    assert reply.role == "assistant" and reply.content
    w = page.transcript.widgets[-1]
    assert w.message.id == reply.id
    QGuiApplication.clipboard().setText("something else")
    w.buttons["copy"].click()
    assert QGuiApplication.clipboard().text() == reply.content
    # delete: gone from the view and from the store (also for a fresh reader of the file)
    page.transcript.widgets[-1].buttons["delete"].click()
    assert reply.id not in page.transcript.shown_ids()
    assert [m.id for m in page.store.path(page.conv.id)] == [user.id]
    again = ChatStore(default_paths().chats_db)
    assert [m.id for m in again.path(page.conv.id)] == [user.id]
    assert page.banner.text == "Message deleted." and page.banner.action.text() == "Undo"
    # Undo brings it back, in the view and on disk
    page.banner.action.click()
    assert not page.banner.isVisible()
    assert page.transcript.shown_ids()[-1] == reply.id
    assert page.transcript.widgets[-1].text == reply.content
    assert [m.id for m in again.path(page.conv.id)] == [user.id, reply.id]
    again.close()
