"""The BM25 index over stored chunks (bm25s), persisted beside the docstore.

Built from the docstore's chunk table and saved with the docstore generation it
reflects; ``LexicalIndex.current(generation, rows, folder)`` loads it, rebuilding only when the
docstore has changed since (ingest rebuilds it at the end of a run that wrote
anything, so queries never pay for it). Alongside the index it keeps, per
chunk, the doc id, outlet and publication day, so filters become a weight
mask instead of a second lookup.
"""

from __future__ import annotations

import json
import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .dates import published_day

log = logging.getLogger(__name__)

_LOCK = threading.Lock()
FORMAT = 2  # bump when what is indexed changes (2: headline indexed with each chunk)


def _stemmer():
    try:
        import Stemmer

        return Stemmer.Stemmer("english")
    except ImportError:  # PyStemmer is a dependency; without it BM25 still works, unstemmed
        return None


@dataclass
class LexicalIndex:
    retriever: object  # bm25s.BM25, or None for an empty store
    chunk_ids: list[str]
    doc_ids: list[str]
    sources: list[str | None]
    days: np.ndarray  # published day per chunk, -1 when unknown
    generation: int

    # ---- building and loading ---------------------------------------------------
    @classmethod
    def build(cls, rows: list[dict], meta: dict[str, dict], generation: int, folder: Path) -> LexicalIndex:
        """Index chunk rows (chunk_id, doc_id, text) with their documents' metadata
        (doc_id -> title, source, published), and save it as of `generation`."""
        import bm25s

        chunk_ids = [r["chunk_id"] for r in rows]
        doc_ids = [r["doc_id"] for r in rows]
        sources = [meta.get(d, {}).get("source") for d in doc_ids]
        days = np.array([published_day(meta.get(d, {}).get("published")) or -1 for d in doc_ids], dtype=np.int64)
        retriever = None
        if rows:
            # the headline is indexed with every chunk of its story (a common title boost)
            texts = [f"{meta.get(r['doc_id'], {}).get('title') or ''}\n{r['text']}" for r in rows]
            tokens = bm25s.tokenize(texts, stopwords="en", stemmer=_stemmer(), show_progress=False)
            retriever = bm25s.BM25()
            retriever.index(tokens, show_progress=False)
        idx = cls(retriever, chunk_ids, doc_ids, sources, days, generation)
        idx.save(folder)
        return idx

    def save(self, folder: Path) -> None:
        folder = Path(folder)
        tmp = folder.with_name(folder.name + ".tmp")
        tmp.mkdir(parents=True, exist_ok=True)
        if self.retriever is not None:
            self.retriever.save(str(tmp), show_progress=False)
        np.save(tmp / "days.npy", self.days)
        (tmp / "chunks.json").write_text(json.dumps(
            {"format": FORMAT, "generation": self.generation, "chunk_ids": self.chunk_ids, "doc_ids": self.doc_ids, "sources": self.sources}))
        # swap in the new folder (a reader either sees the old or the new one)
        old = folder.with_name(folder.name + ".old")
        if folder.exists():
            folder.rename(old)
        tmp.rename(folder)
        if old.exists():
            import shutil

            shutil.rmtree(old, ignore_errors=True)

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex | None:
        import bm25s

        folder = Path(folder)
        try:
            meta = json.loads((folder / "chunks.json").read_text())
            if meta.get("format") != FORMAT:
                return None  # built by an older version: rebuild
            days = np.load(folder / "days.npy")
            retriever = bm25s.BM25.load(str(folder), show_progress=False) if meta["chunk_ids"] else None
            idx = cls(retriever, meta["chunk_ids"], meta["doc_ids"], meta["sources"], days, meta["generation"])
            idx._check()
        except Exception as e:  # missing, truncated or inconsistent files: rebuild from the docstore
            if (folder / "chunks.json").exists():
                log.warning("the BM25 index in %s cannot be used (%s: %s); rebuilding it", folder, type(e).__name__, e)
            return None
        return idx

    def _check(self) -> None:
        """Raise if the saved parts do not fit together (a damaged or hand-edited folder)."""
        n = len(self.chunk_ids)
        if not (len(self.doc_ids) == len(self.sources) == len(self.days) == n):
            raise ValueError(f"{n} chunk ids but {len(self.doc_ids)} doc ids, {len(self.sources)} outlets, {len(self.days)} dates")
        if self.retriever is not None:
            if int(self.retriever.scores["num_docs"]) != n:
                raise ValueError(f"the index holds {self.retriever.scores['num_docs']} chunks, the metadata {n}")
            word = next((w for w in self.retriever.vocab_dict if w), None)
            if word is not None:  # one real query: out-of-range rows or a broken matrix fail here, not in a question
                docs, _ = self.retriever.retrieve([[word]], k=min(n, 5), show_progress=False)
                if docs.size and (docs.max() >= n or docs.min() < 0):
                    raise ValueError("the index returns rows beyond its chunk list")

    @classmethod
    def current(cls, gen: int, rows: Callable[[], tuple[list[dict], dict[str, dict]]], folder: Path,
                cached: LexicalIndex | None = None) -> LexicalIndex:
        """The index for store generation `gen` (cached, loaded, or rebuilt from `rows()`)."""
        if cached is not None and cached.generation == gen:
            return cached
        with _LOCK:
            idx = cls.load(folder)
            if idx is None or idx.generation != gen:
                t0 = time.perf_counter()
                idx = cls.build(*rows(), gen, folder)
                log.info("BM25 index rebuilt for store generation %d: %d chunks in %.1f s", gen, len(idx.chunk_ids), time.perf_counter() - t0)
            return idx

    # ---- searching --------------------------------------------------------------
    def mask(self, sources=(), since_day=None, until_day=None, doc_ids=()) -> np.ndarray | None:
        """Rows allowed by a filter, vectorised (outlets as category codes); the last few masks are kept."""
        if not (sources or since_day is not None or until_day is not None or doc_ids):
            return None
        key = (tuple(sorted(s.lower() for s in sources)), since_day, until_day, tuple(sorted(doc_ids)))
        cache = self.__dict__.setdefault("_masks", {})
        if key in cache:
            return cache[key]
        m = np.ones(len(self.chunk_ids), dtype=bool)
        if sources:
            names, codes = self._source_codes()
            wanted = [i for i, name in enumerate(names) if name in set(key[0])]
            m &= np.isin(codes, wanted)
        if doc_ids:
            wanted_ids = set(doc_ids)
            m &= np.array([d in wanted_ids for d in self.doc_ids])
        if since_day is not None:
            m &= self.days >= since_day
        if until_day is not None:
            m &= (self.days <= until_day) & (self.days >= 0)
        if len(cache) >= 16:
            cache.pop(next(iter(cache)))
        cache[key] = m
        return m

    def _source_codes(self):
        codes = self.__dict__.get("_codes")
        if codes is None:
            names, inverse = np.unique(np.array([(s or "").lower() for s in self.sources], dtype=object), return_inverse=True)
            codes = self._codes = (list(names), inverse)
        return codes

    def positions(self) -> dict[str, int]:
        """chunk id -> row in the metadata arrays (built on first use)."""
        pos = getattr(self, "_positions", None)
        if pos is None:
            pos = self._positions = {c: i for i, c in enumerate(self.chunk_ids)}
        return pos

    def knows(self, word: str) -> bool:
        """Does any stored chunk contain this word (after the index's stemming)?"""
        if self.retriever is None:
            return False
        stem = _stemmer()
        w = word.lower()
        return (stem.stemWord(w) if stem else w) in self.retriever.vocab_dict

    def weight(self, word: str) -> float:
        """How rare a word is among the stored chunks: log((chunks + 1) / (chunks holding it + 1)), after the
        index's stemming (a word no chunk holds weighs most)."""
        if self.retriever is None:
            return 0.0
        held = getattr(self, "_held", None)
        if held is None:
            held = self._held = np.diff(self.retriever.scores["indptr"])
        stem = _stemmer()
        w = word.lower()
        row = self.retriever.vocab_dict.get(stem.stemWord(w) if stem else w)
        return math.log((len(self.chunk_ids) + 1) / ((0 if row is None else int(held[row])) + 1))

    def search(self, query: str, k: int, mask: np.ndarray | None = None) -> list[tuple[str, float]]:
        """(chunk_id, score) best first; only chunks with a positive score."""
        import bm25s

        if self.retriever is None or k <= 0:
            return []
        if mask is not None and not mask.any():
            return []
        toks = bm25s.tokenize([query], stopwords="en", stemmer=_stemmer(), return_ids=False, show_progress=False)[0]
        vocab = self.retriever.vocab_dict
        toks = [t for t in toks if t in vocab]
        if not toks:
            return []
        k = min(k, len(self.chunk_ids))
        weight = mask.astype(np.float32) if mask is not None else None
        docs, scores = self.retriever.retrieve([toks], k=k, show_progress=False, weight_mask=weight)
        return [(self.chunk_ids[i], float(s)) for i, s in zip(docs[0], scores[0]) if s > 0]
