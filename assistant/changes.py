"""After new documents arrive: update the positions, look for figures that now disagree, send alerts.

``after_ingest`` runs after a feed poll, a watched folder's ingest and a web upload:
- the positions build (incremental), which records statements added and stances changed;
- for each new or changed document (at most ``alerts.max_conflict_docs`` per run), each of its
  sentences with a figure is searched for in the store; a stored sentence from another story
  (not a syndicated copy), published within ``CONFLICT_DAYS`` (when both are dated), about the same thing (at least
  ``MIN_SHARED_WORDS`` content words in common) with another figure in the same unit is a
  ``conflicting_figure`` event citing both;
- stance changes and conflicting figures go to ``alerts.webhook`` / ``alerts.file``.
"""

from __future__ import annotations

import logging
import re
from datetime import date

from ingest.clean import strip_dateline
from ingest.sentences import split_sentences

from .alerts import send_alerts
from .conflicts import quantities, sentence_conflict

log = logging.getLogger(__name__)

MIN_SHARED_WORDS = 4
MIN_SIMILARITY = 0.7  # cosine of the two sentences: "Taiwan's surplus" is not "Taiwan's surplus with the U.S."
CONFLICT_DAYS = 120
MAX_SENTENCES_PER_DOC = 12
PASSAGES_PER_SENTENCE = 6


def _days(a: str | None, b: str | None) -> int | None:
    try:
        return abs((date.fromisoformat(a[:10]) - date.fromisoformat(b[:10])).days)
    except (TypeError, ValueError):
        return None


def _cite(doc: dict, start: int, end: int, text: str) -> dict:
    return {"doc_id": doc["doc_id"], "start": start, "end": end, "sentence": text, "source": doc.get("source"),
            "published": doc.get("published"), "title": doc.get("title"), "url": doc.get("url")}


# what a figure measures; a conflict needs the same measure, with the same word before it ("trade deficit" is
# not "account deficit", "reserves" are not a "surplus")
MEASURES = re.compile(r"\b([a-z]+)\s+(surplus|deficit|reserves|exports|imports|output|production|quota|tariffs?|"
                      r"duty|duties|sales|purchases|subsidies|debt|growth|shortfall|imbalance|gap)\b", re.I)


_VERB = re.compile(r"\b(imported|exported|produced|bought|sold|purchased|shipped)\b", re.I)
_SINGULAR = {"tariffs": "tariff", "duties": "duty"}


def _measure(sentence: str, figure: str) -> str | None:
    """What the figure measures: the measure named nearest to it with the word before it ("trade surplus"), or a
    verb with the goods after the figure ("imported ... tonnes of beef" -> "imported beef"); lower case; or None."""
    at = sentence.find(figure)
    if at < 0:
        return None
    found = [(abs(m.start() - at), f"{m.group(1).lower()} {_SINGULAR.get(m.group(2).lower(), m.group(2).lower())}")
             for m in MEASURES.finditer(sentence)]
    verb = [v for v in _VERB.finditer(sentence[:at])][-1:]
    goods = re.match(r"\s*(?:of\s+)?(?:[a-z-]+\s+)?of\s+([a-z]+)", sentence[at + len(figure):], re.I)
    if verb and goods:
        found.append((at - verb[0].start(), f"{verb[0].group(1).lower()} {goods.group(1).lower()}"))
    return min(found)[1] if found else None


_MONTHS = "january february march april may june july august september october november december".split()
_PERIOD = re.compile(r"\b(?:(?P<fy>(?:19|20)\d\d/\d\d)|(?P<year>(?:19|20)\d\d)|(?P<rel>last|this|current|next)\s+year|"
                     r"(?P<q>first|second|third|fourth)[\s-]+quarter|(?P<month>" + "|".join(_MONTHS) + r"))\b", re.I)


def _period(sentence: str, published: str | None) -> frozenset[str]:
    """The periods a sentence names ("last year" read against its date): a figure for 1986 does not conflict
    with one for 1987/88, nor an annual one with a quarter's."""
    try:
        year = int((published or "")[:4])
    except ValueError:
        year = None
    out = set()
    sentence = strip_dateline(sentence.strip())  # "SYDNEY, March 8 (Lakeside Daily) - " dates the story, not the figure
    for m in _PERIOD.finditer(sentence):
        if m.group("fy"):
            out.add(m.group("fy"))
        elif m.group("year"):
            out.add(m.group("year"))
        elif m.group("rel"):
            shift = {"last": -1, "next": 1}.get(m.group("rel").lower(), 0)
            out.add(str(year + shift) if year else m.group(0).lower())
        elif m.group("q"):
            out.add(f"{m.group('q').lower()} quarter")
        else:
            out.add(m.group("month").lower())
    return frozenset(out)


