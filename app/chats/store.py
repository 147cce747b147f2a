"""The conversation store: SQLite (WAL) with full-text search and a tree of messages.

Every message has a parent; editing a message adds a sibling with the same parent and
regenerating a reply adds a sibling reply, so no text is ever overwritten. Each
conversation remembers the leaf it shows (``current_leaf``) and each message the
child last shown beneath it (``active_child``), so switching branches comes back to
where the user was.

Writes are single small transactions: WAL with ``synchronous=NORMAL`` commits
without an fsync (the WAL is synced at checkpoints), so a call takes well under a
millisecond and a crash loses at most the last transaction. Deleting is a soft
delete that :meth:`ChatStore.restore_conversation` / :meth:`restore_message` undo;
:meth:`purge_deleted` removes rows for good.

One connection serves every thread, guarded by a lock.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from app.chats.types import DEFAULT_TITLE, Branch, Conversation, Message, SearchHit
from app.core.errors import HearthError
from app.core.sqlite_tx import immediate_transaction

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    created REAL NOT NULL,
    updated REAL NOT NULL,
    model TEXT,
    persona TEXT,
    system TEXT,
    params TEXT NOT NULL DEFAULT '{}',
    current_leaf TEXT,
    deleted REAL
);
CREATE TABLE IF NOT EXISTS messages (
    id TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    parent_id TEXT REFERENCES messages(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    content TEXT NOT NULL,
    created REAL NOT NULL,
    model TEXT,
    finish_reason TEXT,
    stats TEXT NOT NULL DEFAULT '{}',
    active_child TEXT,
    deleted REAL
);
CREATE INDEX IF NOT EXISTS messages_conv ON messages(conversation_id);
CREATE INDEX IF NOT EXISTS messages_parent ON messages(parent_id);
CREATE VIRTUAL TABLE IF NOT EXISTS messages_fts USING fts5(
    content, content='messages', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER IF NOT EXISTS messages_ai AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts(rowid, content) VALUES (new.rowid, new.content);
END;
CREATE TRIGGER IF NOT EXISTS messages_ad AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.rowid, old.content);
END;
CREATE TRIGGER IF NOT EXISTS messages_au AFTER UPDATE OF content ON messages BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.rowid, old.content);
    INSERT INTO messages_fts(rowid, content) VALUES (new.rowid, new.content);
END;
"""

_CONV_FIELDS = ("title", "model", "persona", "system", "params")


class ChatStoreError(HearthError):
    code = "chat_store_error"


def title_from(text: str, limit: int = 60) -> str:
    """A conversation title from its first message: the first line, shortened at a word."""
    line = " ".join(text.strip().split("\n", 1)[0].split())
    if len(line) <= limit:
        return line or DEFAULT_TITLE
    cut = line[:limit].rsplit(" ", 1)[0]
    return (cut or line[:limit]).rstrip(" ,.;:") + "…"


def _new_id() -> str:
    return uuid.uuid4().hex


def _conv(row: sqlite3.Row) -> Conversation:
    return Conversation(
        id=row["id"],
        title=row["title"],
        created=row["created"],
        updated=row["updated"],
        model=row["model"],
        persona=row["persona"],
        system=row["system"],
        params=json.loads(row["params"] or "{}"),
        current_leaf=row["current_leaf"],
        deleted=row["deleted"],
    )


def _msg(row: sqlite3.Row) -> Message:
    return Message(
        id=row["id"],
        conversation_id=row["conversation_id"],
        parent_id=row["parent_id"],
        role=row["role"],
        content=row["content"],
        created=row["created"],
        model=row["model"],
        finish_reason=row["finish_reason"],
        stats=json.loads(row["stats"] or "{}"),
    )


