"""Light, dark and follow-the-system themes: a Fusion palette plus a small style sheet whose
font sizes follow the application font; in high contrast, the system's palette instead."""

from __future__ import annotations

import os
import re
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

RESOURCES = Path(__file__).resolve().parents[2] / "resources"
HIGH_CONTRAST_ENV = "HEARTH_HIGH_CONTRAST"
_EM = re.compile(r"font-size:\s*([0-9.]+)em")

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
    """The system asks for high contrast (Windows, macOS "Increase contrast", GNOME/KDE).

    Qt reports it from 6.10 on. ``HEARTH_HIGH_CONTRAST=1`` forces it (older Qt, or a platform
    that does not report it) and ``HEARTH_HIGH_CONTRAST=0`` turns it off.
    """
    forced = os.environ.get(HIGH_CONTRAST_ENV, "").strip().lower()
    if forced in ("1", "true", "yes", "on"):
        return True
    if forced in ("0", "false", "no", "off"):
        return False
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


def stylesheet(name: str | None, point_size: float) -> str:
    """``base.qss`` plus ``<name>.qss`` (none when ``name`` is None), with every
    ``font-size: <factor>em`` turned into points relative to ``point_size`` (Qt style sheets
    only know pt and px, which would ignore the system font size and Settings -> text size)."""
    qss = ""
    for f in ("base.qss",) if name is None else ("base.qss", f"{name}.qss"):
        path = RESOURCES / "styles" / f
        if path.exists():
            qss += path.read_text(encoding="utf-8") + "\n"
    return _EM.sub(lambda m: f"font-size: {float(m.group(1)) * point_size:.2f}pt", qss)


def _point_size(app: QApplication) -> float:
    font = app.font()
    if font.pointSizeF() > 0:
        return font.pointSizeF()
    # a font sized in pixels: convert with the screen's resolution
    screen = app.primaryScreen()
    dpi = screen.logicalDotsPerInchY() if screen is not None else 96.0
    return font.pixelSize() * 72.0 / dpi if font.pixelSize() > 0 else 10.0


def apply(
    app: QApplication, theme: str, font_scale: float = 1.0, *, base_pt: float | None = None
) -> str:
    """Apply ``theme`` ("system", "light", "dark"); returns the resolved name.

    Text is ``font_scale`` times the system's font size (``base_pt``: default, the application
    font's size the first time this runs), and the style sheet's sizes follow it. When the
    system asks for high contrast, the platform's palette stays and our colours are not used.
    """
    name = resolve(theme)
    app.setStyle("Fusion")
    contrast = high_contrast()
    # high contrast: an empty palette resolves to the platform theme's (the system's colours);
    # only the layout, font-size and focus rules of base.qss apply
    app.setPalette(QPalette() if contrast else palette(name))
    font = app.font()
    base = base_pt or app.property("hearth_base_pt") or _point_size(app)
    app.setProperty("hearth_base_pt", base)
    font.setPointSizeF(base * font_scale)
    app.setFont(font)
    app.setStyleSheet(stylesheet(None if contrast else name, _point_size(app)))
    dark = QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128
    app.setProperty("hearth_dark", dark if contrast else name == "dark")
    app.setProperty("hearth_high_contrast", contrast)
    return name


def is_dark() -> bool:
    app = QApplication.instance()
    return bool(app.property("hearth_dark")) if app is not None else False
