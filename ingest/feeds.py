"""News feeds: which feeds are watched, what each has given, and one poll of one feed.

Formats: RSS 0.9x/1.0/2.0 and Atom through feedparser; JSON Feed read by json and checked by pydantic.
Each new or changed item's page is fetched and its article extracted by the HTML path every
other page takes (trafilatura, then the furniture filter); the item's own title, date, author
and link fill in what the page lacks. The article is written as a one-line JSONL file under
``DATA_DIR/feeds/<feed>/`` and ingested like any file, so a changed item (same guid or link,
new content) replaces its document, and a story two outlets carry is folded as a syndicated
copy by the usual near-duplicate grouping.

State lives in ``DATA_DIR/feeds.sqlite3``: per feed its ETag / Last-Modified, last poll,
last success, last error and items seen; per item its fingerprint, document and attempts.
An item is marked done only after its document is stored, so a poll killed half-way is
redone, never doubled.

Requests go through one ``Fetcher``: a per-host delay, retries with backoff on connection
errors, timeouts and 5xx, at most 5 redirects, a size limit, and the SSRF guard on every
request including redirects (``feeds.allowed_hosts`` names intranet hosts that may be
private).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import BaseModel, ValidationError

from .changes import now_iso
from .loaders.base import slugify
from .loaders.html import extract_html
from .loaders.urls import refuse_private
from .sqlite import ThreadConnections

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feeds (
    url TEXT PRIMARY KEY, name TEXT UNIQUE NOT NULL, every_s INTEGER NOT NULL, etag TEXT, modified TEXT,
    last_polled TEXT, last_success TEXT, last_error TEXT, items_seen INTEGER NOT NULL DEFAULT 0, added_at TEXT
);
CREATE TABLE IF NOT EXISTS items (
    feed_url TEXT NOT NULL, key TEXT NOT NULL, link TEXT, doc_id TEXT, fingerprint TEXT, attempts INTEGER NOT NULL DEFAULT 0,
    error TEXT, done INTEGER NOT NULL DEFAULT 0, first_seen TEXT, last_seen TEXT, PRIMARY KEY (feed_url, key)
);
"""
_EVERY = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|d)?\s*$", re.I)
_UNIT_S = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}
MIN_FALLBACK_CHARS = 200  # an article (the page's, else the item's own text) is at least this long


class FeedError(ValueError):
    """A feed cannot be added, found or read (the message names it)."""


def parse_every(text: str) -> int:
    """Seconds from "30s", "15m", "2h", "1d" (a bare number is minutes)."""
    m = _EVERY.match(str(text))
    if not m:
        raise FeedError(f"--every {text!r}: use a number with s, m, h or d (e.g. 15m)")
    seconds = float(m.group(1)) * _UNIT_S[(m.group(2) or "m").lower()]
    if seconds < 10:
        raise FeedError(f"--every {text!r}: at least 10 seconds between polls")
    return int(seconds)


@dataclass
class Feed:
    url: str
    name: str
    every_s: int
    etag: str | None = None
    modified: str | None = None
    last_polled: str | None = None
    last_success: str | None = None
    last_error: str | None = None
    items_seen: int = 0
    added_at: str | None = None

    def due(self, now: datetime) -> bool:
        if not self.last_polled:
            return True
        return (now - datetime.fromisoformat(self.last_polled)).total_seconds() >= self.every_s

    def as_dict(self) -> dict:
        return dict(self.__dict__)


