"""The domain model: one post-mortem and its parts, as immutable pydantic v2 models.

Every part of pmanalytics reads and writes these classes. They are frozen value
objects: change one with ``model_copy(update=...)``, which returns a new object.
Construction validates and raises :class:`pmanalytics.ModelError` whose message
names the field and echoes the bad value.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from ._validate import user_date
from ._values import (  # re-exported: callers import them from the model module
    ACTION_KINDS as ACTION_KINDS,
    ACTION_STATUSES as ACTION_STATUSES,
    ITEM_SECTIONS as ITEM_SECTIONS,
    MAX_INT as MAX_INT,
    OPEN_ACTION_STATUSES as OPEN_ACTION_STATUSES,
    PARTICIPANT_ROLES as PARTICIPANT_ROLES,
    POSTMORTEM_STATUSES as POSTMORTEM_STATUSES,
    TEMPLATE_SECTIONS as TEMPLATE_SECTIONS,
    TIMELINE_KINDS as TIMELINE_KINDS,
    ActionKind as ActionKind,
    ActionStatus as ActionStatus,
    Label as Label,
    Labels as Labels,
    PostMortemStatus as PostMortemStatus,
    RequiredText as RequiredText,
    Role as Role,
    Section as Section,
    Slug as Slug,
    Text as Text,
    TimelineKind as TimelineKind,
    Timestamp as Timestamp,
    _model_error as _model_error,
    _normalise_text as _normalise_text,
    _plain as _plain,
    as_aware as as_aware,
    completion_time as completion_time,
    describe_validation_error as describe_validation_error,
    event_day as event_day,
    format_time as format_time,
    is_open_status as is_open_status,
    is_slug as is_slug,
    slugify as slugify,
)

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
