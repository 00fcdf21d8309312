"""The web chat (Gradio): a chat tab with a sources panel, and a sources tab to add and remove articles.

``build_app(settings)`` returns the Blocks; ``serve(settings)`` launches it on
127.0.0.1 unless settings say otherwise. The handlers are plain methods of
``ChatApp`` so tests can call them without a browser.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import socket
import threading
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from ingest.dates import iso_date
from ingest.settings import Settings

from . import render
from .assistant import Assistant, QuestionError
from .backends import NAMES
from .chat import ChatSession
from .types import DraftText, Filters, Final, Passages, Quick

log = logging.getLogger(__name__)

_BAD_NAME = re.compile(r"[\x00-\x1f\x7f/\\:]|^\.")


class UploadError(ValueError):
    pass


def safe_upload_name(name: str) -> str:
    """The file name an upload is stored under, or UploadError (no paths, no hidden files, no '..')."""
    if not name or _BAD_NAME.search(name) or len(name) > 200 or any(unicodedata.category(c) == "Cf" for c in name):
        raise UploadError(f"file name {name!r} is not allowed (no folders, leading dot, control or bidi characters)")
    return name


def unique_names(checked: list[tuple[Path, str]]) -> list[tuple[Path, str]]:
    """Uploads of one batch never share a stored name: the second 'a.txt' is stored as 'a-2.txt'.

    (Across uploads, the same name is the same file sent again, and replaces it.)"""
    seen: set[str] = set()
    out = []
    for src, name in checked:
        stem, suffix = Path(name).stem, Path(name).suffix
        candidate, n = name, 1
        while candidate.lower() in seen:
            n += 1
            candidate = f"{stem}-{n}{suffix}"
        seen.add(candidate.lower())
        out.append((src, candidate))
    return out


def _text(content) -> str:
    """A chat message's text, whether Gradio hands it back as a string or as a list of parts."""
    if isinstance(content, list):
        return " ".join(_text(c) for c in content)
    if isinstance(content, dict):
        return str(content.get("text") or content.get("value") or "")
    return str(content or "")


EXPORT_ANSWER = "Export this answer (Markdown, Word, PDF)"


def _copy(messages: list[dict]) -> list[dict]:
    return [dict(m) for m in messages]


