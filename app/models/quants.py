"""Read what a GGUF file name says: quantization, split part, projector, library name.

File names are the only thing a hub listing gives us before downloading, so the
parsing here drives grouping (one row per quantization, split parts summed) and the
short names users type (``qwen2.5-0.5b-instruct:Q4_K_M``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

_SPLIT = re.compile(r"-(\d{5})-of-(\d{5})$", re.IGNORECASE)
# Longest alternatives first; the lookarounds keep "Q4" inside "Qwen2-Q4..." from matching.
_QUANT = re.compile(
    r"(?<![A-Za-z0-9])"
    r"(?P<q>(?:UD-)?(?:"
    r"MXFP4(?:_MOE)?"
    r"|I?Q\d(?:_[0-9]){0,3}(?:_K)?(?:_(?:XXS|XS|XL|NL|S|M|L))?"
    r"|TQ\d_\d"
    r"|BF16|FP16|FP32|F16|F32"
    r"))"
    r"(?![A-Za-z0-9])",
    re.IGNORECASE,
)

#: Approximate bits per weight (llama.cpp's quantize table), for sorting and size hints.
BITS_PER_WEIGHT: dict[str, float] = {
    "IQ1_S": 1.56, "IQ1_M": 1.75, "TQ1_0": 1.69, "TQ2_0": 2.06, "IQ2_XXS": 2.06, "IQ2_XS": 2.31,
    "IQ2_S": 2.5, "IQ2_M": 2.7, "Q2_K_S": 2.97, "Q2_K": 3.0, "IQ3_XXS": 3.06, "IQ3_XS": 3.3,
    "IQ3_S": 3.44, "Q3_K_S": 3.5, "IQ3_M": 3.66, "Q3_K_M": 3.91, "Q3_K_L": 4.27, "Q3_K_XL": 4.3,
    "IQ4_XS": 4.25, "IQ4_NL": 4.5, "Q4_0": 4.55, "Q4_1": 5.0, "Q4_K_S": 4.58, "Q4_K_M": 4.89,
    "Q4_K_L": 5.0, "Q4_K_XL": 5.0, "MXFP4": 4.25, "MXFP4_MOE": 4.25, "Q5_0": 5.5, "Q5_1": 6.0,
    "Q5_K_S": 5.54, "Q5_K_M": 5.69, "Q5_K_L": 5.8, "Q5_K_XL": 5.8, "Q6_K": 6.56, "Q6_K_L": 6.7,
    "Q6_K_XL": 6.7, "Q8_0": 8.5, "Q8_K_XL": 8.6, "F16": 16.0, "BF16": 16.0, "F32": 32.0,
}  # fmt: skip

#: When a name is ambiguous (several quantizations of one model), the first present wins.
PREFERRED_ORDER = (
    "Q4_K_M",
    "Q4_K_S",
    "Q5_K_M",
    "IQ4_XS",
    "Q4_0",
    "Q6_K",
    "Q8_0",
    "MXFP4",
    "BF16",
    "F16",
)


def normalize_quant(text: str) -> str:
    q = text.upper()
    return {"FP16": "F16", "FP32": "F32"}.get(q, q)


def quant_from_name(path: str) -> str | None:
    """The quantization written in a file name (or, failing that, its folders), e.g. ``Q4_K_M``."""
    p = PurePosixPath(path.replace("\\", "/"))
    stem = _SPLIT.sub("", p.name[:-5] if p.name.lower().endswith(".gguf") else p.name)
    for text in (stem, *reversed(p.parent.parts)):
        matches = _QUANT.findall(text)
        if matches:
            return normalize_quant(matches[-1])
    return None


def bits_per_weight(quant: str | None) -> float | None:
    if not quant:
        return None
    return BITS_PER_WEIGHT.get(quant.upper().removeprefix("UD-"))


def quant_rank(quant: str | None) -> tuple[float, str]:
    """Sort key: lower precision first, unknown last."""
    bits = bits_per_weight(quant)
    return (bits if bits is not None else 99.0, quant or "")


@dataclass(frozen=True)
class GGUFName:
    """What a GGUF file name tells: base model name, quantization, split part, projector."""

    filename: str  # path inside a repo or folder, as given
    base: str  # model name without quantization and split suffix, e.g. "Qwen2.5-0.5B-Instruct"
    quant: str | None
    part: int | None  # 1-based split part number
    parts: int | None
    is_mmproj: bool

    @property
    def is_split(self) -> bool:
        return self.parts is not None and self.parts > 1

    @property
    def is_first_part(self) -> bool:
        return not self.is_split or self.part == 1

    @property
    def split_stem(self) -> str:
        """The file name without the ``-0000N-of-0000M.gguf`` suffix (groups the parts)."""
        name = self.filename[:-5] if self.filename.lower().endswith(".gguf") else self.filename
        return _SPLIT.sub("", name)


def parse_name(filename: str) -> GGUFName:
    p = PurePosixPath(filename.replace("\\", "/"))
    stem = p.name[:-5] if p.name.lower().endswith(".gguf") else p.name
    part = parts = None
    m = _SPLIT.search(stem)
    if m:
        part, parts = int(m.group(1)), int(m.group(2))
        stem = stem[: m.start()]
    quant = quant_from_name(filename)
    base = stem
    matches = list(_QUANT.finditer(stem))
    if matches:
        last = matches[-1]
        base = (stem[: last.start()] + stem[last.end() :]).strip("-_. ")
    base = re.sub(r"[-_.]{2,}", "-", base) or stem
    is_mmproj = "mmproj" in p.name.lower()
    return GGUFName(filename, base, quant, part, parts, is_mmproj)


def library_name(base: str, quant: str | None) -> str:
    """The name users type: lower-case base, upper-case quantization tag (``name:Q4_K_M``)."""
    clean = re.sub(r"\s+", "-", base.strip()).lower() or "model"
    return f"{clean}:{quant}" if quant else clean
