"""Where ingested documents live.

* ``DocStore`` (SQLite, WAL): each document's cleaned text, metadata, content
  hash and state, and each chunk's text, offsets and token counts. It is the
  source for highlighting, listing and lexical search.
* ``VectorStore`` (Chroma): one record per chunk (id ``doc_id::index``), its
  embedding and the metadata retrieval filters on. Embedded
  ``PersistentClient`` under the data directory, or a ``chroma run`` server
  through ``HttpClient`` when ``chroma.url`` is set.

Writes are ordered so a kill at any point is repaired by the next ingest: a
document is first recorded as ``pending`` (with its new chunks), then its
vectors are upserted under deterministic ids and stale ones deleted, then it
is marked ``ok``. A pending document never counts as unchanged, so it is
simply written again; deletions go ``deleting`` -> vectors removed -> rows
removed, and a leftover ``deleting`` row is finished on the next run.
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import re
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from .lexical import LexicalIndex
from .sqlite import ThreadConnections
from .types import Article, Chunk
from .vectors import ChromaVectors, StoreError, VectorStore

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,
    hash TEXT NOT NULL,
    status TEXT NOT NULL,            -- pending | ok | deleting
    path TEXT, title TEXT, source TEXT, published TEXT, url TEXT,
    dateline TEXT, byline TEXT, dek TEXT, extra TEXT,
    text TEXT NOT NULL,
    n_chunks INTEGER NOT NULL DEFAULT 0,
    ingested_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS chunks (
    chunk_id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL,
    idx INTEGER NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT NOT NULL,
    n_wordpieces INTEGER NOT NULL,
    n_tiktoken INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_by_doc ON chunks(doc_id, idx);
CREATE INDEX IF NOT EXISTS docs_by_path ON documents(path);
CREATE TABLE IF NOT EXISTS signatures (doc_id TEXT PRIMARY KEY, sig BLOB NOT NULL);  -- MinHash, for near-duplicates
CREATE TABLE IF NOT EXISTS dup_groups (doc_id TEXT PRIMARY KEY, canonical TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT OR IGNORE INTO meta (key, value) VALUES ('generation', 0);
INSERT OR IGNORE INTO meta (key, value) VALUES ('groups_version', 0);
"""
_BUMP = "UPDATE meta SET value = value + 1 WHERE key = 'generation'"

_DOC_COLS = ("doc_id", "title", "source", "published", "url", "dateline", "byline", "dek", "path")


@dataclass(frozen=True)
class StoredDoc:
    doc_id: str
    hash: str
    status: str
    path: str | None
    n_chunks: int


