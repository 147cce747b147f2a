"""The Settings page: every setting, built from the typed declarations in app.core.settings.

Each section model's fields become form rows (the field's description is the help
text), so a setting added to the core shows up here without UI code. Saving
validates through pydantic and writes ``settings.toml``; the theme applies at once.
"""

from __future__ import annotations

import types
import typing
from typing import Any, Literal, get_args, get_origin

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.core.settings import Settings
from app.ui.errors import one_line
from app.ui.services import AppServices

SECTIONS = [("ui", QT_TRANSLATE_NOOP("Settings", "Appearance")), ("engine", QT_TRANSLATE_NOOP("Settings", "Engine defaults")), ("models", QT_TRANSLATE_NOOP("Settings", "Models")),
            ("server", QT_TRANSLATE_NOOP("Settings", "Local server")), ("rag", QT_TRANSLATE_NOOP("Settings", "Documents"))]  # fmt: skip
HIDDEN = {("ui", "first_run_done"), ("models", "last_model")}
LABELS = {"n_ctx": QT_TRANSLATE_NOOP("Settings", "Context size"), "gpu_layers": QT_TRANSLATE_NOOP("Settings", "GPU layers"), "n_threads": QT_TRANSLATE_NOOP("Settings", "CPU threads"), "kv_type": QT_TRANSLATE_NOOP("Settings", "KV cache type"),
          "flash_attn": QT_TRANSLATE_NOOP("Settings", "Flash attention"), "hf_endpoint": QT_TRANSLATE_NOOP("Settings", "Hugging Face address"), "top_k": QT_TRANSLATE_NOOP("Settings", "Passages per question"),
          "font_scale": QT_TRANSLATE_NOOP("Settings", "Text size"), "use_mmap": QT_TRANSLATE_NOOP("Settings", "Memory-map model files"), "use_mlock": QT_TRANSLATE_NOOP("Settings", "Lock model in RAM")}  # fmt: skip


def _bounds(field: Any) -> tuple[float | None, float | None]:
    lo = hi = None
    for m in field.metadata:
        lo = getattr(m, "ge", lo)
        hi = getattr(m, "le", hi)
    return lo, hi


class _Row:
    """One editable field: a widget plus get/set converting to the field's type."""

    def __init__(self, field: Any) -> None:
        ann = field.annotation
        args = get_args(ann)
        self.optional = (get_origin(ann) in (typing.Union, types.UnionType)) and type(None) in args
        base = next((a for a in args if a is not type(None)), ann) if self.optional else ann
        self.kind: str
        lo, hi = _bounds(field)
        if get_origin(base) is Literal:
            self.kind, self.widget = "choice", QComboBox()
            for v in get_args(base):
                self.widget.addItem(str(v).capitalize(), v)
        elif base is bool and self.optional:
            self.kind, self.widget = "choice", QComboBox()
            for label, v in (("Auto", None), ("On", True), ("Off", False)):
                self.widget.addItem(label, v)
        elif base is bool:
            self.kind, self.widget = "bool", QCheckBox()
        elif base is int:
            self.kind, self.widget = "int", QSpinBox()
            low = int(lo) if lo is not None else -1
            self.widget.setRange(
                low - 1 if self.optional else low, int(hi) if hi is not None else 1_000_000
            )
            if self.optional:
                self.widget.setSpecialValueText(QCoreApplication.translate("SettingsPage", "Auto"))
        elif base is float:
            self.kind, self.widget = "float", QDoubleSpinBox()
            self.widget.setRange(lo if lo is not None else 0.0, hi if hi is not None else 100.0)
            self.widget.setSingleStep(0.1)
        elif get_origin(base) is list:
            self.kind, self.widget = "list", QLineEdit()
            self.widget.setPlaceholderText(
                QCoreApplication.translate("SettingsPage", "separate entries with ;")
            )
        else:
            self.kind, self.widget = "str", QLineEdit()
            if self.optional:
                self.widget.setPlaceholderText(
                    QCoreApplication.translate("SettingsPage", "(default)")
                )
        self.widget.setToolTip(QCoreApplication.translate("Settings", field.description or ""))

    def set(self, value: Any) -> None:
        w = self.widget
        if self.kind == "choice":
            w.setCurrentIndex(max(0, w.findData(value)))
        elif self.kind == "bool":
            w.setChecked(bool(value))
        elif self.kind == "int":
            w.setValue(w.minimum() if value is None else int(value))
        elif self.kind == "float":
            w.setValue(float(value))
        elif self.kind == "list":
            w.setText("; ".join(value or []))
        else:
            w.setText(value or "")

    def get(self) -> Any:
        w = self.widget
        if self.kind == "choice":
            return w.currentData()
        if self.kind == "bool":
            return w.isChecked()
        if self.kind == "int":
            return None if self.optional and w.value() == w.minimum() else w.value()
        if self.kind == "float":
            return round(w.value(), 3)
        if self.kind == "list":
            return [p.strip() for p in w.text().split(";") if p.strip()]
        text = w.text().strip()
        return text or (None if self.optional else "")


