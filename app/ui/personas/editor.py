"""The persona editor: system prompt, parameters validated as you type, few-shot messages,
base model and default collections. ``persona()`` returns a validated Persona or raises."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from app.ui.widgets import named


def parse_parameters(text: str) -> tuple[dict[str, Any], list[str]]:
    """``name value`` lines (Modelfile PARAMETER syntax) -> parameters, and one error per bad line."""
    from app.core.errors import HearthError
    from app.personas import params as P

    out: dict[str, Any] = {}
    errors: list[str] = []
    for i, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, _, value = line.partition(" ")
        name, value = name.strip().lower(), value.strip()
        if name not in P.PARAMS:
            errors.append(
                QCoreApplication.translate("PersonaEditor", "Line %d: %s")
                % (i, P.unknown_parameter_message(name))
            )
            continue
        if not value:
            errors.append(
                QCoreApplication.translate("PersonaEditor", "Line %d: %s needs a value.")
                % (i, name)
            )
            continue
        try:
            v = P.convert(name, value.strip('"') if name == "stop" else value)
        except HearthError as exc:
            errors.append(
                QCoreApplication.translate("PersonaEditor", "Line %d: %s") % (i, exc.message)
            )
            continue
        if name == "stop":
            out.setdefault("stop", []).append(v)
        else:
            out[name] = v
    return out, errors


def format_parameters(params: dict[str, Any]) -> str:
    lines = []
    for name, value in params.items():
        values = value if isinstance(value, list) else [value]
        for v in values:
            text = ("true" if v else "false") if isinstance(v, bool) else str(v)
            lines.append(f'{name} "{text}"' if name == "stop" else f"{name} {text}")
    return "\n".join(lines)


def parse_messages(text: str) -> tuple[list[dict[str, str]], list[str]]:
    """``role: content`` lines (user, assistant or system) -> few-shot messages and errors."""
    out: list[dict[str, str]] = []
    errors: list[str] = []
    for i, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        role, sep, content = raw.partition(":")
        role = role.strip().lower()
        if not sep or role not in ("user", "assistant", "system"):
            errors.append(
                QCoreApplication.translate(
                    "PersonaEditor", "Line %d: start with 'user:', 'assistant:' or 'system:'."
                )
                % i
            )
            continue
        out.append({"role": role, "content": content.strip().replace("\\n", "\n")})
    return out, errors


class CollectionChecklist(QWidget):
    """The persona's default collections as a checkable list of this machine's collections.

    A chosen collection this machine lacks (a persona imported from another machine's
    Modelfile, a collection deleted since) stays in the list, checked and flagged, with a
    warning under it: it is kept, not dropped. ``set_available`` gives the collections that
    exist (until it is called nothing is flagged)."""

    def __init__(self) -> None:
        super().__init__()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.list = named(
            QListWidget(),
            self.tr("Default document collections"),
            self.tr("Collections a chat with this persona searches; Space checks one"),
        )
        self.list.setMaximumHeight(110)
        self.list.setIconSize(QSize(16, 16))
        self.warning = QLabel()
        self.warning.setObjectName("Warning")
        self.warning.setWordWrap(True)
        named(self.warning, self.tr("Missing collections"))
        self.warning.hide()
        self.empty = QLabel(self.tr("No collections yet: create them on the Documents page."))
        self.empty.setObjectName("Muted")
        self.empty.setWordWrap(True)
        self.empty.hide()
        lay.addWidget(self.list)
        lay.addWidget(self.empty)
        lay.addWidget(self.warning)
        self.available: list[str] | None = None
        self._chosen: list[str] = []
        self.list.itemChanged.connect(self._on_item_changed)

    def set_available(self, names: list[str]) -> None:
        self.available = list(names)
        self._rebuild()

    def set_chosen(self, names: list[str]) -> None:
        self._chosen = list(dict.fromkeys(names))
        self._rebuild()

    def chosen(self) -> list[str]:
        """The checked collections, in the persona's order (newly checked ones at the end)."""
        return list(self._chosen)

    def missing(self) -> list[str]:
        """Chosen collections that do not exist on this machine."""
        if self.available is None:
            return []
        return [n for n in self._chosen if n not in self.available]

    def item(self, name: str) -> QListWidgetItem | None:
        for i in range(self.list.count()):
            it = self.list.item(i)
            if it.data(Qt.ItemDataRole.UserRole) == name:
                return it
        return None

    def _rebuild(self) -> None:
        missing = self.missing()
        names = list(self.available or []) + [
            n for n in self._chosen if n not in (self.available or [])
        ]
        warning_icon = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        self.list.blockSignals(True)
        self.list.clear()
        for n in names:
            flagged = n in missing
            it = QListWidgetItem(self.tr("%s (not on this computer)") % n if flagged else n)
            it.setData(Qt.ItemDataRole.UserRole, n)
            it.setFlags(it.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            it.setCheckState(
                Qt.CheckState.Checked if n in self._chosen else Qt.CheckState.Unchecked
            )
            if flagged:
                it.setIcon(warning_icon)
                it.setToolTip(self.tr("There is no collection called %s on this computer") % n)
            self.list.addItem(it)
        self.list.blockSignals(False)
        self.empty.setVisible(self.available is not None and not names)
        self._show_warning()

    def _show_warning(self) -> None:
        missing = self.missing()
        self.warning.setVisible(bool(missing))
        self.warning.setText(
            self.tr(
                "Not on this computer: %s. The persona keeps it, but a chat started from it "
                "cannot search it: create it on the Documents page, or uncheck it here."
            )
            % ", ".join(missing)
            if missing
            else ""
        )

    def _on_item_changed(self, item: QListWidgetItem) -> None:
        name = item.data(Qt.ItemDataRole.UserRole)
        on = item.checkState() == Qt.CheckState.Checked
        if on and name not in self._chosen:
            self._chosen.append(name)
        elif not on and name in self._chosen:
            self._chosen.remove(name)
        self._show_warning()


class PersonaEditor(QWidget):
    """Emits ``validity_changed(ok, message)`` as the user types."""

    validity_changed = Signal(bool, str)

    def __init__(self) -> None:
        super().__init__()
        form = QFormLayout(self)
        self.name = named(
            QLineEdit(),
            self.tr("Persona name"),
            self.tr("Lower-case letters, digits, '.', '_' and '-'"),
        )
        self.title = named(QLineEdit(), self.tr("Display name"))
        self.description = named(QLineEdit(), self.tr("Description"))
        self.base = named(
            QComboBox(),
            self.tr("Base model"),
            self.tr("The model this persona runs on; empty: the model chosen in the chat"),
        )
        self.base.setEditable(True)
        self.system = named(QPlainTextEdit(), self.tr("System prompt"))
        self.params = named(
            QPlainTextEdit(),
            self.tr("Parameters"),
            self.tr("One per line, e.g. 'temperature 0.7' or 'num_ctx 8192'"),
        )
        self.params.setPlaceholderText('temperature 0.7\nnum_ctx 8192\nstop "<|end|>"')
        self.params.setMaximumHeight(110)
        self.messages = named(
            QPlainTextEdit(),
            self.tr("Example messages"),
            self.tr("One per line: 'user: …' or 'assistant: …'"),
        )
        self.messages.setPlaceholderText("user: Translate 'good morning'\nassistant: Bonjour")
        self.messages.setMaximumHeight(90)
        self.collections = CollectionChecklist()
        self.error = QLabel()
        self.error.setObjectName("Warning")
        self.error.setWordWrap(True)
        named(self.error, self.tr("Problems in the persona"))
        form.addRow(self.tr("&Name:"), self.name)
        form.addRow(self.tr("&Title:"), self.title)
        form.addRow(self.tr("&Description:"), self.description)
        form.addRow(self.tr("&Base model:"), self.base)
        form.addRow(self.tr("S&ystem prompt:"), self.system)
        form.addRow(self.tr("&Parameters:"), self.params)
        form.addRow(self.tr("E&xamples:"), self.messages)
        form.addRow(self.tr("&Collections:"), self.collections)
        self.collections_label = form.labelForField(self.collections)
        if isinstance(self.collections_label, QLabel):
            self.collections_label.setBuddy(self.collections.list)
        form.addRow("", self.error)
        self._template: str | None = None
        self._extra: dict[str, Any] = {}
        for w in (
            self.name.textChanged,
            self.params.textChanged,
            self.messages.textChanged,
            self.base.currentTextChanged,
        ):
            w.connect(self.validate)

    def set_bases(self, models: list[str], personas: list[str] | None = None) -> None:
        """The base-model choices: the library's models, then (after a separator) the other
        personas, whose settings a persona based on them inherits."""
        current = self.base.currentText()
        self.base.blockSignals(True)
        self.base.clear()
        self.base.addItem("")
        self.base.addItems(models)
        others = list(personas or [])  # itself too: validation says it cannot be
        if others:
            self.base.insertSeparator(self.base.count())
            for n in others:
                self.base.addItem(n)
                self.base.setItemData(
                    self.base.count() - 1,
                    self.tr("A persona: this one inherits its settings and model"),
                    Qt.ItemDataRole.ToolTipRole,
                )
        self.base.setCurrentText(current)
        self.base.blockSignals(False)

    def base_choices(self) -> list[str]:
        """The names offered in the base-model list (the empty choice and separator left out)."""
        return [t for i in range(self.base.count()) if (t := self.base.itemText(i))]

    def load(self, persona: Any | None) -> None:
        p = persona
        self.name.setText(p.name if p else "")
        self.title.setText((p.title or "") if p else "")
        self.description.setText((p.description or "") if p else "")
        self.base.setCurrentText((p.base or "") if p else "")
        self.system.setPlainText((p.system or "") if p else "")
        self.params.setPlainText(format_parameters(p.parameters) if p else "")
        self.messages.setPlainText(
            "\n".join(m.role + ": " + m.content.replace("\n", "\\n") for m in p.messages)
            if p
            else ""
        )
        self.collections.set_chosen(list(p.collections) if p else [])
        keep = ("icon", "template", "adapters", "license", "requires")
        self._extra = {k: getattr(p, k) for k in keep} if p else {}
        self.validate()

    def data(self) -> tuple[dict[str, Any], list[str]]:
        params, errors = parse_parameters(self.params.toPlainText())
        messages, merrors = parse_messages(self.messages.toPlainText())
        data = {
            **self._extra,
            "name": self.name.text().strip(),
            "title": self.title.text().strip() or None,
            "description": self.description.text().strip() or None,
            "base": self.base.currentText().strip() or None,
            "system": self.system.toPlainText().strip() or None,
            "parameters": params,
            "messages": messages,
            "collections": self.collections.chosen(),
        }
        return data, errors + merrors

    def persona(self) -> Any:
        """The edited persona; raises PersonaError with a plain message when something is wrong."""
        from app.core.errors import PersonaError
        from app.personas.model import persona_from_dict

        data, errors = self.data()
        if not data["name"]:
            raise PersonaError(self.tr("Give the persona a name."))
        if data["base"] and data["base"].lower() == data["name"].lower():
            raise PersonaError(self.tr("A persona cannot be based on itself."))
        if errors:
            raise PersonaError(errors[0])
        return persona_from_dict(data)

    def validate(self) -> bool:
        from app.core.errors import HearthError

        try:
            self.persona()
        except HearthError as exc:
            self.error.setText(exc.message)
            self.validity_changed.emit(False, exc.message)
            return False
        self.error.setText("")
        self.validity_changed.emit(True, "")
        return True
