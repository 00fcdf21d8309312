"""Answer backends, chosen by name in one place (``make_backend``)."""

from __future__ import annotations

from .base import AnswerBackend, BackendError, generate, parse_draft
from .extractive import ExtractiveBackend

NAMES = ("auto", "local", "openai", "extractive")


def make_backend(name: str, settings, embedder, known_word=None) -> AnswerBackend:
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
        return ExtractiveBackend.from_settings(settings, embedder, known_word)
    if name == "local":
        from .local import LocalBackend

        return LocalBackend.from_settings(settings)
    from .openai_like import OpenAIBackend

    return OpenAIBackend.from_settings(settings)


__all__ = ["NAMES", "AnswerBackend", "BackendError", "ExtractiveBackend", "generate", "make_backend", "parse_draft"]
