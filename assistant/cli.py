"""Assistant-side commands: ``ask``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ingest.settings import Settings

from .backends import NAMES
from .types import Filters


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ask", help="answer a question from the stored sources, with citations")
    p.add_argument("question", nargs="?", help="the question (or use --batch)")
    p.add_argument("--batch", help='JSONL file of {"id": ..., "question": ...}; one JSON answer per line, in order')
    p.add_argument("--mode", choices=NAMES, help="answer backend (default: setting llm.backend)")
    p.add_argument("--retrieval", choices=["hybrid", "dense", "bm25"], help="retriever (default: setting retrieval.mode)")
    p.add_argument("--source", action="append", default=[], help="only this outlet (repeatable)")
    p.add_argument("--since", help="only passages published on or after this date (YYYY-MM-DD)")
    p.add_argument("--until", help="only passages published on or before this date")
    p.add_argument("--doc", action="append", default=[], help="only this document id (repeatable)")
    p.add_argument("--k", type=_passages, help="number of passages (1-50)")
    p.add_argument("--json", action="store_true", help="print the answer as JSON")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("positions", help="the party x issue matrix of negotiating positions (`positions build` extracts them)")
    p.add_argument("action", nargs="?", choices=["show", "build"], default="show")
    p.add_argument("--party", help="only this party (any name: Tokyo, Motegi -> Japan)")
    p.add_argument("--issue", help="only this issue (any phrase: car tariffs -> autos)")
    p.add_argument("--since", help="only statements published on or after this date (YYYY-MM-DD)")
    p.add_argument("--until", help="only statements published on or before this date")
    p.add_argument("--model", choices=["off", "auto", "local", "openai"], help="build: model pass (default: setting positions.model_pass)")
    p.add_argument("--json", action="store_true", help="print the matrix and timelines (or the build report) as JSON")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--all", action="store_true", help="also the less certain statements (below positions.min_confidence)")
    p.set_defaults(func=cmd_positions)

    p = sub.add_parser("watch", help="poll due feeds and ingest watched folders, then update positions and record changes")
    p.add_argument("--once", action="store_true", help="one cycle, then exit")
    p.set_defaults(func=cmd_watch)

    p = sub.add_parser("changes", help="what changed: documents, statements, stance changes, conflicting figures")
    p.add_argument("--since", help="ISO date or time, or `last` (what was recorded since the previous `changes` call)")
    p.add_argument("--party", help="only this party (any name)")
    p.add_argument("--issue", help="only this issue (any phrase)")
    p.add_argument("--kind", action="append", choices=["document_added", "document_replaced", "document_removed", "statement_added",
                                                       "stance_changed", "conflicting_figure"], help="only these kinds (repeatable)")
    p.add_argument("--limit", type=int, default=200, help="the newest N events at most")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_changes)

    p = sub.add_parser("brief", help="a cited briefing note: where parties stand, what moved, conflicting figures, key quotes")
    p.add_argument("--party", action="append", default=[], help="only this party (repeatable; any name: Tokyo -> Japan)")
    p.add_argument("--issue", action="append", default=[], help="only this issue (repeatable)")
    p.add_argument("--since", help="statements published on or after this date (YYYY-MM-DD)")
    p.add_argument("--until", help="statements published on or before this date")
    p.add_argument("--question", action="append", default=[], help="a question to answer in the briefing (repeatable)")
    p.add_argument("--format", choices=["md", "html", "pdf", "docx"], default="md")
    p.add_argument("--out", type=Path, required=True, help="the file to write")
    p.set_defaults(func=cmd_brief)

    p = sub.add_parser("serve", help="start the web chat (127.0.0.1:7860 unless settings say otherwise)")
    p.add_argument("--host", help="bind address (setting web.host; default 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (setting web.port)")
    p.set_defaults(func=cmd_serve)


def _passages(value: str) -> int:
    """argparse type for --k: a whole number of passages from 1 to 50 (as the setting retrieval.k)."""
    try:
        k = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if not 1 <= k <= 50:
        raise argparse.ArgumentTypeError(f"{k} passages: give 1 to 50")
    return k


def _filters(args) -> Filters:
    from ingest.dates import iso_date

    for name in ("since", "until"):
        v = getattr(args, name)
        if v and iso_date(v) is None:
            print(f"tradechat {getattr(args, 'command', 'ask')}: --{name} {v!r} is not a date (use YYYY-MM-DD)", file=sys.stderr)
            raise SystemExit(2)
    return Filters(tuple(getattr(args, "source", ())), iso_date(args.since), iso_date(args.until), tuple(getattr(args, "doc", ())))


def _print_answer(answer, as_json: bool, id=None) -> None:
    if as_json:
        print(json.dumps(answer.as_dict(id=id), ensure_ascii=False), flush=True)
        return
    print(answer.text)
    for note in answer.notes:
        print(f"  note: {note}")
    if answer.citations:
        print()
    for c in answer.citations:
        date = (c.published or "")[:10]
        print(f"[{c.n}] {c.source or '?'}, {date} — {c.title or c.doc_id} ({c.doc_id}, chars {c.span[0]}-{c.span[1]})")
        if c.also:
            from .render import also_text

            print(f"   {also_text(c).lstrip(' ·')}")
        shown = c.spans if len(c.spans) > 1 else [{"sentence": None, "passage_span": list(c.passage_span)}]
        for x in shown:  # every span an answer sentence rests on, each quoted once
            a, b = x["passage_span"]
            print(f"    “{c.text[a:b]}”" + (f"  (sentence {x['sentence']})" if x["sentence"] else ""))
    if answer.refused and answer.retrieved:
        print("\nConsulted:")
        for p in answer.retrieved:
            print(f"  {p.rank}. {p.source or '?'}, {p.date or ''} — {p.title or p.doc_id}")
    t = answer.timings
    print(f"\n({answer.mode}; retrieve {t.get('retrieve_ms', 0):.0f} ms, generate {t.get('generate_ms', 0):.0f} ms, total {t.get('total_ms', 0):.0f} ms)", file=sys.stderr)


def cmd_ask(args, settings: Settings) -> int:
    from .assistant import Assistant, QuestionError

    if (args.question is None) == (args.batch is None):
        print("tradechat ask: give a QUESTION or --batch FILE", file=sys.stderr)
        return 2
    if args.retrieval:
        settings.retrieval.mode = args.retrieval
    filters = _filters(args)
    assistant = Assistant.from_settings(settings)
    if args.question is not None:
        from .types import DraftText, Final, Passages, Quick

        live = not args.json and sys.stderr.isatty()
        answer = None
        try:
            for event in assistant.ask_stream(args.question, filters=filters, mode=args.mode, k=args.k):
                match event:
                    case Final(answer=answer):
                        pass
                    case Passages(passages=ps) if live:
                        print(f"(consulting {len(ps)} passages…)", file=sys.stderr, flush=True)
                    case Quick(answer=quick) if live:
                        print(f"(quoted answer, verified in {quick.timings['total_ms']:.0f} ms:)\n{quick.text}\n"
                              "(the model is writing its answer…)", file=sys.stderr, flush=True)
                    case DraftText(text=text) if live:
                        print(f"  draft: {text.strip()}", file=sys.stderr, flush=True)
        except QuestionError as e:
            print(f"tradechat ask: {e}", file=sys.stderr)
            return 2
        if live:
            print("(verified answer:)", file=sys.stderr)
        _print_answer(answer, args.json)
        return 0
    try:
        lines = Path(args.batch).read_bytes().decode("utf-8").splitlines()
    except OSError as e:
        print(f"tradechat ask: cannot read {args.batch}: {e.strerror or e}", file=sys.stderr)
        return 2
    except UnicodeDecodeError as e:
        print(f"tradechat ask: {args.batch} is not UTF-8 text (byte {e.start}); save it as UTF-8 JSONL", file=sys.stderr)
        return 2
    status = 0
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        qid = None
        try:
            rec = json.loads(line)
            if not isinstance(rec, dict):
                raise ValueError("expected a JSON object")
            qid = rec.get("id")
            answer = assistant.ask(rec["question"], filters=filters, mode=args.mode, k=args.k)
        except (ValueError, KeyError, TypeError, AttributeError) as e:
            why = f"missing field {e}" if isinstance(e, KeyError) else str(e)
            print(json.dumps({"id": qid, "line": lineno, "error": f"{args.batch} line {lineno}: {why}"}), flush=True)
            status = 1
            continue
        _print_answer(answer, True, id=qid if qid is not None else lineno)
    return status


def cmd_positions(args, settings: Settings) -> int:
    from .positions.build import build_positions
    from .positions.store import PositionStore
    from .positions.views import PositionViews, format_matrix
    from .positions.vocab import Vocabulary, VocabularyError

    try:
        vocab = Vocabulary.load(settings.positions.vocabulary)
    except VocabularyError as e:
        print(f"tradechat positions: {e}", file=sys.stderr)
        return 2
    if args.action == "build":
        report = build_positions(settings, model=args.model, progress=not args.quiet and sys.stderr.isatty())
        print(json.dumps(report.as_dict(), indent=2) if args.json else report.summary())
        return 0
    party = issue = None
    if args.party:
        party = vocab.party(args.party)
        if party is None:
            print(f"tradechat positions: --party {args.party!r} is not a known party or name (see assistant/data/aliases.json)", file=sys.stderr)
            return 2
    if args.issue:
        issue = vocab.issue(args.issue)
        if issue is None:
            print(f"tradechat positions: --issue {args.issue!r} is not a known issue (one of: {', '.join(vocab.issues)})", file=sys.stderr)
            return 2
    f = _filters(args)
    since, until = f.since, f.until
    if not settings.positions_path.exists():
        print("No positions stored yet: run `tradechat positions build`.")
        return 0
    from ingest.store import DocStore

    docs = DocStore(settings.docstore_path)
    views = PositionViews(PositionStore(settings.positions_path), docs.duplicate_groups, docs.doc_ids, settings.positions.min_confidence)
    matrix = views.matrix(party, issue, since, until, args.all)
    if args.json:
        out = {p: {i: {"latest": c["latest"], "count": c["count"], "timeline": views.timeline(p, i, since, until, args.all)}
                   for i, c in cells.items()} for p, cells in matrix.items()}
        print(json.dumps(out, indent=2, ensure_ascii=False))
    else:
        print(format_matrix(matrix, views=views, everything=args.all))
    return 0


def cmd_watch(args, settings: Settings) -> int:
    import signal

    from ingest.feeds import FeedError

    from .watch import Watcher

    try:
        watcher = Watcher(settings)
    except FeedError as e:
        print(f"tradechat watch: {e}", file=sys.stderr)
        return 2
    missing = [str(f) for f in settings.watch.folders if not f.is_dir()]
    if missing:
        print(f"tradechat watch: watch.folders names no folder at {', '.join(missing)}", file=sys.stderr)
        return 2
    if not watcher.feeds.list() and not settings.watch.folders:
        print("Nothing to watch: add a feed (`tradechat feeds add URL`) or set watch.folders.")
        return 0

    def stop(signum, _frame):  # finish the current item, end the cycle, exit
        print(f"tradechat watch: {signal.Signals(signum).name}: stopping after the current item", file=sys.stderr, flush=True)
        watcher.stop.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    watcher.run(once=args.once, on_cycle=lambda r: print(r.summary(), flush=True))
    return 0


def cmd_changes(args, settings: Settings) -> int:
    from datetime import datetime

    from ingest.changes import ChangeLog

    from .positions.vocab import Vocabulary

    vocab = Vocabulary.load(settings.positions.vocabulary)
    party = vocab.party(args.party) if args.party else None
    issue = vocab.issue(args.issue) if args.issue else None
    if args.party and party is None:
        print(f"tradechat changes: --party {args.party!r} is not a known party or name", file=sys.stderr)
        return 2
    if args.issue and issue is None:
        print(f"tradechat changes: --issue {args.issue!r} is not a known issue (one of: {', '.join(vocab.issues)})", file=sys.stderr)
        return 2
    since, after_id = None, None
    log = ChangeLog.from_settings(settings)
    if args.since == "last":
        after_id = log.last_read()
    elif args.since:
        from ingest.dates import iso_date

        since = iso_date(args.since) if len(args.since) <= 10 else args.since
        try:
            datetime.fromisoformat(since or "")
        except ValueError:
            since = None
        if not since:
            print(f"tradechat changes: --since {args.since!r} is not a date (YYYY-MM-DD), a time (ISO 8601) or `last`", file=sys.stderr)
            return 2
    events = log.events(since, party, issue, args.kind, after_id, args.limit)
    log.mark_read(max([log.last_read(), log.latest_id()]))  # the next `--since last` starts after what exists now
    if args.json:
        print(json.dumps(events, indent=2, ensure_ascii=False))
        return 0
    if not events:
        print("No changes" + (" since the last look." if args.since == "last" else "."))
        return 0
    for e in events:
        print(f"{e['at'][:19].replace('T', ' ')}  {e['kind'].replace('_', ' '):18} {e['summary']}")
        for label, c in _event_citations(e):
            print(f"    {label}: “{' '.join((c.get('sentence') or '').split())[:200]}” — {c.get('source') or '?'}, "
                  f"{(c.get('published') or 'undated')[:10]} ({c['doc_id']})")
    return 0


def _event_citations(e: dict) -> list[tuple[str, dict]]:
    d = e.get("detail", {})
    return [(label, d[k]) for k, label in (("from", "from"), ("to", "to"), ("stored", "stored"), ("new", "new"), ("statement", "cites"))
            if isinstance(d.get(k), dict) and d[k].get("sentence")]


def cmd_brief(args, settings: Settings) -> int:
    from .assistant import Assistant
    from .brief import BriefError, build_briefing, render, render_docx, render_pdf

    f = _filters(args)
    try:
        b = build_briefing(Assistant.from_settings(settings), args.party, args.issue, f.since, f.until, args.question)
        data = {"pdf": render_pdf, "docx": render_docx}.get(args.format, lambda x: render(x, args.format, settings.positions.brief_templates).encode("utf-8"))(b)
    except BriefError as e:
        print(f"tradechat brief: {e}", file=sys.stderr)
        return 2
    try:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_bytes(data)
    except OSError as e:
        print(f"tradechat brief: cannot write {args.out}: {e.strerror or e}", file=sys.stderr)
        return 2
    print(f"wrote {args.out}: {b.status()}")
    return 0


def cmd_serve(args, settings: Settings) -> int:
    from .webapp import serve

    if args.host:
        settings.web.host = args.host
    if args.port is not None:
        settings.web.port = args.port
    try:
        serve(settings)
    except ValueError as e:
        print(f"tradechat serve: {e}", file=sys.stderr)
        return 2
    return 0