class SettingsPage(QWidget):
    settings_saved = Signal(object)  # Settings
    first_run_requested = Signal()

    def __init__(self, services: AppServices) -> None:
        super().__init__()
        self.services = services
        outer = QVBoxLayout(self)
        title = QLabel(self.tr("Settings"))
        title.setObjectName("PageTitle")
        outer.addWidget(title)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setAccessibleName(self.tr("All settings"))
        # Tab goes straight to the fields (the area scrolls to the one with focus)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        inner = QWidget()
        lay = QVBoxLayout(inner)
        self.rows: dict[tuple[str, str], _Row] = {}
        for section, label in SECTIONS:
            box = QGroupBox(QCoreApplication.translate("Settings", label))
            form = QFormLayout(box)
            model = type(getattr(services.settings, section))
            for name, field in model.model_fields.items():
                if (section, name) in HIDDEN:
                    continue
                row = _Row(field)
                self.rows[(section, name)] = row
                help_text = QLabel(QCoreApplication.translate("Settings", field.description or ""))
                help_text.setObjectName("Muted")
                help_text.setWordWrap(True)
                cell = QVBoxLayout()
                cell.setSpacing(0)
                cell.addWidget(row.widget)
                cell.addWidget(help_text)
                form.addRow(
                    QCoreApplication.translate(
                        "Settings", LABELS.get(name, name.replace("_", " ").capitalize())
                    ),
                    cell,
                )
            lay.addWidget(box)
        lay.addStretch(1)
        scroll.setWidget(inner)
        outer.addWidget(scroll, 1)
        bottom = QHBoxLayout()
        self.status = QLabel(self.tr("Saved in %s") % (services.settings_store.path,))
        self.status.setObjectName("Muted")
        bottom.addWidget(self.status, 1)
        guide = QPushButton(self.tr("Show the welcome guide"))
        guide.clicked.connect(self.first_run_requested)
        bottom.addWidget(guide)
        revert = QPushButton(self.tr("Revert"))
        revert.clicked.connect(self.load)
        bottom.addWidget(revert)
        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        bottom.addWidget(self.save_button)
        outer.addLayout(bottom)
        self.load()

    def load(self) -> None:
        s = self.services.settings
        for (section, name), row in self.rows.items():
            row.set(getattr(getattr(s, section), name))

    def save(self) -> bool:
        data = self.services.settings.model_dump()
        for (section, name), row in self.rows.items():
            data[section][name] = row.get()
        try:
            new = Settings.model_validate(data)
            self.services.settings_store.save(new)
        except Exception as exc:
            self.status.setText(one_line(exc))
            return False
        self.services.settings = new
        self.status.setText(self.tr("Saved."))
        self.settings_saved.emit(new)
        return True
