"""Start the desktop app (replaced by the real window in the desktop issue)."""

from __future__ import annotations


def launch() -> int:
    from app.ui.app import run_app

    return run_app()
