"""Dates and timestamps as exports write them: ISO 8601, Jira's ``11/May/24 03:26 PM``, epochs.

Only unambiguous forms are read: ``05/11/2024`` could be May or November, so it
is refused (pass ``formats=("%m/%d/%Y",)`` when you know). Naive timestamps are
read in the zone ``tz`` (UTC by default).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

__all__ = ["parse_date", "parse_datetime"]

#: Timestamp forms tried after ISO 8601, in order.
DATETIME_FORMATS = (
    "%d/%b/%y %I:%M %p",  # Jira: 11/May/24 03:26 PM
    "%d/%b/%Y %I:%M %p",
    "%d/%b/%y %H:%M",
    "%d/%b/%Y %H:%M",
    "%d/%b/%y %I:%M:%S %p",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%d %b %Y %H:%M:%S",
    "%d %b %Y %H:%M",
    "%d %B %Y %H:%M",
    "%b %d, %Y %I:%M %p",
    "%B %d, %Y %I:%M %p",
    "%b %d, %Y %H:%M",
    "%a, %d %b %Y %H:%M:%S %z",  # RFC 2822
    "%a %b %d %H:%M:%S %Y",
    "%Y-%m-%dT%H:%M:%S%z",
    "%Y-%m-%d %H:%M:%S %z",
)
#: Date forms tried after ISO 8601, in order.
DATE_FORMATS = (
    "%d/%b/%y",  # Jira: 20/May/24
    "%d/%b/%Y",
    "%Y/%m/%d",
    "%d %b %Y",
    "%d %B %Y",
    "%b %d, %Y",
    "%B %d, %Y",
    "%d-%b-%Y",
    "%d-%b-%y",
)
_ZONE_SUFFIX = re.compile(r"\s*(?:Z|UTC|GMT)$", re.IGNORECASE)
_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")
_MS_FROM = 100_000_000_000  # epoch values at least this large are milliseconds


def parse_datetime(value: Any, *, tz: tzinfo = UTC, formats: Sequence[str] = ()) -> datetime:
    """Read a timestamp from an export; naive values are taken to be in ``tz``.

    Accepts datetimes, dates (midnight), epoch seconds or milliseconds (numbers or
    digit strings), ISO 8601, Jira's ``11/May/24 03:26 PM``, ``2024-05-11 15:26``,
    ``2024-05-11 15:26 UTC`` and a few more (:data:`DATETIME_FORMATS`), then
    ``formats``.

    Raises
    ------
    ValueError
        Naming the value, when it is no timestamp this function can read.

    Examples
    --------
    >>> parse_datetime("11/May/24 03:26 PM").isoformat()
    '2024-05-11T15:26:00+00:00'
    >>> parse_datetime("2024-05-11T17:26:00+02:00").isoformat()
    '2024-05-11T17:26:00+02:00'
    >>> parse_datetime(1715441160000).isoformat()
    '2024-05-11T15:26:00+00:00'
    >>> parse_datetime("05/11/2024")
    Traceback (most recent call last):
    ...
    ValueError: cannot read a date and time from '05/11/2024'
    """
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=tz)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=tz)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _from_epoch(value, value)
    if not isinstance(value, str):
        raise ValueError(f"cannot read a date and time from {value!r}")
    text = " ".join(value.split())
    if _NUMBER.fullmatch(text):
        if len(text) == 8 and text.isdigit():  # 20240511
            return _naive_or_raise(value, text, ("%Y%m%d",), tz)
        return _from_epoch(float(text), value)
    stripped = _ZONE_SUFFIX.sub("", text)
    zone = UTC if stripped != text else tz
    try:
        parsed = datetime.fromisoformat(stripped)
    except ValueError:
        return _naive_or_raise(value, stripped, (*DATETIME_FORMATS, *formats), zone)
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=zone)


def parse_date(value: Any, *, formats: Sequence[str] = ()) -> date:
    """Read a calendar date from an export (a due date, a review date).

    Accepts dates, datetimes (their own date), ISO ``2024-05-20``, Jira's ``20/May/24``,
    ``20 May 2024``, ``May 20, 2024`` (:data:`DATE_FORMATS`), ``formats``, and any
    timestamp :func:`parse_datetime` reads.

    Examples
    --------
    >>> parse_date("20/May/24"), parse_date("2024-05-20"), parse_date("20/May/24 12:00 AM")
    (datetime.date(2024, 5, 20), datetime.date(2024, 5, 20), datetime.date(2024, 5, 20))
    >>> parse_date("next week")
    Traceback (most recent call last):
    ...
    ValueError: cannot read a date from 'next week'
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = " ".join(value.split())
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
        for pattern in (*DATE_FORMATS, *formats):
            try:
                return datetime.strptime(text, pattern).date()
            except ValueError:
                continue
    try:
        return parse_datetime(value, formats=formats).date()
    except ValueError:
        raise ValueError(f"cannot read a date from {value!r}") from None


def _naive_or_raise(original: Any, text: str, patterns: Sequence[str], tz: tzinfo) -> datetime:
    for pattern in patterns:
        try:
            parsed = datetime.strptime(text, pattern)
        except ValueError:
            continue
        return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=tz)
    raise ValueError(f"cannot read a date and time from {original!r}")


def _from_epoch(number: float, original: Any) -> datetime:
    seconds = number / 1000 if abs(number) >= _MS_FROM else number
    try:
        return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=seconds)
    except (OverflowError, ValueError):
        raise ValueError(f"cannot read a date and time from {original!r}") from None
