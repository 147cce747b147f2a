"""Start the desktop app: QApplication, services, theme, window; the engine after it shows.

Nothing heavy is imported before the window is on screen: llama_cpp is loaded by the
engine thread when a model loads, and torch/chromadb only by the documents feature.
``python -m app.ui.app --measure-startup`` (or ``HEARTH_MEASURE_STARTUP=1 hearth``, through the
real command) prints how long the window took to appear, the CPU time spent to get there,
how long the GUI thread waited for a CPU that other processes held (Linux), and the heavy
modules already imported, then quits.
"""

from __future__ import annotations

import logging
import sys
import time

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from app.core.errors import HearthError
from app.ui import theme
from app.ui.main_window import MainWindow
from app.ui.services import AppServices

log = logging.getLogger(__name__)


def create_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv)
    app.setApplicationName("Hearth")
    app.setOrganizationName("Hearth")
    app.setApplicationDisplayName("Hearth")
    app.setDesktopFileName("io.hearth.Hearth")  # matches packaging/linux/hearth.desktop
    if not app.property("hearth_translators"):
        from app.ui.i18n import install_translators

        install_translators(app)
    icon = theme.RESOURCES / "icons" / "hearth.svg"
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    return app  # type: ignore[return-value]


def build_window(services: AppServices | None = None) -> MainWindow:
    """A ready window (not yet shown) over ``services`` (created from the user data folder if None)."""
    services = services or AppServices.create()
    app = QApplication.instance()
    ui = services.settings.ui
    theme.apply(app, ui.theme, ui.font_scale)
    return MainWindow(services)


def _run_queue_wait() -> float:
    """Seconds the GUI thread was ready to run but waited for a CPU (other processes had them),
    from Linux's ``/proc/self/schedstat``; 0.0 where the kernel does not say."""
    try:
        with open("/proc/self/schedstat") as f:
            return int(f.read().split()[1]) / 1e9
    except (OSError, ValueError, IndexError):
        return 0.0


def run_app(argv: list[str] | None = None) -> int:
    t0 = time.perf_counter()
    argv = list(sys.argv if argv is None else argv)
    measure = "--measure-startup" in argv
    app = create_app([a for a in argv if a != "--measure-startup"])
    try:
        services = AppServices.create()
    except HearthError as exc:  # e.g. a damaged chat database: say so in a window, not a traceback
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.critical(
            None, QCoreApplication.translate("App", "Hearth cannot start"), str(exc)
        )
        return 1
    win = build_window(services)
    win.show()

    def after_first_paint() -> None:
        shown = time.perf_counter() - t0
        log.info("window shown in %.3f s", shown)
        if measure:
            heavy = [
                m
                for m in ("llama_cpp", "torch", "chromadb", "sentence_transformers", "pypdfium2")
                if m in sys.modules
            ]
            import resource

            ru = resource.getrusage(resource.RUSAGE_SELF)
            print(
                f"window_shown_s={shown:.3f} shown_at={time.time():.3f} cpu_s={ru.ru_utime + ru.ru_stime:.3f}"
                f" runq_wait_s={_run_queue_wait():.3f} heavy_modules={','.join(heavy) or 'none'}",
                flush=True,
            )
            app.quit()
            return
        win.start()

    QTimer.singleShot(0, after_first_paint)
    try:
        return int(app.exec())
    finally:
        win.services.close()


if __name__ == "__main__":
    sys.exit(run_app())
