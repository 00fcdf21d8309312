"""Follow-up questions: rewrite them into stand-alone questions before retrieval.

The condense step of llama-index's condense-plus-context pattern: with a
language model the rewrite uses the ``condense`` prompt; without one (the
extractive backend) the previous user turn is carried along so retrieval still
sees what "that" refers to. Each ``ChatSession`` owns its history; sessions
share nothing but the (thread-safe) assistant.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass, field

from .prompts import render
from .scoring import years_in
from .types import strip_as_of

log = logging.getLogger(__name__)

_FOLLOW_UP = re.compile(
    r"^\s*(and|but|so|also|what about|how about|then)\b|\b(that|this|those|these|it|its|they|them|their|he|she|his|her|"
    r"there|the same|the other side|the deal|the talks|the other)\b",
    re.IGNORECASE,
)


def looks_like_follow_up(question: str) -> bool:
    """Does the question say it leans on the conversation ("And ...", "that", a few words)?"""
    return bool(_FOLLOW_UP.search(question)) or len(question.split()) <= 3


def names_nothing(question: str) -> bool:
    """Has the question nothing of its own to search by: no name, no year ("Any exceptions to the ban?", "How did
    the company as a whole do?")? In a conversation it is about what the last question was about."""
    words = question.split()
    return not any(w[:1].isupper() for w in words[1:]) and not years_in(question)


def condense(question: str, history: list[tuple[str, str]], backend=None) -> str:
    """A stand-alone version of `question` given (user, assistant) turns."""
    if not history or not (looks_like_follow_up(question) or names_nothing(question)):
        return question
    last_user = history[-1][0]
    if backend is not None:
        convo = "\n".join(f"User: {u}\nAssistant: {a[:300]}" for u, a in history[-3:])
        try:
            out = backend.complete(render("condense", history=convo, question=question), max_tokens=60)
        except Exception as e:  # a failing model must not block the question
            log.warning("the follow-up rewrite failed (%s: %s); kept the question with its context", type(e).__name__, e)
            out = None
        if out:
            out = out.strip().strip('"').splitlines()[0].strip()
            if 3 <= len(out.split()) <= 60:
                return out
    return f"{question} (following up on: {last_user})"


def said_sentences(history: list[tuple[str, str]], turns: int = 3) -> list[str]:
    """The sentences of the last few answers in order, without citation marks or date leads."""
    out: list[str] = []
    for _, answer in (history or [])[-turns:]:
        for piece in re.split(r"(?:\s*\[\d+\])+(?: \(unverified\))?\s*", answer or ""):
            piece = strip_as_of(piece.strip())
            if len(piece.split()) >= 4 and piece not in out:
                out.append(piece)
    return out


def said_before(history: list[tuple[str, str]], turns: int = 3) -> frozenset[str]:
    """The sentences of the last few answers (a follow-up's answer does not repeat them)."""
    return frozenset(said_sentences(history, turns))


@dataclass
class ChatSession:
    """One user's conversation; ask through it to keep and use the history."""

    assistant: object
    history: list[tuple[str, str]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def ask(self, question: str, **kw):
        with self._lock:
            answer = self.assistant.ask(question, history=list(self.history), **kw)
            self.history.append((question, answer.text))
            return answer

    def ask_stream(self, question: str, **kw):
        """The assistant's event stream (Passages, DraftText..., Final); the turn is remembered at the end."""
        from .types import Final

        with self._lock:
            for event in self.assistant.ask_stream(question, history=list(self.history), **kw):
                if isinstance(event, Final):
                    self.history.append((question, event.answer.text))
                yield event

    def reset(self) -> None:
        with self._lock:
            self.history.clear()
