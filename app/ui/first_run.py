"""The welcome page: detected hardware, the starter model that fits best, one-click download.

Hardware detection, the network probe and the download all run off the GUI thread.
The download goes through the models package's DownloadManager (resumable, verified,
registered in the library); its progress arrives as data on a worker thread and is
relayed here. The page shows only its own download (the manager is shared with the
Models page), and Cancel works at every step: while the download is still being
planned on the Hub the request is marked cancelled and its task, if one was queued, is
cancelled as soon as its id arrives. Offline, the page explains how to add a GGUF from
disk instead.
"""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.ui.bridge import run_op
from app.ui.errors import one_line
from app.ui.services import AppServices


def hardware_text(hw: Any, backend: str | None) -> str:
    gpus = ", ".join(f"{g.name} ({g.vram_total / 2**30:.0f} GB)" for g in hw.gpus) or "none usable"
    return (
        f"<b>CPU</b> {hw.cpu_model} · {hw.physical_cores} cores<br>"
        f"<b>Memory</b> {hw.ram_total / 2**30:.1f} GB ({hw.ram_available / 2**30:.1f} GB free)<br>"
        f"<b>GPU</b> {gpus}" + (f"<br><b>Compute backend</b> {backend.upper()}" if backend else "")
    )


def _online(endpoint: str, timeout: float = 3.0) -> bool:
    u = urlparse(endpoint)
    try:
        with socket.create_connection(
            (u.hostname or "huggingface.co", u.port or 443), timeout=timeout
        ):
            return True
    except OSError:
        return False


class _ProgressRelay(QObject):
    progressed = Signal(object)  # DownloadProgress


@dataclass
class _Request:
    """One click on Download: cancelled (from the GUI thread) even before it has a task id."""

    cancelled: threading.Event = field(default_factory=threading.Event)
    task_id: str | None = None


def format_progress(p: Any) -> str:
    gb, mb = 2**30, 2**20
    if p.total_bytes >= gb:
        text = f"{p.done_bytes / gb:.2f} of {p.total_bytes / gb:.2f} GB"
    else:
        text = f"{p.done_bytes / mb:.1f} of {p.total_bytes / mb:.1f} MB"
    if p.rate_bps:
        text += f" · {p.rate_bps / 2**20:.1f} MB/s"
    if p.eta_seconds is not None:
        m, s = divmod(int(p.eta_seconds), 60)
        text += f" · {m} min {s:02d} s left" if m else f" · {s} s left"
    return text


