"""Memory-fit estimate: will this GGUF run here, and with how many GPU layers?

The estimate adds up what llama.cpp allocates: the weights of each layer (from the
tensor table, exact), the KV cache (context x layers x KV width x element size,
exact), the compute buffers (a model calibrated against llama.cpp's own reports,
see ``bench/engine.py``) and the vocabulary structures. The benchmark checks it
against measured resident-memory growth.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from app.core.gguf import GGUFInfo
from app.core.hardware import HardwareInfo

KV_TYPE_BYTES: dict[str, float] = {
    "f32": 4.0,
    "f16": 2.0,
    "bf16": 2.0,
    "q8_0": 34 / 32,
    "q4_0": 18 / 32,
}
MIB = 1 << 20
GIB = 1 << 30
#: Memory we leave for the OS, the app and the user's other programs.
RAM_HEADROOM = 768 * MIB
VRAM_HEADROOM = 512 * MIB


class Verdict(StrEnum):
    FULL_GPU = "full_gpu"
    PARTIAL = "partial"
    CPU_ONLY = "cpu_only"
    WONT_FIT = "wont_fit"


VERDICT_TEXT = {
    Verdict.FULL_GPU: "Runs fully on the GPU",
    Verdict.PARTIAL: "Runs partly on the GPU",
    Verdict.CPU_ONLY: "Runs on the CPU",
    Verdict.WONT_FIT: "Will not fit in this machine's memory",
}


@dataclass(frozen=True)
class FitEstimate:
    n_ctx: int
    kv_type: str
    gpu_layers: int  # as requested (clamped to the model)
    ram_bytes: int
    vram_bytes: int
    weights_bytes: int
    kv_bytes: int
    compute_bytes: int
    verdict: Verdict
    max_gpu_layers: int  # the most layers that fit in VRAM (0 without a GPU)
    n_layers: int
    ram_budget: int
    vram_budget: int

    @property
    def fits(self) -> bool:
        return self.ram_bytes <= self.ram_budget and self.vram_bytes <= max(self.vram_budget, 0)

    def summary(self) -> str:
        text = VERDICT_TEXT[self.verdict]
        if self.verdict is Verdict.PARTIAL:
            text += f" ({self.max_gpu_layers} of {self.n_layers + 1} layers)"
        return (
            f"{text}: needs {self.ram_bytes / GIB:.2f} GiB RAM"
            + (f" + {self.vram_bytes / GIB:.2f} GiB VRAM" if self.vram_bytes else "")
            + f" at {self.n_ctx:,} tokens of context."
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict.value,
            "summary": self.summary(),
            "n_ctx": self.n_ctx,
            "kv_type": self.kv_type,
            "gpu_layers": self.gpu_layers,
            "max_gpu_layers": self.max_gpu_layers,
            "n_layers": self.n_layers,
            "ram_bytes": self.ram_bytes,
            "vram_bytes": self.vram_bytes,
            "weights_bytes": self.weights_bytes,
            "kv_bytes": self.kv_bytes,
            "compute_bytes": self.compute_bytes,
            "ram_budget": self.ram_budget,
            "vram_budget": self.vram_budget,
        }


def kv_bytes_per_layer(info: GGUFInfo, n_ctx: int, kv_type: str = "f16") -> int:
    per_tok = info.head_count_kv * (info.key_length + info.value_length)
    return int(n_ctx * per_tok * KV_TYPE_BYTES.get(kv_type, 2.0))


def compute_buffer_bytes(info: GGUFInfo, n_ctx: int, n_ubatch: int, flash_attn: bool) -> int:
    """llama.cpp's graph scratch for one micro-batch.

    Calibrated against llama.cpp's "compute buffer size" reports on CPU: the peak is the
    f32 logits of a full micro-batch plus its hidden states, plus the attention mask (with
    flash attention) or the full KQ matrices (without).
    """
    n_ub = max(1, min(n_ubatch, n_ctx))
    act = n_ub * 4 * (info.vocab_size + info.embedding_length)
    attn = n_ub * n_ctx * (2 if flash_attn else 4 * max(1, info.head_count) + 2)
    return act + attn


def repacked_types(hw: HardwareInfo) -> frozenset[str]:
    """ggml types whose matmul weights llama.cpp's CPU backend repacks into interleaved copies.

    Observed as "CPU_REPACK model buffer" with llama-cpp-python 0.3.36: the repacked copy
    is resident *in addition to* the memory-mapped file pages it was read from.
    """
    simd = set(hw.simd)
    if "avx2" in simd:
        return frozenset({"Q4_0", "Q4_K", "IQ4_NL"})
    if simd & {"neon", "asimd", "dotprod"}:
        return frozenset({"Q4_0", "IQ4_NL"} | ({"Q4_K"} if "i8mm" in simd else set()))
    return frozenset()


def _vocab_overhead(info: GGUFInfo) -> int:
    # token strings, score and type tables, lookup maps built by llama.cpp
    return info.vocab_size * 128 + 2 * MIB


def _embd_resident(info: GGUFInfo) -> int:
    """Token-embedding rows are paged in only for tokens actually seen (about 8k of them)."""
    if not info.vocab_size:
        return info.token_embd_bytes
    return int(info.token_embd_bytes * min(1.0, 8192 / info.vocab_size))


def budgets(hw: HardwareInfo) -> tuple[int, int]:
    ram = min(hw.ram_available, int(hw.ram_total * 0.92)) - RAM_HEADROOM
    vram = hw.vram_free - VRAM_HEADROOM if hw.gpus and not hw.unified_memory else 0
    if hw.unified_memory:
        vram = ram
    return ram, max(vram, 0)


def _split(
    info: GGUFInfo,
    n_ctx: int,
    kv_type: str,
    gpu_layers: int,
    n_ubatch: int,
    flash_attn: bool,
    repack: frozenset[str] = frozenset(),
) -> tuple[int, int, int, int, int]:
    """(ram, vram, weights, kv, compute) for ``gpu_layers`` offloaded (n_layer+1 = all incl. output)."""
    n = info.block_count
    gl = max(0, min(gpu_layers, n + 1))
    kv_layer = kv_bytes_per_layer(info, n_ctx, kv_type)
    layers = list(info.layer_bytes) or [0] * n
    gpu_blocks = range(n - min(gl, n), n)  # llama.cpp offloads the last layers first
    w_gpu = sum(layers[i] for i in gpu_blocks)
    w_cpu = sum(layers) - w_gpu
    # output head goes to the GPU only with all layers (+1); token embeddings stay on the CPU
    out_bytes = info.nonlayer_bytes // 2
    if gl > n:
        w_gpu += out_bytes
        w_cpu += info.nonlayer_bytes - out_bytes
    else:
        w_cpu += info.nonlayer_bytes
    compute = compute_buffer_bytes(info, n_ctx, n_ubatch, flash_attn)
    kv_gpu = kv_layer * min(gl, n)
    kv_cpu = kv_layer * (n - min(gl, n))
    vram = w_gpu + kv_gpu + (compute if gl else 0)
    # CPU-side weights: file pages (token embeddings only partly) plus repacked copies
    cpu_share = w_cpu / max(1, sum(layers) + info.nonlayer_bytes)
    w_cpu -= info.token_embd_bytes - _embd_resident(info)
    w_cpu += int(sum(b for t, b in info.matmul_type_bytes.items() if t in repack) * cpu_share)
    ram = w_cpu + kv_cpu + (compute if gl == 0 else compute // 4) + _vocab_overhead(info)
    return ram, vram, sum(layers) + info.nonlayer_bytes, kv_layer * n, compute


def estimate(
    info: GGUFInfo,
    hw: HardwareInfo,
    *,
    n_ctx: int | None = None,
    kv_type: str = "f16",
    gpu_layers: int | None = None,
    n_ubatch: int = 512,
    flash_attn: bool = True,
) -> FitEstimate:
    """Estimate memory for a load. ``gpu_layers=None`` means "auto" (the most that fit)."""
    ctx = n_ctx or info.context_length or 4096
    ram_budget, vram_budget = budgets(hw)
    n = info.block_count
    has_gpu = bool(hw.gpus)
    repack = repacked_types(hw)
    max_gl = 0
    if has_gpu:
        for gl in range(n + 1, -1, -1):
            ram, vram, *_ = _split(info, ctx, kv_type, gl, n_ubatch, flash_attn, repack)
            if vram <= vram_budget:
                max_gl = gl
                break
    requested = max_gl if gpu_layers is None or gpu_layers < 0 else min(gpu_layers, n + 1)
    if not has_gpu:
        requested = 0
    ram, vram, weights, kv, compute = _split(
        info, ctx, kv_type, requested, n_ubatch, flash_attn, repack
    )
    if hw.unified_memory:
        # one pool: everything counts against RAM
        ram, vram = ram + vram, 0
    ram_ok = ram <= ram_budget
    vram_ok = vram <= vram_budget
    if not (ram_ok and vram_ok):
        verdict = Verdict.WONT_FIT
    elif has_gpu and requested > n:
        verdict = Verdict.FULL_GPU
    elif has_gpu and requested > 0:
        verdict = Verdict.PARTIAL
    else:
        verdict = Verdict.CPU_ONLY
    return FitEstimate(
        n_ctx=ctx,
        kv_type=kv_type,
        gpu_layers=requested,
        ram_bytes=ram,
        vram_bytes=vram,
        weights_bytes=weights,
        kv_bytes=kv,
        compute_bytes=compute,
        verdict=verdict,
        max_gpu_layers=max_gl,
        n_layers=n,
        ram_budget=ram_budget,
        vram_budget=vram_budget,
    )


def largest_fitting_context(
    info: GGUFInfo,
    hw: HardwareInfo,
    *,
    kv_type: str = "f16",
    gpu_layers: int | None = 0,
    ceiling: int | None = None,
) -> int:
    """The model's trained context, halved until the load fits (at least 512)."""
    ctx = info.context_length or 4096
    if ceiling:
        ctx = min(ctx, ceiling)
    while ctx > 512:
        if (
            estimate(info, hw, n_ctx=ctx, kv_type=kv_type, gpu_layers=gpu_layers).verdict
            is not Verdict.WONT_FIT
        ):
            return ctx
        ctx //= 2
    return max(ctx, 512)
