"""Extracted positions, stored next to the documents (``DATA_DIR/positions.sqlite3``).

One row per processed document (its content hash and the extraction version,
so a rebuild redoes only new or changed documents, or everything after the
vocabulary, rules or model changed) and one row per statement, with the
outlet and date copied in so views need no join.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path

from ingest.sqlite import ThreadConnections
from ingest.store import StoreError

from .extract import Statement

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS docs (
    doc_id TEXT PRIMARY KEY, hash TEXT NOT NULL, version TEXT NOT NULL, method TEXT NOT NULL,
    n_sentences INTEGER, n_flagged INTEGER, n_statements INTEGER, n_discarded INTEGER,
    rule_ms REAL, model_ms REAL, note TEXT, built_at TEXT
);
CREATE TABLE IF NOT EXISTS statements (
    id INTEGER PRIMARY KEY, doc_id TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL, sentence TEXT NOT NULL,
    party TEXT NOT NULL, issue TEXT NOT NULL, stance TEXT NOT NULL, method TEXT NOT NULL, cue TEXT, issue_from TEXT,
    source TEXT, published TEXT, title TEXT, url TEXT, toward TEXT, confidence REAL
);
CREATE INDEX IF NOT EXISTS statements_by_cell ON statements(party, issue, published);
CREATE INDEX IF NOT EXISTS statements_by_doc ON statements(doc_id);
"""


def _add_columns(c: sqlite3.Connection) -> None:
    """Stores written before `toward` and `confidence` existed get the columns (their rows are rebuilt:
    the extraction version changed with them)."""
    have = {r[1] for r in c.execute("PRAGMA table_info(statements)")}
    for col, kind in (("toward", "TEXT"), ("confidence", "REAL")):
        if col not in have:
            c.execute(f"ALTER TABLE statements ADD COLUMN {col} {kind}")


class PositionStore:
    damaged: Path | None = None  # where a damaged file was moved on opening

    def __init__(self, path: Path):
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = ThreadConnections(self.path)
            with self._conn() as c:
                c.executescript(_SCHEMA)
                _add_columns(c)
        except OSError as e:
            raise StoreError(f"cannot open the positions store {self.path}: {e.strerror or e}") from e
        except sqlite3.DatabaseError as e:
            if isinstance(e, sqlite3.OperationalError) or not self.path.exists():
                # locked, read-only or missing: not damage, and nothing to move aside
                hint = "" if self.path.exists() else " (it does not exist yet and cannot be created: is the folder read-only?)"
                raise StoreError(f"cannot open the positions store {self.path}: {e}{hint}") from e
            # positions are derived from the stored documents: set the damaged file aside and start
            # empty (answers fall back to the articles; `positions build` fills it again)
            self._db.close()
            aside = self.path.with_name(f"{self.path.name}.damaged-{int(time.time())}")
            self.path.replace(aside)
            log.warning("%s is damaged (%s); moved it to %s and started an empty one: run `tradechat positions build`",
                        self.path, e, aside.name)
            self.damaged = aside
            with self._conn() as c:
                c.executescript(_SCHEMA)

    def _conn(self) -> sqlite3.Connection:
        return self._db.get()

    def processed(self) -> dict[str, tuple[str, str]]:
        return {r["doc_id"]: (r["hash"], r["version"]) for r in self._conn().execute("SELECT doc_id, hash, version FROM docs")}

    def replace(self, doc: dict, doc_hash: str, version: str, method: str, stats: dict, statements: list[Statement]) -> None:
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        rows = [(s.doc_id, s.start, s.end, s.sentence, s.party, s.issue, s.stance, s.method, s.cue, s.issue_from,
                 doc.get("source"), doc.get("published"), doc.get("title"), doc.get("url"), s.toward, s.confidence) for s in statements]
        with self._conn() as c:  # one transaction: a document's statements change all at once
            c.execute("DELETE FROM statements WHERE doc_id = ?", (doc["doc_id"],))
            c.executemany('INSERT INTO statements (doc_id, start, "end", sentence, party, issue, stance, method, cue, issue_from,'
                          " source, published, title, url, toward, confidence) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
            c.execute("INSERT OR REPLACE INTO docs VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                      (doc["doc_id"], doc_hash, version, method, stats.get("sentences"), stats.get("flagged"), len(rows),
                       stats.get("discarded", 0), stats.get("rule_ms"), stats.get("model_ms"), stats.get("note"), now))

    def remove(self, doc_ids: Iterable[str]) -> None:
        ids = [(d,) for d in doc_ids]
        with self._conn() as c:
            c.executemany("DELETE FROM statements WHERE doc_id = ?", ids)
            c.executemany("DELETE FROM docs WHERE doc_id = ?", ids)

    def statements(self, party: str | None = None, issue: str | None = None, since: str | None = None,
                   until: str | None = None, doc_ids: Iterable[str] | None = None) -> list[dict]:
        """Statements in date order (undated last), optionally for one party / issue / date range."""
        q, args = ('SELECT doc_id, start, "end", sentence, party, issue, stance, method, cue, issue_from, source, published, title, url,'
                   " toward, confidence FROM statements WHERE 1=1"), []
        for col, value in (("party", party), ("issue", issue)):
            if value:
                q += f" AND {col} = ?"
                args.append(value)
        if since:
            q += " AND published >= ?"
            args.append(since)
        if until:
            q += " AND substr(published, 1, 10) <= ?"
            args.append(until[:10])
        if doc_ids is not None:
            ids = list(doc_ids)
            q += f" AND doc_id IN ({','.join('?' * len(ids))})"
            args.extend(ids)
        q += " ORDER BY published IS NULL, published, doc_id, start"
        return [dict(r) for r in self._conn().execute(q, args)]
