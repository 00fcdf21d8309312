"""The embedded default: llama-cpp-python running a packaged Qwen2.5-Coder GGUF.

Output is constrained by a JSON schema (llama.cpp grammar), streamed, and
parsed into a Draft. One model instance per process, shared by all sessions
behind a lock (llama.cpp contexts are not re-entrant).
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
from collections.abc import Iterator

from ..models import ensure_model
from ..prompts import ANSWER_SCHEMA, answer_messages
from ..types import Draft, Passage
from .base import BackendError, completed_sentences, parse_draft

log = logging.getLogger(__name__)

_MODELS: dict[tuple, object] = {}
_LOAD_LOCK = threading.Lock()


@atexit.register
def _close_models() -> None:
    """Free llama.cpp models before interpreter teardown (avoids a noisy error at exit)."""
    while _MODELS:
        _, llm = _MODELS.popitem()
        close = getattr(llm, "close", None)
        if close:
            close()


class LocalBackend:
    name = "local"

    def __init__(self, model: str, model_dir, n_ctx: int = 2048, n_threads: int | None = None, n_batch: int = 256,
                 max_tokens: int = 320, temperature: float = 0.0):
        self.model_name = model
        self.model_dir = model_dir
        self.n_ctx, self.n_threads, self.n_batch = n_ctx, n_threads or os.cpu_count() or 2, n_batch
        self.max_tokens, self.temperature = max_tokens, temperature
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings) -> LocalBackend:
        m = settings.llm
        return cls(m.local_model, m.model_dir, m.n_ctx, m.n_threads, m.n_batch, m.max_tokens, m.temperature)

    @staticmethod
    def available() -> bool:
        import importlib.util

        return importlib.util.find_spec("llama_cpp") is not None

    @property
    def llm(self):
        key = (self.model_name, str(self.model_dir), self.n_ctx, self.n_threads, self.n_batch)
        with _LOAD_LOCK:
            if key not in _MODELS:
                if not self.available():
                    raise BackendError("local: llama-cpp-python is not installed (pip install -e '.[local]')")
                from llama_cpp import Llama

                try:
                    path = ensure_model(self.model_name, self.model_dir)
                except Exception as e:  # ModelError: missing slices, checksum mismatch
                    raise BackendError(f"local: {e}") from e
                from llama_cpp import LlamaRAMCache

                t0 = time.perf_counter()
                llm = Llama(model_path=str(path), n_ctx=self.n_ctx, n_threads=self.n_threads,
                            n_batch=self.n_batch, verbose=False)
                log.info("local model %s loaded from %s in %.1f s", self.model_name, path, time.perf_counter() - t0)
                # reuse the evaluated prefix (system prompt) across questions
                llm.set_cache(LlamaRAMCache(capacity_bytes=512 << 20))
                _MODELS[key] = llm
            return _MODELS[key]

    def stream(self, question: str, passages: list[Passage], avoid: frozenset[str] = frozenset()) -> Iterator[str | Draft]:
        llm = self.llm
        raw, shown = "", 0
        with self._lock:
            try:
                for chunk in llm.create_chat_completion(
                    messages=answer_messages(question, passages),
                    response_format={"type": "json_object", "schema": ANSWER_SCHEMA},
                    temperature=self.temperature, max_tokens=self.max_tokens, stream=True,
                ):
                    delta = chunk["choices"][0]["delta"].get("content") or ""
                    raw += delta
                    done = completed_sentences(raw)
                    for s in done[shown:]:
                        yield s + " "
                    shown = len(done)
            except ValueError as e:  # e.g. prompt longer than the context window
                raise BackendError(f"local: {e}") from e
        yield parse_draft(raw, self.name, self.model_name)

    def warm_up(self) -> None:
        """Load the model and evaluate the answer prompt's fixed start, so the first question pays for neither."""
        llm = self.llm
        with self._lock:
            llm.create_chat_completion(messages=answer_messages("warm up", []), temperature=0.0, max_tokens=1)

    def complete(self, prompt: str, max_tokens: int = 64) -> str | None:
        llm = self.llm
        with self._lock:
            out = llm.create_chat_completion(messages=[{"role": "user", "content": prompt}],
                                             temperature=0.0, max_tokens=max_tokens)
        return (out["choices"][0]["message"].get("content") or "").strip()

    def structured(self, messages: list[dict], schema: dict, max_tokens: int = 256) -> str:
        """Raw JSON text constrained to `schema` (used by the position tracker)."""
        llm = self.llm
        with self._lock:
            try:
                out = llm.create_chat_completion(messages=messages, response_format={"type": "json_object", "schema": schema},
                                                 temperature=0.0, max_tokens=max_tokens)
            except ValueError as e:
                raise BackendError(f"local: {e}") from e
        return out["choices"][0]["message"].get("content") or ""
