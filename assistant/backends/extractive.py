"""The no-LLM backend: quote the passages' sentences that answer the question.

Each sentence of each passage is scored by cosine similarity to the question
(the embedder) and by lexical overlap with the question's content words;
near-duplicates (syndicated copies) are dropped; a learned ranker (ranker.py) picks
the lead among the sentences that may answer; the best few are quoted with their
citations, the lead's passage first. Nothing scores high enough -> refusal.
Deterministic and instant; also the fallback for the generative backends.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

import numpy as np

from ingest.dates import parse_day
from ingest.sentences import split_sentences
from ingest.settings import AnswerSettings

from ..question import (
    absent_names,
    across_reports,
    analyse_parts,
    asked_dates,
    continues,
    inherit,
    months,
    names_a_figure,
    parts,
    rules_data,
    unknown,
    unspecified,
    wants_recent,
)
from ..ranker import Ranker
from ..ranker import measures as ranker_measures
from ..scoring import STOPWORDS, content_words, of_years, sentence_score, years_in
from ..types import Draft, DraftSentence, Passage, as_of

_TABLE_ROW = re.compile(r"^[A-Z][\w&'/.()-]*(?:\s+[\w&'/.()-]+){0,3}\s[-$]?\d[\d.,]*\w*(?:\s+\w+){0,2}\s+vs\.?\s(?!(?:\S+\s+){10})",
                        re.IGNORECASE)  # (a short line: a label, a figure, "vs", the year before's)


@lru_cache(maxsize=1)
def _table_words() -> tuple[re.Pattern, dict[str, str]]:
    words = rules_data()["table_words"]
    return re.compile(r"(?<![\w-])(" + "|".join(sorted(map(re.escape, words), key=len, reverse=True)) + r")(?![\w-])", re.I), words


def _in_full(row: str) -> str:
    """A results table's row with its abbreviations written out ("4Th Qtr ... Revs" -> "fourth quarter ... revenues")."""
    pattern, words = _table_words()
    return pattern.sub(lambda m: words[m.group(1).lower()], row)


@dataclass
class Shortlist:
    """What may answer a question: (score, passage number, sentence order, sentence) best first,
    the question's parts (analysed, and as written), the passages (None where excluded) and their
    sentences, the test of whether a candidate holds what a part asks, and whether the question asks
    what several reports said."""
    scored: list[tuple]
    asks: list
    passages: list[Passage | None]
    sents: dict[int, list[str]]
    bears: Callable[[object, tuple], bool]
    texts: list[str]
    across: bool = False


