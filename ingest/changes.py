"""What changed in the store, as events (``DATA_DIR/changes.sqlite3``).

Kinds:
- ``document_added``, ``document_replaced``, ``document_removed`` (every ingest, upload,
  feed poll, delete and prune; written by the ingest layer);
- ``statement_added`` and ``stance_changed`` (a positions build; a cell's latest stance
  from → to, both cited);
- ``conflicting_figure`` (a new document gives another figure than a stored one for the
  same thing, both cited).

Each event carries its citations (doc id, span, outlet, date, title, the sentence) in
``detail``. Deleting a document removes the events that cite it (they would point at
nothing) and records its removal. ``last_read`` remembers where ``tradechat changes
--since last`` stopped.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path

from .sqlite import ThreadConnections

KINDS = ("document_added", "document_replaced", "document_removed", "statement_added", "stance_changed", "conflicting_figure")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY, at TEXT NOT NULL, kind TEXT NOT NULL, origin TEXT, doc_id TEXT, party TEXT, issue TEXT,
    summary TEXT NOT NULL, detail TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_by_time ON events(at);
CREATE TABLE IF NOT EXISTS cites (event INTEGER NOT NULL, doc_id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS cites_by_doc ON cites(doc_id);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
"""


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class ChangeLog:
    def __init__(self, path: Path):
        self.path = Path(path)
        self._db = ThreadConnections.with_schema(self.path, _SCHEMA)

    @classmethod
    def from_settings(cls, settings) -> ChangeLog:
        return cls(settings.data_dir / "changes.sqlite3")

    def record(self, kind: str, summary: str, detail: dict, *, origin: str | None = None, doc_id: str | None = None,
               party: str | None = None, issue: str | None = None, cites: Iterable[str] = (), at: str | None = None) -> dict:
        return self.record_many([dict(kind=kind, summary=summary, detail=detail, origin=origin, doc_id=doc_id, party=party,
                                      issue=issue, cites=list(cites), at=at)])[0]

    def record_many(self, events: list[dict]) -> list[dict]:
        """Several events in one transaction (each: kind, summary, detail and the optional fields of ``record``)."""
        out = []
        with self._db.get() as c:
            for e in events:
                if e["kind"] not in KINDS:
                    raise ValueError(f"unknown change kind {e['kind']!r} (one of {', '.join(KINDS)})")
                e = {"origin": None, "doc_id": None, "party": None, "issue": None, "cites": [], **e, "at": e.get("at") or now_iso()}
                cur = c.execute("INSERT INTO events (at, kind, origin, doc_id, party, issue, summary, detail) VALUES (?,?,?,?,?,?,?,?)",
                                (e["at"], e["kind"], e["origin"], e["doc_id"], e["party"], e["issue"], e["summary"],
                                 json.dumps(e["detail"], ensure_ascii=False)))
                cites = dict.fromkeys([*e.pop("cites"), *([e["doc_id"]] if e["doc_id"] and e["kind"] != "document_removed" else [])])
                c.executemany("INSERT INTO cites VALUES (?, ?)", [(cur.lastrowid, d) for d in cites])
                out.append({"id": cur.lastrowid, **e})
        return out

    def documents(self, kind: str, docs: list[dict], origin: str | None = None) -> list[dict]:
        """One event per document: ``docs`` are {doc_id, title, source, published, url}."""
        verb = {"document_added": "added", "document_replaced": "replaced (new content)", "document_removed": "removed"}[kind]
        events = []
        for d in docs:
            title = " ".join((d.get("title") or d["doc_id"]).split())
            where = ", ".join(x for x in (d.get("source"), (d.get("published") or "")[:10]) if x)
            events.append(dict(kind=kind, summary=f"{verb}: {title}" + (f" ({where})" if where else ""), detail=d, origin=origin,
                               doc_id=d["doc_id"]))
        return self.record_many(events)

    def forget(self, doc_ids: Iterable[str]) -> int:
        """Delete the events that cite these documents (not their removal events); returns how many."""
        ids = list(doc_ids)
        if not ids:
            return 0
        with self._db.get() as c:
            marks = ",".join("?" * len(ids))
            events = [r[0] for r in c.execute(f"SELECT DISTINCT event FROM cites WHERE doc_id IN ({marks})", ids)]
            if events:
                em = ",".join("?" * len(events))
                c.execute(f"DELETE FROM events WHERE id IN ({em}) AND kind != 'document_removed'", events)
                c.execute(f"DELETE FROM cites WHERE event IN ({em})", events)
        return len(events)

    def events(self, since: str | None = None, party: str | None = None, issue: str | None = None,
               kinds: Iterable[str] | None = None, after_id: int | None = None, limit: int | None = None) -> list[dict]:
        """Events oldest first (``limit``: the newest ``limit`` of them)."""
        q, args = "SELECT * FROM events WHERE 1=1", []
        if since:
            q += " AND at >= ?"
            args.append(since)
        if after_id is not None:
            q += " AND id > ?"
            args.append(after_id)
        for col, v in (("party", party), ("issue", issue)):
            if v:
                q += f" AND {col} = ?"
                args.append(v)
        kinds = list(kinds or [])
        if kinds:
            q += f" AND kind IN ({','.join('?' * len(kinds))})"
            args.extend(kinds)
        q += " ORDER BY id DESC" + (f" LIMIT {int(limit)}" if limit else "")
        rows = [dict(r) for r in self._db.get().execute(q, args)]
        for r in rows:
            r["detail"] = json.loads(r["detail"])
        return rows[::-1]

    def last_read(self) -> int:
        row = self._db.get().execute("SELECT value FROM meta WHERE key = 'last_read'").fetchone()
        return int(row[0]) if row else 0

    def mark_read(self, event_id: int) -> None:
        with self._db.get() as c:
            c.execute("INSERT OR REPLACE INTO meta VALUES ('last_read', ?)", (str(event_id),))

    def latest_id(self) -> int:
        row = self._db.get().execute("SELECT MAX(id) FROM events").fetchone()
        return int(row[0] or 0)

    def changed_cells(self, since: str) -> set[tuple[str, str]]:
        """(party, issue) cells whose stance changed through a statement published on or after ``since``."""
        out = set()
        for r in self._db.get().execute("SELECT party, issue, detail FROM events WHERE kind = 'stance_changed'"):
            if ((json.loads(r[2]).get("to") or {}).get("published") or "") >= since:
                out.add((r[0], r[1]))
        return out


def safe_open(settings) -> ChangeLog | None:
    """The change log, or None when it cannot be opened (a read-only folder): changes are a view, never a reason
    for an ingest to fail."""
    try:
        return ChangeLog.from_settings(settings)
    except (OSError, sqlite3.Error):
        return None
