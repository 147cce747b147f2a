"""Accessibility: every interactive control on every page, tab and dialog has an accessible name;
the keyboard reaches everything; text follows the font size; high contrast keeps the system's
colours."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QLineEdit,
    QPlainTextEdit,
    QTabBar,
    QTabWidget,
    QTextEdit,
    QWidget,
)

from tests.ui.conftest import set_params

pytestmark = pytest.mark.gui

INTERACTIVE = (
    QAbstractButton, QAbstractItemView, QAbstractSlider, QAbstractSpinBox, QComboBox,
    QLineEdit, QPlainTextEdit, QTextEdit, QTabBar,
)  # fmt: skip


def accessible_name(w: QWidget) -> str:
    """What a screen reader announces: the accessible name, else the button text or a buddy label."""
    from PySide6.QtGui import QAccessible

    iface = QAccessible.queryAccessibleInterface(w)
    name = iface.text(QAccessible.Text.Name) if iface is not None else ""
    return (w.accessibleName() or name or "").replace("&", "").strip()


def unnamed(root: QWidget) -> list[str]:
    """The interactive widgets shown in ``root`` that a screen reader could not name."""
    bad = []
    for w in root.findChildren(QWidget):
        if not isinstance(w, INTERACTIVE) or not w.isVisibleTo(root):
            continue
        if isinstance(w, QTabBar) or w.objectName().startswith("qt_"):
            continue  # Qt's own parts (tab bars name their tabs; scroll-area internals)
        if w.focusPolicy() == Qt.FocusPolicy.NoFocus and not isinstance(w, QAbstractButton):
            continue  # scroll bars, table headers: not reached from the keyboard
        if w.parent() is not None and isinstance(w.parent(), QAbstractSpinBox | QComboBox):
            continue  # a spin box's or combo box's own line edit
        if not accessible_name(w):
            bad.append(f"{type(w).__name__} {w.objectName()!r} in {type(w.parent()).__name__}")
    return bad


def unnamed_in_every_tab(qtbot: Any, root: QWidget, visited: list[str]) -> list[str]:
    """``unnamed(root)`` with each tab of each tab widget in it shown in turn (nested ones too);
    the tabs' labels are added to ``visited``."""
    bad = set(unnamed(root))
    for tabs in root.findChildren(QTabWidget):
        if not tabs.isVisibleTo(root):
            continue  # an inner tab widget: walked when its outer tab is current
        current = tabs.currentIndex()
        for i in range(tabs.count()):
            tabs.setCurrentIndex(i)
            qtbot.wait(20)
            visited.append(tabs.tabText(i).replace("&", ""))
            bad |= set(unnamed_in_every_tab(qtbot, tabs.widget(i), visited))
        tabs.setCurrentIndex(current)
    return sorted(bad)


def send(qtbot: Any, window: Any, text: str) -> None:
    page = window.chat_page
    set_params(page, seed=7, max_tokens=12)
    page.composer.edit.setPlainText(text)
    page.composer.send_button.click()
    qtbot.waitUntil(lambda: page.handle is None, timeout=20000)


def modal_unnamed(qtbot: Any, trigger: Callable[[], Any]) -> tuple[str, list[str]]:
    """Run ``trigger``, which opens a modal dialog through Qt's static helpers (QInputDialog...),
    check the dialog while it is open, then cancel it."""
    seen: dict[str, Any] = {}

    def inspect() -> None:
        dlg = QApplication.activeModalWidget()
        if dlg is None or not dlg.isVisible():
            if "done" not in seen:
                QTimer.singleShot(20, inspect)
            return
        seen["title"] = dlg.windowTitle()
        seen["bad"] = unnamed(dlg)
        dlg.reject()

    QTimer.singleShot(0, inspect)
    trigger()
    seen["done"] = True
    assert "bad" in seen, "no dialog opened"
    return seen["title"], seen["bad"]


