"""Retrieval as composable steps: retrievers, fusion, then passage post-processors.

* ``DenseRetriever`` (the vector store) and ``BM25Retriever`` (the lexical index)
  share one small base: ``ranked(query, filters, n) -> chunk ids``.
* ``FusionRetriever`` merges any of them by reciprocal rank.
* Post-processors run in order over the fused passages: ``RecencyBoost`` (a
  question asking for the latest state ranks newer passages first among similarly
  relevant ones), ``DateScope`` (a question naming a month ranks that month's
  stories first) and ``CollapseCopies`` (one copy of a syndicated story).

``Retriever`` wires them from settings; ``mode`` picks ``hybrid`` (both),
``dense`` or ``bm25``. Filters (outlet, date range, doc ids) apply inside each
retriever, before ranking.
"""

from __future__ import annotations

import abc
import logging
import time
from dataclasses import dataclass

import numpy as np

from ingest.dates import parse_day, published_day
from ingest.dedup import group_members
from ingest.store import Store
from ingest.vectors import StoreError, Where

from .question import asked_dates, names_a_figure, search_text, wants_recent
from .types import Filters, Passage

log = logging.getLogger(__name__)
MODES = ("hybrid", "dense", "bm25")


@dataclass
class RetrievalResult:
    passages: list[Passage]
    ms: float
    note: str | None = None


def to_where(filters: Filters) -> Where:
    """The store's neutral filter for the chat's filters."""
    return Where(tuple(filters.sources), tuple(filters.doc_ids),
                 published_day(filters.since) if filters.since else None,
                 published_day(filters.until) if filters.until else None)


def _allowed(idx, filters: Filters):
    """The lexical index's row mask for these filters (None when there are none)."""
    w = to_where(filters)
    return idx.mask(w.sources, w.since_day, w.until_day, w.doc_ids)


# ---- retrievers -------------------------------------------------------------------
class BaseRetriever(abc.ABC):
    name: str

    @abc.abstractmethod
    def ranked(self, query: str, filters: Filters, n: int) -> list[str]:
        """Up to `n` chunk ids allowed by `filters`, best first."""


class BM25Retriever(BaseRetriever):
    name = "bm25"

    def __init__(self, store: Store):
        self.store = store

    def ranked(self, query: str, filters: Filters, n: int) -> list[str]:
        idx = self.store.lexical()
        return [cid for cid, _ in idx.search(query, n, _allowed(idx, filters))]


