"""Hugging Face Hub: search GGUF repos, and a repo's files grouped by quantization with fit verdicts.

Everything goes through the real ``huggingface_hub`` client, pointed at
``settings.models.hf_endpoint``, ``HF_ENDPOINT`` or huggingface.co. The token comes
from the caller, ``HF_TOKEN`` or the OS keychain (``hearth login``), never a file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from itertools import islice
from typing import TYPE_CHECKING, Any

from app.models.hub_errors import hub_errors
from app.models.hub_fit import (
    FitBadge,
    badge_from_info,
    badge_from_size,
    fetch_header_info,
    scaled_info,
)
from app.models.quants import bits_per_weight, parse_name, quant_rank

if TYPE_CHECKING:
    from huggingface_hub import HfApi

    from app.core.hardware import HardwareInfo

DEFAULT_ENDPOINT = "https://huggingface.co"
#: ``--sort`` choices -> huggingface_hub's sort keys
SORTS = {
    "downloads": "downloads",
    "likes": "likes",
    "trending": "trending_score",
    "recent": "created_at",
    "updated": "last_modified",
}
_EXPAND = [
    "author",
    "downloads",
    "likes",
    "trendingScore",
    "createdAt",
    "lastModified",
    "gated",
    "tags",
]


def hub_endpoint(configured: str | None = None) -> str:
    return (configured or os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/")


def hub_token(explicit: str | None = None) -> str | None:
    """The token to send: explicit, then ``HF_TOKEN``, then the OS keychain."""
    if explicit:
        return explicit
    env = os.environ.get("HF_TOKEN") or os.environ.get("HUGGING_FACE_HUB_TOKEN")
    if env:
        return env
    from app.core.keychain import HF_TOKEN, get_secret

    return get_secret(HF_TOKEN)


@dataclass(frozen=True)
class RepoSummary:
    repo_id: str
    author: str | None
    downloads: int
    likes: int
    trending: float
    created_at: str | None
    last_modified: str | None
    gated: bool
    license: str | None
    tags: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.__dict__.items()}


@dataclass(frozen=True)
class RemoteFile:
    filename: str  # path inside the repo
    size: int
    sha256: str | None  # LFS hash (None for small non-LFS files)


@dataclass(frozen=True)
class QuantOption:
    """One download choice: a quantization of a model (all parts of a split file)."""

    quant: str
    base: str
    files: tuple[RemoteFile, ...]
    fit: FitBadge | None = None

    @property
    def size_bytes(self) -> int:
        return sum(f.size for f in self.files)

    @property
    def is_split(self) -> bool:
        return len(self.files) > 1

    @property
    def bits(self) -> float | None:
        return bits_per_weight(self.quant)

    def to_dict(self) -> dict[str, Any]:
        return {
            "quant": self.quant,
            "base": self.base,
            "size_bytes": self.size_bytes,
            "bits_per_weight": self.bits,
            "files": [f.__dict__ for f in self.files],
            "fit": self.fit.to_dict() if self.fit else None,
        }


@dataclass(frozen=True)
class RepoDetail:
    repo_id: str
    sha: str | None
    license: str | None
    gated: bool
    downloads: int
    likes: int
    card: str
    options: tuple[QuantOption, ...]
    projectors: tuple[RemoteFile, ...] = ()
    other_files: tuple[RemoteFile, ...] = field(default=(), repr=False)

    def option(self, quant: str) -> QuantOption | None:
        q = quant.upper()
        return next((o for o in self.options if o.quant.upper() == q), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "repo_id": self.repo_id,
            "sha": self.sha,
            "license": self.license,
            "gated": self.gated,
            "downloads": self.downloads,
            "likes": self.likes,
            "card": self.card,
            "options": [o.to_dict() for o in self.options],
            "projectors": [f.__dict__ for f in self.projectors],
        }


def group_files(files: list[RemoteFile]) -> tuple[list[QuantOption], list[RemoteFile]]:
    """GGUF files -> one option per (model, quantization) with split parts together; projectors apart."""
    groups: dict[tuple[str, str], list[tuple[int, RemoteFile]]] = {}
    projectors: list[RemoteFile] = []
    for f in files:
        if not f.filename.lower().endswith(".gguf"):
            continue
        name = parse_name(f.filename)
        if name.is_mmproj:
            projectors.append(f)
            continue
        quant = name.quant or "unknown"
        groups.setdefault((name.base, quant), []).append((name.part or 1, f))
    bases = {b for b, _ in groups}
    options = [
        QuantOption(quant=q, base=b, files=tuple(f for _, f in sorted(parts, key=lambda t: t[0])))
        for (b, q), parts in groups.items()
    ]
    key = (
        (lambda o: quant_rank(o.quant))
        if len(bases) == 1
        else (lambda o: (o.base, *quant_rank(o.quant)))
    )
    return sorted(options, key=key), projectors


class HubClient:
    """Search and inspect GGUF repos on the Hugging Face Hub."""

    def __init__(self, endpoint: str | None = None, token: str | None = None) -> None:
        self.endpoint = hub_endpoint(endpoint)
        self.token = hub_token(token)
        self._reached_at = -1e9

    def _check_reachable(self) -> None:
        """Fail in seconds when offline (the client's own retries take ~25 s), at most once a minute."""
        import time

        from huggingface_hub import get_session

        now = time.monotonic()
        if now - self._reached_at < 60:
            return
        with hub_errors("the Hub"):
            get_session().head(self.endpoint, timeout=5, follow_redirects=False)
        self._reached_at = now

    def api(self) -> HfApi:
        from huggingface_hub import HfApi

        return HfApi(endpoint=self.endpoint, token=self.token)

    def search(
        self, query: str = "", *, sort: str = "downloads", limit: int = 20, page: int = 0
    ) -> list[RepoSummary]:
        """GGUF repos matching ``query``, best first by ``sort``; ``page`` counts from 0."""
        if sort not in SORTS:
            from app.core.errors import InvalidRequestError

            raise InvalidRequestError(f"Unknown sort '{sort}'; choose from {', '.join(SORTS)}.")
        self._check_reachable()
        with hub_errors("the model search"):
            models = self.api().list_models(
                search=query or None,
                filter="gguf",
                sort=SORTS[sort],  # type: ignore[arg-type]
                limit=limit * (page + 1),
                expand=_EXPAND,  # type: ignore[arg-type]
            )
            found = list(islice(models, limit * page, limit * (page + 1)))
        return [_summary(m) for m in found]

    def repo(
        self,
        repo_id: str,
        *,
        revision: str | None = None,
        hw: HardwareInfo | None = None,
        fit: bool = True,
    ) -> RepoDetail:
        """A repo's GGUF files grouped by quantization, each with a fit verdict for ``hw``."""
        with hub_errors(repo_id):
            info = self.api().model_info(repo_id, revision=revision, files_metadata=True)
        files = [
            RemoteFile(
                s.rfilename,
                int(s.size or (s.lfs.size if s.lfs else 0)),
                s.lfs.sha256 if s.lfs else None,
            )
            for s in info.siblings or []
        ]
        options, projectors = group_files(files)
        sha = info.sha
        if fit and options:
            if hw is None:
                from app.core.hardware import detect_hardware

                hw = detect_hardware()
            options = self._with_fit(repo_id, sha or revision or "main", options, hw)
        card_data: dict[str, Any] = info.card_data.to_dict() if info.card_data else {}  # type: ignore[no-untyped-call]
        license_ = card_data.get("license") or next(
            (t.split(":", 1)[1] for t in info.tags or [] if t.startswith("license:")), None
        )
        return RepoDetail(
            repo_id=info.id,
            sha=sha,
            license=str(license_) if license_ else None,
            gated=bool(info.gated),
            downloads=int(info.downloads or 0),
            likes=int(info.likes or 0),
            card=self.model_card(repo_id, sha or revision)
            if any(f.filename == "README.md" for f in files)
            else "",
            options=tuple(options),
            projectors=tuple(projectors),
            other_files=tuple(f for f in files if not f.filename.lower().endswith(".gguf")),
        )

    def model_card(self, repo_id: str, revision: str | None = None) -> str:
        """The README text (empty if it cannot be read, e.g. a gated repo without a token)."""
        try:
            return self._get(repo_id, "README.md", revision).decode("utf-8", errors="replace")
        except Exception:
            return ""

    def file_url(self, repo_id: str, filename: str, revision: str | None = None) -> str:
        from huggingface_hub import hf_hub_url

        return hf_hub_url(repo_id, filename, revision=revision, endpoint=self.endpoint)

    def auth_headers(self) -> dict[str, str]:
        from huggingface_hub.utils._headers import build_hf_headers

        return dict(build_hf_headers(token=self.token, library_name="hearth"))

    def _get(
        self,
        repo_id: str,
        filename: str,
        revision: str | None,
        byte_range: tuple[int, int] | None = None,
    ) -> bytes:
        from huggingface_hub import get_session, hf_raise_for_status

        headers = self.auth_headers()
        if byte_range:
            headers["Range"] = f"bytes={byte_range[0]}-{byte_range[1]}"
        resp = get_session().get(
            self.file_url(repo_id, filename, revision),
            headers=headers,
            follow_redirects=True,
            timeout=30,
        )
        hf_raise_for_status(resp)
        return bytes(resp.content)

    def _with_fit(
        self, repo_id: str, revision: str, options: list[QuantOption], hw: HardwareInfo
    ) -> list[QuantOption]:
        ref = min(options, key=lambda o: (o.is_split, o.size_bytes))  # one small header serves all
        try:
            with hub_errors(repo_id):
                info = fetch_header_info(
                    lambda name, n: self._get(repo_id, name, revision, (0, n - 1)),
                    [(f.filename, f.size) for f in ref.files],
                )
        except Exception:
            info = None
        out = []
        for o in options:
            if info is not None and (o.base == ref.base or len({x.base for x in options}) == 1):
                badge = badge_from_info(scaled_info(info, o.size_bytes), hw)
            else:
                badge = badge_from_size(o.size_bytes, hw)
            out.append(QuantOption(o.quant, o.base, o.files, badge))
        return out


def _summary(m: Any) -> RepoSummary:
    tags = tuple(m.tags or ())
    lic = next((t.split(":", 1)[1] for t in tags if t.startswith("license:")), None)
    return RepoSummary(
        repo_id=m.id,
        author=m.author or m.id.split("/")[0],
        downloads=int(m.downloads or 0),
        likes=int(m.likes or 0),
        trending=float(m.trending_score or 0),
        created_at=m.created_at.isoformat() if m.created_at else None,
        last_modified=m.last_modified.isoformat() if m.last_modified else None,
        gated=bool(m.gated),
        license=lic,
        tags=tags,
    )