def test_every_page_and_tab_names_its_controls(qtbot: Any, window: Any) -> None:
    from app.ui.main_window import PAGES

    # a chat with a finished reply (its copy/regenerate/delete buttons) and its settings panel
    send(qtbot, window, "Hello")
    page = window.chat_page
    reply = page.transcript.widgets[-1]
    window.chat_page.model_bar.panel_button.setChecked(True)
    window.show_page("Documents")
    window.documents_page.indexing.set_files([Path("report.pdf"), Path("notes.md")])

    failures: dict[str, list[str]] = {}
    visited: list[str] = []
    for name in PAGES:
        window.show_page(name)
        qtbot.wait(50)
        bad = unnamed_in_every_tab(qtbot, window.stack.currentWidget(), visited)
        if bad:
            failures[name] = bad
    window.show_first_run()
    bad = unnamed(window.first_run_page)
    if bad:
        failures["First run"] = bad
    window.show_page("Chats")
    bad = unnamed(window.centralWidget())
    if bad:
        failures["Window"] = bad
    assert not failures, "\n".join(f"{k}: {v}" for k, v in failures.items())
    # the walk did reach the parts that are not on screen at first
    assert {"My models", "Discover", "Downloads", "Request log"} <= set(visited)
    assert all(b.isVisibleTo(page) for b in reply.buttons.values())
    assert window.chat_page.panel.isVisibleTo(window.chat_page)
    assert window.documents_page.indexing.cancel_button.isVisibleTo(window.documents_page)


def test_every_dialog_names_its_controls(
    qtbot: Any, window: Any, tiny_model: Any, tmp_path: Path
) -> None:
    from app.models.importers import AppOffer
    from app.ui.chat.citations import SourceDialog
    from app.ui.chat.edit_dialog import EditMessageDialog
    from app.ui.load_dialog import LoadModelDialog
    from app.ui.model_controller import default_options
    from app.ui.models.library_tab import ImportAppsDialog
    from app.ui.personas.editor import PersonaEditor

    doc = tmp_path / "notes.txt"
    doc.write_text("Hearth runs models locally.\nThe cited passage is here.", encoding="utf-8")
    source = {"number": 1, "document": "notes.txt", "path": str(doc), "page": 1}
    source["text"] = "The cited passage is here."
    editor = PersonaEditor()
    editor.load(window.services.personas.get("teacher"))
    dialogs: list[tuple[str, QWidget]] = [
        ("load model", LoadModelDialog(tiny_model, default_options(window.services, tiny_model), None, window)),
        ("import apps", ImportAppsDialog([AppOffer("ollama", "Ollama", 2, 4_000_000_000)], window)),
        ("source", SourceDialog(source, window)),
        ("edit message", EditMessageDialog("Hello", window)),
        ("persona editor", editor),
    ]  # fmt: skip
    failures: dict[str, list[str]] = {}
    for label, dlg in dialogs:
        qtbot.addWidget(dlg)
        dlg.show()  # not exec(): the test checks it while it is open
        qtbot.waitExposed(dlg)
        bad = unnamed(dlg)
        if bad:
            failures[label] = bad
        if isinstance(dlg, SourceDialog):
            qtbot.waitUntil(lambda d=dlg: d.page_text is not None, timeout=10000)
            assert "cited passage" in dlg.view.toPlainText()
        dlg.close()
    # the input dialogs the pages open with QInputDialog.getText
    send(qtbot, window, "Hi")
    conv_id = window.chat_page.conv.id
    window.show_page("Documents")
    for trigger in (
        lambda: window.chat_page._on_list_rename_requested(conv_id),
        window.documents_page._on_new_button_clicked,
    ):
        title, bad = modal_unnamed(qtbot, trigger)
        if bad:
            failures[title] = bad
    assert not failures, "\n".join(f"{k}: {v}" for k, v in failures.items())
    assert isinstance(dialogs[0][1], QDialog)


# ---------------------------------------------------------------------------- keyboard


def test_keyboard_shortcuts_switch_pages_and_focus_is_visible(qtbot: Any, window: Any) -> None:
    window.activateWindow()
    for i, name in enumerate(["Models", "Documents", "Personas", "Server", "Settings"], start=2):
        qtbot.keyClick(window, str(i), Qt.KeyboardModifier.ControlModifier)
        assert window.stack.currentWidget() is window.pages[name]
    qtbot.keyClick(window, "1", Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is window.chat_page
    # Ctrl+F: the page's own search box
    window.show_page("Documents")
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.focusWidget() is window.documents_page.search
    window.show_page("Models")
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.focusWidget() is window.models_page.discover.search
    window.show_page("Chats")
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.focusWidget() is window.chat_page.list.search
    # F6 moves between the sidebar and the page
    window.sidebar.setFocus()
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_F6)
    assert window.chat_page.isAncestorOf(window.focusWidget())
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_F6)
    assert window.focusWidget() is window.sidebar
    # Ctrl+L: the message box
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.focusWidget() is window.chat_page.composer.edit
    # the style sheet draws a focus ring
    assert ":focus" in QApplication.instance().styleSheet()


