"""The conversation store: persistence, branches, search, delete and undo."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from app.chats.export import export_json, export_markdown, import_json, write_export
from app.chats.store import ChatStore, ChatStoreError, title_from
from app.core.paths import default_paths


@pytest.fixture
def store() -> ChatStore:
    s = ChatStore(default_paths().chats_db)
    yield s
    s.close()


def test_database_is_wal_in_user_data_folder(store: ChatStore) -> None:
    assert store.db_path == default_paths().chats_db
    mode = sqlite3.connect(store.db_path).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_messages_persist_and_first_message_names_the_chat(store: ChatStore) -> None:
    c = store.create_conversation(model="tiny")
    u = store.add_message(c.id, "user", "How do I bake bread at home?\nDetails follow")
    a = store.add_message(
        c.id,
        "assistant",
        "Knead, rise, bake.",
        parent_id=u.id,
        stats={"completion_tokens": 5, "decode_tok_s": 12.5},
        finish_reason="stop",
    )
    store.close()
    again = ChatStore(default_paths().chats_db)
    conv = again.conversation(c.id)
    assert conv.title == "How do I bake bread at home?"
    assert [m.id for m in again.path(c.id)] == [u.id, a.id]
    assert again.message(a.id).stats["decode_tok_s"] == 12.5
    again.close()


def test_edit_and_regenerate_make_branches_that_switch_back(store: ChatStore) -> None:
    c = store.create_conversation()
    u1 = store.add_message(c.id, "user", "first question")
    a1 = store.add_message(c.id, "assistant", "first answer", parent_id=u1.id)
    u2 = store.add_message(c.id, "user", "follow-up", parent_id=a1.id)
    store.add_message(c.id, "assistant", "follow-up answer", parent_id=u2.id)
    # regenerate the first answer: a sibling reply, and the view follows it
    a1b = store.add_message(c.id, "assistant", "another first answer", parent_id=u1.id)
    assert [m.content for m in store.path(c.id)] == ["first question", "another first answer"]
    br = store.branch(a1b.id)
    assert (br.index, br.count, br.previous, br.next) == (1, 2, a1.id, None)
    # switching back returns to the deepest remembered leaf of that branch
    path = store.switch_to(a1.id)
    assert [m.content for m in path][-1] == "follow-up answer"
    # edit the first question: a sibling root
    u1b = store.add_message(c.id, "user", "edited question", parent_id=None)
    assert store.branch(u1b.id).count == 2
    assert [m.content for m in store.path(c.id)] == ["edited question"]


def test_delete_message_and_undo(store: ChatStore) -> None:
    c = store.create_conversation()
    u = store.add_message(c.id, "user", "q")
    a = store.add_message(c.id, "assistant", "a", parent_id=u.id)
    hidden = store.delete_message(u.id)
    assert set(hidden) == {u.id, a.id}
    assert store.path(c.id) == []
    store.restore_message(hidden)
    assert [m.id for m in store.path(c.id)] == [u.id, a.id]


def test_rename_delete_undo_and_purge(store: ChatStore) -> None:
    c = store.create_conversation()
    store.rename(c.id, "  Holiday   plans ")
    assert store.conversation(c.id).title == "Holiday plans"
    store.delete_conversation(c.id)
    assert store.conversations() == []
    store.restore_conversation(c.id)
    assert [x.id for x in store.conversations()] == [c.id]
    store.delete_conversation(c.id)
    assert store.purge_deleted() == 1
    with pytest.raises(ChatStoreError):
        store.conversation(c.id)


def test_full_text_search(store: ChatStore) -> None:
    a = store.create_conversation()
    store.add_message(a.id, "user", "Recipes for sourdough bread")
    b = store.create_conversation()
    store.add_message(b.id, "user", "Explain quantum tunnelling")
    store.rename(b.id, "Physics homework")
    hits = store.search("sourd")
    assert [h.conversation.id for h in hits] == [a.id]
    assert "[sourdough]" in hits[0].snippet
    assert [h.conversation.id for h in store.search("physics")] == [b.id]
    assert store.search('"') == []
    store.delete_conversation(a.id)
    assert store.search("sourdough") == []


def test_export_markdown_and_json_roundtrip(store: ChatStore, tmp_path: Path) -> None:
    c = store.create_conversation(model="tiny", system="Be brief.", params={"temperature": 0.2})
    u = store.add_message(c.id, "user", "Hello")
    store.add_message(
        c.id,
        "assistant",
        "Hi there",
        parent_id=u.id,
        stats={"completion_tokens": 3, "decode_tok_s": 9.0},
    )
    store.add_message(c.id, "assistant", "Hello!", parent_id=u.id)
    md = write_export(store, c.id, tmp_path / "chat.md").read_text()
    assert md.startswith("# Hello\n")
    assert "## You\n\nHello" in md and "## Assistant\n\nHello!" in md and "Be brief." in md
    data = json.loads(export_json(store, c.id))
    assert len(data["messages"]) == 3
    copy = import_json(store, json.dumps(data))
    assert copy.id != c.id and copy.title == "Hello" and copy.params == {"temperature": 0.2}
    assert [m.content for m in store.path(copy.id)] == ["Hello", "Hello!"]
    assert len(store.messages(copy.id)) == 3
    assert export_markdown(store, copy.id).count("## Assistant") == 1


def test_import_rejects_other_files(store: ChatStore) -> None:
    with pytest.raises(ChatStoreError, match="not a Hearth conversation"):
        import_json(store, '{"hello": 1}')
    with pytest.raises(ChatStoreError):
        import_json(store, "not json")


def test_title_from_shortens_at_a_word() -> None:
    assert title_from("  ") == "New chat"
    t = title_from("word " * 30)
    assert t.endswith("…") and len(t) <= 61
