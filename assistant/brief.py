"""`tradechat brief`: a cited briefing note on where parties stand, what moved and what the sources disagree on.

Sections: a short summary of where things stand; the party × issue stance matrix (colour-coded
in HTML, with a legend); per party, what changed in the period (from → to, both cited);
conflicting figures (each outlet and date); key quotes with speaker's party and outlet; answers
to ``--question``; numbered references (outlet, title, date, url, doc id) that every ``[n]``
resolves to.

Every sentence of the summary, the changes and the quotes is a stored sentence quoted as
written; each goes through the answer verifier against its own passage and is left out unless
``supported``. Answers to questions are the assistant's verified answers. Rendering uses Jinja2
templates with autoescape (``prompts/brief.html.j2``, ``prompts/brief.md.j2``; a user's copy in
``positions.brief_templates`` overrides them); article text is data in every format, never
markup. The stance chart is matplotlib.
"""

from __future__ import annotations

import base64
import io
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from ingest.clean import strip_dateline

from .types import Passage

STANCE_COLOURS = {"demand": "#1f77b4", "offer": "#2ca02c", "agreement": "#17becf", "threat": "#d62728",
                  "red line": "#8c2d04", "rejection": "#ff7f0e"}
TEMPLATES = Path(__file__).resolve().parents[1] / "prompts"
FORMATS = ("md", "html", "pdf", "docx")


class BriefError(ValueError):
    """The briefing cannot be made (nothing matches the selection, a bad option); the message says why."""


@dataclass
class Ref:
    n: int
    doc_id: str
    source: str | None
    title: str | None
    published: str | None
    url: str | None


@dataclass
class Line:
    """One quoted, verified sentence with what it is about and its reference number."""

    text: str
    n: int
    party: str | None = None
    issue: str | None = None
    stance: str | None = None
    date: str | None = None
    source: str | None = None


@dataclass
class Briefing:
    title: str
    generated: str
    scope: str
    summary: list[Line] = field(default_factory=list)
    parties: list[str] = field(default_factory=list)
    issues: list[str] = field(default_factory=list)
    cells: dict = field(default_factory=dict)  # (party, issue) -> {"stance", "date", "count"}
    changes: dict[str, list[dict]] = field(default_factory=dict)  # party -> [{"issue", "from": Line, "to": Line}]
    conflicts: list[dict] = field(default_factory=list)  # {"summary", "new": Line, "stored": Line}
    quotes: list[Line] = field(default_factory=list)
    answers: list[dict] = field(default_factory=list)  # {"question", "sentences": [Line], "refused": bool}
    refs: list[Ref] = field(default_factory=list)
    dropped: int = 0  # sentences the verifier did not let through
    chart_png: bytes | None = None
    kind: str = "briefing"  # or "conversation": the chat's answers alone

    @property
    def stance_colours(self) -> dict[str, str]:
        return STANCE_COLOURS

    def cited_sentences(self) -> int:
        """Every quoted, verified and numbered sentence the briefing shows."""
        return (len(self.summary) + sum(2 * len(v) for v in self.changes.values()) + 2 * len(self.conflicts) + len(self.quotes)
                + sum(len(a["sentences"]) for a in self.answers))

    def status(self) -> str:
        """One line on what the briefing holds, as `tradechat brief` and the Briefing tab report it."""
        return (f"{len(self.summary)} summary lines, {sum(len(v) for v in self.changes.values())} stance changes, "
                f"{len(self.conflicts)} conflicting figures, {len(self.quotes)} quotes, {len(self.refs)} references; "
                f"{self.cited_sentences()} cited sentences"
                + (f", {self.dropped} left out (not supported by their source)" if self.dropped else ", none left out by the check"))

    def chart_data_uri(self) -> str | None:
        return "data:image/png;base64," + base64.b64encode(self.chart_png).decode() if self.chart_png else None


