"""My models: the library with size, quantization, context and fit; delete, verify, show, import."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.ui.bridge import run_op
from app.ui.errors import one_line
from app.ui.models import format as fmt
from app.ui.services import AppServices
from app.ui.widgets import named


class ImportAppsDialog(QDialog):
    """Pick which other apps' model stores to use in place (nothing is copied)."""

    def __init__(self, offers: list[Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Import models from other apps"))
        lay = QVBoxLayout(self)
        lay.addWidget(
            QLabel(self.tr("Hearth uses these files where they are; nothing is copied or moved."))
        )
        self.boxes: dict[str, QCheckBox] = {}
        for o in offers:
            box = QCheckBox(
                (self.tr("%s: 1 model, %s") % (o.label, fmt.size(o.size_bytes)))
                if o.count == 1
                else self.tr("%s: %d models, %s") % (o.label, o.count, fmt.size(o.size_bytes))
            )
            box.setChecked(True)
            named(box, self.tr("Import from %s") % o.label)
            self.boxes[o.app] = box
            lay.addWidget(box)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def chosen(self) -> list[str]:
        return [app for app, box in self.boxes.items() if box.isChecked()]


class LibraryTab(QWidget):
    """Emits ``load_requested(name)`` to open a chat with a model."""

    load_requested = Signal(str)
    changed = Signal()

    COLUMNS = (
        QT_TRANSLATE_NOOP("LibraryTab", "Name"),
        QT_TRANSLATE_NOOP("LibraryTab", "Size"),
        QT_TRANSLATE_NOOP("LibraryTab", "Quantization"),
        QT_TRANSLATE_NOOP("LibraryTab", "Context"),
        QT_TRANSLATE_NOOP("LibraryTab", "Fit"),
        QT_TRANSLATE_NOOP("LibraryTab", "Source"),
    )

    def __init__(self, services: AppServices) -> None:
        super().__init__()
        self.services = services
        self.entries: list[Any] = []
        self.notice = ""  # what the last action did, shown with the next listing
        self.import_dialog: ImportAppsDialog | None = None  # open while the user picks
        lay = QVBoxLayout(self)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in self.COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        named(self.table, self.tr("Models in your library"))
        lay.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.load_button = named(
            QPushButton(self.tr("&Chat with it")), self.tr("Chat with the selected model")
        )
        self.delete_button = named(
            QPushButton(self.tr("&Delete…")), self.tr("Delete the selected model's files")
        )
        self.verify_button = named(
            QPushButton(self.tr("&Verify")),
            self.tr("Check the selected model's files against their checksums"),
        )
        self.show_button = named(
            QPushButton(self.tr("Show in &folder")),
            self.tr("Open the folder that holds the selected model"),
        )
        self.import_button = named(
            QPushButton(self.tr("&Import from other apps…")),
            self.tr("Use models downloaded by Ollama, LM Studio or GPT4All"),
        )
        self.refresh_button = named(
            QPushButton(self.tr("&Rescan")), self.tr("Look for new or removed model files")
        )
        for b in (self.load_button, self.delete_button, self.verify_button, self.show_button):
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(self.import_button)
        row.addWidget(self.refresh_button)
        lay.addLayout(row)
        self.status = QLabel()
        self.status.setObjectName("Muted")
        self.status.setWordWrap(True)
        named(self.status, self.tr("Library status"))
        lay.addWidget(self.status)
        self.load_button.clicked.connect(self._on_load_button_clicked)
        self.delete_button.clicked.connect(self._on_delete_button_clicked)
        self.verify_button.clicked.connect(self._on_verify_button_clicked)
        self.show_button.clicked.connect(self._on_show_button_clicked)
        self.import_button.clicked.connect(self._on_import_button_clicked)
        self.refresh_button.clicked.connect(self.rescan)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.itemDoubleClicked.connect(lambda _i: self._on_load_button_clicked())
        self._update_buttons()

    # ------------------------------------------------------------------ data
    def rescan(self) -> None:
        self.status.setText(self.tr("Looking for models…"))
        self.refresh_button.setEnabled(False)

        def scan() -> list[Any]:
            self.services.library.scan()
            return self.services.library.entries()

        run_op(scan, self._show_entries, self._on_failed, name="hearth-library-scan")

    def _show_entries(self, entries: list[Any]) -> None:
        self.refresh_button.setEnabled(True)
        self.entries = sorted(entries, key=lambda e: e.name.lower())
        self.table.setRowCount(len(self.entries))
        for r, e in enumerate(self.entries):
            cells = (
                e.name,
                fmt.size(e.size_bytes),
                e.quantization,
                f"{e.context_length:,}" if e.context_length else "–",
                self._fit_text(e),
                e.source,
            )
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(e.path if c == 0 else text)
                self.table.setItem(r, c, item)
        total = sum(e.size_bytes for e in self.entries)
        if not self.entries:
            summary = self.tr(
                "No models yet. Find one under Discover, or drag a .gguf file onto the window."
            )
        elif len(self.entries) == 1:
            summary = self.tr("1 model, %s on disk.") % fmt.size(total)
        else:
            summary = self.tr("%d models, %s on disk.") % (len(self.entries), fmt.size(total))
        notice, self.notice = self.notice, ""
        self.status.setText(f"{notice} {summary}" if notice else summary)
        self._update_buttons()
        self.changed.emit()

    def _fit_text(self, entry: Any) -> str:
        hw = self.services.hardware
        if hw is None:
            return "–"  # the hardware check has not finished; update_fit() fills it in
        from app.models.hub_fit import badge_from_size

        return fmt.fit_label(badge_from_size(entry.size_bytes, hw).verdict.value)

    def update_fit(self) -> None:
        """Redraw the Fit column (the hardware check ended after the list was drawn)."""
        for r, e in enumerate(self.entries):
            text = self._fit_text(e)
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            self.table.setItem(r, self.COLUMNS.index("Fit"), item)

    def selected(self) -> Any | None:
        rows = self.table.selectionModel().selectedRows()
        return self.entries[rows[0].row()] if rows else None

    def select_name(self, name: str) -> None:
        for r, e in enumerate(self.entries):
            if e.name == name:
                self.table.selectRow(r)

    def _update_buttons(self) -> None:
        has = self.selected() is not None
        for b in (self.load_button, self.delete_button, self.verify_button, self.show_button):
            b.setEnabled(has)

    def _on_failed(self, exc: BaseException) -> None:
        self.refresh_button.setEnabled(True)
        self.status.setText(one_line(exc))

    # --------------------------------------------------------------- actions
    def _on_load_button_clicked(self) -> None:
        e = self.selected()
        if e is not None:
            self.load_requested.emit(e.name)

    def _on_delete_button_clicked(self) -> None:
        e = self.selected()
        if e is None:
            return
        foreign = e.source in ("ollama", "lmstudio", "gpt4all")
        text = (
            self.tr("Hide %s from Hearth? It belongs to another app, so its files stay.") % e.name
            if foreign
            else self.tr("Delete %s? This frees %s on disk.") % (e.name, fmt.size(e.size_bytes))
        )
        if (
            QMessageBox.question(self, self.tr("Delete model"), text)
            != QMessageBox.StandardButton.Yes
        ):
            return
        self.delete(e.name)

    def delete(self, name: str) -> None:
        def done(freed: int) -> None:
            self.notice = self.tr("Deleted %s; %s freed.") % (name, fmt.size(freed))
            self.rescan()
            self.status.setText(self.notice)

        run_op(lambda: self.services.library.remove(name), done, self._on_failed)

    def _on_verify_button_clicked(self) -> None:
        e = self.selected()
        if e is not None:
            self.verify(e.name)

    def verify(self, name: str) -> None:
        self.status.setText(self.tr("Checking %s…") % name)
        self.verify_button.setEnabled(False)

        def done(result: Any) -> None:
            self._update_buttons()
            verdict = {
                "ok": self.tr("%s is intact."),
                "recorded": self.tr("%s checked; its checksum is now recorded for next time."),
                "mismatch": self.tr(
                    "%s is damaged: its checksum does not match. Download it again."
                ),
                "damaged": self.tr("%s is damaged or incomplete."),
            }.get(result.status)
            if verdict is None:  # a status without its own sentence: say what the check found
                self.status.setText(self.tr("%s: %s") % (name, result.detail))
            else:
                self.status.setText(verdict % name)

        run_op(lambda: self.services.library.verify(name), done, self._on_failed)

    def _on_show_button_clicked(self) -> None:
        e = self.selected()
        if e is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(e.path).parent)))

    def _on_import_button_clicked(self) -> None:
        from app.models.importers import find_other_apps

        def offer(offers: list[Any]) -> None:
            if not offers:
                self.status.setText(
                    self.tr("No models from Ollama, LM Studio or GPT4All were found.")
                )
                return
            dlg = self.import_dialog = ImportAppsDialog(offers, self)
            dlg.accepted.connect(lambda: self._import(dlg.chosen()))
            dlg.finished.connect(lambda _r: self._on_import_dialog_finished(dlg))
            dlg.open()

        run_op(find_other_apps, offer, self._on_failed)

    def _on_import_dialog_finished(self, dlg: ImportAppsDialog) -> None:
        if self.import_dialog is dlg:
            self.import_dialog = None
        dlg.deleteLater()

    def _import(self, apps: list[str]) -> None:
        if not apps:
            return
        self.status.setText(self.tr("Adding the models…"))

        def done(_report: Any) -> None:
            self.rescan()

        run_op(lambda: self.services.library.import_apps(apps), done, self._on_failed)
