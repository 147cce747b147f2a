"""Light, dark and follow-the-system themes: a Fusion palette plus a small style sheet."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

RESOURCES = Path(__file__).resolve().parents[2] / "resources"

_COLORS = {
    "light": {
        "window": "#f6f5f4", "base": "#ffffff", "alt": "#efeeed", "text": "#1f1f1f", "muted": "#6b6b6b",
        "button": "#ececec", "highlight": "#c2410c", "hl_text": "#ffffff", "link": "#1a5fb4",
    },
    "dark": {
        "window": "#1e1f22", "base": "#26272b", "alt": "#2d2e33", "text": "#e8e8e8", "muted": "#9a9a9a",
        "button": "#34353a", "highlight": "#f97316", "hl_text": "#111111", "link": "#8ab4f8",
    },
}  # fmt: skip


def system_is_dark() -> bool:
    hints = QGuiApplication.styleHints()
    return hints.colorScheme() == Qt.ColorScheme.Dark


def high_contrast() -> bool:
    """The system asks for high contrast (Windows, macOS "Increase contrast", GNOME/KDE)."""
    style_hints = QGuiApplication.styleHints()  # keep a reference: the hints belong to it
    try:
        hints = style_hints.accessibility()
        return hints.contrastPreference() == Qt.ContrastPreference.HighContrast
    except (AttributeError, RuntimeError):  # Qt before 6.10, or no platform hints
        return False


def resolve(theme: str) -> str:
    """ "system" becomes "light" or "dark"."""
    if theme in ("light", "dark"):
        return theme
    return "dark" if system_is_dark() else "light"


def palette(name: str) -> QPalette:
    c = _COLORS[name]
    p = QPalette()
    roles = {
        QPalette.ColorRole.Window: c["window"], QPalette.ColorRole.WindowText: c["text"],
        QPalette.ColorRole.Base: c["base"], QPalette.ColorRole.AlternateBase: c["alt"],
        QPalette.ColorRole.Text: c["text"], QPalette.ColorRole.Button: c["button"],
        QPalette.ColorRole.ButtonText: c["text"], QPalette.ColorRole.Highlight: c["highlight"],
        QPalette.ColorRole.HighlightedText: c["hl_text"], QPalette.ColorRole.Link: c["link"],
        QPalette.ColorRole.ToolTipBase: c["base"], QPalette.ColorRole.ToolTipText: c["text"],
        QPalette.ColorRole.PlaceholderText: c["muted"],
    }  # fmt: skip
    for role, color in roles.items():
        p.setColor(role, QColor(color))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor(c["muted"]))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor(c["muted"]))
    return p


def apply(app: QApplication, theme: str, font_scale: float = 1.0) -> str:
    """Apply ``theme`` ("system", "light", "dark"); returns the resolved name."""
    name = resolve(theme)
    app.setStyle("Fusion")
    contrast = high_contrast()
    # high contrast: keep the system's own colours; only the layout and focus rules apply
    app.setPalette(app.style().standardPalette() if contrast else palette(name))
    qss = ""
    for f in ("base.qss",) if contrast else ("base.qss", f"{name}.qss"):
        path = RESOURCES / "styles" / f
        if path.exists():
            qss += path.read_text(encoding="utf-8") + "\n"
    app.setStyleSheet(qss)
    font = app.font()
    base = app.property("hearth_base_pt") or font.pointSizeF()
    app.setProperty("hearth_base_pt", base)
    if base > 0:
        font.setPointSizeF(base * font_scale)
        app.setFont(font)
    app.setProperty("hearth_dark", name == "dark")
    app.setProperty("hearth_high_contrast", contrast)
    return name


def is_dark() -> bool:
    app = QApplication.instance()
    return bool(app.property("hearth_dark")) if app is not None else False
