"""The status bar: loaded model, compute backend, memory in use, last reply speed, server state."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QStatusBar


class HearthStatusBar(QStatusBar):
    def __init__(self) -> None:
        super().__init__()
        self.model = QLabel(self.tr("No model loaded"))
        self.backend = QLabel(self.tr("Backend: …"))
        self.memory = QLabel(self.tr("Memory: …"))
        self.speed = QLabel(self.tr("Last reply: –"))
        self.server = QLabel(self.tr("Server: off"))
        for w in (self.model, self.backend, self.memory, self.speed, self.server):
            w.setContentsMargins(8, 0, 8, 0)
            self.addPermanentWidget(w)
        self.model.setToolTip(self.tr("The model in memory"))
        self.memory.setToolTip(
            self.tr("Memory used by Hearth (including the model) and by the whole system")
        )
        self._proc: Any = None
        self._timer = QTimer(self)
        self._timer.setInterval(2000)
        self._timer.timeout.connect(self.update_memory)
        self._timer.start()

    def set_model(self, lm: Any | None, *, loading: str | None = None) -> None:
        if loading:
            self.model.setText(self.tr("Loading %s…") % (loading,))
        elif lm is None:
            self.model.setText(self.tr("No model loaded"))
        else:
            gpu = f" · {lm.gpu_layers}/{lm.n_layers + 1} layers on GPU" if lm.gpu_layers else ""
            self.model.setText(
                self.tr("%s · %s · %s ctx%s")
                % (lm.name, lm.quantization, format(lm.n_ctx, ","), gpu)
            )
            self.set_backend(lm.backend)

    def set_backend(self, backend: str | None) -> None:
        names = {"cpu": "CPU", "cuda": "CUDA", "metal": "Metal", "vulkan": "Vulkan", "rocm": "ROCm"}
        self.backend.setText(
            self.tr("Backend: %s") % (names.get(backend or "", (backend or "…").upper()),)
        )

    def set_speed(self, result: Any) -> None:
        s = result.stats
        self.speed.setText(
            self.tr("Last reply: %s tok/s · %s tokens")
            % (format(s.decode_tok_s, ".1f"), s.completion_tokens)
        )

    def set_server_state(self, text: str) -> None:
        self.server.setText(self.tr("Server: %s") % (text,))

    def update_memory(self) -> None:
        import psutil  # cheap: a /proc read, well under a millisecond

        if self._proc is None:
            self._proc = psutil.Process()
        rss = self._proc.memory_info().rss
        vm = psutil.virtual_memory()
        self.memory.setText(
            self.tr("Memory: %s GB · system %s%% used")
            % (format(rss / 2**30, ".2f"), format(vm.percent, ".0f"))
        )