class ExtractiveBackend:
    name = "extractive"

    def __init__(self, embedder, settings: AnswerSettings | None = None, known_word=None, word_weight=None, **overrides):
        """`settings` is the ``answer`` part of Settings; `overrides` replace single ones (``extractive_min_score=0.3``)."""
        self.embedder = embedder
        s = (settings or AnswerSettings()).model_copy(update=overrides)
        self.settings = s
        self.answer_bearing = s.answer_bearing
        # known_word(w) -> bool: is w anywhere in the corpus? A question about a
        # thing the corpus never names needs a clearly better match to be answered.
        self.known_word = known_word
        # word_weight(w) -> float: how rare w is in the store (the ranker's measure of a shared word)
        self.word_weight = word_weight
        self.ranker = Ranker.load() if s.extractive_ranker else None
        self.min_score = s.extractive_min_score
        self.max_sentences = s.extractive_max_sentences

    @classmethod
    def from_settings(cls, settings, embedder, known_word=None, word_weight=None) -> ExtractiveBackend:
        return cls(embedder, settings.answer, known_word=known_word, word_weight=word_weight)

    def unknown_terms(self, question: str) -> list[str]:
        if self.known_word is None:
            return []
        words = re.findall(r"[A-Za-z]{5,}", question)
        return [w for w in words if w.lower() not in STOPWORDS and not self.known_word(w)]

    def complete(self, prompt: str, max_tokens: int = 64) -> str | None:
        return None

    def score(self, question: str, passages: list[Passage], sents: dict[int, list[str]] | None = None,
              focus: frozenset[str] = frozenset()) -> list[tuple[float, int, int, str]]:
        """(score, passage number, sentence order, sentence) for every candidate sentence (``sents``: from _sentences).
        ``focus``: what the question asks about when every candidate already names who is asked about (a who-said
        question's subject: "say about foreign trade restraints"); the word overlap then measures it alone."""
        sents = _sentences(passages) if sents is None else sents
        cands = [(n, j, s.strip()) for n, ss in sents.items() for j, s in enumerate(ss) if len(s.split()) >= 5]
        if not cands:
            return []
        # a row of a results table ("Pretax profit 24.13 mln stg vs 16.40 mln") names neither the company nor the period:
        # its headline does ("MAI PLC SIX MONTHS TO DECEMBER"), so the row is read with it
        rows = [_in_full(s) if passages[n - 1].title and _TABLE_ROW.match(s) else None for n, _, s in cands]  # (in full words)
        titled = [f"{_in_full(passages[n - 1].title)}: {row}" if row else s for (n, _, s), row in zip(cands, rows)]
        vecs = self.embedder.embed([question] + titled)
        sims = vecs[1:] @ vecs[0]
        # a follow-up's own words say what is new ("And for maize?"); the turn it follows is context
        own, _, context_q = question.partition(" (following up on: ")
        q_words = content_words(own) if context_q and content_words(own) else content_words(question)
        # what the passage says about itself: title, outlet and date ("December 2019")
        context = {n: content_words(" ".join(filter(None, [p.title, p.source, _date_words(p.published)])))
                   for n, p in enumerate(passages, 1) if p is not None}
        # a question about what happened in a given month ("in April 1987") is answered from that month's stories
        # first (a figure's month is its period, reported the month after: not a publication date)
        asked_months = months(own) if not names_a_figure(own) else set()
        off_month = {n: bool(asked_months) and not _in_months(p.published, asked_months)
                     for n, p in enumerate(passages, 1) if p is not None}
        # and a question naming a day ("the shortage forecast for March 5") from stories of that day or the next three,
        # when there are any (a figure question too: a day is no reporting period)
        days = [a for a in asked_dates(own) if a.day]
        if len(days) != 1 or _DAY_RANGE.search(own):
            days = []  # (a span of days, "January 1 to March 23", is a period)
        on_day = {n: any(_near_day(p.published, a) for a in days) for n, p in enumerate(passages, 1) if p is not None}
        penalty = {n: self.settings.extractive_month_penalty if off else 0.0 for n, off in off_month.items()}
        if any(on_day.values()):  # (another day's story is about another day: twice the month's penalty)
            penalty = {n: 0.0 if on_day[n] else 2 * self.settings.extractive_month_penalty for n in penalty}
        out = []
        for (n, j, s), sim, row in zip(cands, sims, rows):
            words = content_words(row or s)
            # "He took the action after ...": a sentence that refers back is about what the one before it names
            here = context[n] | content_words(sents[n][j - 1]) if j and _REFERS_BACK.match(s) else context[n]
            score = sentence_score(float(sim), q_words, words, here, self.settings.score_weights)
            if focus:  # the overlap share counted on the subject words instead of the whole question
                w_overlap = self.settings.score_weights[1]
                score += w_overlap * (len(focus & words) / len(focus) - len(q_words & words) / max(1, len(q_words)))
            out.append((score - penalty[n], n, j, s))
        return out

    def shortlist(self, question: str, passages: list[Passage], avoid: frozenset[str] = frozenset()) -> Shortlist | Draft:
        """The sentences that may answer, best first (each holding what is asked), or a refusal saying
        what is missing. ``avoid``: sentences already said in this conversation."""
        years = years_in(question)
        if years:
            # a question about a given year can only rest on passages of, or about, that year
            # (its headline counts: "MAI PLC SIX MONTHS TO DECEMBER" in a March 1987 story is of 1986)
            passages = [p if of_years(f"{p.title or ''}\n{p.text}", p.published, years) else None for p in passages]
        own, _, previous = question.partition(" (following up on: ")
        asks = inherit(analyse_parts(own), previous.removesuffix(")"), own)
        if self.answer_bearing and any(a.done and a.kind == "open" for a in asks):
            # "what did the council decide at its September meeting?": a story from before that month cannot report it
            first = min((f"{d.year:04d}-{d.month:02d}" for d in asked_dates(own) if d.year), default=None)
            passages = [p if p is None or not p.published or p.published[:7] >= first else None
                        for p in passages] if first else passages
            if not any(passages):
                return Draft([], answerable=False, backend=self.name, missing=["the outcome"],
                             note=f"no retrieved story is from {first} or later")
        sents = _sentences(passages)
        focus = frozenset().union(*(a.topic for a in asks if a.kind == "who-said")) if len(asks) == 1 and self.answer_bearing else frozenset()
        before = _previous_sentences(sents)

        def bears(a, c) -> bool:
            p = passages[c[1] - 1]
            return a.bears(c[3], before.get((c[1], c[2]), ""), p.published, p.title or "", p.text, p.preceding)

        # a reason or a date is often given in the sentence after the one naming the event ("... but did not debate
        # budget contributions." / "With the Soviet Union unable to attend because of ..."; "... will redeem all its
        # preferred stock in two stages." / "First on July 1, ..."): for a why or when question, that sentence is
        # carried like one that refers back
        later = [a for a in asks if a.kind in ("why", "when")] if self.answer_bearing else []
        scored = _best_first(_carried(self.score(question, passages, sents, focus), self.settings.extractive_carry,
                                      (lambda c: any(bears(a, c) for a in later)) if later else None))
        floor = self.min_score + (self.settings.extractive_unknown_penalty if self.unknown_terms(question) else 0.0)
        if not scored or scored[0][0] < floor:
            return Draft([], answerable=False, backend=self.name)
        unseen = absent_names(own, [p for p in passages if p is not None])
        if unseen and self.answer_bearing:  # Hitachi's ban is not answered by Toshiba's
            return Draft([], answerable=False, backend=self.name, missing=[f"anything about {unseen[0]}"],
                         note=f"no retrieved story names {', '.join(unseen)}")
        alone = {(c[1], c[2]): c[0] for c in scored}  # (the bonus below orders; only a sentence's own score answers)
        across = self.answer_bearing and across_reports(own)
        if avoid and self.answer_bearing:
            scored = _quoted_last_first(scored, passages, self.settings.extractive_story_bonus)
        if not across:  # (a question about what several reports said reads each of them, not one first)
            scored = _focused(scored, passages, self.settings.extractive_story_bonus)
        # only sentences that hold what is asked (a date for "when", a figure for "how much",
        # the named speaker's words for "what did X say", a reason for "why") may answer; each
        # part of a multi-part question is answered or reported missing
        vague = self.answer_bearing and not any(a.specific for a in asks) and next(
            (c[3] for c in scored if c[1] == scored[0][1] and unspecified(c[3], own)), None)
        if vague:  # "which Japanese goods did the EC target?" when the story says "unspecified Japanese electrical goods"
            return Draft([], answerable=False, backend=self.name, missing=["which ones (the closest story calls them unspecified)"],
                         note=f"the closest story says it is not reported: {vague}")
        if self.answer_bearing and any(a.specific for a in asks):
            wanted = [a.asks for a in asks if a.specific]
            not_known = next((c[3] for c in scored if c[1] == scored[0][1] and unknown(c[3], own)), None)
            if not_known and any(bears(a, c) for c in scored if c[1] == scored[0][1]
                                 for a in asks if a.kind in ("why", "when", "how-much")):
                not_known = None  # (the story also gives the reason, date or figure, later: "... had snapped due to
                # metal fatigue"; a speaker's words on something else are no answer)
            if not_known:  # the story closest to the question says that what is asked is not known: so do we
                return Draft([], answerable=False, backend=self.name, missing=wanted,
                             note=f"the closest story says it is not reported: {not_known}")
            cause = self._told_after(asks, scored, sents, alone, bears, own)
            scored = [c for c in scored if any(bears(a, c) for a in asks) or (c[1], c[2]) in cause]
            if cause:  # (read at the score of the sentence naming the event)
                scored = _best_first((max(c[0], cause[c[1], c[2]]), *c[1:]) if (c[1], c[2]) in cause else c for c in scored)
                alone.update({k: max(alone.get(k, 0.0), v) for k, v in cause.items()})
            if scored and all(a.kind == "who-said" and a.speaker_words() for a in asks):
                # the named speaker's own words on the asked subject: they answer even when they share few of the
                # question's words ("the dollar will not revalue" for "where was the currency heading?")
                lift = self.settings.extractive_speaker_lift
                scored = [(c[0] + lift, *c[1:]) for c in scored]
                alone = {k: v + lift for k, v in alone.items()}
            if not scored or max(alone[c[1], c[2]] for c in scored) < floor:
                return Draft([], answerable=False, backend=self.name, missing=wanted,
                             note=f"no retrieved sentence holds {' or '.join(wanted)}")
        fresh = [c for c in scored if c[3] not in avoid]
        if fresh and fresh[0][0] >= floor and scored[0][0] - fresh[0][0] <= self.settings.extractive_margin:
            scored = fresh  # (when only, or clearly best, what was said answers it, it is said again)
        if self.answer_bearing:
            scored = self._led(own, scored, passages)
        return Shortlist(scored, asks, passages, sents, bears, parts(own), across)

    def stream(self, question: str, passages: list[Passage], avoid: frozenset[str] = frozenset()) -> Iterator[str | Draft]:
        """``avoid``: sentences already said in this conversation (a follow-up answers the new part only)."""
        short = self.shortlist(question, passages, avoid)
        if isinstance(short, Draft):
            yield short
            return
        scored, asks, passages, sents, bears = short.scored, short.asks, short.passages, short.sents, short.bears
        missing: list[str] = []
        chosen = self._choose(scored)
        if len(asks) > 1 and self.answer_bearing:
            said = {(c[1], c[2]) for c in chosen}
            lead = passages[chosen[0][1] - 1].doc_id if chosen else None
            for a, text in zip(asks, short.texts):
                # each part is scored on its own words ("what is its cleanup plan expected to cost?"): its best
                # sentence joins the answer
                # (the story the answer leads with gains the story bonus: "what rate did the new mortgage carry?" is
                # asked of the refinancing the first part is about)
                by_part = _best_first(_in_story(self.score(text, passages, sents), passages, lead,
                                                self.settings.extractive_story_bonus))
                holding = [c for c in by_part if bears(a, c)]
                best = self._best(text, holding, passages)
                # the part is answered when its own best sentence (the ranker's pick or the best-scoring one) is
                # already quoted; another quoted sentence holding a figure does not answer it ("862 foreign goods"
                # is no answer to how many of them Washington had asked for)
                if any((c[1], c[2]) in said for c in [best, *(holding[:1] if a.kind != "open" else [])] if c is not None):
                    continue
                if best is None or best[0] < self.min_score:
                    missing.append(a.asks)
                    continue
                chosen.append(next((c for c in scored if (c[1], c[2]) == (best[1], best[2])), best))
                said.add((best[1], best[2]))
        if short.across:
            chosen = _each_report(chosen, scored, passages, [lambda c, a=a: bears(a, c) for a in asks if a.kind != "open"],
                                  self.min_score, self.max_sentences + 2)
        elif self.answer_bearing and len(asks) == 1 and asks[0].kind == "how-much":
            chosen = _other_versions(chosen, scored, passages, self.min_score)
        if self.answer_bearing:
            chosen = _run_on(chosen, sents, asks, self.max_sentences + 2, self._details(scored, asks))
            if any(a.kind == "why" for a in asks):
                chosen = _causes(chosen, sents)
        dated = len({(passages[c[1] - 1].published or "")[:10] for c in chosen}) > 1 or wants_recent(question)
        # the passage holding the best answer is read first (unless the question asks how things moved: a timeline),
        # then the others, in date order when they come from different days
        first = chosen[0][1] if chosen and not wants_recent(question) else None
        if dated:
            chosen.sort(key=lambda c: (c[1] != first, (passages[c[1] - 1].published or "")[:10], c[1], c[2]))
        else:
            chosen.sort(key=lambda c: (c[1] != first, c[1], c[2]))
        sentences, lead = [], None
        for c in chosen:  # dated quotes are grouped by date: "As of 26 May 2019:" leads the first of that day only
            day = _as_of(passages[c[1] - 1]) if dated else ""
            sentences.append(DraftSentence((day if day != lead else "") + c[3], [c[1], *c[4:]]))
            lead = day
        for s in sentences:
            yield s.text + " " + "".join(f"[{n}]" for n in s.citations) + " "
        yield Draft(sentences, answerable=True, backend=self.name, missing=missing)

    def measures(self, question: str, scored: list[tuple], passages: list[Passage | None]):
        """The ranker's measures of each shortlisted candidate (see ranker.py)."""
        vecs = self.embedder.embed([question] + [c[3] for c in scored])  # (cached: score() embedded them)
        titles = {n: p.title or "" for n, p in enumerate(passages, 1) if p is not None}
        return ranker_measures(question, scored, titles, [float(x) for x in vecs[1:] @ vecs[0]], self.word_weight)

    def _likeliest(self, question: str, scored: list[tuple], passages: list[Passage | None]) -> int:
        """Index of the candidate the ranker finds likeliest to answer (0 without a ranker or a choice)."""
        if self.ranker is None or len(scored) < 2:
            return 0
        return int(np.argmax(self.ranker.chance(self.measures(question, scored[:RANKED], passages))))

    def _led(self, question: str, scored: list[tuple], passages: list[Passage | None]) -> list[tuple]:
        """The shortlist led by the candidate the ranker finds likeliest to answer; it takes the best score, so that
        what joins it is what joined the best before (the margin still bounds the answer)."""
        best = self._likeliest(question, scored, passages)
        if best == 0:
            return scored
        return [(scored[0][0], *scored[best][1:])] + [c for k, c in enumerate(scored) if k != best]

    def _best(self, question: str, scored: list[tuple], passages: list[Passage | None]) -> tuple | None:
        """The candidate the ranker finds likeliest to answer, if it clears the floor (else the first), or None."""
        if not scored:
            return None
        best = scored[self._likeliest(question, scored, passages)]
        return best if best[0] >= self.min_score else scored[0]

    def _details(self, scored: list[tuple], asks) -> tuple | None:
        """(passage, sentence) of the sentence after the best one, when the question asks what someone said,
        did or wants (not a date or a figure) and that sentence is on the question's subject too: a story's
        lead announces ("France will give Japan a taste of its own medicine") and the next sentence says what
        (which imports, which standards)."""
        if not scored or not all(a.kind in ("open", "who-said", "why") for a in asks):
            return None
        n, j = scored[0][1], scored[0][2]
        nxt = next((c for c in scored if c[1] == n and c[2] == j + 1), None)
        return (n, j + 1) if nxt is not None and nxt[0] >= self.settings.extractive_detail_score else None

    def _told_after(self, asks, scored: list[tuple], sents: dict[int, list[str]], alone: dict, bears, question: str) -> dict:
        """For a why question whose best sentence names the event ("Oliver's Stores said it has decided to reorganize
        under Chapter 11") in a story giving no reason in words that mark one: the sentences right after it that go on
        with the same report ("The company said it has failed to reach agreement with its lenders") are its reason,
        when no retrieved sentence that could answer marks one. For a when question whose best sentence names the
        event without its date ("will send its first buying mission to the U.S. later this year"): the story's later
        sentence that dates it, naming the event again ("during the buying mission in September").
        (passage, sentence) -> the score they are read at; empty otherwise."""
        if len(asks) != 1 or asks[0].kind not in ("why", "when") or not scored:
            return {}
        top = max(scored, key=lambda c: alone[c[1], c[2]])
        n, j = top[1], top[2]
        if asks[0].kind == "when":
            if alone[n, j] < self.min_score or any(bears(asks[0], c) for c in scored if alone[c[1], c[2]] >= self.min_score):
                return {}  # (a dated sentence that answers comes first)
            event = content_words(question) & content_words(top[3])
            later = next((k for k in range(j + 1, len(sents[n])) if len(event & content_words(sents[n][k])) >= 2
                          and bears(asks[0], (0.0, n, k, sents[n][k]))), None)
            return {(n, later): alone[n, j]} if later is not None else {}  # (read as the event sentence)
        if alone[n, j] < self.settings.extractive_event_score or any(
                bears(asks[0], c) for c in scored if c[1] == n or alone[c[1], c[2]] >= self.min_score):
            return {}  # (a reason marked as one, in this story or another that answers, comes first)
        out = {(n, j): alone[n, j]}  # (the event, then what the report goes on to say of it)
        for k in (j + 1, j + 2):
            if k >= len(sents[n]) or not _GOES_ON.match(sents[n][k]):
                break
            out[n, k] = alone[n, j] - self.settings.extractive_carry
        return out if len(out) > 1 else {}

    def _choose(self, scored: list[tuple]) -> list[tuple]:
        """The best sentence and those within the margin of it, each said once (a copy's sentence adds its citation)."""
        best = scored[0][0]
        chosen: list[tuple] = []
        for cand in scored:
            score, n, j, s = cand[:4]
            if score < max(self.min_score, best - self.settings.extractive_margin) or len(chosen) >= self.max_sentences:
                break
            words, same = content_words(s), self.settings.extractive_same_sentence
            if any(_jaccard(words, content_words(c[3])) > same for c in chosen):
                # the same sentence in a syndicated copy: cite both, quote once
                for k, c in enumerate(chosen):
                    if _jaccard(words, content_words(c[3])) > same:
                        chosen[k] = c + (n,) if n not in c[4:] and n != c[1] else c
                continue
            chosen.append(cand)
        return chosen


