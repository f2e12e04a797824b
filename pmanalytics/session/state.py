"""The session state: immutable data over the model's own ``Item``, ``Theme`` and ``Action``.

A :class:`SessionState` is never changed: :func:`pmanalytics.session.fold.apply` returns a
new one. What never changes during a session (the post-mortem it started from, the
template, who takes part) is the :class:`Setup` every state shares.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from .._model import Action, Item, PostMortem, Theme
from .events import Event, SessionCreated
from .rules import BlameWarning, nudges, theme_votes
from .templates import Template, template_from_dict

__all__ = ["SessionSettings", "SessionState", "Setup"]

#: The events still in effect, newest first, as a linked stack: (event, older) or None.
Stack = tuple[Event, "Stack"] | None


@dataclass(frozen=True)
class SessionSettings:
    """Session settings; ``None`` keeps the template's value.

    ``time_boxes`` maps phase keys to minutes, e.g. ``{"group_discussion": 15}``;
    ``minutes`` then fits the whole agenda to a slot, scaling every time box
    (:func:`~pmanalytics.session.templates.fit_agenda`). With ``private_reflection``,
    notes written in individual reflection stay private to their authors until revealed.
    """

    votes_per_participant: int | None = None
    anonymous: bool = False
    time_boxes: dict[str, int] = field(default_factory=dict)
    allow_votes_any_phase: bool = False
    minutes: int | None = None
    private_reflection: bool = True


@dataclass(frozen=True, eq=False)
class Setup:
    """What a session starts from and keeps: read from its ``session_created`` event."""

    created: SessionCreated

    @cached_property
    def postmortem(self) -> PostMortem:
        """The post-mortem the session started from."""
        return PostMortem.model_validate(self.created.data.postmortem)

    @cached_property
    def template(self) -> Template:
        """The session's template."""
        return template_from_dict(self.created.data.template)

    @property
    def facilitator(self) -> str:
        """The facilitator's name."""
        return self.created.data.facilitator

    @cached_property
    def members(self) -> tuple[str, ...]:
        """Everyone who can act: the facilitator first, then the participants."""
        data = self.created.data
        return (data.facilitator, *(p for p in data.participants if p != data.facilitator))

    @cached_property
    def base_item_ids(self) -> frozenset[str]:
        """The ids of the items the post-mortem already had."""
        return frozenset(item.id for item in self.postmortem.items)


