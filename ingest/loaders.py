"""Loaders: one function per format, ``path -> Iterator[Article | LoadError]``.

A loader never raises for bad content: it yields a ``LoadError`` naming the
file (and the record, for multi-document files) so the rest of the batch goes
on. Metadata comes from the page structure, the SGML/JSON fields or an
optional sidecar ``<file>.meta.json`` — never from free text in the body.
"""

from __future__ import annotations

import html as htmllib
import json
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Union

from .clean import _CONTROL, clean_scrape, normalize_text, parse_date, strip_furniture
from .types import Article, LoadError

Loaded = Union[Article, LoadError]
META_FIELDS = ("title", "source", "published", "url", "byline", "dateline")


# ---------------------------------------------------------------- helpers
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


def iso_date(value) -> str | None:
    """Normalise a user-supplied date to ISO 8601 (date or datetime), else None."""
    if value in (None, ""):
        return None
    s = str(value).strip()
    if re.fullmatch(r"\d{4}-\d\d-\d\d(?:[T ][\d:.]+(?:Z|[+-]\d\d:?\d\d)?)?", s):
        return s.replace(" ", "T")
    return parse_date(s)


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
        extra={k: v for k, v in extra.items() if v},
    )


MAX_LINE_CHARS = 200_000  # a paragraph longer than this is not a news page (and would take minutes to clean)
MAX_ARTICLE_CHARS = 2_000_000


def check_shape(path: Path, text: str) -> str:
    longest = max((len(line) for line in text.splitlines()), default=0)
    if longest > MAX_LINE_CHARS:
        raise LoadError(str(path), f"a single line of {longest:,} characters (limit {MAX_LINE_CHARS:,}): not a news page")
    return text


# ---------------------------------------------------------------- formats
def load_txt(path: Path, max_bytes: int) -> Iterator[Loaded]:
    text = check_shape(path, decode_utf8(path, read_bytes(path, max_bytes)))
    r = clean_scrape(text)
    meta = {"title": r.title, "source": r.source, "published": r.published, "dateline": r.dateline, "byline": r.byline, "dek": r.dek}
    yield make_article(slugify(path.stem), r.text, path, meta, sidecar(path), captions=r.captions, section=r.section)


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
    if rec.get("html"):
        got = extract_html(str(rec["html"]), url=meta["url"])
        if got is None:
            raise LoadError(str(path), "field 'html' holds no article text")
        body = got.pop("text")
        meta = {k: v or got.get(k) for k, v in meta.items()}
    elif rec.get("text"):
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


# Reuters-21578 SGML ---------------------------------------------------------
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
    from .clean import _MONTHS

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


LOADERS: dict[str, Callable[..., Iterator[Loaded]]] = {
    ".txt": load_txt, ".text": load_txt,
    ".html": load_html, ".htm": load_html,
    ".md": load_md, ".markdown": load_md,
    ".jsonl": load_jsonl,
    ".sgm": load_sgm, ".sgml": load_sgm,
    ".urls": load_urls,
}


def supported(path: Path) -> bool:
    return path.suffix.lower() in LOADERS and not path.name.endswith(".meta.json")


def _is_project_doc(f: Path) -> bool:
    """README/LICENSE files inside a corpus folder describe it; they are not news."""
    return f.stem.upper() in ("README", "LICENSE", "CHANGELOG", "NOTICE")


def expand_paths(paths: Iterable[str | Path]) -> Iterator[Path | LoadError]:
    """Files named directly, and supported files under named folders (sorted)."""
    for p in map(Path, paths):
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                rel = f.relative_to(p).parts
                if f.is_file() and supported(f) and not any(x.startswith(".") for x in rel) and not _is_project_doc(f):
                    yield f
        elif not p.exists():
            yield LoadError(str(p), "no such file or folder")
        elif not supported(p):
            yield LoadError(str(p), f"unsupported file type {p.suffix or '(none)'!r}; expected one of {', '.join(sorted(LOADERS))}")
        else:
            yield p


def load_file(path: Path, max_bytes: int = 50 * 1024 * 1024, url_timeout_s: float = 20.0,
              allow_private_urls: bool = False) -> list[Loaded]:
    """Every document of one file, in this process; errors are returned, never raised.

    Untrusted files are read through ``ingest.reader.FileReader``, which runs this in a
    worker process with a hard per-file deadline.
    """
    loader = LOADERS.get(path.suffix.lower())
    if loader is None:
        return [LoadError(str(path), f"unsupported file type {path.suffix!r}")]
    kwargs = {"timeout_s": url_timeout_s, "allow_private": allow_private_urls} if loader is load_urls else {}
    try:
        items = list(loader(path, max_bytes, **kwargs))
    except LoadError as e:
        return [e]
    except (OSError, ValueError, RecursionError, MemoryError) as e:  # malformed beyond the loader's checks
        return [LoadError(str(path), f"{type(e).__name__}: {e}")]
    except Exception as e:  # untrusted input must never stop a batch: report it against the file
        return [LoadError(str(path), f"unexpected {type(e).__name__} while reading: {e}")]
    if not items:  # e.g. a JSONL file of blank lines: say so rather than silently store nothing
        return [LoadError(str(path), "no documents found in the file")]
    return items
