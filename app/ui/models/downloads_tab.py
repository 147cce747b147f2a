"""Downloads: the queue with progress bars, rate and ETA; pause, resume, cancel.

The DownloadManager reports progress from its worker threads; a :class:`ProgressRelay`
queues each snapshot onto the GUI thread. Downloads cut short by quitting the app leave
a plan note and their partial files; on the next start they are listed as interrupted
and continue from the bytes on disk.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.ui.bridge import ProgressRelay, run_op
from app.ui.errors import one_line
from app.ui.models import format as fmt
from app.ui.services import AppServices
from app.ui.widgets import announce, named


class DownloadsTab(QWidget):
    """Emits ``model_downloaded(name)`` when a download is verified and in the library."""

    model_downloaded = Signal(str)

    def __init__(self, services: AppServices) -> None:
        super().__init__()
        self.services = services
        self.rows: dict[str, int] = {}
        self.progress: dict[str, Any] = {}
        self.relay = ProgressRelay(self)
        self.relay.progressed.connect(self._on_relay_progressed)
        self._unsubscribe: Any = None
        lay = QVBoxLayout(self)
        self.interrupted_label = QLabel()
        self.interrupted_label.setWordWrap(True)
        self.resume_all_button = named(
            QPushButton(self.tr("Resume &interrupted downloads")),
            self.tr("Continue the downloads that were running when Hearth last closed"),
        )
        row0 = QHBoxLayout()
        row0.addWidget(self.interrupted_label, 1)
        row0.addWidget(self.resume_all_button)
        lay.addLayout(row0)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Model"),
                self.tr("Progress"),
                self.tr("Speed"),
                self.tr("Time left"),
                self.tr("State"),
            ]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        named(self.table, self.tr("Download queue"))
        lay.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.pause_button = named(
            QPushButton(self.tr("&Pause")), self.tr("Pause the selected download")
        )
        self.resume_button = named(
            QPushButton(self.tr("Res&ume")), self.tr("Resume the selected download")
        )
        self.cancel_button = named(
            QPushButton(self.tr("&Cancel download")),
            self.tr("Stop the selected download and delete its partial file"),
        )
        for b in (self.pause_button, self.resume_button, self.cancel_button):
            row.addWidget(b)
        row.addStretch(1)
        lay.addLayout(row)
        self.status = QLabel()
        self.status.setWordWrap(True)
        named(self.status, self.tr("Download status"))
        lay.addWidget(self.status)
        self.pause_button.clicked.connect(lambda: self._act("pause"))
        self.resume_button.clicked.connect(lambda: self._act("resume"))
        self.cancel_button.clicked.connect(lambda: self._act("cancel"))
        self.resume_all_button.clicked.connect(self.resume_interrupted)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self._update_buttons()
        self._set_interrupted(0)

    def attach(self) -> None:
        """Start listening to the download manager and look for interrupted downloads."""
        if self._unsubscribe is not None:
            return
        manager = self.services.downloads
        self._unsubscribe = manager.subscribe(self.relay.emit)
        for p in manager.tasks():
            self._on_relay_progressed(p)
        run_op(manager.interrupted, lambda plans: self._set_interrupted(len(plans)))

    def detach(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def _set_interrupted(self, n: int) -> None:
        self.interrupted_label.setText(
            self.tr(
                "%d downloads were interrupted when Hearth closed; they continue where they stopped."
            )
            % n
        )
        self.interrupted_label.setVisible(n > 0)
        self.resume_all_button.setVisible(n > 0)

    def resume_interrupted(self) -> None:
        self.resume_all_button.setEnabled(False)

        def done(ids: list[str]) -> None:
            self.resume_all_button.setEnabled(True)
            self._set_interrupted(0)
            for task_id in ids:
                self._on_relay_progressed(self.services.downloads.get(task_id))

        run_op(self.services.downloads.resume_interrupted, done, self._on_failed)

    # ------------------------------------------------------------- progress
    def _on_relay_progressed(self, p: Any) -> None:
        previous = self.progress.get(p.id)
        self.progress[p.id] = p
        row = self.rows.get(p.id)
        if row is None:
            row = self.rows[p.id] = self.table.rowCount()
            self.table.insertRow(row)
            bar = QProgressBar()
            bar.setRange(0, 1000)
            named(bar, self.tr("Progress of %s %s") % (p.repo_id, p.label))
            self.table.setCellWidget(row, 1, bar)
        bar = self.table.cellWidget(row, 1)
        frac = p.done_bytes / p.total_bytes if p.total_bytes else 0.0
        bar.setValue(int(frac * 1000))
        bar.setFormat(f"{fmt.size(p.done_bytes)} / {fmt.size(p.total_bytes)}")
        state = p.state.value
        cells = {
            0: f"{p.repo_id} · {p.label}",
            2: fmt.rate(p.rate_bps) if state == "running" else "–",
            3: fmt.duration(p.eta_seconds) if state == "running" else "–",
            4: self._state_text(p),
        }
        for c, text in cells.items():
            item = QTableWidgetItem(text)
            if c == 4 and p.error:
                item.setToolTip(p.error)
            self.table.setItem(row, c, item)
        self._update_buttons()
        if state == "done" and (previous is None or previous.state.value != "done"):
            name = p.entry.name if p.entry is not None else p.label
            self.status.setText(self.tr("%s is downloaded and ready to use.") % name)
            announce(self.status, self.status.text())
            self.model_downloaded.emit(name)
        elif state == "failed" and p.error:
            self.status.setText(p.error)

    def _state_text(self, p: Any) -> str:
        return {
            "queued": self.tr("Waiting"),
            "running": self.tr("Verifying") if p.phase == "verifying" else self.tr("Downloading"),
            "paused": self.tr("Paused"),
            "done": self.tr("Done"),
            "failed": self.tr("Failed"),
            "cancelled": self.tr("Cancelled"),
        }.get(p.state.value, p.state.value)

    # --------------------------------------------------------------- actions
    def selected_id(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return next((tid for tid, r in self.rows.items() if r == rows[0].row()), None)

    def _update_buttons(self) -> None:
        tid = self.selected_id()
        state = self.progress[tid].state.value if tid in self.progress else None
        self.pause_button.setEnabled(state in ("queued", "running"))
        self.resume_button.setEnabled(state in ("paused", "failed"))
        self.cancel_button.setEnabled(state in ("queued", "running", "paused", "failed"))

    def select_task(self, task_id: str) -> None:
        if task_id in self.rows:
            self.table.selectRow(self.rows[task_id])

    def _act(self, action: str) -> None:
        tid = self.selected_id()
        if tid is None:
            return
        manager = self.services.downloads
        fn = {"pause": manager.pause, "resume": manager.resume, "cancel": manager.cancel}[action]
        run_op(lambda: fn(tid), None, self._on_failed)

    def _on_failed(self, exc: BaseException) -> None:
        self.resume_all_button.setEnabled(True)
        self.status.setText(one_line(exc))
