"""The domain model's vocabularies and value rules: statuses, kinds, sections, ids, times.

The plain rules under :mod:`pmanalytics._model`'s classes (and re-exported there): closed
vocabularies, slugs, the bounds of numbers and timestamps, text normalisation, the action
lifecycle's status rules (:func:`is_open_status`, :func:`completion_time`) and how a
validation error is described.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, ValidationError

from ._errors import ModelError

POSTMORTEM_STATUSES = ("draft", "in_review", "reviewed", "closed")
ITEM_SECTIONS = (
    "went_well",
    "lessons_learned",
    "future_considerations",
    "ongoing_problem",
    "other",
)
#: The statuses of an action still to do; ``done`` and ``wont_do`` close it.
OPEN_ACTION_STATUSES = ("open", "in_progress")
#: The template's four sections (``ITEM_SECTIONS`` without ``other``).
TEMPLATE_SECTIONS = ITEM_SECTIONS[:4]
ACTION_STATUSES = ("open", "in_progress", "done", "wont_do")
ACTION_KINDS = ("prevent", "mitigate", "detect", "process", "other")
PARTICIPANT_ROLES = ("facilitator", "scribe", "responder", "observer", "participant")
TIMELINE_KINDS = (
    "trigger",
    "detection",
    "escalation",
    "mitigation",
    "resolution",
    "communication",
    "other",
)

PostMortemStatus = Literal["draft", "in_review", "reviewed", "closed"]
Section = Literal[
    "went_well", "lessons_learned", "future_considerations", "ongoing_problem", "other"
]
ActionStatus = Literal["open", "in_progress", "done", "wont_do"]
ActionKind = Literal["prevent", "mitigate", "detect", "process", "other"]
Role = Literal["facilitator", "scribe", "responder", "observer", "participant"]
TimelineKind = Literal[
    "trigger", "detection", "escalation", "mitigation", "resolution", "communication", "other"
]

_SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")

#: The largest whole number a Corpus table holds (``Int64`` columns): counts, votes, ranks.
MAX_INT = 2**63 - 1
#: The range of a timestamp, in UTC: what microsecond timestamps and Python dates hold.
_FIRST_MOMENT = datetime(1, 1, 1, tzinfo=UTC)
_LAST_MOMENT = datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)


# --------------------------------------------------------------------------- helpers


def format_time(value: datetime) -> str:
    """Format a timestamp compactly for messages, e.g. ``2024-01-01 09:00Z``.

    Examples
    --------
    >>> from datetime import datetime, UTC
    >>> format_time(datetime(2024, 1, 1, 9, 0, tzinfo=UTC))
    '2024-01-01 09:00Z'
    """
    text = value.strftime("%Y-%m-%d %H:%M")
    if value.second or value.microsecond:
        text += value.strftime(":%S")
    offset = value.utcoffset()
    if offset is None:
        return text
    if offset == timedelta(0):
        return text + "Z"
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{text}{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def is_slug(text: str) -> bool:
    """True when ``text`` can be an id: a filename-safe slug.

    Examples
    --------
    >>> is_slug("2024-03-01-api-outage"), is_slug("../x"), is_slug("a/b")
    (True, False, False)
    """
    return bool(_SLUG.fullmatch(text)) and ".." not in text


def _check_slug(value: str) -> str:
    if not is_slug(value):
        raise ValueError(
            "must be a filename-safe slug (letters, digits, '.', '_' and '-', starting "
            f"with a letter or digit, at most 128 characters), got {value!r}"
        )
    return value


def _normalise_text(value: str) -> str:
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def _non_empty(value: str) -> str:
    if not value:
        raise ValueError("must not be empty")
    return value


def _single_line(value: str) -> str:
    if "\n" in value:
        raise ValueError(f"must be a single line, got {value!r}")
    return value


def as_aware(value: datetime) -> datetime:
    """``value`` with UTC as its zone when it has none."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _in_range(value: datetime) -> datetime:
    """``value`` (made aware) when it falls in years 1 to 9999 in UTC, else ValueError.

    Examples
    --------
    >>> _in_range(datetime.fromisoformat("9999-12-31T23:00-05:00"))
    Traceback (most recent call last):
    ...
    ValueError: must fall in the years 1 to 9999 in UTC, got '9999-12-31T23:00:00-05:00'
    """
    value = as_aware(value)
    try:
        value.astimezone(UTC)
    except OverflowError:
        raise ValueError(
            f"must fall in the years 1 to 9999 in UTC, got {value.isoformat()!r}"
        ) from None
    return value


