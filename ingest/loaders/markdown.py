"""Markdown (.md): front matter for metadata, the first heading as the title, markup removed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from ..clean import normalize_text, strip_furniture
from ..settings import IngestSettings
from .base import Loaded, Loader, check_shape, decode_utf8, make_article, read_bytes, sidecar, slugify


class MarkdownLoader(Loader):
    extensions = (".md", ".markdown")

    def load(self, path: Path, settings: IngestSettings) -> Iterator[Loaded]:
        return load_md(path, settings.max_file_bytes)


_FRONT = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)


def load_md(path: Path, max_bytes: int) -> Iterator[Loaded]:
    text = normalize_text(check_shape(path, decode_utf8(path, read_bytes(path, max_bytes))))
    meta: dict = {}
    m = _FRONT.match(text)
    if m:
        for line in m.group(1).splitlines():
            k, _, v = line.partition(":")
            if k.strip().lower() in ("title", "source", "published", "date", "url", "byline", "author", "dateline"):
                key = {"date": "published", "author": "byline"}.get(k.strip().lower(), k.strip().lower())
                meta[key] = v.strip().strip("\"'")
        text = text[m.end():]
    h1 = re.search(r"^#[ \t]+(.+)$", text, re.MULTILINE)
    if h1 and "title" not in meta:
        meta["title"] = h1.group(1).strip()
    if h1:
        text = text[: h1.start()] + text[h1.end():]
    # images and links never span a line here: an unclosed "![" then scans one line, not the
    # rest of the file (the cross-line form was quadratic: 20k "![\n" lines took 16 s)
    # (nor hold another bracket: "[a[a[a..." would scan the line once per opening)
    text = re.sub(r"!\[[^\[\]\n]*\]\([^()\n]*\)", "", text)  # images
    text = re.sub(r"\[([^\[\]\n]+)\]\([^()\n]*\)", r"\1", text)  # links -> their text
    text = re.sub(r"^#{1,6}[ \t]+", "", text, flags=re.MULTILINE)
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    yield make_article(slugify(path.stem), strip_furniture(text), path, meta, sidecar(path))
