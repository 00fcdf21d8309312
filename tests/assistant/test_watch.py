"""Feeds, watched folders and change events (issue 19), against a small site on 127.0.0.1 that changes between polls.

The articles are written for these tests (wire-style stories on made-up dates); the real archive
run is in docs/benchmarks.md (bench/feeds_bench.py --reuters)."""

import json
import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone
from email.utils import format_datetime

import pytest

from assistant.watch import Watcher
from ingest.changes import ChangeLog
from ingest.feeds import FeedError, FeedStore, parse_every, parse_feed
from ingest.settings import Settings
from tests.conftest import ROOT

PARAS = [
    "Negotiators met for a third day in the capital as both delegations weighed the latest proposals on market access.",
    "Officials close to the talks said the sides had narrowed their differences on customs procedures but not on farm goods.",
    "A spokesman for the trade ministry declined to say when the next round would take place, citing the sensitivity of the talks.",
    "Industry groups on both sides have urged their governments to settle the dispute before the new tariff schedule takes effect.",
]


def page(title: str, lead: str, place: str = "GENEVA", outlet: str = "Harbour Wire", paras=None) -> str:
    body = "".join(f"<p>{p}</p>" for p in [f"{place}, March 3 ({outlet}) - {lead}", *(PARAS if paras is None else paras)])
    return (f"<html><head><title>{title}</title><meta property=\"og:site_name\" content=\"{outlet}\"></head>"
            f"<body><nav>Home | World | Markets</nav><article><h1>{title}</h1>{body}</article>"
            f"<footer>Copyright Harbour Wire. All rights reserved.</footer></body></html>")


def rss(items: list[dict], title: str = "Harbour Wire trade") -> str:
    entries = "".join(
        f"<item><title>{i['title']}</title><link>{i['link']}</link><guid>{i.get('guid', i['link'])}</guid>"
        f"<pubDate>{format_datetime(datetime(1987, 3, i.get('day', 3), 12, tzinfo=timezone.utc))}</pubDate>"
        f"<description>{i.get('summary', '')}</description></item>" for i in items)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title><link>http://x/</link>{entries}</channel></rss>'


def settings_for(tmp_path, site, **kw) -> Settings:
    s = Settings.load(data_dir=tmp_path / "data")
    s.feeds.host_delay_s, s.feeds.retries, s.feeds.backoff_s, s.feeds.timeout_s = 0.0, 1, 0.05, 2.0
    s.feeds.allowed_hosts = (f"127.0.0.1:{site.port}",)
    s.alerts.file = tmp_path / "alerts.jsonl"
    for k, v in kw.items():
        section, name = k.split("__")
        setattr(getattr(s, section), name, v)
    return s


@pytest.fixture
def watcher_for(embedder):
    made = []

    def make(settings):
        from assistant.assistant import Assistant

        w = Watcher(settings, Assistant.from_settings(settings, embedder=embedder))
        made.append(w)
        return w

    yield make


def test_items_added_edited_and_removed_keep_every_document_once(tmp_path, feed_site, watcher_for):
    site = feed_site
    items = [{"title": f"Story {n}", "link": site.url(f"/news/{n}"), "day": n} for n in (1, 2, 3)]
    for n in (1, 2, 3):
        site.set(f"/news/{n}", page(f"Story {n}", f"Japan and the United States held talks on rice quotas, round {n}."))
    site.set("/feed.xml", rss(items), content_type="application/rss+xml")
    s = settings_for(tmp_path, site)
    FeedStore.from_settings(s).add(site.url("/feed.xml"), "harbour", 60)
    w = watcher_for(s)
    first = w.cycle()
    assert (first.new, first.updated, first.failed) == (3, 0, []), first.summary()
    docs = w.assistant.store.docs
    ids = sorted(docs.doc_ids())
    assert len(ids) == 3 and docs.document(ids[0])["source"] == "Harbour Wire"
    feed = FeedStore.from_settings(s).find("harbour")
    feed.last_polled = None  # due again at once
    FeedStore.from_settings(s).update(feed, last_polled=None)
    again = w.cycle()
    assert again.feeds == ["harbour: not modified"] and again.new == 0  # a conditional GET: 304, nothing refetched
    # edit story 2 (same guid, new text), add story 4, drop story 1 from the feed
    site.set("/news/2", page("Story 2", "Japan rejected the latest U.S. proposal on rice quotas, officials said."))
    site.set("/news/4", page("Story 4", "South Korea offered to lower tariffs on beef imports from Australia."))
    items = [{"title": "Story 2", "link": site.url("/news/2"), "day": 2, "summary": "updated"},
             {"title": "Story 3", "link": site.url("/news/3"), "day": 3}, {"title": "Story 4", "link": site.url("/news/4"), "day": 4}]
    site.set("/feed.xml", rss(items), content_type="application/rss+xml")
    FeedStore.from_settings(s).update(feed, last_polled=None)
    third = w.cycle()
    assert (third.new, third.updated, third.removed) == (1, 1, 0), third.summary()
    assert len(docs.doc_ids()) == 4  # story 1 left the feed, not the store
    assert "rejected the latest U.S. proposal" in docs.document("127-0-0-1-" + str(site.port) + "-news-2")["text"]
    kinds = [e["kind"] for e in ChangeLog.from_settings(s).events()]
    assert kinds.count("document_added") == 4 and kinds.count("document_replaced") == 1
    listed = FeedStore.from_settings(s).find("harbour")
    assert listed.items_seen == 4 and listed.last_error is None and listed.last_success