class ChatApp:
    """State shared by all sessions: one assistant, one ingest at a time."""

    def __init__(self, settings: Settings, assistant: Assistant | None = None):
        self.settings = settings
        self.assistant = assistant or Assistant.from_settings(settings)
        self._ingest_lock = threading.Lock()
        self.last_report = None  # the last ingest's report (its full failure list is offered as a download)
        from cachetools import LRUCache

        self._answers: LRUCache = LRUCache(maxsize=2000)  # (question, answer text) -> Answer, for exports

    # ---- chat ------------------------------------------------------------------
    def filters(self, outlets, since, until) -> Filters:
        for label, v in (("since", since), ("until", until)):
            if v and iso_date(v) is None:
                raise QuestionError(f"'{label}' date {v!r} is not a date (use YYYY-MM-DD)")
        return Filters(tuple(outlets or ()), iso_date(since), iso_date(until))

    def _document_text(self, doc_id: str) -> str | None:
        d = self.assistant.store.docs.document(doc_id)
        return d["text"] if d else None

    def chat(self, message: str, messages: list, history: list, sections: list, mode: str, outlets, since, until, k) -> Iterator[tuple]:
        """Streams (messages, textbox, history, sections, panel html)."""
        messages = list(messages or []) + [{"role": "user", "content": message}, {"role": "assistant", "content": "_Searching the sources…_"}]
        sections = list(sections or [])
        turn = len(sections) + 1
        yield _copy(messages), "", history, sections, render.panel(sections)
        session = ChatSession(self.assistant, [tuple(h) for h in history or []])
        passages, drafts, quick = [], [], None
        try:
            filters = self.filters(outlets, since, until)
            for event in session.ask_stream(message, filters=filters, mode=mode or None, k=int(k) if k else None):
                match event:
                    case Final(answer=answer):
                        self._answers[(message, answer.text)] = answer
                        messages[-1]["content"] = render.answer_markdown(answer, turn)
                        sections.append(render.turn_html(answer, turn, self._document_text))
                        yield _copy(messages), "", [list(h) for h in session.history], sections, render.panel(sections)
                        return
                    case Passages(passages=passages):
                        pass
                    case Quick(answer=quick):
                        quick_section = render.turn_html(quick, turn, self._document_text)
                    case DraftText(text=text):
                        drafts.append(text)
                if quick is not None:  # the quoted answer stays readable, with its sources, while the model writes
                    messages[-1]["content"] = render.quick_markdown(quick, turn, len(drafts))
                    yield _copy(messages), "", history, sections, render.panel(sections + [quick_section])
                    continue
                messages[-1]["content"] = render.drafting_markdown(passages, drafts)
                yield _copy(messages), "", history, sections, render.panel(sections + [render.consulting_html(message, passages)])
        except QuestionError as e:
            messages[-1]["content"] = f"**Cannot ask this:** {render.md_text(str(e))}"
        except Exception as e:  # shown to the user; the server keeps running
            messages[-1]["content"] = f"**Error:** {render.md_text(type(e).__name__ + ': ' + str(e))}"
        yield messages, "", history, sections, render.panel(sections)

    # ---- sources ---------------------------------------------------------------
    def landing(self, cov: dict | None = None) -> str:
        """What is stored, as the first screen shows it (``cov``: DocStore.coverage, when already read)."""
        return render.landing_html(cov or self.assistant.store.docs.coverage(), self.changes(200))

    def changes(self, limit: int = 300) -> list[dict]:
        log = self.assistant.store.changes
        return log.events(limit=limit) if log is not None else []

    def whats_new(self) -> str:
        return render.changes_html(self.changes())

    def example_questions(self, n: int = 3, cov: dict | None = None) -> list[str]:
        """Questions the store can answer: its most-stated party stances when positions are built, else its latest stories."""
        views = self._views()
        asks: list[str] = []
        if views:
            cells = sorted(((c["count"], p, i) for p, row in views.matrix().items() for i, c in row.items()), reverse=True)
            for k, (count_, party, issue) in enumerate(cells[:n]):
                whose = f"{party}'" if party.endswith("s") else f"{party}'s"  # "the United States' position"
                whose = f"the {whose}" if party.startswith("United ") else whose
                asks.append(f"How has {whose} position on {issue} changed?" if k == 1 and count_ > 1
                            else f"What is {whose} position on {issue}?")
        for d in (cov or self.assistant.store.docs.coverage(recent=n))["latest"]:
            if len(asks) >= n:
                break
            title = " ".join((d["title"] or "").split())
            if title:
                asks.append(f"What does the story \"{title[:80]}\" report?")
        return asks[:n]

    def outlets(self) -> list[str]:
        return sorted({d["source"] for d in self.assistant.store.docs.documents() if d["source"]})

    def documents(self, query: str = "") -> list[list]:
        q = (query or "").lower().strip()
        rows = []
        for d in self.assistant.store.docs.documents():
            row = [d["source"] or "", d["title"] or "", (d["published"] or "")[:10], d["n_chunks"], d["doc_id"]]
            if not q or any(q in str(x).lower() for x in row):
                rows.append(row)
        return rows

    def check_uploads(self, files: list[str]) -> list[tuple[Path, str]]:
        w = self.settings.web
        if len(files) > w.max_upload_files:
            raise UploadError(f"{len(files)} files: at most {w.max_upload_files} per upload (setting web.max_upload_files)")
        out = []
        for f in files:
            p = Path(f)
            name = safe_upload_name(p.name)
            if p.suffix.lower() not in w.upload_types:
                raise UploadError(f"{name}: type {p.suffix or '(none)'} is not accepted; use {', '.join(w.upload_types)}")
            size = p.stat().st_size
            if size > w.max_upload_mb * 1024 * 1024:
                raise UploadError(f"{name}: {size / 1048576:.1f} MB is over the {w.max_upload_mb:g} MB limit (setting web.max_upload_mb)")
            out.append((p, name))
        return out

    def ingest(self, files, urls: str, progress=None) -> tuple[str, list[list], list[str]]:
        """Copy uploads into DATA_DIR/uploads, ingest them incrementally; returns (summary, table, outlets)."""

        self.last_report = None
        files = [f if isinstance(f, str) else getattr(f, "name", str(f)) for f in (files or [])]
        try:
            checked = self.check_uploads(files)
        except UploadError as e:
            return f"**Upload refused:** {render.md_text(str(e))}", self.documents(), self.outlets()
        url_lines = [u.strip() for u in (urls or "").splitlines() if u.strip()]
        bad = [u for u in url_lines if not render.safe_url(u)]
        if bad:
            return f"**Not a http(s) URL:** {render.md_text(bad[0])}", self.documents(), self.outlets()
        if not checked and not url_lines:
            return "Choose files to upload or paste URLs first.", self.documents(), self.outlets()
        dest = self.settings.uploads_path
        dest.mkdir(parents=True, exist_ok=True)
        targets = []
        for src, name in unique_names(checked):
            target = (dest / name).resolve()
            if target.parent != dest.resolve():  # belt and braces: never write outside the uploads folder
                return f"**Upload refused:** {render.md_text(name)}", self.documents(), self.outlets()
            shutil.copyfile(src, target)
            targets.append(target)
        if url_lines:
            text = "\n".join(url_lines) + "\n"
            target = dest / f"pasted-{hashlib.sha1(text.encode()).hexdigest()[:10]}.urls"
            target.write_text(text, encoding="utf-8")
            targets.append(target)
        from ingest.store import StoreError

        with self._ingest_lock:
            ingestor = self.assistant.ingestor()
            try:
                report = ingestor.ingest(targets, progress=progress is not None, protected_outside=self.settings.uploads_path)
                log.info("upload of %d file(s): %s", len(targets), report.summary().splitlines()[0])
            except StoreError as e:
                return f"**Ingest stopped:** {render.md_text(str(e))}", self.documents(), self.outlets()
        self._drop_failed_uploads(targets)
        self.last_report = report
        summary = report.summary()
        for folder in {str(dest), str(dest.resolve())}:  # the server's own folders are not the user's business
            summary = summary.replace(folder + "/", "")
        if report.failures_file:
            summary = summary.replace(str(report.failures_file), "the failures file below")
        head, *failures = summary.splitlines()
        text = render.md_text(head) + "".join(f"\n- {render.md_text(f.strip())}" for f in failures)
        if report.new or report.updated or report.removed:
            text += "\n\n" + self.after_upload(report)
        return text, self.documents(), self.outlets()

    def after_upload(self, report) -> str:
        """Positions for what was stored, figures that now disagree, alerts: one status line."""
        from .changes import after_ingest

        with self._ingest_lock:
            after = after_ingest(self.assistant, report, origin="upload")
        kinds = [e["kind"] for e in after["events"]]
        news = [f"{kinds.count(k)} {render.KIND_LABELS[k]}" for k in ("stance_changed", "conflicting_figure") if k in kinds]
        return render.md_text((after["positions"] or "") + (f"; {', '.join(news)} (see What's new)" if news else ""))

    def _drop_failed_uploads(self, targets: list[Path]) -> None:
        """An uploaded file that stored nothing is not kept (it would fail again on every re-ingest)."""
        kept = {Path(d["path"]).resolve() for d in self.assistant.store.docs.documents() if d.get("path")}
        for t in targets:
            if t.resolve() not in kept:
                t.unlink(missing_ok=True)

    def failures_download(self) -> str | None:
        """A copy of the last ingest's full failure list where the browser may download it, when it was too long to show."""
        report = self.last_report
        if not report or not report.failures_file or not report.failures_file.exists():
            return None
        import tempfile

        out = Path(tempfile.mkdtemp(prefix="tradechat-")) / "ingest-failures.txt"
        shutil.copyfile(report.failures_file, out)
        return str(out)

    # ---- exports ---------------------------------------------------------------------
    def _turns(self, history) -> list[tuple[str, object]]:
        """The chat's turns as (question, its verified Answer, or None when given before the server last started)."""
        return [(q, self._answers.get((q, a))) for q, a in (tuple(h) for h in history or [])]

    def _write_exports(self, turns: list[tuple[str, object]], name: str, title: str) -> tuple[str, list[str]]:
        """Markdown, Word and PDF files of these turns' verified answers, with one numbered reference list."""
        import tempfile

        from ingest.types import count

        from . import brief

        b = brief.conversation(turns, title)
        if not b.answers:
            return "Nothing to export yet: ask a question first.", []
        folder = Path(tempfile.mkdtemp(prefix="tradechat-export-"))
        out = []
        try:
            md = brief.render(b, "md", self.settings.positions.brief_templates).encode()
        except brief.BriefError as e:  # a user's own template that does not render
            return f"**{render.md_text(str(e))}**", []
        for ext, data in (("md", md), ("docx", brief.render_docx(b)), ("pdf", brief.render_pdf(b))):
            path = folder / f"{name}.{ext}"
            path.write_bytes(data)
            out.append(str(path))
        missing = sum(a is None for _, a in turns)
        return (f"{count(len(b.answers), 'answer')}, {count(len(b.refs), 'reference')}" + (
            f"; {count(missing, 'answer')} given before the server last started, listed without sources" if missing else "")), out

    def export_conversation(self, history) -> tuple[str, list[str]]:
        """(status, files): the conversation's verified answers with numbered references, as Markdown, Word and PDF."""
        return self._write_exports(self._turns(history), "conversation", "Conversation")

    def export_answer(self, messages, history, index) -> tuple[str, list[str]]:
        """(status, files): one answer, the one at chat message ``index`` (the chat's per-answer Export), as
        Markdown, Word and PDF with its own references."""
        index = index[0] if isinstance(index, (list, tuple)) else index
        messages = list(messages or [])
        if not isinstance(index, int) or not 0 < index < len(messages) or messages[index].get("role") != "assistant":
            return "Only an answer can be exported: use Export on one of the assistant's messages.", []
        turn = sum(m.get("role") == "user" for m in messages[:index])  # this answer's turn, 1-based
        turns = self._turns(history)
        question = _text(messages[index - 1].get("content"))
        if not (0 < turn <= len(turns) and turns[turn - 1][0] == question):  # a failed turn left no history entry
            same = [t for t in turns if t[0] == question]
            if not same:
                return "This message is not an answer that can be exported (it was an error or is still being written).", []
            turns = [same[-1]]
        else:
            turns = [turns[turn - 1]]
        return self._write_exports(turns, f"answer-{turn}", f"Answer {turn}")

    # ---- briefings ------------------------------------------------------------------
    def briefing(self, parties, issues, since, until, question) -> tuple[str, str, list[str]]:
        """(status, the briefing's HTML body to show, files to download: md, html, pdf, docx)."""
        import tempfile

        from . import brief

        own = self.settings.positions.brief_templates
        try:
            f = self.filters((), since, until)
            b = brief.build_briefing(self.assistant, parties or [], issues or [], f.since, f.until, [question] if question else [])
            page, md = brief.render(b, "html", own), brief.render(b, "md", own)
        except (brief.BriefError, QuestionError) as e:
            return f"**{render.md_text(str(e))}**", "", []
        folder = Path(tempfile.mkdtemp(prefix="tradechat-brief-"))
        stem = "briefing-" + b.generated[:16].replace(" ", "-").replace(":", "")
        out = []
        for ext, data in (("md", md.encode()), ("html", page.encode()), ("pdf", brief.render_pdf(b)), ("docx", brief.render_docx(b))):
            path = folder / f"{stem}.{ext}"
            path.write_bytes(data)
            out.append(str(path))
        body = page.split("<body>", 1)[1].rsplit("</body>", 1)[0]
        style = page.split("<style>", 1)[1].split("</style>", 1)[0].replace("body {", ".tc-brief {")
        return b.status(), f'<div class="tc-brief"><style>{style}</style>{body}</div>', out

    # ---- checking a draft ----------------------------------------------------------
    def check_draft(self, text: str) -> str:
        from .check import check_text

        if not text or not text.strip():
            return render.check_html([])
        limit = self.settings.web.check_max_sentences
        checked, rest = check_text(self.assistant, text, limit=limit)
        note = (f"Checked the first {limit} sentences; {rest} more were not checked "
                "(setting web.check_max_sentences).") if rest else ""
        return render.check_html(checked, self._document_text, note)

    # ---- positions ---------------------------------------------------------------
    def build_positions(self, progress=None) -> str:
        """Extract positions for new or changed documents (rules, plus the model pass if configured)."""
        from .positions.build import build_positions

        with self._ingest_lock:
            report = build_positions(self.settings, progress=progress is not None)
        return render.md_text(report.summary().splitlines()[0])

    def _views(self):
        pos = self.assistant.positions
        return pos[0] if pos else None

    def positions_matrix(self, party: str | None = None, issue: str | None = None, since: str = "", until: str = "",
                         rows_are: str = "auto", everything: bool = False):
        """(rows, headers): the latest stance, its month and the count of earlier statements per party and issue.

        ``rows_are``: "party" (a column per issue), "issue" (a column per party), or "auto": whichever
        gives fewer columns, so that the grid fits the page instead of scrolling sideways."""
        from .positions.views import short_cell_label

        views = self._views()
        f = self.filters((), since, until)
        matrix = views.matrix(party or None, issue or None, f.since, f.until, everything) if views else {}
        issues = sorted({i for cells in matrix.values() for i in cells},
                        key=lambda i: -sum(c[i]["count"] for c in matrix.values() if i in c))
        parties = list(matrix)  # most statements first
        if rows_are == "auto":
            rows_are = "issue" if len(issues) > len(parties) else "party"
        most = self.settings.web.matrix_columns  # the most-stated columns; the rest are one filter away
        log = self.assistant.store.changes
        moved = log.changed_cells(f.since) if f.since and log is not None else set()  # stance changed since the date

        def label(p, i):
            cell = matrix[p].get(i)
            return "" if cell is None else short_cell_label(cell) + (" ↻" if (p, i) in moved else "")

        if rows_are == "issue":
            return [[i] + [label(p, i) for p in parties[:most]] for i in issues], ["issue"] + parties[:most]
        return [[p] + [label(p, i) for i in issues[:most]] for p in parties], ["party"] + issues[:most]

    def matrix_note(self, headers: list[str], party: str | None, issue: str | None) -> str:
        """Says which columns a capped matrix leaves out, and how to see them."""
        parties, issues = self.positions_choices()
        if headers[0] == "issue":
            shown, total, what, box = len(headers) - 1, len(parties) if not party else 1, "parties", "Party"
        else:
            shown, total, what, box = len(headers) - 1, len(issues) if not issue else 1, "issues", "Issue"
        if shown >= total:
            return ""
        return f"Showing the {shown} {what} with the most statements of {total}; choose one under **{box}** to see another."

    def cell_chart(self, party: str, issue: str, since: str = "", until: str = "", everything: bool = False) -> str | None:
        """A PNG of one cell's stances over time (dated statements, coloured by stance), or None."""
        import tempfile

        from .brief import stance_chart

        views = self._views()
        f = self.filters((), since, until)
        png = stance_chart(views.timeline(party, issue, f.since, f.until, everything)) if views else None
        if not png:
            return None
        path = Path(tempfile.mkdtemp(prefix="tradechat-chart-")) / "stances.png"
        path.write_bytes(png)
        return str(path)

    def positions_choices(self) -> tuple[list[str], list[str]]:
        views = self._views()
        if not views:
            return [], []
        matrix = views.matrix()
        return sorted(matrix), sorted({i for cells in matrix.values() for i in cells})

    def positions_timeline(self, party: str, issue: str, since: str = "", until: str = "", everything: bool = False) -> str:
        views = self._views()
        if not views or not party or not issue:
            return '<p class="tc-empty">Click a cell of the matrix to see its timeline.</p>'
        f = self.filters((), since, until)
        return render.timeline_html(party, issue, views.timeline(party, issue, f.since, f.until, everything), self._document_text,
                                    views.min_confidence)

    @staticmethod
    def _no_document(doc_id: str) -> str:
        return f"No stored document {render.md_text(doc_id or '(none chosen)')}."

    def delete_prompt(self, doc_id: str) -> tuple[str, bool]:
        """(what the Delete button asks, whether there is something to confirm)."""
        known = self.assistant.store.docs.document(doc_id) if doc_id else None
        if known is None:
            return self._no_document(doc_id), False
        title = render.md_text(known.get("title") or doc_id)
        return (f"Delete **{title}** ({render.md_text(doc_id)}) with its passages and the positions it states? "
                "This cannot be undone: click **Confirm delete**."), True

    def delete(self, doc_id: str, query: str = "") -> tuple[str, list[list], list[str]]:
        """Remove a document (its chunks, vectors and positions); the table keeps the search ``query``."""
        known = self.assistant.store.docs.document(doc_id) if doc_id else None
        if known is None:
            return self._no_document(doc_id), self.documents(query), self.outlets()
        with self._ingest_lock:
            self.assistant.store.delete([doc_id])
            views = self._views()
            if views:  # its statements go with it (the views also skip any a build has not yet removed)
                views.store.remove([doc_id])
        path = Path(known.get("path") or "")
        up = self.settings.uploads_path.resolve()
        if path.is_file() and path.resolve().parent == up and not any(
                d["path"] == known["path"] for d in self.assistant.store.docs.documents()):
            path.unlink()  # an uploaded file whose documents are all gone would come back on the next re-ingest
        return f"Removed {render.md_text(doc_id)}.", self.documents(query), self.outlets()


