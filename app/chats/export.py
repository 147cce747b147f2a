"""Export conversations to Markdown and JSON; import the JSON back.

The JSON keeps the whole message tree (every branch), so an export and re-import
is lossless. Markdown is for reading: it shows the branch on screen.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from app.chats.store import ChatStore, ChatStoreError
from app.chats.types import Conversation

FORMAT: Literal["hearth.conversation"] = "hearth.conversation"
FORMAT_VERSION = 1


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MessageDoc(_Strict):
    id: str
    parent_id: str | None = None
    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str
    created: float = Field(default_factory=time.time)
    model: str | None = None
    finish_reason: str | None = None
    stats: dict[str, Any] = Field(default_factory=dict)


class ConversationDoc(_Strict):
    format: Literal["hearth.conversation"] = FORMAT
    version: int = FORMAT_VERSION
    title: str
    created: float = Field(default_factory=time.time)
    model: str | None = None
    persona: str | None = None
    system: str | None = None
    params: dict[str, Any] = Field(default_factory=dict)
    current_leaf: str | None = None
    messages: list[MessageDoc] = Field(default_factory=list)


def to_document(store: ChatStore, conv_id: str) -> ConversationDoc:
    c = store.conversation(conv_id)
    msgs = store.messages(conv_id)
    return ConversationDoc(
        title=c.title,
        created=c.created,
        model=c.model,
        persona=c.persona,
        system=c.system,
        params=c.params,
        current_leaf=store.path(conv_id)[-1].id if msgs else None,
        messages=[
            MessageDoc(id=m.id, parent_id=m.parent_id, role=m.role, content=m.content,
                       created=m.created, model=m.model, finish_reason=m.finish_reason, stats=m.stats)
            for m in msgs
        ],
    )  # fmt: skip


def export_json(store: ChatStore, conv_id: str) -> str:
    return to_document(store, conv_id).model_dump_json(indent=2)


def export_markdown(store: ChatStore, conv_id: str) -> str:
    """The shown branch as Markdown: a title, the settings, then one section per turn."""
    c = store.conversation(conv_id)
    lines = [f"# {c.title}", ""]
    meta = [f"- Date: {time.strftime('%Y-%m-%d %H:%M', time.localtime(c.created))}"]
    if c.model:
        meta.append(f"- Model: {c.model}")
    if c.persona:
        meta.append(f"- Persona: {c.persona}")
    lines += [*meta, ""]
    if c.system:
        lines += ["## System", "", c.system, ""]
    names = {"user": "You", "assistant": "Assistant", "system": "System", "tool": "Tool"}
    for m in store.path(conv_id):
        lines += [f"## {names.get(m.role, m.role.title())}", "", m.content.rstrip(), ""]
        s = m.stats
        if m.role == "assistant" and s.get("completion_tokens"):
            lines += [
                f"*{s['completion_tokens']} tokens · {s.get('decode_tok_s', 0):.1f} tok/s*",
                "",
            ]
    return "\n".join(lines).rstrip() + "\n"


def write_export(store: ChatStore, conv_id: str, path: Path) -> Path:
    """Write Markdown (``.md``) or JSON (anything else), atomically."""
    text = (
        export_markdown(store, conv_id)
        if path.suffix.lower() in (".md", ".markdown")
        else export_json(store, conv_id)
    )
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return path


def import_json(store: ChatStore, data: str | bytes | dict[str, Any]) -> Conversation:
    """Add an exported conversation as a new one (fresh ids, same tree)."""
    try:
        raw = json.loads(data) if isinstance(data, str | bytes) else data
        doc = ConversationDoc.model_validate(raw)
    except (ValueError, ValidationError) as exc:
        raise ChatStoreError(
            "This file is not a Hearth conversation export.",
            hint="Choose a .json file that Hearth exported.",
        ) from exc
    known = {m.id for m in doc.messages}
    for m in doc.messages:
        if m.parent_id is not None and m.parent_id not in known:
            raise ChatStoreError(
                f"The export is damaged: message {m.id} replies to a missing message."
            )
    conv = store.create_conversation(
        doc.title,
        model=doc.model,
        persona=doc.persona,
        system=doc.system,
        params=doc.params,
        created=doc.created,
    )
    new_ids: dict[str, str] = {}
    pending = list(doc.messages)
    while pending:  # parents first, whatever order the file lists them in
        progressed = False
        for m in list(pending):
            if m.parent_id is None or m.parent_id in new_ids:
                saved = store.add_message(
                    conv.id, m.role, m.content, parent_id=new_ids.get(m.parent_id) if m.parent_id else None,
                    model=m.model, finish_reason=m.finish_reason, stats=m.stats, created=m.created,
                    make_current=False,
                )  # fmt: skip
                new_ids[m.id] = saved.id
                pending.remove(m)
                progressed = True
        if not progressed:
            raise ChatStoreError("The export is damaged: its messages form a loop.")
    leaf = new_ids.get(doc.current_leaf or "")
    store.set_current(conv.id, leaf)
    store.rename(conv.id, doc.title)  # add_message may have auto-titled it
    return store.conversation(conv.id)


def import_file(store: ChatStore, path: Path) -> Conversation:
    try:
        return import_json(store, path.read_bytes())
    except OSError as exc:
        raise ChatStoreError(f"Cannot read {path}: {exc.strerror}.") from exc
