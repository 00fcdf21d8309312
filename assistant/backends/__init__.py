"""Answer backends, chosen by name in one place (``make_backend``)."""

from __future__ import annotations

from typing import get_args

from ingest.settings import BackendName

from .base import AnswerBackend, BackendError, generate, parse_draft
from .extractive import ExtractiveBackend

NAMES: tuple[str, ...] = get_args(BackendName)


def make_backend(name: str, settings, embedder, known_word=None, word_weight=None) -> AnswerBackend:
    """The backend called `name`; `auto` = openai if a URL is set, else local if
    llama-cpp-python is installed, else extractive."""
    if name not in NAMES:
        raise ValueError(f"answer mode must be one of {', '.join(NAMES)}, not {name!r}")
    if name == "auto":
        if settings.openai.base_url:
            name = "openai"
        else:
            from .local import LocalBackend

            name = "local" if LocalBackend.available() else "extractive"
    if name == "extractive":
        return ExtractiveBackend.from_settings(settings, embedder, known_word, word_weight)
    if name == "local":
        from .local import LocalBackend

        return LocalBackend.from_settings(settings)
    from .openai_like import OpenAIBackend

    return OpenAIBackend.from_settings(settings)


class Backends:
    """The answer backends an Assistant may use, made on first use and kept.

    ``register(name, backend)`` adds or replaces one (another model, a test double)."""

    def __init__(self, settings, embedder, known_word=None, word_weight=None):
        self.settings, self.embedder, self.known_word, self.word_weight = settings, embedder, known_word, word_weight
        self._made: dict[str, AnswerBackend] = {}

    def register(self, name: str, backend: AnswerBackend) -> None:
        self._made[name] = backend

    def get(self, name: str) -> AnswerBackend:
        if name not in self._made:
            self._made[name] = make_backend(name, self.settings, self.embedder, self.known_word, self.word_weight)
        return self._made[name]


__all__ = ["NAMES", "AnswerBackend", "BackendError", "Backends", "ExtractiveBackend", "generate", "make_backend", "parse_draft"]