_GOES_ON = re.compile(r"\W*(?:the (?:company|bank|firm|group|ministry|government|board|agency|office|department)|it|he|she|they)"
                      r"\s+(?:also\s+)?(?:said|says|added)\b", re.IGNORECASE)  # the same report, told on
RANKED = 40  # the ranker reads this many of the best shortlisted candidates

_REFERS_BACK = re.compile(r"\W*(?:he|she|it|they|this|that|these|such|the (?:action|move|meeting|decision|plan|measure|step|"
                          r"proposal|agreement|accord|change|increase|rise|fall|decline|cut|company|ministry|bank|office))\b",
                          re.IGNORECASE)


def _each_report(chosen: list[tuple], scored: list[tuple], passages: list[Passage | None], holds: list[Callable],
                 floor: float, limit: int) -> list[tuple]:
    """For a question about what several reports said: each other story's best sentence holding what is asked
    (a figure, a date) joins the answer, so that differing reports are all shown."""
    seen = {passages[c[1] - 1].doc_id for c in chosen}
    out = list(chosen)
    for c in scored:
        doc = passages[c[1] - 1].doc_id
        if len(out) >= limit or c[0] < floor:
            break
        if doc in seen or (holds and not any(h(c) for h in holds)):
            continue
        if any(c[3] == o[3] for o in out):
            continue
        out.append(c)
        seen.add(doc)
    return out


