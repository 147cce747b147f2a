"""Where personas live: built-ins shipped in ``resources/personas`` (read-only) and the
user's own in the data folder (``personas/<name>.Modelfile``).

Both are plain Modelfiles, so a user can edit one by hand or hand it to Ollama. A user
persona with a built-in's name replaces it ("edit a built-in" saves a user copy;
deleting that copy brings the built-in back).
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.core.errors import HearthError, PersonaError, PersonaNotFoundError
from app.personas.model import Persona, normalise_name, persona_from_dict
from app.personas.modelfile import ParsedModelfile, export_modelfile, parse_modelfile

log = logging.getLogger(__name__)
SUFFIX = ".Modelfile"


def resources_dir() -> Path:
    """Hearth's ``resources`` folder: beside the ``app`` package in a checkout or a
    wheel-less install, or inside a PyInstaller bundle (``sys._MEIPASS/resources``)."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


def builtin_personas_dir() -> Path:
    return resources_dir() / "personas"


@dataclass(frozen=True)
class StoredPersona:
    """A persona plus where it came from (for lists, pickers and the editor)."""

    persona: Persona
    builtin: bool  # shipped with Hearth, read-only
    overrides_builtin: bool  # a user persona that replaces a built-in of the same name
    path: Path
    modified: float
    warnings: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.persona.name