def build_app(settings: Settings, app: ChatApp | None = None):
    """The Gradio Blocks app: Chat, Sources and Positions tabs, and a small JSON API."""
    import gradio as gr

    app = app or ChatApp(settings)
    with gr.Blocks(title="tradechat", fill_width=True) as demo:
        gr.Markdown("## tradechat — cited answers from your trade news")
        outlets, (first_screen, first_outputs) = _chat_tab(gr, app, settings)
        table = _sources_tab(gr, app, settings, outlets)
        _positions_tab(gr, app, demo)
        _check_tab(gr, app)
        _brief_tab(gr, app, demo)
        _api(gr, app, settings)
        # the page itself carries no stored data (Gradio shows its component defaults to anyone who
        # loads '/', login or not): lists and tables start empty and fill once a session loads
        demo.load(lambda: (gr.update(choices=app.outlets()), app.documents()), None, [outlets, table], api_name=False)
        demo.load(first_screen, None, first_outputs, api_name=False)  # what is stored, and questions it can answer
    return demo


def _chat_tab(gr, app: ChatApp, settings: Settings):
    """The chat, its options and the sources panel; returns the outlet filter (the Sources tab updates it) and the
    first screen's filler with its outputs (run on page load)."""
    w = settings.web
    with gr.Tab("Chat"):
        history, sections = gr.State([]), gr.State([])
        with gr.Row():
            with gr.Column(scale=3):
                landing = gr.HTML(elem_id="landing")
                with gr.Accordion("What's new", open=False, elem_id="whats-new-box"):
                    news = gr.HTML(elem_id="whats-new")
                    refresh = gr.Button("Refresh", size="sm", elem_id="whats-new-refresh")
                with gr.Row():
                    examples = [gr.Button(visible=False, size="sm", elem_classes="tc-example") for _ in range(3)]
                chatbot = gr.Chatbot(label="Chat", height=520, elem_id="chat", sanitize_html=True,
                                     feedback_options=[EXPORT_ANSWER])  # under each answer's flag icon
                with gr.Row():
                    box = gr.Textbox(placeholder="Ask about trade negotiations, e.g. What does Japan want on auto tariffs?",
                                     show_label=False, scale=5, elem_id="question", max_lines=4)
                    send = gr.Button("Ask", variant="primary", scale=1, elem_id="ask")
                with gr.Accordion("Options", open=False):
                    with gr.Row():
                        modes = [m for m in NAMES if m != "openai" or settings.openai.base_url or settings.llm.backend == "openai"]
                        mode = gr.Radio(modes, value="auto" if settings.llm.backend == "auto" else settings.llm.backend,
                                        label="Answer mode", elem_id="mode",
                                        info=None if "openai" in modes else "openai: set openai.base_url to use a server")
                        k = gr.Slider(1, 20, value=settings.retrieval.k, step=1, label="Passages")
                    with gr.Row():
                        outlets = gr.Dropdown([], multiselect=True, label="Outlets (all when empty)")
                        since = gr.Textbox(label="Published since (YYYY-MM-DD)")
                        until = gr.Textbox(label="until (YYYY-MM-DD)")
                with gr.Row():
                    clear = gr.Button("New conversation", size="sm")
                    export = gr.Button("Export conversation", size="sm", elem_id="export")
                export_status = gr.Markdown(elem_id="export-status")
                export_files = gr.File(label="Exported (Markdown, Word, PDF)", file_count="multiple", interactive=False,
                                       elem_id="export-files")
            with gr.Column(scale=2):
                gr.Markdown("### Sources")
                panel = gr.HTML(render.panel([]), elem_id="sources-panel")
        inputs = [box, chatbot, history, sections, mode, outlets, since, until, k]
        outputs = [chatbot, box, history, sections, panel]
        for trigger in (box.submit, send.click):
            trigger(app.chat, inputs, outputs, concurrency_limit=w.chat_concurrency, api_name=False)
        clear.click(lambda: ([], "", [], [], render.panel([])), None, outputs, api_name=False)
        export.click(app.export_conversation, history, [export_status, export_files], api_name=False)

        def export_one(msgs, hist, data):  # the flag menu under an answer: Export this answer
            return app.export_answer(msgs, hist, data.index)

        export_one.__annotations__["data"] = gr.LikeData  # (a real class, not a string: Gradio fills it by its type)

        chatbot.like(export_one, [chatbot, history], [export_status, export_files], api_name=False)

        def first_screen():
            cov = app.assistant.store.docs.coverage(recent=len(examples))  # read once for both
            asks = app.example_questions(len(examples), cov)
            return (app.landing(cov), app.whats_new(), *[gr.update(value=a, visible=True) if a else gr.update(visible=False)
                                                        for a in asks + [""] * (len(examples) - len(asks))])

        clear.click(first_screen, None, [landing, news, *examples], api_name=False)  # what is stored may have changed
        refresh.click(app.whats_new, None, news, api_name=False)
        for b in examples:  # an example question is asked as if typed
            b.click(lambda q: q, b, box, api_name=False).then(app.chat, inputs, outputs, concurrency_limit=w.chat_concurrency,
                                                              api_name=False)
    return outlets, (first_screen, [landing, news, *examples])


