"""Every interactive control on every page has an accessible name; focus and shortcuts work."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
    QWidget,
)

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


def test_every_page_names_its_controls(qtbot: Any, window: Any) -> None:
    from app.ui.main_window import PAGES

    failures: dict[str, list[str]] = {}
    for name in PAGES:
        window.show_page(name)
        page = window.stack.currentWidget()
        qtbot.wait(50)
        bad = unnamed(page)
        if bad:
            failures[name] = bad
    window.show_first_run()
    bad = unnamed(window.first_run_page)
    if bad:
        failures["First run"] = bad
    window.show_page("Chats")
    assert not unnamed(window.centralWidget())
    assert not failures, "\n".join(f"{k}: {v}" for k, v in failures.items())


def test_dialogs_name_their_controls(qtbot: Any, window: Any, tiny_model: Any) -> None:
    from app.ui.load_dialog import LoadModelDialog
    from app.ui.model_controller import default_options

    dlg = LoadModelDialog(tiny_model, default_options(window.services, tiny_model), None, window)
    qtbot.addWidget(dlg)
    dlg.show()
    assert not unnamed(dlg)
    dlg.reject()


def test_keyboard_shortcuts_switch_pages_and_focus_is_visible(qtbot: Any, window: Any) -> None:
    window.activateWindow()
    for i, name in enumerate(["Models", "Documents", "Personas", "Server", "Settings"], start=2):
        qtbot.keyClick(window, str(i), Qt.KeyboardModifier.ControlModifier)
        assert window.stack.currentWidget() is window.pages[name]
    qtbot.keyClick(window, "1", Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is window.chat_page
    # Ctrl+F: the page's own search box
    window.show_page("Documents")
    window.focus_page_search()
    assert window.focusWidget() is window.documents_page.search
    window.show_page("Models")
    window.focus_page_search()
    assert window.focusWidget() is window.models_page.discover.search
    window.show_page("Chats")
    # F6 moves between the sidebar and the page
    window.sidebar.setFocus()
    window._cycle_focus_region()
    assert window.chat_page.isAncestorOf(window.focusWidget())
    window._cycle_focus_region()
    assert window.focusWidget() is window.sidebar
    # the style sheet draws a focus ring
    from PySide6.QtWidgets import QApplication

    assert ":focus" in QApplication.instance().styleSheet()
