"""``tradechat ingest``: files -> clean articles -> chunks -> vectors -> store, incrementally.

Unchanged documents (same content hash, fully written) are skipped without
embedding; changed ones are replaced; records gone from a re-read file are
removed; with ``prune`` documents whose file no longer exists are removed.
Bad files are reported by name and reason; nothing stored is touched for them.
"""

from __future__ import annotations

import functools
import logging
import sys
import time
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from . import dedup
from .chunk import Chunker
from .embed import make_embedder
from .loaders import expand_paths
from .reader import FileReader
from .settings import Settings
from .store import Store
from .types import Article, Chunk, LoadError, count

log = logging.getLogger(__name__)


@dataclass
class IngestReport:
    new: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[LoadError] = field(default_factory=list)
    chunks: int = 0  # chunks embedded and written in this run
    files: int = 0
    seconds: float = 0.0
    duplicates: int | None = None  # documents in near-duplicate groups, when regrouped
    failures_file: Path | None = None  # every failure, one per line, when there are more than the summary shows

    SHOWN_FAILURES = 50  # failures listed in the summary (a file of 100,000 bad lines must not flood a browser tab)

    def summary(self) -> str:
        line = (
            f"{len(self.new)} new, {len(self.updated)} updated, {len(self.unchanged)} unchanged, "
            f"{len(self.removed)} removed, {len(self.failed)} failed; {count(self.chunks, 'chunk')} written "
            f"from {count(self.files, 'file')} in {self.seconds:.1f}s"
        )
        if self.duplicates:
            line += f"; {count(self.duplicates, 'document has', 'documents have')} near-duplicates (syndicated copies)"
        errors = "".join(f"\n  failed: {e}" for e in self.failed[: self.SHOWN_FAILURES])
        hidden = len(self.failed) - self.SHOWN_FAILURES
        if hidden > 0:
            where = f": all of them are in {self.failures_file}" if self.failures_file else ""
            errors += f"\n  … and {hidden:,} more failures{where}"
        return line + errors

    def write_failures(self, folder: Path) -> None:
        """Keep the whole failure list in a file when the summary cannot show it all."""
        if len(self.failed) <= self.SHOWN_FAILURES:
            return
        folder.mkdir(parents=True, exist_ok=True)
        self.failures_file = folder / "last-ingest-failures.txt"
        tmp = self.failures_file.with_suffix(".tmp")
        tmp.write_text("".join(f"{e}\n" for e in self.failed), encoding="utf-8")
        tmp.replace(self.failures_file)

    def as_dict(self) -> dict:
        return {
            "new": self.new, "updated": self.updated, "unchanged": len(self.unchanged), "removed": self.removed,
            "failed": [{"path": e.path, "reason": e.reason} for e in self.failed],
            "chunks": self.chunks, "files": self.files, "seconds": round(self.seconds, 3), "duplicates": self.duplicates,
            "failures_file": str(self.failures_file) if self.failures_file else None,
        }


