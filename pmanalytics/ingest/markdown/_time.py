"""Dates, times, zones and durations as post-mortems write them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from dateutil import parser as dateutil_parser

#: Zone names people write in post-mortems -> the zone they mean. Regional abbreviations
#: map to the region's zone, so that summer time is applied on the right dates.
ZONE_ALIASES: dict[str, str] = {
    "utc": "UTC",
    "gmt": "UTC",
    "z": "UTC",
    "zulu": "UTC",
    "pst": "America/Los_Angeles",
    "pdt": "America/Los_Angeles",
    "pt": "America/Los_Angeles",
    "pacific": "America/Los_Angeles",
    "mst": "America/Denver",
    "mdt": "America/Denver",
    "cst": "America/Chicago",
    "cdt": "America/Chicago",
    "est": "America/New_York",
    "edt": "America/New_York",
    "et": "America/New_York",
    "eastern": "America/New_York",
    "bst": "Europe/London",
    "cet": "Europe/Paris",
    "cest": "Europe/Paris",
    "eet": "Europe/Helsinki",
    "eest": "Europe/Helsinki",
    "ist": "Asia/Kolkata",
    "jst": "Asia/Tokyo",
    "aest": "Australia/Sydney",
    "aedt": "Australia/Sydney",
}

_ZONE_WORD = "|".join(sorted(ZONE_ALIASES, key=len, reverse=True))
_AREA_CITY = r"[A-Za-z]+/[A-Za-z_]+"
_STATED_ZONE_PATTERNS = (
    # "All times in PST", "Date and Time in CET", "times are shown in UTC"
    rf"\btimes?\b[^.\n]{{0,30}}?\bin\s+(?P<z>{_ZONE_WORD}|{_AREA_CITY})\b",
    # "Time zone: UTC", "Timezone is Europe/Copenhagen"
    rf"\btime\s*zone\b\s*(?:is|:|=)?\s*(?P<z>{_ZONE_WORD}|{_AREA_CITY})\b",
    # "Time (UTC)", "(all times UTC)", "(UTC)"
    rf"\((?:all\s+)?(?:times?\s+(?:are\s+)?(?:in\s+)?)?(?P<z>{_ZONE_WORD})\)",
)
_STATED_ZONE = [re.compile(pattern, re.IGNORECASE) for pattern in _STATED_ZONE_PATTERNS]
_ISO_DATE = re.compile(r"(?<!\d)(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?!\d)")
_TIME = re.compile(
    r"(?<![\d:])(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?\s*(?P<ampm>[ap]\.?m\.?)?(?![\d])",
    re.IGNORECASE,
)
_ZONE_TOKEN = re.compile(rf"(?<![A-Za-z])(?P<zone>{_ZONE_WORD})(?![A-Za-z])", re.IGNORECASE)
# A UTC offset only where it cannot be a time range ("10:05-10:30"): after UTC/GMT, or
# after an ISO time with seconds or a "T".
_OFFSET = re.compile(
    r"(?:(?:UTC|GMT)\s*|(?<=\d{2}:\d{2}:\d{2})|(?<=T\d{2}:\d{2}))"
    r"(?P<sign>[+-])(?P<oh>\d{1,2})(?::?(?P<om>\d{2}))?(?![\d:])",
    re.IGNORECASE,
)
_MONTH = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b", re.IGNORECASE
)
_NUMERIC_DATE = re.compile(r"\b\d{1,4}[/.]\d{1,2}[/.]\d{2,4}\b")
_FILENAME_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")


def zone_named(name: str) -> tzinfo | None:
    """The zone for a name such as ``PST``, ``UTC`` or ``Europe/Copenhagen``; None if unknown.

    Examples
    --------
    >>> zone_named("PST")
    zoneinfo.ZoneInfo(key='America/Los_Angeles')
    """
    key = name.strip().casefold()
    if key in ZONE_ALIASES:
        return UTC if ZONE_ALIASES[key] == "UTC" else ZoneInfo(ZONE_ALIASES[key])
    if "/" in name:
        try:
            return ZoneInfo(name.strip())
        except (KeyError, ValueError, OSError):
            return None
    return None


def stated_zone(text: str) -> tzinfo | None:
    """The zone a document states for its times ("All times in PST", "Time (UTC)").

    Examples
    --------
    >>> stated_zone("All times in CET.")
    zoneinfo.ZoneInfo(key='Europe/Paris')
    >>> stated_zone("Date and Time in CET")
    zoneinfo.ZoneInfo(key='Europe/Paris')
    >>> stated_zone("nothing here") is None
    True
    """
    for pattern in _STATED_ZONE:
        found = pattern.search(text)
        if found:
            return zone_named(found.group("z"))
    return None


@dataclass(frozen=True)
class Moment:
    """A parsed timestamp and how much of it the text gave."""

    at: datetime
    has_date: bool
    has_time: bool


def parse_moment(text: str, *, default_date: date | None, zone: tzinfo | None) -> Moment | None:
    """Read a date and/or time from a short text such as a timeline cell.

    A time without a date takes ``default_date``; a date without a time is midnight;
    a zone in the text wins over ``zone``; no zone at all means UTC.

    Examples
    --------
    >>> parse_moment("2021-06-22 08:21", default_date=None, zone=None).at.isoformat()
    '2021-06-22T08:21:00+00:00'
    >>> from datetime import date
    >>> m = parse_moment("14:02 PST", default_date=date(2018, 2, 22), zone=None)
    >>> m.at.isoformat()
    '2018-02-22T14:02:00-08:00'
    >>> parse_moment("no time here", default_date=None, zone=None) is None
    True
    """
    text = text.strip().strip("*_`[]()").strip()
    if not text:
        return None
    day: date | None = None
    iso = _ISO_DATE.search(text)
    if iso:
        try:
            day = date(int(iso["y"]), int(iso["m"]), int(iso["d"]))
        except ValueError:
            day = None
    clock = _TIME.search(text)
    moment: time | None = None
    if clock:
        hour, minute = int(clock["h"]), int(clock["mi"])
        ampm = (clock["ampm"] or "").replace(".", "").casefold()
        if ampm == "pm" and hour < 12:
            hour += 12
        elif ampm == "am" and hour == 12:
            hour = 0
        if hour < 24 and minute < 60:
            moment = time(hour, minute, int(clock["s"] or 0))
    if day is None and not iso:
        day = _fuzzy_date(text)
    if day is None and moment is None:
        return None
    has_date = day is not None
    if day is None:
        if default_date is None:
            return None
        day = default_date
    naive = datetime.combine(day, moment or time(0, 0))
    return Moment(_localise(naive, text, zone), has_date, moment is not None)


def _fuzzy_date(text: str) -> date | None:
    if not re.search(r"\d", text) or not (_MONTH.search(text) or _NUMERIC_DATE.search(text)):
        return None
    try:
        parsed = dateutil_parser.parse(
            text, fuzzy=True, ignoretz=True, default=datetime(1900, 1, 1)
        )
    except (ValueError, OverflowError):
        return None
    return None if parsed.year == 1900 else parsed.date()


def _localise(naive: datetime, text: str, zone: tzinfo | None) -> datetime:
    offset = _OFFSET.search(text)
    if offset:
        sign = 1 if offset["sign"] == "+" else -1
        delta = timedelta(hours=int(offset["oh"]), minutes=int(offset["om"] or 0))
        from datetime import timezone

        return naive.replace(tzinfo=timezone(sign * delta))
    token = _ZONE_TOKEN.search(text)
    found = zone_named(token["zone"]) if token else None
    return naive.replace(tzinfo=found or zone or UTC)


def date_in_name(name: str) -> date | None:
    """A ``YYYY-MM-DD`` date in a file name or title, if any.

    Examples
    --------
    >>> date_in_name("2018-02-22-nginx-down.md")
    datetime.date(2018, 2, 22)
    """
    found = _FILENAME_DATE.search(name)
    if not found:
        return None
    try:
        return date(int(found[1]), int(found[2]), int(found[3]))
    except ValueError:
        return None


_DURATION_PART = re.compile(
    r"(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>weeks?|w|days?|d|hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|s)\b",
    re.IGNORECASE,
)
_UNIT_MINUTES = {"w": 7 * 24 * 60, "d": 24 * 60, "h": 60, "m": 1, "s": 1 / 60}


def parse_duration(text: str) -> timedelta | None:
    """A duration such as ``64 minutes``, ``4 hours 42 minutes``, ``11 Days``, ``1h30m``.

    Examples
    --------
    >>> parse_duration("54 hours 10 minutes")
    datetime.timedelta(days=2, seconds=22200)
    >>> parse_duration("N/A") is None
    True
    """
    parts = list(_DURATION_PART.finditer(text))
    if not parts:
        bare = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*", text)
        return timedelta(minutes=float(bare[1])) if bare else None
    minutes = 0.0
    for part in parts:
        unit = part["unit"].casefold()
        key = "m" if unit.startswith("min") or unit == "m" else unit[0]
        minutes += float(part["n"]) * _UNIT_MINUTES[key]
    return timedelta(minutes=minutes)