class _Refs:
    def __init__(self, docs):
        self.docs, self.by_doc, self.refs = docs, {}, []

    def n(self, doc_id: str, meta: dict | None = None) -> int:
        if doc_id not in self.by_doc:
            d = meta or self.docs.document(doc_id) or {}
            self.refs.append(Ref(len(self.refs) + 1, doc_id, d.get("source"), " ".join((d.get("title") or "").split()) or None,
                                 (d.get("published") or "")[:10] or None, d.get("url")))
            self.by_doc[doc_id] = len(self.refs)
        return self.by_doc[doc_id]


def _verified(assistant, text: str, doc_id: str, start: int, end: int) -> bool:
    """Is this quoted sentence supported by its own passage (the answer verifier's judge)?"""
    doc = assistant.store.docs.document(doc_id)
    if doc is None:
        return False
    a, b = max(0, start - 300), min(len(doc["text"]), end + 300)
    passage = Passage(f"{doc_id}::brief", doc_id, doc["text"][a:b], a, b, 0, source=doc.get("source"), published=doc.get("published"))
    return assistant.verifier.judge(text, [passage]).verdict == "supported"


def _clean(sentence: str) -> str:
    """A stored sentence as a quote: one line, without a leading dateline ("TOKYO, March 2 (Wire) - ")."""
    return strip_dateline(" ".join(sentence.split()))