class FeedStore:
    def __init__(self, path: Path):
        self.path = Path(path)
        self._db = ThreadConnections.with_schema(self.path, _SCHEMA)

    @classmethod
    def from_settings(cls, settings) -> FeedStore:
        return cls(settings.data_dir / "feeds.sqlite3")

    def add(self, url: str, name: str | None = None, every_s: int = 900) -> Feed:
        url = url.strip()
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            raise FeedError(f"{url!r} is not an http(s) URL")
        name = (name or parts.hostname).strip()
        if not name:
            raise FeedError("--name must not be empty")
        for f in self.list():
            if f.url == url:
                raise FeedError(f"{url} is already watched, as {f.name!r}")
            if f.name == name:
                raise FeedError(f"the name {name!r} is taken by {f.url}; choose another with --name")
        feed = Feed(url, name, every_s, added_at=now_iso())
        with self._db.get() as c:
            c.execute("INSERT INTO feeds (url, name, every_s, added_at) VALUES (?,?,?,?)", (url, name, every_s, feed.added_at))
        return feed

    def find(self, url_or_name: str) -> Feed | None:
        return next((f for f in self.list() if url_or_name in (f.url, f.name)), None)

    def remove(self, url_or_name: str) -> Feed:
        """Stop watching a feed (its documents stay stored)."""
        feed = self.find(url_or_name)
        if feed is None:
            raise FeedError(f"no watched feed has the URL or name {url_or_name!r} (see `tradechat feeds list`)")
        with self._db.get() as c:
            c.execute("DELETE FROM feeds WHERE url = ?", (feed.url,))
            c.execute("DELETE FROM items WHERE feed_url = ?", (feed.url,))
        return feed

    def list(self) -> list[Feed]:
        return [Feed(**dict(r)) for r in self._db.get().execute("SELECT * FROM feeds ORDER BY name")]

    def due(self, now: datetime | None = None) -> list[Feed]:
        now = now or datetime.now(timezone.utc)
        return [f for f in self.list() if f.due(now)]

    def update(self, feed: Feed, **fields) -> None:
        for k, v in fields.items():
            setattr(feed, k, v)
        cols = ", ".join(f"{k} = ?" for k in fields)
        with self._db.get() as c:
            c.execute(f"UPDATE feeds SET {cols} WHERE url = ?", (*fields.values(), feed.url))

    def items(self, feed_url: str) -> dict[str, dict]:
        return {r["key"]: dict(r) for r in self._db.get().execute("SELECT * FROM items WHERE feed_url = ?", (feed_url,))}

    def item_tried(self, feed_url: str, key: str, link: str | None, error: str | None, fingerprint: str,
                   doc_id: str | None = None, done: bool = False) -> None:
        now = now_iso()
        with self._db.get() as c:
            c.execute("""INSERT INTO items (feed_url, key, link, doc_id, fingerprint, attempts, error, done, first_seen, last_seen)
                         VALUES (?,?,?,?,?,1,?,?,?,?)
                         ON CONFLICT(feed_url, key) DO UPDATE SET link=excluded.link, doc_id=COALESCE(excluded.doc_id, doc_id),
                           fingerprint=excluded.fingerprint, attempts=CASE WHEN excluded.done THEN 0 ELSE attempts + 1 END,
                           error=excluded.error, done=excluded.done, last_seen=excluded.last_seen""",
                      (feed_url, key, link, doc_id, fingerprint, error, int(done), now, now))

    def counts(self, feed_url: str) -> tuple[int, int]:
        """(items stored, items given up on) for a feed."""
        r = self._db.get().execute("SELECT SUM(done), SUM(NOT done AND error IS NOT NULL) FROM items WHERE feed_url = ?", (feed_url,)).fetchone()
        return int(r[0] or 0), int(r[1] or 0)


# ---- fetching ---------------------------------------------------------------------------
class FetchError(Exception):
    """A request that failed for good (the message says why: status, timeout, refused address, size)."""


@dataclass
class Fetched:
    url: str  # after redirects
    status: int
    headers: dict
    content: bytes


