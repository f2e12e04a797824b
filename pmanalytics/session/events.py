"""Session events: every change is one event with a sequence number, time and actor.

An event is one JSON line in the session journal::

    {"seq": 3, "id": "e-5f1c...", "kind": "item_added", "at": "2024-03-01T10:05:00+00:00",
     "actor": "Ana", "data": {"item_id": "i-1", "section": "went_well", "text": "..."}}
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .errors import JournalError

__all__ = ["EVENT_KINDS", "Event", "new_event_id"]

#: Every kind of event, with what its ``data`` holds.
EVENT_KINDS: dict[str, str] = {
    "session_created": "postmortem, participants, facilitator, settings, template",
    "item_added": "item_id, section, text",
    "item_edited": "item_id, text",
    "item_removed": "item_id",
    "item_moved": "item_id, theme_id (None takes it out of its theme)",
    "theme_created": "theme_id, label, item_ids",
    "theme_renamed": "theme_id, label",
    "theme_merged": "theme_id (kept), sources (merged into it), label",
    "theme_split": "theme_id, new_theme_id, label, item_ids (moved to the new theme)",
    "vote_cast": "item_id",
    "vote_withdrawn": "item_id",
    "action_added": "action_id, title, owner, due, priority, kind, theme_id",
    "action_edited": "action_id and the changed fields",
    "phase_started": "phase",
    "phase_ended": "phase",
    "settings_changed": "allow_votes_any_phase",
    "undone": "seq (the event undone)",
}


def new_event_id() -> str:
    """A random, unique event id such as ``e-3f2a9c0d1b7e``."""
    return f"e-{uuid.uuid4().hex[:12]}"


@dataclass(frozen=True, slots=True)
class Event:
    """One change to a session.

    Examples
    --------
    >>> from datetime import datetime, UTC
    >>> e = Event(1, "item_added", datetime(2024, 3, 1, 10, 5, tzinfo=UTC), "Ana",
    ...           {"item_id": "i-1", "section": "went_well", "text": "Paging worked"}, "e-1")
    >>> Event.from_json(e.to_json()) == e
    True
    """

    seq: int
    kind: str
    at: datetime
    actor: str
    data: Mapping[str, Any] = field(default_factory=dict)
    id: str = field(default_factory=new_event_id)

    def to_json(self) -> str:
        """One line of JSON (no newline)."""
        return json.dumps(
            {
                "seq": self.seq,
                "id": self.id,
                "kind": self.kind,
                "at": self.at.isoformat(),
                "actor": self.actor,
                "data": self.data,
            },
            ensure_ascii=False,
            separators=(",", ":"),
            default=_default,
        )

    @classmethod
    def from_json(cls, line: str | bytes) -> Event:
        """Parse one journal line; :class:`JournalError` when it is not an event."""
        try:
            raw = json.loads(line)
            event = cls(
                int(raw["seq"]),
                str(raw["kind"]),
                datetime.fromisoformat(raw["at"]),
                str(raw["actor"]),
                dict(raw["data"]),
                str(raw["id"]),
            )
        except (ValueError, KeyError, TypeError) as exc:
            shown = line[:80] if isinstance(line, str) else line[:80].decode("utf-8", "replace")
            raise JournalError(f"not a session event ({exc}): {shown!r}") from exc
        if event.kind not in EVENT_KINDS:
            raise JournalError(f"unknown event kind {event.kind!r} in event {event.seq}")
        return event


def _default(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"cannot store {value!r} in an event")
