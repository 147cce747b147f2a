"""The main window: sidebar navigation, pages, status bar, shortcuts, drag and drop.

Construction is cheap (no engine, no disk scans); :meth:`MainWindow.start` runs after
the window is on screen and starts the InferenceService and the background probes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QCoreApplication, QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QListWidget,
    QMainWindow,
    QStackedWidget,
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


def page_title(name: str) -> str:
    return {
        "Chats": QCoreApplication.translate("MainWindow", "Chats"),
        "Models": QCoreApplication.translate("MainWindow", "Models"),
        "Documents": QCoreApplication.translate("MainWindow", "Documents"),
        "Personas": QCoreApplication.translate("MainWindow", "Personas"),
        "Server": QCoreApplication.translate("MainWindow", "Server"),
        "Settings": QCoreApplication.translate("MainWindow", "Settings"),
    }[name]


class MainWindow(QMainWindow):
    def __init__(self, services: AppServices) -> None:
        super().__init__()
        self.services = services
        self.setWindowTitle(self.tr("Hearth"))
        self.setAcceptDrops(True)
        self.resize(1240, 800)
        self.models = ModelController(services)
        self.sidebar = QListWidget()
        self.sidebar.setObjectName("Sidebar")
        self.sidebar.setFixedWidth(160)
        self.sidebar.addItems([page_title(n) for n in PAGES])
        self.sidebar.setAccessibleName(self.tr("Pages"))
        self.sidebar.setAccessibleDescription(self.tr("Switch pages with Ctrl+1 to Ctrl+6"))
        self.stack = QStackedWidget()
        self.chat_page = ChatPage(services, self.models)
        self._settings_page: SettingsPage | None = None  # built when first shown (~0.1 s)
        self.first_run_page = FirstRunPage(services)
        # pages other than Chats are built when first shown: the window opens faster
        self.pages: dict[str, QWidget] = {"Chats": self.chat_page}
        for name in PAGES:
            self.stack.addWidget(self.pages.get(name) or QWidget())
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
        self.focus_start()

    def focus_start(self) -> None:
        """Start with the keyboard in the page's main control (the message box, or the welcome
        page's Download), not on the sidebar that comes first in the tab order."""
        if self.stack.currentWidget() is self.first_run_page:
            self.first_run_page.focus_primary()
        else:
            self.chat_page.composer.edit.setFocus(Qt.FocusReason.OtherFocusReason)

    @property
    def settings_page(self) -> SettingsPage:
        return self.page("Settings")  # type: ignore[return-value]

    @property
    def models_page(self) -> Any:
        return self.page("Models")

    @property
    def documents_page(self) -> Any:
        return self.page("Documents")

    @property
    def personas_page(self) -> Any:
        return self.page("Personas")

    @property
    def server_page(self) -> Any:
        return self.page("Server")

    def page(self, name: str) -> QWidget:
        """The page called ``name``, built the first time it is asked for."""
        page = self.pages.get(name)
        if page is None:
            page = self._build_page(name)
            index = PAGES.index(name)
            old = self.stack.widget(index)
            current = self.stack.currentIndex()
            self.stack.insertWidget(index, page)
            self.stack.removeWidget(old)
            old.deleteLater()
            self.stack.setCurrentIndex(current)
            self.pages[name] = page
        return page

    def _build_page(self, name: str) -> QWidget:
        if name == "Settings":
            page = SettingsPage(self.services)
            page.settings_saved.connect(self._on_settings_page_settings_saved)
            page.first_run_requested.connect(self.show_first_run)
            self._settings_page = page
            return page
        if name == "Models":
            from app.ui.models.page import ModelsPage

            models = ModelsPage(self.services)
            models.load_requested.connect(self._on_models_page_load_requested)
            models.library.changed.connect(lambda: self.chat_page.model_bar.refresh_catalog())
            return models
        if name == "Server":
            from app.ui.server.page import ServerPage

            server = ServerPage(self.services, self._model_name)
            server.state_changed.connect(self.status.set_server_state)
            return server
        if name == "Documents":
            from app.ui.documents.page import DocumentsPage

            docs = DocumentsPage(self.services)
            docs.collections_changed.connect(self.chat_page.refresh_collections)
            return docs
        if name == "Personas":
            from app.ui.personas.page import PersonasPage

            personas = PersonasPage(self.services)
            personas.chat_requested.connect(self._on_personas_page_chat_requested)
            return personas
        raise KeyError(name)

    def _model_name(self) -> str | None:
        """What API clients call the chat's model: its library name when it has one."""
        ref = self.models.current_ref
        if ref and ref.endswith(".gguf"):
            entry = next((e for e in self.services.library.entries() if e.path == ref), None)
            return entry.name if entry is not None else ref
        return ref

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
        if self.services.settings.server.start_with_app:
            self.server_page.start()
        app = QApplication.instance()
        app.styleHints().colorSchemeChanged.connect(self._on_style_hints_color_scheme_changed)

    def _shortcuts(self) -> None:
        def act(keys: Any, fn: Any, text: str) -> None:
            a = QAction(text, self)
            a.setShortcut(QKeySequence(keys))
            a.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            a.triggered.connect(fn)
            self.addAction(a)

        act("Ctrl+K", self.focus_search, self.tr("Search chats"))
        act("Ctrl+N", self._on_new_chat, self.tr("New chat"))
        act("Esc", self.chat_page.stop, self.tr("Stop the reply"))
        act("Ctrl+O", self.open_model_file, self.tr("Open a model file"))
        act("Ctrl+,", lambda _=False: self.show_page("Settings"), self.tr("Settings"))
        act(
            "Ctrl+L",
            lambda _=False: self.chat_page.composer.edit.setFocus(),
            self.tr("Go to the message box"),
        )
        act("Ctrl+F", self.focus_page_search, self.tr("Search on this page"))
        act("F6", self._cycle_focus_region, self.tr("Move between the sidebar and the page"))
        for i, name in enumerate(PAGES, start=1):
            act(
                f"Ctrl+{i}",
                lambda _=False, n=name: self.show_page(n),
                self.tr("Show %s") % page_title(name),
            )

    # -------------------------------------------------------------- navigation
    def show_page(self, name: str) -> None:
        self.page(name)
        self.sidebar.setCurrentRow(PAGES.index(name))
        self.stack.setCurrentIndex(PAGES.index(name))

    def _cycle_focus_region(self) -> None:
        if not self.sidebar.hasFocus():
            self.sidebar.setFocus(Qt.FocusReason.ShortcutFocusReason)
            return
        page = self.stack.currentWidget()
        w = page.nextInFocusChain()
        while w is not None and w is not page:
            if (
                page.isAncestorOf(w)
                and w.isVisible()
                and w.isEnabled()
                and w.focusPolicy() & Qt.FocusPolicy.TabFocus
            ):
                w.setFocus(Qt.FocusReason.ShortcutFocusReason)
                return
            w = w.nextInFocusChain()

    def show_first_run(self) -> None:
        self.sidebar.clearSelection()
        self.stack.setCurrentWidget(self.first_run_page)
        if self.isVisible():
            self.first_run_page.start()

    def focus_page_search(self) -> None:
        """Ctrl+F: the current page's search box (chats, Discover, a collection)."""
        page = self.stack.currentWidget()
        if page is self.chat_page:
            self.chat_page.list.focus_search()
            return
        if page is self.pages.get("Models"):
            page.tabs.setCurrentWidget(page.discover)  # type: ignore[attr-defined]
            page = page.discover  # type: ignore[attr-defined]
        box = getattr(page, "search", None)
        if box is not None:
            box.setFocus(Qt.FocusReason.ShortcutFocusReason)
            box.selectAll()

    def focus_search(self) -> None:
        self.show_page("Chats")
        self.chat_page.list.focus_search()

    def _on_new_chat(self) -> None:
        self.show_page("Chats")
        self.chat_page.new_conversation()

    def _on_sidebar_current_row_changed(self, row: int) -> None:
        if row < 0:
            return
        page = self.page(PAGES[row])
        self.stack.setCurrentIndex(row)
        starter = getattr(page, "start", None)
        if (
            starter is not None
            and page is not self.chat_page
            and PAGES[row] in ("Models", "Documents", "Personas")
        ):
            starter()

    def _on_models_page_load_requested(self, name: str) -> None:
        self.show_page("Chats")
        if self.chat_page.conv is None:
            self.chat_page.new_conversation()
        self.chat_page.model_bar.refresh_catalog([name])
        self.chat_page.model_bar.select(name)
        self.chat_page._on_model_bar_model_chosen(name)

    def _on_personas_page_chat_requested(self, name: str) -> None:
        self.show_page("Chats")
        self.chat_page.new_conversation()
        persona = self.services.personas.find(name)
        if persona is not None and persona.persona.collections:
            self.chat_page.set_collections(list(persona.persona.collections))
        self.chat_page.model_bar.kinds[name] = "persona"
        self.chat_page.model_bar.refresh_catalog([name])
        self.chat_page.model_bar.select(name)
        self.chat_page._on_model_bar_model_chosen(name)

    def _finish_first_run(self) -> None:
        ui = self.services.settings.ui
        if not ui.first_run_done:
            ui.first_run_done = True
            try:
                self.services.save_settings()
            except Exception as exc:
                self.statusBar().showMessage(one_line(exc), 8000)
        self.show_page("Chats")
        self.chat_page.composer.edit.setFocus(Qt.FocusReason.OtherFocusReason)

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
            self, self.tr("Open a model"), str(Path.home()), self.tr("GGUF models (*.gguf)")
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
            self.chat_page.banner.show_message(
                self.tr("Choose a model in the list first."), timeout_ms=6000
            )
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
        for name in ("Models", "Server", "Documents"):
            page = self.pages.get(name)
            if page is not None:
                page.shutdown()  # type: ignore[attr-defined]
        self.models.detach()
        if self.first_run_page.manager is not None:
            self.first_run_page.manager.close(timeout=2.0)
        super().closeEvent(event)