def test_ctrl_n_starts_a_chat_and_enter_sends(qtbot: Any, window: Any) -> None:
    page = window.chat_page
    window.activateWindow()
    before = {c.id for c in page.store.conversations()}
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert page.conv is not None and page.conv.id not in before
    assert window.stack.currentWidget() is page
    assert window.focusWidget() is page.composer.edit
    set_params(page, seed=7, max_tokens=8)
    qtbot.keyClicks(page.composer.edit, "Hello")
    # Shift+Enter is a new line, not a send
    qtbot.keyClick(page.composer.edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(page.composer.edit, "there")
    assert page.handle is None and page.composer.edit.toPlainText() == "Hello\nthere"
    qtbot.keyClick(page.composer.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.handle is None, timeout=20000)
    path = page.store.path(page.conv.id)
    assert [m.role for m in path] == ["user", "assistant"]
    assert path[0].content == "Hello\nthere" and path[1].content
    assert page.composer.edit.toPlainText() == ""


def test_tab_moves_through_the_chat_page_in_reading_order(qtbot: Any, window: Any) -> None:
    page = window.chat_page
    send(qtbot, window, "Hello")
    window.activateWindow()
    page.composer.edit.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.keyClick(page.composer.edit, Qt.Key.Key_Tab)
    assert window.focusWidget() is page.composer.send_button, "Tab must leave the message box"
    assert page.composer.edit.toPlainText() == ""
    qtbot.keyClick(page.composer.send_button, Qt.Key.Key_Backtab)
    assert window.focusWidget() is page.composer.edit
    # a full round from the sidebar meets the landmarks in the order they are laid out
    window.sidebar.setFocus(Qt.FocusReason.OtherFocusReason)
    order: list[QWidget] = []
    for _ in range(80):
        qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Tab)
        w = window.focusWidget()
        if w is window.sidebar:
            break
        order.append(w)
    else:
        pytest.fail("Tab never came back to the sidebar")
    reply = page.transcript.widgets[-1]
    landmarks = [
        page.list.search, page.model_bar.combo, page.collections, page.transcript, reply.body,
        reply.buttons["copy"],
        page.composer.edit, page.composer.send_button,
    ]  # fmt: skip
    missing = [w for w in landmarks if w not in order]
    assert not missing, f"Tab never reaches {[accessible_name(w) for w in missing]}"
    positions = [order.index(w) for w in landmarks]
    shown = [f"{type(w).__name__} {accessible_name(w)!r}" for w in order]
    assert positions == sorted(positions), shown


def test_sources_under_a_reply_are_reachable_from_the_keyboard(qtbot: Any, window: Any) -> None:
    from app.ui.chat.message_widget import MessageWidget

    page = window.chat_page
    page.new_conversation()
    msg = page.store.add_message(page.conv.id, "user", "What does the report say?")
    sources = [
        {"number": 1, "document": "report.pdf", "path": "/tmp/report.pdf", "page": 3},
        {"number": 2, "document": "notes.md", "path": "/tmp/notes.md", "page": 1},
    ]
    reply = page.store.add_message(
        page.conv.id,
        "assistant",
        "It says so [1][2].",
        parent_id=msg.id,
        stats={"sources": sources},
    )
    w = MessageWidget("assistant", reply)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    label = w.sources_label
    assert label.isVisible() and "report.pdf" in label.text()
    assert label.textInteractionFlags() & Qt.TextInteractionFlag.LinksAccessibleByKeyboard
    assert label.focusPolicy() & Qt.FocusPolicy.TabFocus
    # Tab from the reply's text reaches the sources line, then moves between its links; Enter
    # opens the one with focus
    w.activateWindow()
    w.body.setFocus(Qt.FocusReason.OtherFocusReason)
    for _ in range(6):  # through the [1] [2] links in the text first
        qtbot.keyClick(w.focusWidget(), Qt.Key.Key_Tab)
        if w.focusWidget() is label:
            break
    assert w.focusWidget() is label
    qtbot.keyClick(label, Qt.Key.Key_Tab)  # the first source
    qtbot.keyClick(label, Qt.Key.Key_Tab)  # the second
    assert w.focusWidget() is label
    with qtbot.waitSignal(w.action_triggered, timeout=2000) as opened:
        qtbot.keyClick(label, Qt.Key.Key_Return)
    assert opened.args == ["cite:2", reply.id]


