from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from app.core import fit
from app.core.gguf import read_info
from app.core.hardware import GPUInfo, HardwareInfo, detect_hardware

GIB = 1 << 30


def _hw(ram: int, gpus: tuple[GPUInfo, ...] = ()) -> HardwareInfo:
    return HardwareInfo("test cpu", 4, 8, ("avx2",), ram, ram, "Linux", "x86_64", gpus)


def test_cpu_only_fits_and_kv_scales_with_context(tiny_model: Path) -> None:
    info = read_info(tiny_model)
    small = fit.estimate(info, _hw(8 * GIB), n_ctx=1024)
    big = fit.estimate(info, _hw(8 * GIB), n_ctx=2048)
    assert small.verdict is fit.Verdict.CPU_ONLY
    assert big.kv_bytes == 2 * small.kv_bytes
    # f16 KV: layers x ctx x (k + v width) x 2 bytes
    assert small.kv_bytes == 2 * 1024 * (2 * 16 * 2) * 2
    q8 = fit.estimate(info, _hw(8 * GIB), n_ctx=1024, kv_type="q8_0")
    assert q8.kv_bytes < small.kv_bytes


def test_wont_fit_and_largest_context(tiny_model: Path) -> None:
    info = read_info(tiny_model)
    est = fit.estimate(info, _hw(1 * GIB), n_ctx=10_000_000)
    assert est.verdict is fit.Verdict.WONT_FIT
    assert "Will not fit" in est.summary()
    assert fit.largest_fitting_context(info, _hw(8 * GIB)) == 2048


def test_gpu_verdicts_and_auto_layers(tiny_model: Path) -> None:
    info = read_info(tiny_model)
    total = fit.estimate(info, _hw(8 * GIB), n_ctx=2048).ram_bytes
    roomy = _hw(8 * GIB, (GPUInfo("gpu", 8 * GIB, 8 * GIB, "cuda"),))
    full = fit.estimate(info, roomy, n_ctx=2048)
    assert full.verdict is fit.Verdict.FULL_GPU and full.max_gpu_layers == info.block_count + 1
    # a GPU with room for about one block only
    one_block = info.layer_bytes[0] + fit.kv_bytes_per_layer(info, 2048)
    comp = fit.compute_buffer_bytes(info, 2048, 512, True)
    tight = _hw(8 * GIB, (GPUInfo("gpu", 0, fit.VRAM_HEADROOM + one_block + comp + 1000, "cuda"),))
    part = fit.estimate(info, tight, n_ctx=2048)
    assert part.verdict is fit.Verdict.PARTIAL and part.max_gpu_layers == 1
    assert part.vram_bytes > 0 and part.ram_bytes < total


def test_real_machine_detection() -> None:
    hw = detect_hardware()
    assert hw.logical_cores >= 1 and hw.ram_total > hw.ram_available > 0
    assert replace(hw, gpus=()).vram_total == 0
