"""Reuters-21578 wire archives (.sgm): one Latin-1 SGML file of many <REUTERS> stories."""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Iterator
from pathlib import Path

from ..clean import _CONTROL
from ..settings import IngestSettings
from ..types import LoadError
from .base import Loaded, Loader, make_article, read_bytes


class ReutersLoader(Loader):
    extensions = (".sgm", ".sgml")

    def load(self, path: Path, settings: IngestSettings) -> Iterator[Loaded]:
        return load_sgm(path, settings.max_file_bytes)


_ATTR = re.compile(r'(\w+)="([^"]*)"')
_OPEN_TAG = {}  # tag -> compiled pattern of its opening tag (attributes bounded in length)


def _element(text: str, tag: str, start: int = 0) -> tuple[int, int, int, int] | None:
    """(open start, inner start, inner end, close end) of the first <tag ...>...</tag> from start.

    A scanner rather than one lazy DOTALL regex: an element that is opened and never closed
    costs one search for its closing tag, not one scan of the rest of the file per opening.
    """
    rx = _OPEN_TAG.get(tag) or _OPEN_TAG.setdefault(tag, re.compile(rf"<{tag}(?:\s[^>]{{0,500}})?>"))
    m = rx.search(text, start)
    if not m:
        return None
    close = text.find(f"</{tag}>", m.end())
    if close < 0:
        return None
    return m.start(), m.end(), close, close + len(tag) + 3


def _sgml_field(block: str, tag: str) -> str | None:
    span = _element(block, tag)
    return block[span[1]:span[2]] if span else None


def _reuters_blocks(raw: str) -> Iterator[tuple[int, str, str]]:
    """(offset, attributes, inner text) of every closed <REUTERS> element."""
    pos = 0
    while (span := _element(raw, "REUTERS", pos)) is not None:
        yield span[0], raw[span[0] + len("<REUTERS"):span[1] - 1], raw[span[1]:span[2]]
        pos = span[3]


def _strip_elements(text: str, tags=("TITLE", "DATELINE", "AUTHOR")) -> str:
    """The bare text of an UNPROC story's <TEXT>, without its title/dateline/author elements."""
    for tag in tags:
        while (span := _element(text, tag)) is not None:
            text = text[:span[0]] + text[span[3]:]
    return _LEFTOVER_TAG.sub("", text)


_LEFTOVER_TAG = re.compile(r"</?[A-Za-z][^<>]{0,100}>")


def _sgml_list(block: str, tag: str) -> list[str]:
    inner = _sgml_field(block, tag) or ""
    return re.findall(r"<D>([^<]*)</D>", inner)


def _unescape(s: str) -> str:
    s = re.sub(r"&#\d+;", "", s)  # wire control codes (&#3; &#22; ...)
    return _CONTROL.sub("", htmllib.unescape(s))  # and raw ones, which a damaged file may hold


def reflow_wire_body(body: str) -> str:
    """Re-join hard-wrapped wire text; an indented line starts a new paragraph."""
    body = body.rstrip()
    if body.endswith("Reuter") and (len(body) == 6 or not body[-7].isalnum()):  # the wire's sign-off
        body = body[:-6].rstrip()
    paras: list[str] = []
    for line in body.split("\n"):
        if not line.strip():
            continue
        if line.startswith((" ", "\t")) or not paras:
            paras.append(line.strip())
        else:
            paras[-1] += " " + line.strip()
    return "\n\n".join(re.sub(r"\s{2,}", " ", p) for p in paras)


def _reuters_date(raw: str | None) -> str | None:
    if not raw:
        return None
    m = re.match(r"\s*(\d{1,2})-([A-Za-z]{3})-(\d{4})(?:\s+(\d+):(\d\d):(\d\d))?", raw)
    if not m:
        return None
    from ..dates import MONTHS as _MONTHS

    d, mon, y, hh, mm, ss = m.groups()
    month = _MONTHS.get(mon.lower())
    if not month:
        return None
    day = f"{int(y):04d}-{month:02d}-{int(d):02d}"
    # one story in the archive has a garbled time ("605:12:19"): keep its date
    return f"{day}T{int(hh):02d}:{mm}:{ss}" if hh and int(hh) < 24 else day


def load_sgm(path: Path, max_bytes: int) -> Iterator[Loaded]:
    raw = read_bytes(path, max_bytes).decode("latin-1")  # Reuters-21578 is Latin-1
    blocks = list(_reuters_blocks(raw))
    if not blocks:
        raise LoadError(str(path), "no <REUTERS> elements found (malformed or not Reuters-21578 SGML)")
    if raw.count("<REUTERS") > len(blocks):
        yield LoadError(str(path), f"{raw.count('<REUTERS') - len(blocks)} <REUTERS> element(s) are not closed; skipped")
    for offset, attr_text, block in blocks:
        attrs = dict(_ATTR.findall(attr_text))
        newid = attrs.get("NEWID")
        if not newid or not newid.isdigit():
            yield LoadError(f"{path} offset {offset}", "<REUTERS> element without a numeric NEWID")
            continue
        title = _unescape(_sgml_field(block, "TITLE") or "").strip()
        dateline = _unescape(_sgml_field(block, "DATELINE") or "").strip().rstrip("- ").strip()
        body = _sgml_field(block, "BODY")
        if body is None:  # TYPE="UNPROC" stories keep their text bare inside <TEXT>
            text_el = _sgml_field(block, "TEXT") or ""
            body = _strip_elements(text_el) if "<BODY>" not in text_el else ""
        text = reflow_wire_body(_unescape(body))
        if not text:
            text = title  # briefs carry only a headline
        where = f"{path} NEWID={newid}"
        if not text:
            yield LoadError(where, "story has neither title nor body")
            continue
        place = dateline.split(",")[0].strip() if dateline else None
        yield make_article(
            f"reuters21578-{newid}", text, path,
            {"title": title.title() if title.isupper() else title, "source": "Reuters",
             "published": _reuters_date(_sgml_field(block, "DATE")), "dateline": place},
            topics=_sgml_list(block, "TOPICS"), places=_sgml_list(block, "PLACES"),
            orgs=_sgml_list(block, "ORGS"), people=_sgml_list(block, "PEOPLE"),
            newid=newid, oldid=attrs.get("OLDID"),
        )