def _other_versions(chosen: list[tuple], scored: list[tuple], passages: list[Passage | None], floor: float,
                    most: int = 2) -> list[tuple]:
    """For a figure question: another story's sentence that holds what is asked and gives the answer's figure another
    value (the same measure, party and stated time: "South Korea's trade surplus with the U.S. rose to 7.3 billion dlrs
    in 1986" against "7.2 billion dlrs ... in 1986") joins the answer, so that the reader sees that reports differ
    (the conflict note then names both) instead of one version winning silently."""
    from ..conflicts import sentence_conflict

    if not chosen:
        return chosen
    lead, when = chosen[0], passages[chosen[0][1] - 1].published
    seen = {passages[c[1] - 1].doc_id for c in chosen}
    out = list(chosen)
    for c in scored:
        if len(out) - len(chosen) >= most or c[0] < floor:
            break
        p = passages[c[1] - 1]
        if p.doc_id in seen or not sentence_conflict(lead[3], c[3], published_a=when, published_b=p.published):
            continue
        out.append(c)
        seen.add(p.doc_id)
    return out


def _best_first(scored) -> list[tuple]:
    """Candidates by score, then in story and sentence order (ties read as written)."""
    return sorted(scored, key=lambda t: (-t[0], t[1], t[2]))


def _lifted(scored: list[tuple], passages: list[Passage | None], bonus: float, which: Callable[[Passage], bool]) -> list[tuple]:
    """The sentences of the passages ``which`` picks gain ``bonus`` (order kept)."""
    return [(c[0] + bonus, *c[1:]) if which(passages[c[1] - 1]) else c for c in scored]


