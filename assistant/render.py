"""HTML and Markdown for the web chat: answers with citation links, the sources panel.

Everything that comes from an article (text, title, outlet, url) is data: it is
escaped here before it reaches the page, so markup inside an article is shown
as text and never runs. Only http(s) urls become links.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from ingest.types import count

from .types import Answer, Citation, Passage

CONTEXT_CHARS = 400  # article text shown either side of a cited passage

_MD_SPECIAL = re.compile(r"([\\`*_\[\]#|~])")


def md_text(text: str) -> str:
    """Article text inside Markdown: no HTML, no links, no emphasis — just the words."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def md_title(text: str) -> str:
    """Text for a Markdown link title ("..."): one line, every markup character an entity.

    Newlines would end the title (a blank line ends the paragraph, and the rest
    would render as Markdown/HTML); '"' and a trailing '\\' would close it early."""
    return html.escape(" ".join(text.split()), quote=True).replace("\\", "&#92;")


def _attr(text: str | None) -> str:
    return html.escape(text or "", quote=True)


def safe_url(url: str | None) -> str | None:
    return url if url and re.match(r"^https?://[^\s\"'<>]+$", url, re.I) else None


def cite_label(c: Citation) -> str:
    return " · ".join(x for x in (c.source, c.title, (c.published or "")[:10]) if x)


def anchor(turn: int, n: int) -> str:
    return f"cite-{turn}-{n}"


def answer_markdown(answer: Answer, turn: int) -> str:
    """The verified answer for the chat view; each [n] links to (and hovers with) its source."""
    if answer.refused and not answer.sentences:
        notes = f" ({'; '.join(answer.notes)})" if answer.notes else ""
        return (f"**{md_text(answer.text)}**\n\n_Refused: no passage supports an answer{md_text(notes)}. "
                f"The {len(answer.retrieved)} passages consulted are listed in the sources panel._")
    by_n = {c.n: c for c in answer.citations}
    parts = []
    for s in answer.sentences:
        marks = "".join(f'[[{n}]](#{anchor(turn, n)} "{md_title(cite_label(by_n[n]))}")'
                        for n in s.citations if n in by_n)
        flag = " _(unverified)_" if not s.supported else ""
        parts.append(f"{md_text(s.text)} {marks}{flag}")
    out = " ".join(parts)
    if answer.notes:
        out += "\n\n_" + md_text("; ".join(answer.notes)) + "_"
    return searched_for(answer) + out


def searched_for(answer: Answer) -> str:
    """A follow-up's rewritten question, so the user sees what was searched."""
    s = answer.standalone_question
    return f"_Searched for: {md_text(s)}_\n\n" if s and s != answer.question else ""


def quick_markdown(answer: Answer, turn: int, drafted: int) -> str:
    """The quoted answer shown while the model writes its own."""
    status = f"the model has drafted {count(drafted, 'sentence')}" if drafted else "the model is writing its answer"
    return answer_markdown(answer, turn) + f"\n\n_Quoted from the sources at once; {status}…_"


def drafting_markdown(passages: list[Passage], drafts: list[str]) -> str:
    outlets = sorted({p.source for p in passages if p.source})
    head = f"_Read {len(passages)} passages ({md_text(', '.join(outlets[:4]) or 'no outlet')}); drafting an answer…_"
    if not drafts:
        return head
    return head + "\n\n" + " ".join(md_text(d.strip()) for d in drafts) + "\n\n_(unverified draft: checking each sentence against its source)_"


def _highlight(text: str, a: int, b: int) -> str:
    return f"{html.escape(text[:a])}<mark>{html.escape(text[a:b])}</mark>{html.escape(text[b:])}"


def _in_context(text: str, a: int, b: int, around: int) -> str:
    """text[a:b] highlighted, with up to `around` characters of the article either side."""
    lo, hi = max(0, a - around), min(len(text), b + around)
    return ("…" if lo else "") + _highlight(text[lo:hi], a - lo, b - lo) + ("…" if hi < len(text) else "")


