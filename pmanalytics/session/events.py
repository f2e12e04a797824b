"""Session events: one typed class per kind, each one line of JSON in the session journal.

An event has a sequence number, an id, a kind, a time, an actor and its ``data``::

    {"seq": 3, "id": "e-5f1c...", "kind": "item_added", "at": "2024-03-01T10:05:00+00:00",
     "actor": "Ana", "data": {"item_id": "i-1", "section": "went_well", "text": "..."}}

:data:`Event` is the discriminated union of the classes (on ``kind``); :func:`parse_event`
reads a journal line into the right class and :func:`make_event` builds one from plain data.
The journal's format is the one sessions have always written, so old journals load.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, TypeAdapter, ValidationError

from .._model import describe_validation_error
from .errors import JournalError, RuleError

__all__ = [
    "EVENT_KINDS",
    "ActionAdded",
    "ActionEdited",
    "Event",
    "EventBase",
    "ItemAdded",
    "ItemEdited",
    "ItemMoved",
    "ItemRemoved",
    "ItemsRevealed",
    "PhaseEnded",
    "PhaseExtended",
    "PhaseStarted",
    "SessionCreated",
    "SettingsChanged",
    "ThemeCreated",
    "ThemeMerged",
    "ThemeRenamed",
    "ThemeSplit",
    "Undone",
    "VoteCast",
    "VoteWithdrawn",
    "make_event",
    "new_event_id",
    "parse_event",
]


def new_event_id() -> str:
    """A random, unique event id such as ``e-3f2a9c0d1b7e``."""
    return f"e-{uuid.uuid4().hex[:12]}"


class _Data(BaseModel):
    """The ``data`` of one kind of event: frozen, no unknown fields.

    Read a field as an attribute (``event.data.item_id``) or by name, as in the journal's
    JSON (``event.data["item_id"]``).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    def __getitem__(self, name: str) -> Any:
        if name not in type(self).model_fields:
            raise KeyError(name)
        return getattr(self, name)


class CreatedSettings(_Data):
    """The settings a session starts with."""

    votes_per_participant: int
    anonymous: StrictBool = False
    allow_votes_any_phase: StrictBool = False
    private_reflection: StrictBool = False  # journals from before it was a setting: off


class SessionCreatedData(_Data):
    """The post-mortem (as plain data), who takes part, the settings and the template."""

    postmortem: dict[str, Any]
    participants: tuple[str, ...]
    facilitator: str
    settings: CreatedSettings
    template: dict[str, Any]


class ItemAddedData(_Data):
    item_id: str
    section: str
    text: str
    anonymous: StrictBool = False  # posted anonymously: the author appears in no output


class ItemEditedData(_Data):
    item_id: str
    text: str


class ItemRef(_Data):
    """The item an event is about: removals and votes."""

    item_id: str


class ItemMovedData(_Data):
    item_id: str
    theme_id: str | None = None  # None takes the item out of its theme


class ThemeCreatedData(_Data):
    theme_id: str
    label: str
    item_ids: tuple[str, ...] = ()


class ThemeRenamedData(_Data):
    theme_id: str
    label: str


class ThemeMergedData(_Data):
    theme_id: str  # the theme kept
    sources: tuple[str, ...]  # merged into it
    label: str | None = None


class ThemeSplitData(_Data):
    theme_id: str
    new_theme_id: str
    label: str
    item_ids: tuple[str, ...]  # moved to the new theme


class ActionFields(_Data):
    """An action's editable fields. In an edit, only the fields given change."""

    title: str | None = None
    owner: str | None = None
    due: date | None = None
    priority: str | None = None
    kind: str | None = None
    theme_id: str | None = None
    status: str | None = None
    link: str | None = None

    def changes(self) -> dict[str, Any]:
        """The fields this event sets (given explicitly, ``None`` included)."""
        return {name: getattr(self, name) for name in self.model_fields_set if name != "action_id"}


class ActionAddedData(ActionFields):
    action_id: str


class ActionEditedData(ActionFields):
    action_id: str


class PhaseData(_Data):
    phase: str | None


class SettingsData(_Data):
    """Settings the facilitator changes; only those given change."""

    allow_votes_any_phase: StrictBool | None = None
    auto_advance: StrictBool | None = None


class PhaseExtendedData(_Data):
    phase: str
    minutes: int = Field(ge=-600, le=600)


class RevealData(_Data):
    """The private notes of individual reflection are shown to everyone."""


class UndoneData(_Data):
    seq: int  # the event undone


