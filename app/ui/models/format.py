"""Plain-language sizes, rates and durations for the Models and Documents pages."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

GB = 1 << 30


def size(n: int | float) -> str:
    if n >= GB:
        return QCoreApplication.translate("format", "%.1f GB") % (n / GB)
    if n >= 1 << 20:
        return QCoreApplication.translate("format", "%.0f MB") % (n / (1 << 20))
    return QCoreApplication.translate("format", "%.0f KB") % (n / 1024)


def rate(bps: float) -> str:
    return QCoreApplication.translate("format", "%s/s") % size(bps) if bps > 0 else "–"


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    s = int(seconds)
    if s >= 3600:
        return QCoreApplication.translate("format", "%dh %02dm") % (s // 3600, s % 3600 // 60)
    if s >= 60:
        return QCoreApplication.translate("format", "%dm %02ds") % (s // 60, s % 60)
    return QCoreApplication.translate("format", "%ds") % s


def fit_label(verdict: str) -> str:
    return {
        "full_gpu": QCoreApplication.translate("format", "Fits on the GPU"),
        "partial": QCoreApplication.translate("format", "Partly on the GPU"),
        "cpu_only": QCoreApplication.translate("format", "Runs on the CPU"),
        "wont_fit": QCoreApplication.translate("format", "Too big"),
    }.get(verdict, verdict)