def _sources_tab(gr, app: ChatApp, settings: Settings, outlets):
    """Upload, list, search and delete stored documents; returns the documents table."""
    w = settings.web
    with gr.Tab("Sources"):
        with gr.Row():
            with gr.Column():
                files = gr.File(file_count="multiple", file_types=list(w.upload_types), label="Upload articles",
                                elem_id="upload", type="filepath")
                urls = gr.Textbox(label="or paste URLs (one per line)", lines=3)
                add = gr.Button("Ingest", variant="primary", elem_id="ingest")
                status = gr.Markdown(elem_id="ingest-status")
                failures = gr.File(label="All failures of the last ingest", visible=False, elem_id="ingest-failures")
            with gr.Column():
                search = gr.Textbox(label="Search stored documents", elem_id="doc-search")
                table = gr.Dataframe([], headers=["outlet", "title", "date", "passages", "doc id"],
                                     interactive=False, elem_id="docs", wrap=True,
                                     column_widths=["16%", "35%", "12%", "14%", "23%"])
                with gr.Row():
                    doc_id = gr.Textbox(label="doc id to delete", scale=3, elem_id="delete-id")
                    rm = gr.Button("Delete", variant="stop", scale=1, elem_id="delete")
                    confirm = gr.Button("Confirm delete", variant="stop", scale=1, visible=False, elem_id="confirm-delete")

        def do_ingest(fs, us, progress=gr.Progress(track_tqdm=True)):
            summary, rows, outs = app.ingest(fs, us, progress)
            full = app.failures_download()
            return summary, rows, gr.update(choices=outs), None, gr.update(value=full, visible=full is not None)

        add.click(do_ingest, [files, urls], [status, table, outlets, files, failures], concurrency_limit=1, api_name="ingest")
        search.change(app.documents, search, table, api_name=False)
        def ask_delete(d):  # deleting takes two clicks: Delete names what goes, Confirm deletes
            prompt, ok = app.delete_prompt(d.strip())
            return prompt, gr.update(visible=ok)

        def do_delete(d, q):
            summary, rows, outs = app.delete(d.strip(), q)
            return summary, rows, gr.update(choices=outs), gr.update(visible=False)

        rm.click(ask_delete, doc_id, [status, confirm], api_name=False)
        confirm.click(do_delete, [doc_id, search], [status, table, outlets, confirm], api_name=False)
        doc_id.change(lambda _: gr.update(visible=False), doc_id, confirm, api_name=False)  # another id: ask again

        def pick(evt):  # clicking a row fills in its doc id
            return evt.row_value[-1] if evt.row_value else ""

        pick.__annotations__ = {"evt": gr.SelectData}  # (this module uses postponed annotations)

        table.select(pick, None, doc_id, api_name=False)
    return table