def is_open_status(status: str) -> bool:
    """True for a status that leaves an action still to do (``open`` or ``in_progress``).

    Examples
    --------
    >>> is_open_status("in_progress"), is_open_status("wont_do")
    (True, False)
    """
    return status in OPEN_ACTION_STATUSES


def completion_time(
    status: str, before: str, previous: datetime | None, at: datetime
) -> datetime | None:
    """When an action that moves from ``before`` to ``status`` at ``at`` was completed.

    Closing it (``done`` or ``wont_do``) records ``at``; one that stays closed keeps its
    earlier completion time; reopening it clears the time. Every place that changes
    an action's status (session, command line, tracker sync) uses this rule.

    Examples
    --------
    >>> at, later = datetime(2024, 5, 1, tzinfo=UTC), datetime(2024, 5, 9, tzinfo=UTC)
    >>> completion_time("done", "open", None, at) == at
    True
    >>> completion_time("wont_do", "done", at, later) == at
    True
    >>> completion_time("open", "done", at, later) is None
    True
    """
    if is_open_status(status):
        return None
    if not is_open_status(before) and previous is not None:
        return previous
    return at


def event_day(moment: datetime) -> date:
    """The calendar day a timestamp happened on, for the action lifecycle: its UTC date.

    Examples
    --------
    >>> event_day(datetime.fromisoformat("2024-01-11T05:00+10:00"))
    datetime.date(2024, 1, 10)
    """
    return as_aware(moment).astimezone(UTC).date()


def _string_list(value: Any) -> Any:
    """Accept one string where a list of strings is expected (``services: api``)."""
    return [value] if isinstance(value, str) else value


Slug = Annotated[str, AfterValidator(_check_slug)]
Text = Annotated[str, AfterValidator(_normalise_text)]
RequiredText = Annotated[str, AfterValidator(_normalise_text), AfterValidator(_non_empty)]
Label = Annotated[
    str, AfterValidator(_normalise_text), AfterValidator(_non_empty), AfterValidator(_single_line)
]
Timestamp = Annotated[datetime, AfterValidator(_in_range)]
Labels = Annotated[tuple[Label, ...], BeforeValidator(_string_list)]


def describe_validation_error(error: ValidationError) -> str:
    """Turn a pydantic ``ValidationError`` into one line per problem, naming field and value.

    Examples
    --------
    >>> from pmanalytics import Item
    >>> try:
    ...     Item(id="x", section="went_well", text="ok", votes=-1)
    ... except ModelError as exc:
    ...     print(exc)
    votes: Input should be greater than or equal to 0, got -1
    """
    lines = []
    for err in error.errors():
        where = ".".join(str(part) for part in err["loc"])
        if err["type"] == "value_error":
            message = str(err.get("ctx", {}).get("error", err["msg"]))
        else:
            shown = repr(err.get("input"))
            if len(shown) > 80:
                shown = shown[:77] + "..."
            message = f"{err['msg']}, got {shown}"
        lines.append(f"{where}: {message}" if where else message)
    return "\n".join(lines)


def _plain(value: Any, where: str) -> Any:
    """``value`` as data a file can carry: text, numbers, booleans, dates, lists, mappings."""
    if value is None or isinstance(value, bool | int | str | date):
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise ValueError(f"{where} has a character that is not valid Unicode") from None
        return value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f"{where} must be a finite number, got {value!r}; use None")
        return value
    if isinstance(value, list | tuple):
        return [_plain(item, f"{where}[{index}]") for index, item in enumerate(value)]
    if isinstance(value, dict):
        return {str(key): _plain(item, f"{where}[{key!r}]") for key, item in value.items()}
    raise ValueError(
        f"{where} must be plain data (text, numbers, booleans, dates, lists, mappings), "
        f"got {type(value).__name__}"
    )


def _model_error(error: ValidationError) -> ModelError:
    locations = tuple(tuple(err["loc"]) for err in error.errors())
    return ModelError(describe_validation_error(error), locations)


def slugify(text: str, *, fallback: str = "untitled") -> str:
    """Make a filename-safe id from free text, deterministically.

    Examples
    --------
    >>> slugify("PM2021-005 - All services returning 503!")
    'pm2021-005-all-services-returning-503'
    """
    slug = re.sub(r"[^a-z0-9._-]+", "-", text.casefold()).strip("-._")
    slug = re.sub(r"\.{2,}", ".", slug)
    slug = re.sub(r"-{2,}", "-", slug)[:128].strip("-._")
    return slug or fallback