def _in_story(scored: list[tuple], passages: list[Passage | None], doc_id: str | None, bonus: float) -> list[tuple]:
    """The sentences of story ``doc_id`` gain ``bonus``."""
    return _lifted(scored, passages, bonus, lambda p: bool(doc_id) and p.doc_id == doc_id)


def _quoted_last_first(scored: list[tuple], passages: list[Passage | None], bonus: float) -> list[tuple]:
    """A follow-up asks most often about the story the last answer quoted ("And what did he want schools to
    concentrate on?"): its sentences gain ``bonus``, as the other sentences of an answer's best story do."""
    return _best_first(_lifted(scored, passages, bonus, lambda p: p.quoted_last))


def _focused(scored: list[tuple], passages: list[Passage | None], bonus: float) -> list[tuple]:
    """The story holding the best sentence gains ``bonus`` on its other sentences: an answer is read from one
    story first, and another story's sentence has to be clearly better to join it (no padding from elsewhere)."""
    if not scored or not bonus:
        return scored
    return _best_first([scored[0], *_in_story(scored[1:], passages, passages[scored[0][1] - 1].doc_id, bonus)])


CARRY_REACH = 3  # sentences back a reason or a date is carried from


def _carried(scored: list[tuple], drop: float, answers: Callable[[tuple], bool] | None = None) -> list[tuple]:
    """A sentence that refers back ("He took the action after ...", "The meeting was part of a plan to ...") scores at
    least its predecessor's score less ``drop``: the reason or detail asked for is often the sentence after the one
    that names the event, and shares few of the question's words itself."""
    by_place = {(c[1], c[2]): c[0] for c in scored}
    out = []
    for c in scored:
        before = by_place.get((c[1], c[2] - 1))
        if answers is not None and answers(c):  # (the reason or the date may come two or three sentences on: each
            # further sentence costs a quarter of the drop more: "ACT agreed to sell ..." / "..." / "The deal is expected to
            # close on March 31")
            before = max((by_place[c[1], c[2] - d] - (d - 1) * drop / 4 for d in range(1, CARRY_REACH + 1)
                          if (c[1], c[2] - d) in by_place), default=None)
        if before is not None and before - drop > c[0] and (_REFERS_BACK.match(c[3]) or answers and answers(c)):
            c = (before - drop, *c[1:])
        elif answers is not None:
            # and the date may come first: "... eight non-stop services from May 31, officials said." / "The
            # officials said both countries reached agreement ... enabling British airlines to begin ..."
            after = by_place.get((c[1], c[2] + 1))
            if after is not None and after - drop > c[0] and answers(c):
                c = (after - drop, *c[1:])
        out.append(c)
    return out


