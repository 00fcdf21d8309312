"""Feeds and exports (.jsonl): one JSON object per line, with 'text' or 'html' and metadata fields."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

from ..clean import clean_scrape
from ..settings import IngestSettings
from ..types import Article, LoadError
from .base import Loaded, Loader, decode_utf8, make_article, read_bytes, slugify
from .html import extract_html


class JsonlLoader(Loader):
    extensions = (".jsonl",)

    def load(self, path: Path, settings: IngestSettings) -> Iterator[Loaded]:
        return load_jsonl(path, settings.max_file_bytes)


def load_jsonl(path: Path, max_bytes: int) -> Iterator[Loaded]:
    text = decode_utf8(path, read_bytes(path, max_bytes))
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path} line {lineno}"
        try:
            rec = json.loads(line)
        except ValueError as e:
            yield LoadError(where, f"invalid JSON ({e.msg} at column {e.colno})")
            continue
        if not isinstance(rec, dict):
            yield LoadError(where, "each line must be a JSON object")
            continue
        try:
            yield _jsonl_record(path, lineno, rec)
        except LoadError as e:
            yield LoadError(where, e.reason)


def _jsonl_record(path: Path, lineno: int, rec: dict) -> Article:
    for key in ("title", "text", "html", "url", "date", "published", "source", "outlet", "id", "byline", "author"):
        if key in rec and rec[key] is not None and not isinstance(rec[key], (str, int, float)):
            raise LoadError(str(path), f"field {key!r} must be a string")
    meta = {
        "title": rec.get("title"), "url": rec.get("url"),
        "published": rec.get("published") or rec.get("date"),
        "source": rec.get("source") or rec.get("outlet"),
        "byline": rec.get("byline") or rec.get("author"), "dateline": rec.get("dateline"),
    }
    got = extract_html(str(rec["html"]), url=meta["url"]) if rec.get("html") else None
    if got is not None and len(got["text"]) < int(rec.get("min_chars") or 0):
        got = None  # (a feed item's page whose "article" is a cookie notice)
    if got is not None:
        body = got.pop("text")
        # the record's fields win, unless it says the page's own metadata comes first (a feed item's page)
        meta = {k: (got.get(k) or v) if rec.get("page_first") else (v or got.get(k)) for k, v in meta.items()}
    elif rec.get("html") and not rec.get("text"):
        raise LoadError(str(path), "field 'html' holds no article text" + (" (nor does the item's own text suffice)"
                                                                             if rec.get("min_chars") else ""))
    elif rec.get("text"):  # (also the fallback of an 'html' page that yields no article)
        r = clean_scrape(str(rec["text"]))
        body = r.text
        meta = {**meta, "dateline": meta["dateline"] or r.dateline, "byline": meta["byline"] or r.byline, "title": meta["title"] or r.title}
    else:
        raise LoadError(str(path), "needs a 'text' or 'html' field")
    if rec.get("id") not in (None, ""):
        doc_id = str(rec["id"])
    elif meta.get("url"):
        doc_id = slugify(re.sub(r"^https?://(www\.)?", "", str(meta["url"])))
    else:
        doc_id = f"{slugify(path.stem)}-{lineno}"
    return make_article(doc_id, body, path, meta)
