"""What an answer backend is: question + passages -> a draft of cited sentences."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Protocol

import pydantic_core

from ..types import Draft, DraftSentence, Passage


class BackendError(RuntimeError):
    """The backend could not produce an answer (unavailable, timed out, invalid output)."""


class AnswerBackend(Protocol):
    name: str

    def stream(self, question: str, passages: list[Passage], avoid: frozenset[str] = frozenset()) -> Iterator[str | Draft]:
        """Yield text as it is produced (may be nothing), then exactly one Draft."""
        ...

    def complete(self, prompt: str, max_tokens: int = 64) -> str | None:
        """Free text for small helper prompts (question rewriting); None if not a language model."""
        ...


def generate(backend: AnswerBackend, question: str, passages: list[Passage]) -> Draft:
    draft = None
    for event in backend.stream(question, passages):
        if isinstance(event, Draft):
            draft = event
    if draft is None:
        raise BackendError(f"{backend.name}: produced no answer")
    return draft


def json_object(raw: str | None):
    """The JSON value in a model's output, tolerating a code fence or stray prose around
    the object; ValueError if there is none."""
    text = (raw or "").strip()
    m = re.search(r"\{.*\}", text, re.DOTALL)
    return json.loads(m.group(0) if m else text)


def parse_draft(raw: str, backend: str, model: str | None = None) -> Draft:
    """The JSON a generative backend returns -> Draft; BackendError if it is not valid."""
    try:
        obj = json_object(raw)
    except (ValueError, AttributeError) as e:
        raise BackendError(f"{backend}: output is not valid JSON ({e})") from None
    if not isinstance(obj, dict) or not isinstance(obj.get("sentences", []), list):
        raise BackendError(f"{backend}: output does not follow the answer schema")
    sentences = []
    for s in obj.get("sentences", []):
        if not isinstance(s, dict) or not isinstance(s.get("text"), str):
            continue
        cites = [int(c) for c in s.get("citations", []) if isinstance(c, (int, float)) or (isinstance(c, str) and c.isdigit())]
        if s["text"].strip():
            sentences.append(DraftSentence(s["text"].strip(), cites))
    answerable = bool(obj.get("answerable", bool(sentences)))
    return Draft(sentences if answerable else [], answerable=answerable and bool(sentences), backend=backend, model=model)


def completed_sentences(partial_json: str) -> list[str]:
    """Sentence texts already complete in a partial JSON answer (for streaming): the
    partial parse drops a string still being written."""
    start = partial_json.find("{")
    if start < 0:
        return []
    try:
        obj = pydantic_core.from_json(partial_json[start:], allow_partial=True)
    except ValueError:
        return []
    sentences = obj.get("sentences") if isinstance(obj, dict) else None
    return [s["text"] for s in sentences or [] if isinstance(s, dict) and isinstance(s.get("text"), str)]
