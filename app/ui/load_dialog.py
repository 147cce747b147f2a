"""Load settings for one model, with the live memory-fit estimate.

GPU layers, context size, flash attention, KV-cache type and threads. Every change
re-runs :func:`app.core.fit.estimate` (pure arithmetic on the GGUF header, read once
off the GUI thread) and redraws the RAM/VRAM bars and the verdict.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.core import fit
from app.core.hardware import HardwareInfo, default_threads
from app.engine.types import KV_TYPES, LoadOptions
from app.ui.bridge import run_op
from app.ui.errors import one_line

CONTEXTS = (512, 1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072)


def _gib(n: int) -> str:
    return f"{n / fit.GIB:.2f} GiB"


class LoadModelDialog(QDialog):
    """``options()`` gives the LoadOptions once accepted."""

    def __init__(
        self,
        path: Path,
        base: LoadOptions,
        hardware: HardwareInfo | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Load %s") % (path.name,))
        self.setMinimumWidth(520)
        self.path = path
        self.base = base
        self.hw = hardware
        self.info: Any = None
        self.estimate: fit.FitEstimate | None = None
        lay = QVBoxLayout(self)
        self.title = QLabel(path.name)
        self.title.setObjectName("CardTitle")
        lay.addWidget(self.title)
        self.details = QLabel(self.tr("Reading the model…"))
        self.details.setObjectName("Muted")
        self.details.setWordWrap(True)
        lay.addWidget(self.details)
        form = QFormLayout()
        gl = QHBoxLayout()
        self.gpu_slider = QSlider(Qt.Orientation.Horizontal)
        self.gpu_slider.setRange(0, 0)
        self.gpu_slider.setAccessibleName(self.tr("GPU layers"))
        self.gpu_slider.setAccessibleDescription(
            self.tr("How many of the model's layers run on the graphics card")
        )
        self.gpu_value = QLabel("0")
        self.gpu_value.setMinimumWidth(70)
        gl.addWidget(self.gpu_slider, 1)
        gl.addWidget(self.gpu_value)
        form.addRow(self.tr("GPU layers"), gl)
        self.ctx = QComboBox()
        self.ctx.setEditable(True)
        self.ctx.setAccessibleName(self.tr("Context size"))
        form.addRow(self.tr("Context size"), self.ctx)
        self.flash = QComboBox()
        self.flash.addItem(self.tr("Auto"), None)
        self.flash.addItem(self.tr("On"), True)
        self.flash.addItem(self.tr("Off"), False)
        self.flash.setCurrentIndex(self.flash.findData(base.flash_attn))
        form.addRow(self.tr("Flash attention"), self.flash)
        self.kv = QComboBox()
        for k in KV_TYPES:
            self.kv.addItem({"f16": "f16 (best quality)", "q8_0": "q8_0 (half the memory)",
                             "q4_0": "q4_0 (quarter)"}[k], k)  # fmt: skip
        self.kv.setCurrentIndex(max(0, self.kv.findData(base.kv_type)))
        form.addRow(self.tr("KV cache"), self.kv)
        self.threads = QSpinBox()
        self.threads.setRange(1, max(1, (hardware.logical_cores if hardware else 64)))
        self.threads.setValue(base.n_threads or default_threads())
        form.addRow(self.tr("CPU threads"), self.threads)
        self.remember = QCheckBox(self.tr("Use these settings as the default for new loads"))
        form.addRow("", self.remember)
        lay.addLayout(form)
        self.ram_bar, self.ram_label = QProgressBar(), QLabel()
        self.vram_bar, self.vram_label = QProgressBar(), QLabel()
        for name, bar, label in (
            ("RAM", self.ram_bar, self.ram_label),
            ("VRAM", self.vram_bar, self.vram_label),
        ):
            row = QHBoxLayout()
            row.addWidget(QLabel(name))
            bar.setTextVisible(False)
            bar.setMaximumHeight(10)
            row.addWidget(bar, 1)
            row.addWidget(label)
            lay.addLayout(row)
        self.verdict = QLabel("")
        self.verdict.setWordWrap(True)
        lay.addWidget(self.verdict)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.load_button = self.buttons.addButton("Load", QDialogButtonBox.ButtonRole.AcceptRole)
        self.load_button.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        for sig in (self.gpu_slider.valueChanged, self.ctx.currentTextChanged, self.kv.currentIndexChanged,
                    self.flash.currentIndexChanged):  # fmt: skip
            sig.connect(self._on_setting_changed)
        self._read()

    def _read(self) -> None:
        def read() -> tuple[Any, HardwareInfo]:
            from app.core.gguf import read_info
            from app.core.hardware import detect_hardware

            return read_info(self.path), self.hw or detect_hardware()

        run_op(read, self._on_read_succeeded, self._on_read_failed)

    def _on_read_succeeded(self, value: tuple[Any, HardwareInfo]) -> None:
        self.info, self.hw = value
        info = self.info
        self.details.setText(
            self.tr("%s · %s · %s · %s GiB · trained context %s tokens")
            % (
                info.architecture,
                info.parameter_label,
                info.quantization,
                format(info.size_bytes / fit.GIB, ".2f"),
                format(info.context_length or 0, ","),
            )
        )
        self.gpu_slider.setRange(0, info.block_count + 1 if self.hw.gpus else 0)
        self.gpu_slider.setEnabled(bool(self.hw.gpus))
        auto = fit.estimate(
            info, self.hw, n_ctx=self.base.n_ctx or min(info.context_length or 4096, 8192)
        )
        gl = self.base.gpu_layers
        self.gpu_slider.setValue(auto.max_gpu_layers if gl is None or gl < 0 else gl)
        trained = info.context_length or 4096
        for c in CONTEXTS:
            if c <= trained:
                self.ctx.addItem(f"{c}")
        if str(trained) not in [self.ctx.itemText(i) for i in range(self.ctx.count())]:
            self.ctx.addItem(str(trained))
        want = self.base.n_ctx or fit.largest_fitting_context(info, self.hw, kv_type=self.base.kv_type,
                                                              ceiling=self.base.max_default_ctx)  # fmt: skip
        self.ctx.setCurrentText(str(want))
        self.load_button.setEnabled(True)
        self._on_setting_changed()

    def _on_read_failed(self, exc: BaseException) -> None:
        self.details.setText(one_line(exc))
        self.verdict.setText(self.tr("This file cannot be loaded."))

    def n_ctx(self) -> int:
        try:
            return max(16, int(self.ctx.currentText().replace(",", "")))
        except ValueError:
            return 4096

    def _on_setting_changed(self, *_: Any) -> None:
        if self.info is None or self.hw is None:
            return
        gl = self.gpu_slider.value()
        n_layers = self.info.block_count + 1
        self.gpu_value.setText(
            "CPU only" if gl == 0 else "all" if gl >= n_layers else f"{gl} / {n_layers}"
        )
        flash = self.flash.currentData()
        est = fit.estimate(self.info, self.hw, n_ctx=self.n_ctx(), kv_type=self.kv.currentData(), gpu_layers=gl,
                           flash_attn=bool(flash) if flash is not None else True)  # fmt: skip
        self.estimate = est
        for bar, label, need, budget in ((self.ram_bar, self.ram_label, est.ram_bytes, est.ram_budget),
                                         (self.vram_bar, self.vram_label, est.vram_bytes, est.vram_budget)):  # fmt: skip
            bar.setRange(0, 1000)
            bar.setValue(
                max(1 if need else 0, int(1000 * min(1.0, need / budget))) if budget > 0 else 0
            )
            label.setText(
                f"{_gib(need)} of {_gib(max(budget, 0))}" if budget > 0 or need else "no GPU"
            )
        ok = est.verdict is not fit.Verdict.WONT_FIT
        color = "#15803d" if ok else "#b91c1c"
        text = est.summary()
        if not ok:
            text += " Try fewer GPU layers, a smaller context, a quantized KV cache, or a smaller quant."
        self.verdict.setText(
            self.tr('<span style="color:%s; font-weight:600;">%s</span>') % (color, text)
        )

    def options(self) -> LoadOptions:
        return LoadOptions(
            path=self.path, n_ctx=self.n_ctx(), gpu_layers=self.gpu_slider.value(), n_threads=self.threads.value(),
            flash_attn=self.flash.currentData(), kv_type=self.kv.currentData(), n_batch=self.base.n_batch,
            use_mmap=self.base.use_mmap, use_mlock=self.base.use_mlock, lora_paths=self.base.lora_paths,
            n_parallel=self.base.n_parallel,
        )  # fmt: skip