def _same_subject(assistant, vocab, a: str, b: str) -> bool:
    """The two sentences name the same parties (at least one) and say nearly the same thing around their figures."""
    pa, pb = {m.name for m in vocab.parties_in(a)}, {m.name for m in vocab.parties_in(b)}
    if not pa or pa != pb:
        return False
    va, vb = assistant.embedder.embed([a, b])
    return float(va @ vb) >= MIN_SIMILARITY


def conflict_events(assistant, doc_ids: list[str], origin: str | None = None, record: bool = True) -> list[dict]:
    """Record and return the conflicting figures the new documents bring (``record=False``: only return them,
    as a briefing does for the documents it covers)."""
    from .positions.vocab import Vocabulary

    changes = assistant.store.changes
    if (record and changes is None) or not doc_ids:
        return []
    vocab = Vocabulary.load(assistant.settings.positions.vocabulary)
    groups = assistant.store.docs.duplicate_groups()
    events, seen = [], set()
    for doc_id in doc_ids:
        doc = assistant.store.docs.document(doc_id)
        if doc is None:
            continue
        text = doc["text"]
        own = {doc_id, groups.get(doc_id, doc_id)}
        with_figures = [(a, b) for a, b in split_sentences(text) if quantities(text[a:b])][:MAX_SENTENCES_PER_DOC]
        for a, b in with_figures:
            sent = text[a:b].strip()
            for p in assistant.retriever.retrieve(sent, k=PASSAGES_PER_SENTENCE, mode="dense").passages:
                if p.doc_id in own or groups.get(p.doc_id, p.doc_id) in own:
                    continue
                days = _days(doc.get("published"), p.published)
                if days is not None and days > CONFLICT_DAYS:  # (an undated story cannot be ruled out by date)
                    continue
                for pa, pb in split_sentences(p.text):
                    other = p.text[pa:pb].strip()
                    found = sentence_conflict(sent, other, MIN_SHARED_WORDS)
                    if not found or not _same_subject(assistant, vocab, sent, other):
                        continue
                    measure = _measure(sent, found[1])
                    if measure is None or measure != _measure(other, found[2]):
                        continue
                    period = _period(sent, doc.get("published"))
                    if not period or period != _period(other, p.published):  # (a figure of no stated period is not compared)
                        continue
                    pair = (frozenset((doc_id, p.doc_id)), found[0])  # one event per pair of stories and unit
                    if pair in seen:
                        continue
                    seen.add(pair)
                    unit, new_fig, old_fig = found
                    old = {"doc_id": p.doc_id, "source": p.source, "published": p.published, "title": p.title, "url": p.url}
                    events.append(dict(
                        kind="conflicting_figure", doc_id=doc_id, cites=[p.doc_id], origin=origin,
                        summary=(f"{doc.get('source') or doc_id} ({(doc.get('published') or 'undated')[:10]}) "
                                 f"reports {new_fig}, {p.source or p.doc_id} ({(p.published or 'undated')[:10]}) reported {old_fig}"),
                        detail={"unit": unit, "new": {**_cite(doc, a, b, sent), "figure": new_fig},
                                "stored": {**_cite(old, p.start + pa, p.start + pb, other), "figure": old_fig}}))
    return changes.record_many(events) if events and record else events


def after_ingest(assistant, report, origin: str | None = None, progress=None) -> dict:
    """Positions, conflicting figures and alerts for what an ingest stored; returns a small summary."""
    from .positions.build import build_positions

    out = {"positions": None, "conflicts": [], "alerts": 0, "events": []}
    if not (report.new or report.updated or report.removed):
        return out
    build = build_positions(assistant.settings, on_progress=progress)
    assistant.positions_changed()
    out["positions"] = build.summary().splitlines()[0]
    fresh = (report.new + report.updated)
    limit = assistant.settings.alerts.max_conflict_docs
    if len(fresh) <= limit:
        out["conflicts"] = conflict_events(assistant, fresh, origin)
    else:
        log.info("%d new documents: over alerts.max_conflict_docs (%d), figures not compared", len(fresh), limit)
    out["events"] = build.events + out["conflicts"]
    out["alerts"] = send_alerts(assistant.settings, [e for e in out["events"] if e["kind"] in ("stance_changed", "conflicting_figure")])
    return out
