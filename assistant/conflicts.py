"""Conflicting reports: when cited sources give different figures for the same thing, say so.

Two answer sentences conflict when they rest on different documents, talk
about the same thing (at least ``MIN_SHARED`` content words in common, figures
aside) and give figures in the same unit that do not overlap. The answer then
gets one more sentence naming each outlet, its date and its figure, citing
both, instead of leaving the reader to notice (or one version to win silently).
"""

from __future__ import annotations

import re

from .entail import fraction_decimal
from .question import months, owners, periods, years_meant
from .scoring import content_words
from .types import Answer, AnswerSentence

MIN_SHARED = 3
_QTY = re.compile(
    r"(?<![\d/.,])(?P<num>\$?(?:\d+[ -])?\d+/\d+|\$?\d[\d,]*(?:\.\d+)?)[\s-]*(?P<unit>billion|bln|million|mln|trillion|percent|pct|%|tonnes|tons|dlrs|dollars|yen|barrels)",
    re.I)
NEAR = 30  # characters either side of a figure read as what it is a figure of
_UNIT = {"bln": "billion", "mln": "million", "pct": "percent", "%": "percent", "tons": "tonnes", "dollars": "dlrs"}


def quantities(text: str) -> list[tuple[str, str, str, int, int]]:
    """(unit, normalised number(s), as written, start, end) for each figure with a unit; "X to Y" ranges are one figure."""
    out: list[tuple[str, str, str, int, int]] = []
    for m in _QTY.finditer(text):
        unit = _UNIT.get(m.group("unit").lower(), m.group("unit").lower())
        num = fraction_decimal(m.group("num").lstrip("$")).replace(",", "")  # "7-3/4 pct" is 7.75, not 4
        if out and out[-1][0] == unit and re.fullmatch(r"\s*(?:to|-|–)\s*", text[out[-1][4]: m.start()]):
            prev = out.pop()
            out.append((unit, f"{prev[1]}-{num}", text[prev[3]: m.end()], prev[3], m.end()))
            continue
        out.append((unit, num, m.group(0), m.start(), m.end()))
    return out


def _same(a: str, b: str) -> bool:
    """Equal figures, allowing rounding ("59" and "58.6"); ranges compare end to end."""
    pa, pb = a.split("-"), b.split("-")
    if len(pa) != len(pb):
        return False
    for x, y in zip(pa, pb):
        try:
            fx, fy = float(x), float(y)
        except ValueError:
            return False
        dx, dy = len(x.partition(".")[2]), len(y.partition(".")[2])
        truncated = (dx == 0 and int(fy) == fx) or (dy == 0 and int(fx) == fy)  # "169 billion" for 169.8 billion
        if not (fx == fy or round(fx, dy) == fy or round(fy, dx) == fx or truncated):
            return False
    return True


def _topic_words(text: str) -> set[str]:
    return {w for w in content_words(text) if not re.fullmatch(r"[\d.,$]+|billion|million|percent|pct|bln|mln", w)}


def _closest(text: str, qs: list, words: set[str]) -> str:
    """The figure whose surrounding words share most with the other sentence."""
    def score(q):  # mostly the words after the figure: "$32 billion more in farm products"
        window = text[max(0, q[3] - 20): q[4] + 50]
        return len(_topic_words(window) & words)
    return max(qs, key=score)[2]


def find_conflicts(answer: Answer) -> list[tuple[int, int, str, str, str]]:
    """(sentence i, sentence j, unit, figure in i, figure in j) for conflicting pairs."""
    by_n = {c.n: c for c in answer.citations}
    out = []
    sents = answer.sentences
    for i in range(len(sents)):
        for j in range(i + 1, len(sents)):
            a, b = sents[i], sents[j]
            docs_a = {by_n[n].doc_id for n in a.citations if n in by_n}
            docs_b = {by_n[n].doc_id for n in b.citations if n in by_n}
            if not docs_a or not docs_b or docs_a & docs_b:
                continue
            found = sentence_conflict(a.text, b.text)
            if found:
                out.append((i, j, *found))
    return out


def sentence_conflict(a: str, b: str, min_shared: int = MIN_SHARED) -> tuple[str, str, str] | None:
    """(unit, figure in a, figure in b) when two sentences about the same thing give figures in one unit that differ."""
    wa, wb = _topic_words(a), _topic_words(b)
    if len(wa & wb) < min_shared or not _same_frame(a, b):
        return None
    qa, qb = quantities(a), quantities(b)
    for unit in sorted({q[0] for q in qa} & {q[0] for q in qb}):
        na = [q for q in qa if q[0] == unit]
        nb = [q for q in qb if q[0] == unit]
        if not any(_same(x[1], y[1]) for x in na for y in nb) and _same_kind(a, na, b, nb):
            return unit, _closest(a, na, wb), _closest(b, nb, wa)
    return None


def _same_kind(a: str, na: list, b: str, nb: list) -> bool:
    """Do some two of the figures share a word around them? A bond's "7-3/4 pct convertible debentures" and another's
    "yielding 8.65 pct" are two figures, not one reported two ways."""
    def around(text: str, q) -> set[str]:
        return _topic_words(text[max(0, q[3] - NEAR): q[4] + NEAR])
    return any(around(a, x) & around(b, y) for x in na for y in nb)


def _same_frame(a: str, b: str) -> bool:
    """Could two sentences' figures be of one thing? Not when they name different years, reporting periods or
    months ("last year" and "the second quarter of 1987"), or different parties' figures ("Canada's GNP", "U.S. GNP"),
    or different companies' ("6.4 pct of Atlantic Research Corp", "9.5 pct of Purolator Courier Corp").
    A sentence naming none of these may be about anything the other names."""
    for read in (years_meant, periods, months, owners):
        sa, sb = read(a), read(b)
        if sa and sb and not sa & sb:
            return False
    ca, cb = companies(a), companies(b)
    return not (ca - cb and cb - ca)  # (each names a company the other does not: the buyer may be the same)


_COMPANY = re.compile(r"\b([A-Z][\w&.'’-]*)(?:\s+[A-Z][\w&.'’-]*)*\s+(?:Corp|Inc|Co|Cos|Ltd|Plc|PLC|Group|N\.?V|AG|SA|"
                      r"Holdings|Investments)\b\.?")


def companies(text: str) -> set[str]:
    """The companies a sentence names, by their first word ("Atlantic Research Corp", "Purolator Courier Corp"): two
    companies' stakes are no one figure reported two ways."""
    return {m.group(1).lower() for m in _COMPANY.finditer(text)}


def flag_conflicts(answer: Answer) -> Answer:
    """Add a sentence naming each version of a disputed figure, citing both sources."""
    if answer.refused or len(answer.sentences) < 2:
        return answer
    by_n = {c.n: c for c in answer.citations}
    added: dict[str, AnswerSentence] = {}
    for i, j, _unit, fa, fb in find_conflicts(answer):
        ca, cb = by_n[answer.sentences[i].citations[0]], by_n[answer.sentences[j].citations[0]]
        text = (f"The sources differ on this figure: {ca.source or ca.doc_id} ({(ca.published or 'undated')[:10]}) "
                f"reports {fa}, while {cb.source or cb.doc_id} ({(cb.published or 'undated')[:10]}) reports {fb}.")
        if text in added:  # the same two versions seen again (another copy of one side): one note
            continue
        added[text] = AnswerSentence(text, sorted({ca.n, cb.n}), supported=True, support=1.0, composed=True)
    added = list(added.values())
    if added:
        answer.sentences.extend(added)
        answer.notes.append(f"{len(added)} conflicting figure(s) between sources: both versions are cited")
    return answer
