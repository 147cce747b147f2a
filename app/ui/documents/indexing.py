"""Indexing progress for the Documents page: overall bar with ETA, and one row per file with its
own progress (passages stored of the file's passages). Rows are keyed by full path, so two
files with the same name in different folders get a row each (the name shows, the path is the
tooltip)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.ui.models import format as fmt
from app.ui.widgets import named

#: the progress column's items keep the file's fraction (0..1) under this role
FRACTION_ROLE = Qt.ItemDataRole.UserRole + 1


class _BarDelegate(QStyledItemDelegate):
    """Paints a cell holding a fraction as a progress bar; its text ("45%") stays the item's
    display text, which is what a screen reader reads."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        value = index.data(FRACTION_ROLE)
        if value is None:
            super().paint(painter, option, index)
            return
        widget = option.widget
        style = widget.style() if widget is not None else QApplication.style()
        panel = QStyleOptionViewItem(option)
        self.initStyleOption(panel, index)
        panel.text = ""
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, panel, painter, widget)
        bar = QStyleOptionProgressBar()
        bar.rect = option.rect.adjusted(3, 3, -3, -3)
        bar.minimum, bar.maximum = 0, 1000
        bar.progress = int(float(value) * 1000)
        bar.text = str(index.data() or "")
        bar.textVisible = True
        bar.textAlignment = Qt.AlignmentFlag.AlignCenter
        bar.state = option.state | QStyle.StateFlag.State_Horizontal
        style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter, widget)


class IndexingPanel(QWidget):
    """Shows one ingestion job. ``set_files`` first, then ``show_progress`` with each
    IngestProgress, then ``finish`` with the report."""

    def __init__(self) -> None:
        super().__init__()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel()
        self.label.setWordWrap(True)
        named(self.label, self.tr("Indexing status"))
        self.bar = named(QProgressBar(), self.tr("Indexing progress, all files"))
        self.bar.setRange(0, 1000)
        self.files = named(
            QTableWidget(0, 3),
            self.tr("Files being indexed"),
            self.tr("Each file with its progress and state"),
        )
        self.files.setHorizontalHeaderLabels(
            [self.tr("File"), self.tr("Progress"), self.tr("State")]
        )
        self.files.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.files.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.files.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.files.verticalHeader().hide()
        header = self.files.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(1, 140)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.files.setItemDelegateForColumn(1, _BarDelegate(self.files))
        self.files.setMaximumHeight(150)
        self.cancel_button = named(
            QPushButton(self.tr("Stop indexing")),
            self.tr("Stop; finished files stay, the rest can be added again"),
        )
        lay.addWidget(self.label)
        lay.addWidget(self.bar)
        lay.addWidget(self.files)
        lay.addWidget(self.cancel_button)
        self.paths: list[str] = []  # full paths, in the order they are indexed
        self.rows: dict[str, int] = {}
        self.state: dict[str, str] = {}
        self.fraction: dict[str, float] = {}
        self.hide()

    @staticmethod
    def key(path: str | Path) -> str:
        """A file's row key: its full path, as the RAG service reports it."""
        return str(Path(path).expanduser().resolve())

    def set_files(self, paths: list[Path]) -> None:
        self.paths, self.rows, self.state, self.fraction = [], {}, {}, {}
        self.files.setRowCount(0)
        for p in paths:
            self._row(self.key(p))
        self.bar.setValue(0)
        self.label.setText(self.tr("Starting…"))
        self.cancel_button.show()
        self.show()

    def progress_of(self, path: str | Path) -> float:
        """The file's progress, 0 to 1 (passages stored of all its passages)."""
        return self.fraction.get(self.key(path), 0.0)

    def state_of(self, path: str | Path) -> str:
        return self.state.get(self.key(path), "")

    def show_progress(self, p: Any) -> None:
        self.bar.setValue(int(p.fraction * 1000))
        current = getattr(p, "current_path", None)
        if current:
            self._row(current)
            if p.phase == "reading":
                self._set(current, self.tr("reading"))
            elif p.phase == "skipped":
                self._set(current, self.tr("checked"))
        for f in getattr(p, "files", ()):
            self._row(f.path)
            if f.chunks_total and f.chunks_done >= f.chunks_total:
                self._set(f.path, self.tr("indexed"), 1.0)
            else:
                self._set(
                    f.path,
                    self.tr("embedding, %d of %d passages") % (f.chunks_done, f.chunks_total),
                    f.fraction,
                )
        eta = self.tr(", about %s left") % fmt.duration(p.eta_s) if p.eta_s is not None else ""
        self.label.setText(
            self.tr("Indexed %d of %d files, %d passages (%.0f per second)%s")
            % (p.files_done, p.files_total, p.chunks_done, p.rate, eta)
        )

    def finish(self, report: Any) -> str:
        settled = set()
        for path in (*report.added, *report.replaced):
            settled.add(self._set(path, self.tr("indexed"), 1.0))
        for path in report.unchanged:
            settled.add(self._set(path, self.tr("already indexed"), 1.0))
        for f in report.failed:
            settled.add(self._set(f.path, self.tr("failed: %s") % f.reason))
        if report.cancelled:
            for path in self.paths:
                if path not in settled:
                    self._set(path, self.tr("stopped; add it again to finish"))
        self.bar.setValue(1000)
        self.cancel_button.hide()
        text = self.tr("Done: %d added, %d unchanged, %d failed; %d pages, %d passages.") % (
            len(report.added) + len(report.replaced), len(report.unchanged), len(report.failed),
            report.pages, report.chunks,
        )  # fmt: skip
        if report.cancelled:
            text = self.tr("Stopped. ") + text
        self.label.setText(text)
        return text

    # ------------------------------------------------------------ rows
    def _row(self, path: str) -> int:
        row = self.rows.get(path)
        if row is not None:
            return row
        row = self.rows[path] = self.files.rowCount()
        self.paths.append(path)
        self.files.insertRow(row)
        name = QTableWidgetItem(Path(path).name)
        name.setToolTip(path)
        name.setData(Qt.ItemDataRole.AccessibleDescriptionRole, path)
        self.files.setItem(row, 0, name)
        self.files.setItem(row, 1, QTableWidgetItem())
        self.files.setItem(row, 2, QTableWidgetItem())
        self._set(path, self.tr("waiting"), 0.0)
        return row

    def _set(self, path: str, state: str, fraction: float | None = None) -> str:
        """Show ``state`` (and ``fraction``, if given) on the file's row; returns its key."""
        path = path if path in self.rows else self.key(path)
        row = self._row(path)
        self.state[path] = state
        if fraction is not None:
            self.fraction[path] = fraction
        value = self.fraction.get(path, 0.0)
        bar = self.files.item(row, 1)
        bar.setData(FRACTION_ROLE, value)
        bar.setText(f"{value * 100:.0f}%")
        bar.setToolTip(self.tr("%s: %.0f%%") % (Path(path).name, value * 100))
        self.files.item(row, 2).setText(state)
        return path