@dataclass(frozen=True)
class SessionState:
    """The fold of a session's events. Build it with :func:`~pmanalytics.session.fold.start`.

    ``items``, ``themes`` and ``actions`` are the model's own objects; their mappings are
    never changed in place. ``votes`` maps each member to their votes per item.
    """

    setup: Setup
    items: Mapping[str, Item]
    themes: Mapping[str, Theme]
    actions: Mapping[str, Action]
    votes: Mapping[str, Mapping[str, int]]
    allow_votes_any_phase: bool
    last_seq: int
    last_at: datetime
    stack: Stack = None
    phase: str | None = None
    phase_started_at: datetime | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    phase_log: tuple[tuple[str, datetime, datetime | None], ...] = ()
    counters: tuple[int, int, int] = (0, 0, 0)  # the highest i-, t- and a- numbers used
    private: frozenset[str] = frozenset()  # notes of individual reflection not revealed yet
    revealed: bool = False  # the facilitator revealed the private notes
    anonymous_items: frozenset[str] = frozenset()  # notes posted anonymously
    extra_minutes: Mapping[str, int] = field(default_factory=dict)  # "+2 min" per phase
    auto_advance: bool = False  # the next phase starts when a time box runs out

    def evolve(self, changes: Mapping[str, Any]) -> SessionState:
        """A new state with ``changes``: ``dataclasses.replace`` without re-running
        ``__init__`` (the fold calls it once per event, and every value is already checked).
        """
        new = object.__new__(SessionState)
        new.__dict__.update(self.__dict__)
        new.__dict__.update(changes)
        return new

    # ---------------------------------------------------------------- the setup

    @property
    def created(self) -> SessionCreated:
        """The ``session_created`` event."""
        return self.setup.created

    @property
    def postmortem(self) -> PostMortem:
        """The post-mortem the session started from (its facts)."""
        return self.setup.postmortem

    @property
    def template(self) -> Template:
        """The template in use."""
        return self.setup.template

    @property
    def facilitator(self) -> str:
        """The facilitator's name."""
        return self.setup.facilitator

    @property
    def participants(self) -> tuple[str, ...]:
        """The participants as the session was created with them."""
        return self.setup.created.data.participants

    @property
    def members(self) -> tuple[str, ...]:
        """Everyone who can act: the facilitator first."""
        return self.setup.members

    @property
    def anonymous(self) -> bool:
        """Whether items are saved without their author."""
        return self.setup.created.data.settings.anonymous

    @property
    def private_reflection(self) -> bool:
        """Whether notes of individual reflection stay private until revealed."""
        return self.setup.created.data.settings.private_reflection

    @property
    def votes_per_participant(self) -> int:
        """Each member's vote budget."""
        return self.setup.created.data.settings.votes_per_participant

    # ---------------------------------------------------------------- queries

    @property
    def effective(self) -> tuple[Event, ...]:
        """The events still in effect (not undone), oldest first."""
        found: list[Event] = []
        node = self.stack
        while node is not None:
            found.append(node[0])
            node = node[1]
        return tuple(reversed(found))

    @property
    def last_effective(self) -> Event | None:
        """The newest event still in effect: the one an undo would remove."""
        return None if self.stack is None else self.stack[0]

    def next_id(self, prefix: str) -> str:
        """A fresh id (``i-1``, ``t-1``, ``a-1``...) not used by any item, theme or action."""
        index = "ita".index(prefix)
        taken: Mapping[str, Any] = (self.items, self.themes, self.actions)[index]
        number = self.counters[index]
        while True:
            number += 1
            candidate = f"{prefix}-{number}"
            if candidate not in taken:
                return candidate

    def votes_used(self, name: str) -> int:
        """How many votes ``name`` has cast."""
        return sum(self.votes.get(name, {}).values())

    def votes_left(self, name: str) -> int:
        """How many votes ``name`` can still cast."""
        return self.votes_per_participant - self.votes_used(name)

    def theme_items(self, theme_id: str) -> list[Item]:
        """The items grouped under ``theme_id``, in board order."""
        return [item for item in self.items.values() if item.theme_id == theme_id]

    def theme_votes(self, theme_id: str) -> int:
        """Total votes of the items under ``theme_id``."""
        return theme_votes(self.items.values(), theme_id)

    def phase_minutes(self, phase: str) -> int:
        """A phase's time box: the template's minutes plus what the facilitator added."""
        return self.template.phase(phase).minutes + self.extra_minutes.get(phase, 0)

    def is_anonymous(self, item_id: str) -> bool:
        """Whether ``item_id``'s author must appear in no output.

        Notes posted anonymously, and every note written in a session that is anonymous
        as a whole (not those the post-mortem already had).
        """
        if item_id in self.anonymous_items:
            return True
        return self.anonymous and item_id not in self.setup.base_item_ids

    def shown_author(self, item: Item) -> str | None:
        """The author an output may show for ``item``: ``None`` when it is anonymous."""
        return None if self.is_anonymous(item.id) else item.author

    def can_see(self, item_id: str, viewer: str | None) -> bool:
        """Whether ``viewer`` may see the item: private notes only by their author.

        ``viewer=None`` is an outsider (a saved file, a report): it sees no private note.
        """
        if item_id not in self.private:
            return True
        item = self.items.get(item_id)
        return item is not None and viewer is not None and item.author == viewer

    def column(self, item: Item) -> str:
        """The board column (template section key) ``item`` shows in."""
        spec = self.template.section_for(item.section, item.heading)
        return spec.key if spec else f"other:{item.heading}"

    def warnings(self, item_id: str) -> tuple[BlameWarning, ...]:
        """Blame-language nudges for an item written in this session (none for older ones)."""
        item = self.items.get(item_id)
        if item is None or item_id in self.setup.base_item_ids:
            return ()
        return nudges(item.text, self.members)

    def snapshot(self) -> dict[str, Any]:
        """Plain data describing the state: two equal folds give equal snapshots."""
        return {
            "items": [
                (i.id, self.column(i), i.text, i.author, i.theme_id, i.votes)
                for i in self.items.values()
            ],
            "themes": [(t.id, t.label) for t in self.themes.values()],
            "actions": [a.model_dump() for a in self.actions.values()],
            "votes": {k: dict(sorted(v.items())) for k, v in self.votes.items() if v},
            "phase": self.phase,
            "allow_votes_any_phase": self.allow_votes_any_phase,
            "effective": [e.seq for e in self.effective],
        }
