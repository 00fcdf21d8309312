"""Assistant-side commands: ``ask``."""

from __future__ import annotations

import argparse
import json
import sys

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
    p.add_argument("--k", type=int, help="number of passages")
    p.add_argument("--json", action="store_true", help="print the answer as JSON")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("serve", help="start the web chat (127.0.0.1:7860 unless settings say otherwise)")
    p.add_argument("--host", help="bind address (setting web.host; default 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (setting web.port)")
    p.set_defaults(func=cmd_serve)


def _filters(args) -> Filters:
    from ingest.loaders import iso_date

    for name in ("since", "until"):
        v = getattr(args, name)
        if v and iso_date(v) is None:
            raise SystemExit(f"tradechat ask: --{name} {v!r} is not a date (use YYYY-MM-DD)")
    return Filters(tuple(args.source), iso_date(args.since), iso_date(args.until), tuple(args.doc))


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
        a, b = c.passage_span
        print(f"    “{c.text[a:b]}”")
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
        from .types import Answer

        live = not args.json and sys.stderr.isatty()
        answer = None
        try:
            for event in assistant.ask_stream(args.question, filters=filters, mode=args.mode, k=args.k):
                if isinstance(event, Answer):
                    answer = event
                elif live and isinstance(event, list):
                    print(f"(consulting {len(event)} passages…)", file=sys.stderr, flush=True)
                elif live and isinstance(event, str):
                    print(f"  draft: {event.strip()}", file=sys.stderr, flush=True)
        except QuestionError as e:
            print(f"tradechat ask: {e}", file=sys.stderr)
            return 2
        if live:
            print("(verified answer:)", file=sys.stderr)
        _print_answer(answer, args.json)
        return 0
    try:
        lines = open(args.batch, encoding="utf-8").read().splitlines()
    except OSError as e:
        print(f"tradechat ask: cannot read {args.batch}: {e}", file=sys.stderr)
        return 2
    status = 0
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            qid, question = rec.get("id", lineno), rec["question"]
            answer = assistant.ask(question, filters=filters, mode=args.mode, k=args.k)
        except (ValueError, KeyError, TypeError, AttributeError) as e:
            print(json.dumps({"id": lineno, "error": f"{args.batch} line {lineno}: {type(e).__name__}: {e}"}), flush=True)
            status = 1
            continue
        _print_answer(answer, True, id=qid)
    return status


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
