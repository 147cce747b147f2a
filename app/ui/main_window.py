"""The main window: sidebar navigation, pages, status bar, shortcuts, drag and drop.

Construction is cheap (no engine, no disk scans); :meth:`MainWindow.start` runs after
the window is on screen and starts the InferenceService and the background probes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.ui import theme
from app.ui.bridge import run_op
from app.ui.chat.page import ChatPage
from app.ui.errors import one_line
from app.ui.first_run import FirstRunPage
from app.ui.model_controller import ModelController, default_options
from app.ui.services import AppServices
from app.ui.settings_page import SettingsPage
from app.ui.status_bar import HearthStatusBar

PAGES = ["Chats", "Models", "Documents", "Personas", "Server", "Settings"]
COMING = {
    "Models": "Browse and download models from Hugging Face, manage your library and import models from "
    "Ollama, LM Studio and GPT4All. Until then, pick a model above a chat or drag a .gguf onto the window.",
    "Documents": "Add PDFs and text files to collections and ask questions about them, with citations.",
    "Personas": "Create personas (a model, a system prompt and parameters) and import or export Ollama Modelfiles.",
    "Server": "Start the OpenAI- and Ollama-compatible server so other apps can use your models.",
}


def _placeholder(name: str) -> QWidget:
    w = QWidget()
    lay = QVBoxLayout(w)
    lay.setContentsMargins(48, 32, 48, 32)
    title = QLabel(name)
    title.setObjectName("PageTitle")
    lay.addWidget(title)
    text = QLabel(f"Coming in the next update: {COMING[name]}")
    text.setWordWrap(True)
    text.setObjectName("Muted")
    lay.addWidget(text)
    lay.addStretch(1)
    return w


class MainWindow(QMainWindow):
    def __init__(self, services: AppServices) -> None:
        super().__init__()
        self.services = services
        self.setWindowTitle("Hearth")
        self.setAcceptDrops(True)
        self.resize(1240, 800)
        self.models = ModelController(services)
        self.sidebar = QListWidget()
        self.sidebar.setObjectName("Sidebar")
        self.sidebar.setFixedWidth(160)
        self.sidebar.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.sidebar.addItems(PAGES)
        self.stack = QStackedWidget()
        self.chat_page = ChatPage(services, self.models)
        self._settings_page: SettingsPage | None = None  # built when first shown (~0.1 s)
        self.first_run_page = FirstRunPage(services)
        self.pages: dict[str, QWidget] = {"Chats": self.chat_page, "Settings": QWidget()}
        for name in PAGES:
            self.stack.addWidget(self.pages.get(name) or _placeholder(name))
        self.stack.addWidget(self.first_run_page)
        central = QWidget()
        lay = QHBoxLayout(central)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.sidebar)
        lay.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.status = HearthStatusBar()
        self.setStatusBar(self.status)

        self.sidebar.currentRowChanged.connect(self._on_sidebar_current_row_changed)
        self.first_run_page.model_ready.connect(self._on_first_run_model_ready)
        self.first_run_page.open_file_requested.connect(self.open_model_file)
        self.first_run_page.skipped.connect(self._on_first_run_skipped)
        self.chat_page.reply_finished.connect(self.status.set_speed)
        self.chat_page.load_dialog_requested.connect(self.open_load_dialog)
        self.models.loaded.connect(lambda lm: self.status.set_model(lm))
        self.models.loading_started.connect(lambda name: self.status.set_model(None, loading=name))
        self.models.load_failed.connect(lambda _m: self.status.set_model(self.models.current))
        self.models.unloaded.connect(lambda: self.status.set_model(None))
        self._shortcuts()
        self._window_settings = QSettings(
            str(services.paths.home / "window.ini"), QSettings.Format.IniFormat
        )
        self._restore_geometry()
        self.sidebar.setCurrentRow(0)
        if not services.settings.ui.first_run_done:
            self.show_first_run()

    @property
    def settings_page(self) -> SettingsPage:
        if self._settings_page is None:
            page = SettingsPage(self.services)
            page.settings_saved.connect(self._on_settings_page_settings_saved)
            page.first_run_requested.connect(self.show_first_run)
            index = PAGES.index("Settings")
            old = self.stack.widget(index)
            current = self.stack.currentIndex()
            self.stack.insertWidget(index, page)
            self.stack.removeWidget(old)
            old.deleteLater()
            self.stack.setCurrentIndex(current)
            self.pages["Settings"] = page
            self._settings_page = page
        return self._settings_page

    # ----------------------------------------------------------------- start-up
    def start(self) -> None:
        """Called once the window is visible: start the engine and the background probes."""
        self.models.attach()
        self.chat_page.start()
        self.status.update_memory()
        if self.models.current is not None:
            self.status.set_model(self.models.current)

        def probe() -> tuple[Any, str]:
            from app.core.hardware import detect_hardware
            from app.engine.backend_info import backend_info

            return self.services.hardware or detect_hardware(), backend_info().backend

        def probed(v: tuple[Any, str]) -> None:
            self.services.hardware, self.services.backend = v
            self.status.set_backend(v[1])
            self.first_run_page.set_backend(v[1])

        run_op(probe, probed, lambda e: self.status.set_backend("unknown"))
        from app.ui.chat import markdown

        run_op(markdown.warm_up, name="hearth-warm-up")
        if self.stack.currentWidget() is self.first_run_page:
            self.first_run_page.start()
        app = QApplication.instance()
        app.styleHints().colorSchemeChanged.connect(self._on_style_hints_color_scheme_changed)

    def _shortcuts(self) -> None:
        def act(keys: Any, fn: Any, text: str) -> None:
            a = QAction(text, self)
            a.setShortcut(QKeySequence(keys))
            a.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            a.triggered.connect(fn)
            self.addAction(a)

        act("Ctrl+K", self.focus_search, "Search chats")
        act("Ctrl+N", self._on_new_chat, "New chat")
        act("Esc", self.chat_page.stop, "Stop the reply")
        act("Ctrl+O", self.open_model_file, "Open a model file")
        act("Ctrl+,", lambda: self.show_page("Settings"), "Settings")
        for i, name in enumerate(PAGES, start=1):
            act(f"Ctrl+{i}", lambda n=name: self.show_page(n), f"Show {name}")

    # -------------------------------------------------------------- navigation
    def show_page(self, name: str) -> None:
        if name == "Settings":
            _ = self.settings_page
        self.sidebar.setCurrentRow(PAGES.index(name))
        self.stack.setCurrentIndex(PAGES.index(name))

    def show_first_run(self) -> None:
        self.sidebar.clearSelection()
        self.stack.setCurrentWidget(self.first_run_page)
        if self.isVisible():
            self.first_run_page.start()

    def focus_search(self) -> None:
        self.show_page("Chats")
        self.chat_page.list.focus_search()

    def _on_new_chat(self) -> None:
        self.show_page("Chats")
        self.chat_page.new_conversation()

    def _on_sidebar_current_row_changed(self, row: int) -> None:
        if row == PAGES.index("Settings"):
            _ = self.settings_page
        if row >= 0:
            self.stack.setCurrentIndex(row)

    def _finish_first_run(self) -> None:
        ui = self.services.settings.ui
        if not ui.first_run_done:
            ui.first_run_done = True
            try:
                self.services.save_settings()
            except Exception as exc:
                self.statusBar().showMessage(one_line(exc), 8000)
        self.show_page("Chats")

    def _on_first_run_skipped(self) -> None:
        self._finish_first_run()

    def _on_first_run_model_ready(self, name: str) -> None:
        self._finish_first_run()
        self.chat_page.new_conversation()
        self.chat_page._on_model_bar_model_chosen(name)
        self.chat_page.model_bar.refresh_catalog([name])

    # ------------------------------------------------------------------ models
    def open_model_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open a model", str(Path.home()), "GGUF models (*.gguf)"
        )
        if path:
            self.add_and_load(Path(path))

    def add_and_load(self, path: Path) -> None:
        """Add ``path``'s folder to the library folders, then load it for the open chat."""
        folders = self.services.settings.models.folders
        parent = str(path.parent)
        if parent not in folders and not path.is_relative_to(self.services.paths.models_dir):
            self.services.settings.models.folders = [*folders, parent]
            try:
                self.services.save_settings()
            except Exception as exc:
                self.statusBar().showMessage(one_line(exc), 8000)
        if self.stack.currentWidget() is self.first_run_page:
            self._finish_first_run()
        self.show_page("Chats")
        if self.chat_page.conv is None:
            self.chat_page.new_conversation()
        self.chat_page.model_bar.select(str(path))
        self.chat_page._on_model_bar_model_chosen(str(path))
        self.chat_page.model_bar.refresh_catalog([str(path)])

    def open_load_dialog(self, name: str) -> None:
        name = name or self.models.current_ref or ""
        if not name:
            self.chat_page.banner.show_message("Choose a model in the list first.", timeout_ms=6000)
            return

        def resolve() -> Any:
            from app.resolve import resolve_model

            return resolve_model(name)

        def show(rm: Any) -> None:
            from app.ui.load_dialog import LoadModelDialog

            base = default_options(self.services, rm.path, **rm.load_overrides)
            dlg = LoadModelDialog(rm.path, base, self.services.hardware, self)
            if dlg.exec():
                opts = dlg.options()
                if dlg.remember.isChecked():
                    self._remember_load_settings(opts)
                if self.chat_page.conv is not None:
                    self.chat_page.conv = self.services.chats.update_conversation(
                        self.chat_page.conv.id, model=name
                    )
                self.models.load(opts, ref=name, resolved=rm)

        run_op(resolve, show, lambda e: self.chat_page.banner.show_message(one_line(e), error=True))

    def _remember_load_settings(self, opts: Any) -> None:
        e = self.services.settings.engine
        e.n_ctx, e.gpu_layers, e.n_threads = opts.n_ctx, opts.gpu_layers, opts.n_threads
        e.flash_attn, e.kv_type = opts.flash_attn, opts.kv_type
        self.services.save_settings()
        if self._settings_page is not None:
            self._settings_page.load()

    # ------------------------------------------------------------ drag and drop
    @staticmethod
    def _gguf_urls(event: Any) -> list[Path]:
        md = event.mimeData()
        if not md.hasUrls():
            return []
        return [
            Path(u.toLocalFile()) for u in md.urls() if u.toLocalFile().lower().endswith(".gguf")
        ]

    def dragEnterEvent(self, event: Any) -> None:
        if self._gguf_urls(event):
            event.acceptProposedAction()

    def dropEvent(self, event: Any) -> None:
        paths = self._gguf_urls(event)
        if paths:
            event.acceptProposedAction()
            self.add_and_load(paths[0])

    # --------------------------------------------------------------- settings
    def _on_settings_page_settings_saved(self, settings: Any) -> None:
        self.apply_theme()

    def apply_theme(self) -> None:
        ui = self.services.settings.ui
        theme.apply(QApplication.instance(), ui.theme, ui.font_scale)
        if self.chat_page.handle is None:
            self.chat_page.reload(rebuild=True)

    def _on_style_hints_color_scheme_changed(self, *_: Any) -> None:
        if self.services.settings.ui.theme == "system":
            self.apply_theme()

    def _restore_geometry(self) -> None:
        s = self._window_settings
        geo = s.value("geometry")
        if isinstance(geo, QByteArray | bytes):
            self.restoreGeometry(geo)
        state = s.value("chat_splitter")
        if isinstance(state, QByteArray | bytes):
            self.chat_page.splitter.restoreState(state)
        self.chat_page.model_bar.panel_button.setChecked(s.value("chat_panel", "false") == "true")

    def save_geometry(self) -> None:
        s = self._window_settings
        s.setValue("geometry", self.saveGeometry())
        s.setValue("chat_splitter", self.chat_page.splitter.saveState())
        s.setValue("chat_panel", "true" if self.chat_page.panel.isVisible() else "false")
        s.sync()

    def closeEvent(self, event: Any) -> None:
        self.save_geometry()
        self.chat_page.shutdown()
        self.models.detach()
        if self.first_run_page.manager is not None:
            self.first_run_page.manager.close(timeout=2.0)
        super().closeEvent(event)
