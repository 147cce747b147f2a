"""What the installed llama.cpp build can do: its GPU backend and the devices it sees."""

from __future__ import annotations

import ctypes
import logging
import platform
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.core.hardware import GPUInfo

log = logging.getLogger(__name__)

# ggml_backend_dev_type
_DEV_CPU, _DEV_GPU, _DEV_IGPU, _DEV_ACCEL = 0, 1, 2, 3


@dataclass(frozen=True)
class BackendInfo:
    """``backend`` is the best compute backend available: cpu, cuda, metal, vulkan, ..."""

    backend: str
    llama_cpp_version: str
    gpu_offload: bool
    devices: tuple[GPUInfo, ...] = field(default_factory=tuple)
    system_info: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "backend": self.backend,
            "llama_cpp_python": self.llama_cpp_version,
            "gpu_offload": self.gpu_offload,
            "devices": [d.__dict__ for d in self.devices],
            "system_info": self.system_info,
        }


def _ggml_lib() -> ctypes.CDLL | None:
    import llama_cpp

    libdir = Path(llama_cpp.__file__).parent / "lib"
    names = {"Linux": "libggml.so", "Darwin": "libggml.dylib", "Windows": "ggml.dll"}
    path = libdir / names.get(platform.system(), "libggml.so")
    try:
        return ctypes.CDLL(str(path))
    except OSError:
        return None


def _devices() -> list[GPUInfo]:
    lib = _ggml_lib()
    if lib is None:
        return []
    try:
        lib.ggml_backend_dev_count.restype = ctypes.c_size_t
        lib.ggml_backend_dev_get.restype = ctypes.c_void_p
        lib.ggml_backend_dev_get.argtypes = [ctypes.c_size_t]
        lib.ggml_backend_dev_type.restype = ctypes.c_int
        lib.ggml_backend_dev_type.argtypes = [ctypes.c_void_p]
        lib.ggml_backend_dev_name.restype = ctypes.c_char_p
        lib.ggml_backend_dev_name.argtypes = [ctypes.c_void_p]
        lib.ggml_backend_dev_description.restype = ctypes.c_char_p
        lib.ggml_backend_dev_description.argtypes = [ctypes.c_void_p]
        lib.ggml_backend_dev_memory.argtypes = [
            ctypes.c_void_p,
            ctypes.POINTER(ctypes.c_size_t),
            ctypes.POINTER(ctypes.c_size_t),
        ]
    except AttributeError:
        return []
    out = []
    for i in range(lib.ggml_backend_dev_count()):
        dev = lib.ggml_backend_dev_get(i)
        if lib.ggml_backend_dev_type(dev) not in (_DEV_GPU, _DEV_IGPU):
            continue
        name = (lib.ggml_backend_dev_name(dev) or b"").decode(errors="replace")
        desc = (lib.ggml_backend_dev_description(dev) or b"").decode(errors="replace")
        free, total = ctypes.c_size_t(0), ctypes.c_size_t(0)
        lib.ggml_backend_dev_memory(dev, ctypes.byref(free), ctypes.byref(total))
        kind = "cuda" if name.upper().startswith("CUDA") else name.rstrip("0123456789").lower()
        out.append(GPUInfo(desc or name, int(total.value), int(free.value), kind or "gpu"))
    return out


def backend_info() -> BackendInfo:
    """Ask llama.cpp (imports it: call from a worker or the CLI, not at GUI start-up)."""
    import llama_cpp

    from app.engine.llama_log import install_log_capture

    install_log_capture()
    llama_cpp.llama_backend_init()
    devices = _devices()
    sysinfo = llama_cpp.llama_print_system_info().decode(errors="replace")
    backend = devices[0].backend if devices else "cpu"
    return BackendInfo(
        backend=backend,
        llama_cpp_version=getattr(llama_cpp, "__version__", "?"),
        gpu_offload=bool(llama_cpp.llama_supports_gpu_offload()),
        devices=tuple(devices),
        system_info=sysinfo.strip(),
    )
