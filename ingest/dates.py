"""Dates, in one module: reading them from page text and user input, and using stored ones.

Stored dates are ISO strings (``2019-05-25`` or a full timestamp). ``parse_date``
finds a full calendar date in free text ("May 25, 2019", "25 May 2019");
``iso_date`` normalises what a user or a feed supplies; anything else is treated
as unknown rather than guessed.
"""

from __future__ import annotations

import re
from datetime import date, datetime

_EPOCH = date(1970, 1, 1)
MONTHS = {
    m: i + 1
    for i, ms in enumerate(
        [
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
            ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
            ("oct", "october"), ("nov", "november"), ("dec", "december"),
        ]
    )
    for m in ms
}
_MONTH_RE = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
_DATE_MDY = re.compile(rf"\b(?P<m>{_MONTH_RE})\s+(?P<d>\d{{1,2}}),?\s+(?P<y>(?:19|20)\d\d)\b", re.IGNORECASE)
_DATE_DMY = re.compile(rf"\b(?P<d>\d{{1,2}})\s+(?P<m>{_MONTH_RE})\s+(?P<y>(?:19|20)\d\d)\b", re.IGNORECASE)
_DATE_ISO = re.compile(r"\b(?P<y>(?:19|20)\d\d)-(?P<m>\d\d)-(?P<d>\d\d)\b")


def parse_day(published: str | None) -> date | None:
    """The calendar day of an ISO date or timestamp, or None when absent or malformed."""
    if not published:
        return None
    try:
        return date.fromisoformat(published[:10])
    except ValueError:
        return None


def published_day(published: str | None) -> int | None:
    """Days since 1970-01-01, for range filters and recency (None if unknown)."""
    d = parse_day(published)
    return None if d is None else (d - _EPOCH).days


def days_apart(a: str | None, b: str | None) -> int:
    """Whole days between two dates; 0 when either is unknown."""
    da, db = parse_day(a), parse_day(b)
    return abs((da - db).days) if da and db else 0


def parse_date(s: str) -> str | None:
    """First full calendar date in s, as ISO 8601 (YYYY-MM-DD)."""
    for rx in (_DATE_ISO, _DATE_MDY, _DATE_DMY):
        m = rx.search(s)
        if not m:
            continue
        mo = m.group("m")
        month = int(mo) if mo.isdigit() else MONTHS.get(mo.lower().rstrip("."))
        try:
            return datetime(int(m.group("y")), int(month), int(m.group("d"))).date().isoformat()
        except (TypeError, ValueError):
            continue
    return None


def iso_date(value) -> str | None:
    """Normalise a user-supplied date to ISO 8601 (date or datetime), else None."""
    if value in (None, ""):
        return None
    s = str(value).strip()
    if re.fullmatch(r"\d{4}-\d\d-\d\d(?:[T ][\d:.]+(?:Z|[+-]\d\d:?\d\d)?)?", s):
        return s.replace(" ", "T") if parse_day(s) else None  # 2020-02-30 is no date
    return parse_date(s)