class Fetcher:
    """One HTTP client for all feeds: polite (a delay per host), patient (retries with backoff), guarded
    (no private addresses, at most 5 redirects, a size limit)."""

    def __init__(self, settings, sleep=time.sleep):
        import httpx

        f = settings.feeds
        self.settings = f
        self.max_bytes = f.max_feed_bytes
        self._sleep = sleep
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()
        self.allow_all = settings.ingest.allow_private_urls
        self.client = httpx.Client(timeout=f.timeout_s, follow_redirects=True, max_redirects=5,
                                   headers={"User-Agent": "tradechat-feeds/1"},
                                   event_hooks={"request": [self._guard]})

    def close(self) -> None:
        self.client.close()

    def _allowed(self, url: str) -> bool:
        if self.allow_all:
            return True
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        return host in self.settings.allowed_hosts or f"{host}:{parts.port}" in self.settings.allowed_hosts

    def _guard(self, request) -> None:
        url = str(request.url)
        if not self._allowed(url):
            refused = refuse_private(url)
            if refused:
                raise FetchError(refused.replace("setting ingest.allow_private_urls allows it",
                                                 "setting feeds.allowed_hosts lets a named intranet host through"))

    def _wait_for_host(self, url: str) -> None:
        host = urlsplit(url).netloc.lower()
        with self._lock:
            wait = self._last.get(host, 0.0) + self.settings.host_delay_s - time.monotonic()
            self._last[host] = time.monotonic() + max(0.0, wait)
        if wait > 0:
            self._sleep(wait)

    def get(self, url: str, headers: dict | None = None) -> Fetched:
        import httpx

        delay = self.settings.backoff_s
        for attempt in range(self.settings.retries + 1):
            self._wait_for_host(url)
            try:
                with self.client.stream("GET", url, headers=headers or {}) as r:
                    if r.status_code >= 500 and attempt < self.settings.retries:
                        raise _Retry(f"HTTP {r.status_code}")
                    if r.status_code == 304:
                        return Fetched(str(r.url), 304, dict(r.headers), b"")
                    if r.status_code >= 400:
                        tries = f" after {attempt + 1} attempts" if r.status_code >= 500 else ""
                        raise FetchError(f"HTTP {r.status_code} from {r.url}{tries}")
                    declared = int(r.headers.get("content-length") or 0)
                    if declared > self.max_bytes:
                        raise FetchError(f"{declared:,} bytes is over the {self.max_bytes:,}-byte limit (feeds.max_feed_bytes)")
                    body = bytearray()
                    for chunk in r.iter_bytes():
                        body += chunk
                        if len(body) > self.max_bytes:
                            raise FetchError(f"more than {self.max_bytes:,} bytes (feeds.max_feed_bytes)")
                    return Fetched(str(r.url), r.status_code, dict(r.headers), bytes(body))
            except FetchError:
                raise
            except httpx.TooManyRedirects:
                raise FetchError(f"redirect loop (more than 5 redirects) from {url}") from None
            except (_Retry, httpx.TransportError) as e:
                if attempt >= self.settings.retries:
                    kind = "timed out" if isinstance(e, httpx.TimeoutException) else str(e) or type(e).__name__
                    raise FetchError(f"{kind} after {attempt + 1} attempts: {url}") from None
                self._sleep(delay)
                delay *= 2
        raise FetchError(f"no answer from {url}")  # (not reached)


class _Retry(Exception):
    pass


# ---- parsing ----------------------------------------------------------------------------
@dataclass
class Entry:
    key: str  # guid, else link
    link: str | None
    title: str | None
    published: str | None
    author: str | None
    content: str  # the item's own text or HTML (a fallback when the page yields nothing)

    @property
    def fingerprint(self) -> str:
        return hashlib.sha1(json.dumps([self.link, self.title, self.published, self.content]).encode()).hexdigest()[:16]


@dataclass
class ParsedFeed:
    title: str | None
    entries: list[Entry] = field(default_factory=list)
    kind: str = ""


def _iso(struct) -> str | None:
    if not struct:
        return None
    try:
        return datetime(*struct[:6], tzinfo=timezone.utc).isoformat(timespec="seconds")
    except (TypeError, ValueError):
        return None


def parse_feed(content: bytes, content_type: str = "") -> ParsedFeed:
    """Entries of an RSS, Atom or JSON feed; FeedError for a page that is not a feed or is malformed."""
    head = content.lstrip()[:1]
    if head in (b"{", b"[") or "json" in content_type.lower():
        return _parse_json_feed(content)
    import feedparser

    d = feedparser.parse(content, response_headers={"content-type": content_type or "application/xml"})
    if not d.version:
        if re.search(rb"<html[\s>]", content[:4096], re.I):
            raise FeedError("an HTML page, not a feed (RSS, Atom or JSON Feed)")
        why = getattr(d.get("bozo_exception"), "getMessage", lambda: str(d.get("bozo_exception") or "unknown format"))()
        raise FeedError(f"not a readable feed ({why})")
    out = ParsedFeed(d.feed.get("title"), kind=d.version)
    usable = [e for e in d.entries if e.get("id") or e.get("link")]
    if d.bozo and not usable and not isinstance(d.get("bozo_exception"), feedparser.CharacterEncodingOverride):
        raise FeedError(f"not a readable feed (malformed: {d.get('bozo_exception')})")
    for e in d.entries:
        link = e.get("link")
        key = e.get("id") or link
        if not key:
            continue
        body = (e.get("content") or [{}])[0].get("value") or e.get("summary") or ""
        out.entries.append(Entry(str(key), link, e.get("title"), _iso(e.get("published_parsed") or e.get("updated_parsed")),
                                 e.get("author"), body))
    return out


