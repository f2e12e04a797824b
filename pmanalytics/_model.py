"""The domain model: one post-mortem and its parts, as immutable pydantic v2 models.

Every part of pmanalytics reads and writes these classes. They are frozen value
objects: change one with ``model_copy(update=...)``, which returns a new object.
Construction validates and raises :class:`pmanalytics.ModelError` whose message
names the field and echoes the bad value.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from ._errors import ModelError
from ._validate import user_date

__all__ = [
    "ACTION_KINDS",
    "ACTION_STATUSES",
    "ITEM_SECTIONS",
    "MAX_INT",
    "OPEN_ACTION_STATUSES",
    "PARTICIPANT_ROLES",
    "POSTMORTEM_STATUSES",
    "TIMELINE_KINDS",
    "Action",
    "Impact",
    "Item",
    "Link",
    "Participant",
    "PostMortem",
    "Review",
    "Severity",
    "Theme",
    "TimelineEvent",
    "completion_time",
    "describe_validation_error",
    "event_day",
    "format_time",
    "is_open_status",
    "is_slug",
    "slugify",
]

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


# --------------------------------------------------------------------------- base


if TYPE_CHECKING:  # the type checker sees a plain BaseModel (the metaclass adds no API)
    _ModelBase = BaseModel
else:

    class _RecordType(type(BaseModel)):
        """The models' metaclass: ``Model(...)`` raises :class:`ModelError`, not ValidationError.

        Catching the error around the whole call leaves pydantic's own ``__init__``
        in place, so nested models are validated inside pydantic-core: faster, and
        the location of each problem is kept.
        """

        def __call__(cls, *args: Any, **kwargs: Any) -> Any:
            try:
                return super().__call__(*args, **kwargs)
            except ValidationError as exc:
                raise _model_error(exc) from exc

    class _ModelBase(BaseModel, metaclass=_RecordType):
        pass


class _Record(_ModelBase):
    """Base of every model: frozen, unknown fields kept in ``extra``, errors as ModelError."""

    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True)

    extra: dict[str, Any] = Field(default_factory=dict)
    """Fields a source had that the model does not: kept, never dropped."""

    _aliases: ClassVar[dict[str, str]] = {}

    @classmethod
    def model_validate(cls, obj: Any, *args: Any, **kwargs: Any) -> Self:
        try:
            return super().model_validate(obj, *args, **kwargs)
        except ValidationError as exc:
            raise _model_error(exc) from exc

    @field_validator("extra")
    @classmethod
    def _plain_extra(cls, extra: dict[str, Any]) -> dict[str, Any]:
        if not extra:
            return extra
        return {str(key): _plain(value, f"extra[{key!r}]") for key, value in extra.items()}

    @model_validator(mode="before")
    @classmethod
    def _keep_unknown_fields(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        fields = cls.model_fields
        if all(key in fields for key in data):
            return data
        if cls._aliases:
            renamed: dict[str, Any] = {}
            for key, value in data.items():
                target = cls._aliases.get(key, key) if isinstance(key, str) else key
                # an alias whose field is also given stays unknown (kept in extra)
                renamed[str(key) if target != key and target in data else str(target)] = value
            data = renamed
        unknown = [key for key in data if key not in fields]
        if not unknown:
            return data
        extra = dict(data.get("extra") or {})
        for key in unknown:
            extra[key] = data.pop(key)
        data["extra"] = extra
        return data


# --------------------------------------------------------------------------- parts


class Severity(_Record):
    """How bad an incident was: a label such as ``SEV1`` and an optional numeric rank.

    A bare string or number is accepted: ``"SEV2"`` and ``"P2"`` give rank 2.

    Examples
    --------
    >>> Severity.model_validate("SEV2").rank
    2
    """

    label: Label
    rank: int | None = Field(default=None, ge=0, le=MAX_INT)

    @model_validator(mode="before")
    @classmethod
    def _from_scalar(cls, data: Any) -> Any:
        if isinstance(data, bool):
            return data
        if isinstance(data, int):
            return {"label": f"SEV{data}", "rank": data}
        if isinstance(data, str):
            match = re.fullmatch(r"\s*(?:sev|p|s)\s*-?\s*(\d+)\s*", data, re.IGNORECASE)
            return {"label": data, "rank": int(match.group(1)) if match else None}
        return data


class Impact(_Record):
    """Who and what was affected: narrative text plus optional counts."""

    text: Text = ""
    customers_affected: int | None = Field(default=None, ge=0, le=MAX_INT)
    minutes: float | None = Field(default=None, ge=0, allow_inf_nan=False)


class TimelineEvent(_Record):
    """One timestamped fact on the incident timeline."""

    at: Timestamp
    text: RequiredText
    kind: TimelineKind | None = None


class Participant(_Record):
    """Someone who took part in the incident or its review."""

    name: Label
    role: Role = "participant"


class Review(_Record):
    """The post-mortem session itself: when, who facilitated, how long."""

    held_on: date | None = None
    facilitator: Label | None = None
    duration_minutes: int | None = Field(default=None, ge=0, le=MAX_INT)


class Link(_Record):
    """A reference: a dashboard, a ticket, a chat channel."""

    url: RequiredText
    label: Label | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_url(cls, data: Any) -> Any:
        return {"url": data} if isinstance(data, str) else data


class Item(_Record):
    """One note from the review, in one of the template's four sections (or another).

    ``heading`` keeps the original heading an item was written under, for example
    ``What went wrong`` inside lessons learned; it is required for section ``other``.
    ``author`` may be empty: anonymous items are allowed.
    """

    id: Slug
    section: Section
    text: RequiredText
    heading: Label | None = None
    author: Label | None = None
    votes: int = Field(default=0, ge=0, le=MAX_INT)
    theme_id: Slug | None = None
    created_at: Timestamp | None = None

    @model_validator(mode="after")
    def _heading_for_other(self) -> Self:
        if self.section == "other" and self.heading is None:
            raise ValueError(f"item {self.id!r}: section 'other' needs the original heading")
        return self


class Theme(_Record):
    """A group of items. Its items and votes are derived from the items' ``theme_id``.

    Use :meth:`PostMortem.theme_item_ids` and :meth:`PostMortem.theme_votes`.
    """

    id: Slug
    label: Label
    rank: int | None = Field(default=None, ge=1, le=MAX_INT)


class Action(_Record):
    """A follow-up with an owner and a due date.

    The action lifecycle has one home, here; :func:`pmanalytics.metrics.action_status` is
    its vectorised twin (a property test keeps the two in step).

    Timezone convention
        ``as_of`` is a calendar day: a ``date``, an ISO string, or a ``datetime``, which
        means the date on its own clock (``2024-01-11T05:00+10:00`` is 11 January; see
        :func:`pmanalytics._validate.user_date`). Events during that day count as having
        happened. A timestamp (``created_at``, ``completed_at``) happened on its UTC date.

    Lifecycle at ``as_of``
        Before its creation day the action does not exist yet (:meth:`state_at` is None).
        A ``done`` or ``wont_do`` action is closed from its completion day on (always, when
        the completion time is unknown); before that day it was still open. An open action
        with a due date before ``as_of`` is overdue by the days between them.

    Examples
    --------
    >>> from datetime import date
    >>> a = Action(id="a1", title="Add disk alert", owner="ana", due=date(2024, 5, 1))
    >>> a.is_overdue(as_of=date(2024, 5, 2))
    True
    >>> a.days_overdue(as_of=date(2024, 5, 11))
    10
    >>> done = Action(id="a2", title="Add disk alert", status="done", due="2024-01-10",
    ...               completed_at="2024-02-01T09:00Z")
    >>> done.state_at("2024-01-20"), done.days_overdue("2024-01-20")
    ('open', 10)
    >>> done.state_at("2024-02-01"), done.days_overdue("2024-02-01")
    ('done', 0)
    """

    _aliases: ClassVar[dict[str, str]] = {"due_date": "due", "url": "link"}

    id: Slug
    title: RequiredText
    owner: Label | None = None
    due: date | None = None
    status: ActionStatus = "open"
    priority: Label | None = None
    kind: ActionKind | None = None
    created_at: Timestamp | None = None
    completed_at: Timestamp | None = None
    link: Label | None = None
    addresses: Slug | None = None
    """The id of the item or theme this action addresses."""
    verified_at: Timestamp | None = None
    """When the completed fix was checked to work (the effectiveness analysis uses it)."""
    verified_by: Label | None = None
    """Who checked that the completed fix works."""

    @model_validator(mode="after")
    def _verified_when_done(self) -> Self:
        if self.verified_by is not None and self.verified_at is None:
            raise ValueError(f"action {self.id!r}: verified_by needs verified_at")
        if self.verified_at is None:
            return self
        if self.status != "done":
            raise ValueError(
                f"action {self.id!r}: only a done action can be verified, status is {self.status!r}"
            )
        if self.completed_at and self.verified_at < self.completed_at:
            raise ValueError(
                f"action {self.id!r}: verified_at {format_time(self.verified_at)} is "
                f"before completed_at {format_time(self.completed_at)}"
            )
        return self

    @property
    def is_open(self) -> bool:
        """True while the status says the action is still to do (``open``, ``in_progress``).

        This reads the status as recorded; use :meth:`is_open_at` for a given day.
        """
        return is_open_status(self.status)

    def state_at(self, as_of: date | datetime | str) -> Literal["open", "done", "wont_do"] | None:
        """``open``, ``done`` or ``wont_do`` at the end of ``as_of``; None before creation.

        Examples
        --------
        >>> a = Action(id="a", title="A", status="wont_do", created_at="2024-01-05T10:00Z",
        ...            completed_at="2024-01-09T10:00Z")
        >>> a.state_at("2024-01-04"), a.state_at("2024-01-08"), a.state_at("2024-01-09")
        (None, 'open', 'wont_do')
        """
        day = user_date(as_of)
        if self.created_at is not None and event_day(self.created_at) > day:
            return None
        closed_by_then = self.completed_at is None or event_day(self.completed_at) <= day
        if self.status in ("done", "wont_do") and closed_by_then:
            return self.status
        return "open"

    def is_open_at(self, as_of: date | datetime | str) -> bool:
        """True when the action exists at ``as_of`` and is not closed by then."""
        return self.state_at(as_of) == "open"

    def days_overdue(self, as_of: date | datetime | str) -> int:
        """Whole days past the due date at ``as_of`` while open then; 0 when not overdue."""
        day = user_date(as_of)
        if self.due is None or not self.is_open_at(day):
            return 0
        return max(0, (day - self.due).days)

    def is_overdue(self, as_of: date | datetime | str) -> bool:
        """True when the action is open at ``as_of`` and its due date is before that day."""
        return self.days_overdue(as_of) > 0

    def age_days(self, as_of: date | datetime | str) -> int | None:
        """Whole days from the creation day to ``as_of``; None when creation is unknown."""
        day = user_date(as_of)
        if self.created_at is None:
            return None
        return (day - event_day(self.created_at)).days

    @model_validator(mode="after")
    def _completion_order(self) -> Self:
        if self.created_at and self.completed_at and self.completed_at < self.created_at:
            raise ValueError(
                f"action {self.id!r}: completed_at {format_time(self.completed_at)} is "
                f"before created_at {format_time(self.created_at)}"
            )
        return self


# --------------------------------------------------------------------------- post-mortem

_SECTION_ORDER = {name: rank for rank, name in enumerate(ITEM_SECTIONS)}


def _canonical_item_order(items: tuple[Item, ...]) -> tuple[Item, ...]:
    """Sections in template order; inside one, un-headed items first, then by heading."""
    first_seen: dict[tuple[str, str | None], int] = {}
    for item in items:
        first_seen.setdefault((item.section, item.heading), len(first_seen))

    def key(item: Item) -> tuple[int, int]:
        group = 0 if item.heading is None else 1 + first_seen[(item.section, item.heading)]
        return (_SECTION_ORDER[item.section], group)

    return tuple(sorted(items, key=key))


class PostMortem(_Record):
    """One incident post-mortem, following the template.

    Items are kept in canonical order: the four sections in template order, then
    ``other`` sections; inside a section, items without a ``heading`` first, then
    one group per heading in order of first appearance, each in the order given.

    Examples
    --------
    >>> pm = PostMortem(
    ...     id="2024-03-01-api-outage",
    ...     title="API outage",
    ...     started_at="2024-03-01T10:00Z",
    ...     detected_at="2024-03-01T10:12Z",
    ...     resolved_at="2024-03-01T11:30Z",
    ... )
    >>> pm.time_to_detect
    datetime.timedelta(seconds=720)
    >>> PostMortem(id="../x", title="t")
    Traceback (most recent call last):
    ...
    pmanalytics._errors.ModelError: id: must be a filename-safe slug ...
    """

    _aliases: ClassVar[dict[str, str]] = {"what_happened": "summary"}

    id: Slug
    title: Label
    status: PostMortemStatus = "draft"
    severity: Severity | None = None
    services: Labels = ()
    teams: Labels = ()
    tags: Labels = ()
    started_at: Timestamp | None = None
    detected_at: Timestamp | None = None
    mitigated_at: Timestamp | None = None
    resolved_at: Timestamp | None = None
    summary: Text = ""
    """What happened."""
    impact: Impact = Field(default_factory=Impact)
    timeline: tuple[TimelineEvent, ...] = ()
    participants: tuple[Participant, ...] = ()
    review: Review = Field(default_factory=Review)
    items: tuple[Item, ...] = ()
    themes: tuple[Theme, ...] = ()
    actions: tuple[Action, ...] = ()
    links: tuple[Link, ...] = ()

    @field_validator("items")
    @classmethod
    def _order_items(cls, items: tuple[Item, ...]) -> tuple[Item, ...]:
        return _canonical_item_order(items)

    @model_validator(mode="after")
    def _check(self) -> Self:
        self._check_times()
        self._check_references()
        return self

    def _check_times(self) -> None:
        if self.started_at is None:
            return
        for name in ("detected_at", "mitigated_at", "resolved_at"):
            value = getattr(self, name)
            if value is not None and value < self.started_at:
                started = format_time(self.started_at)
                raise ValueError(f"{name} {format_time(value)} is before started_at {started}")
        if self.mitigated_at and self.resolved_at and self.resolved_at < self.mitigated_at:
            raise ValueError(
                f"resolved_at {format_time(self.resolved_at)} is before "
                f"mitigated_at {format_time(self.mitigated_at)}"
            )

    def _check_references(self) -> None:
        votes = sum(item.votes for item in self.items)
        if votes > MAX_INT:  # a theme's votes are a sum, and must fit a table too
            raise ValueError(f"items: votes add up to {votes}, more than {MAX_INT}")
        for kind, ids in (
            ("item", [i.id for i in self.items]),
            ("theme", [t.id for t in self.themes]),
            ("action", [a.id for a in self.actions]),
        ):
            seen: set[str] = set()
            for one in ids:
                if one in seen:
                    raise ValueError(f"{kind} id {one!r} is used twice")
                seen.add(one)
        theme_ids = {t.id for t in self.themes}
        for item in self.items:
            if item.theme_id is not None and item.theme_id not in theme_ids:
                raise ValueError(f"item {item.id!r}: theme_id {item.theme_id!r} names no theme")
        targets = theme_ids | {i.id for i in self.items}
        for action in self.actions:
            if action.addresses is not None and action.addresses not in targets:
                raise ValueError(
                    f"action {action.id!r}: addresses {action.addresses!r} names no item or theme"
                )

    # derived -----------------------------------------------------------------

    def _since_start(self, moment: datetime | None) -> timedelta | None:
        if self.started_at is None or moment is None:
            return None
        return moment - self.started_at

    @property
    def time_to_detect(self) -> timedelta | None:
        """``detected_at - started_at``, or None when either is unknown."""
        return self._since_start(self.detected_at)

    @property
    def time_to_mitigate(self) -> timedelta | None:
        """``mitigated_at - started_at``, or None when either is unknown."""
        return self._since_start(self.mitigated_at)

    @property
    def time_to_resolve(self) -> timedelta | None:
        """``resolved_at - started_at``, or None when either is unknown."""
        return self._since_start(self.resolved_at)

    def theme_item_ids(self, theme_id: str) -> tuple[str, ...]:
        """Ids of the items grouped under ``theme_id``, in item order."""
        return tuple(item.id for item in self.items if item.theme_id == theme_id)

    def theme_votes(self, theme_id: str) -> int:
        """Total votes of the items grouped under ``theme_id``."""
        return sum(item.votes for item in self.items if item.theme_id == theme_id)

    def overdue_actions(self, as_of: date | datetime | str) -> tuple[Action, ...]:
        """The actions open at ``as_of`` whose due date is before it (see :class:`Action`)."""
        return tuple(action for action in self.actions if action.is_overdue(as_of))


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