def _positions_tab(gr, app: ChatApp, demo) -> None:
    """The party x issue matrix, a cell's timeline, and rebuilding the positions."""
    with gr.Tab("Positions") as tab:
        with gr.Row():
            p_party = gr.Dropdown([], value=None, label="Party (all when empty)", elem_id="pos-party")
            p_issue = gr.Dropdown([], value=None, label="Issue (all when empty)", elem_id="pos-issue")
            p_since = gr.Textbox(label="since (YYYY-MM-DD)")
            p_until = gr.Textbox(label="until (YYYY-MM-DD)")
            p_rows = gr.Radio(["auto", "party", "issue"], value="auto", label="Rows (auto: whichever fits)", elem_id="pos-rows")
            p_all = gr.Checkbox(False, label="Include less certain statements", elem_id="pos-all",
                                info=f"below confidence {app.settings.positions.min_confidence:g}: the party or issue was read from context")
            p_build = gr.Button("Update positions", elem_id="pos-build", scale=0)
        p_status = gr.Markdown(elem_id="pos-status")
        p_headers = gr.State(["party"])
        p_drawn = gr.State(-1)  # the document store's generation the matrix was drawn from
        p_matrix = gr.Dataframe(value=None, headers=["party"], interactive=False, elem_id="positions-matrix", wrap=True)
        gr.HTML(render.stance_legend(), elem_id="positions-legend")
        p_timeline = gr.HTML(app.positions_timeline("", ""), elem_id="positions-timeline")
        p_chart = gr.Image(None, show_label=False, interactive=False, elem_id="positions-chart", height=260)

        def show_matrix(party, issue, since_, until_, rows_are="auto", everything=False):
            drawn = app.assistant.store.docs.generation()
            try:
                rows, headers = app.positions_matrix(party, issue, since_, until_, rows_are, everything)
            except QuestionError as e:
                return gr.update(), gr.update(), f"**{render.md_text(str(e))}**", drawn
            import pandas as pd

            frame = pd.DataFrame(rows, columns=headers).style.map(render.stance_cell_style)  # colour-coded by stance
            return (frame, headers,
                    app.matrix_note(headers, party, issue) if rows else "No positions match. Ingest articles, then **Update positions**.",
                    drawn)

        def redraw_if_changed(party, issue, since_, until_, rows_are, everything, drawn):
            """On opening the tab: redraw only when documents were added or removed since (a delete leaves at once)."""
            if app.assistant.store.docs.generation() == drawn:
                return gr.update(), gr.update(), gr.update(), drawn
            frame, headers, status, now = show_matrix(party, issue, since_, until_, rows_are, everything)
            if frame is None or isinstance(frame, dict):  # (a bad date: its message stands)
                return frame, headers, status, now
            return frame, headers, " ".join(x for x in ("Redrawn: the stored documents changed since this view was drawn.", status) if x), now

        matrix_io = ([p_party, p_issue, p_since, p_until, p_rows, p_all], [p_matrix, p_headers, p_status, p_drawn])
        for trigger in (p_party.change, p_issue.change, p_since.submit, p_until.submit, p_rows.change, p_all.change):
            trigger(show_matrix, *matrix_io, api_name=False)

        def rebuild(party, issue, since_, until_, rows_are, everything, progress=gr.Progress(track_tqdm=True)):
            status = app.build_positions(progress)
            frame, headers, _, drawn = show_matrix(party, issue, since_, until_, rows_are, everything)
            parties, issues = app.positions_choices()
            return frame, headers, status, drawn, gr.update(choices=parties), gr.update(choices=issues)

        p_build.click(rebuild, matrix_io[0], [*matrix_io[1], p_party, p_issue], concurrency_limit=1, api_name=False)

        def open_cell(headers, since_, until_, everything, evt):
            row, col = (evt.index or [None, None])[:2]
            if not evt.row_value or col is None or col == 0 or col >= len(headers) or not evt.value:
                return app.positions_timeline("", ""), None
            party, issue = (headers[col], evt.row_value[0]) if headers[0] == "issue" else (evt.row_value[0], headers[col])
            try:
                return app.positions_timeline(party, issue, since_, until_, everything), app.cell_chart(party, issue, since_, until_, everything)
            except QuestionError as e:
                return f"<p>{render.md_text(str(e))}</p>", None

        open_cell.__annotations__ = {"evt": gr.SelectData}
        p_matrix.select(open_cell, [p_headers, p_since, p_until, p_all], [p_timeline, p_chart], api_name=False)
        demo.load(show_matrix, *matrix_io, api_name=False)
        tab.select(redraw_if_changed, [*matrix_io[0], p_drawn], matrix_io[1], api_name=False)
        demo.load(lambda: tuple(gr.update(choices=c) for c in app.positions_choices()), None, [p_party, p_issue], api_name=False)


