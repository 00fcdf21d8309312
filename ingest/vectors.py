"""The vector-store seam: what retrieval and ingest may ask of a vector index.

``VectorStore`` is the whole interface (``upsert``, ``query``, ``delete``,
``count``); ``ChromaVectors`` implements it over one Chroma collection, either
embedded (``PersistentClient`` under the data folder) or a ``chroma run``
server (``HttpClient``, when ``chroma.url`` is set). Nothing outside this module
touches a Chroma client or collection, so another index (pgvector, Qdrant, an
in-memory one for tests) is one class.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import numpy as np

from .dates import published_day
from .types import Article, Chunk


class StoreError(RuntimeError):
    """The store cannot be opened or written; the message names where and why."""


@dataclass(frozen=True)
class Where:
    """A metadata filter, in the store's own neutral terms (all given parts must hold)."""

    sources: tuple[str, ...] = ()
    doc_ids: tuple[str, ...] = ()
    since_day: int | None = None  # days since 1970-01-01, inclusive
    until_day: int | None = None

    def is_empty(self) -> bool:
        return not (self.sources or self.doc_ids or self.since_day is not None or self.until_day is not None)


def chunk_records(items: Sequence[tuple[Article, list[Chunk]]]) -> tuple[list[str], list[str], list[dict]]:
    """Ids, texts and filterable metadata of every chunk of these documents."""
    ids, docs, metas = [], [], []
    for art, chunks in items:
        day = published_day(art.published)
        for ch in chunks:
            meta = {"doc_id": art.doc_id, "idx": ch.index, "start": ch.start, "end": ch.end}
            for k in ("source", "published", "title"):
                if getattr(art, k):
                    meta[k] = getattr(art, k)
            if day is not None:
                meta["published_day"] = day
            ids.append(ch.chunk_id)
            docs.append(ch.text)
            metas.append(meta)
    return ids, docs, metas


class VectorStore(abc.ABC):
    """Chunk vectors under their chunk ids (``doc_id::index``), with filterable metadata."""

    @abc.abstractmethod
    def upsert(self, items: Sequence[tuple[Article, list[Chunk]]], vectors: np.ndarray) -> None:
        """Write the vectors of these documents' chunks (one row of `vectors` per chunk, in order)."""

    @abc.abstractmethod
    def query(self, vector: np.ndarray, n: int, where: Where | None = None) -> list[str]:
        """Ids of the `n` chunks nearest `vector` (a 1 x dim array), nearest first."""

    @abc.abstractmethod
    def delete(self, doc_ids: Sequence[str]) -> None:
        """Remove every chunk of these documents."""

    @abc.abstractmethod
    def delete_ids(self, chunk_ids: Sequence[str]) -> None:
        """Remove these chunks."""

    @abc.abstractmethod
    def count(self) -> int:
        """How many chunk vectors are stored."""


def chroma_client(url: str | None, path: Path):
    import chromadb
    from chromadb.config import Settings as ChromaConfig

    cfg = ChromaConfig(anonymized_telemetry=False, allow_reset=False)
    if url:
        u = urlparse(url if "://" in url else f"http://{url}")
        return chromadb.HttpClient(host=u.hostname or "127.0.0.1", port=u.port or 8000, ssl=u.scheme == "https", settings=cfg)
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=cfg)


def _one_or_in(field: str, values: Sequence) -> dict:
    return {field: {"$in": list(values)}} if len(values) > 1 else {field: values[0]}


def chroma_where(where: Where | None) -> dict | None:
    """The Chroma metadata filter for a `Where`."""
    if where is None:
        return None
    clauses = []
    if where.sources:
        clauses.append(_one_or_in("source", where.sources))
    if where.doc_ids:
        clauses.append(_one_or_in("doc_id", where.doc_ids))
    if where.since_day is not None:
        clauses.append({"published_day": {"$gte": where.since_day}})
    if where.until_day is not None:
        clauses.append({"published_day": {"$lte": where.until_day}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


class ChromaVectors(VectorStore):
    """Chunk vectors in one Chroma collection (cosine space). ``collection`` is
    public for diagnostics (benchmarks, consistency checks); retrieval uses ``query``."""

    DELETE_BATCH = 500  # doc ids per delete call

    def __init__(self, client, collection: str, write_batch: int = 1000, embedder: str | None = None):
        """``embedder`` names the vectors' space (model and precision); a store
        built in another space is refused, since its vectors would not match
        the queries'. Stores from before this check carry no name and are accepted."""
        self.client = client
        meta = {"hnsw:space": "cosine", **({"embedder": embedder} if embedder else {})}
        self.collection = client.get_or_create_collection(collection, metadata=meta)
        have = (self.collection.metadata or {}).get("embedder")
        if embedder and have and have != embedder and self.collection.count():
            raise StoreError(f"the Chroma collection {collection!r} holds vectors from {have!r}, but the settings embed with "
                             f"{embedder!r}: set embed.model / embed.backend back, or ingest into a new data folder")
        self.write_batch = min(write_batch, int(getattr(client, "get_max_batch_size", lambda: write_batch)()))

    @classmethod
    def open(cls, url: str | None, path: Path, collection: str, write_batch: int, embedder: str | None,
             fresh: bool = False) -> ChromaVectors:
        """Open the collection; `fresh` drops the process's cached embedded client first
        (it keeps its HNSW index in memory and would not see another process's writes)."""
        if fresh:
            from chromadb.api.shared_system_client import SharedSystemClient

            SharedSystemClient.clear_system_cache()
        return cls(chroma_client(url, path), collection, write_batch, embedder)

    def upsert(self, items: Sequence[tuple[Article, list[Chunk]]], vectors: np.ndarray) -> None:
        ids, docs, metas = chunk_records(items)
        if len(ids) != len(vectors):
            raise ValueError(f"{len(ids)} chunks but {len(vectors)} vectors")
        for i in range(0, len(ids), self.write_batch):
            j = i + self.write_batch
            self.collection.upsert(ids=ids[i:j], embeddings=vectors[i:j], documents=docs[i:j], metadatas=metas[i:j])

    def query(self, vector: np.ndarray, n: int, where: Where | None = None) -> list[str]:
        res = self.collection.query(query_embeddings=vector, n_results=n, where=chroma_where(where), include=[])
        return res["ids"][0] if res["ids"] else []

    def delete(self, doc_ids: Sequence[str]) -> None:
        for i in range(0, len(doc_ids), self.DELETE_BATCH):
            part = list(doc_ids[i : i + self.DELETE_BATCH])
            self.collection.delete(where=_one_or_in("doc_id", part))

    def delete_ids(self, chunk_ids: Sequence[str]) -> None:
        if chunk_ids:
            self.collection.delete(ids=list(chunk_ids))

    def count(self) -> int:
        return self.collection.count()
