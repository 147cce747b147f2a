"""Personas page: gallery, editor validation as you type, save, Modelfile import/export, chat."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def test_gallery_edit_validate_save_export_import_chat(
    qtbot: Any, window: Any, tmp_path: Path
) -> None:
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
    ed.collections.setText("reports")
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

    # duplicate and delete
    page.select("pirate-two")
    page.delete("pirate-two")
    assert not window.services.personas.exists("pirate-two")

    # start a chat with the persona: a new chat using it, its collections attached
    page.select("pirate")
    page.chat_button.click()
    chat = window.chat_page
    assert window.stack.currentWidget() is chat
    assert chat.conv is not None and chat.conv.model == "pirate" and chat.conv.persona == "pirate"
    assert chat.attached_collections() == ["reports"]