def _brief_tab(gr, app: ChatApp, demo) -> None:
    """Pick parties, issues and dates; see the briefing; download it as Markdown, HTML, PDF or Word."""
    with gr.Tab("Briefing"):
        with gr.Row():
            parties = gr.Dropdown([], multiselect=True, label="Parties (all when empty)", elem_id="brief-parties")
            issues = gr.Dropdown([], multiselect=True, label="Issues (all when empty)", elem_id="brief-issues")
            since = gr.Textbox(label="since (YYYY-MM-DD)", elem_id="brief-since")
            until = gr.Textbox(label="until (YYYY-MM-DD)", elem_id="brief-until")
        question = gr.Textbox(label="A question to answer in it (optional)", elem_id="brief-question")
        go = gr.Button("Make briefing", variant="primary", elem_id="brief-go")
        status = gr.Markdown(elem_id="brief-status")
        files = gr.File(label="Download", file_count="multiple", interactive=False, elem_id="brief-files")
        view = gr.HTML(elem_id="brief-view")
        go.click(app.briefing, [parties, issues, since, until, question], [status, view, files], concurrency_limit=1, api_name=False)
        demo.load(lambda: tuple(gr.update(choices=c) for c in app.positions_choices()), None, [parties, issues], api_name=False)


def _check_tab(gr, app: ChatApp) -> None:
    """Paste a draft; each sentence is coloured supported / contradicted / not stated, with its source."""
    with gr.Tab("Check a draft"):
        draft = gr.Textbox(label="A draft to check (a paragraph of a briefing, say)", lines=6, elem_id="check-draft")
        go = gr.Button("Check", variant="primary", elem_id="check-go")
        out = gr.HTML(render.check_html([]), elem_id="check-result")
        go.click(app.check_draft, draft, out, concurrency_limit=app.settings.web.chat_concurrency, api_name=False)


