"""Cleaning plain-text scrapes of news pages.

A scraped page is the article surrounded by site furniture: icon and
navigation labels glued together, section labels, photo captions, sponsored
blocks, paywall and subscription offers, ``{{template}}`` placeholders and
marketing lines repeated in several layouts. No library cleans this kind of
*plain text* well (HTML extractors need the markup), so the rules are written
here, from how such pages are built rather than from any one page:

1. The page is cut into *units*: paragraphs, with soft-wrapped lines re-joined.
2. Each unit is classified by its own shape: template placeholders, glued
   icon labels, paywall/marketing vocabulary, sponsored markers, captions,
   byline/contributor lines, date lines, and lines that repeat elsewhere on the
   page (responsive layouts print the same offer two or three times).
3. The article body is the span from the first to the last *prose* unit (a
   full sentence-ended paragraph) that is not furniture; inside it, furniture
   and captions are removed, everything else is kept verbatim.
4. Above the body, the remaining short lines give section, title and dek;
   the first body paragraph gives the dateline; furniture lines give the
   outlet where the page names it (copyright line, "staff writer", "access to
   the X").
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from .dates import parse_date

# --------------------------------------------------------------------------
# vocabulary of page furniture (lower-case regexes, matched on a whole unit)
# --------------------------------------------------------------------------
_PAYWALL = re.compile(
    r"\bsubscri(?:be|ption|bers? only)\b|\bfree articles?\b|\bunlimited access\b|\btrial (?:period|offer)\b"
    r"|\bfree trial\b|\boffer ends\b|\bsign (?:in|up)\b|\blog ?in\b|\bregister (?:now|for free)\b"
    r"|\bnewsletters?\b|\ball rights reserved\b|\bcookies?\b|\bprivacy (?:policy|notice)\b"
    r"|\bterms of (?:use|service)\b|\bdownload (?:our|the) app\b|\bfollow us\b|\bshare (?:this|on)\b"
    r"|\bread (?:more|next)\b|\bclick here\b|\badvertis(?:e|ement|ing)\b|\bsee all offers\b"
    r"|\bget (?:unlimited|full|digital) access\b|\bmobile and tablet apps?\b|\byour (?:trial|access|subscription)\b"
    r"|\bmost (?:read|popular)\b|\brelated (?:articles?|stories|content)\b|\brecommended for you\b"
    r"|\bcontent (?:was )?commissioned by\b|\bpaid (?:post|content)\b|\bpartner content\b|\bsponsored\b",
    re.IGNORECASE,
)
# a unit that is only a block marker
_MARKER = re.compile(
    r"^(?:sponsored(?: content| by .*)?|advertisement|advert|ad|paid (?:post|content)|partner content|promoted"
    r"|related|related articles|more from .*|read more|share|comments?|trending|most read|latest|tags[:\s].*|tag:.*)\W*$",
    re.IGNORECASE,
)
# a navigation bar scraped as one line: "World | Asia | Markets | Trade" (a scanner, not a
# regex: the pattern this replaces backtracked exponentially on "a / a / ... bbbb")
_NAV_SEPARATORS = re.compile(r"[|·•>»/]")


def is_navbar(u: str) -> bool:
    """Three or more short labels (1-30 characters) between separators, and nothing else."""
    parts = _NAV_SEPARATORS.split(u)
    return len(parts) >= 3 and all(p.strip() and len(p.strip()) <= 30 for p in parts)
_TEMPLATE = re.compile(r"\{\{[^{}]{0,200}\}\}|\{%[^{}]{0,200}%\}|\$\{[^{}]{0,100}\}")
_CAPTION = re.compile(
    r"\((?:photo|photograph|image|picture|video)s?\b[^)]{0,120}\)\s*$|^(?:photo|photograph|image|file photo)\s*:"
    r"|\b(?:getty images|ap photo|afp via getty|reuters/[a-z]+|photo credit|credit:)",
    re.IGNORECASE,
)
_BYLINE_LEAD = re.compile(r"^(?i:by|written by|reporting by)\s+[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){0,4}(?:\s*(?:,|and|&)\s*.*)?$")
_CONTRIBUTOR = re.compile(
    r"\b(?:contributed (?:to )?(?:this|the) (?:report|article|story)|additional reporting by|reporting by|editing by"
    r"|writing by|compiled by)\b",
    re.IGNORECASE,
)
_STAFF = re.compile(r"^[A-Z][\w&.' -]{1,40}\s+(?:staff writers?|correspondents?|reporters?)\b")
_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z.'\-]+(?:[ ,]+[A-Z][A-Z.'\-]+){0,3})"  # TOKYO / WASHINGTON / NEW YORK / SAO PAULO
    r"(?:,\s*(?P<date>[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:,\s*\d{4})?))?"  # , May 25
    r"\s*(?:\((?P<agency>[A-Za-z .]{2,30})\))?"  # (Reuters)
    r"\s*(?:--|—|–|-)\s+"
)
_DATE_LINE = re.compile(r"^(?:published|updated|posted|first published|last updated|date)?\s*:?\s*", re.IGNORECASE)
_OUTLET_PATTERNS = [
    re.compile(r"(?:©|\(c\)|copyright)\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?\s*)?(?:the\s+)?(?P<o>[A-Z][\w&.' ]{1,50}?)(?:[.,;|]|\s+all rights|\s*$)", re.IGNORECASE),
    re.compile(r"access to (?:the )?(?P<o>[A-Z][\w&.' ]{1,50}?) has expired"),
    re.compile(r"^(?P<o>[A-Z][\w&.' ]{1,40}?)\s+staff writers?\b"),
    re.compile(r"^(?:this (?:article|story) (?:first )?appeared (?:in|on)|originally published (?:in|on|by))\s+(?:the\s+)?(?P<o>[A-Z][\w&.' ]{1,50}?)[.,]?$", re.IGNORECASE),
]
_AGENCIES = {"reuters": "Reuters", "ap": "Associated Press", "afp": "AFP", "kyodo": "Kyodo", "xinhua": "Xinhua", "bloomberg": "Bloomberg"}

_TAIL = 64  # characters at the end of a unit that can decide whether it ends a sentence
# a unit longer than this is article text, never furniture: the furniture patterns only run on
# shorter units, so no pattern ever sees a huge line
MAX_FURNITURE_CHARS = 5_000
_TERMINAL = re.compile(r"[.!?][\"'”’)\]]*\s*$|[\"”’]\s*$")
_WORD = re.compile(r"[^\W\d_][\w'’.-]*", re.UNICODE)
_GLUED = re.compile(r"[a-z][A-Z]")


@dataclass
class Unit:
    text: str
    kind: str = "text"  # set by classify()
    reason: str = ""


@dataclass
class CleanResult:
    text: str
    title: str | None = None
    dek: str | None = None
    section: str | None = None
    dateline: str | None = None
    byline: str | None = None
    source: str | None = None
    published: str | None = None
    captions: list[str] = field(default_factory=list)
    dropped: list[tuple[str, str]] = field(default_factory=list)  # (reason, text)


# --------------------------------------------------------------------------
# normalisation and units
# --------------------------------------------------------------------------
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200d\ufeff]")


def normalize_text(raw: str) -> str:
    """Unicode NFC, unified newlines, no control characters, no placeholders."""
    text = unicodedata.normalize("NFC", raw).replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text).replace("\u00a0", " ").replace("\t", " ")
    return text


def split_units(text: str) -> list[str]:
    """Paragraph-like units: blank lines separate; soft wraps are re-joined.

    A line continues the previous one when the previous one does not end a
    sentence and this one starts in lower case or with punctuation (the way a
    narrow layout wraps a sentence), or when both belong to one indented
    wire-style paragraph.
    """
    units: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        lines = [ln.strip() for ln in block.split("\n")]
        lines = [ln for ln in lines if ln]
        parts: list[str] = []  # the lines of the unit being joined (joined once: no quadratic re-joins)
        for ln in lines:
            tail = "".join(parts[-2:])[-_TAIL:]  # a sentence end is decided by the unit's last characters
            if parts and not _TERMINAL.search(tail) and (ln[0].islower() or ln[0] in ".,;:)!?" or tail.endswith((",", ";", "-", "—"))):
                parts.append(ln if ln[0] in ".,;:)!?" else " " + ln)
            else:
                if parts:
                    units.append("".join(parts).strip())
                parts = [ln]
        if parts:
            units.append("".join(parts).strip())
    return [re.sub(r"[ ]{2,}", " ", u) for u in units]


def _tokens(u: str) -> list[str]:
    return re.findall(r"\w+", u.lower())


def _words(u: str) -> list[str]:
    return _WORD.findall(u)


def is_prose(u: str) -> bool:
    """A full written paragraph: enough words, ends like a sentence, mostly lower case."""
    words = _words(u)
    if len(words) < 9 or not _TERMINAL.search(u):
        return False
    lower = sum(1 for w in words if w[0].islower())
    return lower / len(words) >= 0.4


def is_icon_run(u: str) -> bool:
    """Icon and navigation labels scraped together ("ChevronIcon FacebookIcon ...")."""
    if "created with sketch" in u.lower():
        return True
    if re.search(r"[.!?。！？][\"'”’)]*\s*$", u):
        return False
    toks = u.split()
    if not toks:
        return False
    glued = sum(1 for t in toks if _GLUED.search(t) and not re.search(r"^(?:Mc|Mac|O')", t))
    return len(toks) >= 3 and glued / len(toks) >= 0.3


def _is_date_line(u: str) -> bool:
    rest = _DATE_LINE.sub("", u, count=1)
    return len(_words(rest)) <= 8 and parse_date(rest) is not None and not is_prose(u)


MAX_CONTAINMENT_UNITS = 3_000  # units per page for the "contained in another unit" repeat test


def _repeated_keys(units: list[str]) -> set[int]:
    """Indexes of units whose words reappear elsewhere on the page (>= 4 words).

    Responsive pages print the same offer in two or three layouts, often cut
    differently ("See all offers" / "See all offers and subscribe"), so a unit
    counts as repeated when its token string is contained in another unit's.
    """
    keys = [" ".join(_tokens(u)) if len(u) <= MAX_FURNITURE_CHARS else "" for u in units]
    counts = Counter(keys)
    out = {i for i, k in enumerate(keys) if k and counts[k] > 1 and len(k.split()) >= 3}
    if len(units) > MAX_CONTAINMENT_UNITS:  # containment is quadratic: a page this long gets exact repeats only
        return out
    padded = [f" {k} " for k in keys]
    for i, k in enumerate(keys):
        if i in out or len(k.split()) < 3:
            continue
        needle = f" {k} "
        if any(len(other) > len(needle) and needle in other for other in padded):
            out.add(i)
    return out


def classify(units: list[str], page_rules: bool = True) -> list[Unit]:
    """Label each unit. ``page_rules=False`` keeps only the rules that are safe on
    text an HTML extractor already cut to the article (no repetition rule, and
    marketing vocabulary only on short lines that are not sentences)."""
    repeated = _repeated_keys(units) if page_rules else set()
    out = []
    for i, u in enumerate(units):
        unit = Unit(u)
        if len(u) > MAX_FURNITURE_CHARS:
            unit.kind = "prose" if is_prose(u) else "text"
            out.append(unit)
            continue
        low = u.lower()
        n_words = len(_words(u))
        if _TEMPLATE.search(u):
            unit.kind, unit.reason = "furniture", "template placeholder"
        elif is_icon_run(u):
            unit.kind, unit.reason = "furniture", "icon/navigation labels"
        elif is_navbar(u) and n_words <= 3 * (u.count("|") + u.count("·") + u.count("•") + u.count(">") + u.count("»") + u.count("/") + 1) and not _TERMINAL.search(u):
            unit.kind, unit.reason = "furniture", "navigation bar"
        elif _MARKER.match(u.strip()):
            unit.kind, unit.reason = "furniture", "block marker"
        elif _CAPTION.search(u):
            unit.kind, unit.reason = "caption", "photo caption"
        elif _CONTRIBUTOR.search(u) and n_words <= 30:
            unit.kind, unit.reason = "byline", "contributor line"
        elif (_BYLINE_LEAD.match(u) or _STAFF.match(u)) and n_words <= 12:
            unit.kind, unit.reason = "byline", "byline"
        elif _PAYWALL.search(low) and (
            (n_words <= 30 or not is_prose(u)) if page_rules else (n_words <= 12 and not _TERMINAL.search(u))
        ):
            unit.kind, unit.reason = "furniture", "paywall/marketing"
        elif i in repeated and not is_prose(u) or (i in repeated and n_words <= 25):
            unit.kind, unit.reason = "furniture", "repeated on page"
        elif _is_date_line(u):
            unit.kind, unit.reason = "date", "date line"
        elif page_rules and (re.fullmatch(r"[\W\d_]*", u) or u.startswith(("•", "·", "|")) and n_words <= 12):
            unit.kind, unit.reason = "furniture", "list/menu item"
        elif is_prose(u):
            unit.kind = "prose"
        out.append(unit)
    return out


def _find_outlet(units: list[Unit], dateline_agency: str | None) -> str | None:
    for rx in _OUTLET_PATTERNS:
        for unit in units:
            m = rx.search(unit.text.strip())
            if m:
                name = m.group("o").strip(" .,'")
                if 2 <= len(name) <= 50 and not name.lower().startswith(("all ", "this ", "our ")):
                    return name
    if dateline_agency:
        return _AGENCIES.get(dateline_agency.lower().strip(" ."), dateline_agency.strip())
    return None


def strip_dateline(text: str) -> str:
    """The text without a leading dateline ("TOKYO, March 2 (Harbour Wire) - "): it dates the story, not what follows."""
    return _DATELINE.sub("", text, count=1)


def extract_dateline(first_paragraph: str) -> tuple[str | None, str | None]:
    """("TOKYO", agency) from "TOKYO -- ..." / "WASHINGTON, May 3 (Reuters) - ..."."""
    m = _DATELINE.match(first_paragraph)
    if not m:
        return None, None
    place = m.group("place").strip(" ,")
    if len(place) < 2 or not any(c.isalpha() for c in place):
        return None, None
    return place, m.group("agency")


def clean_scrape(raw: str) -> CleanResult:
    """Clean one plain-text page scrape; see the module doc for the rules."""
    units = classify(split_units(normalize_text(raw)))
    prose_idx = [i for i, u in enumerate(units) if u.kind == "prose"]
    result = CleanResult(text="")
    if not prose_idx:
        # No full paragraph anywhere: keep whatever is not furniture (a short
        # brief or a bulleted note is still content).
        body = [u for u in units if u.kind in ("text", "date")]
        first, last = 0, len(units) - 1
    else:
        first, last = prose_idx[0], prose_idx[-1]
        body = [u for u in units[first : last + 1] if u.kind in ("prose", "text")]

    for i, u in enumerate(units):
        inside = first <= i <= last
        if u.kind == "caption":
            result.captions.append(u.text)
        elif u.kind == "byline":
            result.byline = f"{result.byline}; {u.text}" if result.byline else u.text
        elif u.kind == "date" and result.published is None:
            result.published = parse_date(u.text)
        elif u.kind == "furniture" or (not inside and u.kind not in ("text",)):
            if u.kind == "furniture":
                result.dropped.append((u.reason, u.text))

    # Above the body: section label, title, dek (short lines that are not furniture).
    head = [u for u in units[:first] if u.kind == "text"] if prose_idx else []
    titled = [u for u in head if len(_words(u.text)) >= 4]
    if titled:
        result.title = titled[0].text
        t_pos = head.index(titled[0])
        labels = [u.text for u in head[:t_pos] if len(_words(u.text)) <= 4]
        result.section = labels[-1] if labels else None
        rest = [u.text for u in head[t_pos + 1 :] if len(_words(u.text)) >= 4]
        result.dek = rest[0] if rest else None
    elif head:
        result.title = head[-1].text
    for u in head:
        if u.text not in (result.title, result.dek, result.section):
            result.dropped.append(("page label", u.text))
    # After the body: short leftovers are page furniture.
    for u in units[last + 1 :]:
        if u.kind == "text":
            result.dropped.append(("after article", u.text))

    agency = None
    if body:
        result.dateline, agency = extract_dateline(body[0].text)
    result.source = _find_outlet(units, agency)
    result.text = "\n\n".join(u.text for u in body).strip()
    return result


def strip_furniture(text: str) -> str:
    """Drop furniture units from already-extracted article text (e.g. HTML output).

    Keeps the order and wording of everything else; used after trafilatura,
    which removes page chrome by markup but lets paywall and template lines
    through when they sit inside the article container.
    """
    units = classify(split_units(normalize_text(text)), page_rules=False)
    kept = [u.text for u in units if u.kind != "furniture"]
    return "\n\n".join(kept).strip()
