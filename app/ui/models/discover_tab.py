"""Discover: search the Hub, open a repo (quant table with fit badges, license, gate, card), download."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.ui.bridge import run_op
from app.ui.errors import one_line
from app.ui.models import format as fmt
from app.ui.services import AppServices
from app.ui.widgets import named

SORTS = (
    ("downloads", QT_TRANSLATE_NOOP("DiscoverTab", "Most downloaded")),
    ("likes", QT_TRANSLATE_NOOP("DiscoverTab", "Most liked")),
    ("trending", QT_TRANSLATE_NOOP("DiscoverTab", "Trending")),
    ("recent", QT_TRANSLATE_NOOP("DiscoverTab", "Newest")),
    ("updated", QT_TRANSLATE_NOOP("DiscoverTab", "Recently updated")),
)


class DiscoverTab(QWidget):
    """Emits ``download_started(task_id)`` once a download is queued."""

    download_started = Signal(str)

    def __init__(self, services: AppServices) -> None:
        super().__init__()
        self.services = services
        self.results: list[Any] = []
        self.detail: Any = None
        self.recommended: str | None = None
        self._seq = 0
        top = QHBoxLayout()
        self.search = named(QLineEdit(), self.tr("Search models on Hugging Face"))
        self.search.setPlaceholderText(self.tr("Search GGUF models, e.g. qwen, llama, phi…"))
        self.sort = named(QComboBox(), self.tr("Sort results by"))
        for key, label in SORTS:
            self.sort.addItem(self.tr(label), key)
        self.search_button = named(QPushButton(self.tr("&Search")), self.tr("Search the Hub"))
        top.addWidget(self.search, 1)
        top.addWidget(self.sort)
        top.addWidget(self.search_button)

        self.list = named(QListWidget(), self.tr("Search results"))
        self.title = QLabel(self.tr("Search for a model, then pick one to see its files."))
        self.title.setObjectName("SectionTitle")
        self.title.setWordWrap(True)
        self.meta = QLabel()
        self.meta.setObjectName("Muted")
        self.meta.setWordWrap(True)
        named(self.meta, self.tr("License and access"))
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(
            [self.tr("Quantization"), self.tr("Size"), self.tr("Fit on this computer"), ""]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        named(
            self.table,
            self.tr("Files you can download"),
            self.tr("One row per quantization; the recommended one is marked"),
        )
        self.download_button = named(
            QPushButton(self.tr("&Download selected")),
            self.tr("Download the selected quantization"),
        )
        self.download_button.setEnabled(False)
        self.card = named(QTextBrowser(), self.tr("Model card"))
        self.card.setOpenExternalLinks(True)
        self.status = QLabel()
        self.status.setWordWrap(True)
        named(self.status, self.tr("Discover status"))

        right = QWidget()
        r = QVBoxLayout(right)
        r.addWidget(self.title)
        r.addWidget(self.meta)
        r.addWidget(self.table, 2)
        r.addWidget(self.download_button, 0, Qt.AlignmentFlag.AlignLeft)
        r.addWidget(self.card, 3)
        split = QSplitter()
        split.addWidget(self.list)
        split.addWidget(right)
        split.setSizes([320, 700])
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(split, 1)
        lay.addWidget(self.status)
        self.setTabOrder(self.search, self.sort)
        self.setTabOrder(self.sort, self.search_button)
        self.setTabOrder(self.search_button, self.list)
        self.setTabOrder(self.list, self.table)
        self.setTabOrder(self.table, self.download_button)
        self.setTabOrder(self.download_button, self.card)

        self.search.returnPressed.connect(self.run_search)
        self.search_button.clicked.connect(self.run_search)
        self.sort.currentIndexChanged.connect(lambda _i: self.run_search())
        self.list.currentItemChanged.connect(self._on_list_current_item_changed)
        self.table.itemSelectionChanged.connect(
            lambda: self.download_button.setEnabled(self._selected_quant() is not None)
        )
        self.table.itemDoubleClicked.connect(lambda _i: self.download_selected())
        self.download_button.clicked.connect(self.download_selected)

    # ---------------------------------------------------------------- search
    def run_search(self) -> None:
        query, sort = self.search.text().strip(), self.sort.currentData()
        self.status.setText(self.tr("Searching…"))
        self._seq += 1
        seq = self._seq

        def show(results: list[Any]) -> None:
            if seq != self._seq:
                return  # an older search answered late
            self.results = results
            self.list.clear()
            for s in results:
                item = QListWidgetItem(
                    self.tr("%s\n%s downloads · %s likes%s")
                    % (
                        s.repo_id,
                        f"{s.downloads:,}",
                        f"{s.likes:,}",
                        self.tr(" · gated") if s.gated else "",
                    )
                )
                item.setData(Qt.ItemDataRole.UserRole, s.repo_id)
                self.list.addItem(item)
            self.status.setText(
                self.tr("%d models found.") % len(results) if results else self.tr("Nothing found.")
            )

        run_op(lambda: self.services.hub.search(query, sort=sort), show, self._on_failed)

    def _on_failed(self, exc: BaseException) -> None:
        self.status.setText(one_line(exc))

    def _on_list_current_item_changed(self, item: QListWidgetItem | None, _prev: Any) -> None:
        if item is not None:
            self.open_repo(item.data(Qt.ItemDataRole.UserRole))

    # ------------------------------------------------------------------ repo
    def open_repo(self, repo_id: str) -> None:
        self.title.setText(repo_id)
        self.meta.setText(self.tr("Reading the file list…"))
        self.table.setRowCount(0)
        self.card.clear()
        hw = self.services.hardware

        def fetch() -> Any:
            return self.services.hub.repo(repo_id, hw=hw, fit=hw is not None)

        def show(detail: Any) -> None:
            if self.title.text() == repo_id:
                self.show_detail(detail)

        run_op(fetch, show, lambda e: self.meta.setText(one_line(e)))

    def show_detail(self, detail: Any) -> None:
        from app.models.download_plan import best_fitting

        self.detail = detail
        options = list(detail.options)
        self.recommended = best_fitting(options).quant if options else None
        gate = (
            self.tr(
                "Gated: you must accept its terms on Hugging Face and add your token in Settings."
            )
            if detail.gated
            else self.tr("Open access.")
        )
        self.meta.setText(
            self.tr("License: %s · %s · %s downloads")
            % (detail.license or self.tr("not stated"), gate, f"{detail.downloads:,}")
        )
        self.table.setRowCount(len(options))
        for r, o in enumerate(options):
            rec = o.quant == self.recommended
            fit = fmt.fit_label(o.fit.verdict.value) if o.fit else "–"
            cells = (
                o.quant + (self.tr(" (%d parts)") % len(o.files) if o.is_split else ""),
                fmt.size(o.size_bytes),
                fit,
                self.tr("★ Recommended") if rec else "",
            )
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, o.quant)
                if c == 2 and o.fit is not None:
                    item.setToolTip(o.fit.summary)
                self.table.setItem(r, c, item)
            if rec:
                self.table.selectRow(r)
        if not options:
            self.meta.setText(
                self.meta.text() + " " + self.tr("This repository has no GGUF files.")
            )
        self.card.setMarkdown(_strip_front_matter(detail.card) or self.tr("No model card."))

    def _selected_quant(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or self.detail is None:
            return None
        return self.table.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole)

    def download_selected(self) -> None:
        quant = self._selected_quant()
        if quant is None or self.detail is None:
            return
        repo = self.detail.repo_id
        self.status.setText(self.tr("Starting the download of %s %s…") % (repo, quant))

        def queued(task_id: str) -> None:
            self.status.setText(self.tr("%s %s is downloading; see Downloads.") % (repo, quant))
            self.download_started.emit(task_id)

        run_op(lambda: self.services.downloads.pull(repo, quant=quant), queued, self._on_failed)


def _strip_front_matter(card: str) -> str:
    if card.startswith("---"):
        end = card.find("\n---", 3)
        if end != -1:
            return card[end + 4 :].lstrip()
    return card