class Ingestor:
    """Holds the embedder, chunker and store for one or many ingest runs."""

    def __init__(self, settings: Settings, store: Store | None = None, embedder=None):
        self.settings = settings
        self.store = store or Store.from_settings(settings)
        self.embedder = embedder or make_embedder(settings, workers=settings.embed.workers)
        self.chunker = Chunker.from_settings(settings, self.embedder)
        self.flush_chunks = max(settings.embed.batch_size * 8, 256 * settings.embed.workers)

    def ingest(self, paths: Sequence[str | Path], prune: bool = False, progress: bool = True, topic: str | None = None,
               replace: bool = False, protected_outside: Path | None = None, origin: str | None = None) -> IngestReport:
        """Ingest files/folders. ``topic`` keeps only documents tagged with it
        (Reuters TOPICS), e.g. ``topic="trade"``.

        A doc id belongs to the file that stored it: the same id read from another file is
        refused, naming both, unless ``replace`` (or the first file no longer exists: it
        moved). With ``protected_outside`` (the web uploads folder) no document stored from
        a file outside that folder is ever replaced, whatever ``replace`` says. ``origin`` names where the
        documents came from in the change log ("upload", "feed:NAME", "watch")."""
        t0 = time.perf_counter()
        report = IngestReport()
        store = self.store
        report.removed += store.repair()
        previous = store.docs.states()
        seen: dict[str, str] = {}  # doc_id -> path that produced it in this run
        files_read: set[str] = set()
        pending: list[tuple[Article, list[Chunk]]] = []
        moved: dict[str, str] = {}  # unchanged documents whose file moved: doc_id -> new path
        meta: dict[str, dict] = {}  # written documents' titles, outlets and dates, for the change log
        n_pending = 0

        # Store writes (SQLite + Chroma) run on one background thread while the
        # next batch is embedded; at most one write is in flight, in order.
        writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tradechat-writer")
        in_flight: list[Future] = []

        def flush() -> None:
            nonlocal pending, n_pending
            if not pending:
                return
            batch = pending
            vectors = self.embedder.embed([c.text for _, cs in batch for c in cs])
            for f in in_flight:
                f.result()  # surface a write error before queueing more
            in_flight[:] = [writer.submit(_sign_and_write, store, batch, vectors, previous)]
            for art, cs in batch:
                (report.updated if art.doc_id in previous else report.new).append(art.doc_id)
                report.chunks += len(cs)
                meta[art.doc_id] = {"doc_id": art.doc_id, "title": art.title, "source": art.source, "published": art.published,
                                    "url": art.url}
            pending, n_pending = [], 0

        files = list(expand_paths(paths))
        bar = _progress(len(files), progress)
        bad = [f for f in files if isinstance(f, LoadError)]
        report.failed += bad
        bar.update(len(bad))
        reader = FileReader(self.settings.ingest)
        for f, items in reader.read_many(f for f in files if not isinstance(f, LoadError)):
            report.files += 1
            file_ok = True
            for item in items:
                if isinstance(item, LoadError):
                    report.failed.append(item)
                    file_ok = False  # keep what is stored from this file: we cannot tell what vanished
                    continue
                if topic and topic not in item.extra.get("topics", ()):
                    continue
                if item.doc_id in seen:
                    report.failed.append(LoadError(item.path or str(f), f"duplicate doc id {item.doc_id!r} (already read from {seen[item.doc_id]}); skipped"))
                    continue
                seen[item.doc_id] = item.path or str(f)
                old = previous.get(item.doc_id)
                owner = _ownership_conflict(old.path if old else None, item.path or str(f), replace, protected_outside)
                if owner:
                    report.failed.append(LoadError(item.path or str(f), owner))
                    continue
                if old is not None and old.status == "ok" and old.hash == item.content_hash:
                    report.unchanged.append(item.doc_id)
                    if old.path is not None and item.path and not _same_file(old.path, item.path):
                        moved[item.doc_id] = item.path  # no conflict above: the file moved
                    continue
                chunks = self.chunker.chunk(item)
                pending.append((item, chunks))
                n_pending += len(chunks)
                if n_pending >= self.flush_chunks:
                    flush()
                    bar.set_postfix(chunks=report.chunks, refresh=False)
            if file_ok and not topic:  # a filtered read does not say what vanished
                files_read.add(str(f))
            bar.update(1)
        try:
            flush()
            for f in in_flight:
                f.result()
        finally:
            reader.close()
            writer.shutdown(wait=True)
        bar.close()

        # Records that vanished from a file read in full in this run are gone;
        # with prune, so are documents whose file no longer exists.
        gone = [
            d for d, s in previous.items()
            if d not in seen and s.path is not None
            and (s.path in files_read or (prune and not Path(s.path).exists()))
        ]
        if moved:
            store.docs.set_paths(moved)
        store.delete(gone, origin=origin)
        report.removed += gone
        if store.changes is not None and (report.new or report.updated):
            store.changes.documents("document_added", [meta[d] for d in report.new], origin)
            store.changes.documents("document_replaced", [meta[d] for d in report.updated], origin)
        if report.new or report.updated or report.removed:
            store.lexical()  # rebuild the BM25 index now, not at the first question
            report.duplicates = len(dedup.regroup(store.docs, self.settings.ingest))
        report.seconds = time.perf_counter() - t0
        report.write_failures(self.settings.data_dir)
        log.info("ingest: %d files, %d new, %d updated, %d unchanged, %d removed, %d failed, %d chunks in %.1f s", report.files,
                 len(report.new), len(report.updated), len(report.unchanged), len(report.removed), len(report.failed),
                 report.chunks, report.seconds)
        return report


def _sign_and_write(store: Store, batch: list[tuple[Article, list[Chunk]]], vectors, previous) -> None:
    """On the writer thread: the near-duplicate signatures of a batch (off the embedding path), then the write."""
    store.write(batch, vectors, previous, {art.doc_id: dedup.signature(art.text) for art, _ in batch})


@functools.lru_cache(maxsize=4096)
def _resolved(path: str) -> Path:
    return Path(path).resolve()


def _same_file(a: str, b: str) -> bool:
    """One resolve per distinct path: a Reuters file's thousand stories share two paths."""
    return a == b or _resolved(a) == _resolved(b)


def _ownership_conflict(old_path: str | None, new_path: str, replace: bool, protected_outside: Path | None) -> str | None:
    """Why a document read from new_path may not replace the one stored from old_path, or None."""
    if old_path is None or _same_file(old_path, new_path):
        return None
    if protected_outside is not None and not Path(old_path).resolve().is_relative_to(Path(protected_outside).resolve()):
        return f"its doc id is already taken by a document from {old_path}; an upload never replaces it"
    if not replace and Path(old_path).exists():
        return f"its doc id is already taken by a document from {old_path}; not replaced (--replace lets this file take it over)"
    return None


def _progress(total: int, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, unit="file", desc="ingest", file=sys.stderr, disable=not enabled or total < 2, leave=False)

