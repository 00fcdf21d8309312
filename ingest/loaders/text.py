"""Plain-text scrapes (.txt): site furniture stripped by the cleaner, metadata read from the page's own lines."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..clean import clean_scrape
from ..settings import IngestSettings
from .base import Loaded, Loader, check_shape, decode_utf8, make_article, read_bytes, sidecar, slugify


class TextLoader(Loader):
    extensions = (".txt", ".text")

    def load(self, path: Path, settings: IngestSettings) -> Iterator[Loaded]:
        return load_txt(path, settings.max_file_bytes)


def load_txt(path: Path, max_bytes: int) -> Iterator[Loaded]:
    text = check_shape(path, decode_utf8(path, read_bytes(path, max_bytes)))
    r = clean_scrape(text)
    meta = {"title": r.title, "source": r.source, "published": r.published, "dateline": r.dateline, "byline": r.byline, "dek": r.dek}
    yield make_article(slugify(path.stem), r.text, path, meta, sidecar(path), captions=r.captions, section=r.section)