def _highlight_many(text: str, spans: list[tuple[int, int, int]]) -> str:
    """Each (start, end, answer sentence) marked and numbered; spans that overlap are one mark with both numbers."""
    merged: list[list] = []
    for a, b, k in sorted(spans):
        if merged and a < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
            merged[-1][2].add(k)
        else:
            merged.append([a, b, {k}])
    out, at = [], 0
    for a, b, ks in merged:
        label = ",".join(f"s{k}" for k in sorted(ks))  # s2: the answer's second sentence (not the citation [2])
        out.append(f'{html.escape(text[at:a])}<mark title="what answer sentence {label.replace("s", "")} rests on">'
                   f'{html.escape(text[a:b])}</mark><sup class="tc-sn">{label}</sup>')
        at = b
    return "".join(out) + html.escape(text[at:])


def _spans_in_context(text: str, spans: list[tuple[int, int, int]], around: int) -> str:
    """Every cited span of one article highlighted, from the first to the last, with context either side."""
    lo, hi = max(0, min(a for a, _, _ in spans) - around), min(len(text), max(b for _, b, _ in spans) + around)
    body = _highlight_many(text[lo:hi], [(a - lo, b - lo, k) for a, b, k in spans])
    return ("…" if lo else "") + body + ("…" if hi < len(text) else "")


def copies_text(also: list[dict]) -> str:
    """" · also carried by Outlet (date), ..." for a story's other copies (plain text)."""
    copies = [f"{a.get('source') or a['doc_id']} ({(a.get('published') or 'undated')[:10]})" for a in also]
    return f" · also carried by {', '.join(copies)}" if copies else ""


def also_text(c: Citation) -> str:
    return copies_text(c.also)


def citation_html(c: Citation, turn: int, document_text: str | None = None, also: str = "") -> str:
    """One source: outlet, title, date, url, and the cited span highlighted inside the article text around it."""
    many = [(x["span"][0], x["span"][1], x["sentence"]) for x in c.spans]
    if document_text and len(many) > 1 and all(0 <= a < b <= len(document_text) for a, b, _ in many):
        body = _spans_in_context(document_text, many, CONTEXT_CHARS)  # one mark per answer sentence resting on it
    elif document_text and 0 <= c.span[0] < c.span[1] <= len(document_text):
        body = _in_context(document_text, *c.span, CONTEXT_CHARS)
    else:
        body = _highlight(c.text, *c.passage_span)
    url = safe_url(c.url)
    link = f'<a href="{_attr(url)}" target="_blank" rel="noopener noreferrer">{html.escape(url)}</a>' if url else ""
    meta = " · ".join(html.escape(x) for x in (c.source or "unknown outlet", (c.published or "")[:10] or "undated") if x)
    return (f'<details class="tc-cite" id="{anchor(turn, c.n)}" open><summary><b>[{c.n}]</b> {html.escape(c.title or c.doc_id)}'
            f'<br><small>{meta}</small></summary><div class="tc-meta">{link}<br><small>doc: {html.escape(c.doc_id)}'
            f'{html.escape(also)}</small></div><p class="tc-passage">{body}</p></details>')


def passage_html(p: Passage) -> str:
    excerpt = p.text[:280] + ("…" if len(p.text) > 280 else "")
    meta = " · ".join(html.escape(x) for x in (p.source or "unknown outlet", p.date or "undated"))
    return f'<li><b>{html.escape(p.title or p.doc_id)}</b> <small>{meta}</small><br><small>{html.escape(excerpt)}</small></li>'


def turn_html(answer: Answer, turn: int, document: Callable[[str], str | None] = lambda _: None,
              also: Callable[[Citation], str] = also_text) -> str:
    """The sources panel section for one answer: its citations, or the consulted passages of a refusal."""
    q = html.escape(answer.question)
    if answer.refused and not answer.sentences:
        seen, items = set(), []
        for p in answer.retrieved:
            if p.chunk_id not in seen:
                seen.add(p.chunk_id)
                items.append(passage_html(p))
        inner = (f'<p class="tc-refusal">Refused — the passages below were consulted and none answers it.</p>'
                 f'<ol>{"".join(items) or "<li>nothing was retrieved</li>"}</ol>')
    else:
        inner = "".join(citation_html(c, turn, document(c.doc_id), also(c)) for c in answer.citations)
    return f'<section class="tc-turn" data-turn="{turn}"><h4>Q{turn}: {q}</h4>{inner}</section>'


def consulting_html(question: str, passages: list[Passage]) -> str:
    items = "".join(passage_html(p) for p in passages)
    return (f'<section class="tc-turn tc-pending"><h4>{html.escape(question)}</h4>'
            f'<p>Consulting {len(passages)} passages…</p><ol>{items}</ol></section>')