def test_each_bad_feed_is_recorded_against_itself_and_the_good_one_still_arrives(tmp_path, feed_site, watcher_for):
    site = feed_site
    site.set("/good/1", page("Good story", "Canada demanded that the United States drop its lumber duties."))
    site.set("/empty-page", "<html><body><nav>Home</nav></body></html>")
    good = [{"title": "Good story", "link": site.url("/good/1")},
            {"title": "Private link", "link": "http://10.1.2.3/secret"},
            {"title": "Page with no article", "link": site.url("/empty-page")}]
    site.set("/good.xml", rss(good), content_type="application/rss+xml")
    site.set("/broken.xml", "<?xml version='1.0'?><rss><channel><item><title>cut off", content_type="application/rss+xml")
    site.set("/page.html", "<html><head><title>Not a feed</title></head><body><p>Hello</p></body></html>")
    site.set("/gone.xml", "missing", status=404, content_type="text/plain")
    site.set("/error.xml", "oops", status=500, content_type="text/plain")
    site.set("/slow.xml", rss(good), content_type="application/rss+xml", delay=3.0)
    site.redirect("/loop-a.xml", site.url("/loop-b.xml"))
    site.redirect("/loop-b.xml", site.url("/loop-a.xml"))
    huge = [{"title": f"Item {n}", "link": site.url(f"/many/{n}")} for n in range(50_000)]
    site.set("/huge.xml", rss(huge), content_type="application/rss+xml")
    s = settings_for(tmp_path, site, feeds__max_items_per_poll=5)
    feeds = FeedStore.from_settings(s)
    for name in ("good", "broken", "page", "gone", "error", "slow", "loop-a", "huge"):
        feeds.add(site.url(f"/{name}.xml" if name != "page" else "/page.html"), name, 60)
    feeds.add("http://127.0.0.1:9/private-feed.xml", "private", 60)  # a private address not in feeds.allowed_hosts
    t0 = time.monotonic()
    report = watcher_for(s).cycle()
    assert time.monotonic() - t0 < 120
    errors = {f.name: f.last_error or "" for f in FeedStore.from_settings(s).list()}
    assert "not a readable feed" in errors["broken"] and "an HTML page, not a feed" in errors["page"]
    assert "HTTP 404" in errors["gone"] and "HTTP 500" in errors["error"] and "2 attempts" in errors["error"]
    assert "timed out" in errors["slow"] and "redirect loop" in errors["loop-a"]
    assert "refused" in errors["private"] and "127.0.0.1" in errors["private"]
    print(report.summary())
    assert "10.1.2.3" in errors["good"] and "no article text" in report.summary()  # item errors name feed and item
    assert "huge: 0 new or changed items, 5 failed, 49995 left for the next poll" in report.summary()  # capped, each item named
    stored = watcher_for(s).assistant.store.docs
    assert [d["title"] for d in stored.documents()] == ["Good story"]