class ChatStore:
    """Conversations and their message trees in one SQLite file."""

    def __init__(self, path: Path | str) -> None:
        self.db_path = Path(path)
        if str(path) != ":memory:":
            self.db_path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        try:
            self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.executescript(_SCHEMA)
            self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        except sqlite3.DatabaseError as exc:
            raise ChatStoreError(
                f"The chat database {self.db_path} cannot be opened: {exc}.",
                hint="Move the file aside to start with an empty history.",
            ) from exc

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _tx(self) -> AbstractContextManager[sqlite3.Connection]:
        return immediate_transaction(self._db, self._lock)

    def _one(self, sql: str, args: tuple[Any, ...] = ()) -> sqlite3.Row | None:
        with self._lock:
            row: sqlite3.Row | None = self._db.execute(sql, args).fetchone()
            return row

    def _all(self, sql: str, args: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return list(self._db.execute(sql, args).fetchall())

    # ----------------------------------------------------------- conversations
    def create_conversation(
        self,
        title: str = DEFAULT_TITLE,
        *,
        model: str | None = None,
        persona: str | None = None,
        system: str | None = None,
        params: dict[str, Any] | None = None,
        created: float | None = None,
    ) -> Conversation:
        now = created if created is not None else time.time()
        cid = _new_id()
        with self._tx() as db:
            db.execute(
                "INSERT INTO conversations(id, title, created, updated, model, persona, system, params)"
                " VALUES (?,?,?,?,?,?,?,?)",
                (cid, title, now, now, model, persona, system, json.dumps(params or {})),
            )
        return self.conversation(cid)

    def conversation(self, conv_id: str) -> Conversation:
        row = self._one("SELECT * FROM conversations WHERE id=?", (conv_id,))
        if row is None:
            raise ChatStoreError(f"There is no conversation {conv_id}.")
        return _conv(row)

    def conversations(self, *, include_deleted: bool = False) -> list[Conversation]:
        """Newest activity first."""
        where = "" if include_deleted else "WHERE deleted IS NULL"
        return [
            _conv(r)
            for r in self._all(f"SELECT * FROM conversations {where} ORDER BY updated DESC")
        ]

    def update_conversation(self, conv_id: str, **fields: Any) -> Conversation:
        """Change title, model, persona, system or params (others are refused)."""
        bad = set(fields) - set(_CONV_FIELDS)
        if bad:
            raise ChatStoreError(f"Cannot change {', '.join(sorted(bad))} of a conversation.")
        if "params" in fields:
            fields["params"] = json.dumps(fields["params"] or {})
        if not fields:
            return self.conversation(conv_id)
        cols = ", ".join(f"{k}=?" for k in fields)
        with self._tx() as db:
            db.execute(f"UPDATE conversations SET {cols} WHERE id=?", (*fields.values(), conv_id))
        return self.conversation(conv_id)

    def rename(self, conv_id: str, title: str) -> Conversation:
        title = " ".join(title.split()) or DEFAULT_TITLE
        return self.update_conversation(conv_id, title=title)

    def delete_conversation(self, conv_id: str) -> None:
        """Hide a conversation; :meth:`restore_conversation` undoes it."""
        with self._tx() as db:
            db.execute("UPDATE conversations SET deleted=? WHERE id=?", (time.time(), conv_id))

    def restore_conversation(self, conv_id: str) -> None:
        with self._tx() as db:
            db.execute("UPDATE conversations SET deleted=NULL WHERE id=?", (conv_id,))

    def purge_deleted(self, older_than_s: float = 0.0) -> int:
        """Remove conversations and messages deleted at least ``older_than_s`` ago."""
        cutoff = time.time() - older_than_s
        with self._tx() as db:
            n = db.execute(
                "DELETE FROM conversations WHERE deleted IS NOT NULL AND deleted<=?", (cutoff,)
            ).rowcount
            # children first is not needed: ON DELETE CASCADE follows parent_id
            db.execute("DELETE FROM messages WHERE deleted IS NOT NULL AND deleted<=?", (cutoff,))
        return int(n)

    # ---------------------------------------------------------------- messages
    def add_message(
        self,
        conv_id: str,
        role: str,
        content: str,
        *,
        parent_id: str | None = None,
        model: str | None = None,
        finish_reason: str | None = None,
        stats: dict[str, Any] | None = None,
        created: float | None = None,
        make_current: bool = True,
    ) -> Message:
        """Append a message under ``parent_id`` (None: a root) and, by default, show it.

        The first user message of an untitled conversation also names it.
        """
        now = created if created is not None else time.time()
        mid = _new_id()
        conv = self.conversation(conv_id)
        with self._tx() as db:
            if parent_id is not None:
                row = db.execute(
                    "SELECT conversation_id FROM messages WHERE id=?", (parent_id,)
                ).fetchone()
                if row is None or row[0] != conv_id:
                    raise ChatStoreError(
                        "The message being replied to is not in this conversation."
                    )
            db.execute(
                "INSERT INTO messages(id, conversation_id, parent_id, role, content, created, model,"
                " finish_reason, stats) VALUES (?,?,?,?,?,?,?,?,?)",
                (
                    mid,
                    conv_id,
                    parent_id,
                    role,
                    content,
                    now,
                    model,
                    finish_reason,
                    json.dumps(stats or {}),
                ),
            )
            db.execute(
                "UPDATE conversations SET updated=? WHERE id=?", (max(now, conv.updated), conv_id)
            )
            if role == "user" and conv.title == DEFAULT_TITLE:
                db.execute(
                    "UPDATE conversations SET title=? WHERE id=?", (title_from(content), conv_id)
                )
            if make_current:
                self._set_leaf(db, conv_id, mid)
        return self.message(mid)

    def update_message(self, msg_id: str, *, content: str | None = None, stats: dict[str, Any] | None = None,
                       finish_reason: str | None = None) -> Message:  # fmt: skip
        sets: dict[str, Any] = {}
        if content is not None:
            sets["content"] = content
        if stats is not None:
            sets["stats"] = json.dumps(stats)
        if finish_reason is not None:
            sets["finish_reason"] = finish_reason
        if sets:
            cols = ", ".join(f"{k}=?" for k in sets)
            with self._tx() as db:
                db.execute(f"UPDATE messages SET {cols} WHERE id=?", (*sets.values(), msg_id))
        return self.message(msg_id)

    def message(self, msg_id: str) -> Message:
        row = self._one("SELECT * FROM messages WHERE id=?", (msg_id,))
        if row is None:
            raise ChatStoreError(f"There is no message {msg_id}.")
        return _msg(row)

    def messages(self, conv_id: str) -> list[Message]:
        """Every live message of a conversation (all branches), oldest first."""
        rows = self._all(
            "SELECT * FROM messages WHERE conversation_id=? AND deleted IS NULL ORDER BY created, rowid",
            (conv_id,),
        )
        return [_msg(r) for r in rows]

    def _children(self, conv_id: str, parent_id: str | None) -> list[sqlite3.Row]:
        if parent_id is None:
            sql = "SELECT * FROM messages WHERE conversation_id=? AND parent_id IS NULL AND deleted IS NULL"
            return self._all(sql + " ORDER BY created, rowid", (conv_id,))
        sql = "SELECT * FROM messages WHERE parent_id=? AND deleted IS NULL ORDER BY created, rowid"
        return self._all(sql, (parent_id,))

    def _set_leaf(self, db: sqlite3.Connection, conv_id: str, leaf: str | None) -> None:
        db.execute("UPDATE conversations SET current_leaf=? WHERE id=?", (leaf, conv_id))
        node = leaf
        while node is not None:  # remember the path so branch switches come back here
            row = db.execute("SELECT parent_id FROM messages WHERE id=?", (node,)).fetchone()
            if row is None or row[0] is None:
                break
            db.execute("UPDATE messages SET active_child=? WHERE id=?", (node, row[0]))
            node = row[0]

    def _descend(self, conv_id: str, start: str) -> str:
        """The leaf reached from ``start`` following remembered (else newest) children."""
        node = start
        while True:
            kids = self._children(conv_id, node)
            if not kids:
                return node
            active = self._one("SELECT active_child FROM messages WHERE id=?", (node,))
            ids = [k["id"] for k in kids]
            node = active[0] if active and active[0] in ids else ids[-1]

    def path(self, conv_id: str, leaf: str | None = None) -> list[Message]:
        """Root-to-leaf messages of the shown branch (or of ``leaf``)."""
        if leaf is None:
            conv = self.conversation(conv_id)
            leaf = conv.current_leaf
            if (
                leaf is None
                or self._one("SELECT 1 FROM messages WHERE id=? AND deleted IS NULL", (leaf,))
                is None
            ):
                roots = self._children(conv_id, None)
                if not roots:
                    return []
                leaf = self._descend(conv_id, roots[-1]["id"])
        out: list[Message] = []
        node: str | None = leaf
        while node is not None:
            m = self.message(node)
            out.append(m)
            node = m.parent_id
        out.reverse()
        return out

    def siblings(self, msg_id: str) -> list[Message]:
        m = self.message(msg_id)
        return [_msg(r) for r in self._children(m.conversation_id, m.parent_id)]

    def branch(self, msg_id: str) -> Branch:
        ids = [s.id for s in self.siblings(msg_id)]
        i = ids.index(msg_id) if msg_id in ids else 0
        return Branch(
            i, len(ids), ids[i - 1] if i > 0 else None, ids[i + 1] if i + 1 < len(ids) else None
        )

    def switch_to(self, msg_id: str) -> list[Message]:
        """Show the branch through ``msg_id``; returns the new path."""
        m = self.message(msg_id)
        leaf = self._descend(m.conversation_id, msg_id)
        with self._tx() as db:
            self._set_leaf(db, m.conversation_id, leaf)
        return self.path(m.conversation_id)

    def set_current(self, conv_id: str, leaf: str | None) -> None:
        with self._tx() as db:
            self._set_leaf(db, conv_id, leaf)

    def delete_message(self, msg_id: str) -> list[str]:
        """Hide a message and everything under it; returns the hidden ids (for undo)."""
        m = self.message(msg_id)
        hidden: list[str] = []
        stack = [msg_id]
        while stack:
            node = stack.pop()
            hidden.append(node)
            stack.extend(r["id"] for r in self._children(m.conversation_id, node))
        now = time.time()
        with self._tx() as db:
            db.executemany("UPDATE messages SET deleted=? WHERE id=?", [(now, h) for h in hidden])
            sibs = [r["id"] for r in self._children(m.conversation_id, m.parent_id)]
            if sibs:
                leaf = self._descend(m.conversation_id, sibs[-1])
                self._set_leaf(db, m.conversation_id, leaf)
            else:
                self._set_leaf(db, m.conversation_id, m.parent_id)
        return hidden

    def restore_message(self, ids: list[str]) -> None:
        with self._tx() as db:
            db.executemany("UPDATE messages SET deleted=NULL WHERE id=?", [(i,) for i in ids])
        if ids:
            m = self.message(ids[0])
            self.switch_to(m.id)

    # ------------------------------------------------------------------ search
    def search(self, query: str, *, limit: int = 50) -> list[SearchHit]:
        """Conversations whose messages (full-text) or title (substring) match ``query``."""
        words = [w for w in query.replace('"', " ").split() if w]
        if not words:
            return []
        fts = " ".join(f'"{w}"*' for w in words)
        hits: dict[str, SearchHit] = {}
        with self._lock:
            try:
                rows = self._db.execute(
                    "SELECT m.id AS mid, m.conversation_id AS cid,"
                    " snippet(messages_fts, 0, '[', ']', '…', 12) AS snip"
                    " FROM messages_fts JOIN messages m ON m.rowid = messages_fts.rowid"
                    " JOIN conversations c ON c.id = m.conversation_id"
                    " WHERE messages_fts MATCH ? AND m.deleted IS NULL AND c.deleted IS NULL"
                    " ORDER BY rank LIMIT ?",
                    (fts, limit * 4),
                ).fetchall()
            except sqlite3.OperationalError:
                rows = []
        for r in rows:
            if r["cid"] not in hits and len(hits) < limit:
                hits[r["cid"]] = SearchHit(self.conversation(r["cid"]), r["mid"], r["snip"])
        like = "%" + "%".join(words) + "%"
        for r in self._all(
            "SELECT id FROM conversations WHERE deleted IS NULL AND title LIKE ? ORDER BY updated DESC LIMIT ?",
            (like, limit),
        ):
            if r["id"] not in hits:
                c = self.conversation(r["id"])
                hits[c.id] = SearchHit(c, None, c.title)
        return list(hits.values())[:limit]
