"""Indexing progress for the Documents page: overall bar with ETA, and one line per file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QLabel, QListWidget, QProgressBar, QPushButton, QVBoxLayout, QWidget

from app.ui.models import format as fmt
from app.ui.widgets import named


class IndexingPanel(QWidget):
    """Shows one ingestion job. ``set_files`` first, then ``update`` with each IngestProgress."""

    def __init__(self) -> None:
        super().__init__()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel()
        self.label.setWordWrap(True)
        named(self.label, self.tr("Indexing status"))
        self.bar = named(QProgressBar(), self.tr("Indexing progress, all files"))
        self.bar.setRange(0, 1000)
        self.files = named(QListWidget(), self.tr("Files being indexed"))
        self.files.setMaximumHeight(110)
        self.cancel_button = named(
            QPushButton(self.tr("Stop indexing")),
            self.tr("Stop; finished files stay, the rest can be added again"),
        )
        lay.addWidget(self.label)
        lay.addWidget(self.bar)
        lay.addWidget(self.files)
        lay.addWidget(self.cancel_button)
        self.names: list[str] = []
        self.state: dict[str, str] = {}
        self._current: str | None = None
        self.hide()

    def set_files(self, paths: list[Path]) -> None:
        self.names = [p.name for p in paths]
        self.state = {n: self.tr("waiting") for n in self.names}
        self._current = None
        self.bar.setValue(0)
        self.label.setText(self.tr("Starting…"))
        self._paint()
        self.cancel_button.show()
        self.show()

    def show_progress(self, p: Any) -> None:
        self.bar.setValue(int(p.fraction * 1000))
        if p.current and p.current != self._current:
            if self._current in self.state and self.state[self._current] != self.tr("failed"):
                self.state[self._current] = self.tr("indexed")
            self._current = p.current
        if p.current in self.state:
            self.state[p.current] = {
                "reading": self.tr("reading"),
                "embedding": self.tr("embedding"),
                "committing": self.tr("indexed"),
            }.get(p.phase, p.phase)
        eta = self.tr(", about %s left") % fmt.duration(p.eta_s) if p.eta_s is not None else ""
        self.label.setText(
            self.tr("Indexed %d of %d files, %d passages (%.0f per second)%s")
            % (p.files_done, p.files_total, p.chunks_done, p.rate, eta)
        )
        self._paint()

    def finish(self, report: Any) -> str:
        for path in (*report.added, *report.replaced):
            self.state[Path(path).name] = self.tr("indexed")
        for path in report.unchanged:
            self.state[Path(path).name] = self.tr("already indexed")
        for f in report.failed:
            self.state[Path(f.path).name] = self.tr("failed: %s") % f.reason
        self.bar.setValue(1000)
        self.cancel_button.hide()
        text = self.tr("Done: %d added, %d unchanged, %d failed; %d pages, %d passages.") % (
            len(report.added) + len(report.replaced), len(report.unchanged), len(report.failed),
            report.pages, report.chunks,
        )  # fmt: skip
        if report.cancelled:
            text = self.tr("Stopped. ") + text
        self.label.setText(text)
        self._paint()
        return text

    def _paint(self) -> None:
        self.files.clear()
        for n in self.names:
            self.files.addItem(f"{n} — {self.state.get(n, '')}")
