"""The local model library: every GGUF Hearth can load, found once and remembered.

``ModelLibrary.scan()`` walks Hearth's models folder, the user's folders, the Hugging
Face cache and the stores of other apps the user imported. A file whose size and
modification time match the index is taken from the index without being opened;
only new or changed files have their header read. Split models are one entry;
vision projectors (mmproj) are recognised and attached to the model beside them.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from app.core.errors import HearthError, ModelFileError, ModelNotFoundError
from app.core.gguf import is_split_part, read_info, split_parts
from app.core.paths import DataPaths
from app.models import importers
from app.models.importers import Candidate
from app.models.integrity import ProgressFn, VerifyResult, check_hashes, link_projectors
from app.models.library_index import (
    FileStat,
    LibraryEntry,
    LibraryIndex,
    load_index,
    save_index,
    stat_files,
)
from app.models.quants import PREFERRED_ORDER, library_name, parse_name

#: Sources whose files belong to another program: Hearth never deletes them.
FOREIGN_SOURCES = frozenset(importers.OTHER_APPS)


@dataclass(frozen=True)
class ScanReport:
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    unchanged: int = 0
    headers_read: int = 0  # files opened during this scan (0 when nothing changed)
    seconds: float = 0.0


class ModelLibrary:
    """The persistent library index plus the operations on it. Thread-safe."""

    def __init__(
        self,
        paths: DataPaths,
        folders: Sequence[Path] = (),
        *,
        hf_cache: Path | None = None,
        include_hf_cache: bool = True,
    ) -> None:
        self.paths = paths
        self.folders = tuple(Path(f).expanduser() for f in folders)
        self.hf_cache = hf_cache
        self.include_hf_cache = include_hf_cache
        self._lock = threading.RLock()
        self._index = load_index(paths.library_index)
        self._index_stamp = self._stamp()

    @classmethod
    def from_settings(cls, paths: DataPaths) -> ModelLibrary:
        from app.core.settings import SettingsStore

        settings = SettingsStore(paths).load()
        return cls(paths, [Path(f) for f in settings.models.folders])

    # --- reading ---------------------------------------------------------------------

    @property
    def index(self) -> LibraryIndex:
        return self._index

    @property
    def has_index(self) -> bool:
        return self.paths.library_index.exists()

    def entries(self, *, include_unusable: bool = False) -> list[LibraryEntry]:
        return [e for e in self._index.entries if include_unusable or e.usable]

    def aliases_of(self, entry: LibraryEntry) -> list[str]:
        return sorted(a for a, p in self._index.aliases.items() if p == entry.path)

    def find(self, name: str) -> LibraryEntry | None:
        """Exact name, alias, a name without its ``:QUANT`` tag, or a case-insensitive match."""
        usable = self.entries()
        by_path = {e.path: e for e in usable}
        for e in usable:
            if e.name == name:
                return e
        if name in self._index.aliases:
            return by_path.get(self._index.aliases[name])
        low = name.lower()
        exact = [e for e in usable if e.name.lower() == low]
        if exact:
            return exact[0]
        family = [e for e in usable if e.name.lower().split(":", 1)[0] == low]
        if not family:
            return None

        def rank(e: LibraryEntry) -> tuple[int, str]:
            q = e.name.split(":", 1)[1] if ":" in e.name else e.quantization
            return (
                PREFERRED_ORDER.index(q) if q in PREFERRED_ORDER else len(PREFERRED_ORDER),
                e.name,
            )

        return min(family, key=rank)

    def get(self, name: str) -> LibraryEntry:
        entry = self.find(name)
        if entry is None:
            raise ModelNotFoundError(
                f"There is no model called '{name}' in your library.",
                hint="Run 'hearth ls' to see the names, or 'hearth pull' to download one.",
            )
        return entry

    # --- scanning --------------------------------------------------------------------

    def _candidates(self) -> Iterator[Candidate]:
        yield from importers.scan_folder(self.paths.models_dir, "hearth", repo_layout=True)
        for folder in self.folders:
            yield from importers.scan_folder(folder, "folder")
        if self.include_hf_cache:
            yield from importers.scan_hf_cache(self.hf_cache)
        for app in self._index.imported_apps:
            yield from importers.scan_app(app)

    def scan(self) -> ScanReport:
        """Bring the index up to date; unchanged files cost one ``stat`` each."""
        with self._lock:
            start = time.perf_counter()
            if self._stamp() != self._index_stamp:  # another process (a CLI pull) changed it
                self._index = load_index(self.paths.library_index)
                self._index_stamp = self._stamp()
            report = self._scan(list(self._candidates()))
            return ScanReport(**{**report.__dict__, "seconds": time.perf_counter() - start})

    def _scan(self, candidates: Iterable[Candidate]) -> ScanReport:
        old = {e.path: e for e in self._index.entries}
        hidden = set(self._index.hidden)
        kept: list[LibraryEntry] = []
        fresh: list[tuple[Candidate, LibraryEntry]] = []
        seen: dict[str, str] = {}  # real path -> index key (one file reached twice is one entry)
        extra_names: dict[str, str] = {}  # names other routes give a file already listed -> key
        added: list[str] = []
        changed: list[str] = []
        headers = unchanged = 0
        for cand in candidates:
            real = os.path.realpath(cand.path)
            key = str(cand.path)
            split = is_split_part(cand.path)
            if real in seen:
                if cand.name_hint:  # e.g. two Ollama tags of one blob: the second becomes an alias
                    extra_names.setdefault(cand.name_hint, seen[real])
                continue
            if key in hidden or (split and split[0] != 1):
                continue
            seen[real] = key
            prev = old.get(key)
            try:
                parts = tuple(str(p) for p in split_parts(cand.path))
                stats = stat_files(parts)
            except (ModelFileError, OSError) as exc:
                entry = self._broken(cand, str(exc), prev)
                if prev is not None and prev.error == entry.error and prev.files == entry.files:
                    kept.append(prev)
                    unchanged += 1
                else:
                    fresh.append((cand, entry))
                    (changed if prev else added).append(key)
                continue
            if prev is not None and prev.files == stats:
                kept.append(prev)
                unchanged += 1
                continue
            headers += len(parts)
            entry = self._read(cand, parts, stats, prev)
            fresh.append((cand, entry))
            (changed if prev else added).append(str(cand.path))
        taken = {e.name for e in kept}
        named: list[LibraryEntry] = []
        for _cand, entry in fresh:
            prev = old.get(entry.path)
            name = prev.name if prev and prev.name not in taken else self._unique(entry.name, taken)
            taken.add(name)
            named.append(entry.model_copy(update={"name": name}))
        entries = link_projectors(kept + named)
        paths_now = {e.path for e in entries}
        removed = tuple(e.name for p, e in old.items() if p not in paths_now)
        aliases = {a: p for a, p in self._index.aliases.items() if p in paths_now}
        names_now = {e.name for e in entries}
        for alias_name, p in extra_names.items():
            if p in paths_now and alias_name not in names_now:
                aliases.setdefault(alias_name, p)
        updated = self._index.model_copy(update={"entries": tuple(entries), "aliases": aliases})
        if updated != self._index or not self.has_index:  # unchanged: no write either
            self._save(updated)
        by_path = {e.path: e.name for e in entries}
        return ScanReport(
            added=tuple(by_path[p] for p in added if p in by_path),
            removed=removed,
            changed=tuple(by_path[p] for p in changed if p in by_path),
            unchanged=unchanged,
            headers_read=headers,
        )

    @staticmethod
    def _unique(name: str, taken: set[str]) -> str:
        if name not in taken:
            return name
        base, sep, tag = name.partition(":")
        n = 2
        while f"{base}-{n}{sep}{tag}" in taken:
            n += 1
        return f"{base}-{n}{sep}{tag}"

    def _broken(self, cand: Candidate, error: str, prev: LibraryEntry | None) -> LibraryEntry:
        parsed = parse_name(cand.path.name)
        try:
            st = stat_files((str(cand.path),))
        except OSError:
            st = ()
        return LibraryEntry(
            name=prev.name if prev else (cand.name_hint or library_name(parsed.base, parsed.quant)),
            path=str(cand.path),
            parts=(str(cand.path),),
            files=st,
            size_bytes=sum(s.size for s in st),
            source=cand.source,
            source_repo=cand.source_repo,
            is_mmproj=cand.is_mmproj or parsed.is_mmproj,
            added_at=prev.added_at if prev else time.time(),
            error=error,
        )

    def _read(
        self,
        cand: Candidate,
        parts: tuple[str, ...],
        stats: tuple[FileStat, ...],
        prev: LibraryEntry | None,
    ) -> LibraryEntry:
        parsed = parse_name(cand.path.name)
        try:
            info = read_info(cand.path)
        except HearthError as exc:
            return self._broken(cand, str(exc), prev)
        quant = parsed.quant or (info.quantization if info.quantization != "unknown" else None)
        base = parsed.base if parsed.base and not cand.name_hint else info.name
        hashes = {str(cand.path): cand.sha256} if cand.sha256 else {}
        if prev and prev.files == stats:
            hashes = {**prev.hashes, **hashes}
        return LibraryEntry(
            name=cand.name_hint or library_name(base, quant),
            path=str(cand.path),
            parts=parts,
            files=stats,
            size_bytes=sum(s.size for s in stats),
            source=cand.source,
            source_repo=cand.source_repo or (prev.source_repo if prev else None),
            source_file=prev.source_file if prev else None,
            display_name=info.name,
            architecture=info.architecture,
            parameters=info.parameter_count,
            parameters_label=info.parameter_label,
            quantization=quant or info.quantization,
            context_length=info.context_length,
            has_chat_template=info.has_chat_template,
            license=info.license,
            is_mmproj=info.is_mmproj or cand.is_mmproj,
            hashes=hashes,
            added_at=prev.added_at if prev else time.time(),
        )

    def _save(self, index: LibraryIndex) -> None:
        self._index = index
        save_index(self.paths.library_index, index)
        self._index_stamp = self._stamp()

    def _stamp(self) -> tuple[int, int] | None:
        try:
            st = self.paths.library_index.stat()
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_size)

    def _replace(self, old: LibraryEntry, new: LibraryEntry | None) -> None:
        entries = [e for e in self._index.entries if e.path != old.path]
        if new is not None:
            entries.append(new)
        self._save(self._index.model_copy(update={"entries": tuple(entries)}))

    # --- changing --------------------------------------------------------------------

    def add_downloaded(
        self, path: Path, *, source_repo: str, source_file: str, hashes: dict[str, str]
    ) -> LibraryEntry:
        """Register a verified download (all parts present) and return its entry."""
        with self._lock:
            self._scan([*self._candidates()])
            entry = next((e for e in self._index.entries if e.path == str(path)), None)
            if entry is None:
                raise ModelFileError(f"{path} was downloaded but is not a usable GGUF model.")
            updated = entry.model_copy(
                update={
                    "source_repo": source_repo,
                    "source_file": source_file,
                    "hashes": {**entry.hashes, **hashes},
                    "verified_at": time.time(),
                }
            )
            self._replace(entry, updated)
            return updated

    def import_apps(self, apps: Sequence[str]) -> ScanReport:
        """Make other apps' stores part of the library (in place, nothing copied) and scan."""
        with self._lock:
            unknown = [a for a in apps if a not in importers.OTHER_APPS]
            if unknown:
                raise HearthError(
                    f"Unknown app '{unknown[0]}'; choose from {', '.join(importers.OTHER_APPS)}."
                )
            merged = tuple(dict.fromkeys([*self._index.imported_apps, *apps]))
            self._index = self._index.model_copy(update={"imported_apps": merged})
            return self.scan()

    def alias(self, name: str, alias: str) -> LibraryEntry:
        """Give a model an extra name."""
        with self._lock:
            entry = self.get(name)
            other = self.find(alias)
            if (
                other is not None
                and other.path != entry.path
                and (other.name == alias or alias in self._index.aliases)
            ):
                raise HearthError(f"The name '{alias}' already belongs to {other.name}.")
            aliases = {**self._index.aliases, alias: entry.path}
            self._save(self._index.model_copy(update={"aliases": aliases}))
            return entry

    def rename(self, name: str, new_name: str) -> LibraryEntry:
        with self._lock:
            entry = self.get(name)
            clash = next(
                (e for e in self._index.entries if e.name == new_name and e.path != entry.path),
                None,
            )
            if clash is not None or self._index.aliases.get(new_name, entry.path) != entry.path:
                raise HearthError(f"The name '{new_name}' is already taken.")
            renamed = entry.model_copy(update={"name": new_name})
            self._replace(entry, renamed)
            return renamed

    def remove(self, name: str) -> int:
        """Delete a model's files (all parts) and return the bytes freed.

        Models that belong to another app (Ollama, LM Studio, GPT4All) are only hidden
        from the library, since deleting them would break that app: 0 bytes are freed.
        """
        with self._lock:
            entry = self.get(name)
            if entry.source in FOREIGN_SOURCES:
                hidden = (*self._index.hidden, entry.path)
                self._index = self._index.model_copy(update={"hidden": hidden})
                self._replace(entry, None)
                return 0
            freed = 0
            for part in entry.parts:
                p = Path(part)
                targets = [p]
                if p.is_symlink():  # Hugging Face cache: remove the blob as well as the link
                    targets.append(Path(os.path.realpath(p)))
                for t in targets:
                    try:
                        if not t.is_symlink():
                            freed += t.stat().st_size
                        t.unlink()
                    except FileNotFoundError:
                        pass
            aliases = {a: p for a, p in self._index.aliases.items() if p != entry.path}
            self._index = self._index.model_copy(update={"aliases": aliases})
            self._replace(entry, None)
            return freed

    def verify(
        self,
        name: str,
        *,
        expected: dict[str, str] | None = None,
        on_progress: ProgressFn | None = None,
    ) -> VerifyResult:
        """Recompute the sha256 of every part and compare with the recorded (or given) hash.

        Parts without a known hash get the computed one recorded, so a later verify
        can detect corruption.
        """
        entry = self.get(name)
        result = check_hashes(entry, {**entry.hashes, **(expected or {})}, on_progress)
        if result.ok:
            with self._lock:
                current = next((e for e in self._index.entries if e.path == entry.path), None)
                if current is not None:
                    update = {"hashes": result.hashes, "verified_at": time.time()}
                    self._replace(current, current.model_copy(update=update))
        return result