def _api(gr, app: ChatApp, settings: Settings) -> None:
    """A small API for scripts and tests (gradio_client): one question, one JSON answer."""
    w = settings.web
    api_q = gr.Textbox(visible=False)
    api_hist = gr.JSON(visible=False)
    api_out = gr.JSON(visible=False)

    def api_ask(question: str, hist: list | None, mode: str = "extractive"):
        session = ChatSession(app.assistant, [tuple(h) for h in (hist or [])])
        try:
            ans = session.ask(question, mode=mode or None)
        except QuestionError as e:
            return {"error": str(e)}
        out = ans.as_dict()
        out["history"] = [list(h) for h in session.history]
        return out

    api_mode = gr.Textbox(visible=False)
    api_btn = gr.Button(visible=False)
    api_btn.click(api_ask, [api_q, api_hist, api_mode], api_out, api_name="ask", concurrency_limit=w.chat_concurrency)


def launch_kwargs(settings: Settings) -> dict:
    """Gradio's launch options, with the login (backoff per client and per user) and the upload guard in front."""
    from starlette.middleware import Middleware

    from .guard import GuardMiddleware, LoginLimiter, password_check

    w = settings.web
    host, port = address(w)
    auth = None
    limiter = LoginLimiter(w.login_free_attempts, w.login_max_lockout_s)
    if w.username and w.password:
        auth = password_check(w.username, w.password.get_secret_value(), limiter)
    elif w.username or w.password:
        raise ValueError("web.username and web.password must be set together")
    guard = Middleware(GuardMiddleware, limiter=limiter, auth_required=auth is not None)
    return dict(server_name=host, server_port=port, share=w.share, auth=auth, max_file_size=int(w.max_upload_mb * 1024 * 1024),
                css=render.CSS, head=render.HEAD, show_error=False, footer_links=[], app_kwargs={"middleware": [guard]})


