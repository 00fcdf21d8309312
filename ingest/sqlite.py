"""One SQLite connection per thread, in WAL mode, for the document and position stores.

SQLite connections may not be shared across threads; each thread (a web request, the
ingest writer) gets its own, opened on first use. A database on read-only media is
opened immutable when it is complete (nothing waiting in its -wal file).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from pathlib import Path


class ThreadConnections:
    def __init__(self, path: Path):
        self.path = Path(path)
        self._local = threading.local()

    @classmethod
    def with_schema(cls, path: Path, schema: str) -> ThreadConnections:
        """Connections to a database at ``path`` (its folder made) whose tables ``schema`` creates if missing."""
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        db = cls(path)
        with db.get() as c:
            c.executescript(schema)
        return db

    def get(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30)
            conn.row_factory = sqlite3.Row
            try:
                with contextlib.suppress(sqlite3.OperationalError):  # read-only folders keep their journal mode
                    conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
            except sqlite3.OperationalError:
                conn.close()
                conn = self._read_only()
            self._local.conn = conn
        return conn

    def _read_only(self) -> sqlite3.Connection:
        """A WAL database on read-only media cannot open its -shm file. When
        nothing waits in the -wal file the database file is complete, and is
        opened as immutable; otherwise the error says what to do."""
        wal = self.path.with_name(self.path.name + "-wal")
        if not self.path.exists() or os.access(self.path.parent, os.W_OK):
            raise sqlite3.OperationalError(f"unable to open database file {self.path}")
        if wal.exists() and wal.stat().st_size > 0:
            raise sqlite3.OperationalError(f"{self.path} is on read-only media with unmerged writes in {wal.name}; "
                                           "open the store once where it can be written")
        conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?immutable=1", uri=True)
        conn.row_factory = sqlite3.Row
        return conn

    def close(self) -> None:
        """Close this thread's connection; the last one to close folds the WAL
        into the database file, so a copy of the folder is whole on its own."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            self._local.conn = None
            conn.close()
