"""Hybrid retrieval: BM25 and dense (Chroma) fused by reciprocal rank, with filters.

``mode`` picks ``hybrid`` (default), ``dense`` or ``bm25``. Filters (outlet,
date range, doc ids) apply to both retrievers before ranking. A question that
asks for the latest state ("latest", "now", "changed", ...) gets a recency
boost so newer passages come first among similarly relevant ones.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from ingest.dedup import group_members
from ingest.store import Store, published_day

from .types import Filters, Passage

_RECENCY = re.compile(r"\b(latest|most recent|recent(ly)?|now|current(ly)?|still|today|changed?|evolv\w*|moved|shift\w*|so far)\b", re.IGNORECASE)


@dataclass
class RetrievalResult:
    passages: list[Passage]
    ms: float
    note: str | None = None


def wants_recent(question: str) -> bool:
    return bool(_RECENCY.search(question))


def chroma_where(filters: Filters) -> dict | None:
    clauses = []
    if filters.sources:
        clauses.append({"source": {"$in": list(filters.sources)}} if len(filters.sources) > 1 else {"source": filters.sources[0]})
    if filters.doc_ids:
        clauses.append({"doc_id": {"$in": list(filters.doc_ids)}} if len(filters.doc_ids) > 1 else {"doc_id": filters.doc_ids[0]})
    if filters.since:
        clauses.append({"published_day": {"$gte": published_day(filters.since)}})
    if filters.until:
        clauses.append({"published_day": {"$lte": published_day(filters.until)}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


class Retriever:
    def __init__(self, store: Store, embedder, k: int = 6, fetch_k: int = 40, rrf_k: int = 60, mode: str = "hybrid", recency_weight: float = 0.5):
        self.store = store
        self.embedder = embedder
        self.k, self.fetch_k, self.rrf_k, self.mode, self.recency_weight = k, fetch_k, rrf_k, mode, recency_weight

    @classmethod
    def from_settings(cls, settings, store: Store, embedder) -> Retriever:
        r = settings.retrieval
        return cls(store, embedder, r.k, r.fetch_k, r.rrf_k, r.mode, r.recency_weight)

    # ---- the two retrievers --------------------------------------------------
    def dense(self, query: str, filters: Filters, n: int) -> list[str]:
        self.store.sync()
        coll = self.store.vectors.collection
        try:
            total = self._vector_count(coll)
        except Exception as e:  # chromadb's own error types: a damaged folder, a full disk, a server gone
            from ingest.store import StoreError

            raise StoreError(f"cannot read the vector store: {type(e).__name__}: {e}") from e
        if total == 0:
            return []
        vec = self.embedder.embed([query])
        if filters.is_empty():
            res = coll.query(query_embeddings=vec, n_results=min(n, total), include=[])
            return res["ids"][0] if res["ids"] else []
        # Chroma's metadata filter costs ~100x an unfiltered query at this size;
        # over-fetch unfiltered and filter with the lexical index's metadata
        # arrays, and only fall back to Chroma's `where` when too few survive.
        idx = self.store.lexical()
        allowed = idx.mask(filters.sources, published_day(filters.since) if filters.since else None,
                           published_day(filters.until) if filters.until else None, filters.doc_ids)
        # Enough candidates for fusion is a quarter of n (and at least k); a
        # selective filter gets a deeper over-fetch before the slow path.
        pos, enough = idx.positions(), max(self.k, n // 4)
        for factor in self.OVERFETCH:
            fetch = min(total, n * factor)
            res = coll.query(query_embeddings=vec, n_results=fetch, include=[])
            ids = res["ids"][0] if res["ids"] else []
            kept = [cid for cid in ids if cid in pos and allowed[pos[cid]]]
            if len(kept) >= enough or fetch >= total:
                return kept[:n]
        res = coll.query(query_embeddings=vec, n_results=min(n, total), where=chroma_where(filters), include=[])
        return res["ids"][0] if res["ids"] else []

    OVERFETCH = (8, 64)  # unfiltered candidates per wanted one, tried in turn

    def _vector_count(self, coll) -> int:
        """Chroma's count() scans the collection (7 ms at 31k vectors, ~70 ms at 300k),
        so a large count is kept until the store changes. Small ones are always
        recounted: there the exact number matters (n_results) and is cheap, and
        a count taken while a first ingest is mid-write must not stick."""
        gen = (id(coll), self.store.docs.generation())
        cached = getattr(self, "_count", None)
        if cached and cached[0] == gen and cached[1] >= self.COUNT_CACHE_MIN:
            return cached[1]
        self._count = (gen, coll.count())
        return self._count[1]

    COUNT_CACHE_MIN = 5_000  # well above the most a question fetches (fetch_k x OVERFETCH)

    def lexical(self, query: str, filters: Filters, n: int) -> list[str]:
        idx = self.store.lexical()
        mask = idx.mask(filters.sources, published_day(filters.since) if filters.since else None,
                        published_day(filters.until) if filters.until else None, filters.doc_ids)
        return [cid for cid, _ in idx.search(query, n, mask)]

    # ---- fusion ----------------------------------------------------------------
    def retrieve(self, query: str, filters: Filters | None = None, k: int | None = None, mode: str | None = None) -> RetrievalResult:
        t0 = time.perf_counter()
        filters = filters or Filters()
        k = k or self.k
        mode = mode or self.mode
        if mode not in ("hybrid", "dense", "bm25"):
            raise ValueError(f"retrieval mode must be hybrid, dense or bm25, not {mode!r}")
        ranked: dict[str, list[str]] = {}
        if mode in ("hybrid", "dense"):
            ranked["dense"] = self.dense(query, filters, self.fetch_k)
        if mode in ("hybrid", "bm25"):
            ranked["bm25"] = self.lexical(query, filters, self.fetch_k)
        fused: dict[str, float] = {}
        ranks: dict[str, dict] = {}
        for name, ids in ranked.items():
            for r, cid in enumerate(ids, 1):
                fused[cid] = fused.get(cid, 0.0) + 1.0 / (self.rrf_k + r)
                ranks.setdefault(cid, {})[name] = r
        rows = self.store.docs.chunks_by_id(list(fused))
        passages = [
            Passage(chunk_id=cid, doc_id=row["doc_id"], text=row["text"], start=row["start"], end=row["end"],
                    n_tiktoken=row["n_tiktoken"], title=row["title"], source=row["source"], published=row["published"],
                    url=row["url"], score=fused[cid], scores=ranks[cid])
            for cid, row in rows.items()
        ]
        if wants_recent(query) and passages:
            self._boost_recent(passages)
        passages.sort(key=lambda p: (-p.score, p.chunk_id))
        passages = self._collapse_copies(passages)[:k]
        for i, p in enumerate(passages, 1):
            p.rank = i
        note = None
        if not passages:
            note = ("the index is empty: run `tradechat ingest PATH` first" if self.store.docs.count_chunks() == 0
                    else "no stored passage matches the question and filters" if not filters.is_empty()
                    else "no stored passage matches the question")
        return RetrievalResult(passages, (time.perf_counter() - t0) * 1000, note)

    def _collapse_copies(self, passages: list[Passage]) -> list[Passage]:
        """One copy of a syndicated story: passages of its other copies are dropped, their outlets kept as `also`."""
        canonical = self.store.docs.duplicate_groups()
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
        meta = self.store.docs.doc_meta(sorted({d for ds in others.values() for d in ds}))
        for p in out:
            p.also.extend(meta[d] for d in sorted(others.get(p.doc_id, ())) if d in meta)
        return out

    def _boost_recent(self, passages: list[Passage]) -> None:
        days = [published_day(p.published) for p in passages]
        known = [d for d in days if d is not None]
        if not known or max(known) == min(known):
            return
        lo, hi = min(known), max(known)
        top = max(p.score for p in passages)
        for p, d in zip(passages, days):
            recency = (d - lo) / (hi - lo) if d is not None else 0.0
            p.score += self.recency_weight * top * recency * 0.5