# ------------------------------------------------------------------ font size and contrast


def _sizes(window: Any) -> dict[str, float]:
    from PySide6.QtWidgets import QLabel

    window.show_page("Models")
    title = next(
        w for w in window.models_page.findChildren(QLabel) if w.objectName() == "PageTitle"
    )
    widgets = {
        "sidebar": window.sidebar, "composer": window.chat_page.composer.edit,
        "title": title, "muted": window.chat_page.meter_label,
    }  # fmt: skip
    for w in widgets.values():
        w.ensurePolished()
    return {k: w.font().pointSizeF() for k, w in widgets.items()}


def test_text_follows_the_font_size_and_the_text_size_setting(qtbot: Any, window: Any) -> None:
    from app.ui import theme

    app = QApplication.instance()
    ui = window.services.settings.ui
    system_pt = app.property("hearth_base_pt")
    try:
        theme.apply(app, "light", 1.0, base_pt=10.0)
        small = _sizes(window)
        assert app.font().pointSizeF() == pytest.approx(10.0)
        assert small["title"] == pytest.approx(15.0, abs=0.05)
        assert small["muted"] == pytest.approx(8.5, abs=0.05)
        # Settings -> text size
        theme.apply(app, "light", 1.5, base_pt=10.0)
        big = _sizes(window)
        assert app.font().pointSizeF() == pytest.approx(15.0)
        for k, v in small.items():
            assert big[k] == pytest.approx(v * 1.5, abs=0.05), k
        # a larger system font
        theme.apply(app, "light", 1.0, base_pt=13.0)
        system = _sizes(window)
        for k, v in small.items():
            assert system[k] == pytest.approx(v * 1.3, abs=0.05), k
        assert "em;" not in app.styleSheet()  # every em size became points
    finally:
        theme.apply(app, ui.theme, ui.font_scale, base_pt=system_pt)


def test_high_contrast_keeps_the_system_colours(
    qtbot: Any, window: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.ui import theme

    app = QApplication.instance()
    ui = window.services.settings.ui
    ours = {QColor(v).name() for colours in theme._COLORS.values() for v in colours.values()}
    roles = (QPalette.ColorRole.Window, QPalette.ColorRole.Button, QPalette.ColorRole.Highlight)
    try:
        theme.apply(app, "dark", 1.0)
        assert app.palette().color(QPalette.ColorRole.Window) == QColor("#1e1f22")
        assert "#17181a" in app.styleSheet()
        monkeypatch.setenv(theme.HIGH_CONTRAST_ENV, "1")
        assert theme.high_contrast()
        theme.apply(app, "dark", 1.0)
        assert app.property("hearth_high_contrast")
        # the platform's palette (no palette of ours set), none of our colours, no colour rules
        assert not app.testAttribute(Qt.ApplicationAttribute.AA_SetPalette)
        assert all(app.palette().color(r).name() not in ours for r in roles)
        assert not re.search(r"#[0-9a-fA-F]{3,6}\b", app.styleSheet())
        assert ":focus" in app.styleSheet()  # the focus ring stays
        window.show_page("Chats")
        qtbot.wait(50)
        img = window.sidebar.grab().toImage()
        pixel = img.pixelColor(img.width() // 2, img.height() - 12)
        assert pixel != QColor("#17181a")  # the dark theme's sidebar
        assert pixel == window.sidebar.palette().color(QPalette.ColorRole.Base)
        monkeypatch.setenv(theme.HIGH_CONTRAST_ENV, "0")
        assert not theme.high_contrast()
    finally:
        monkeypatch.delenv(theme.HIGH_CONTRAST_ENV, raising=False)
        theme.apply(app, ui.theme, ui.font_scale)
