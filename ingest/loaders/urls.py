"""Link lists (.urls): each http(s) line fetched (SSRF-guarded, with a timeout) and extracted."""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

from ..settings import IngestSettings
from ..types import LoadError
from .base import Loaded, Loader, decode_utf8, make_article, read_bytes, slugify
from .html import extract_html


class UrlListLoader(Loader):
    extensions = (".urls",)

    def load(self, path: Path, settings: IngestSettings) -> Iterator[Loaded]:
        return load_urls(path, settings.max_file_bytes, settings.url_timeout_s, settings.allow_private_urls)


def refuse_private(url: str) -> str | None:
    """Why this URL may not be fetched (its host is or resolves to a non-public address), or None.

    Checked before any connection is opened, so a refused address is never
    contacted. trafilatura vets the connected peer again, which also covers
    redirects and a name that resolves differently the second time."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port or (443 if parts.scheme.lower() == "https" else 80)
    except ValueError as e:
        return f"not a valid URL ({e})"
    if not host:
        return "no host in the URL"
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as e:
        return f"cannot resolve {host} ({e})"
    for *_, addr in infos:
        ip = ipaddress.ip_address(addr[0].split("%")[0])
        ip = getattr(ip, "ipv4_mapped", None) or ip
        if not ip.is_global:
            return f"refused: {host} is a private, loopback or reserved address ({ip}); setting ingest.allow_private_urls allows it"
    return None


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
        if not re.match(r"https?://", url, re.I):
            yield LoadError(where, "not an http(s) URL")
            continue
        refused = None if allow_private else refuse_private(url)
        if refused:
            yield LoadError(where, refused)
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
