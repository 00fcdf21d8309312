"""Live sources: local feeds polled by the watcher, against plain `tradechat ingest` of the same pages.

    python bench/feeds_bench.py [--feeds 50] [--items 20]     # synthetic site of Reuters pages, three measurements
    python bench/feeds_bench.py --reuters [--batches 4]       # real data: trade stories as a growing feed, then `tradechat changes`

Pages are Reuters-21578 stories (read from ../shared, served from memory on 127.0.0.1, never
copied into the project), one HTML page per story, grouped into feeds of RSS items.

1. First poll: every feed due, every item new: seconds and chunks/s, next to `tradechat ingest`
   of the same pages saved as .html files (the ratio is the feed path's overhead: fetching,
   the per-host delay set to 0 here, the item files, the positions build and the figure check).
2. Idle poll: every feed due again, nothing changed: conditional GETs answered 304; seconds and
   CPU seconds.
3. New item to answerable: one feed gains one item; the poll that finds it takes T seconds, so at
   the default interval (``feeds.every`` = 15 min) an item waits interval/2 on average plus T.
   The new story is then asked about and must be cited.
"""

from __future__ import annotations

import argparse
import html
import json
import resource
import sys
import tempfile
import threading
import time
from datetime import timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

REUTERS = ROOT.parent / "shared" / "corpora" / "reuters21578"


def stories(trade_only: bool, limit: int) -> list:
    from ingest.loaders import load_file
    from ingest.types import LoadError

    out = []
    for sgm in sorted(REUTERS.glob("reut2-*.sgm")):
        for a in load_file(sgm):
            if isinstance(a, LoadError) or len(a.text) < 600 or (trade_only and "trade" not in a.extra.get("topics", [])):
                continue
            out.append(a)
            if len(out) >= limit and not trade_only:
                return out
    return out


def page_html(a) -> str:
    paras = "".join(f"<p>{html.escape(p)}</p>" for p in a.text.split("\n") if p.strip())
    return (f"<html><head><title>{html.escape(a.title or a.doc_id)}</title><meta property=\"og:site_name\" content=\"Reuters\">"
            f"</head><body><nav>World | Business | Markets</nav><article><h1>{html.escape(a.title or '')}</h1>{paras}</article>"
            f"<footer>All quotes delayed a minimum of 15 minutes.</footer></body></html>")


def rss(items: list[tuple[str, object]], base: str) -> str:
    from datetime import datetime

    def date(a):
        try:
            return format_datetime(datetime.fromisoformat(a.published).replace(tzinfo=timezone.utc))
        except (TypeError, ValueError):
            return ""
    body = "".join(f"<item><title>{html.escape(a.title or path)}</title><link>{base}{path}</link><guid>{base}{path}</guid>"
                   f"<pubDate>{date(a)}</pubDate></item>" for path, a in items)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>bench</title><link>{base}/</link>{body}</channel></rss>'


class Site:
    def __init__(self):
        self.routes: dict[str, tuple[bytes, str]] = {}
        site = self

        class H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self):  # one segment per response: no 40 ms delayed-ACK stall on keep-alive connections
                super().setup()
                import socket as _s

                self.connection.setsockopt(_s.IPPROTO_TCP, _s.TCP_NODELAY, 1)

            def do_GET(self):
                body, ctype = site.routes.get(self.path, (b"", ""))
                if not ctype:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                etag = f'"{hash(body) & 0xffffffff:x}"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *a):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def set(self, path: str, text: str, ctype: str) -> None:
        self.routes[path] = (text.encode(), ctype)


def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def settings_for(data: Path, site: Site):
    from ingest.settings import Settings

    s = Settings.load(data_dir=data)
    s.feeds.host_delay_s = 0.0
    s.feeds.allowed_hosts = (site.base.removeprefix("http://"),)
    s.feeds.max_items_per_poll = 1000
    return s


