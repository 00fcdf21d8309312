"""Ingest-side commands: ``ingest``, ``docs``, ``clean``, ``feeds``."""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from pathlib import Path

from .loaders import LOADERS
from .reader import FileReader
from .settings import Settings
from .types import LoadError, count

OUTLET_WIDTH = 32  # characters of the outlet column in `tradechat docs`; longer names end in "…"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ingest", help="clean, chunk, embed and store files or folders (incremental)")
    p.add_argument("paths", nargs="+", help=f"files or folders ({', '.join(sorted(LOADERS))})")
    p.add_argument("--prune", action="store_true", help="also remove stored documents whose file no longer exists")
    p.add_argument("--replace", action="store_true",
                   help="let these files take over doc ids that documents from other files hold (refused by default)")
    p.add_argument("--topic", help="keep only documents tagged with this topic (Reuters TOPICS, e.g. trade)")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("docs", help="list stored documents, or `docs rm DOC_ID` to delete one")
    p.add_argument("action", nargs="?", choices=["list", "rm"], default="list")
    p.add_argument("doc_ids", nargs="*")
    p.add_argument("--json", action="store_true")
    p.add_argument("--flagged", action="store_true", help="only documents with sentences addressed to an AI assistant, and those sentences")
    p.set_defaults(func=cmd_docs)

    p = sub.add_parser("feeds", help="news feeds to watch: `feeds add URL [--name N] [--every 15m]`, `feeds list`, `feeds rm URL|NAME`")
    p.add_argument("action", nargs="?", choices=["list", "add", "rm"], default="list")
    p.add_argument("target", nargs="?", help="add: the feed's URL; rm: its URL or name")
    p.add_argument("--name", help="add: a short name (default: the host)")
    p.add_argument("--every", help="add: how often to poll (30s, 15m, 2h, 1d; default: setting feeds.every)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_feeds)

    p = sub.add_parser("clean", help="print the cleaned text and metadata of one file (stores nothing)")
    p.add_argument("file")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_clean)


def cmd_ingest(args, settings: Settings) -> int:
    from .pipeline import Ingestor

    report = Ingestor(settings).ingest(args.paths, prune=args.prune, topic=args.topic, replace=args.replace, progress=not args.quiet and sys.stderr.isatty())
    print(json.dumps(report.as_dict(), indent=2) if args.json else report.summary())
    return 1 if report.failed and not (report.new or report.updated or report.unchanged) else 0


def cmd_docs(args, settings: Settings) -> int:
    from .store import DocStore, Store, StoreError

    if args.action == "rm":
        if not args.doc_ids:
            print("docs rm: name at least one DOC_ID", file=sys.stderr)
            return 2
        store = Store.from_settings(settings)
        known = store.docs.states()
        missing = [d for d in args.doc_ids if d not in known]
        store.delete([d for d in args.doc_ids if d in known])
        for d in args.doc_ids:
            print(f"{'not found' if d in missing else 'removed'}: {d}")
        return 1 if missing else 0
    try:
        store = DocStore(settings.docstore_path)
        docs, flagged = store.documents(), store.flagged()
    except sqlite3.Error as e:
        raise StoreError(f"cannot read the document store {settings.docstore_path}: {e}") from e
    if args.flagged:
        docs = [d for d in docs if d["doc_id"] in flagged]
    if args.json:
        print(json.dumps([{**d, "addressed_to_assistant": flagged.get(d["doc_id"], [])} for d in docs], indent=2, ensure_ascii=False))
        return 0
    print(f"{count(len(docs), 'document')}, {count(sum(d['n_chunks'] for d in docs), 'chunk')} in {settings.data_dir}")
    outlet = lambda d: " ".join((d["source"] or "?").split())  # noqa: E731  (one row each, whatever the field holds)
    wide = min(OUTLET_WIDTH, max((len(outlet(d)) for d in docs), default=1))  # "Harbor Street Journal", not "... Journa"
    for d in docs:
        mark = "!" if d["doc_id"] in flagged else " "
        title, source = " ".join((d["title"] or "").split()), outlet(d)
        source = source if len(source) <= wide else source[:wide - 1] + "…"
        print(f"{mark}{d['doc_id'][:40]:40}  {(d['published'] or '')[:10]:10}  {source:{wide}}  {d['n_chunks']:3}  {title[:60]}")
        if args.flagged:
            for f in flagged[d["doc_id"]]:
                print(f"      addressed to an AI assistant (chars {f['start']}-{f['end']}, never shown as an answer): {f['text'][:160]}")
    if flagged and not args.flagged:
        print(f"! {len(flagged)} document(s) hold sentences addressed to an AI assistant: `tradechat docs --flagged` lists them")
    return 0


def cmd_feeds(args, settings: Settings) -> int:
    from .feeds import FeedError, open_store, parse_every

    try:
        feeds = open_store(settings)
        if args.action == "add":
            if not args.target:
                raise FeedError("feeds add: give the feed's URL")
            feed = feeds.add(args.target, args.name, parse_every(args.every or settings.feeds.every))
            print(f"watching {feed.url} as {feed.name!r}, every {_every(feed.every_s)}; `tradechat watch` polls it")
            return 0
        if args.action == "rm":
            if not args.target:
                raise FeedError("feeds rm: give the feed's URL or name")
            feed = feeds.remove(args.target)
            print(f"no longer watching {feed.name!r} ({feed.url}); its documents stay stored")
            return 0
    except FeedError as e:
        print(f"tradechat feeds: {e}", file=sys.stderr)
        return 2
    rows = feeds.list()
    if args.json:
        print(json.dumps([f.as_dict() for f in rows], indent=2, ensure_ascii=False))
        return 0
    if not rows:
        print("No feeds are watched: add one with `tradechat feeds add URL`.")
        return 0
    for f in rows:
        state = f"last error: {f.last_error}" if f.last_error else (f"last success {f.last_success}" if f.last_success else "not polled yet")
        print(f"{f.name:24} every {_every(f.every_s):6} {count(f.items_seen, 'item'):>10}  {f.url}\n{'':24} {state}")
    return 0


def _every(seconds: int) -> str:
    for unit, n in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % n == 0:
            return f"{seconds // n}{unit}"
    return f"{seconds}s"


def cmd_clean(args, settings: Settings) -> int:
    path = Path(args.file)
    arts, errors = [], []
    with FileReader(settings.ingest) as reader:
        items = reader.read(path)
    for item in items:
        (errors if isinstance(item, LoadError) else arts).append(item)
    for e in errors:
        print(f"error: {e}", file=sys.stderr)
    if args.json:
        out = [{"text": a.text, **{k: v for k, v in a.metadata().items()}} for a in arts]
        print(json.dumps(out[0] if len(out) == 1 else out, indent=2, ensure_ascii=False))
    else:
        for a in arts:
            for k, v in a.metadata().items():
                if v and k != "extra":
                    print(f"{k}: {v}")
            print()
            print(a.text)
            print("\n" + "-" * 60)
    return 1 if errors and not arts else 0