class DocStore:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = ThreadConnections(self.path)
        self.read_only = False
        try:
            with self._conn() as c:
                c.executescript(_SCHEMA)
        except sqlite3.OperationalError as e:
            if "readonly" not in str(e) or not self.path.exists():
                raise
            self.read_only = True  # a read-only folder: reading (docs, answers) still works

    def _conn(self) -> sqlite3.Connection:
        return self._db.get()

    def close(self) -> None:
        """Close this thread's connection (the last to close folds the WAL into the file)."""
        self._db.close()

    # ---- reads -------------------------------------------------------------
    def states(self) -> dict[str, StoredDoc]:
        rows = self._conn().execute("SELECT doc_id, hash, status, path, n_chunks FROM documents").fetchall()
        return {r["doc_id"]: StoredDoc(*r) for r in rows}

    def coverage(self, outlets: int = 6, recent: int = 3) -> dict:
        """What is stored, for a first screen: counts, the date range, the last ingest, the biggest outlets
        and the latest additions."""
        c = self._conn()
        n, chunks, first, last, updated = c.execute(
            "SELECT count(*), coalesce(sum(n_chunks), 0), min(published), max(published), max(ingested_at) "
            "FROM documents WHERE status = 'ok'").fetchone()
        top = c.execute("SELECT source, count(*) AS k FROM documents WHERE status = 'ok' AND source IS NOT NULL "
                        "GROUP BY source ORDER BY k DESC, source LIMIT ?", (outlets,)).fetchall()
        n_outlets = c.execute("SELECT count(DISTINCT source) FROM documents WHERE status = 'ok'").fetchone()[0]
        latest = c.execute("SELECT doc_id, title, source, published FROM documents WHERE status = 'ok' "
                           "ORDER BY ingested_at DESC, doc_id LIMIT ?", (recent,)).fetchall()
        return {"documents": n, "chunks": chunks, "first": first, "last": last, "updated": updated,
                "outlets": [(o, k) for o, k in top], "n_outlets": n_outlets, "latest": [dict(r) for r in latest]}

    def doc_ids(self) -> set[str]:
        """The ids of the documents stored and readable (not half-deleted)."""
        return {r[0] for r in self._conn().execute("SELECT doc_id FROM documents WHERE status = 'ok'")}

    def documents(self) -> list[dict]:
        cols = ", ".join(_DOC_COLS)
        rows = self._conn().execute(f"SELECT {cols}, n_chunks, status FROM documents ORDER BY published, doc_id").fetchall()
        return [dict(r) for r in rows]

    def flagged(self) -> dict[str, list[dict]]:
        """Documents holding sentences addressed to an AI assistant (found at ingest): doc id -> those sentences."""
        rows = self._conn().execute("SELECT doc_id, extra FROM documents WHERE extra LIKE '%addressed_to_assistant%' ORDER BY doc_id")
        out = {r["doc_id"]: json.loads(r["extra"] or "{}").get("addressed_to_assistant") for r in rows}
        return {d: v for d, v in out.items() if v}

    def document(self, doc_id: str) -> dict | None:
        r = self._conn().execute("SELECT * FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        if r is None:
            return None
        d = dict(r)
        d["extra"] = json.loads(d["extra"] or "{}")
        return d

    def titled(self, words: Sequence[str], limit: int = 20) -> list[str]:
        """The newest stored documents whose headline holds every one of these words (whole words, any case)."""
        words = [w.lower() for w in words if w]
        if not words:
            return []
        rows = self._conn().execute("SELECT doc_id, title FROM documents WHERE status = 'ok' AND title LIKE ? "
                                    "ORDER BY published DESC, doc_id", (f"%{max(words, key=len)}%",))
        out = []
        for r in rows:
            title = (r["title"] or "").lower()
            if all(re.search(rf"(?<![a-z0-9]){re.escape(w)}(?![a-z0-9])", title) for w in words):
                out.append(r["doc_id"])
                if len(out) >= limit:
                    break
        return out

    def doc_meta(self, doc_ids: Sequence[str]) -> dict[str, dict]:
        """Outlet and date of these documents, without their texts."""
        ids = list(doc_ids)
        out: dict[str, dict] = {}
        for i in range(0, len(ids), 5000):
            part = ids[i: i + 5000]
            q = f"SELECT doc_id, source, published, title, url FROM documents WHERE doc_id IN ({','.join('?' * len(part))})"
            out.update((r["doc_id"], dict(r)) for r in self._conn().execute(q, part))
        return out

    def chunks(self, doc_id: str | None = None) -> list[dict]:
        q = 'SELECT chunk_id, doc_id, idx, start, "end", text, n_wordpieces, n_tiktoken FROM chunks'
        args: tuple = ()
        if doc_id is not None:
            q += " WHERE doc_id = ?"
            args = (doc_id,)
        return [dict(r) for r in self._conn().execute(q + " ORDER BY doc_id, idx", args)]

    def generation(self) -> int:
        """Incremented by every write or removal; derived indexes compare it."""
        return self._conn().execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()[0]

    def chunks_by_id(self, chunk_ids: Sequence[str]) -> dict[str, dict]:
        out: dict[str, dict] = {}
        ids = list(chunk_ids)
        for i in range(0, len(ids), 500):
            part = ids[i : i + 500]
            q = ('SELECT c.chunk_id, c.doc_id, c.idx, c.start, c."end", c.text, c.n_tiktoken, d.title, d.source, d.published, d.url'
                 f" FROM chunks c JOIN documents d ON d.doc_id = c.doc_id WHERE c.chunk_id IN ({','.join('?' * len(part))}) AND d.status = 'ok'")
            for r in self._conn().execute(q, part):
                out[r["chunk_id"]] = dict(r)
        return out

    def count_chunks(self) -> int:
        return self._conn().execute("SELECT COUNT(*) FROM chunks").fetchone()[0]

    # ---- writes ------------------------------------------------------------
    def stage(self, items: Sequence[tuple[Article, list[Chunk]]], signatures: dict[str, np.ndarray] | None = None) -> None:
        """Record documents and their new chunks (and near-duplicate signatures, computed
        by the caller) as pending, in one transaction."""
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        c = self._conn()
        with c:
            for art, chunks in items:
                c.execute("DELETE FROM chunks WHERE doc_id = ?", (art.doc_id,))
                c.execute(
                    "INSERT OR REPLACE INTO documents (doc_id, hash, status, path, title, source, published, url,"
                    " dateline, byline, dek, extra, text, n_chunks, ingested_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (art.doc_id, art.content_hash, "pending", art.path, art.title, art.source, art.published, art.url,
                     art.dateline, art.byline, art.dek, json.dumps(art.extra, ensure_ascii=False), art.text, len(chunks), now),
                )
                c.executemany(
                    'INSERT INTO chunks (chunk_id, doc_id, idx, start, "end", text, n_wordpieces, n_tiktoken) VALUES (?,?,?,?,?,?,?,?)',
                    [(ch.chunk_id, ch.doc_id, ch.index, ch.start, ch.end, ch.text, ch.n_wordpieces, ch.n_tiktoken) for ch in chunks],
                )
            self._put_signatures(c, signatures or {})
            c.execute(_BUMP)

    def set_status(self, doc_ids: Iterable[str], status: str) -> None:
        c = self._conn()
        with c:
            c.executemany("UPDATE documents SET status = ? WHERE doc_id = ?", [(status, d) for d in doc_ids])

    def set_paths(self, paths: dict[str, str]) -> None:
        """Record the file a document now comes from (it moved; its content did not change)."""
        c = self._conn()
        with c:
            c.executemany("UPDATE documents SET path = ? WHERE doc_id = ?", [(p, d) for d, p in paths.items()])

    def remove(self, doc_ids: Iterable[str]) -> None:
        c = self._conn()
        ids = [(d,) for d in doc_ids]
        with c:
            c.executemany("DELETE FROM chunks WHERE doc_id = ?", ids)
            c.executemany("DELETE FROM documents WHERE doc_id = ?", ids)
            c.executemany("DELETE FROM signatures WHERE doc_id = ?", ids)
            c.execute(_BUMP)

    # ---- near-duplicate signatures and groups (computed in ingest.dedup, kept here) ----
    @staticmethod
    def _put_signatures(c: sqlite3.Connection, signatures: dict[str, np.ndarray]) -> None:
        c.executemany("INSERT OR REPLACE INTO signatures (doc_id, sig) VALUES (?, ?)",
                      [(d, sig.tobytes()) for d, sig in signatures.items()])

    def save_signatures(self, signatures: dict[str, np.ndarray]) -> None:
        c = self._conn()
        with c:
            self._put_signatures(c, signatures)

    def unsigned_texts(self) -> list[tuple[str, str]]:
        """(doc_id, text) of documents stored without a signature (older stores, direct writes)."""
        rows = self._conn().execute("SELECT doc_id, text FROM documents WHERE doc_id NOT IN (SELECT doc_id FROM signatures)")
        return [(r["doc_id"], r["text"]) for r in rows]

    def signatures(self) -> tuple[dict[str, np.ndarray], dict[str, str | None]]:
        """doc_id -> signature, and doc_id -> publication date, of every signed document."""
        rows = self._conn().execute("SELECT s.doc_id, s.sig, d.published FROM signatures s JOIN documents d USING (doc_id)").fetchall()
        return ({r["doc_id"]: np.frombuffer(r["sig"], dtype=np.uint64) for r in rows},
                {r["doc_id"]: r["published"] for r in rows})

    def set_groups(self, mapping: dict[str, str]) -> None:
        """Replace the near-duplicate groups (doc_id -> canonical doc_id)."""
        c = self._conn()
        with c:
            c.execute("DELETE FROM dup_groups")
            c.executemany("INSERT INTO dup_groups (doc_id, canonical) VALUES (?, ?)", list(mapping.items()))
            c.execute("UPDATE meta SET value = value + 1 WHERE key = 'groups_version'")

    def duplicate_groups(self) -> dict[str, str]:
        """doc_id -> canonical doc_id for documents that have near-duplicates (cached per store generation)."""
        g = self._conn().execute("SELECT value FROM meta WHERE key = 'groups_version'").fetchone()[0]
        cached = getattr(self, "_groups", None)
        if cached is None or cached[0] != g:
            rows = self._conn().execute("SELECT doc_id, canonical FROM dup_groups").fetchall()
            cached = (g, {r["doc_id"]: r["canonical"] for r in rows})
            self._groups = cached
        return cached[1]


