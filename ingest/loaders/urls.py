"""Link lists (.urls): each http(s) line fetched (SSRF-guarded, with a timeout) and extracted."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from ..settings import IngestSettings
from ..types import LoadError
from .base import Loaded, Loader, decode_utf8, make_article, read_bytes, slugify
from .html import extract_html


class UrlListLoader(Loader):
    extensions = (".urls",)

    def load(self, path: Path, settings: IngestSettings) -> Iterator[Loaded]:
        return load_urls(path, settings.max_file_bytes, settings.url_timeout_s, settings.allow_private_urls)


def load_urls(path: Path, max_bytes: int, timeout_s: float = 20.0, allow_private: bool = False) -> Iterator[Loaded]:
    """A list of links, one per line ('#' comments allowed), each fetched and extracted."""
    import trafilatura
    from trafilatura.settings import use_config

    cfg = use_config()
    cfg.set("DEFAULT", "DOWNLOAD_TIMEOUT", str(int(max(1, timeout_s))))
    cfg.set("DEFAULT", "MAX_FILE_SIZE", str(max_bytes))
    cfg.set("DEFAULT", "SLEEP_TIME", "0")
    # trafilatura refuses private and loopback addresses unless told otherwise
    cfg.set("DEFAULT", "SSRF_PROTECTION", "False" if allow_private else "True")
    text = decode_utf8(path, read_bytes(path, max_bytes))
    for lineno, line in enumerate(text.splitlines(), 1):
        url = line.strip()
        if not url or url.startswith("#"):
            continue
        where = f"{path} line {lineno} ({url})"
        if not re.match(r"https?://", url):
            yield LoadError(where, "not an http(s) URL")
            continue
        html = trafilatura.fetch_url(url, config=cfg)
        if not html:
            yield LoadError(where, "could not fetch the page (network error, timeout, or non-200 status)")
            continue
        meta = extract_html(html, url=url)
        if meta is None:
            yield LoadError(where, "no article text found in the page")
            continue
        body = meta.pop("text")
        try:
            yield make_article(slugify(re.sub(r"^https?://(www\.)?", "", url)), body, path, {**meta, "url": url})
        except LoadError as e:
            yield LoadError(where, e.reason)