def build_briefing(assistant, parties=(), issues=(), since: str | None = None, until: str | None = None,
                   questions=(), max_cells: int = 8, max_quotes: int = 6) -> Briefing:
    from .positions.extract import OTHER_ISSUE
    from .positions.vocab import Vocabulary

    vocab = Vocabulary.load(assistant.settings.positions.vocabulary)
    want_p = [vocab.party(p) or p for p in parties]
    want_i = [vocab.issue(i) or i for i in issues]
    for what, asked, got, known in (("party", parties, want_p, vocab.parties), ("issue", issues, want_i, [*vocab.issues, OTHER_ISSUE])):
        bad = [a for a, g in zip(asked, got) if g not in known]
        if bad:
            raise BriefError(f"unknown {what}: {', '.join(bad)}")
    views = assistant.positions[0] if assistant.positions else None
    statements = []
    if views is not None:
        statements = [s for s in views.statements(since=since, until=until)
                      if (not want_p or s["party"] in want_p) and (not want_i or s["issue"] in want_i)]
    if not statements and not questions:
        what = ", ".join(x for x in (" and ".join(want_p), " and ".join(want_i), f"since {since}" if since else "",
                                     f"until {until}" if until else "") if x) or "the store"
        hint = "" if views is not None else " (no positions are built: run `tradechat positions build`)"
        raise BriefError(f"no stored position statement matches {what}{hint}; nothing to brief on")
    refs = _Refs(assistant.store.docs)
    scope = "; ".join(x for x in (", ".join(want_p) or "all parties", ", ".join(want_i) or "all issues",
                                  f"{since or 'the start'} to {until or 'now'}") if x)
    b = Briefing("Briefing: " + (", ".join(want_p) or "all parties") + (" on " + ", ".join(want_i) if want_i else ""),
                 datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), scope)

    def line(s: dict, **kw) -> Line | None:
        text = _clean(s["sentence"])
        if not _verified(assistant, text, s["doc_id"], s["start"], s["end"]):
            b.dropped += 1
            return None
        return Line(text, refs.n(s["doc_id"], s), party=s.get("party"), issue=s.get("issue"), stance=s.get("stance"),
                    date=(s.get("published") or "")[:10] or None, source=s.get("source"), **kw)

    # the matrix: latest stance per cell
    cells: dict[tuple[str, str], dict] = {}
    for s in statements:  # date order: the last one wins
        c = cells.setdefault((s["party"], s["issue"]), {"count": 0})
        c.update(count=c["count"] + 1, stance=s["stance"], date=(s.get("published") or "")[:10] or "undated", latest=s)
    b.cells = {k: {x: v[x] for x in ("stance", "date", "count")} for k, v in cells.items()}
    b.parties = sorted({p for p, _ in cells}, key=lambda p: -sum(v["count"] for (q, _), v in cells.items() if q == p))
    b.issues = sorted({i for _, i in cells}, key=lambda i: -sum(v["count"] for (_, j), v in cells.items() if j == i))
    # 1. summary: the latest statement of the most-stated cells
    for (party, issue), c in sorted(cells.items(), key=lambda kv: -kv[1]["count"])[:max_cells]:
        same = next((x for x in b.summary if x.party == party and x.stance == c["stance"]
                     and x.text == _clean(c["latest"]["sentence"])), None)
        if same:  # one sentence stating one stance on two issues is one line
            same.issue += f", {issue}"
            continue
        got = line(c["latest"])
        if got:
            b.summary.append(got)
    # 3. what changed: consecutive statements of one cell with different stances
    by_cell: dict[tuple[str, str], list[dict]] = {}
    for s in statements:
        by_cell.setdefault((s["party"], s["issue"]), []).append(s)
    for (party, issue), seq in by_cell.items():
        for old, new in zip(seq, seq[1:]):
            if old["stance"] != new["stance"]:
                a, z = line(old), line(new)
                if a and z:
                    b.changes.setdefault(party, []).append({"issue": issue, "from": a, "to": z})
    # 4. conflicting figures: the change log's, and those the selection's own documents bring (a store filled by
    #    `tradechat ingest` has none logged), within the selection's documents and dates; one per pair and unit
    from .changes import conflict_events

    log = assistant.store.changes
    docs_in = {s["doc_id"] for s in statements}
    events = (log.events(kinds=["conflicting_figure"]) if log is not None else []) + \
        conflict_events(assistant, sorted(docs_in), record=False)
    seen = set()
    for e in events:
        new, old = e["detail"]["new"], e["detail"]["stored"]
        pair = (frozenset((new["doc_id"], old["doc_id"])), e["detail"]["unit"])
        if pair in seen:
            continue
        seen.add(pair)
        if docs_in and not ({new["doc_id"], old["doc_id"]} & docs_in):
            continue
        if since and max((new.get("published") or ""), (old.get("published") or "")) < since:
            continue
        if until and min((new.get("published") or "9999"), (old.get("published") or "9999"))[:10] > until:
            continue  # (both stories after the period)
        ln, lo = line({**new, "sentence": new["sentence"]}), line({**old, "sentence": old["sentence"]})
        if ln and lo:
            b.conflicts.append({"unit": e["detail"]["unit"], "new": ln, "stored": lo, "figures": (new.get("figure"), old.get("figure"))})
    # 5. key quotes: statements that are a party's own words (a quotation mark), newest first
    quoted = [s for s in statements if re.search(r"[\"“”]", s["sentence"])][::-1]
    for s in quoted[:max_quotes * 2]:
        got = line(s)
        if got and len(b.quotes) < max_quotes:
            b.quotes.append(got)
    # 6. answers to questions
    for q in questions:
        ans = assistant.ask(q, mode="extractive")
        cites = {c.n: c for c in ans.citations}
        sents = [Line(sent.text, refs.n(cites[sent.citations[0]].doc_id, {"source": cites[sent.citations[0]].source,
                                                                           "title": cites[sent.citations[0]].title,
                                                                           "published": cites[sent.citations[0]].published,
                                                                           "url": cites[sent.citations[0]].url}))
                 for sent in ans.sentences if sent.supported and sent.citations and sent.citations[0] in cites]
        b.answers.append({"question": q, "sentences": sents, "refused": not sents, "notes": ans.notes})
    b.refs = refs.refs
    b.chart_png = stance_chart(statements) if statements else None
    return b


