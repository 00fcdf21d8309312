"""Publication dates: the one place an ISO date string becomes a date.

Stored dates are ISO strings (``2019-05-25`` or a full timestamp); anything
else is treated as unknown rather than guessed.
"""

from __future__ import annotations

from datetime import date

_EPOCH = date(1970, 1, 1)


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
