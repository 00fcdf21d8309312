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
from datetime import date

from ingest.sentences import split_sentences

from .alerts import send_alerts
from .conflicts import quantities, sentence_conflict

log = logging.getLogger(__name__)

MIN_SHARED_WORDS = 4
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


def conflict_events(assistant, doc_ids: list[str], origin: str | None = None) -> list[dict]:
    """Record and return the conflicting figures the new documents bring."""
    changes = assistant.store.changes
    if changes is None or not doc_ids:
        return []
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
                    if not found:
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
    return changes.record_many(events) if events else []


def after_ingest(assistant, report, origin: str | None = None, progress=None) -> dict:
    """Positions, conflicting figures and alerts for what an ingest stored; returns a small summary."""
    from .positions.build import build_positions

    out = {"positions": None, "conflicts": [], "alerts": 0, "events": []}
    if not (report.new or report.updated or report.removed):
        return out
    build = build_positions(assistant.settings, on_progress=progress)
    assistant._positions = None  # the views re-open on the next question
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