def test_one_story_in_two_feeds_is_one_document_and_a_reworded_copy_is_folded(tmp_path, feed_site, watcher_for):
    site = feed_site
    lead = "The European Union threatened retaliatory tariffs on American steel if Washington kept its quotas."
    site.set("/a/1", page("EU threatens steel tariffs", lead))
    site.set("/b/1", page("EU threatens steel tariffs", lead, outlet="Lakeside Daily"))
    site.set("/feed-a.xml", rss([{"title": "EU threatens steel tariffs", "link": site.url("/a/1")}]), content_type="application/rss+xml")
    site.set("/feed-b.xml", rss([{"title": "EU threatens steel tariffs", "link": site.url("/a/1")},
                                 {"title": "EU threatens steel tariffs (copy)", "link": site.url("/b/1")}]), content_type="application/rss+xml")
    s = settings_for(tmp_path, site)
    feeds = FeedStore.from_settings(s)
    feeds.add(site.url("/feed-a.xml"), "a", 60)
    feeds.add(site.url("/feed-b.xml"), "b", 60)
    w = watcher_for(s)
    report = w.cycle()
    assert report.new == 2 and "1 already stored from another feed" in report.summary()
    groups = w.assistant.store.docs.duplicate_groups()
    assert len(set(groups.values())) == 1 and len(groups) == 2  # the Lakeside copy is folded under the Harbour story


def test_json_and_atom_feeds_are_read():
    atom = ('<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><id>urn:a</id><updated>1987-03-03T00:00:00Z</updated>'
            '<entry><title>Rice talks</title><id>urn:1</id><link href="http://example.org/1"/><updated>1987-03-03T10:00:00Z</updated>'
            '<author><name>Staff</name></author><summary>Rice.</summary></entry></feed>')
    a = parse_feed(atom.encode(), "application/atom+xml")
    assert a.kind.startswith("atom") and [(e.key, e.link, e.title, e.published, e.author) for e in a.entries] == [
        ("urn:1", "http://example.org/1", "Rice talks", "1987-03-03T10:00:00+00:00", "Staff")]
    j = parse_feed(json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": [
        {"id": "7", "url": "http://example.org/7", "title": "Beef", "content_text": "Beef quotas.", "date_published": "1987-03-04T00:00:00Z",
         "authors": [{"name": "Desk"}]}]}).encode(), "application/feed+json")
    assert [(e.key, e.link, e.author) for e in j.entries] == [("7", "http://example.org/7", "Desk")]
    with pytest.raises(FeedError, match="items"):
        parse_feed(b'{"version": "https://jsonfeed.org/version/1", "title": "J"}', "application/json")
    assert parse_every("15m") == 900 and parse_every("2h") == 7200
    with pytest.raises(FeedError, match="at least 10 seconds"):
        parse_every("1s")


