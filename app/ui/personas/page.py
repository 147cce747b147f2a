"""The Personas page: a gallery of built-in and user personas, the editor, Modelfile import and
export, and "Chat with it"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.ui.bridge import run_op
from app.ui.errors import one_line
from app.ui.personas.editor import PersonaEditor
from app.ui.services import AppServices
from app.ui.widgets import named


class PersonasPage(QWidget):
    """Emits ``chat_requested(name)`` to open a new chat with a persona."""

    chat_requested = Signal(str)

    def __init__(self, services: AppServices) -> None:
        super().__init__()
        self.services = services
        self.stored: list[Any] = []
        self.models: list[str] = []  # the library's model names, for the base-model list
        self.editing: str | None = None  # the saved name being edited (None: a new persona)

        left = QWidget()
        lv = QVBoxLayout(left)
        title = QLabel(self.tr("Personas"))
        title.setObjectName("PageTitle")
        lv.addWidget(title)
        self.gallery = named(
            QListWidget(), self.tr("Personas"), self.tr("Built-in and your own personas")
        )
        self.gallery.setObjectName("PersonaGallery")
        self.gallery.setWordWrap(True)
        self.gallery.setSpacing(3)
        self.gallery.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        lv.addWidget(self.gallery, 1)
        row = QHBoxLayout()
        self.new_button = named(QPushButton(self.tr("&New")), self.tr("Start a new persona"))
        self.duplicate_button = named(
            QPushButton(self.tr("D&uplicate")), self.tr("Copy the selected persona")
        )
        self.delete_button = named(
            QPushButton(self.tr("&Delete…")),
            self.tr("Delete the selected persona (built-ins cannot be deleted)"),
        )
        for b in (self.new_button, self.duplicate_button, self.delete_button):
            row.addWidget(b)
        lv.addLayout(row)
        row2 = QHBoxLayout()
        self.import_button = named(
            QPushButton(self.tr("&Import Modelfile…")),
            self.tr("Create a persona from an Ollama Modelfile"),
        )
        self.export_button = named(
            QPushButton(self.tr("E&xport Modelfile…")),
            self.tr("Save the selected persona as an Ollama Modelfile"),
        )
        row2.addWidget(self.import_button)
        row2.addWidget(self.export_button)
        lv.addLayout(row2)

        right = QWidget()
        rv = QVBoxLayout(right)
        self.heading = QLabel(self.tr("New persona"))
        self.heading.setObjectName("SectionTitle")
        rv.addWidget(self.heading)
        self.builtin_note = QLabel(
            self.tr("Built into Hearth: saving makes your own copy that replaces it.")
        )
        self.builtin_note.setObjectName("Muted")
        self.builtin_note.hide()
        rv.addWidget(self.builtin_note)
        self.editor = PersonaEditor()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.editor)
        # Tab goes straight to the editor's fields (the area scrolls to the one with focus)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        named(scroll, self.tr("Persona editor"))
        rv.addWidget(scroll, 1)
        actions = QHBoxLayout()
        self.save_button = named(QPushButton(self.tr("&Save")), self.tr("Save the persona"))
        self.chat_button = named(
            QPushButton(self.tr("&Chat with it")), self.tr("Open a new chat with this persona")
        )
        actions.addWidget(self.save_button)
        actions.addWidget(self.chat_button)
        actions.addStretch(1)
        rv.addLayout(actions)
        self.status = QLabel()
        self.status.setWordWrap(True)
        named(self.status, self.tr("Personas status"))
        rv.addWidget(self.status)

        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([420, 620])
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 8, 16, 8)
        lay.addWidget(split)

        self.gallery.currentItemChanged.connect(lambda *_: self._on_gallery_current_changed())
        self.new_button.clicked.connect(self.new_persona)
        self.duplicate_button.clicked.connect(self._on_duplicate_button_clicked)
        self.delete_button.clicked.connect(self._on_delete_button_clicked)
        self.import_button.clicked.connect(self._on_import_button_clicked)
        self.export_button.clicked.connect(self._on_export_button_clicked)
        self.save_button.clicked.connect(self.save)
        self.chat_button.clicked.connect(self._on_chat_button_clicked)
        self.editor.validity_changed.connect(lambda ok, _m: self.save_button.setEnabled(ok))
        self._started = False
        self._new = False  # the editor holds a new, unsaved persona
        self.editor.load(None)

    def start(self) -> None:
        if not self._started:
            self._started = True
            self.refresh()
            run_op(
                lambda: [e.name for e in self.services.library.entries()],
                self._on_models_listed,
                lambda _e: None,
            )
            self.refresh_collections()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self._started:  # collections may have been created or deleted meanwhile
            self.refresh_collections()

    def refresh_collections(self) -> None:
        """Ask the RAG service which collections exist (off the GUI thread: it may import
        Chroma); the editor flags a persona's collections that do not."""

        def names() -> list[str]:
            return [c.name for c in self.services.rag.collections()]

        run_op(
            names,
            self.editor.collections.set_available,
            lambda _e: None,
            name="hearth-persona-collections",
        )

    def _on_models_listed(self, names: list[str]) -> None:
        self.models = names
        self._update_bases()

    def _update_bases(self) -> None:
        self.editor.set_bases(self.models, [sp.name for sp in self.stored])

    # ------------------------------------------------------------- gallery
    def refresh(self, select: str | None = None) -> None:
        select = select or self.editing
        try:
            self.stored = self.services.personas.list()
        except Exception as exc:
            self.status.setText(one_line(exc))
            return
        self.gallery.blockSignals(True)
        self.gallery.clear()
        for sp in self.stored:
            p = sp.persona
            tag = (
                self.tr("built-in")
                if sp.builtin
                else (
                    self.tr("yours, replaces built-in")
                    if sp.overrides_builtin
                    else self.tr("yours")
                )
            )
            about = p.description or ""
            item = QListWidgetItem(f"{p.icon or '•'}  {p.display_name}  ({tag})\n{about}")
            item.setData(Qt.ItemDataRole.UserRole, sp.name)
            item.setToolTip(p.description or p.display_name)
            self.gallery.addItem(item)
            if sp.name == select:
                self.gallery.setCurrentItem(item)
        if (
            self.gallery.currentItem() is None
            and self.gallery.count()
            and self.editing is None
            and select is None
            and not self._new
        ):
            self.gallery.setCurrentRow(0)
        self.gallery.blockSignals(False)
        self._update_bases()
        self._on_gallery_current_changed()

    def selected(self) -> Any | None:
        item = self.gallery.currentItem()
        if item is None:
            return None
        name = item.data(Qt.ItemDataRole.UserRole)
        return next((sp for sp in self.stored if sp.name == name), None)

    def _on_gallery_current_changed(self) -> None:
        sp = self.selected()
        self.duplicate_button.setEnabled(sp is not None)
        self.export_button.setEnabled(sp is not None)
        self.delete_button.setEnabled(sp is not None and not sp.builtin)
        if sp is None:
            return
        self.editing = sp.name
        self._new = False
        self.heading.setText(sp.persona.display_name)
        self.builtin_note.setVisible(sp.builtin)
        self.editor.load(sp.persona)
        if sp.warnings:
            self.status.setText("; ".join(sp.warnings))

    def select(self, name: str) -> None:
        self.refresh(select=name)

    # ------------------------------------------------------------- actions
    def new_persona(self) -> None:
        self.gallery.clearSelection()
        self.gallery.setCurrentItem(None)
        self.editing = None
        self._new = True
        self.heading.setText(self.tr("New persona"))
        self.builtin_note.hide()
        self.editor.load(None)
        self.editor.name.setFocus()

    def save(self) -> bool:
        from app.core.errors import HearthError

        try:
            persona = self.editor.persona()
            store = self.services.personas
            if self.editing is None:
                sp = store.create(persona)
            else:
                sp = store.update(self.editing, persona)
        except HearthError as exc:
            self.status.setText(one_line(exc))
            return False
        self.editing = sp.name
        self.status.setText(self.tr("Saved %s.") % sp.persona.display_name)
        self.refresh(select=sp.name)
        return True

    def _on_duplicate_button_clicked(self) -> None:
        sp = self.selected()
        if sp is None:
            return
        try:
            copy = self.services.personas.duplicate(sp.name)
        except Exception as exc:
            self.status.setText(one_line(exc))
            return
        self.refresh(select=copy.name)

    def _on_delete_button_clicked(self) -> None:
        sp = self.selected()
        if sp is None or sp.builtin:
            return
        if (
            QMessageBox.question(
                self, self.tr("Delete persona"), self.tr("Delete %s?") % sp.persona.display_name
            )
            == QMessageBox.StandardButton.Yes
        ):
            self.delete(sp.name)

    def delete(self, name: str) -> None:
        try:
            self.services.personas.delete(name)
        except Exception as exc:
            self.status.setText(one_line(exc))
            return
        self.editing = None
        self.status.setText(self.tr("Deleted %s.") % name)
        self.refresh()

    def _on_import_button_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Import a Modelfile"),
            str(Path.home()),
            self.tr("Modelfiles (Modelfile *.Modelfile *.modelfile);;All files (*)"),
        )
        if path:
            self.import_modelfile(Path(path))

    def import_modelfile(self, path: Path) -> Any:
        try:
            sp, warnings = self.services.personas.import_modelfile(path)
        except Exception as exc:
            self.status.setText(one_line(exc))
            return None
        self.status.setText(
            self.tr("Imported %s.") % sp.persona.display_name
            + (" " + "; ".join(warnings) if warnings else "")
        )
        self.refresh(select=sp.name)
        return sp

    def _on_export_button_clicked(self) -> None:
        sp = self.selected()
        if sp is None:
            return
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export a Modelfile"), str(Path.home() / f"{sp.name}.Modelfile")
        )
        if path:
            self.export_modelfile(sp.name, Path(path))

    def export_modelfile(self, name: str, path: Path) -> None:
        try:
            path.write_text(self.services.personas.export_modelfile(name), encoding="utf-8")
        except Exception as exc:
            self.status.setText(one_line(exc))
            return
        self.status.setText(self.tr("Saved %s.") % path)

    def _on_chat_button_clicked(self) -> None:
        if self.editing is None and not self.save():
            return
        if self.editing is not None:
            self.chat_requested.emit(self.editing)