def _open_advice(e: BaseException, settings) -> str:
    """What to do about a store that would not open: depends on why (full disk, read-only, damage)."""
    chain, seen = [], e
    while seen is not None and len(chain) < 10:
        chain.append(seen)
        seen = seen.__cause__ or seen.__context__
    text = " ".join(str(x).lower() for x in chain)
    errnos = {getattr(x, "errno", None) for x in chain}
    if errno.ENOSPC in errnos or "disk is full" in text or "no space" in text:
        return f"The disk holding {settings.data_dir} is full: free some space and run the command again (nothing needs re-ingesting)"
    if errno.EROFS in errnos or errno.EACCES in errnos or "readonly" in text or "read-only" in text or "permission denied" in text:
        return (f"{settings.data_dir} is read-only or not writable here, and Chroma must write to open its store: "
                "remount it read-write, fix its permissions, or copy the folder somewhere writable and point "
                "TRADECHAT_DATA_DIR at the copy (nothing needs re-ingesting)")
    return f"If the folder is damaged, move it aside and re-ingest (the documents are kept in {settings.docstore_path})"


class Store:
    """The document store and the vector store, kept in step."""

    def __init__(self, docs: DocStore, vectors: VectorStore, lexical_path: Path | None = None, reopen=None):
        self.docs = docs
        self.vectors = vectors
        self.lexical_path = lexical_path or docs.path.parent / "bm25"
        self._lexical = None
        self._reopen = reopen  # builds a fresh VectorStore (embedded Chroma only)
        self._seen = docs.generation()
        self._sync_lock = threading.Lock()
        self._writing = 0  # own writes in progress: their generation bumps are not someone else's
        self._changes = None  # the change log, opened on first use

    def sync(self) -> None:
        """Pick up changes another process made (e.g. `tradechat ingest` while the web app runs).

        An embedded Chroma client keeps its HNSW index in memory and does not see
        another process's writes; when the docstore's generation moved without
        this object writing, the client is opened afresh.
        """
        if self._reopen is None:
            return
        with self._sync_lock:
            g = self.docs.generation()
            if g != self._seen and not self._writing:
                self.vectors = self._reopen()
                self._seen = g

    @contextlib.contextmanager
    def _errors(self, what: str):
        """Turn a failed write (disk full, read-only folder, server gone) into one clear StoreError.

        Documents are marked ok only after their vectors are written, so a failed
        write leaves them pending: never shown in answers, rewritten by the next run.
        """
        try:
            yield
        except StoreError:
            raise
        except Exception as e:
            raise StoreError(f"could not {what} the store in {self.docs.path.parent}: {type(e).__name__}: {e}. "
                             "Documents stored before are intact; this run's unfinished documents are not shown "
                             "in answers and will be written by the next run") from e

    @contextlib.contextmanager
    def _own_write(self):
        with self._sync_lock:
            self._writing += 1
        try:
            yield
        finally:
            with self._sync_lock:
                self._writing -= 1
                self._seen = self.docs.generation()

    def lexical(self) -> LexicalIndex:
        """The BM25 index matching the docstore now (rebuilt only after changes)."""
        def rows():
            return self.docs.chunks(), {d["doc_id"]: d for d in self.docs.documents()}

        self._lexical = LexicalIndex.current(self.docs.generation(), rows, self.lexical_path, self._lexical)
        return self._lexical

    @classmethod
    def from_settings(cls, settings) -> Store:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        def open_vectors(fresh: bool = False) -> VectorStore:
            return ChromaVectors.open(settings.chroma.url, settings.chroma_path, settings.chroma.collection,
                                      settings.ingest.write_batch, settings.embed.vector_space, fresh=fresh)

        reopen = None if settings.chroma.url else (lambda: open_vectors(fresh=True))
        where = settings.chroma.url or settings.chroma_path
        try:
            docs = DocStore(settings.docstore_path)
        except (sqlite3.Error, OSError) as e:
            raise StoreError(f"cannot open the document store {settings.docstore_path}: {type(e).__name__}: {e}") from e
        try:
            vectors = open_vectors()
        except StoreError:
            raise
        except Exception as e:  # chromadb raises its own error types (and sqlite/OS errors) on a bad folder or server
            raise StoreError(f"cannot open the Chroma store at {where}: {type(e).__name__}: {e}. "
                             + _open_advice(e, settings)) from e
        return cls(docs, vectors, settings.bm25_path, reopen)

    def write(self, items: Sequence[tuple[Article, list[Chunk]]], vectors: np.ndarray, previous: dict[str, StoredDoc],
              signatures: dict[str, np.ndarray] | None = None) -> None:
        """Replace these documents (text, chunks, vectors) in one crash-safe step."""
        if not items:
            return
        # a document a killed run left pending may have any mix of old and new
        # vectors: clear them all before writing the new ones
        dirty = [a.doc_id for a, _ in items if a.doc_id in previous and previous[a.doc_id].status != "ok"]
        with self._own_write(), self._errors("write"):
            self.docs.stage(items, signatures)
            self.vectors.delete(dirty)
            self.vectors.upsert(items, vectors)
            for art, chunks in items:
                old = previous.get(art.doc_id)
                if old is not None and old.status == "ok" and old.n_chunks > len(chunks):  # the document got shorter
                    self.vectors.delete_ids([f"{art.doc_id}::{i}" for i in range(len(chunks), old.n_chunks)])
            self.docs.set_status([a.doc_id for a, _ in items], "ok")
        log.debug("stored %d documents (%d chunks)", len(items), len(vectors))

    @property
    def changes(self):
        """The change log beside the document store (None when it cannot be opened)."""
        if self._changes is None:
            from .changes import ChangeLog

            try:
                self._changes = ChangeLog(self.docs.path.parent / "changes.sqlite3")
            except (OSError, sqlite3.Error) as e:
                log.warning("the change log cannot be opened (%s); changes are not recorded", e)
                return None
        return self._changes

    def delete(self, doc_ids: Sequence[str], origin: str | None = None) -> None:
        """Remove documents; their change events go with them, and each removal is recorded."""
        if not doc_ids:
            return
        meta = self.docs.doc_meta(doc_ids)
        gone = [meta[d] for d in doc_ids if d in meta]
        with self._own_write(), self._errors("delete from"):
            self.docs.set_status(doc_ids, "deleting")
            self.vectors.delete(list(doc_ids))
            self.docs.remove(doc_ids)
        if self.changes is not None:
            self.changes.forget(doc_ids)
            self.changes.documents("document_removed", gone, origin)
        log.debug("removed %d documents", len(doc_ids))

    def repair(self) -> list[str]:
        """Finish deletions a killed run left half-done; return their ids."""
        stuck = [d for d, s in self.docs.states().items() if s.status == "deleting"]
        self.delete(stuck)
        return stuck
