"""Shared measures of how a sentence relates to a question (extractive scoring,
the verifier's relevance gate)."""

from __future__ import annotations

import calendar
import re

from ingest.settings import AnswerSettings

STOPWORDS = set(
    ["a", "an", "the", "of", "to", "in", "on", "for", "and", "or", "but", "with", "by", "at", "from", "as", "is", "are", "was", "were", "be", "been", "being", "this", "that", "these", "those", "it", "its", "what", "which", "who", "whom", "whose", "how", "why", "when", "where", "did", "do", "does", "done", "has", "have", "had", "will", "would", "can", "could", "should", "may", "might", "about", "into", "over", "than", "then", "there", "their", "them", "they", "he", "she", "his", "her", "we", "our", "you", "your", "i", "me", "my", "not", "no", "yes", "any", "all", "some", "say", "said", "says", "tell", "told", "us", "u.s.", "s"]
)
_WORD = re.compile(r"[a-z0-9]+(?:[.'-][a-z0-9]+)*")


def years_in(text: str) -> set[str]:
    """Four-digit years (1900-2099) named in a text."""
    return set(re.findall(r"\b(?:19|20)\d\d\b", text))


_RELATIVE_YEAR = re.compile(r"\b(last|this|next) year\b|\b(?:19|20)\d\d\b", re.IGNORECASE)  # ('a year earlier' compares)


def years_meant(text: str, published: str | None = None) -> set[int]:
    """Years a text names, with 'last year' / 'this year' / 'a year earlier' read against the publication date."""
    base = int(published[:4]) if published and published[:4].isdigit() else None
    out = set()
    for m in _RELATIVE_YEAR.finditer(text):
        word = (m.group(1) or "").lower()
        if m.group(0)[:2] in ("19", "20"):
            out.add(int(m.group(0)))
        elif base is not None:
            out.add(base + {"last": -1, "this": 0, "next": 1}[word])
    return out


def sentence_score(similarity: float, q_words: set, words: set, context: set = frozenset(),
                   weights: tuple[float, float, float] = AnswerSettings().score_weights) -> float:
    """How well a sentence answers a question: meaning plus shared content words
    (also counting words from the passage's headline/outlet/date as context),
    weighted by the setting ``answer.score_weights``."""
    w_sim, w_overlap, w_context = weights
    if not q_words:
        return w_sim * similarity
    overlap = len(q_words & words) / len(q_words)
    with_context = len(q_words & (words | context)) / len(q_words)
    return w_sim * similarity + w_overlap * overlap + w_context * with_context


def content_words(text: str) -> set[str]:
    return {_stem(w) for w in _WORD.findall(text.lower()) if w not in STOPWORDS and len(w) > 1}


def _stem(w: str) -> str:
    for suf in ("ies", "es", "s", "ing", "ed"):
        if w.endswith(suf) and len(w) - len(suf) >= 3:
            return w[: -len(suf)] + ("y" if suf == "ies" else "")
    return w


def of_years(text: str, published: str | None, years: set[str]) -> bool:
    """Is a passage of, or about, one of these years: published then, naming one, or saying 'last year' of one
    ('last year' in a 1987 story is 1986), or naming without a year a month later than its own ('November' in an
    April 1987 story is November 1986)? An undated passage that names no year may be of any: it is kept."""
    if any(y in (published or "")[:4] or y in text or int(y) in years_meant(text, published) for y in years):
        return True
    if published and published[:4].isdigit() and published[5:7].isdigit() and \
            str(int(published[:4]) - 1) in years and _months_later(text, int(published[5:7])):
        return True
    return not published and not years_in(text)


_MONTH_NUMBER = {calendar.month_name[n]: n for n in range(1, 13)}
_MONTH_NO_YEAR = re.compile(rf"\b({'|'.join(_MONTH_NUMBER)})\b(?!,?\s+(?:\d{{1,2}},?\s+)?(?:19|20)\d\d)")


def _months_later(text: str, month: int) -> bool:
    """Does the text name, with no year beside it, a month later in the year than ``month``?"""
    return any(_MONTH_NUMBER[m.group(1)] > month for m in _MONTH_NO_YEAR.finditer(text))


def spelled_out(acronym: str, text: str) -> bool:
    """Is the acronym ('cptpp') written out in the text ('Comprehensive and Progressive Agreement for Trans-Pacific Partnership')?"""
    if not (2 <= len(acronym) <= 8 and acronym.isalpha()):
        return False
    for run in re.findall(r"(?:[A-Z][\w'’]*(?:[\s-]+(?:(?:and|for|of|the|on|de|du)\s+)*)?)+", text):
        initials = iter(w[0].lower() for w in re.split(r"[\s-]+", run) if w[:1].isupper())
        if all(ch in initials for ch in acronym):  # a subsequence of the run's initials
            return True
    return False