class _JsonAuthor(BaseModel):
    name: str | None = None


class _JsonItem(BaseModel):
    id: str | int
    url: str | None = None
    external_url: str | None = None
    title: str | None = None
    content_html: str | None = None
    content_text: str | None = None
    summary: str | None = None
    date_published: str | None = None
    date_modified: str | None = None
    authors: list[_JsonAuthor] = []
    author: _JsonAuthor | None = None  # JSON Feed 1.0


class _JsonFeed(BaseModel):
    version: str
    title: str
    items: list[_JsonItem]


def _parse_json_feed(content: bytes) -> ParsedFeed:
    """JSON Feed 1.0 / 1.1 (jsonfeed.org): json reads it, pydantic checks the fields the spec requires.

    (feedparser's releases read RSS and Atom only, and the JSON Feed package on PyPI installs a
    top-level ``tests`` package that shadows a project's own, so this mapping is ours.)"""
    try:
        feed = _JsonFeed.model_validate_json(content)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(x) for x in first["loc"]) or "the document"
        raise FeedError(f"not a readable JSON Feed ({where}: {first['msg']})") from None
    if "jsonfeed.org/version/" not in feed.version:
        raise FeedError(f"not a JSON Feed (version {feed.version!r})")
    out = ParsedFeed(feed.title, kind="json")
    for it in feed.items:
        link = it.url or it.external_url
        names = [a.name for a in [*it.authors, *([it.author] if it.author else [])] if a.name]
        out.entries.append(Entry(str(it.id), link, it.title, it.date_published or it.date_modified, ", ".join(names) or None,
                                 it.content_html or it.content_text or it.summary or ""))
    return out


# ---- one poll ---------------------------------------------------------------------------
@dataclass
class PollResult:
    feed: str
    status: str = "ok"  # ok | not modified | error
    error: str | None = None
    files: list[Path] = field(default_factory=list)  # item files written (new or changed), to ingest
    keys: dict[str, tuple[str, str | None, str]] = field(default_factory=dict)  # file -> (item key, link, fingerprint)
    item_errors: list[str] = field(default_factory=list)
    already_stored: int = 0
    left: int = 0  # new items left for the next poll (feeds.max_items_per_poll)

    def summary(self) -> str:
        if self.status == "error":
            return f"{self.feed}: failed: {self.error}"
        if self.status == "not modified":
            return f"{self.feed}: not modified"
        bits = [f"{len(self.files)} new or changed items"]
        if self.already_stored:
            bits.append(f"{self.already_stored} already stored from another feed")
        if self.item_errors:
            bits.append(f"{len(self.item_errors)} failed")
        if self.left:
            bits.append(f"{self.left} left for the next poll")
        return f"{self.feed}: " + ", ".join(bits)


def item_doc_id(entry: Entry) -> str:
    if entry.link:
        return slugify(re.sub(r"^https?://(www\.)?", "", entry.link))
    return "feed-" + hashlib.sha1(entry.key.encode()).hexdigest()[:16]


