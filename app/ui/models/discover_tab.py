"""Discover: search the Hub, open a repo (quant table with fit badges, license, gate, card), download."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
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


class TokenDialog(QDialog):
    """Ask for a Hugging Face access token for a gated repo, saying why and where to get one."""

    def __init__(self, repo_id: str, page_url: str, denied: bool, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Access token needed"))
        lay = QVBoxLayout(self)
        why = (
            self.tr(
                "Your access token has not been granted access to %s. Accept the model's "
                'conditions on <a href="%s">its Hugging Face page</a>, then try again, '
                "or paste another token."
            )
            if denied
            else self.tr(
                "%s is gated: its authors ask you to accept their conditions on "
                '<a href="%s">its Hugging Face page</a> first. Then create an access token '
                "(Hugging Face, Settings, Access Tokens) and paste it here."
            )
        ) % (repo_id, page_url)
        self.explanation = QLabel(why)
        self.explanation.setWordWrap(True)
        self.explanation.setOpenExternalLinks(True)
        named(self.explanation, self.tr("Why a token is needed"))
        lay.addWidget(self.explanation)
        self.token = named(QLineEdit(), self.tr("Hugging Face access token"))
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setPlaceholderText("hf_…")
        lay.addWidget(self.token)
        note = QLabel(self.tr("Hearth keeps the token in your system keychain."))
        note.setObjectName("Muted")
        lay.addWidget(note)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(self.tr("Save and download"))
        ok.setEnabled(False)
        self.token.textChanged.connect(lambda t: ok.setEnabled(bool(t.strip())))
        lay.addWidget(self.buttons)

    def value(self) -> str:
        return self.token.text().strip()


class DiscoverTab(QWidget):
    """Emits ``download_started(task_id)`` once a download is queued."""

    download_started = Signal(str)

    def __init__(self, services: AppServices) -> None:
        super().__init__()
        self.services = services
        self.results: list[Any] = []
        self.detail: Any = None
        self.recommended: str | None = None
        self.token_dialog: TokenDialog | None = None  # open while a gated repo asks for a token
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
                if hw is None:  # the hardware check may have ended while this was read
                    self.update_fit()

        run_op(fetch, show, lambda e: self.meta.setText(one_line(e)))

    def update_fit(self) -> None:
        """The hardware check ended: read the shown repo again, now with fit verdicts."""
        hw = self.services.hardware
        if hw is None or self.detail is None or all(o.fit for o in self.detail.options):
            return
        repo_id, quant = self.detail.repo_id, self._selected_quant()

        def show(detail: Any) -> None:
            if self.title.text() == repo_id:
                self.show_detail(detail, select=quant)

        run_op(lambda: self.services.hub.repo(repo_id, hw=hw), show, self._on_failed, owner=self)

    def show_detail(self, detail: Any, select: str | None = None) -> None:
        from app.models.download_plan import best_fitting

        self.detail = detail
        options = list(detail.options)
        self.recommended = best_fitting(options).quant if options else None
        gate = (
            self.tr(
                "Gated: accept its conditions on its Hugging Face page; downloading asks for "
                "your access token."
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
            if o.quant == (select or self.recommended):
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

        run_op(
            lambda: self.services.downloads.pull(repo, quant=quant),
            queued,
            lambda exc: self._on_download_failed(exc, repo, quant),
            owner=self,
        )

    def _on_download_failed(self, exc: BaseException, repo: str, quant: str) -> None:
        from app.core.errors import HubAccessDeniedError, HubAuthRequiredError

        if not isinstance(exc, HubAuthRequiredError | HubAccessDeniedError):
            self._on_failed(exc)
            return
        denied = isinstance(exc, HubAccessDeniedError)
        self.status.setText(
            self.tr("%s: your token has no access to it yet.") % repo
            if denied
            else self.tr("%s is gated: it needs your Hugging Face access token.") % repo
        )
        page_url = f"{self.services.hub.endpoint}/{repo}"
        dlg = self.token_dialog = TokenDialog(repo, page_url, denied, self)
        dlg.accepted.connect(lambda: self._save_token_and_download(dlg.value(), repo, quant))
        dlg.finished.connect(lambda _r: self._on_token_dialog_finished(dlg))
        dlg.open()

    def _on_token_dialog_finished(self, dlg: TokenDialog) -> None:
        if self.token_dialog is dlg:
            self.token_dialog = None
        dlg.deleteLater()

    def _save_token_and_download(self, token: str, repo: str, quant: str) -> None:
        from app.core.errors import KeychainUnavailableError
        from app.core.keychain import HF_TOKEN, set_secret

        def save() -> bool:
            self.services.hub.token = token  # this session uses it even without a keychain
            try:
                set_secret(HF_TOKEN, token)
            except KeychainUnavailableError:
                return False
            return True

        def saved(kept: bool) -> None:
            if not self._select_quant(repo, quant):
                return
            self.download_selected()
            if not kept:
                self.status.setText(
                    self.status.text()
                    + " "
                    + self.tr("There is no keychain, so the token is kept until Hearth closes.")
                )

        run_op(save, saved, self._on_failed, owner=self)

    def _select_quant(self, repo: str, quant: str) -> bool:
        if self.detail is None or self.detail.repo_id != repo:
            return False
        for r in range(self.table.rowCount()):
            if self.table.item(r, 0).data(Qt.ItemDataRole.UserRole) == quant:
                self.table.selectRow(r)
                return True
        return False


def _strip_front_matter(card: str) -> str:
    if card.startswith("---"):
        end = card.find("\n---", 3)
        if end != -1:
            return card[end + 4 :].lstrip()
    return card
