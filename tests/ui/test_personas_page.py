"""Personas page: gallery, editor validation as you type, save, Modelfile import/export, chat."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt


def test_gallery_edit_validate_save_export_import_chat(
    qtbot: Any, window: Any, tmp_path: Path, tiny_model: Path
) -> None:
    window.services.rag.create_collection("manuals")
    window.services.rag.create_collection("reports")
    model = window.services.paths.models_dir / "Tiny-F32.gguf"
    model.write_bytes(tiny_model.read_bytes())
    window.services.library.scan()  # one model in the library
    window.show_page("Personas")
    page = window.personas_page
    page.start()
    names = [page.gallery.item(i).data(256) for i in range(page.gallery.count())]
    assert "french-tutor" in names and "code-reviewer" in names  # built-ins
    assert "built-in" in page.gallery.item(0).text()

    # a built-in loads into the editor and cannot be deleted
    page.gallery.setCurrentRow(names.index("translator"))
    assert page.editor.name.text() == "translator"
    assert page.builtin_note.isVisibleTo(page) and not page.delete_button.isEnabled()

    # a new persona, validated as you type
    page.new_persona()
    ed = page.editor
    assert not page.save_button.isEnabled()
    ed.name.setText("pirate")
    ed.system.setPlainText("You talk like a pirate.")
    ed.params.setPlainText("temperature 0.9\nnum_ctx lots")
    assert not page.save_button.isEnabled()
    assert "Line 2" in ed.error.text() and "num_ctx" in ed.error.text()
    ed.params.setPlainText("temperature 0.9\ntemprature 1")
    assert "temperature" in ed.error.text()  # "did you mean"
    ed.params.setPlainText('temperature 0.9\nnum_ctx 512\nstop "Arr!"')
    ed.messages.setPlainText("user: Hello\nassistant: Ahoy, matey!")
    # default collections: picked from the collections that exist
    picker = ed.collections
    qtbot.waitUntil(lambda: picker.available is not None, timeout=20000)
    assert [picker.list.item(i).text() for i in range(picker.list.count())] == [
        "manuals",
        "reports",
    ]
    assert picker.chosen() == [] and not picker.warning.isVisibleTo(ed)
    picker.item("reports").setCheckState(Qt.CheckState.Checked)
    assert picker.chosen() == ["reports"]
    # the base model: library models, then the other personas (the resolver follows them)
    models = [e.name for e in window.services.library.entries()]
    assert len(models) == 1
    qtbot.waitUntil(lambda: models[0] in ed.base_choices(), timeout=20000)
    choices = ed.base_choices()
    assert choices[0] == models[0] and "translator" in choices[1:]
    ed.base.setCurrentText("pirate")
    assert not page.save_button.isEnabled() and "itself" in ed.error.text()
    ed.base.setCurrentText("")
    assert page.save_button.isEnabled() and ed.error.text() == ""
    assert page.save()
    stored = window.services.personas.get("pirate")
    assert stored.parameters == {"num_ctx": 512, "temperature": 0.9, "stop": ["Arr!"]}
    assert [m.content for m in stored.messages] == ["Hello", "Ahoy, matey!"]
    assert stored.collections == ("reports",)
    assert page.selected().name == "pirate" and page.delete_button.isEnabled()

    # export to a Modelfile, import it back under another name
    out = tmp_path / "pirate-two.Modelfile"
    page.export_modelfile("pirate", out)
    text = out.read_text(encoding="utf-8")
    assert "PARAMETER temperature 0.9" in text and "MESSAGE assistant" in text
    sp = page.import_modelfile(out)
    assert sp is not None and sp.name == "pirate-two"
    assert window.services.personas.get("pirate-two").system == "You talk like a pirate."

    # delete
    page.select("pirate-two")
    page.delete("pirate-two")
    assert not window.services.personas.exists("pirate-two")
    assert "pirate-two" not in ed.base_choices() and "pirate" in ed.base_choices()

    # start a chat with the persona: a new chat using it, its collections attached
    page.select("pirate")
    page.chat_button.click()
    chat = window.chat_page
    assert window.stack.currentWidget() is chat
    assert chat.conv is not None and chat.conv.model == "pirate" and chat.conv.persona == "pirate"
    assert chat.attached_collections() == ["reports"]


def test_duplicate_copies_a_persona_and_a_based_on_persona_runs(qtbot: Any, window: Any) -> None:
    window.show_page("Personas")
    page = window.personas_page
    page.start()
    page.select("translator")
    original = window.services.personas.get("translator")
    page.duplicate_button.click()
    # the copy is stored, listed, selected and open in the editor, with the same settings
    copy = window.services.personas.get("translator-copy")
    assert (copy.system, copy.parameters, copy.messages) == (
        original.system,
        original.parameters,
        original.messages,
    )
    assert page.selected().name == "translator-copy" and not page.selected().builtin
    assert page.editor.name.text() == "translator-copy" and page.delete_button.isEnabled()
    names = [page.gallery.item(i).data(256) for i in range(page.gallery.count())]
    assert names.count("translator-copy") == 1 and "translator" in names
    assert "translator-copy" in page.editor.base_choices()
    # duplicating again never overwrites the first copy
    page.select("translator")
    page.duplicate_button.click()
    assert page.selected().name == "translator-copy2"
    assert window.services.personas.exists("translator-copy")

    # a persona based on another persona (picked from the base-model list) inherits from it
    from app.personas.resolve import persona_to_resolved

    page.new_persona()
    ed = page.editor
    ed.name.setText("terse-translator")
    ed.base.setCurrentIndex(ed.base.findText("translator-copy"))
    ed.params.setPlainText("temperature 0.1")
    assert page.save()
    child = window.services.personas.get("terse-translator")
    assert child.base == "translator-copy"
    resolved = persona_to_resolved(
        child, base_model=str(window.models.current_ref), store=window.services.personas
    )
    assert resolved.system == original.system
    assert resolved.sampling_overrides["temperature"] == 0.1


def test_a_collection_this_machine_lacks_is_kept_and_flagged(
    qtbot: Any, window: Any, tmp_path: Path
) -> None:
    window.services.rag.create_collection("reports")
    modelfile = tmp_path / "helper.Modelfile"
    modelfile.write_text(
        '# hearth.collections = ["reports", "handbook"]\nFROM tiny\nSYSTEM """Be brief."""\n',
        encoding="utf-8",
    )
    window.show_page("Personas")
    page = window.personas_page
    page.start()
    picker = page.editor.collections
    qtbot.waitUntil(lambda: picker.available == ["reports"], timeout=20000)
    sp = page.import_modelfile(modelfile)
    assert sp is not None and sp.persona.collections == ("reports", "handbook")
    assert page.selected().name == "helper"
    # kept, checked and flagged, with a warning; saving is still allowed and keeps it
    item = picker.item("handbook")
    assert item is not None and item.checkState() == Qt.CheckState.Checked
    assert "not on this computer" in item.text()
    assert picker.warning.isVisibleTo(page) and "handbook" in picker.warning.text()
    assert picker.chosen() == ["reports", "handbook"] and page.save_button.isEnabled()
    assert page.save()
    assert window.services.personas.get("helper").collections == ("reports", "handbook")

    # once the collection exists here, the flag goes
    window.services.rag.create_collection("handbook")
    page.refresh_collections()
    qtbot.waitUntil(lambda: picker.available == ["handbook", "reports"], timeout=20000)
    assert picker.item("handbook").text() == "handbook"
    assert not picker.warning.isVisibleTo(page)

    # unchecking drops it from the persona
    picker.item("reports").setCheckState(Qt.CheckState.Unchecked)
    assert page.save()
    assert window.services.personas.get("helper").collections == ("handbook",)


def test_scroll_areas_are_named_and_leave_tab_to_their_fields(qtbot: Any, window: Any) -> None:
    from PySide6.QtWidgets import QScrollArea

    for name in ("Personas", "Server", "Settings"):
        window.show_page(name)
        areas = window.page(name).findChildren(QScrollArea)
        assert areas, name
        for area in areas:
            assert area.accessibleName(), name
            assert area.focusPolicy() == Qt.FocusPolicy.NoFocus, name
    # Tab still moves between the persona editor's fields inside its scroll area
    window.show_page("Personas")
    page = window.personas_page
    page.start()
    window.activateWindow()
    page.editor.description.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.keyClick(page.editor.description, Qt.Key.Key_Tab)
    assert window.focusWidget() in (page.editor.base, page.editor.base.lineEdit())
