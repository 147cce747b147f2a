"""Will a GGUF on the Hub run here? Read its header over HTTP, then ask the engine's estimate.

The header (metadata and tensor table) sits at the start of the file, so a ``Range``
request for the first few MB gives the exact per-layer sizes without downloading the
weights. The bytes go into a sparse file of the real size, so the normal GGUF reader
(and its completeness check) works on it unchanged. Quantizations of one model share
their architecture, so one header serves them all: per-layer sizes scale with file size.
Without a header (no network, odd file) the verdict falls back to the file size.
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.core.errors import HearthError
from app.core.fit import GIB, VERDICT_TEXT, Verdict, budgets, estimate
from app.core.gguf import GGUFInfo, read_header, read_info
from app.core.hardware import HardwareInfo

HEADER_STEPS = (2 << 20, 8 << 20, 32 << 20, 96 << 20)
#: Context size the fit verdicts assume (what a chat needs; capped by the trained context).
FIT_CTX = 4096

FetchRange = Callable[[str, int], bytes]  # (filename in repo, n bytes) -> first bytes


@dataclass(frozen=True)
class FitBadge:
    """A fit verdict for one download option."""

    verdict: Verdict
    summary: str
    gpu_layers: int
    n_layers: int
    ram_bytes: int
    vram_bytes: int
    n_ctx: int
    exact: bool  # True: from the tensor table; False: from the file size alone

    @property
    def label(self) -> str:
        if self.verdict is Verdict.PARTIAL:
            return f"partial GPU ({self.gpu_layers}/{self.n_layers + 1} layers)"
        return {
            Verdict.FULL_GPU: "full GPU",
            Verdict.CPU_ONLY: "CPU only",
            Verdict.WONT_FIT: "will not fit",
        }[self.verdict]

    def to_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict.value,
            "label": self.label,
            "summary": self.summary,
            "gpu_layers": self.gpu_layers,
            "n_layers": self.n_layers,
            "ram_bytes": self.ram_bytes,
            "vram_bytes": self.vram_bytes,
            "n_ctx": self.n_ctx,
            "exact": self.exact,
        }


def fetch_header_info(fetch: FetchRange, files: Sequence[tuple[str, int]]) -> GGUFInfo:
    """GGUFInfo of a (possibly split) remote model from the first bytes of each part.

    ``files`` lists (filename, size) of every part in order. Raises HearthError when
    even the largest prefix does not hold a complete header.
    """
    with tempfile.TemporaryDirectory(prefix="hearth-hdr-") as tmp:
        local: list[Path] = []
        for name, size in files:
            dest = Path(tmp) / Path(name).name
            _fetch_one(fetch, name, size, dest)
            local.append(dest)
        return read_info(local[0])


def _fetch_one(fetch: FetchRange, name: str, size: int, dest: Path) -> None:
    last: Exception | None = None
    for want in HEADER_STEPS:
        n = min(want, size)
        data = fetch(name, n)
        with open(dest, "wb") as f:
            f.write(data)
            f.truncate(size)  # sparse: the reader sees the real size, no disk is used
        try:
            header = read_header(dest)
        except HearthError as exc:
            last = exc
        else:
            if header.data_offset <= len(data):
                return
        if n >= size:
            break
    raise HearthError(f"Could not read the header of {name} from Hugging Face.") from last


def scaled_info(info: GGUFInfo, size_bytes: int) -> GGUFInfo:
    """The same model at another quantization: weights scale with the file size."""
    if info.size_bytes <= 0 or size_bytes == info.size_bytes:
        return info
    k = size_bytes / info.size_bytes
    return dataclasses.replace(
        info,
        size_bytes=size_bytes,
        layer_bytes=tuple(int(b * k) for b in info.layer_bytes),
        nonlayer_bytes=int(info.nonlayer_bytes * k),
    )


def badge_from_info(info: GGUFInfo, hw: HardwareInfo) -> FitBadge:
    ctx = min(info.context_length or FIT_CTX, FIT_CTX)
    est = estimate(info, hw, n_ctx=ctx)
    return FitBadge(
        verdict=est.verdict,
        summary=est.summary(),
        gpu_layers=est.gpu_layers,
        n_layers=est.n_layers,
        ram_bytes=est.ram_bytes,
        vram_bytes=est.vram_bytes,
        n_ctx=ctx,
        exact=True,
    )


def badge_from_size(size_bytes: int, hw: HardwareInfo) -> FitBadge:
    """Rough verdict when no header could be read: weights plus ~15% and 0.5 GiB for the rest."""
    need = int(size_bytes * 1.15) + (512 << 20)
    ram_budget, vram_budget = budgets(hw)
    layers = 33  # unknown; a typical 7-8B model
    ram = vram = 0
    gl = 0
    if hw.gpus and need <= vram_budget:
        verdict, vram, gl = Verdict.FULL_GPU, need, layers
    elif hw.gpus and vram_budget > 0 and need - vram_budget <= ram_budget:
        gl = max(1, int(layers * vram_budget / need))
        verdict, vram, ram = Verdict.PARTIAL, vram_budget, need - vram_budget
    elif need <= ram_budget:
        verdict, ram = Verdict.CPU_ONLY, need
    else:
        verdict, ram = Verdict.WONT_FIT, need
    summary = f"{VERDICT_TEXT[verdict]}: about {need / GIB:.1f} GiB (estimated from the file size)."
    return FitBadge(verdict, summary, gl, layers - 1, ram, vram, FIT_CTX, exact=False)
