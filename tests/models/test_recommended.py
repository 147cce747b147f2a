from __future__ import annotations

from app.core.fit import Verdict
from app.core.hardware import GPUInfo, HardwareInfo
from app.models.recommended import pick_starter, rank_for, recommended

GIB = 1 << 30


def _hw(ram: float, vram: float = 0) -> HardwareInfo:
    gpus = (GPUInfo("GPU", int(vram * GIB), int(vram * GIB), "cuda"),) if vram else ()
    return HardwareInfo("cpu", 4, 8, (), int(ram * GIB), int(ram * GIB), "Linux", "x86_64", gpus)


def test_curated_list_is_valid_and_complete() -> None:
    models = recommended()
    assert len(models) >= 6
    for m in models:
        assert "/" in m.repo and m.file.endswith(".gguf") and m.size_bytes > 100e6 and m.why


def test_pick_matches_the_machine() -> None:
    small = pick_starter(_hw(4))
    assert small.fit.verdict is Verdict.CPU_ONLY and small.model.size_bytes < 2.5e9
    laptop = pick_starter(_hw(16))
    assert laptop.fit.verdict is Verdict.CPU_ONLY and 4e9 < laptop.model.size_bytes < 5.5e9
    gpu = pick_starter(_hw(64, vram=24))
    assert gpu.fit.verdict is Verdict.FULL_GPU and gpu.model.size_bytes > 15e9
    assert rank_for(_hw(2))[0].fit.verdict is not Verdict.WONT_FIT
