"""Curated starter models (``resources/models/recommended.json``) and the pick for this machine.

The first-run screen offers :func:`pick_starter`: the largest model that runs fully on
the GPU, or, without a GPU big enough, the largest that runs on the CPU at a usable
speed (CPU decoding slows roughly with file size, so CPU picks stop at ~5 GB).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from app.core.fit import Verdict
from app.core.hardware import HardwareInfo
from app.models.hub_fit import FitBadge, badge_from_size

RESOURCE = Path(__file__).resolve().parents[2] / "resources" / "models" / "recommended.json"
CPU_COMFORT_BYTES = 5 << 30


class Recommendation(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    repo: str
    file: str
    quant: str
    size_bytes: int
    parameters: str
    license: str
    why: str


class _RecommendedFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int
    note: str = ""
    models: list[Recommendation]


@dataclass(frozen=True)
class StarterChoice:
    model: Recommendation
    fit: FitBadge

    def to_dict(self) -> dict[str, Any]:
        return {**self.model.model_dump(), "fit": self.fit.to_dict()}


def recommended(path: Path = RESOURCE) -> list[Recommendation]:
    data = _RecommendedFile.model_validate(json.loads(path.read_text(encoding="utf-8")))
    return sorted(data.models, key=lambda m: m.size_bytes)


def rank_for(hw: HardwareInfo, models: list[Recommendation] | None = None) -> list[StarterChoice]:
    """Every recommendation with its fit badge, best choice for ``hw`` first."""
    choices = [
        StarterChoice(m, badge_from_size(m.size_bytes, hw)) for m in (models or recommended())
    ]

    def score(c: StarterChoice) -> tuple[int, int]:
        v = c.fit.verdict
        if v is Verdict.FULL_GPU:
            return (3, c.model.size_bytes)
        if v is not Verdict.WONT_FIT and c.model.size_bytes <= CPU_COMFORT_BYTES:
            return (2 if v is Verdict.PARTIAL else 1, c.model.size_bytes)
        if v is not Verdict.WONT_FIT:
            return (0, -c.model.size_bytes)
        return (-1, -c.model.size_bytes)

    return sorted(choices, key=score, reverse=True)


def pick_starter(hw: HardwareInfo, models: list[Recommendation] | None = None) -> StarterChoice:
    return rank_for(hw, models)[0]
