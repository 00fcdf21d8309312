"""The plain data passed between ingest steps."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Article:
    """One cleaned document, ready to chunk.

    ``text`` is the cleaned body; citations point at character offsets in it.
    Metadata always comes from the loader (page structure, SGML fields, JSONL
    keys, sidecar files), never from free text inside the body.
    """

    doc_id: str
    text: str
    title: str | None = None
    source: str | None = None  # outlet
    published: str | None = None  # ISO 8601 date or datetime
    url: str | None = None
    dateline: str | None = None
    byline: str | None = None
    dek: str | None = None
    path: str | None = None  # the file (or url list) it came from
    extra: dict = field(default_factory=dict)  # topics, places, captions, section ...

    @property
    def content_hash(self) -> str:
        """Hash of everything that ends up in the store: text and metadata."""
        payload = asdict(self)
        payload.pop("path")  # moving a file does not change its content
        return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()

    def metadata(self) -> dict:
        """Metadata as shown to users (and `tradechat clean --json`)."""
        return {
            "doc_id": self.doc_id,
            "title": self.title,
            "source": self.source,
            "published": self.published,
            "url": self.url,
            "dateline": self.dateline,
            "byline": self.byline,
            "dek": self.dek,
            "path": self.path,
            **({"extra": self.extra} if self.extra else {}),
        }


@dataclass(frozen=True)
class Chunk:
    doc_id: str
    index: int
    text: str
    start: int  # character offsets into Article.text
    end: int
    n_wordpieces: int  # as counted by the embedder's tokenizer
    n_tiktoken: int  # for context budgeting at answer time

    @property
    def chunk_id(self) -> str:
        return f"{self.doc_id}::{self.index}"


class LoadError(Exception):
    """A file (or one record in it) could not be loaded; the message names it."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason

    def __reduce__(self):  # errors travel back from the reader process
        return (LoadError, (self.path, self.reason))


def count(n: int, word: str, plural: str | None = None) -> str:
    """'1 chunk', '2 chunks', '1 document has' style counts for messages."""
    return f"{n:,} {word if n == 1 else plural or word + 's'}"
