"""What this machine has: CPU, memory and GPUs.

CPU and memory come from the OS (``/proc``, ``sysctl``, psutil). GPUs come from the
vendor tools when present (``nvidia-smi``) and from the installed llama.cpp build
(see :func:`app.engine.backend_info`), which alone knows which GPU backend it was
compiled with.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
from dataclasses import asdict, dataclass, field
from typing import Any

_SIMD_FLAGS = ("sse3", "ssse3", "sse4_1", "sse4_2", "avx", "avx2", "fma", "f16c", "avx512f",
               "avx512bw", "avx512vl", "avx512_vnni", "avx_vnni", "avx512_bf16", "amx_tile",
               "neon", "asimd", "sve", "dotprod", "i8mm")  # fmt: skip


@dataclass(frozen=True)
class GPUInfo:
    name: str
    vram_total: int
    vram_free: int
    backend: str  # "cuda", "metal", "vulkan", ...


@dataclass(frozen=True)
class HardwareInfo:
    cpu_model: str
    physical_cores: int
    logical_cores: int
    simd: tuple[str, ...]
    ram_total: int
    ram_available: int
    os: str
    machine: str
    gpus: tuple[GPUInfo, ...] = field(default_factory=tuple)

    @property
    def vram_total(self) -> int:
        return sum(g.vram_total for g in self.gpus)

    @property
    def vram_free(self) -> int:
        return sum(g.vram_free for g in self.gpus)

    @property
    def unified_memory(self) -> bool:
        """Apple Silicon: the GPU shares system RAM."""
        return any(g.backend == "metal" for g in self.gpus)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["simd"] = list(self.simd)
        d["gpus"] = [asdict(g) for g in self.gpus]
        return d


def _cpu_model_and_flags() -> tuple[str, tuple[str, ...]]:
    model = platform.processor() or platform.machine()
    flags: set[str] = set()
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                key, _, value = line.partition(":")
                key = key.strip()
                if key in ("model name", "Model", "Hardware") and value.strip():
                    model = value.strip()
                elif key in ("flags", "Features"):
                    flags.update(value.split())
    except OSError:
        if platform.system() == "Darwin":
            model = _sysctl("machdep.cpu.brand_string") or model
            if platform.machine() == "arm64":
                flags.update(("neon", "dotprod"))
    return model, tuple(f for f in _SIMD_FLAGS if f in flags)


def _sysctl(name: str) -> str | None:
    try:
        out = subprocess.run(["sysctl", "-n", name], capture_output=True, text=True, timeout=2)
        return out.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def memory() -> tuple[int, int]:
    """(total, available) system RAM in bytes."""
    import psutil

    vm = psutil.virtual_memory()
    return int(vm.total), int(vm.available)


def process_rss() -> int:
    import psutil

    return int(psutil.Process().memory_info().rss)


def release_freed_memory() -> None:
    """Hand memory that C code has freed back to the OS, where the C library can.

    glibc keeps freed blocks under its mmap threshold in its heaps, and that threshold
    rises to 32 MiB as a process frees large blocks. So a model's KV cache of up to
    32 MiB per buffer could stay in the process's resident memory after an unload,
    and the user would see no memory come back. ``malloc_trim(0)`` returns every free
    page of every heap. Elsewhere (macOS, Windows, musl) this does nothing.
    """
    if platform.system() != "Linux":
        return
    import ctypes

    try:
        trim = ctypes.CDLL(None).malloc_trim  # the C library already in the process
    except (OSError, AttributeError):  # not glibc
        return
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    trim(0)


def _nvidia_gpus() -> list[GPUInfo]:
    exe = shutil.which("nvidia-smi")
    if not exe:
        return []
    try:
        out = subprocess.run(
            [exe, "--query-gpu=name,memory.total,memory.free", "--format=csv,noheader,nounits"],
            capture_output=True,
            text=True,
            timeout=5,
        )
    except (OSError, subprocess.SubprocessError):
        return []
    gpus = []
    for line in out.stdout.splitlines():
        parts = [p.strip() for p in line.split(",")]
        if len(parts) == 3 and parts[1].isdigit():
            gpus.append(GPUInfo(parts[0], int(parts[1]) << 20, int(parts[2]) << 20, "cuda"))
    return gpus


def _metal_gpus(ram_total: int) -> list[GPUInfo]:
    if platform.system() != "Darwin" or platform.machine() != "arm64":
        return []
    # Metal may wire up to about 3/4 of unified memory by default.
    usable = int(ram_total * 0.75)
    return [GPUInfo(_sysctl("machdep.cpu.brand_string") or "Apple GPU", usable, usable, "metal")]


def detect_hardware() -> HardwareInfo:
    import psutil

    model, simd = _cpu_model_and_flags()
    total, avail = memory()
    gpus = _nvidia_gpus() or _metal_gpus(total)
    return HardwareInfo(
        cpu_model=model,
        physical_cores=psutil.cpu_count(logical=False) or os.cpu_count() or 1,
        logical_cores=os.cpu_count() or 1,
        simd=simd,
        ram_total=total,
        ram_available=avail,
        os=f"{platform.system()} {platform.release()}",
        machine=platform.machine(),
        gpus=tuple(gpus),
    )


def default_threads() -> int:
    """llama.cpp decodes fastest with one thread per physical core."""
    try:
        import psutil

        n = psutil.cpu_count(logical=False)
    except ImportError:  # pragma: no cover
        n = None
    return max(1, n or os.cpu_count() or 1)