def test_a_stance_change_and_a_conflicting_figure_are_recorded_cited_and_alerted(tmp_path, feed_site, watcher_for):
    site = feed_site
    site.set("/s/1", page("Japan rejects beef demand", "Japan rejected U.S. demands to remove its beef import quotas, officials said.",
                          place="TOKYO"))
    site.set("/feed.xml", rss([{"title": "Japan rejects beef demand", "link": site.url("/s/1"), "day": 2}]), content_type="application/rss+xml")
    s = settings_for(tmp_path, site)
    feeds = FeedStore.from_settings(s)
    feed = feeds.add(site.url("/feed.xml"), "tokyo", 60)
    w = watcher_for(s)
    w.cycle()
    site.set("/s/2", page("Japan agrees on beef", "Japan agreed to remove its beef import quotas by 1991, officials said. "
                          "Japan imported 214,000 tonnes of beef last year, the ministry said.", place="TOKYO", paras=[
                              "The agreement ends a dispute that began when Washington asked for wider access for American ranchers.",
                              "Farm groups in Hokkaido said they would ask the government for support payments to offset lower prices."]))
    site.set("/s/3", page("Beef imports", "Japan imported 180,000 tonnes of beef last year, trade figures showed, officials said.",
                          place="SYDNEY", outlet="Lakeside Daily", paras=[
                              "Australian exporters hope to double their share of the Japanese market within three years.",
                              "Queensland cattle prices rose two percent on the news, according to a livestock agent in Brisbane."]))
    site.set("/feed.xml", rss([{"title": "Japan rejects beef demand", "link": site.url("/s/1"), "day": 2},
                               {"title": "Japan agrees on beef", "link": site.url("/s/2"), "day": 9},
                               {"title": "Beef imports", "link": site.url("/s/3"), "day": 8}]), content_type="application/rss+xml")
    feeds.update(feed, last_polled=None)
    report = w.cycle()
    kinds = [e["kind"] for e in report.events]
    assert "stance_changed" in kinds and "conflicting_figure" in kinds, report.summary()
    change = next(e for e in report.events if e["kind"] == "stance_changed")
    assert change["party"] == "Japan" and change["issue"] == "beef"
    assert change["detail"]["from"]["stance"] == "rejection" and change["detail"]["to"]["stance"] == "agreement"
    assert "rejected" in change["detail"]["from"]["sentence"] and "agreed" in change["detail"]["to"]["sentence"]
    alerts = [json.loads(x) for x in (tmp_path / "alerts.jsonl").read_text().splitlines()]
    assert {a["kind"] for a in alerts} == {"stance_changed", "conflicting_figure"}
    assert all(a["citations"] and all(c["doc_id"] for c in a["citations"]) for a in alerts)
    conflict = next(a for a in alerts if a["kind"] == "conflicting_figure")
    assert {"214,000 tonnes", "180,000 tonnes"} <= {c["figure"] for c in conflict["citations"]}
    assert sum(a["kind"] == "conflicting_figure" for a in alerts) == 1  # one event per pair of stories
    # the CLI lists them, then `--since last` has nothing new
    env = {**os.environ, "TRADECHAT_DATA_DIR": str(s.data_dir)}
    out = subprocess.run([sys.executable, str(ROOT / "cli.py"), "changes", "--since", "last", "--party", "Tokyo"], env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and "Japan on beef: rejection → agreement" in out.stdout, out.stdout
    assert "Japan rejected U.S. demands" in out.stdout and "Japan agreed to remove" in out.stdout  # both sides cited
    again = subprocess.run([sys.executable, str(ROOT / "cli.py"), "changes", "--since", "last"], env=env, capture_output=True, text=True,
                           timeout=120)
    assert "No changes since the last look." in again.stdout


def test_a_deleted_document_takes_its_change_events_along(tmp_path, feed_site, watcher_for):
    site = feed_site
    site.set("/x/1", page("Peru demands", "Peru demanded lower tariffs on copper from Chile, officials said."))
    site.set("/feed.xml", rss([{"title": "Peru demands", "link": site.url("/x/1")}]), content_type="application/rss+xml")
    s = settings_for(tmp_path, site)
    FeedStore.from_settings(s).add(site.url("/feed.xml"), "lima", 60)
    w = watcher_for(s)
    w.cycle()
    doc_id = next(iter(w.assistant.store.docs.doc_ids()))
    log = ChangeLog.from_settings(s)
    assert any(e["doc_id"] == doc_id for e in log.events())
    w.assistant.store.delete([doc_id], origin="test")
    events = log.events()
    assert [e["kind"] for e in events if e["doc_id"] == doc_id] == ["document_removed"]


def test_the_watcher_killed_mid_poll_loses_and_doubles_nothing(tmp_path, feed_site):
    site = feed_site
    for n in range(6):
        site.set(f"/k/{n}", page(f"Story {n}", f"Brazil asked for a larger coffee export quota, delegates said, round {n}."), delay=0.8)
    site.set("/feed.xml", rss([{"title": f"Story {n}", "link": site.url(f"/k/{n}")} for n in range(6)]), content_type="application/rss+xml")
    data = tmp_path / "data"
    env = {**os.environ, "TRADECHAT_DATA_DIR": str(data), "TRADECHAT_FEEDS__HOST_DELAY_S": "0",
           "TRADECHAT_FEEDS__ALLOWED_HOSTS": json.dumps([f"127.0.0.1:{site.port}"])}
    cli = [sys.executable, str(ROOT / "cli.py")]
    subprocess.run([*cli, "feeds", "add", site.url("/feed.xml"), "--name", "coffee", "--every", "1m"], env=env, check=True, timeout=60)
    proc = subprocess.Popen([*cli, "watch", "--once"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while sum(h.startswith("/k/") for h in site.hits) < 3 and time.monotonic() < deadline:
        time.sleep(0.1)
    proc.kill()  # mid-poll: some pages fetched, nothing ingested yet
    proc.wait(30)
    out = subprocess.run([*cli, "watch", "--once"], env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    again = subprocess.run([*cli, "watch", "--once"], env=env, capture_output=True, text=True, timeout=300)
    listing = subprocess.run([*cli, "docs", "--json"], env=env, capture_output=True, text=True, timeout=60)
    docs = json.loads(listing.stdout)
    assert sorted(d["title"] for d in docs) == [f"Story {n}" for n in range(6)]  # every item once
    assert "0 new, 0 updated" in again.stdout or "not modified" in again.stdout


def test_sigterm_ends_the_loop_cleanly_and_bad_arguments_exit_2(tmp_path, feed_site):
    site = feed_site
    site.set("/feed.xml", rss([]), content_type="application/rss+xml")
    env = {**os.environ, "TRADECHAT_DATA_DIR": str(tmp_path / "data"), "TRADECHAT_FEEDS__ALLOWED_HOSTS": json.dumps([f"127.0.0.1:{site.port}"])}
    cli = [sys.executable, str(ROOT / "cli.py")]
    run = lambda *a: subprocess.run([*cli, *a], env=env, capture_output=True, text=True, timeout=120)  # noqa: E731
    assert run("feeds", "add", "ftp://example.org/feed").returncode == 2
    assert "use a number with s, m, h or d" in run("feeds", "add", site.url("/feed.xml"), "--every", "often").stderr
    assert run("feeds", "add", site.url("/feed.xml"), "--name", "w").returncode == 0
    dup = run("feeds", "add", site.url("/feed.xml"))
    assert dup.returncode == 2 and "already watched, as 'w'" in dup.stderr
    assert run("feeds", "rm", "nope").returncode == 2
    assert run("changes", "--since", "yesterday-ish").returncode == 2
    listed = json.loads(run("feeds", "list", "--json").stdout)
    assert [f["name"] for f in listed] == ["w"]
    proc = subprocess.Popen([*cli, "watch"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 120
    while "/feed.xml" not in site.hits and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.5)
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0 and "SIGTERM: stopping" in out
    assert run("feeds", "rm", "w").returncode == 0 and json.loads(run("feeds", "list", "--json").stdout) == []


def test_the_web_app_runs_the_watch_loop_beside_the_chat(tmp_path, feed_site, embedder):
    from assistant.assistant import Assistant
    from assistant.webapp import ChatApp, start_watch

    site = feed_site
    site.set("/w/1", page("Chile offers copper deal", "Chile offered to cut port fees for Peruvian copper, officials said."))
    site.set("/feed.xml", rss([{"title": "Chile offers copper deal", "link": site.url("/w/1")}]), content_type="application/rss+xml")
    s = settings_for(tmp_path, site)
    s.web.watch = True
    FeedStore.from_settings(s).add(site.url("/feed.xml"), "valparaiso", 60)
    app = ChatApp(s, Assistant.from_settings(s, embedder=embedder))
    watcher = start_watch(app)
    try:
        deadline = time.monotonic() + 120
        while "added: Chile offers copper deal" not in app.whats_new() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert "added: Chile offers copper deal" in app.whats_new()  # polled, stored and recorded, with no one asking
        assert app.documents() and app.documents()[0][1] == "Chile offers copper deal"
    finally:
        watcher.stop.set()


def test_watched_folders_and_the_alert_webhook(tmp_path, feed_site, watcher_for):
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from threading import Thread

    from assistant.alerts import send_alerts

    drop = tmp_path / "drop"
    drop.mkdir()
    s = settings_for(tmp_path, feed_site)
    s.watch.folders = (drop,)
    w = watcher_for(s)
    (drop / "harbour-wire-lima.txt").write_text("Peru asks Chile for lower port fees\n\nLIMA, June 3 (Harbour Wire) - Peru asked Chile "
                                                "to lower port fees on copper shipments, officials said on Tuesday.\n")
    first = w.cycle()
    assert first.new == 1 and "1 new" in first.folders
    (drop / "harbour-wire-lima.txt").write_text("Peru asks Chile for lower port fees\n\nLIMA, June 3 (Harbour Wire) - Peru asked Chile "
                                                "to halve port fees on copper shipments, officials said on Tuesday.\n")
    assert w.cycle().updated == 1 and w.cycle().updated == 0  # a changed file replaces its document, once

    got = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self):
            got.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *a):
            pass

    srv = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    Thread(target=srv.serve_forever, daemon=True).start()
    try:
        s.alerts.webhook = f"http://127.0.0.1:{srv.server_address[1]}/hook"
        event = {"id": 7, "at": "2026-11-30T00:00:00+00:00", "kind": "stance_changed", "party": "Peru", "issue": "tariffs",
                 "summary": "Peru on tariffs: demand → agreement", "detail": {"from": {"doc_id": "a", "sentence": "x"},
                                                                               "to": {"doc_id": "b", "sentence": "y"}}}
        assert send_alerts(s, [event]) == 1
        assert got[0]["summary"] == "Peru on tariffs: demand → agreement" and [c["doc_id"] for c in got[0]["citations"]] == ["a", "b"]
        s.alerts.webhook = "http://127.0.0.1:9/nothing-listens"  # a dead webhook is logged, not fatal
        assert send_alerts(s, [event]) == 0
    finally:
        srv.shutdown()
        srv.server_close()
    assert len((tmp_path / "alerts.jsonl").read_text().splitlines()) == 2  # the file got both
