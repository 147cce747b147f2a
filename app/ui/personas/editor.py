"""The persona editor: system prompt, parameters validated as you type, few-shot messages,
base model and default collections. ``persona()`` returns a validated Persona or raises."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
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
        self.collections = named(
            QLineEdit(),
            self.tr("Default document collections"),
            self.tr("Collections a chat with this persona searches, separated by commas"),
        )
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
        form.addRow("", self.error)
        self._template: str | None = None
        self._extra: dict[str, Any] = {}
        for w in (self.name.textChanged, self.params.textChanged, self.messages.textChanged):
            w.connect(self.validate)

    def set_bases(self, names: list[str]) -> None:
        current = self.base.currentText()
        self.base.clear()
        self.base.addItem("")
        self.base.addItems(names)
        self.base.setCurrentText(current)

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
        self.collections.setText(", ".join(p.collections) if p else "")
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
            "collections": [c.strip() for c in self.collections.text().split(",") if c.strip()],
        }
        return data, errors + merrors

    def persona(self) -> Any:
        """The edited persona; raises PersonaError with a plain message when something is wrong."""
        from app.core.errors import PersonaError
        from app.personas.model import persona_from_dict

        data, errors = self.data()
        if not data["name"]:
            raise PersonaError(self.tr("Give the persona a name."))
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