def address(w) -> tuple[str, int]:
    """web.host and web.port; where tradechat's own settings leave them unset, Gradio's
    GRADIO_SERVER_NAME and GRADIO_SERVER_PORT (the variables Gradio's own messages name)."""
    host, port = w.host, w.port
    if "host" not in w.model_fields_set and os.environ.get("GRADIO_SERVER_NAME"):
        host = os.environ["GRADIO_SERVER_NAME"]
    raw = os.environ.get("GRADIO_SERVER_PORT")
    if "port" not in w.model_fields_set and raw:
        if not raw.strip().isdigit() or not 0 <= int(raw) <= 65535:
            raise ValueError(f"GRADIO_SERVER_PORT={raw!r} is not a port number (0 to 65535)")
        port = int(raw)
    return host, port


def port_free(host: str, port: int) -> None:
    """Fail with a message naming tradechat's own ways to choose a port when this one is taken."""
    if port == 0:
        return
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server itself will
        try:
            s.bind((host, port))
        except OSError as e:
            raise ValueError(f"cannot listen on {host}:{port} ({e.strerror or e}): another program may be using it; "
                             f"choose a port with `tradechat serve --port N` or TRADECHAT_WEB__PORT=N") from None


def start_watch(app: ChatApp):
    """The `tradechat watch` loop on a daemon thread, sharing the app's assistant and its ingest lock."""
    from .watch import Watcher

    watcher = Watcher(app.settings, app.assistant)

    def loop():
        while not watcher.stop.is_set():
            try:
                with app._ingest_lock:
                    report = watcher.cycle()
                log.info("watch: %s", report.summary().splitlines()[0])
            except Exception:  # a failing cycle is logged; the chat keeps serving and the next cycle tries again
                log.exception("watch cycle failed")
            watcher.stop.wait(watcher.seconds_to_next())

    threading.Thread(target=loop, name="watch", daemon=True).start()
    return watcher


def serve(settings: Settings, prevent_thread_lock: bool = False, then=None):
    """Launch the chat and warm its models in the background. ``then()``, if given, runs once the
    server is listening (the demo prints its example answer there); then it serves until stopped."""
    kw = launch_kwargs(settings)
    port_free(kw["server_name"], kw["server_port"])  # before building anything
    app = ChatApp(settings)
    demo = build_app(settings, app)
    demo.queue(default_concurrency_limit=settings.web.chat_concurrency)
    where = f"http://{kw['server_name']}:{kw['server_port']}"
    print(f"tradechat web chat on {where}" + (" (login required)" if kw["auth"] else ""), flush=True)
    # serve at once; the models load meanwhile (a question asked before then waits only for what it needs)
    threading.Thread(target=app.assistant.warm_up, name="warm-up", daemon=True).start()
    if settings.web.watch:  # feeds and watched folders, polled in the background (one ingest at a time with uploads)
        app.watcher = start_watch(app)
    out = demo.launch(prevent_thread_lock=prevent_thread_lock or then is not None, **kw)
    if then is None:
        return out
    then(app.assistant)
    if not prevent_thread_lock:
        demo.block_thread()
    return out