KIND_LABELS = {"stance_changed": "stance changed", "conflicting_figure": "figures differ", "statement_added": "new statement",
               "document_added": "added", "document_replaced": "replaced", "document_removed": "removed"}


def _event_cites(e: dict) -> str:
    d = e.get("detail") or {}
    items = []
    for key, label in (("from", "from"), ("to", "to"), ("stored", "stored"), ("new", "new"), ("statement", "")):
        c = d.get(key)
        if not isinstance(c, dict) or not c.get("sentence"):
            continue
        meta = " · ".join(html.escape(x) for x in (c.get("source") or "unknown outlet", (c.get("published") or "undated")[:10]))
        items.append(f'<li>{f"<b>{label}</b> " if label else ""}“{html.escape(" ".join(c["sentence"].split())[:300])}” '
                     f'<small>{meta} · doc: {html.escape(c["doc_id"])}</small></li>')
    return f"<ul>{''.join(items)}</ul>" if items else ""


def changes_html(events: list[dict], shown: int = 20) -> str:
    """The "What's new" panel: stance changes and conflicting figures with both citations first, then new
    statements, then documents as counts with the latest few."""
    if not events:
        return '<p class="tc-empty">No changes recorded yet: they appear as feeds, watched folders and uploads bring news.</p>'
    news = [e for e in events if e["kind"] in ("stance_changed", "conflicting_figure")][::-1][:shown]
    said = [e for e in events if e["kind"] == "statement_added"][::-1][:shown]
    docs = [e for e in events if e["kind"].startswith("document_")]
    parts = []
    for title, group in (("Stances and figures", news), ("New statements", said)):
        if group:
            rows = "".join(f'<li class="tc-change tc-{html.escape(e["kind"])}"><small>{html.escape(e["at"][:16].replace("T", " "))}</small> '
                           f'<b>{html.escape(KIND_LABELS[e["kind"]])}:</b> {html.escape(e["summary"])}{_event_cites(e)}</li>' for e in group)
            parts.append(f"<h5>{title}</h5><ol>{rows}</ol>")
    if docs:
        counts = {}
        for e in docs:
            counts[e["kind"]] = counts.get(e["kind"], 0) + 1
        head = ", ".join(f"{n:,} {KIND_LABELS[k]}" for k, n in counts.items())
        latest = "".join(f"<li><small>{html.escape(e['at'][:16].replace('T', ' '))}</small> {html.escape(e['summary'])}</li>"
                         for e in docs[::-1][:5])
        parts.append(f"<h5>Documents: {head}</h5><ul>{latest}</ul>")
    return f'<div class="tc-changes">{"".join(parts)}</div>'


def stance_cell_style(value) -> str:
    """CSS for a matrix cell: the colour of the stance it starts with ("red line 2019-05 +1")."""
    from .brief import STANCE_COLOURS

    text = str(value or "")
    stance = next((s for s in sorted(STANCE_COLOURS, key=len, reverse=True) if text.startswith(s)), None)
    return f"background-color: {STANCE_COLOURS[stance]}; color: #fff" if stance else ""


def stance_legend() -> str:
    from .brief import STANCE_COLOURS

    return '<div class="tc-legend">' + "".join(
        f'<span style="background:{c};color:#fff;border-radius:3px;padding:0 .4em;margin-right:.4em">{html.escape(s)}</span>'
        for s, c in STANCE_COLOURS.items()) + "</div>"


def landing_html(cov: dict, changes: list[dict] | None = None) -> str:
    """The first screen: what is stored (documents, outlets, dates, last update), the latest additions and,
    when the store has them, the latest stance changes and conflicting figures."""
    if not cov["documents"]:
        return ('<div class="tc-landing"><b>Nothing is stored yet.</b> Add articles in the <b>Sources</b> tab '
                "(or run <code>tradechat ingest PATH</code>), then ask.</div>")
    outs = ", ".join(f"{html.escape(o)} ({k:,})" for o, k in cov["outlets"])
    more = cov["n_outlets"] - len(cov["outlets"])
    dates = " to ".join(html.escape((d or "")[:10]) for d in (cov["first"], cov["last"]) if d) or "undated"
    latest = "".join(f"<li>{html.escape(d['title'] or d['doc_id'])} <small>{html.escape(d['source'] or '?')} · "
                     f"{html.escape((d['published'] or 'undated')[:10])}</small></li>" for d in cov["latest"])
    return (f'<div class="tc-landing"><b>{count(cov["documents"], "document")}</b> ({count(cov["chunks"], "passage")}) '
            f"from {count(cov['n_outlets'], 'outlet')}, published {dates}; last updated "
            f"{html.escape((cov['updated'] or '')[:16].replace('T', ' '))}.<br><small>Outlets: {outs}"
            f"{f' and {more} more' if more > 0 else ''}.</small><br><small>Latest added:</small><ul>{latest}</ul>"
            f"{_latest_changes(changes or [])}</div>")