def _run_on(chosen: list[tuple], sents: dict[int, list[str]], asks, limit: int, details: tuple | None = None) -> list[tuple]:
    """Each quoted sentence followed by the next one of its passage when that carries on the same
    statement ("He added that ..."): what someone said, a stance or a reason often takes two sentences.
    ``details``: the best sentence's own next sentence, taken whatever its wording (see _details)."""
    out, have = list(chosen), {(c[1], c[2]) for c in chosen}
    for c in chosen:
        n, j = c[1], c[2]
        nxt = sents[n][j + 1].strip() if j + 1 < len(sents[n]) else ""
        if len(out) < limit and nxt and (n, j + 1) not in have and (continues(nxt, asks) or details == (n, j + 1)):
            out.append((c[0], n, j + 1, nxt))
            have.add((n, j + 1))
    return out


_AFTER_THAT = re.compile(r"\W*(?:after that|as a result|consequently|because of (?:this|that)|since then|following (?:this|that)|"
                         r"this (?:led|prompted|forced|caused)|that (?:led|prompted|forced|caused))\b", re.IGNORECASE)


def _causes(chosen: list[tuple], sents: dict[int, list[str]]) -> list[tuple]:
    """For a why-question: a quoted sentence that starts from what came before ("After that, ... was named acting
    chief executive") is preceded by that sentence, which holds the cause (the chief executive's stroke)."""
    have = {(c[1], c[2]) for c in chosen}
    out = list(chosen)
    for c in chosen:
        n, j = c[1], c[2]
        if j and _AFTER_THAT.match(c[3]) and (n, j - 1) not in have:
            out.append((c[0], n, j - 1, sents[n][j - 1].strip()))
            have.add((n, j - 1))
    return out


