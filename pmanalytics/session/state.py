"""The session state as the fold of its events, with every rule checked before a change.

:class:`SessionState` is plain mutable data. :meth:`SessionState.apply` checks one
event against the rules and then applies it; an event that breaks a rule raises a
:class:`~pmanalytics.session.errors.RuleError` and changes nothing. An ``undone``
event removes the last effective event: the state is rebuilt from the others.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from .._model import Action, Item, PostMortem, Theme
from .errors import NotAllowedError, RuleError, VoteBudgetError, VotingClosedError
from .events import Event
from .rules import (
    BlameWarning,
    blame_warnings,
    check_facilitator,
    check_known,
    check_member,
    check_owner,
)
from .templates import Template, template_from_dict

__all__ = ["ActionState", "ItemState", "SessionSettings", "SessionState", "ThemeState"]

_ACTION_FIELDS = ("title", "owner", "due", "priority", "kind", "theme_id", "status")


@dataclass(frozen=True)
class SessionSettings:
    """Session settings; ``None`` keeps the template's value.

    ``time_boxes`` maps phase keys to minutes, e.g. ``{"group_discussion": 15}``.
    """

    votes_per_participant: int | None = None
    anonymous: bool = False
    time_boxes: dict[str, int] = field(default_factory=dict)
    allow_votes_any_phase: bool = False


@dataclass
class ItemState:
    """One item on the board. ``owner`` is who wrote it (kept even when anonymous)."""

    id: str
    column: str
    section: str
    heading: str | None
    text: str
    owner: str | None
    created_at: datetime | None
    theme_id: str | None = None
    votes: int = 0
    warnings: tuple[BlameWarning, ...] = ()
    base: Item | None = None


@dataclass
class ThemeState:
    """A theme: id and label (its items and votes are derived from the items)."""

    id: str
    label: str
    base: Theme | None = None


@dataclass
class ActionState:
    """An action being planned."""

    id: str
    title: str
    owner: str | None = None
    due: date | None = None
    priority: str | None = None
    kind: str | None = None
    theme_id: str | None = None
    status: str = "open"
    created_at: datetime | None = None
    created_by: str | None = None
    base: Action | None = None


def _column_of(template: Template, item: Item) -> str:
    spec = template.section_for(item.section, item.heading)
    return spec.key if spec else f"other:{item.heading}"


class SessionState:
    """The fold of a session's events. Build it with :meth:`from_created`, then :meth:`apply`."""

    def __init__(self, created: Event) -> None:
        data = created.data
        self.created = created
        self.postmortem = PostMortem.model_validate(data["postmortem"])
        self.template = template_from_dict(data["template"])
        self.facilitator: str = data["facilitator"]
        self.participants: tuple[str, ...] = tuple(data["participants"])
        self.members: tuple[str, ...] = (
            self.facilitator,
            *(p for p in self.participants if p != self.facilitator),
        )
        settings = data["settings"]
        self.anonymous: bool = bool(settings["anonymous"])
        self.votes_per_participant: int = int(settings["votes_per_participant"])
        self.allow_votes_any_phase: bool = bool(settings["allow_votes_any_phase"])
        self.items: dict[str, ItemState] = {}
        for item in self.postmortem.items:
            column = _column_of(self.template, item)
            self.items[item.id] = ItemState(
                item.id,
                column,
                item.section,
                item.heading,
                item.text,
                item.author,
                item.created_at,
                item.theme_id,
                item.votes,
                (),
                item,
            )
        self.themes: dict[str, ThemeState] = {
            t.id: ThemeState(t.id, t.label, t) for t in self.postmortem.themes
        }
        self.actions: dict[str, ActionState] = {
            a.id: ActionState(
                a.id,
                a.title,
                a.owner,
                a.due,
                a.priority,
                a.kind,
                a.addresses,
                a.status,
                a.created_at,
                None,
                a,
            )
            for a in self.postmortem.actions
        }
        self.votes: dict[str, Counter[str]] = {name: Counter() for name in self.members}
        self.phase: str | None = None
        self.phase_started_at: datetime | None = None
        self.started_at: datetime | None = None
        self.ended_at: datetime | None = None
        self.phase_log: list[tuple[str, datetime, datetime | None]] = []
        self.events: list[Event] = [created]
        self.effective: list[Event] = []
        self.last_at: datetime = created.at
        self._counters = {"i": 0, "t": 0, "a": 0}

    # ---------------------------------------------------------------- ids and queries

    @property
    def last_seq(self) -> int:
        """The sequence number of the last event applied."""
        return self.events[-1].seq

    def next_id(self, prefix: str) -> str:
        """A fresh id (``i-1``, ``t-1``, ``a-1``...) not used by any item, theme or action."""
        taken: dict[str, Any] = (
            self.items if prefix == "i" else self.themes if prefix == "t" else self.actions
        )
        number = self._counters[prefix]
        while True:
            number += 1
            candidate = f"{prefix}-{number}"
            if candidate not in taken:
                return candidate

    def votes_used(self, name: str) -> int:
        """How many votes ``name`` has cast."""
        return sum(self.votes.get(name, Counter()).values())

    def votes_left(self, name: str) -> int:
        """How many votes ``name`` can still cast."""
        return self.votes_per_participant - self.votes_used(name)

    def theme_items(self, theme_id: str) -> list[ItemState]:
        """The items grouped under ``theme_id``, in board order."""
        return [item for item in self.items.values() if item.theme_id == theme_id]

    def theme_votes(self, theme_id: str) -> int:
        """Total votes of the items under ``theme_id``."""
        return sum(item.votes for item in self.items.values() if item.theme_id == theme_id)

    def snapshot(self) -> dict[str, Any]:
        """Plain data describing the state: two equal folds give equal snapshots."""
        return {
            "items": [
                (i.id, i.column, i.text, i.owner, i.theme_id, i.votes) for i in self.items.values()
            ],
            "themes": [(t.id, t.label) for t in self.themes.values()],
            "actions": [
                tuple(str(getattr(a, name)) for name in ("id", *_ACTION_FIELDS))
                for a in self.actions.values()
            ],
            "votes": {k: dict(sorted(v.items())) for k, v in self.votes.items() if +v},
            "phase": self.phase,
            "allow_votes_any_phase": self.allow_votes_any_phase,
            "effective": [e.seq for e in self.effective],
        }

    # ---------------------------------------------------------------- the fold

    def apply(self, event: Event) -> None:
        """Check ``event`` against the rules, then apply it. Raises and changes nothing if not."""
        if event.seq != self.last_seq + 1:
            raise RuleError(f"event seq {event.seq} does not follow {self.last_seq}")
        if event.kind == "undone":
            self._undo(event)
            self.events.append(event)
            return
        handler = getattr(self, f"_on_{event.kind}", None)
        if handler is None:
            raise RuleError(f"event kind {event.kind!r} cannot follow session_created")
        check_member(event.actor, self.members, event.kind)
        handler(event, dict(event.data))
        self.events.append(event)
        self.effective.append(event)
        self.last_at = event.at

    def _undo(self, event: Event) -> None:
        if not self.effective:
            raise RuleError("undone: there is nothing to undo")
        target = self.effective[-1]
        wanted = event.data.get("seq")
        if wanted != target.seq:
            raise RuleError(f"undone: seq must name the last change ({target.seq}), got {wanted!r}")
        if event.actor != target.actor and event.actor != self.facilitator:
            raise NotAllowedError(
                f"undone: {event.actor!r} cannot undo {target.kind} by {target.actor!r}: "
                f"only its author or the facilitator ({self.facilitator!r}) can"
            )
        events, keep = self.events, self.effective[:-1]
        self.__init__(self.created)  # type: ignore[misc]
        for one in keep:
            handler = getattr(self, f"_on_{one.kind}")
            handler(one, dict(one.data))
            self.effective.append(one)
        self.events = events
        self.last_at = event.at

    def _new_id(self, kind: str, prefix: str, key: str, taken: dict[str, Any]) -> None:
        if not isinstance(key, str) or not key.startswith(f"{prefix}-"):
            raise RuleError(f"{kind}: id must look like {prefix}-N, got {key!r}")
        if key in taken:
            raise RuleError(f"{kind}: id {key!r} is already used")
        number = key[2:]
        if number.isdigit():
            self._counters[prefix] = max(self._counters[prefix], int(number))

    def _item(self, kind: str, item_id: Any) -> ItemState:
        check_known(kind, "item", item_id, self.items)
        return self.items[item_id]

    def _theme(self, kind: str, theme_id: Any) -> ThemeState:
        check_known(kind, "theme", theme_id, self.themes)
        return self.themes[theme_id]

    @staticmethod
    def _text(kind: str, name: str, value: Any) -> str:
        text = value.strip() if isinstance(value, str) else ""
        if not text:
            raise RuleError(f"{kind}: {name} must be non-empty text, got {value!r}")
        if name in ("label", "title") and "\n" in text:
            raise RuleError(f"{kind}: {name} must be one line, got {value!r}")
        return text

    def _on_item_added(self, e: Event, d: dict[str, Any]) -> None:
        self._new_id(e.kind, "i", d["item_id"], self.items)
        spec = self.template.section(d["section"])
        text = self._text(e.kind, "text", d.get("text"))
        warnings = blame_warnings(text, self.members)
        self.items[d["item_id"]] = ItemState(
            d["item_id"],
            spec.key,
            spec.section,
            spec.heading,
            text,
            e.actor,
            e.at,
            None,
            0,
            warnings,
        )

    def _on_item_edited(self, e: Event, d: dict[str, Any]) -> None:
        item = self._item(e.kind, d.get("item_id"))
        check_owner(e.actor, item.owner, self.facilitator, item.id, e.kind)
        item.text = self._text(e.kind, "text", d.get("text"))
        item.warnings = blame_warnings(item.text, self.members)

    def _on_item_removed(self, e: Event, d: dict[str, Any]) -> None:
        item = self._item(e.kind, d.get("item_id"))
        check_owner(e.actor, item.owner, self.facilitator, item.id, e.kind)
        del self.items[item.id]
        for counter in self.votes.values():
            counter.pop(item.id, None)

    def _on_item_moved(self, e: Event, d: dict[str, Any]) -> None:
        item = self._item(e.kind, d.get("item_id"))
        theme_id = d.get("theme_id")
        if theme_id is not None:
            self._theme(e.kind, theme_id)
        item.theme_id = theme_id

    def _on_theme_created(self, e: Event, d: dict[str, Any]) -> None:
        self._new_id(e.kind, "t", d["theme_id"], self.themes)
        label = self._text(e.kind, "label", d.get("label"))
        items = [self._item(e.kind, one) for one in d.get("item_ids", [])]
        self.themes[d["theme_id"]] = ThemeState(d["theme_id"], label)
        for item in items:
            item.theme_id = d["theme_id"]

    def _on_theme_renamed(self, e: Event, d: dict[str, Any]) -> None:
        theme = self._theme(e.kind, d.get("theme_id"))
        theme.label = self._text(e.kind, "label", d.get("label"))

    def _on_theme_merged(self, e: Event, d: dict[str, Any]) -> None:
        target = self._theme(e.kind, d.get("theme_id"))
        sources = [self._theme(e.kind, one) for one in d.get("sources", [])]
        if not sources or any(s.id == target.id for s in sources):
            raise RuleError(
                f"{e.kind}: sources must name other themes than {target.id!r}, "
                f"got {d.get('sources')!r}"
            )
        label = d.get("label")
        if label is not None:
            label = self._text(e.kind, "label", label)
        gone = {s.id for s in sources}
        for item in self.items.values():
            if item.theme_id in gone:
                item.theme_id = target.id
        for action in self.actions.values():
            if action.theme_id in gone:
                action.theme_id = target.id
        for key in gone:
            del self.themes[key]
        if label:
            target.label = label

    def _on_theme_split(self, e: Event, d: dict[str, Any]) -> None:
        theme = self._theme(e.kind, d.get("theme_id"))
        self._new_id(e.kind, "t", d["new_theme_id"], self.themes)
        label = self._text(e.kind, "label", d.get("label"))
        items = [self._item(e.kind, one) for one in d.get("item_ids", [])]
        if not items or any(item.theme_id != theme.id for item in items):
            raise RuleError(
                f"{e.kind}: item_ids must be items of theme {theme.id!r}, got {d.get('item_ids')!r}"
            )
        self.themes[d["new_theme_id"]] = ThemeState(d["new_theme_id"], label)
        for item in items:
            item.theme_id = d["new_theme_id"]

    def _check_voting(self, e: Event) -> None:
        if self.phase != "prioritisation" and not self.allow_votes_any_phase:
            current = self.phase or "not started"
            raise VotingClosedError(
                f"{e.kind}: votes are cast in the prioritisation phase (now: {current}); the "
                f"facilitator ({self.facilitator!r}) can allow voting in any phase"
            )

    def _on_vote_cast(self, e: Event, d: dict[str, Any]) -> None:
        item = self._item(e.kind, d.get("item_id"))
        self._check_voting(e)
        if self.votes_left(e.actor) <= 0:
            raise VoteBudgetError(
                f"{e.kind}: {e.actor!r} has used all {self.votes_per_participant} votes "
                f"(votes_per_participant={self.votes_per_participant}); withdraw one first"
            )
        self.votes[e.actor][item.id] += 1
        item.votes += 1

    def _on_vote_withdrawn(self, e: Event, d: dict[str, Any]) -> None:
        item = self._item(e.kind, d.get("item_id"))
        self._check_voting(e)
        if self.votes[e.actor][item.id] <= 0:
            raise RuleError(f"{e.kind}: {e.actor!r} has no vote on item {item.id!r} to withdraw")
        self.votes[e.actor][item.id] -= 1
        if not self.votes[e.actor][item.id]:
            del self.votes[e.actor][item.id]
        item.votes -= 1

    def _action_fields(self, e: Event, d: dict[str, Any]) -> dict[str, Any]:
        fields = {k: d[k] for k in _ACTION_FIELDS if k in d}
        if "title" in fields:
            fields["title"] = self._text(e.kind, "title", fields["title"])
        if fields.get("due") is not None:
            try:
                fields["due"] = date.fromisoformat(str(fields["due"]))
            except ValueError as exc:
                raise RuleError(f"{e.kind}: due must be a date, got {d['due']!r}") from exc
        if fields.get("theme_id") is not None:
            self._theme(e.kind, fields["theme_id"])
        for name in ("owner", "priority"):
            if name in fields and fields[name] is not None:
                value = str(fields[name]).strip()
                if "\n" in value:
                    raise RuleError(f"{e.kind}: {name} must be one line, got {fields[name]!r}")
                fields[name] = value or None
        try:  # the model knows the allowed kinds and statuses
            Action(
                id="a-check",
                title="check",
                kind=fields.get("kind"),
                status=fields.get("status", "open"),
            )
        except ValueError as exc:
            raise RuleError(f"{e.kind}: {exc}") from exc
        return fields

    def _on_action_added(self, e: Event, d: dict[str, Any]) -> None:
        self._new_id(e.kind, "a", d["action_id"], self.actions)
        fields = self._action_fields(e, d)
        if "title" not in fields:
            raise RuleError(f"{e.kind}: title must be non-empty text, got None")
        action = ActionState(d["action_id"], created_at=e.at, created_by=e.actor, **fields)
        self.actions[action.id] = action

    def _on_action_edited(self, e: Event, d: dict[str, Any]) -> None:
        check_known(e.kind, "action", d.get("action_id"), self.actions)
        fields = self._action_fields(e, d)
        action = self.actions[d["action_id"]]
        for name, value in fields.items():
            setattr(action, name, value)

    def _on_phase_started(self, e: Event, d: dict[str, Any]) -> None:
        check_facilitator(e.actor, self.facilitator, e.kind)
        phase = self.template.phase(d.get("phase", "?")).key
        self._close_phase(e.at)
        self.phase, self.phase_started_at = phase, e.at
        self.phase_log.append((phase, e.at, None))
        self.started_at = self.started_at or e.at
        self.ended_at = None

    def _on_phase_ended(self, e: Event, d: dict[str, Any]) -> None:
        check_facilitator(e.actor, self.facilitator, e.kind)
        if self.phase is None or d.get("phase") != self.phase:
            raise RuleError(f"{e.kind}: phase {d.get('phase')!r} is not running ({self.phase})")
        self._close_phase(e.at)
        if self.phase == "wrap_up":
            self.ended_at = e.at
        self.phase = None
        self.phase_started_at = None

    def _close_phase(self, at: datetime) -> None:
        if self.phase_log and self.phase_log[-1][2] is None:
            name, start, _ = self.phase_log[-1]
            self.phase_log[-1] = (name, start, at)

    def _on_settings_changed(self, e: Event, d: dict[str, Any]) -> None:
        check_facilitator(e.actor, self.facilitator, e.kind)
        if set(d) != {"allow_votes_any_phase"} or not isinstance(d["allow_votes_any_phase"], bool):
            raise RuleError(f"{e.kind}: only allow_votes_any_phase (true/false) can change: {d!r}")
        self.allow_votes_any_phase = d["allow_votes_any_phase"]
