"""Questions about how a party's position moved, answered from the stored timeline.

"How has Japan's position on auto tariffs changed?" names a party and an
issue and asks about change or position: the answer is that cell's timeline,
one sentence per statement in date order ("2019-05-25, Pacific Ledger —
red line: <the sentence>"), each citing the chunk that holds the sentence.
The drafted sentences go through the same Verifier as any answer.
"""

from __future__ import annotations

import re

from ingest.store import DocStore

from ..question import months
from ..scoring import years_in
from ..types import Draft, DraftSentence, Filters, Passage
from .views import PositionViews, date_of
from .vocab import Vocabulary

_MOVED_WORDS = r"chang\w*|mov(?:ed|e)|shift\w*|evolv\w*|over time|timeline|history|soften\w*|harden\w*"
_MOVED = re.compile(rf"\b(?:{_MOVED_WORDS})\b", re.I)  # how a position moved
_ABOUT_POSITIONS = re.compile(rf"\b(?:positions?|stances?|{_MOVED_WORDS}|red lines?|demands?|concessions?|offers?)\b", re.I)
MAX_STEPS = 8


def timeline_question(question: str, vocab: Vocabulary) -> tuple[str, str] | None:
    """(party, issue) when the question asks about one party's position on one issue: how it moved, or what it is,
    asked without a date (a position taken "in March 1987" is one statement, which retrieval finds and quotes)."""
    if not _ABOUT_POSITIONS.search(question) or ((months(question) or years_in(question)) and not _MOVED.search(question)):
        return None
    parties = list(dict.fromkeys(m.name for m in vocab.parties_in(question, loose=True)))
    issues = list(dict.fromkeys(m.name for m in vocab.issues_in(question)))
    specific = [i for i in issues if i != "tariffs"] or issues
    if len(parties) != 1 or not specific:
        return None
    return parties[0], specific[0]


def _chunk_for(chunks: list[dict], start: int, end: int) -> dict | None:
    best, overlap = None, 0
    for c in chunks:
        o = min(end, c["end"]) - max(start, c["start"])
        if o > overlap:
            best, overlap = c, o
    return best


def timeline_draft(party: str, issue: str, views: PositionViews, docs: DocStore,
                   filters: Filters | None = None) -> tuple[Draft, list[Passage], int] | None:
    """The draft (one sentence per step) and the passages it cites; None if the cell is empty."""
    f = filters or Filters()
    steps = views.timeline(party, issue, f.since, f.until)
    if f.sources:
        steps = [s for s in steps if s["source"] in f.sources]
    if f.doc_ids:
        steps = [s for s in steps if s["doc_id"] in f.doc_ids]
    total = len(steps)
    if not steps:
        return None
    if len(steps) > MAX_STEPS:  # the first statement and the latest ones
        steps = steps[:1] + steps[-(MAX_STEPS - 1):]
    passages: list[Passage] = []
    index: dict[str, int] = {}
    sentences: list[DraftSentence] = []
    chunks_of: dict[str, list[dict]] = {}
    for s in steps:
        chunks = chunks_of.setdefault(s["doc_id"], docs.chunks(s["doc_id"]))
        c = _chunk_for(chunks, s["start"], s["end"])
        if c is None:
            continue
        if c["chunk_id"] not in index:
            passages.append(Passage(c["chunk_id"], s["doc_id"], c["text"], c["start"], c["end"], c["n_tiktoken"],
                                    s["title"], s["source"], s["published"], s["url"], rank=len(passages) + 1,
                                    also=list(s.get("also", []))))
            index[c["chunk_id"]] = len(passages)
        text = " ".join(s["sentence"].split())
        sentences.append(DraftSentence(f"{date_of(s)}, {s['source'] or 'unknown outlet'} — {s['stance']}: {text}",
                                       [index[c["chunk_id"]]]))
    if not sentences:
        return None
    return Draft(sentences, answerable=True, backend="timeline"), passages, total