def _sentences(passages: list[Passage | None]) -> dict[int, list[str]]:
    """Passage number -> its sentences (an excluded passage keeps its number and has none); a quotation
    running over several sentences is one ('He added, "I expect progress. Lifting them is doubtful."')."""
    return {n: [p.text[a:b] for a, b in _quotes_whole(p.text, split_sentences(p.text))]
            for n, p in enumerate(passages, 1) if p is not None}


def _quotes_whole(text: str, spans: list[tuple[int, int]], longest: int = 3) -> list[tuple[int, int]]:
    """Sentence spans with those inside one open quotation joined (at most ``longest`` to a quotation):
    the words after the first full stop of a quote are the same speaker's and carry no name of their own."""
    out: list[tuple[int, int]] = []
    joined = 0
    for a, b in spans:
        if out and joined and joined < longest and "\n\n" not in text[out[-1][1]:a]:
            out[-1] = (out[-1][0], b)
            joined += 1
        else:
            out.append((a, b))
            joined = 1
        part = text[out[-1][0]:out[-1][1]]
        if part.count('"') % 2 == 0 and (part.count("“") <= part.count("”")):
            joined = 0  # the quotation (if any) is closed
    return out


def _previous_sentences(sents: dict[int, list[str]], back: int = 3) -> dict[tuple[int, int], str]:
    """(passage number, sentence order) -> the few sentences before it in the passage (who "he" is in "he said")."""
    return {(n, j): " ".join(ss[max(0, j - back):j]) for n, ss in sents.items() for j in range(1, len(ss))}


_DAY_RANGE = re.compile(r"\b(?:to|through|until|and)\s+(?:[A-Z][a-z]+\.?\s+)?\d{1,2}\b|\b\d{1,2}\s*-\s*\d{1,2}\b")


def _near_day(published: str | None, asked) -> bool:
    """Was a story published on the asked day or within three days after it (in its year, when one is named)?"""
    day = parse_day(published)
    if day is None or (asked.year and day.year != asked.year):
        return False
    try:
        return 0 <= (day - day.replace(month=asked.month, day=asked.day)).days <= 3
    except ValueError:  # (30 February)
        return False


def _in_months(published: str | None, asked: set[str]) -> bool:
    """Was a story published in one of the asked months ('apr'), or in the first week after one (a late-March
    event reported on 2 April)? A story with no date is not held against."""
    day = parse_day(published)
    if day is None:
        return True
    before = day - timedelta(days=7)
    return day.strftime("%b").lower() in asked or before.strftime("%b").lower() in asked


def _as_of(p: Passage) -> str:
    return as_of(parse_day(p.published))


def _date_words(published) -> str:
    d = parse_day(published)
    return d.strftime("%B %Y") if d else ""


def _jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0