class FeedPoller:
    def __init__(self, settings, store: FeedStore | None = None, fetcher: Fetcher | None = None):
        self.settings = settings
        self.store = store or FeedStore.from_settings(settings)
        self.fetcher = fetcher or Fetcher(settings)

    def poll(self, feed: Feed, known_docs: set[str] | None = None, stop: threading.Event | None = None) -> PollResult:
        """Fetch the feed and the pages of its new or changed items; write each as an item file (not yet ingested)."""
        res = PollResult(feed.name)
        headers = {k: v for k, v in (("If-None-Match", feed.etag), ("If-Modified-Since", feed.modified)) if v}
        now = now_iso()
        try:
            got = self.fetcher.get(feed.url, headers)
            if got.status == 304:
                self.store.update(feed, last_polled=now, last_success=now, last_error=None)
                res.status = "not modified"
                return res
            parsed = parse_feed(got.content, got.headers.get("content-type", ""))
        except (FetchError, FeedError) as e:
            self.store.update(feed, last_polled=now, last_error=f"{now}: {e}")
            res.status, res.error = "error", str(e)
            return res
        seen = self.store.items(feed.url)
        todo = []
        for e in parsed.entries:
            old = seen.get(e.key)
            if old and old["done"] and old["fingerprint"] == e.fingerprint:
                continue  # nothing new
            if old and not old["done"] and old["fingerprint"] == e.fingerprint and old["attempts"] >= self.settings.feeds.item_attempts:
                continue  # given up on (its error stays recorded)
            todo.append(e)
        res.left = max(0, len(todo) - self.settings.feeds.max_items_per_poll)
        folder = self.settings.feeds_path / slugify(feed.name, 60)
        folder.mkdir(parents=True, exist_ok=True)
        for e in todo[: self.settings.feeds.max_items_per_poll]:
            if stop is not None and stop.is_set():
                res.left += 1
                continue
            doc_id = item_doc_id(e)
            path = folder / f"{hashlib.sha1(e.key.encode()).hexdigest()[:20]}.jsonl"
            if known_docs is not None and doc_id in known_docs and not path.exists():
                # the same link, stored from another feed or file: one document
                self.store.item_tried(feed.url, e.key, e.link, None, e.fingerprint, doc_id, done=True)
                res.already_stored += 1
                continue
            try:
                record = self._article(e, feed)
            except (FetchError, FeedError) as err:
                why = f"item {e.link or e.key}: {err}"
                self.store.item_tried(feed.url, e.key, e.link, why, e.fingerprint)
                res.item_errors.append(why)
                continue
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps({"id": doc_id, **record}, ensure_ascii=False) + "\n", encoding="utf-8")
            tmp.replace(path)
            res.files.append(path)
            res.keys[str(path)] = (e.key, e.link, e.fingerprint)
        self.store.update(feed, etag=got.headers.get("etag"), modified=got.headers.get("last-modified"), last_polled=now)
        return res

    def _article(self, e: Entry, feed: Feed) -> dict:
        """The item file's record: the page's HTML (extracted at ingest, in the reader's worker process, with its
        time limit), the item's own fields filling what the page lacks, and the item's own text as the fallback
        when the page yields no article (used only if it is long enough)."""
        meta = {"title": e.title, "published": e.published, "byline": e.author, "url": e.link, "source": feed.name,
                "page_first": True, "min_chars": MIN_FALLBACK_CHARS}
        own = extract_html(f"<html><body><article>{e.content}</article></body></html>") if e.content else None
        fallback = own["text"] if own is not None and len(own["text"]) >= MIN_FALLBACK_CHARS else None
        if e.link:
            try:
                page = self.fetcher.get(e.link)
                return {**meta, "html": page.content.decode("utf-8", "replace"), **({"text": fallback} if fallback else {})}
            except FetchError as err:
                if fallback is None:
                    raise
                log.info("item %s: %s; using the item's own text", e.link, err)
        if fallback is not None:
            return {**meta, "text": fallback}
        raise FeedError("the item has no link and too little text of its own")

    def done(self, feed: Feed, res: PollResult, failed: dict[str, str]) -> None:
        """After the ingest (``failed``: item file -> the ingest's reason): mark the stored items done, the failed
        ones tried; update the feed's record."""
        for path, (key, link, fp) in res.keys.items():
            if path in failed:
                why = f"item {link or key}: {failed[path]}"
                self.store.item_tried(feed.url, key, link, why, fp)
                res.item_errors.append(why)
            else:
                self.store.item_tried(feed.url, key, link, None, fp, done=True)
        stored, _ = self.store.counts(feed.url)
        now = now_iso()
        err = f"{now}: {len(res.item_errors)} items failed; first: {res.item_errors[0]}" if res.item_errors else None
        self.store.update(feed, last_success=now, last_error=err, items_seen=stored)


def open_store(settings) -> FeedStore:
    try:
        return FeedStore.from_settings(settings)
    except (OSError, sqlite3.Error) as e:
        raise FeedError(f"cannot open the feed list {settings.data_dir / 'feeds.sqlite3'}: {e}") from None
