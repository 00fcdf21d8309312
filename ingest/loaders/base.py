"""What every loader shares: the ``Loader`` base and registry, reading bytes safely,
and building an ``Article`` from text and metadata.

A loader never raises for bad content in a record: it yields a ``LoadError`` naming
the file (and the record, for multi-document files) so the rest of the batch goes
on; a whole-file problem may be raised as ``LoadError``. Metadata comes from the
page structure, the SGML/JSON fields or an optional sidecar ``<file>.meta.json``,
never from free text in the body.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar, Union

from ..dates import iso_date
from ..instructions import flag_instructions
from ..settings import IngestSettings
from ..types import Article, LoadError

Loaded = Union[Article, LoadError]
META_FIELDS = ("title", "source", "published", "url", "byline", "dateline")
LOADERS: dict[str, "Loader"] = {}  # file extension -> loader


class Loader:
    """One file format. Subclasses set ``extensions`` and implement ``load``."""

    extensions: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        for ext in cls.extensions:
            LOADERS[ext] = cls()

    def load(self, path: Path, settings: IngestSettings) -> Iterator[Loaded]:
        raise NotImplementedError


def slugify(s: str, limit: int = 80) -> str:
    s = re.sub(r"[^A-Za-z0-9]+", "-", s).strip("-").lower()
    return s[:limit].strip("-") or "doc"


def read_bytes(path: Path, max_bytes: int) -> bytes:
    """File bytes, or LoadError for a missing, oversized, empty or binary file."""
    p = str(path)
    if not path.exists():
        raise LoadError(p, "no such file")
    if not path.is_file():
        raise LoadError(p, "not a regular file")
    size = path.stat().st_size
    if size > max_bytes:
        raise LoadError(p, f"file is {size:,} bytes, over the limit of {max_bytes:,} (setting ingest.max_file_bytes)")
    data = path.read_bytes()
    if not data.strip():
        raise LoadError(p, "empty file")
    if b"\x00" in data[:65536]:
        raise LoadError(p, "binary file (contains NUL bytes), not text")
    return data


def decode_utf8(path: Path, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise LoadError(str(path), f"not valid UTF-8 (byte 0x{data[e.start]:02x} at offset {e.start}); re-save the file as UTF-8") from None


def sidecar(path: Path) -> dict:
    """Optional ``<file>.meta.json`` with title/source/published/url/byline/dateline overrides."""
    side = path.with_name(path.name + ".meta.json")
    if not side.exists():
        return {}
    try:
        meta = json.loads(side.read_text(encoding="utf-8"))
    except (ValueError, OSError) as e:
        raise LoadError(str(side), f"invalid metadata sidecar: {e}") from None
    if not isinstance(meta, dict):
        raise LoadError(str(side), "metadata sidecar must hold a JSON object")
    unknown = set(meta) - set(META_FIELDS) - {"id"}
    if unknown:
        raise LoadError(str(side), f"unknown metadata field(s): {', '.join(sorted(unknown))}")
    return meta


def make_article(doc_id: str, text: str, path: Path, meta: dict, override: dict | None = None, **extra) -> Article:
    meta = {**meta, **(override or {})}
    text = text.strip()
    if not text:
        raise LoadError(str(path), "no article text left after cleaning")
    if len(text) > MAX_ARTICLE_CHARS:
        raise LoadError(str(path), f"{len(text):,} characters of text (limit {MAX_ARTICLE_CHARS:,} per article): not a news article")
    return Article(
        doc_id=str(override.get("id") if override and override.get("id") else doc_id),
        text=text,
        title=meta.get("title") or None,
        source=meta.get("source") or None,
        published=iso_date(meta.get("published")),
        url=meta.get("url") or None,
        dateline=meta.get("dateline") or None,
        byline=meta.get("byline") or None,
        dek=meta.get("dek") or None,
        path=str(path),
        extra={k: v for k, v in {**extra, "addressed_to_assistant": flag_instructions(text)}.items() if v},
    )


MAX_LINE_CHARS = 200_000  # a paragraph longer than this is not a news page (and would take minutes to clean)
MAX_ARTICLE_CHARS = 2_000_000


def check_shape(path: Path, text: str) -> str:
    longest = max((len(line) for line in text.splitlines()), default=0)
    if longest > MAX_LINE_CHARS:
        raise LoadError(str(path), f"a single line of {longest:,} characters (limit {MAX_LINE_CHARS:,}): not a news page")
    return text