def conversation(turns: list[tuple[str, object]], title: str = "Conversation") -> Briefing:
    """A chat's turns (question, its verified Answer or None) as an exportable document: each answer's
    verified sentences with their citations renumbered into one reference list."""
    refs = _Refs(None)
    b = Briefing(title, datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "the chat's verified answers",
                 kind="conversation")
    for q, ans in turns:
        if ans is None:
            b.answers.append({"question": q, "sentences": [], "refused": True, "notes": ["answered before the server last started"]})
            continue
        by_n = {c.n: c for c in ans.citations}
        lines = []
        for sent in ans.sentences:
            if not sent.supported:
                continue
            ns = [refs.n(by_n[n].doc_id, {"source": by_n[n].source, "title": by_n[n].title, "published": by_n[n].published,
                                          "url": by_n[n].url}) for n in sent.citations if n in by_n]
            if ns:
                lines.append(Line(sent.text, ns[0]))
        b.answers.append({"question": q, "sentences": lines, "refused": not lines, "notes": ans.notes})
    b.refs = refs.refs
    return b


def stance_chart(statements: list[dict]) -> bytes | None:
    """A timeline per party and issue: one row per cell, each dated statement a dot coloured by its stance."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    dated = [s for s in statements if s.get("published")]
    if not dated:
        return None
    rows = sorted({(s["party"], s["issue"]) for s in dated})[:12]
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(rows) + 1.4), dpi=110)
    for y, (party, issue) in enumerate(rows):
        for s in (x for x in dated if (x["party"], x["issue"]) == (party, issue)):
            when = datetime.fromisoformat(s["published"][:10])
            ax.scatter([when], [y], color=STANCE_COLOURS.get(s["stance"], "#777"), s=40, zorder=3)
    ax.set_yticks(range(len(rows)), [f"{p} / {i}" for p, i in rows], fontsize=8)
    locator = mdates.AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))  # days, months or years, as the span needs
    ax.grid(axis="x", alpha=0.3)
    handles = [plt.Line2D([], [], marker="o", ls="", color=c, label=s) for s, c in STANCE_COLOURS.items()]
    ax.legend(handles=handles, fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=6, frameon=False)
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png")
    plt.close(fig)
    return out.getvalue()


def render(b: Briefing, fmt: str, templates: Path | None = None) -> str:
    """The briefing as Markdown or HTML, from the Jinja2 templates (autoescaped HTML; Markdown escapes its markup).
    ``templates``: a folder whose brief.md.j2 / brief.html.j2 override the built-in ones."""
    import jinja2

    if fmt not in ("md", "html"):
        raise BriefError(f"--format {fmt!r}: render() writes md or html; render_pdf / render_docx write the others")
    if templates is not None and not Path(templates).is_dir():
        raise BriefError(f"positions.brief_templates: {templates} is not a folder (it should hold brief.{fmt}.j2)")
    folders = [str(p) for p in (templates, TEMPLATES) if p]
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(folders), autoescape=jinja2.select_autoescape(["html.j2"]),
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["md"] = md_escape
    try:
        return env.get_template(f"brief.{fmt}.j2").render(b=b)
    except jinja2.TemplateError as e:  # a user's template: name it and where it went wrong
        where = f"{getattr(e, 'filename', None) or f'brief.{fmt}.j2'}" + (f", line {e.lineno}" if getattr(e, "lineno", None) else "")
        raise BriefError(f"briefing template {where}: {e.message or e}") from None


def md_escape(text) -> str:
    """Article text as inert Markdown: markup characters escaped, HTML tags shown as text."""
    s = re.sub(r"([\\`*_\[\]|~])", r"\\\1", str(text or ""))  # (a line never starts with article text: # - + need nothing)
    return s.replace("<", "&lt;").replace(">", "&gt;")


# ---- Word and PDF: built element by element, so article text is only ever text ----------------
def _sections(b: Briefing):
    """The briefing as (kind, content) blocks shared by the Word and PDF writers."""
    yield "h1", b.title
    yield "meta", f"Generated {b.generated} · {b.scope} · every sentence checked against the source it cites"
    if b.kind == "briefing":
        yield from _briefing_sections(b)
    if b.answers:
        yield "h2", "Questions"
        for a in b.answers:
            yield "h3", a["question"]
            yield "p", ("The stored sources do not answer this question." if a["refused"]
                        else " ".join(f"{ln.text} [{ln.n}]" for ln in a["sentences"]))
    yield "h2", "References"
    for r in b.refs:
        yield "ref", (f"{r.n}. {r.source or 'unknown outlet'}, “{r.title or r.doc_id}”, {r.published or 'undated'}"
                      + (f", {r.url}" if r.url else "") + f" (doc: {r.doc_id})")
    if b.dropped:
        yield "meta", f"{b.dropped} sentence(s) left out: the check against their sources did not support them."


def _briefing_sections(b: Briefing):
    yield "h2", "Where things stand"
    for ln in b.summary or []:
        yield "item", f"{ln.party} / {ln.issue}: {ln.stance} ({ln.date or 'undated'}, {ln.source or 'unknown outlet'}): “{ln.text}” [{ln.n}]"
    if not b.summary:
        yield "p", "No statement in the selection passed the check against its source."
    yield "h2", "Stances (party × issue, the latest)"
    yield "matrix", None
    if b.chart_png:
        yield "chart", b.chart_png
    yield "h2", "What changed"
    for party, moves in b.changes.items():
        yield "h3", party
        for m in moves:
            yield "item", (f"{m['issue']}: {m['from'].stance} → {m['to'].stance}. From ({m['from'].date or 'undated'}): "
                           f"{_quote(m['from'])}; to ({m['to'].date or 'undated'}): {_quote(m['to'])}")
    if not b.changes:
        yield "p", "No stance moved in the period."
    yield "h2", "Conflicting figures"
    for c in b.conflicts:
        yield "item", f"{_sourced(c['new'])}; {_sourced(c['stored'])}"
    if not b.conflicts:
        yield "p", "None recorded for the selection."
    yield "h2", "Key quotes"
    for q in b.quotes:
        yield "item", f"{q.party} ({q.source or 'unknown outlet'}, {q.date or 'undated'}): “{q.text}” [{q.n}]"
    if not b.quotes:
        yield "p", "None in the selection."


def _quote(ln: Line) -> str:
    return f"“{ln.text}” [{ln.n}]"


def _sourced(ln: Line) -> str:
    """ "Outlet (date): “the sentence” [n]" """
    return f"{ln.source or 'unknown outlet'} ({ln.date or 'undated'}): {_quote(ln)}"


def _cell_text(b: Briefing, p: str, i: str) -> str:
    """A matrix cell as the web chat writes it: "demand 1987-04 +2" (the latest stance, its month, how many more)."""
    c = b.cells.get((p, i))
    return f"{c['stance']} {(c['date'] or '')[:7]}" + (f" +{c['count'] - 1}" if c["count"] > 1 else "") if c else ""


def render_docx(b: Briefing) -> bytes:
    """A Word document (python-docx): headings, the colour-shaded matrix, the chart, references."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Inches, Pt

    d = docx.Document()
    for kind, x in _sections(b):
        if kind in ("h1", "h2", "h3"):
            d.add_heading(x, level=int(kind[1]) - 1 if kind != "h1" else 0)
        elif kind == "meta":
            d.add_paragraph().add_run(x).italic = True
        elif kind == "item":
            d.add_paragraph(x, style="List Bullet")
        elif kind in ("p", "ref"):
            d.add_paragraph(x)
        elif kind == "chart":
            d.add_picture(io.BytesIO(x), width=Inches(6))
        elif kind == "matrix":
            t = d.add_table(rows=1 + len(b.parties), cols=1 + len(b.issues))
            t.style = "Table Grid"
            for j, name in enumerate(["party", *b.issues]):
                t.cell(0, j).text = name
            for r, p in enumerate(b.parties, 1):
                t.cell(r, 0).text = p
                for j, i in enumerate(b.issues, 1):
                    cell = t.cell(r, j)
                    cell.text = _cell_text(b, p, i)
                    c = b.cells.get((p, i))
                    if c:
                        shade = OxmlElement("w:shd")
                        shade.set(qn("w:val"), "clear")
                        shade.set(qn("w:fill"), STANCE_COLOURS.get(c["stance"], "#cccccc").lstrip("#"))
                        cell._tc.get_or_add_tcPr().append(shade)
                        for run in cell.paragraphs[0].runs:
                            run.font.size = Pt(8)
            d.add_paragraph("Legend: " + ", ".join(f"{s} ({c})" for s, c in STANCE_COLOURS.items()))
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def _rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[k: k + 2], 16) for k in (1, 3, 5))