def synthetic(n_feeds: int, n_items: int, out: Path) -> dict:
    from assistant.watch import Watcher
    from ingest.feeds import FeedStore
    from ingest.pipeline import Ingestor

    arts = stories(False, n_feeds * n_items + 1)
    site = Site()
    feeds: dict[str, list] = {}
    for i, a in enumerate(arts[: n_feeds * n_items]):
        path = f"/story/{a.doc_id}"
        site.set(path, page_html(a), "text/html; charset=utf-8")
        feeds.setdefault(f"/feed/{i % n_feeds}.xml", []).append((path, a))
    for fpath, items in feeds.items():
        site.set(fpath, rss(items, site.base), "application/rss+xml")
    tmp = Path(tempfile.mkdtemp(prefix="tradechat-feeds-bench-"))
    # reference: the same pages as files, through `tradechat ingest`'s pipeline
    pages = tmp / "pages"
    pages.mkdir()
    for path, a in (x for items in feeds.values() for x in items):
        (pages / f"{a.doc_id}.html").write_text(page_html(a), encoding="utf-8")
    ref_settings = settings_for(tmp / "ref", site)
    t0 = time.perf_counter()
    ref = Ingestor(ref_settings).ingest([pages], progress=False)
    ref_s = time.perf_counter() - t0
    s = settings_for(tmp / "data", site)
    store = FeedStore.from_settings(s)
    for fpath in feeds:
        store.add(site.base + fpath, fpath.strip("/").replace("/", "-"), 900)
    w = Watcher(s)
    w.assistant.warm_up("extractive")
    t0, c0 = time.perf_counter(), cpu()
    first = w.cycle()
    first_s, first_cpu = time.perf_counter() - t0, cpu() - c0
    chunks = sum(d["n_chunks"] for d in w.assistant.store.docs.documents())
    for f in store.list():
        store.update(f, last_polled=None)
    t0, c0 = time.perf_counter(), cpu()
    idle = w.cycle()
    idle_s, idle_cpu = time.perf_counter() - t0, cpu() - c0
    # one new item in one feed
    extra = arts[-1]
    site.set(f"/story/{extra.doc_id}", page_html(extra), "text/html; charset=utf-8")
    site.set("/feed/0.xml", rss([*feeds["/feed/0.xml"], (f"/story/{extra.doc_id}", extra)], site.base), "application/rss+xml")
    for f in store.list():
        store.update(f, last_polled=None)
    t0 = time.perf_counter()
    one = w.cycle()
    one_s = time.perf_counter() - t0
    from ingest.sentences import split_sentences

    a0, b0 = split_sentences(extra.text)[0]
    ans = w.assistant.ask(extra.text[a0:b0], mode="extractive")  # its first sentence, as a user who read it might ask
    cited = any(c.doc_id.endswith(extra.doc_id) for c in ans.citations)  # (a feed item's doc id is its link's slug)
    interval = 900
    res = {
        "feeds": n_feeds, "items": n_feeds * n_items, "first_poll_s": round(first_s, 1), "first_poll_cpu_s": round(first_cpu, 1),
        "first_poll_docs": first.new, "first_poll_failed": len(first.failed), "chunks": chunks,
        "first_poll_chunks_per_s": round(chunks / first_s, 1), "ingest_s": round(ref_s, 1),
        "ingest_chunks_per_s": round(ref.chunks / ref_s, 1), "first_poll_vs_ingest": round(first_s / ref_s, 2),
        "idle_poll_s": round(idle_s, 2), "idle_poll_cpu_s": round(idle_cpu, 2),
        "idle_not_modified": sum("not modified" in x for x in idle.feeds),
        "new_item_poll_s": round(one_s, 2), "new_item_stored": one.new == 1, "new_item_cited": cited,
        "new_item_to_answerable_mean_s": round(interval / 2 + one_s, 1), "new_item_to_answerable_worst_s": round(interval + one_s, 1),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(res, indent=2) + "\n")
    print(json.dumps(res, indent=2))
    return res


def reuters(batches: int, per_batch: int, out: Path) -> int:
    """Trade stories, oldest first, served as one feed that grows by a batch per poll; then the change log."""
    from assistant.watch import Watcher
    from ingest.changes import ChangeLog
    from ingest.feeds import FeedStore

    arts = sorted(stories(True, 0), key=lambda a: (a.published or "", a.doc_id))
    site = Site()
    tmp = Path(tempfile.mkdtemp(prefix="tradechat-feeds-reuters-"))
    s = settings_for(tmp / "data", site)
    s.alerts.max_conflict_docs = 1000  # compare every new story's figures (a batch is larger than the default 50)
    s.alerts.file = tmp / "alerts.jsonl"
    store = FeedStore.from_settings(s)
    feed = store.add(site.base + "/trade.xml", "reuters-trade", 900)
    w = Watcher(s)
    shown: list = []
    step = max(1, len(arts) // batches) if per_batch <= 0 else per_batch
    for b in range(batches):
        for a in arts[b * step:(b + 1) * step]:
            path = f"/story/{a.doc_id}"
            site.set(path, page_html(a), "text/html; charset=utf-8")
            shown.append((path, a))
        site.set("/trade.xml", rss(shown[-400:], site.base), "application/rss+xml")
        store.update(feed, last_polled=None)
        t0 = time.perf_counter()
        rep = w.cycle()
        print(f"poll {b + 1}: {time.perf_counter() - t0:.1f} s; " + rep.summary().replace("\n", "\n  "), flush=True)
    events = ChangeLog.from_settings(s).events(kinds=["stance_changed", "conflicting_figure"])
    counts = {k: sum(e["kind"] == k for e in events) for k in ("stance_changed", "conflicting_figure")}
    print(json.dumps(counts))
    for kind in counts:
        for e in [x for x in events if x["kind"] == kind][:3]:
            print(f"\n{kind}: {e['summary']}")
            for key in ("from", "to", "stored", "new"):
                c = e["detail"].get(key)
                if c:
                    print(f"  {key}: “{' '.join(c['sentence'].split())[:220]}” — {c.get('source')}, {(c.get('published') or '')[:10]} ({c['doc_id']})")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"stories": len(shown), "events": counts, "examples": events[:10]}, indent=2, ensure_ascii=False) + "\n")
    print(f"\ndata dir: {s.data_dir} (run `TRADECHAT_DATA_DIR={s.data_dir} tradechat changes`)")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--feeds", type=int, default=50)
    ap.add_argument("--items", type=int, default=20)
    ap.add_argument("--reuters", action="store_true", help="the real-data run: trade stories as a growing feed")
    ap.add_argument("--batches", type=int, default=4)
    ap.add_argument("--per-batch", type=int, default=0, help="stories added per poll (default: all trade stories over the batches)")
    a = ap.parse_args()
    if not REUTERS.exists():
        print(f"{REUTERS} is missing: this bench serves Reuters stories", file=sys.stderr)
        return 2
    if a.reuters:
        return reuters(a.batches, a.per_batch, ROOT / "bench" / "results" / "feeds-reuters.json")
    synthetic(a.feeds, a.items, ROOT / "bench" / "results" / "feeds.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