class DenseRetriever(BaseRetriever):
    """Nearest chunk vectors. A filtered query over-fetches unfiltered and filters on
    the lexical index's metadata arrays (Chroma's own filter costs ~100x an
    unfiltered query at archive size), falling back to the store's filter only when
    too few candidates survive."""

    name = "dense"

    def __init__(self, store: Store, embedder, min_keep: int, overfetch: tuple[int, ...], count_cache_min: int):
        self.store, self.embedder = store, embedder
        self.min_keep, self.overfetch, self.count_cache_min = min_keep, tuple(overfetch), count_cache_min

    def ranked(self, query: str, filters: Filters, n: int) -> list[str]:
        self.store.sync()
        vectors = self.store.vectors
        try:
            total = self._vector_count(vectors)
        except Exception as e:  # the store's own error types: a damaged folder, a full disk, a server gone
            raise StoreError(f"cannot read the vector store: {type(e).__name__}: {e}") from e
        if total == 0:
            return []
        vec = self.embedder.embed([query])
        if filters.is_empty():
            return vectors.query(vec, min(n, total))
        idx = self.store.lexical()
        allowed = _allowed(idx, filters)
        # enough candidates for fusion is a quarter of n (and at least min_keep); a
        # selective filter gets a deeper over-fetch before the slow path
        pos, enough = idx.positions(), max(self.min_keep, n // 4)
        for factor in self.overfetch:
            fetch = min(total, n * factor)
            kept = [cid for cid in vectors.query(vec, fetch) if cid in pos and allowed[pos[cid]]]
            if len(kept) >= enough or fetch >= total:
                return kept[:n]
        return vectors.query(vec, min(n, total), to_where(filters))

    def _vector_count(self, vectors) -> int:
        """Counting scans the collection (7 ms at 31k vectors, ~70 ms at 300k), so a
        large count is kept until the store changes. Small ones are always recounted:
        there the exact number matters (n_results) and is cheap, and a count taken
        while a first ingest is mid-write must not stick."""
        gen = (id(vectors), self.store.docs.generation())
        cached = getattr(self, "_count", None)
        if cached and cached[0] == gen and cached[1] >= self.count_cache_min:
            return cached[1]
        self._count = (gen, vectors.count())
        return self._count[1]


def rrf(rankings: dict[str, list[str]], rrf_k: int) -> tuple[dict[str, float], dict[str, dict[str, int]]]:
    """Reciprocal-rank fusion: chunk id -> fused score, and chunk id -> {retriever: rank}."""
    fused: dict[str, float] = {}
    ranks: dict[str, dict[str, int]] = {}
    for name, ids in rankings.items():
        for r, cid in enumerate(ids, 1):
            fused[cid] = fused.get(cid, 0.0) + 1.0 / (rrf_k + r)
            ranks.setdefault(cid, {})[name] = r
    return fused, ranks


class FusionRetriever:
    """Several retrievers' rankings fused by reciprocal rank."""

    def __init__(self, retrievers: list[BaseRetriever], rrf_k: int):
        self.retrievers, self.rrf_k = retrievers, rrf_k

    def fuse(self, query: str, filters: Filters, n: int) -> tuple[dict[str, float], dict[str, dict[str, int]]]:
        return rrf({r.name: r.ranked(query, filters, n) for r in self.retrievers}, self.rrf_k)


# ---- post-processors over passages --------------------------------------------------
class RecencyBoost:
    """For a question about the latest state: newer passages gain up to `weight` x the top score."""

    def __init__(self, weight: float):
        self.weight = weight

    def __call__(self, query: str, passages: list[Passage]) -> list[Passage]:
        if not passages or not wants_recent(query):
            return passages
        days = [published_day(p.published) for p in passages]
        known = [d for d in days if d is not None]
        if not known or max(known) == min(known):
            return passages
        lo, hi = min(known), max(known)
        top = max(p.score for p in passages)
        for p, d in zip(passages, days):
            p.score += self.weight * top * ((d - lo) / (hi - lo) if d is not None else 0.0)
        return sorted(passages, key=lambda p: (-p.score, p.chunk_id))


class DateScope:
    """A question naming a month ("in April 1987", "on April 8") ranks stories of that time first: passages published
    in the named month gain ``weight`` x the top score, twice that within three days of a named day. A question about
    a figure ("the surplus in February") looks at the two months after too, when such figures are published."""

    def __init__(self, weight: float):
        self.weight = weight

    def __call__(self, query: str, passages: list[Passage]) -> list[Passage]:
        asked = asked_dates(query)
        if not passages or not self.weight or not asked:
            return passages
        later = 2 if names_a_figure(query) else 0
        top = max(p.score for p in passages)
        for p in passages:
            day = parse_day(p.published)
            if day is None:
                continue
            near = [a for a in asked if 0 <= _months_after(a, day) <= later]
            if near:
                exact = any(a.day and day.month == a.month and 0 <= day.day - a.day <= 3 for a in near)
                p.score += self.weight * top * (2 if exact else 1)
        return sorted(passages, key=lambda p: (-p.score, p.chunk_id))


def _months_after(asked, day) -> int:
    """How many months after the asked month a day falls (the asked month's own year, or any year when none is named)."""
    if asked.year is None:
        return (day.month - asked.month) % 12
    return (day.year * 12 + day.month) - (asked.year * 12 + asked.month)


class CollapseCopies:
    """One copy of a syndicated story: passages of its other copies are dropped, their outlets kept as `also`."""

    def __init__(self, docs):
        self.docs = docs

    def __call__(self, query: str, passages: list[Passage]) -> list[Passage]:
        canonical = self.docs.duplicate_groups()
        if not canonical:
            return passages
        kept_doc: dict[str, str] = {}  # group -> the doc whose passages are kept (the best-ranked copy)
        out = []
        for p in passages:
            g = canonical.get(p.doc_id)
            if g is not None and kept_doc.setdefault(g, p.doc_id) != p.doc_id:
                continue
            out.append(p)
        others = group_members(canonical, [p.doc_id for p in out])
        meta = self.docs.doc_meta(sorted({d for ds in others.values() for d in ds}))
        for p in out:
            p.also.extend(meta[d] for d in sorted(others.get(p.doc_id, ())) if d in meta)
        return out


# ---- the whole step ------------------------------------------------------------------
class Retriever:
    def __init__(self, store: Store, embedder, settings):
        """`settings` is the ``retrieval`` part of Settings."""
        self.store, self.embedder, self.settings = store, embedder, settings
        self.k, self.fetch_k, self.mode = settings.k, settings.fetch_k, settings.mode
        self.retrievers: dict[str, BaseRetriever] = {
            "dense": DenseRetriever(store, embedder, settings.k, settings.dense_overfetch, settings.count_cache_min),
            "bm25": BM25Retriever(store),
        }
        self.postprocessors = [RecencyBoost(settings.recency_weight), DateScope(settings.date_weight), CollapseCopies(store.docs)]

    @classmethod
    def from_settings(cls, settings, store: Store, embedder) -> Retriever:
        return cls(store, embedder, settings.retrieval)

    def dense(self, query: str, filters: Filters, n: int) -> list[str]:
        return self.retrievers["dense"].ranked(query, filters, n)

    def passages(self, chunk_ids: list[str]) -> list[Passage]:
        """The stored, readable chunks of these ids as passages (ids no longer stored are left out)."""
        rows = self.store.docs.chunks_by_id(chunk_ids)
        before = {f"{r['doc_id']}::{r['idx'] - 1}": c for c, r in rows.items() if r["idx"]}
        preceding = {before[c]: r["text"] for c, r in self.store.docs.chunks_by_id(list(before)).items()} if before else {}
        return [Passage(chunk_id=cid, doc_id=row["doc_id"], text=row["text"], start=row["start"], end=row["end"],
                        n_tiktoken=row["n_tiktoken"], title=row["title"], source=row["source"], published=row["published"],
                        url=row["url"], preceding=preceding.get(cid, ""))
                for cid, row in ((c, rows[c]) for c in chunk_ids if c in rows)]

    def within(self, query: str, doc_ids: set[str] | None, n: int) -> list[str]:
        """The ``n`` chunk ids of these stories (None: of the whole store) that BM25 ranks best for the query."""
        index = self.store.lexical()
        mask = None if doc_ids is None else np.fromiter((d in doc_ids for d in index.doc_ids), dtype=bool,
                                                         count=len(index.doc_ids))
        return [cid for cid, _ in index.search(query, n, mask)]

    def retrieve(self, query: str, filters: Filters | None = None, k: int | None = None, mode: str | None = None) -> RetrievalResult:
        t0 = time.perf_counter()
        filters = filters or Filters()
        k = k or self.k
        mode = mode or self.mode
        if mode not in MODES:
            raise ValueError(f"retrieval mode must be {', '.join(MODES)}, not {mode!r}")
        parts = [self.retrievers[name] for name in ("dense", "bm25") if mode in (name, "hybrid")]
        fused, ranks = FusionRetriever(parts, self.settings.rrf_k).fuse(search_text(query), filters, self.fetch_k)
        passages = self.passages(list(fused))
        for p in passages:
            p.score, p.scores = fused[p.chunk_id], ranks[p.chunk_id]
        passages.sort(key=lambda p: (-p.score, p.chunk_id))
        for step in self.postprocessors:
            passages = step(query, passages)
        passages = passages[:k]
        for i, p in enumerate(passages, 1):
            p.rank = i
        note = None
        if not passages:
            note = ("the index is empty: run `tradechat ingest PATH` first" if self.store.docs.count_chunks() == 0
                    else "no stored passage matches the question and filters" if not filters.is_empty()
                    else "no stored passage matches the question")
        ms = (time.perf_counter() - t0) * 1000
        log.debug("retrieved %d passages (%s) in %.0f ms", len(passages), mode, ms)
        return RetrievalResult(passages, ms, note)