def render_pdf(b: Briefing) -> bytes:
    """A PDF (fpdf2) in DejaVu Sans, the font matplotlib ships, so any script the sources use prints; text is
    shaped by HarfBuzz (uharfbuzz), so Arabic letters join and right-to-left runs read in their own direction."""
    import matplotlib
    from fpdf import FPDF

    font = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", "", str(font / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(font / "DejaVuSans-Bold.ttf"))
    pdf.set_text_shaping(True)
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    for kind, x in _sections(b):
        pdf.set_x(pdf.l_margin)
        if kind in ("h1", "h2", "h3"):
            pdf.set_font("DejaVu", "B", {"h1": 16, "h2": 13, "h3": 11}[kind])
            pdf.multi_cell(width, 8, x, align="L")
        elif kind == "meta":
            pdf.set_font("DejaVu", "", 8)
            pdf.multi_cell(width, 5, x, align="L")
        elif kind in ("item", "p", "ref"):
            pdf.set_font("DejaVu", "", 9)
            pdf.multi_cell(width, 5, ("• " if kind == "item" else "") + x, align="L")
            pdf.ln(1)
        elif kind == "chart":
            pdf.image(io.BytesIO(x), w=width)
        elif kind == "matrix" and b.parties:
            pdf.set_font("DejaVu", "", 7)
            cols = min(len(b.issues), 6)
            w = width / (cols + 1)

            def fit(text: str) -> str:  # cut to the cell's width, marked, instead of running into the next cell
                while len(text) > 1 and pdf.get_string_width(text) > w - 2:
                    text = text[:-2] + "…"
                return text

            for start in range(0, len(b.issues), cols):
                group = b.issues[start: start + cols]
                pdf.set_fill_color(235, 235, 235)
                for name in ["party", *group]:
                    pdf.cell(w, 6, fit(name), border=1, fill=True)
                pdf.ln()
                for p in b.parties:
                    pdf.cell(w, 6, fit(p), border=1)
                    for i in group:
                        c = b.cells.get((p, i))
                        if c:
                            pdf.set_fill_color(*_rgb(STANCE_COLOURS.get(c["stance"], "#cccccc")))
                            pdf.set_text_color(255, 255, 255)
                        pdf.cell(w, 6, fit(_cell_text(b, p, i)), border=1, fill=bool(c))
                        pdf.set_text_color(0, 0, 0)
                    pdf.ln()
                pdf.ln(2)
            pdf.cell(16, 5, "Legend:")  # each stance in its own colour, as in the matrix
            for stance, colour in STANCE_COLOURS.items():
                pdf.set_fill_color(*_rgb(colour))
                pdf.set_text_color(255, 255, 255)
                pdf.cell(pdf.get_string_width(stance) + 4, 5, stance, fill=True, align="C")
                pdf.set_text_color(0, 0, 0)
                pdf.cell(2, 5, "")
            pdf.ln(7)
    return bytes(pdf.output())
