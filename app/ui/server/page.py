"""The Server page: start/stop, host and port, LAN switch, API key, CORS, request log, snippets."""

from __future__ import annotations

import os
import time
from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.ui.errors import one_line
from app.ui.server.controller import ServerController, ServerOptions
from app.ui.server.snippets import SNIPPETS
from app.ui.services import AppServices
from app.ui.widgets import announce, named


class ServerPage(QWidget):
    """Emits ``state_changed(text)`` for the status bar ("off", "on at http://…", "starting…")."""

    state_changed = Signal(str)

    def __init__(self, services: AppServices, model_name: Any = None) -> None:
        super().__init__()
        self.services = services
        self.model_name = model_name or (lambda: None)  # the loaded model's name, for snippets
        self.controller = ServerController(services, self)
        s = services.settings.server
        inner = QWidget()
        lay = QVBoxLayout(inner)
        lay.setContentsMargins(24, 16, 24, 16)
        title = QLabel(self.tr("Server"))
        title.setObjectName("PageTitle")
        lay.addWidget(title)
        intro = QLabel(
            self.tr(
                "Let other apps on this computer use your models through the OpenAI- and Ollama-compatible API."
            )
        )
        intro.setWordWrap(True)
        intro.setObjectName("Muted")
        lay.addWidget(intro)

        top = QHBoxLayout()
        self.start_button = named(
            QPushButton(self.tr("&Start server")), self.tr("Start or stop the API server")
        )
        self.start_button.setCheckable(True)
        self.state_label = QLabel(self.tr("The server is off."))
        named(self.state_label, self.tr("Server state"))
        top.addWidget(self.start_button)
        top.addWidget(self.state_label, 1)
        lay.addLayout(top)

        form = QFormLayout()
        self.host = named(
            QLineEdit(s.host if s.host not in ("0.0.0.0", "::") else "127.0.0.1"),
            self.tr("Host address"),
            self.tr("127.0.0.1 keeps the server on this computer"),
        )
        self.port = named(
            QSpinBox(),
            self.tr("Port"),
            self.tr("TCP port the server listens on (0: any free port)"),
        )
        self.port.setRange(0, 65535)
        self.port.setSpecialValueText(self.tr("any free port"))
        self.port.setValue(s.port)
        self.lan = named(
            QCheckBox(self.tr("Allow other computers on my &network")),
            self.tr("Serve on all network interfaces"),
        )
        self.lan.setChecked(s.host in ("0.0.0.0", "::"))
        self.lan_warning = QLabel(
            self.tr(
                "Anyone on your network who has the API key can use your models and read what they answer. "
                "Only turn this on at home or at work, never on public Wi-Fi."
            )
        )
        self.lan_warning.setObjectName("Warning")
        self.lan_warning.setWordWrap(True)
        self.require_key = named(
            QCheckBox(self.tr("Require the API &key")),
            self.tr("Clients must send the API key (always on for the network)"),
        )
        self.require_key.setChecked(s.require_api_key)
        self.cors = named(
            QLineEdit(", ".join(s.cors_origins)),
            self.tr("Allowed web origins (CORS)"),
            self.tr(
                "Web pages allowed to call the server, separated by commas, e.g. http://localhost:3000"
            ),
        )
        self.cors.setPlaceholderText("http://localhost:3000")
        form.addRow(self.tr("&Host:"), self.host)
        form.addRow(self.tr("&Port:"), self.port)
        form.addRow("", self.lan)
        form.addRow("", self.lan_warning)
        form.addRow("", self.require_key)
        form.addRow(self.tr("&CORS origins:"), self.cors)
        key_row = QHBoxLayout()
        self.key = named(QLineEdit(), self.tr("API key"))
        self.key.setReadOnly(True)
        self.key.setEchoMode(QLineEdit.EchoMode.Password)
        self.show_key = named(QPushButton(self.tr("Sho&w")), self.tr("Show or hide the API key"))
        self.show_key.setCheckable(True)
        self.copy_key = named(QPushButton(self.tr("Cop&y")), self.tr("Copy the API key"))
        self.new_key = named(
            QPushButton(self.tr("&Regenerate…")),
            self.tr("Make a new API key; the old one stops working"),
        )
        for w in (self.key, self.show_key, self.copy_key, self.new_key):
            key_row.addWidget(w, 1 if w is self.key else 0)
        form.addRow(self.tr("API key:"), key_row)
        lay.addLayout(form)

        self.tabs = named(QTabWidget(), self.tr("Snippets and request log"))
        self.snippets: dict[str, QPlainTextEdit] = {}
        for key, label in (
            ("curl", "curl"),
            ("openai", "openai (Python)"),
            ("ollama", "ollama (Python)"),
        ):
            w = QWidget()
            v = QVBoxLayout(w)
            text = named(QPlainTextEdit(), self.tr("%s snippet") % label)
            text.setReadOnly(True)
            text.setObjectName("Code")
            copy = named(
                QPushButton(self.tr("Copy")), self.tr("Copy the %s snippet, with the key") % label
            )
            copy.clicked.connect(lambda _=False, k=key: self.copy_snippet(k))
            v.addWidget(text)
            v.addWidget(copy)
            self.snippets[key] = text
            self.tabs.addTab(w, label)
        self.log = named(
            QPlainTextEdit(),
            self.tr("Request log"),
            self.tr("The latest requests: time, route, status, model, tokens, latency"),
        )
        self.log.setReadOnly(True)
        self.log.setMaximumBlockCount(500)
        self.tabs.addTab(self.log, self.tr("Request log"))
        lay.addWidget(self.tabs, 1)
        self.message = QLabel()
        self.message.setWordWrap(True)
        named(self.message, self.tr("Server messages"))
        lay.addWidget(self.message)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        named(scroll, self.tr("Server page")).setFocusPolicy(Qt.FocusPolicy.NoFocus)
        scroll.setWidget(inner)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

        self._log_seen = 0.0
        self._restart_port: int | None = None  # set while a new key restarts the server
        self._timer = QTimer(self)
        self._timer.setInterval(500)
        self._timer.timeout.connect(self._on_timer_timeout)
        self.start_button.toggled.connect(self._on_start_button_toggled)
        self.lan.toggled.connect(self._on_lan_toggled)
        self.show_key.toggled.connect(self._on_show_key_toggled)
        self.copy_key.clicked.connect(
            lambda: QGuiApplication.clipboard().setText(self.api_key() or "")
        )
        self.new_key.clicked.connect(self._on_new_key_clicked)
        self.controller.started.connect(self._on_controller_started)
        self.controller.stopped.connect(self._on_controller_stopped)
        self.controller.failed.connect(self._on_controller_failed)
        for sig in (self.host.textChanged, self.port.valueChanged, self.require_key.toggled):
            sig.connect(lambda *_: self.refresh_snippets())
        self._on_lan_toggled(self.lan.isChecked())
        self.load_key()

    # ------------------------------------------------------------------ key
    def api_key(self) -> str | None:
        from app.server.keys import current_key

        return current_key()

    def load_key(self) -> None:
        from app.core.errors import HearthError
        from app.server.keys import ENV_VAR, ensure_key

        try:
            self.key.setText(ensure_key())
        except HearthError as exc:
            self.key.setText("")
            self.key.setPlaceholderText(one_line(exc))
        # a key set in the environment wins over the keychain's: a new keychain key would
        # not be the one the server asks for
        from_env = bool(os.environ.get(ENV_VAR))
        self.new_key.setEnabled(not from_env)
        self.new_key.setToolTip(
            self.tr("The key comes from %s; change it there.") % ENV_VAR if from_env else ""
        )
        self.refresh_snippets()

    def _on_show_key_toggled(self, on: bool) -> None:
        self.key.setEchoMode(QLineEdit.EchoMode.Normal if on else QLineEdit.EchoMode.Password)
        self.show_key.setText(self.tr("Hide") if on else self.tr("Sho&w"))
        self.refresh_snippets()

    def _on_new_key_clicked(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        if QMessageBox.question(
            self, self.tr("New API key"),
            self.tr("Make a new API key? Apps using the old one must be given the new one."),
        ) == QMessageBox.StandardButton.Yes:  # fmt: skip
            self.regenerate_key()

    def regenerate_key(self) -> None:
        from app.core.errors import HearthError
        from app.server.keys import rotate_key

        try:
            self.key.setText(rotate_key())
        except HearthError as exc:
            self.message.setText(one_line(exc))
            return
        restart = self.controller.running
        self.message.setText(
            self.tr("A new key is in use; the server restarts to use it.") if restart
            else self.tr("A new key was made and kept in your keychain.")
        )  # fmt: skip
        self.refresh_snippets()
        if restart:
            self._restart_port = self.controller.thread.port  # clients keep the same URL
            self.controller.stop()

    # -------------------------------------------------------------- options
    def options(self) -> ServerOptions:
        lan = self.lan.isChecked()
        cors = tuple(o.strip() for o in self.cors.text().replace(" ", ",").split(",") if o.strip())
        host = self.host.text().strip() or "127.0.0.1"
        if lan and host in ("127.0.0.1", "localhost", "::1"):
            host = "0.0.0.0"
        return ServerOptions(
            host, self.port.value(), lan, self.require_key.isChecked() or lan, cors
        )

    def _on_lan_toggled(self, on: bool) -> None:
        self.lan_warning.setVisible(on)
        self.require_key.setEnabled(not on)
        if on:
            self.require_key.setChecked(True)
        self.refresh_snippets()

    def _save_options(self, opts: ServerOptions) -> None:
        s = self.services.settings.server
        s.host, s.require_api_key, s.cors_origins = (
            opts.host,
            opts.require_key,
            list(opts.cors_origins),
        )
        if opts.port:
            s.port = opts.port
        try:
            self.services.save_settings()
        except Exception as exc:
            self.message.setText(one_line(exc))

    # ------------------------------------------------------------ start/stop
    def _on_start_button_toggled(self, on: bool) -> None:
        if on and not self.controller.running:
            self.start()
        elif not on and self.controller.running:
            self.stop()

    def start(self, port: int | None = None) -> None:
        """Start with the page's options; ``port`` (a restart's bound port) overrides port 0."""
        opts = self.options()
        self._save_options(opts)
        if port and not opts.port:
            opts = replace(opts, port=port)
        self._set_editable(False)
        self.state_label.setText(self.tr("Starting…"))
        self.state_changed.emit(self.tr("starting…"))
        self.controller.start(opts)

    def stop(self) -> None:
        self.state_label.setText(self.tr("Stopping…"))
        self.controller.stop()

    def _set_editable(self, on: bool) -> None:
        for w in (self.host, self.port, self.lan, self.cors):
            w.setEnabled(on)
        self.require_key.setEnabled(on and not self.lan.isChecked())

    def _on_controller_started(self, url: str) -> None:
        self.start_button.blockSignals(True)
        self.start_button.setChecked(True)
        self.start_button.blockSignals(False)
        self.start_button.setText(self.tr("&Stop server"))
        self.state_label.setText(self.tr("Running at %s (OpenAI base URL: %s/v1)") % (url, url))
        announce(self.state_label, self.state_label.text())
        self.state_changed.emit(self.tr("on · %s") % url)
        self.refresh_snippets()
        self._log_seen = 0.0
        self._timer.start()

    def _on_controller_stopped(self) -> None:
        self._timer.stop()
        self._on_timer_timeout()
        self.start_button.blockSignals(True)
        self.start_button.setChecked(False)
        self.start_button.blockSignals(False)
        self.start_button.setText(self.tr("&Start server"))
        self._set_editable(True)
        self.state_label.setText(self.tr("The server is off."))
        self.state_changed.emit(self.tr("off"))
        port, self._restart_port = self._restart_port, None
        if port is not None:
            self.start_button.blockSignals(True)
            self.start_button.setChecked(True)
            self.start_button.blockSignals(False)
            self.start(port)

    def _on_controller_failed(self, exc: BaseException) -> None:
        self._on_controller_stopped()
        self.message.setText(one_line(exc))
        self.state_label.setText(self.tr("The server could not start."))

    # ------------------------------------------------------ snippets and log
    def url(self) -> str:
        if self.controller.url:
            return self.controller.url.replace("0.0.0.0", "127.0.0.1")
        host = self.options().host
        host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
        return f"http://{host}:{self.port.value() or 11435}"

    def snippet(self, kind: str, *, reveal: bool = True) -> str:
        key = self.api_key() if self.options().require_key else None
        if key and not reveal:
            key = key[:10] + "…"
        return SNIPPETS[kind](self.url(), key, self.model_name() or "default")

    def refresh_snippets(self) -> None:
        reveal = self.show_key.isChecked()
        for kind, text in self.snippets.items():
            text.setPlainText(self.snippet(kind, reveal=reveal))

    def copy_snippet(self, kind: str) -> None:
        QGuiApplication.clipboard().setText(self.snippet(kind))
        self.message.setText(self.tr("Copied; it includes your API key."))

    def _on_timer_timeout(self) -> None:
        log = self.controller.request_log
        if log is None:
            return
        for r in log.recent(100):
            if r.time <= self._log_seen:
                continue
            self._log_seen = r.time
            tokens = (
                f" · {r.prompt_tokens}+{r.completion_tokens} tokens"
                if r.completion_tokens is not None
                else ""
            )
            self.log.appendPlainText(
                f"{time.strftime('%H:%M:%S', time.localtime(r.time))}  {r.method} {r.route}  {r.status}"
                f"  {r.model or '-'}{tokens}  {r.latency_ms:.0f} ms  {r.client}"
            )

    def shutdown(self) -> None:
        self._timer.stop()