def _latest_changes(events: list[dict]) -> str:
    news = [e for e in events if e["kind"] in ("stance_changed", "conflicting_figure")][::-1][:3]
    if not news:
        return ""
    rows = "".join(f"<li>{html.escape(e['summary'])}</li>" for e in news)
    return f"<small>Latest changes (more under <b>What's new</b>):</small><ul>{rows}</ul>"


def panel(sections: list[str]) -> str:
    body = "".join(reversed(sections)) or '<p class="tc-empty">Sources of each answer appear here.</p>'
    return f'<div class="tc-panel">{body}</div>'


CSS = """
.tc-panel { max-height: 75vh; overflow-y: auto; }
.tc-turn h4 { margin: .6em 0 .3em; }
.tc-cite { border-left: 3px solid #999; padding: .2em .6em; margin: .4em 0; }
.tc-cite.tc-active { border-left-color: #e08a00; background: rgba(224,138,0,.08); }
.tc-passage { white-space: pre-wrap; font-size: .9em; }
#docs, #positions-matrix { --font-mono: var(--font); }
#docs table *, #positions-matrix table * { font-family: var(--font) !important; }
#docs th, #docs th * { white-space: nowrap !important; word-break: normal !important; overflow-wrap: normal !important; }
#positions-matrix th, #positions-matrix th * { white-space: normal !important; word-break: normal !important; overflow-wrap: normal !important; }
#positions-matrix table { font-size: .85em; }
.tc-landing { padding: 6px 10px; border: 1px solid #ddd; border-radius: 6px; margin-bottom: 6px; }
.tc-landing ul { margin: 2px 0 0 18px; }
.tc-changes h5 { margin: .5em 0 .2em; }
.tc-change { margin: .3em 0; }
.tc-stance_changed > b, .tc-conflicting_figure > b { color: #a04000; }
.tc-passage mark { background: #ffe27a; color: #000; }
.tc-passage sup.tc-sn { color: #7a5a00; font-weight: 600; margin-left: 1px; }
.tc-refusal { font-weight: bold; }
.tc-check { border-left: 4px solid #999; padding: .2em .6em; margin: .3em 0; }
.tc-check summary { cursor: pointer; }
.tc-v-supported { border-left-color: #2e8b57; background: rgba(46,139,87,.08); }
.tc-v-contradicted { border-left-color: #c0392b; background: rgba(192,57,43,.10); }
.tc-v-not_stated { border-left-color: #b8860b; background: rgba(184,134,11,.08); }
.tc-verdict { font-weight: bold; font-size: .85em; text-transform: uppercase; margin-right: .4em; }
"""

# Clicking a [n] in the chat opens and scrolls to its source in the panel.
HEAD = """
<script>
document.addEventListener("click", (ev) => {
  const a = ev.target.closest && ev.target.closest('a[href*="#cite-"]');
  if (!a) return;
  ev.preventDefault(); ev.stopPropagation();
  const id = a.getAttribute("href").split("#").pop();
  const el = document.getElementById(id);
  if (!el) return;
  document.querySelectorAll(".tc-cite.tc-active").forEach((x) => x.classList.remove("tc-active"));
  el.open = true; el.classList.add("tc-active");
  el.scrollIntoView({block: "center"});
}, true);
</script>
"""


VERDICT_LABELS = {"supported": "supported", "contradicted": "contradicted", "not_stated": "not stated"}