class FirstRunPage(QWidget):
    model_ready = Signal(str)  # a library name or path to load, then open a chat with it
    open_file_requested = Signal()
    skipped = Signal()

    def __init__(self, services: AppServices) -> None:
        super().__init__()
        self.services = services
        self.choice: Any = None
        self.task_id: str | None = None
        self.manager: Any = None
        self._request: _Request | None = None  # the download this page started, until it settles
        self._cancelling = False  # a download cancelled while planning has no task id yet
        self.relay = _ProgressRelay()
        self.relay.progressed.connect(self._on_relay_progressed)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(48, 32, 48, 32)
        title = QLabel(self.tr("Welcome to Hearth"))
        title.setObjectName("PageTitle")
        outer.addWidget(title)
        sub = QLabel(
            self.tr(
                "Chat with AI models that run entirely on this computer. Nothing you type leaves it."
            )
        )
        sub.setWordWrap(True)
        outer.addWidget(sub)
        self.hw_card, hw_lay = self._card(self.tr("This computer"))
        self.hw_label = QLabel(self.tr("Looking at your hardware…"))
        self.hw_label.setTextFormat(Qt.TextFormat.RichText)
        hw_lay.addWidget(self.hw_label)
        outer.addWidget(self.hw_card)
        self.rec_card, rec_lay = self._card(self.tr("Recommended first model"))
        self.rec_label = QLabel(self.tr("Choosing a model that fits…"))
        self.rec_label.setWordWrap(True)
        self.rec_label.setTextFormat(Qt.TextFormat.RichText)
        rec_lay.addWidget(self.rec_label)
        row = QHBoxLayout()
        self.download_button = QPushButton(self.tr("Download"))
        self.download_button.setEnabled(False)
        self.download_button.clicked.connect(self.start_download)
        row.addWidget(self.download_button)
        row.addStretch(0)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.hide()
        row.addWidget(self.progress, 1)
        self._spacer = QWidget()
        row.addWidget(self._spacer, 1)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.clicked.connect(self.cancel_download)
        self.cancel_button.hide()
        row.addWidget(self.cancel_button)
        rec_lay.addLayout(row)
        self.progress_label = QLabel("")
        self.progress_label.setObjectName("Muted")
        rec_lay.addWidget(self.progress_label)
        outer.addWidget(self.rec_card)
        self.disk_card, disk_lay = self._card(self.tr("Already have a model?"))
        self.disk_label = QLabel(
            self.tr(
                "Drag a <b>.gguf</b> file onto this window, or choose one from disk. Files you put in <code>%s</code> appear in your library."
            )
            % (services.paths.models_dir,)
        )
        self.disk_label.setWordWrap(True)
        disk_lay.addWidget(self.disk_label)
        drow = QHBoxLayout()
        self.open_button = QPushButton(self.tr("Choose a GGUF file…"))
        self.open_button.clicked.connect(self.open_file_requested)
        drow.addWidget(self.open_button)
        drow.addStretch(1)
        skip = QPushButton(self.tr("Skip for now"))
        skip.clicked.connect(self.skipped)
        drow.addWidget(skip)
        disk_lay.addLayout(drow)
        outer.addWidget(self.disk_card)
        outer.addStretch(1)
        self._started = False

    def _card(self, title: str) -> tuple[QFrame, QVBoxLayout]:
        card = QFrame()
        card.setObjectName("Card")
        lay = QVBoxLayout(card)
        t = QLabel(title)
        t.setObjectName("CardTitle")
        lay.addWidget(t)
        return card, lay

    def start(self) -> None:
        """Detect hardware, pick the starter, probe the network (all in the background)."""
        if self._started:
            return
        self._started = True
        endpoint = self.services.settings.models.hf_endpoint  # None: HF_ENDPOINT or huggingface.co

        def work() -> tuple[Any, Any, bool]:
            from app.core.hardware import detect_hardware
            from app.models.hub import hub_endpoint
            from app.models.recommended import pick_starter

            hw = self.services.hardware or detect_hardware()
            return hw, pick_starter(hw), _online(hub_endpoint(endpoint))

        run_op(work, self._on_probe_succeeded, self._on_probe_failed)

    def _on_probe_succeeded(self, value: tuple[Any, Any, bool]) -> None:
        hw, choice, online = value
        self.services.hardware = self.services.hardware or hw
        self.choice = choice
        self.hw_label.setText(hardware_text(hw, self.services.backend))
        m = choice.model
        self.rec_label.setText(
            self.tr(
                "<b>%s</b> (%s, %s, %s GB) — %s<br><span>%s</span><br><span>From %s · license %s</span>"
            )
            % (
                m.name,
                m.parameters,
                m.quant,
                format(m.size_bytes / 2**30, ".1f"),
                m.why,
                choice.fit.summary,
                m.repo,
                m.license,
            )
        )
        self.download_button.setText(
            self.tr("Download %s (%s GB)") % (m.name, format(m.size_bytes / 2**30, ".1f"))
        )
        self.download_button.setEnabled(online)
        if not online:
            self.set_offline()
        focus = QApplication.focusWidget()
        if self.isVisible() and (focus is None or focus is self.open_button):
            self.focus_primary()  # Download is the page's main control once it is usable

    def focus_primary(self) -> None:
        """Focus Download when it can be used, else "Choose a GGUF file…"."""
        target = self.download_button if self.download_button.isEnabled() else self.open_button
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    def set_backend(self, backend: str) -> None:
        if self.services.hardware is not None and self.choice is not None:
            self.hw_label.setText(hardware_text(self.services.hardware, backend))

    def _on_probe_failed(self, exc: BaseException) -> None:
        self.rec_label.setText(one_line(exc))

    def set_offline(self) -> None:
        self.progress_label.setText(
            self.tr(
                "You appear to be offline, so Hearth cannot download a model now. Copy a .gguf file onto this computer (from a USB stick or another machine), then drag it onto this window or use “Choose a GGUF file…” below."
            )
        )
        self.progress_label.setWordWrap(True)

    # ---------------------------------------------------------------- download
    def _manager(self) -> Any:
        """The application's DownloadManager, so the Models page's queue shows this download too."""
        if self.manager is None:
            self.manager = self.services.downloads
            self.manager.subscribe(self.relay.progressed.emit)
        return self.manager

    @property
    def downloading(self) -> bool:
        """True from the click on Download until the download is done, failed or cancelled."""
        return self._request is not None

    def start_download(self) -> None:
        if self.choice is None or self._request is not None or self._cancelling:
            return
        m = self.choice.model
        req = _Request()
        self._request = req
        self.task_id = None
        self.download_button.setEnabled(False)
        self._spacer.hide()
        self.progress.show()
        self.progress.setValue(0)
        self.cancel_button.setEnabled(True)
        self.cancel_button.show()
        if self.download_button.hasFocus() or QApplication.focusWidget() is None:
            self.cancel_button.setFocus(Qt.FocusReason.OtherFocusReason)
        self.progress_label.setText(self.tr("Starting the download…"))

        def work() -> str | None:
            manager = self._manager()
            plan = manager.plan(m.repo, filename=m.file)  # asks the Hub: may take a while
            if req.cancelled.is_set():
                return None  # cancelled while planning: nothing was queued
            return str(manager.enqueue(plan))

        run_op(
            work,
            lambda task_id: self._on_pull_succeeded(req, task_id),
            lambda exc: self._on_pull_failed(req, exc),
        )

    def _on_pull_succeeded(self, req: _Request, task_id: str | None) -> None:
        req.task_id = task_id
        if req.cancelled.is_set():  # Cancel was pressed while the download was being planned
            if task_id is not None:
                self._cancel_task(task_id)
            self._cancelled_request_ended()
            return
        if req is not self._request:
            return
        self.task_id = task_id
        if task_id is not None:
            # progress that arrived before the id was known was not shown: catch up now
            self._on_relay_progressed(self._manager().get(task_id))

    def _on_pull_failed(self, req: _Request, exc: BaseException) -> None:
        if req.cancelled.is_set():
            self._cancelled_request_ended()
            return
        if req is not self._request:
            return
        self._request = None
        self._reset_download()
        self.progress_label.setText(one_line(exc))

    def _cancelled_request_ended(self) -> None:
        """A cancelled request came back from planning: Download may be pressed again."""
        self._cancelling = False
        if self._request is None:
            self.download_button.setEnabled(self.choice is not None)

    def cancel_download(self) -> None:
        """Stop this page's download; works while it is still being planned, too."""
        req = self._request
        if req is None:
            return
        req.cancelled.set()
        if req.task_id is None:
            # still planning (on the Hub) or checking access: nothing is on disk yet, so the
            # page is idle again now; the task is cancelled as soon as its id arrives, and
            # Download stays disabled until then so the two cannot mix.
            self._request = None
            self.task_id = None
            self._cancelling = True
            self._reset_download()
            self.progress_label.setText(self.tr("Download cancelled."))
            return
        # running or queued: the manager stops it and deletes the partial file; the page goes
        # idle when the "cancelled" state arrives (or "done", if it finished first)
        self.cancel_button.setEnabled(False)
        self.progress_label.setText(self.tr("Cancelling…"))
        self._cancel_task(req.task_id)

    def _cancel_task(self, task_id: str) -> None:
        manager = self._manager()
        run_op(
            lambda: manager.cancel(task_id),
            None,
            lambda exc: self.progress_label.setText(one_line(exc)),
        )

    def _reset_download(self) -> None:
        had_focus = self.cancel_button.hasFocus()
        self._spacer.show()
        self.progress.hide()
        self.cancel_button.hide()
        self.cancel_button.setEnabled(True)
        self.download_button.setEnabled(self.choice is not None and not self._cancelling)
        if had_focus:
            self.focus_primary()

    def _on_relay_progressed(self, p: Any) -> None:
        # only this page's own download: nothing until its id is known (other downloads, e.g.
        # from the Models page, share the manager), and nothing after it settled
        if self._request is None or self.task_id is None or p.id != self.task_id:
            return
        state = getattr(p.state, "value", p.state)
        self.progress.setValue(int(p.fraction * 1000))
        if state == "done":
            self._request = None
            self._reset_download()
            self.progress_label.setText(self.tr("Downloaded. Loading it…"))
            ref = p.entry.name if p.entry is not None else None
            if ref:
                self.model_ready.emit(ref)
        elif state == "cancelled":
            self._request = None
            self._reset_download()
            self.progress_label.setText(self.tr("Download cancelled."))
        elif state == "failed":
            self._request = None
            self._reset_download()
            self.progress_label.setText(p.error or self.tr("The download failed."))
        elif self.cancel_button.isEnabled():  # not while "Cancelling…" is shown
            self.progress_label.setText(f"{self.phase_text(p.phase)} · {format_progress(p)}")

    def phase_text(self, phase: str) -> str:
        """The manager's phase name, in words (and translated)."""
        return {
            "queued": self.tr("Waiting to start"),
            "hashing": self.tr("Checking what is already downloaded"),
            "downloading": self.tr("Downloading"),
            "verifying": self.tr("Verifying"),
            "moving": self.tr("Adding it to your library"),
            "paused": self.tr("Paused"),
        }.get(phase, phase.capitalize())
