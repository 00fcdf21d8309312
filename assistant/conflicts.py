"""Conflicting reports: when cited sources give different figures for the same thing, say so.

Two answer sentences conflict when they rest on different documents, talk
about the same thing (at least ``MIN_SHARED`` content words in common, figures
aside) and give figures in the same unit that do not overlap. The answer then
gets one more sentence naming each outlet, its date and its figure, citing
both, instead of leaving the reader to notice (or one version to win silently).
"""

from __future__ import annotations

import re

from .entail import fraction_decimal, party_named
from .question import REPORTING_PERIOD, months, owners, periods, years_meant
from .scoring import content_words
from .types import Answer, AnswerSentence, strip_as_of

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
    """Equal figures, allowing rounding ("59" and "58.6"); ranges compare end to end, and a figure within a range
    ("20" in "15-20") is no other figure."""
    pa, pb = a.split("-"), b.split("-")
    if len(pa) != len(pb):
        try:
            lo, hi = sorted(float(v) for v in (pa if len(pa) == 2 else pb))
            return lo <= float((pb if len(pa) == 2 else pa)[0]) <= hi
        except ValueError:
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
            pa, pb = (by_n[s.citations[0]].published if s.citations and s.citations[0] in by_n else None for s in (a, b))
            found = sentence_conflict(strip_as_of(a.text), strip_as_of(b.text), published_a=pa, published_b=pb)
            if found:
                out.append((i, j, *found))
    return out


def sentence_conflict(a: str, b: str, min_shared: int = MIN_SHARED, published_a: str | None = None,
                      published_b: str | None = None) -> tuple[str, str, str] | None:
    """(unit, figure in a, figure in b) when two sentences about the same thing give figures in one unit that differ:
    the same measure, of the same party, for the same stated time (``published_*``: the stories' dates, for "last
    year"), of about one size; figures of a day or of "now" (a price, a forecast of the day) are not compared."""
    wa, wb = _topic_words(a), _topic_words(b)
    if len(wa & wb) < min_shared or not _same_frame(a, b) or _FORECAST.search(a) or _FORECAST.search(b):
        return None  # (two forecasts, or a forecast and a result, are no one figure reported two ways)
    qa, qb = quantities(a), quantities(b)
    for unit in sorted({q[0] for q in qa} & {q[0] for q in qb}):
        na = [q for q in qa if q[0] == unit]
        nb = [q for q in qb if q[0] == unit]
        if any(_same(x[1], y[1]) for x in na for y in nb):
            continue
        # one figure reported two ways: both the sentence's own figure (or both what it is compared with), of one
        # size ("16 billion" and "15 billion"; not "68 billion" of debt and "16 billion" of credit lines)
        pairs = [(x, y) for x in na for y in nb if _role(a, x) == _role(b, y) and _near_in_size(x[1], y[1])
                 and not _REVISED.search(a[max(0, x[3] - 30): x[3]]) and not _REVISED.search(b[max(0, y[3] - 30): y[3]])
                 and _one_time(_frame(a, x, published_a), _frame(b, y, published_b))]
        if pairs and _same_kind(a, [x for x, _ in pairs], b, [y for _, y in pairs]):
            return unit, _closest(a, [x for x, _ in pairs], wb), _closest(b, [y for _, y in pairs], wa)
    return None


_COMPARED = re.compile(r"\b(?:from|against|compared with|compared to|versus|vs|than|after)\s+(?:a |an |the |some |about |"
                       r"around |nearly |almost |just |only )?[$£]?$", re.IGNORECASE)
_REVISED = re.compile(r"\brevis\w*|\bcorrected\b", re.IGNORECASE)  # ("an upward revised 623 mln": an update, not a conflict)
MOST_APART = 1.5  # two reports of one figure differ by less than half of the smaller


def _role(text: str, q) -> str:
    """"compared" for a figure something is set against ("from 4.3 billion", "against 0.9 pct"), else "own"."""
    return "compared" if _COMPARED.search(text[max(0, q[3] - 30): q[3]]) else "own"


_TIME = re.compile(rf"\b(?:19|20)\d\d\b|{REPORTING_PERIOD.pattern}|\b(?-i:January|February|March|April|May|June|July|"
                   r"August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\b|"
                   r"\b(?:last|this|next) year\b|\ba year (?:earlier|ago|before)\b|\bthe (?:previous|year-earlier) year\b",
                   re.IGNORECASE)
_BREAK = re.compile(r"\b(?!(?:19|20)\d\d\b)\d|\b(?:from|against|compared|versus|vs|than|after|while|but)\b|[;:]", re.IGNORECASE)
AFTER, BEFORE = 60, 70  # characters after and before a figure where the time it is given for is named


