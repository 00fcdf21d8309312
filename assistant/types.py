"""The data an answer is made of."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Filters:
    sources: tuple[str, ...] = ()
    since: str | None = None  # ISO date, inclusive
    until: str | None = None
    doc_ids: tuple[str, ...] = ()

    def is_empty(self) -> bool:
        return not (self.sources or self.since or self.until or self.doc_ids)


@dataclass
class Passage:
    """A retrieved chunk with what a prompt and a citation show."""

    chunk_id: str
    doc_id: str
    text: str
    start: int  # offsets of the chunk in the document text
    end: int
    n_tiktoken: int
    title: str | None = None
    source: str | None = None
    published: str | None = None
    url: str | None = None
    rank: int = 0
    score: float = 0.0
    scores: dict = field(default_factory=dict)  # per retriever: {"bm25": rank, "dense": rank}
    also: list = field(default_factory=list)  # near-duplicate copies: [{"doc_id", "source", "published"}]
    preceding: str = ""  # the story's chunk before this one ("in the month" there refers to a month named here)
    quoted_last: bool = False  # of a story the conversation's last answer quoted (a follow-up is most often about it)

    @property
    def date(self) -> str | None:
        return self.published[:10] if self.published else None


@dataclass
class DraftSentence:
    """What a backend proposes: a sentence and the passage numbers (1-based) it rests on."""

    text: str
    citations: list[int]


_AS_OF = re.compile(r"^As of \d{1,2} [A-Z][a-z]+ \d{4}: ")


def day_words(day) -> str | None:
    """ "25 May 2019" (``day``: a date, or None)."""
    return f"{day.day} {day:%B %Y}" if day else None


def as_of(day) -> str:
    """ "As of 25 May 2019: ", the lead of a quote from a dated story (``day``: a date, or None)."""
    return f"As of {day_words(day)}: " if day else ""


def strip_as_of(text: str) -> str:
    return _AS_OF.sub("", text, count=1)


@dataclass
class Draft:
    sentences: list[DraftSentence]
    answerable: bool = True
    note: str | None = None  # e.g. why a fallback happened
    backend: str = ""
    model: str | None = None
    missing: list[str] = field(default_factory=list)  # what was asked and is not in the passages ("the figure")


@dataclass
class Citation:
    n: int  # passage number as shown in the answer
    doc_id: str
    source: str | None
    title: str | None
    published: str | None
    url: str | None
    text: str  # the passage
    span: tuple[int, int]  # best-matching span, character offsets in the document text
    passage_span: tuple[int, int] = (0, 0)  # the same span inside `text`
    also: list = field(default_factory=list)  # the same story at other outlets: [{"doc_id", "source", "published"}]
    # every span of this source an answer sentence rests on: [{"sentence": k (1-based), "span": [a, b], "passage_span": [a, b]}]
    spans: list = field(default_factory=list)

    def as_dict(self) -> dict:
        d = asdict(self)
        d["span"] = list(self.span)
        d["passage_span"] = list(self.passage_span)
        return d

    def add_span(self, sentence: int, span: tuple[int, int], passage_span: tuple[int, int]) -> None:
        """Record that answer sentence ``sentence`` rests on this span (each sentence once per span)."""
        entry = {"sentence": sentence, "span": list(span), "passage_span": list(passage_span)}
        if entry not in self.spans:
            self.spans.append(entry)


@dataclass
class AnswerSentence:
    text: str
    citations: list[int]
    supported: bool = True
    support: float = 0.0
    composed: bool = False  # written by tradechat from verified sentences (e.g. a conflicting-figures note)


def missing_phrase(missing: list[str]) -> str:
    """What is not reported, each thing once: two parts that both ask for a figure miss "the figures", not "the figure
    or the figure"."""
    counts = {m: missing.count(m) for m in missing}
    return " or ".join(re.sub(r"^(the \w+)$", r"\1s", m) if counts[m] > 1 else m for m in counts)


@dataclass
class Answer:
    question: str
    sentences: list[AnswerSentence]
    citations: list[Citation]
    refused: bool
    mode: str
    retrieved: list[Passage]
    timings: dict
    notes: list[str] = field(default_factory=list)
    standalone_question: str | None = None
    model: str | None = None
    missing: list[str] = field(default_factory=list)  # asked, and not reported by the sources

    @property
    def text(self) -> str:
        if self.refused and not self.sentences:
            return f"The stored sources do not report {missing_phrase(self.missing)}." if self.missing else REFUSAL
        parts = [f"The stored sources do not report {missing_phrase(self.missing)}."] if self.missing else []
        for s in self.sentences:
            marks = "".join(f"[{n}]" for n in s.citations)
            flag = "" if s.supported else " (unverified)"
            parts.append(f"{s.text} {marks}{flag}".strip())
        return " ".join(parts)

    def as_dict(self, id=None) -> dict:
        seen, retrieved = set(), []
        for p in self.retrieved:
            if p.doc_id not in seen:
                seen.add(p.doc_id)
                retrieved.append(p.doc_id)
        out = {
            "id": id, "question": self.question, "answer": self.text, "refused": self.refused, "mode": self.mode,
            "citations": [c.as_dict() for c in self.citations], "retrieved": retrieved,
            "timings": {k: round(v, 1) for k, v in self.timings.items()},
        }
        if self.missing:
            out["missing"] = self.missing
        if self.notes:
            out["notes"] = self.notes
        if self.standalone_question and self.standalone_question != self.question:
            out["standalone_question"] = self.standalone_question
        if self.model:
            out["model"] = self.model
        return out


REFUSAL = "The stored sources do not answer this question."


# ---- the answer stream: what ``Assistant.ask_stream`` yields, in this order ----------
@dataclass
class Passages:
    """The passages the answer will rest on (once, first)."""

    passages: list[Passage]


@dataclass
class DraftText:
    """A sentence of the draft as the backend writes it (not yet verified; zero or more)."""

    text: str


@dataclass
class Quick:
    """In ``auto`` mode with a generative backend: the verified extractive answer, shown at
    once while the model writes (zero or one, before the draft text)."""

    answer: Answer


@dataclass
class Final:
    """The verified answer (once, last)."""

    answer: Answer


StreamEvent = Passages | Quick | DraftText | Final