class PersonaStore:
    """CRUD for personas. Cheap to create; reads the folders on every call."""

    def __init__(self, user_dir: Path | None = None, builtin_dir: Path | None = None) -> None:
        if user_dir is None:
            from app.core.paths import default_paths

            user_dir = default_paths().personas_dir
        self.user_dir = user_dir
        self.builtin_dir = builtin_dir if builtin_dir is not None else builtin_personas_dir()

    # ------------------------------------------------------------------ reading
    def _load(self, path: Path, builtin: bool) -> StoredPersona:
        name = normalise_name(path.name[: -len(SUFFIX)])
        parsed = parse_modelfile(
            path.read_text(encoding="utf-8"), name=name, base_dir=path.parent, check_files=False
        )
        return StoredPersona(
            parsed.persona, builtin, False, path, path.stat().st_mtime, parsed.warnings
        )

    def _scan(self, folder: Path, builtin: bool) -> dict[str, StoredPersona]:
        found: dict[str, StoredPersona] = {}
        if not folder.is_dir():
            return found
        for path in sorted(folder.glob(f"*{SUFFIX}")):
            try:
                sp = self._load(path, builtin)
            except (HearthError, OSError, UnicodeDecodeError) as exc:
                log.warning("skipping persona file %s: %s", path, exc)
                continue
            found[sp.name] = sp
        return found

    def list(self) -> list[StoredPersona]:
        """Every persona, user personas replacing built-ins of the same name, sorted by name."""
        builtins = self._scan(self.builtin_dir, True)
        merged = dict(builtins)
        for name, sp in self._scan(self.user_dir, False).items():
            merged[name] = StoredPersona(
                sp.persona, False, name in builtins, sp.path, sp.modified, sp.warnings
            )
        return [merged[k] for k in sorted(merged)]

    def find(self, name: str) -> StoredPersona | None:
        try:
            n = normalise_name(name)
        except PersonaError:
            return None
        user = self.user_dir / f"{n}{SUFFIX}"
        builtin = self.builtin_dir / f"{n}{SUFFIX}"
        if user.is_file():
            sp = self._load(user, False)
            return StoredPersona(
                sp.persona, False, builtin.is_file(), sp.path, sp.modified, sp.warnings
            )
        if builtin.is_file():
            return self._load(builtin, True)
        return None

    def get(self, name: str) -> Persona:
        sp = self.find(name)
        if sp is None:
            raise PersonaNotFoundError(
                f"No persona named '{name}'.", hint="Run 'hearth personas' to list them."
            )
        return sp.persona

    def exists(self, name: str) -> bool:
        return self.find(name) is not None

    # ------------------------------------------------------------------ writing
    def _checked_modelfile(self, persona: Persona) -> str:
        """The persona's Modelfile text, after checking that it reads back to the same
        persona (so nothing is saved that the list would then skip or change)."""
        text = export_modelfile(persona)
        try:
            back = parse_modelfile(
                text, name=persona.name, base_dir=self.user_dir, check_files=False
            ).persona
        except HearthError as exc:
            raise PersonaError(
                f"The persona '{persona.name}' was not saved: its Modelfile would not read "
                f"back ({exc.message})"
            ) from None
        changed = [k for k in Persona.model_fields if getattr(back, k) != getattr(persona, k)]
        if changed:
            raise PersonaError(
                f"The persona '{persona.name}' was not saved: its Modelfile would read back "
                f"with a different {', '.join(changed)}."
            )
        return text

    def _write(self, persona: Persona) -> StoredPersona:
        """Check, then replace ``<name>.Modelfile`` atomically (a temporary file, renamed)."""
        text = self._checked_modelfile(persona)
        self.user_dir.mkdir(parents=True, exist_ok=True)
        path = self.user_dir / f"{persona.name}{SUFFIX}"
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{persona.name}.", suffix=".tmp", dir=self.user_dir
        )
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
                f.write(text)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp_name, 0o644)  # mkstemp makes it private; a Modelfile is not
            os.replace(tmp_name, path)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
        sp = self.find(persona.name)
        assert sp is not None
        return sp

    def create(
        self, persona: Persona | dict[str, Any], *, overwrite: bool = False
    ) -> StoredPersona:
        """Save a new user persona. A name already taken is an error unless ``overwrite``
        (a user persona named like a built-in replaces the built-in)."""
        p = persona if isinstance(persona, Persona) else persona_from_dict(persona)
        existing = self.find(p.name)
        if existing is not None and not overwrite:
            kind = "a built-in persona" if existing.builtin else "a persona"
            raise PersonaError(
                f"There is already {kind} named '{p.name}'.",
                hint="Choose another name, or edit it instead.",
            )
        self._check_base(p)
        return self._write(p)

    def update(self, name: str, persona: Persona | None = None, **changes: Any) -> StoredPersona:
        """Replace persona ``name`` with ``persona`` (or with ``changes`` applied). Renaming
        is allowed; editing a built-in saves a user copy that replaces it."""
        current = self.get(name)
        new = persona if persona is not None else current.with_changes(**changes)
        if new.name != current.name:
            if self.exists(new.name):
                raise PersonaError(f"There is already a persona named '{new.name}'.")
            self._check_base(new)
            stored = self._write(new)
            old = self.user_dir / f"{current.name}{SUFFIX}"
            if old.is_file():
                old.unlink()
            return stored
        self._check_base(new)
        return self._write(new)

    def duplicate(self, name: str, new_name: str | None = None) -> StoredPersona:
        """Copy a persona (built-in or user) under a new name (default ``<name>-copy``)."""
        src = self.get(name)
        if new_name is None:
            new_name, i = f"{src.name}-copy", 2
            while self.exists(new_name):
                new_name, i = f"{src.name}-copy{i}", i + 1
        title = f"{src.display_name} (copy)" if src.title else None
        return self.create(src.with_changes(name=new_name, title=title))

    def delete(self, name: str) -> None:
        """Delete a user persona (a built-in it replaced comes back); built-ins cannot be deleted."""
        sp = self.find(name)
        if sp is None:
            raise PersonaNotFoundError(f"No persona named '{name}'.")
        if sp.builtin:
            raise PersonaError(
                f"'{sp.name}' is built into Hearth and cannot be deleted.",
                hint="Duplicate it to make your own version.",
            )
        sp.path.unlink()

    def _check_base(self, p: Persona) -> None:
        """A persona may be based on another persona, but not (indirectly) on itself."""
        seen = {p.name}
        base = p.base
        while base is not None:
            try:
                parent_name = normalise_name(base)
            except PersonaError:
                return
            if parent_name in seen:
                raise PersonaError(
                    f"Persona '{p.name}' would be based on itself (through '{base}')."
                )
            seen.add(parent_name)
            parent = self.find(parent_name)
            if parent is None:
                return
            base = parent.persona.base

    # ------------------------------------------------------------ Modelfiles
    def import_modelfile(
        self,
        source: str | Path,
        name: str | None = None,
        *,
        overwrite: bool = False,
        base_dir: Path | None = None,
    ) -> tuple[StoredPersona, tuple[str, ...]]:
        """Create a persona from Modelfile text (``str``) or a Modelfile ``Path``.

        A path's relative FROM/ADAPTER paths resolve against its folder, and its name
        defaults to the file name (or the folder's, for a file called ``Modelfile``).
        Returns the stored persona and the parser's warnings.
        """
        if isinstance(source, Path):
            text = source.read_text(encoding="utf-8")
            base_dir = base_dir or source.parent
            if name is None:
                stem = source.name[: -len(SUFFIX)] if source.name.endswith(SUFFIX) else source.stem
                name = source.resolve().parent.name if stem.lower() in ("modelfile", "") else stem
        else:
            text = source
        if name is None:
            raise PersonaError("A persona imported from text needs a name.")
        parsed: ParsedModelfile = parse_modelfile(text, name=name, base_dir=base_dir)
        return self.create(parsed.persona, overwrite=overwrite), parsed.warnings

    def export_modelfile(self, persona: Persona | str, *, base: str | None = None) -> str:
        """Modelfile text for a persona (or a persona's name)."""
        p = self.get(persona) if isinstance(persona, str) else persona
        return export_modelfile(p, base=base)
