"""Saved web pages (.html): the article body and metadata extracted with trafilatura."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..clean import strip_furniture
from ..settings import IngestSettings
from ..types import LoadError
from .base import Loaded, Loader, make_article, read_bytes, sidecar, slugify


class HtmlLoader(Loader):
    extensions = (".html", ".htm")

    def load(self, path: Path, settings: IngestSettings) -> Iterator[Loaded]:
        return load_html(path, settings.max_file_bytes)


_MIN_PRECISE_WORDS = 60


def extract_html(html: str | bytes, url: str | None = None) -> dict | None:
    """Article text and metadata from raw HTML with trafilatura (precision-leaning)."""
    import trafilatura

    def run(**mode) -> dict:
        doc = trafilatura.bare_extraction(
            html, url=url, include_comments=False, include_tables=True, include_images=False,
            with_metadata=True, deduplicate=False, **mode,
        )
        return (doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)) if doc is not None else {}

    d = run(favor_precision=True)
    text = strip_furniture(d.get("text") or "")
    if len(text.split()) < _MIN_PRECISE_WORDS:
        # Precision mode sometimes keeps only a notice box on pages whose body it
        # did not recognise; the default mode then finds the article.
        alt = run()
        alt_text = strip_furniture(alt.get("text") or "")
        if len(alt_text.split()) > 2 * max(1, len(text.split())):
            d, text = alt, alt_text
    if not text:
        return None
    # the extractor keeps the headline and standfirst as the first lines
    for head in (d.get("title"), d.get("description")):
        first, _, rest = text.partition("\n")
        if head and rest and first.strip() == head.strip():
            text = rest.lstrip()
    return {
        "text": text, "title": d.get("title"), "source": d.get("sitename"), "published": d.get("date"),
        "url": d.get("url") or url, "byline": d.get("author"), "dek": d.get("description"),
    }


def load_html(path: Path, max_bytes: int) -> Iterator[Loaded]:
    data = read_bytes(path, max_bytes)
    meta = extract_html(data)
    if meta is None:
        raise LoadError(str(path), "no article text found in the HTML")
    text = meta.pop("text")
    yield make_article(slugify(path.stem), text, path, meta, sidecar(path))