def _frame(text: str, q, published: str | None = None) -> set[str]:
    """The time a figure is given for: the time named nearest after it ("7.2 billion dlrs ... in 1986"), up to the next
    figure or comparison ("from 7.2 billion in January" is another figure's), else nearest before it ("in the fourth
    quarter of 1986 ... rose 1.1 pct"), with a year that qualifies it ("third quarter of 1986"); "last year" is read
    against ``published``. Empty when none is named close by (a figure of "now", or of a day: it may change from one
    report to the next, so two values are no conflict)."""
    stop = _BREAK.search(text, q[4], min(len(text), q[4] + AFTER))
    after = list(_TIME.finditer(text, q[4], stop.start() if stop else min(len(text), q[4] + AFTER)))
    start = max(0, q[3] - BEFORE)
    last_figure = [m for m in re.finditer(r"\d[\d,.]*", text[start:q[3]]) if not re.fullmatch(r"(?:19|20)\d\d", m.group(0))]
    if last_figure:  # (not past another figure)
        start += last_figure[-1].end()
    before = list(_TIME.finditer(text, start, q[3]))
    if not after and not before:
        return set()
    m = after[0] if after else before[-1]
    named = m.group(0) + (re.match(r"\s*(?:of\s+)?((?:19|20)\d\d)?", text[m.end(): m.end() + 12]).group(0) or "")
    out = {f"y{y}" for y in re.findall(r"\b(?:19|20)\d\d\b", named)}
    if re.search(r"\byear\b", named, re.IGNORECASE):
        base = int(published[:4]) if published and published[:4].isdigit() else None
        ago = re.search(r"last|earlier|ago|before|previous", named, re.IGNORECASE)
        out.add(f"y{base - 1 if ago else base + (1 if 'next' in named.lower() else 0)}" if base else f"r{named.lower()}")
    return out | periods(named) | {f"m{x}" for x in months(named)}


def _one_time(fa: set[str], fb: set[str]) -> bool:
    """Do two figures' times (``_frame``) name the same time? Both must name one, share something, and agree on each
    kind of time both name (year, quarter, half, month)."""
    if not fa & fb:
        return False
    for kind in ("y", "q", "h", "m", "r"):
        ka, kb = {f for f in fa if f[0] == kind}, {f for f in fb if f[0] == kind}
        if ka and kb and not ka & kb:
            return False
    return True


def _near_in_size(a: str, b: str) -> bool:
    """Are two figures (ranges by their nearest ends) within MOST_APART of each other?"""
    try:
        xs, ys = [float(v) for v in a.split("-") if v], [float(v) for v in b.split("-") if v]
    except ValueError:
        return False
    gap = min((max(x, y) / min(x, y) if min(x, y) > 0 else float("inf")) for x in xs for y in ys) if xs and ys else float("inf")
    return gap <= MOST_APART


def _same_kind(a: str, na: list, b: str, nb: list) -> bool:
    """Do some two of the figures share a word around them? A bond's "7-3/4 pct convertible debentures" and another's
    "yielding 8.65 pct" are two figures, not one reported two ways."""
    def around(text: str, q) -> set[str]:
        return _topic_words(text[max(0, q[3] - NEAR): q[4] + NEAR])
    return any(around(a, x) & around(b, y) for x in na for y in nb)


_FORECAST = re.compile(r"\b(?:forecasts?|forecasting|predict\w*|expect\w*|projects?|projected|projections?|outlook|"
                       r"would (?:slow|fall|rise|grow|decline|increase|reach))\b", re.IGNORECASE)
_WITH = re.compile(r"(?<!of it )(?<!of which )(?<!of them )\bwith\s+(?:the\s+)?((?:[A-Z][\w.]*\s?){1,3})")  # ("95 pct of
# it with the U.S." is a share of the figure, not its partner)


def _partners(text: str) -> set[str]:
    """The parties a figure is with ("a trade surplus of 7.2 billion dlrs with the United States": the U.S.)."""
    out = set()
    for m in _WITH.finditer(text):
        words = m.group(1).split()
        party = next((p for k in range(len(words), 0, -1) for p in [party_named(" ".join(words[:k]).rstrip(".,"))] if p), None)
        if party:
            out.add(party)
    return out


_CURRENT_ACCOUNT = re.compile(r"\bcurrent account\b", re.IGNORECASE)


def _same_frame(a: str, b: str) -> bool:
    """Could two sentences' figures be of one thing? Not when they name different years, reporting periods or
    months ("last year" and "the second quarter of 1987"), or different parties' figures ("Canada's GNP", "U.S. GNP"),
    or different companies' ("6.4 pct of Atlantic Research Corp", "9.5 pct of Purolator Courier Corp").
    A sentence naming none of these may be about anything the other names."""
    for read in (years_meant, periods, months, owners):
        sa, sb = read(a), read(b)
        if sa and sb and not sa & sb:
            return False
    pa, pb = _partners(a), _partners(b)
    if pa != pb:
        return False  # a surplus with the U.S. is not the surplus with the world, nor with Japan
    if bool(_CURRENT_ACCOUNT.search(a)) != bool(_CURRENT_ACCOUNT.search(b)):
        return False  # nor is the current account the merchandise trade balance
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
