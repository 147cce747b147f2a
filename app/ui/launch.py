"""Start the desktop app: what ``hearth`` with no arguments runs.

``HEARTH_SMOKE_TEST=SECONDS`` is for release checks of a packaged build: the window opens
and starts as usual, then closes after SECONDS; one ``smoke-test:`` line is printed and the
exit code is non-zero when no window was shown.

``HEARTH_MEASURE_STARTUP=1`` measures the start-up through the real command: the window
opens, one ``window_shown_s=…`` line is printed after its first frame (see
:func:`app.ui.app.run_app`) and the app quits.
"""

from __future__ import annotations

import os


def launch() -> int:
    from app.ui.app import run_app

    if os.environ.get("HEARTH_MEASURE_STARTUP", "") not in ("", "0"):
        return run_app(["hearth", "--measure-startup"])
    smoke = os.environ.get("HEARTH_SMOKE_TEST")
    if smoke:
        return _smoke_test(run_app, float(smoke) if smoke.replace(".", "", 1).isdigit() else 3.0)
    return run_app()


def _smoke_test(run_app, seconds: float) -> int:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMainWindow

    from app.ui.app import create_app

    app = create_app()
    shown: list[str] = []

    def finish() -> None:
        for w in app.topLevelWidgets():
            if isinstance(w, QMainWindow) and w.isVisible():
                shown.append(w.windowTitle() or type(w).__name__)
                w.close()
        app.quit()

    QTimer.singleShot(int(seconds * 1000), finish)
    rc = run_app()
    print(
        f"smoke-test: window={'shown' if shown else 'missing'} title={shown[:1]} exit={rc}",
        flush=True,
    )
    return rc if shown else (rc or 3)