class EventBase(BaseModel):
    """What every event has: sequence number, id, time and actor.

    Examples
    --------
    >>> from datetime import datetime, UTC
    >>> e = make_event(1, "item_added", datetime(2024, 3, 1, 10, 5, tzinfo=UTC), "Ana",
    ...                {"item_id": "i-1", "section": "went_well", "text": "Paging worked"}, "e-1")
    >>> type(e).__name__, e.data.text, e.data["item_id"]
    ('ItemAdded', 'Paging worked', 'i-1')
    >>> parse_event(e.to_json()) == e
    True
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    seq: int
    id: str = Field(default_factory=new_event_id)
    at: datetime
    actor: str
    kind: str  # each kind's class narrows it to one literal
    data: _Data  # and this to its own data class

    def to_json(self) -> str:
        """One line of JSON (no newline), in the journal's format."""
        return json.dumps(
            {
                "seq": self.seq,
                "id": self.id,
                "kind": self.kind,
                "at": self.at.isoformat(),
                "actor": self.actor,
                "data": self.data.model_dump(mode="json", exclude_unset=True),
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )


class SessionCreated(EventBase):
    kind: Literal["session_created"] = "session_created"
    data: SessionCreatedData


class ItemAdded(EventBase):
    kind: Literal["item_added"] = "item_added"
    data: ItemAddedData


class ItemEdited(EventBase):
    kind: Literal["item_edited"] = "item_edited"
    data: ItemEditedData


class ItemRemoved(EventBase):
    kind: Literal["item_removed"] = "item_removed"
    data: ItemRef


class ItemMoved(EventBase):
    kind: Literal["item_moved"] = "item_moved"
    data: ItemMovedData


class ThemeCreated(EventBase):
    kind: Literal["theme_created"] = "theme_created"
    data: ThemeCreatedData


class ThemeRenamed(EventBase):
    kind: Literal["theme_renamed"] = "theme_renamed"
    data: ThemeRenamedData


class ThemeMerged(EventBase):
    kind: Literal["theme_merged"] = "theme_merged"
    data: ThemeMergedData


class ThemeSplit(EventBase):
    kind: Literal["theme_split"] = "theme_split"
    data: ThemeSplitData


class VoteCast(EventBase):
    kind: Literal["vote_cast"] = "vote_cast"
    data: ItemRef


class VoteWithdrawn(EventBase):
    kind: Literal["vote_withdrawn"] = "vote_withdrawn"
    data: ItemRef


class ActionAdded(EventBase):
    kind: Literal["action_added"] = "action_added"
    data: ActionAddedData


class ActionEdited(EventBase):
    kind: Literal["action_edited"] = "action_edited"
    data: ActionEditedData


class PhaseStarted(EventBase):
    kind: Literal["phase_started"] = "phase_started"
    data: PhaseData


class PhaseEnded(EventBase):
    kind: Literal["phase_ended"] = "phase_ended"
    data: PhaseData


class SettingsChanged(EventBase):
    kind: Literal["settings_changed"] = "settings_changed"
    data: SettingsData


class PhaseExtended(EventBase):
    kind: Literal["phase_extended"] = "phase_extended"
    data: PhaseExtendedData


class ItemsRevealed(EventBase):
    kind: Literal["items_revealed"] = "items_revealed"
    data: RevealData


class Undone(EventBase):
    kind: Literal["undone"] = "undone"
    data: UndoneData


_CLASSES: tuple[type[EventBase], ...] = (
    SessionCreated,
    ItemAdded,
    ItemEdited,
    ItemRemoved,
    ItemMoved,
    ThemeCreated,
    ThemeRenamed,
    ThemeMerged,
    ThemeSplit,
    VoteCast,
    VoteWithdrawn,
    ActionAdded,
    ActionEdited,
    PhaseStarted,
    PhaseEnded,
    SettingsChanged,
    PhaseExtended,
    ItemsRevealed,
    Undone,
)

#: Any session event: the union of the classes above, told apart by ``kind``.
Event = Annotated[
    SessionCreated
    | ItemAdded
    | ItemEdited
    | ItemRemoved
    | ItemMoved
    | ThemeCreated
    | ThemeRenamed
    | ThemeMerged
    | ThemeSplit
    | VoteCast
    | VoteWithdrawn
    | ActionAdded
    | ActionEdited
    | PhaseStarted
    | PhaseEnded
    | SettingsChanged
    | PhaseExtended
    | ItemsRevealed
    | Undone,
    Field(discriminator="kind"),
]
_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)


def _data_class(cls: type[EventBase]) -> type[_Data]:
    annotation = cls.model_fields["data"].annotation
    if not (isinstance(annotation, type) and issubclass(annotation, _Data)):
        raise TypeError(f"{cls.__name__}.data must be a data class, got {annotation!r}")
    return annotation


#: Every kind of event, with what its ``data`` holds.
EVENT_KINDS: dict[str, str] = {
    cls.model_fields["kind"].default: ", ".join(_data_class(cls).model_fields) for cls in _CLASSES
}


def parse_event(line: str | bytes) -> Event:
    """Parse one journal line; :class:`JournalError` when it is not an event."""
    try:
        return _ADAPTER.validate_json(line)
    except ValidationError as exc:
        shown = line[:80] if isinstance(line, str) else line[:80].decode("utf-8", "replace")
        reason = describe_validation_error(exc).replace("\n", "; ")
        raise JournalError(f"not a session event ({reason}): {shown!r}") from None


def make_event(
    seq: int,
    kind: str,
    at: datetime,
    actor: str,
    data: Mapping[str, Any],
    event_id: str | None = None,
) -> Event:
    """An event of ``kind`` from plain data; :class:`RuleError` naming the field if it is bad."""
    raw = {"seq": seq, "kind": kind, "at": at, "actor": actor, "data": dict(data)}
    if event_id is not None:
        raw["id"] = event_id
    try:
        return _ADAPTER.validate_python(raw)
    except ValidationError as exc:
        reason = describe_validation_error(exc).replace("\n", "; ")
        raise RuleError(f"{kind}: {reason}") from None
