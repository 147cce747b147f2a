"""The persona store: built-ins, user personas, and their CRUD API."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from app.core.errors import ModelfileError, PersonaError, PersonaNotFoundError
from app.personas.model import Persona
from app.personas.store import PersonaStore, builtin_personas_dir, resources_dir


def test_builtins_are_useful_and_found_in_resources() -> None:
    folder = builtin_personas_dir()
    assert folder == resources_dir() / "personas"
    assert folder.is_dir()
    store = PersonaStore(user_dir=Path("/nonexistent-user-dir"))
    items = store.list()
    assert len(items) >= 6
    for sp in items:
        p = sp.persona
        assert sp.builtin and not sp.warnings
        assert p.base is None  # they run on whatever model the user has
        assert p.title and p.description and p.icon
        assert p.system and len(p.system) > 200
        assert "temperature" in p.parameters


def test_resources_dir_inside_a_pyinstaller_bundle(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources_dir() == tmp_path / "resources"


def test_create_get_update_rename_delete(store: PersonaStore, hearth_home: Path) -> None:
    stored = store.create(
        Persona(name="Helper", system="Be helpful.", parameters={"temperature": 0.3})
    )
    assert stored.name == "helper" and not stored.builtin
    assert stored.path == hearth_home / "personas" / "helper.Modelfile"
    assert stored.path.read_text().startswith("# Modelfile for the Hearth persona 'helper'")
    assert store.get("HELPER").system == "Be helpful."
    assert store.get("helper:latest").name == "helper"
    with pytest.raises(PersonaError, match="already a persona"):
        store.create(Persona(name="helper"))

    store.update(
        "helper", system="Be very helpful.", parameters={"temperature": 0.9, "stop": ["END"]}
    )
    p = store.get("helper")
    assert p.system == "Be very helpful." and p.parameters == {"temperature": 0.9, "stop": ["END"]}

    store.update("helper", p.with_changes(name="assistant"))
    assert not store.exists("helper") and store.get("assistant").system == "Be very helpful."

    store.delete("assistant")
    with pytest.raises(PersonaNotFoundError):
        store.get("assistant")
    with pytest.raises(PersonaNotFoundError):
        store.delete("assistant")


def test_update_validates(store: PersonaStore) -> None:
    store.create(Persona(name="x"))
    with pytest.raises(PersonaError, match="temperature must be"):
        store.update("x", parameters={"temperature": "warm"})
    assert store.get("x").parameters == {}


def test_duplicate_and_builtins_are_read_only(store: PersonaStore) -> None:
    with pytest.raises(PersonaError, match="built into Hearth"):
        store.delete("code-reviewer")
    copy = store.duplicate("code-reviewer")
    assert copy.name == "code-reviewer-copy" and copy.persona.title == "Code reviewer (copy)"
    assert copy.persona.system == store.get("code-reviewer").system
    assert store.duplicate("code-reviewer").name == "code-reviewer-copy2"
    assert store.duplicate("code-reviewer", "reviewer").name == "reviewer"
    with pytest.raises(PersonaError, match="already"):
        store.duplicate("code-reviewer", "reviewer")


def test_editing_a_builtin_saves_a_copy_that_deleting_restores(store: PersonaStore) -> None:
    original = store.get("translator")
    store.update("translator", system="Translate into Welsh.")
    sp = store.find("translator")
    assert sp is not None and not sp.builtin and sp.overrides_builtin
    listed = {s.name: s for s in store.list()}["translator"]
    assert listed.overrides_builtin and listed.persona.system == "Translate into Welsh."
    store.delete("translator")
    assert store.get("translator") == original


def test_import_modelfile_from_path_and_text(
    store: PersonaStore, tmp_path: Path, fake_gguf: Path
) -> None:
    folder = tmp_path / "mario"
    folder.mkdir()
    (folder / "Modelfile").write_text(
        "FROM ../models/base.gguf\nSYSTEM You are Mario.\nPARAMETER num_gpu 0\n"
    )
    stored, warnings = store.import_modelfile(folder / "Modelfile")
    assert stored.name == "mario" and warnings == ()
    assert stored.persona.base == str(fake_gguf.resolve())
    (tmp_path / "luigi.Modelfile").write_text("FROM llama3.2\nPARAMETER num_keep 5\n")
    stored, warnings = store.import_modelfile(tmp_path / "luigi.Modelfile")
    assert stored.name == "luigi" and "num_keep" in warnings[0]
    stored, _ = store.import_modelfile("FROM llama3.2\nSYSTEM hi\n", "peach")
    assert store.get("peach").system == "hi"
    with pytest.raises(PersonaError, match="needs a name"):
        store.import_modelfile("FROM x\n")
    with pytest.raises(ModelfileError, match="line 2"):
        store.import_modelfile("FROM x\nBOGUS y\n", "bad")
    assert not store.exists("bad")
    text = store.export_modelfile("peach")
    assert "FROM llama3.2\n" in text and "SYSTEM hi\n" in text


def test_hand_edited_broken_file_is_skipped_in_lists(
    store: PersonaStore, hearth_home: Path
) -> None:
    (hearth_home / "personas").mkdir(parents=True, exist_ok=True)
    (hearth_home / "personas" / "broken.Modelfile").write_text("SYSTEM no from line\n")
    names = [sp.name for sp in store.list()]
    assert "broken" not in names and "analyst" in names
    with pytest.raises(ModelfileError, match="no FROM"):
        store.get("broken")


def test_a_persona_cannot_be_based_on_itself(store: PersonaStore) -> None:
    store.create(Persona(name="a", base="b"))
    store.create(Persona(name="b", base="llama3.2"))
    with pytest.raises(PersonaError, match="based on itself"):
        store.update("b", base="a")


def test_invalid_names(store: PersonaStore) -> None:
    for bad in ("", "-x", "a/b", "x.gguf", "a" * 65, "spaces here"):
        with pytest.raises(PersonaError):
            store.create({"name": bad})


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("template", "{{ if .System }}no end", "not a valid Go template"),
        ("template", "{{ .Prompt | nosuchfunc }}", 'function "nosuchfunc" not defined'),
        ("requires", "latest", "version such as 0.5.0"),
        ("requires", "0.5", "version such as 0.5.0"),
    ],
)
def test_bad_template_or_requires_is_refused_and_nothing_is_written(
    store: PersonaStore, hearth_home: Path, field: str, value: str, message: str
) -> None:
    with pytest.raises(PersonaError, match=f"'{field}' is wrong: .*{message}"):
        store.create({"name": "bad", "system": "hi", field: value})
    store.create(Persona(name="good"))
    with pytest.raises(PersonaError, match=message):
        store.update("good", **{field: value})
    assert sorted(p.name for p in (hearth_home / "personas").iterdir()) == ["good.Modelfile"]
    assert store.get("good") == Persona(name="good")


def test_valid_template_and_requires_are_kept(store: PersonaStore) -> None:
    unsupported = '{{ define "x" }}{{ .Prompt }}{{ end }}{{ template "x" . }}'
    store.create({"name": "ok", "template": unsupported, "requires": "v0.6.2"})
    p = store.get("ok")
    # a construct Hearth does not render is valid Go: kept (run falls back at run time)
    assert p.template == unsupported and p.requires == "0.6.2"


def test_a_persona_that_would_not_read_back_is_not_written(
    store: PersonaStore, hearth_home: Path
) -> None:
    store.create(Persona(name="keep", system="original"))
    path = hearth_home / "personas" / "keep.Modelfile"
    before = path.read_text()
    unwritable = 'line one\nends with a "quote"'
    with pytest.raises(PersonaError, match="cannot be written"):
        store.update("keep", system=unwritable)
    with pytest.raises(PersonaError, match="cannot be written"):
        store.create(Persona(name="other", license=(unwritable,)))
    assert path.read_text() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["keep.Modelfile"]  # no temp files
    assert [sp.name for sp in store.list() if not sp.builtin] == ["keep"]


def test_read_back_check_names_the_field_that_would_change(
    store: PersonaStore, monkeypatch: pytest.MonkeyPatch, hearth_home: Path
) -> None:
    """The store parses the text it is about to write; a writer that loses a field is caught."""
    import app.personas.store as store_mod

    real = store_mod.export_modelfile

    def lossy(p: Persona, **kw: object) -> str:
        return real(p.with_changes(system=None), **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(store_mod, "export_modelfile", lossy)
    with pytest.raises(PersonaError, match="read back with a different system"):
        store.create(Persona(name="lossy", system="You are terse."))
    assert not (hearth_home / "personas" / "lossy.Modelfile").exists()