def check_html(checked: list[tuple], document: Callable[[str], str | None] = lambda _: None, note: str = "") -> str:
    """A checked draft: each sentence coloured by its verdict; opening it shows the deciding source, span highlighted.

    ``checked``: (sentence, judgement, passage or None) per sentence, as ``check.check_text`` returns them."""
    if not checked:
        return '<p class="tc-empty">Paste a paragraph and press Check: each sentence is checked against the stored sources.</p>'
    counts = {v: sum(j.verdict == v for _, j, _ in checked) for v in VERDICT_LABELS}
    head = " · ".join(f"{n} {VERDICT_LABELS[v]}" for v, n in counts.items())
    items = []
    for i, (sentence, j, p) in enumerate(checked, 1):
        label = VERDICT_LABELS.get(j.verdict, j.verdict)
        if p is not None and j.span:
            a, b = j.span
            text = document(p.doc_id)
            body = (_in_context(text, p.start + a, p.start + b, CONTEXT_CHARS // 2)
                    if text and 0 <= p.start + a < p.start + b <= len(text) else _highlight(p.text, a, b))
            meta = " · ".join(html.escape(x) for x in (p.source or "unknown outlet", (p.published or "")[:10] or "undated"))
            source = (f'<small><b>{html.escape(p.title or p.doc_id)}</b> · {meta} · doc: {html.escape(p.doc_id)}</small>'
                      f'<p class="tc-passage">{body}</p>')
        else:
            source = "<p><small>No stored passage says this.</small></p>"
        reason = f"<p><small>{html.escape(j.reason)}</small></p>" if j.reason else ""
        items.append(f'<details class="tc-check tc-v-{_attr(j.verdict)}" data-verdict="{_attr(j.verdict)}" data-n="{i}">'
                     f'<summary><span class="tc-verdict">{html.escape(label)}</span>{html.escape(sentence)}</summary>'
                     f'{reason}{source}</details>')
    tail = f'<p class="tc-note">{html.escape(note)}</p>' if note else ""
    return f'<section class="tc-checked"><p>{html.escape(head)}</p>{"".join(items)}{tail}</section>'


def _how_found(s: dict, min_confidence: float = 0.0) -> str:
    """How a statement was read, in plain words ("from the words “unacceptable”"), not the tracker's jargon."""
    unsure = "; less certain: the party or issue comes from the context" if (s.get("confidence") or 1.0) < min_confidence else ""
    if s.get("method") == "model":
        return f"(read by the local model{unsure})"
    return f"(from the words “{s['cue']}”{unsure})" if s.get("cue") else f"(from the sentence's wording{unsure})"


def _toward(s: dict) -> str:
    return f" toward {s['toward']}" if s.get("toward") else ""


def timeline_html(party: str, issue: str, steps: list[dict], document: Callable[[str], str | None] = lambda _: None,
                  min_confidence: float = 0.0) -> str:
    """One matrix cell's statements in date order, each with its outlet, date and the sentence highlighted in context."""
    if not steps:
        return f'<p class="tc-empty">No stored statement of {html.escape(party)} on {html.escape(issue)}.</p>'
    items = []
    for n, s in enumerate(steps, 1):
        text = document(s["doc_id"])
        if text and 0 <= s["start"] < s["end"] <= len(text):
            body = _in_context(text, s["start"], s["end"], CONTEXT_CHARS // 2)
        else:
            body = f"<mark>{html.escape(s['sentence'])}</mark>"
        url = safe_url(s.get("url"))
        link = f' · <a href="{_attr(url)}" target="_blank" rel="noopener noreferrer">link</a>' if url else ""
        also = html.escape(copies_text(s.get("also", [])))
        meta = " · ".join(html.escape(x) for x in ((s.get("published") or "")[:10] or "undated", s.get("source") or "unknown outlet"))
        items.append(
            f'<li class="tc-step" data-stance="{_attr(s["stance"])}"><b>{meta}</b> — <span class="tc-stance">{html.escape(s["stance"])}</span>'
            f'{html.escape(_toward(s))} <small>{html.escape(_how_found(s, min_confidence))}</small><br>'
            f'<small>{html.escape(s.get("title") or s["doc_id"])} · doc: {html.escape(s["doc_id"])}{also}{link}</small>'
            f'<p class="tc-passage">{body}</p></li>')
    return (f'<section class="tc-timeline"><h4>{html.escape(party)} on {html.escape(issue)}: {len(steps)} statements, '
            f'oldest first</h4><ol>{"".join(items)}</ol></section>')
