"""The Documents page: collections, adding files (dialog or drag and drop) with indexing progress,
the documents with pages and chunk counts, and a search box showing hits with document and page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.ui.bridge import ProgressRelay, run_op, watch_future
from app.ui.documents.indexing import IndexingPanel
from app.ui.errors import one_line
from app.ui.models import format as fmt
from app.ui.services import AppServices
from app.ui.widgets import announce, named


class DocumentsPage(QWidget):
    """Emits ``collections_changed()`` after a collection is created, renamed or deleted."""

    collections_changed = Signal()

    def __init__(self, services: AppServices) -> None:
        super().__init__()
        self.services = services
        self.setAcceptDrops(True)
        self.job: Any = None
        self.docs: list[Any] = []
        self.hits: list[Any] = []
        self.relay = ProgressRelay(self)
        self.relay.progressed.connect(self._on_relay_progressed)

        left = QWidget()
        lv = QVBoxLayout(left)
        title = QLabel(self.tr("Documents"))
        title.setObjectName("PageTitle")
        lv.addWidget(title)
        self.list = named(QListWidget(), self.tr("Collections"))
        lv.addWidget(self.list, 1)
        row = QHBoxLayout()
        self.new_button = named(QPushButton(self.tr("&New…")), self.tr("Create a collection"))
        self.rename_button = named(
            QPushButton(self.tr("Re&name…")), self.tr("Rename the selected collection")
        )
        self.delete_button = named(
            QPushButton(self.tr("&Delete…")),
            self.tr("Delete the selected collection and its index"),
        )
        for b in (self.new_button, self.rename_button, self.delete_button):
            row.addWidget(b)
        lv.addLayout(row)

        right = QWidget()
        rv = QVBoxLayout(right)
        self.heading = QLabel(
            self.tr("Create a collection, then add PDFs, text, Markdown or HTML files.")
        )
        self.heading.setObjectName("SectionTitle")
        self.heading.setWordWrap(True)
        rv.addWidget(self.heading)
        add_row = QHBoxLayout()
        self.add_files_button = named(
            QPushButton(self.tr("Add &files…")), self.tr("Add documents to the selected collection")
        )
        self.add_folder_button = named(
            QPushButton(self.tr("Add a f&older…")),
            self.tr("Add every supported document in a folder"),
        )
        hint = QLabel(self.tr("or drop files and folders here"))
        hint.setObjectName("Muted")
        add_row.addWidget(self.add_files_button)
        add_row.addWidget(self.add_folder_button)
        add_row.addWidget(hint, 1)
        rv.addLayout(add_row)
        self.indexing = IndexingPanel()
        rv.addWidget(self.indexing)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(
            [self.tr("Document"), self.tr("Pages"), self.tr("Passages"), self.tr("Size")]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        named(self.table, self.tr("Documents in the collection"))
        rv.addWidget(self.table, 2)
        self.remove_button = named(
            QPushButton(self.tr("&Remove document")),
            self.tr("Remove the selected document from the collection"),
        )
        rv.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignLeft)
        search_row = QHBoxLayout()
        self.search = named(QLineEdit(), self.tr("Search the collection"))
        self.search.setPlaceholderText(self.tr("Search the collection… (Enter)"))
        self.search_button = named(
            QPushButton(self.tr("&Search")), self.tr("Search the selected collection")
        )
        search_row.addWidget(self.search, 1)
        search_row.addWidget(self.search_button)
        rv.addLayout(search_row)
        self.results = named(
            QListWidget(),
            self.tr("Search results"),
            self.tr("Passages with their document and page; Enter opens one"),
        )
        self.results.setWordWrap(True)
        rv.addWidget(self.results, 2)
        self.status = QLabel()
        self.status.setWordWrap(True)
        named(self.status, self.tr("Documents status"))
        rv.addWidget(self.status)

        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([260, 760])
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 8, 16, 8)
        lay.addWidget(split)

        self.list.currentItemChanged.connect(lambda *_: self.show_collection())
        self.new_button.clicked.connect(self._on_new_button_clicked)
        self.rename_button.clicked.connect(self._on_rename_button_clicked)
        self.delete_button.clicked.connect(self._on_delete_button_clicked)
        self.add_files_button.clicked.connect(self._on_add_files_button_clicked)
        self.add_folder_button.clicked.connect(self._on_add_folder_button_clicked)
        self.remove_button.clicked.connect(self._on_remove_button_clicked)
        self.search.returnPressed.connect(self.run_search)
        self.search_button.clicked.connect(self.run_search)
        self.results.itemActivated.connect(self._on_results_item_activated)
        self.indexing.cancel_button.clicked.connect(self.cancel_indexing)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self._started = False
        self._update_buttons()

    def start(self) -> None:
        if not self._started:
            self._started = True
            self.refresh()

    def shutdown(self) -> None:
        if self.job is not None:
            self.job.cancel()

    # ---------------------------------------------------------- collections
    @property
    def current(self) -> str | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def refresh(self, select: str | None = None) -> None:
        select = select or self.current

        def show(infos: list[Any]) -> None:
            self.list.blockSignals(True)
            self.list.clear()
            for c in infos:
                item = QListWidgetItem(
                    self.tr("%s\n%d documents · %d pages") % (c.name, c.documents, c.pages)
                )
                item.setData(Qt.ItemDataRole.UserRole, c.name)
                self.list.addItem(item)
                if c.name == select:
                    self.list.setCurrentItem(item)
            if self.list.currentItem() is None and self.list.count():
                self.list.setCurrentRow(0)
            self.list.blockSignals(False)
            self.show_collection()

        run_op(
            lambda: self.services.rag.collections(), show, self._on_failed, name="hearth-rag-list"
        )

    def show_collection(self) -> None:
        name = self.current
        self._update_buttons()
        if name is None:
            self.heading.setText(
                self.tr("Create a collection, then add PDFs, text, Markdown or HTML files.")
            )
            self.table.setRowCount(0)
            return
        self.heading.setText(name)

        def show(docs: list[Any]) -> None:
            if name != self.current:
                return
            self.docs = docs
            self.table.setRowCount(len(docs))
            for r, d in enumerate(docs):
                for c, text in enumerate(
                    (d.name, str(d.pages), str(d.chunks), fmt.size(d.size_bytes))
                ):
                    item = QTableWidgetItem(text)
                    if c == 0:
                        item.setToolTip(d.path)
                    self.table.setItem(r, c, item)
            self._update_buttons()

        run_op(lambda: self.services.rag.documents(name), show, self._on_failed)

    def _update_buttons(self) -> None:
        has = self.current is not None
        for b in (self.rename_button, self.delete_button, self.add_files_button,
                  self.add_folder_button, self.search_button):  # fmt: skip
            b.setEnabled(has)
        self.remove_button.setEnabled(has and bool(self.table.selectionModel().selectedRows()))

    def create(self, name: str) -> None:
        def done(_info: Any) -> None:
            self.refresh(select=name)
            self.collections_changed.emit()

        run_op(lambda: self.services.rag.create_collection(name), done, self._on_failed)

    def rename(self, old: str, new: str) -> None:
        def done(_info: Any) -> None:
            self.refresh(select=new)
            self.collections_changed.emit()

        run_op(lambda: self.services.rag.rename_collection(old, new), done, self._on_failed)

    def delete(self, name: str) -> None:
        def done(_: Any) -> None:
            self.status.setText(self.tr("Deleted the collection %s.") % name)
            self.refresh()
            self.collections_changed.emit()

        run_op(lambda: self.services.rag.delete_collection(name), done, self._on_failed)

    def _on_new_button_clicked(self) -> None:
        name, ok = QInputDialog.getText(
            self, self.tr("New collection"), self.tr("Name (letters, digits, '.', '_' or '-'):")
        )
        if ok and name.strip():
            self.create(name.strip())

    def _on_rename_button_clicked(self) -> None:
        old = self.current
        if old is None:
            return
        name, ok = QInputDialog.getText(
            self, self.tr("Rename collection"), self.tr("New name:"), text=old
        )
        if ok and name.strip() and name.strip() != old:
            self.rename(old, name.strip())

    def _on_delete_button_clicked(self) -> None:
        name = self.current
        if name is not None and QMessageBox.question(
            self, self.tr("Delete collection"),
            self.tr("Delete %s and its index? Your files stay where they are.") % name,
        ) == QMessageBox.StandardButton.Yes:  # fmt: skip
            self.delete(name)

    # ------------------------------------------------------------- adding
    def _on_add_files_button_clicked(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self, self.tr("Add documents"), str(Path.home()),
            self.tr("Documents (*.pdf *.txt *.md *.markdown *.html *.htm);;All files (*)"),
        )  # fmt: skip
        if files:
            self.add_paths([Path(f) for f in files])

    def _on_add_folder_button_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Add a folder"), str(Path.home()))
        if folder:
            self.add_paths([Path(folder)])

    def add_paths(self, paths: list[Path]) -> None:
        name = self.current
        if name is None:
            self.status.setText(self.tr("Create or choose a collection first."))
            return
        if self.job is not None and not self.job.done:
            self.status.setText(self.tr("Wait for the current indexing to finish."))
            return
        from app.rag.loaders import iter_supported_files

        self.indexing.set_files(list(iter_supported_files(paths)))
        self.job = self.services.rag.add(name, paths, self.relay.emit)
        watch_future(self.job.future, self._on_job_done, self._on_job_failed)

    def cancel_indexing(self) -> None:
        if self.job is not None:
            self.job.cancel()

    def _on_relay_progressed(self, p: Any) -> None:
        self.indexing.show_progress(p)

    def _on_job_done(self, report: Any) -> None:
        self.job = None
        text = self.indexing.finish(report)
        self.status.setText(text)
        announce(self.status, text)
        self.refresh()

    def _on_job_failed(self, exc: BaseException) -> None:
        self.job = None
        self.indexing.label.setText(one_line(exc))
        self._on_failed(exc)

    def dragEnterEvent(self, event: Any) -> None:
        if event.mimeData().hasUrls() and self.current is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: Any) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.add_paths(paths)

    # --------------------------------------------------- documents, search
    def _on_remove_button_clicked(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows and self.current:
            self.remove(self.current, self.docs[rows[0].row()].id)

    def remove(self, collection: str, doc_id: str) -> None:
        def done(doc: Any) -> None:
            self.status.setText(self.tr("Removed %s.") % doc.name)
            self.refresh()

        run_op(lambda: self.services.rag.remove_document(collection, doc_id), done, self._on_failed)

    def run_search(self) -> None:
        query, name = self.search.text().strip(), self.current
        if not query or name is None:
            return
        self.status.setText(self.tr("Searching…"))

        def show(hits: list[Any]) -> None:
            self.hits = hits
            self.results.clear()
            for h in hits:
                snippet = " ".join(h.text.split())[:220]
                item = QListWidgetItem(self.tr("%s, page %d — %s") % (h.document, h.page, snippet))
                item.setToolTip(h.path)
                self.results.addItem(item)
            self.status.setText(
                self.tr("%d passages found.") % len(hits) if hits else self.tr("Nothing found.")
            )

        run_op(lambda: self.services.rag.search(name, query), show, self._on_failed)

    def _on_results_item_activated(self, item: QListWidgetItem) -> None:
        self.open_hit(self.results.row(item))

    def open_hit(self, index: int) -> Any:
        from app.ui.chat.citations import SourceDialog

        h = self.hits[index]
        source = {
            "number": index + 1,
            "document": h.document,
            "path": h.path,
            "page": h.page,
            "text": h.text,
        }
        self.source_dialog = SourceDialog(source, self)
        self.source_dialog.show()
        return self.source_dialog

    def _on_failed(self, exc: BaseException) -> None:
        self.status.setText(one_line(exc))
