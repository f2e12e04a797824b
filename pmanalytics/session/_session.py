"""The :class:`Session`: commands that append events, views of the state, save and wrap-up."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from .._errors import PMError
from .._files import write
from .._model import Action, Item, Participant, PostMortem, Theme
from .errors import RuleError, SessionError
from .events import Event
from .grouping import Suggestion, suggest_groups
from .journal import Journal
from .rules import missing_plan
from .state import ActionState, ItemState, SessionSettings, SessionState
from .templates import DEFAULT_TEMPLATE, PHASES, Template, load_template

__all__ = ["PhaseStatus", "Session", "ThemeSummary", "WrapUp", "journal_path"]

_PHASE_KEYS = tuple(key for key, _, _ in PHASES)
Clock = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(UTC)


def journal_path(folder: str | Path, postmortem_id: str) -> Path:
    """Where the journal of the session on ``postmortem_id`` lives: beside the post-mortem.

    Examples
    --------
    >>> journal_path("pms", "2024-03-01-api-outage").name
    '2024-03-01-api-outage.session.jsonl'
    """
    return Path(folder) / f"{postmortem_id}.session.jsonl"


@dataclass(frozen=True)
class PhaseStatus:
    """Where the session is: the current phase, its time box and the time left (seconds)."""

    phase: str | None
    title: str
    index: int  # 0-based position among the phases; -1 before the start
    minutes: int
    elapsed: float
    remaining: float
    overrun: bool


@dataclass(frozen=True)
class ThemeSummary:
    """A theme with its derived votes and items, for wrap-up and reports."""

    id: str
    label: str
    votes: int
    item_ids: tuple[str, ...]


@dataclass(frozen=True)
class WrapUp:
    """The wrap-up: themes by votes, the actions, and those lacking an owner or a due date."""

    top_themes: tuple[ThemeSummary, ...]
    actions: tuple[ActionState, ...]
    unplanned: tuple[tuple[ActionState, tuple[str, ...]], ...]


def _names(values: Sequence[str | Participant]) -> list[str]:
    names = []
    for value in values:
        name = value.name if isinstance(value, Participant) else value
        if not isinstance(name, str) or not name.strip() or "\n" in name:
            raise SessionError(f"participants: each must be a one-line name, got {name!r}")
        if name.strip() not in names:
            names.append(name.strip())
    return names


class Session:
    """A post-mortem session: its state is the fold of the events in its journal.

    Create one with :meth:`create` (writes ``<folder>/<id>.session.jsonl``), reopen it with
    :meth:`open`. Every command names its actor with ``by=`` and either appends one event
    or raises a :class:`~pmanalytics.session.errors.RuleError` and changes nothing.

    Examples
    --------
    >>> import tempfile
    >>> from pmanalytics import PostMortem
    >>> pm = PostMortem(id="pm-1", title="Disk full")
    >>> s = Session.create(pm, tempfile.mkdtemp(), participants=["Ana", "Bo"], facilitator="Cy")
    >>> event = s.add_item("went_well", "Paging reached on-call fast", by="Ana")
    >>> s.state.items[event.data["item_id"]].text
    'Paging reached on-call fast'
    >>> s.cast_vote(event.data["item_id"], by="Bo")
    Traceback (most recent call last):
    ...
    pmanalytics.session.errors.VotingClosedError: vote_cast: votes are cast in the ...
    >>> Session.open(s.path).state.snapshot() == s.state.snapshot()
    True
    """

    def __init__(self, journal: Journal, state: SessionState, clock: Clock | None = None) -> None:
        self._journal = journal
        self._state = state
        self._clock = clock or _utc_now

    # ---------------------------------------------------------------- opening

    @classmethod
    def create(
        cls,
        postmortem: PostMortem,
        folder: str | Path,
        *,
        participants: Sequence[str | Participant] | None = None,
        facilitator: str | None = None,
        settings: SessionSettings | None = None,
        template: Template | str | Path | None = None,
        clock: Clock | None = None,
    ) -> Session:
        """Start a session on ``postmortem``, journaled in ``folder``.

        ``participants`` defaults to the post-mortem's participants; ``facilitator`` to its
        review's facilitator. ``template`` is a :class:`Template` or a YAML file.
        """
        if not isinstance(postmortem, PostMortem):
            raise TypeError(f"'postmortem' must be a PostMortem, got {type(postmortem).__name__}")
        settings = settings or SessionSettings()
        if template is None:
            template = DEFAULT_TEMPLATE
        elif not isinstance(template, Template):
            template = load_template(template)
        template = template.with_time_boxes(settings.time_boxes)
        if facilitator is None:
            chosen = [p.name for p in postmortem.participants if p.role == "facilitator"]
            facilitator = postmortem.review.facilitator or (chosen[0] if chosen else None)
        if facilitator is None:
            raise SessionError("facilitator: needed (the post-mortem's review names none)")
        facilitator = _names([facilitator])[0]
        if participants is None:
            participants = [p.name for p in postmortem.participants]
        people = [name for name in _names(participants) if name != facilitator]
        votes = settings.votes_per_participant
        votes = template.votes_per_participant if votes is None else votes
        if isinstance(votes, bool) or not isinstance(votes, int) or votes < 0:
            raise SessionError(f"votes_per_participant: must be 0 or more, got {votes!r}")
        now = (clock or _utc_now)()
        data = {
            "postmortem": postmortem.model_dump(mode="json"),
            "participants": people,
            "facilitator": facilitator,
            "settings": {
                "votes_per_participant": votes,
                "anonymous": bool(settings.anonymous),
                "allow_votes_any_phase": bool(settings.allow_votes_any_phase),
            },
            "template": template.to_dict(),
        }
        created = Event(1, "session_created", now, facilitator, data)
        SessionState(created)  # validate before anything touches the disk
        target = Path(folder)
        target.mkdir(parents=True, exist_ok=True)
        journal = Journal(journal_path(target, postmortem.id))

        def prepare(existing: list[Event]) -> Event:
            if existing:
                raise SessionError(
                    f"{journal.path}: a session already exists; open it with Session.open"
                )
            return created

        journal.append(prepare)
        return cls(journal, SessionState(created), clock)

    @classmethod
    def open(cls, path: str | Path, *, clock: Clock | None = None) -> Session:
        """Reopen a session by replaying its journal (a torn last line is skipped, warned)."""
        journal = Journal(path)
        events = journal.read_new()
        if not events or events[0].kind != "session_created":
            raise SessionError(f"{journal.path}: does not start with a session_created event")
        state = SessionState(events[0])
        for event in events[1:]:
            state.apply(event)
        return cls(journal, state, clock)

    @classmethod
    def open_or_create(cls, postmortem: PostMortem, folder: str | Path, **options: Any) -> Session:
        """Reopen the session on ``postmortem`` in ``folder`` if there is one, else create it."""
        path = journal_path(folder, postmortem.id)
        if path.exists() and path.stat().st_size:
            return cls.open(path, clock=options.get("clock"))
        return cls.create(postmortem, folder, **options)

    # ---------------------------------------------------------------- properties

    @property
    def path(self) -> Path:
        """The journal file."""
        return self._journal.path

    @property
    def folder(self) -> Path:
        """The folder of the journal, where :meth:`save` writes the post-mortem."""
        return self._journal.path.parent

    @property
    def state(self) -> SessionState:
        """The current state (read it; change it only through the commands)."""
        return self._state

    @property
    def template(self) -> Template:
        """The template in use (sections, phases, vote budget)."""
        return self._state.template

    @property
    def facilitator(self) -> str:
        """The facilitator's name."""
        return self._state.facilitator

    @property
    def members(self) -> tuple[str, ...]:
        """Everyone who can act: the facilitator first, then the participants."""
        return self._state.members

    @property
    def events(self) -> tuple[Event, ...]:
        """Every event so far, in journal order."""
        return tuple(self._state.events)

    def now(self) -> datetime:
        """The session clock's current time."""
        return self._clock()

    def refresh(self) -> int:
        """Apply events other processes appended; returns how many there were."""
        new = self._journal.read_new()
        for event in new:
            self._state.apply(event)
        return len(new)

    # ---------------------------------------------------------------- committing

    def _commit(self, kind: str, by: str, build: Callable[[SessionState], dict[str, Any]]) -> Event:
        def prepare(new: list[Event]) -> Event:
            for event in new:
                self._state.apply(event)
            state = self._state
            event = Event(state.last_seq + 1, kind, self._clock(), by, build(state))
            try:  # it must be writable before it changes anything
                event.to_json().encode("utf-8")
            except (TypeError, ValueError) as exc:
                raise RuleError(f"{kind}: cannot be saved ({exc})") from None
            state.apply(event)
            return event

        try:
            event = self._journal.append(prepare)
        except PMError:
            raise  # a broken rule changes nothing
        except BaseException:
            self._reload()  # the live state may be ahead of the journal: replay it
            raise
        if self._state.ended_at is not None or self._state.phase == "wrap_up":
            self.save()  # from wrap-up on, the canonical file follows every change
        return event

    def _reload(self) -> None:
        fresh = Session.open(self.path, clock=self._clock)
        self._journal.close()
        self._journal, self._state = fresh._journal, fresh._state

    # ---------------------------------------------------------------- items

    def add_item(self, section: str, text: str, *, by: str) -> Event:
        """Add an item to a template section; its id is ``event.data['item_id']``."""
        return self._commit(
            "item_added",
            by,
            lambda s: {"item_id": s.next_id("i"), "section": section, "text": text},
        )

    def edit_item(self, item_id: str, text: str, *, by: str) -> Event:
        """Change an item's text (its author or the facilitator)."""
        return self._commit("item_edited", by, lambda s: {"item_id": item_id, "text": text})

    def remove_item(self, item_id: str, *, by: str) -> Event:
        """Remove an item (its author or the facilitator); votes on it are returned."""
        return self._commit("item_removed", by, lambda s: {"item_id": item_id})

    def move_item(self, item_id: str, theme_id: str | None, *, by: str) -> Event:
        """Put an item under a theme (``None`` takes it out of its theme)."""
        return self._commit("item_moved", by, lambda s: {"item_id": item_id, "theme_id": theme_id})

    # ---------------------------------------------------------------- themes

    def create_theme(self, label: str, item_ids: Sequence[str] = (), *, by: str) -> Event:
        """Group items under a new theme; its id is ``event.data['theme_id']``."""
        ids = list(item_ids)
        return self._commit(
            "theme_created",
            by,
            lambda s: {"theme_id": s.next_id("t"), "label": label, "item_ids": ids},
        )

    def rename_theme(self, theme_id: str, label: str, *, by: str) -> Event:
        """Change a theme's label."""
        return self._commit("theme_renamed", by, lambda s: {"theme_id": theme_id, "label": label})

    def merge_themes(self, theme_ids: Sequence[str], label: str | None = None, *, by: str) -> Event:
        """Merge themes into the first one (optionally relabelled)."""
        ids = list(theme_ids)
        if len(ids) < 2:
            raise RuleError(f"theme_merged: theme_ids must name two themes or more, got {ids!r}")
        return self._commit(
            "theme_merged",
            by,
            lambda s: {"theme_id": ids[0], "sources": ids[1:], "label": label},
        )

    def split_theme(self, theme_id: str, item_ids: Sequence[str], label: str, *, by: str) -> Event:
        """Move some of a theme's items to a new theme with ``label``."""
        ids = list(item_ids)
        return self._commit(
            "theme_split",
            by,
            lambda s: {
                "theme_id": theme_id,
                "new_theme_id": s.next_id("t"),
                "label": label,
                "item_ids": ids,
            },
        )

    def suggest_themes(self, *, unthemed_only: bool = True) -> list[Suggestion]:
        """Suggested groupings of the board's items (never applied by itself)."""
        items = [
            Item(id=i.id, section=i.section, heading=i.heading, text=i.text)
            for i in self._state.items.values()
            if not (unthemed_only and i.theme_id)
        ]
        return suggest_groups(items)

    # ---------------------------------------------------------------- votes

    def cast_vote(self, item_id: str, *, by: str) -> Event:
        """Vote for an item (within the voter's budget, in the prioritisation phase)."""
        return self._commit("vote_cast", by, lambda s: {"item_id": item_id})

    def withdraw_vote(self, item_id: str, *, by: str) -> Event:
        """Take back one of one's votes on an item."""
        return self._commit("vote_withdrawn", by, lambda s: {"item_id": item_id})

    def votes_left(self, name: str) -> int:
        """How many votes ``name`` can still cast."""
        return self._state.votes_left(name)

    def allow_votes_any_phase(self, allowed: bool = True, *, by: str) -> Event:
        """Let votes be cast outside the prioritisation phase (facilitator only)."""
        return self._commit("settings_changed", by, lambda s: {"allow_votes_any_phase": allowed})

    # ---------------------------------------------------------------- actions

    def add_action(
        self,
        title: str,
        *,
        by: str,
        owner: str | None = None,
        due: date | str | None = None,
        priority: str | None = None,
        kind: str | None = None,
        theme_id: str | None = None,
    ) -> Event:
        """Add an action; its id is ``event.data['action_id']``."""
        fields = {"title": title, "owner": owner, "due": _iso(due), "priority": priority}
        fields.update({"kind": kind, "theme_id": theme_id})
        return self._commit("action_added", by, lambda s: {"action_id": s.next_id("a"), **fields})

    def edit_action(self, action_id: str, *, by: str, **changes: Any) -> Event:
        """Change some fields of an action: title, owner, due, priority, kind, theme_id, status."""
        unknown = set(changes) - {"title", "owner", "due", "priority", "kind", "theme_id", "status"}
        if unknown:
            raise RuleError(f"action_edited: unknown fields {sorted(unknown)}")
        if "due" in changes:
            changes["due"] = _iso(changes["due"])
        return self._commit("action_edited", by, lambda s: {"action_id": action_id, **changes})

    # ---------------------------------------------------------------- phases

    def start_phase(self, phase: str, *, by: str) -> Event:
        """Start a phase (facilitator only); the running phase ends. Wrap-up saves the file."""
        event = self._commit("phase_started", by, lambda s: {"phase": phase})
        if phase == "wrap_up":
            self.save()
        return event

    def end_phase(self, *, by: str) -> Event:
        """End the running phase; ending the wrap-up ends the session and saves the file."""
        event = self._commit("phase_ended", by, lambda s: {"phase": s.phase})
        if event.data["phase"] == "wrap_up":
            self.save()
        return event

    def _neighbour(self, step: int) -> str | None:
        keys = [p.key for p in self.template.phases]
        state = self._state
        current = state.phase or (state.phase_log[-1][0] if state.phase_log else None)
        if current is None:
            return keys[0] if step > 0 else None
        index = keys.index(current) + step
        if state.phase is None and step > 0 and current == keys[-1]:
            return None
        return keys[index] if 0 <= index < len(keys) else None

    def next_phase(self, *, by: str) -> Event:
        """Start the next phase; after the wrap-up, end the session."""
        following = self._neighbour(+1)
        if following is None:
            if self._state.phase is None:
                raise RuleError("phase_started: the session has ended; there is no next phase")
            return self.end_phase(by=by)
        return self.start_phase(following, by=by)

    def previous_phase(self, *, by: str) -> Event:
        """Go back to the previous phase."""
        previous = self._neighbour(-1)
        if previous is None:
            raise RuleError("phase_started: there is no phase before the first")
        return self.start_phase(previous, by=by)

    def phase_status(self, now: datetime | None = None) -> PhaseStatus:
        """The running phase, its time box and the time left at ``now`` (default: the clock).

        ``remaining`` goes negative and ``overrun`` is true once the time box is exceeded.
        """
        state = self._state
        if state.phase is None or state.phase_started_at is None:
            title = "Ended" if state.ended_at else "Not started"
            return PhaseStatus(None, title, -1, 0, 0.0, 0.0, False)
        spec = self.template.phase(state.phase)
        elapsed = ((now or self._clock()) - state.phase_started_at).total_seconds()
        remaining = spec.minutes * 60 - elapsed
        index = [p.key for p in self.template.phases].index(spec.key)
        return PhaseStatus(
            spec.key, spec.title, index, spec.minutes, elapsed, remaining, remaining < 0
        )

    # ---------------------------------------------------------------- undo

    def undo(self, *, by: str) -> Event:
        """Undo the last change (its author or the facilitator); the undo is itself an event."""

        def build(state: SessionState) -> dict[str, Any]:
            if not state.effective:
                raise RuleError("undone: there is nothing to undo")
            return {"seq": state.effective[-1].seq}

        return self._commit("undone", by, build)

    # ---------------------------------------------------------------- results

    def theme_summaries(self) -> tuple[ThemeSummary, ...]:
        """Every theme with its votes and items, most votes first (then oldest first)."""
        state = self._state
        themes = [
            ThemeSummary(
                t.id, t.label, state.theme_votes(t.id), tuple(i.id for i in state.theme_items(t.id))
            )
            for t in state.themes.values()
        ]
        return tuple(sorted(themes, key=lambda t: -t.votes))

    def wrap_up(self, top: int = 5) -> WrapUp:
        """Top themes by votes, the actions, and the actions lacking an owner or a due date."""
        actions = tuple(self._state.actions.values())
        unplanned = tuple(
            (a, missing) for a in actions if (missing := missing_plan(a.owner, a.due, a.status))
        )
        return WrapUp(self.theme_summaries()[:top], actions, unplanned)

    def to_postmortem(self) -> PostMortem:
        """The post-mortem with the session's items, votes, themes, actions and review."""
        state = self._state
        base = state.postmortem
        items = [self._item_model(item) for item in state.items.values()]
        ranks = {t.id: rank for rank, t in enumerate(self.theme_summaries(), start=1)}
        themes = [
            (t.base or Theme(id=t.id, label=t.label)).model_copy(
                update={"label": t.label, "rank": ranks[t.id]}
            )
            for t in state.themes.values()
        ]
        targets = set(state.items) | set(state.themes)
        actions = [self._action_model(a, targets) for a in state.actions.values()]
        participants = list(base.participants)
        known = {p.name for p in participants}
        for name in state.members:
            if name not in known:
                role = "facilitator" if name == state.facilitator else "participant"
                participants.append(Participant(name=name, role=role))
        start = state.started_at or state.created.at
        end = state.ended_at or state.last_at
        review = base.review.model_copy(
            update={
                "held_on": start.astimezone().date(),  # the day where the session ran
                "facilitator": state.facilitator,
                "duration_minutes": max(0, round((end - start).total_seconds() / 60)),
            }
        )
        status = base.status
        if state.ended_at and status != "closed":
            status = "reviewed"
        elif status == "draft":
            status = "in_review"
        data = base.model_dump()
        data.update(items=items, themes=themes, actions=actions, participants=participants)
        data.update(review=review, status=status)
        return PostMortem.model_validate(data)

    def _item_model(self, item: ItemState) -> Item:
        author = item.owner
        if self._state.anonymous and item.base is None:
            author = None
        fields = {
            "section": item.section,
            "heading": item.heading,
            "text": item.text,
            "author": author,
            "votes": item.votes,
            "theme_id": item.theme_id,
            "created_at": item.created_at,
        }
        if item.base is not None:
            return item.base.model_copy(update=fields)
        return Item(id=item.id, **fields)

    @staticmethod
    def _action_model(action: ActionState, targets: set[str]) -> Action:
        fields = {
            "title": action.title,
            "owner": action.owner,
            "due": action.due,
            "priority": action.priority,
            "kind": action.kind,
            "status": action.status,
            "addresses": action.theme_id,
        }
        if action.base is not None and action.theme_id is None:
            fields["addresses"] = action.base.addresses
        if fields["addresses"] not in targets:
            fields["addresses"] = None
        if action.base is not None:
            return action.base.model_copy(update=fields)
        return Action(id=action.id, created_at=action.created_at, **fields)

    def save(self, folder: str | Path | None = None) -> Path:
        """Write the post-mortem atomically as its canonical file (default: beside the journal)."""
        return write(self.to_postmortem(), self.folder if folder is None else folder)

    def close(self) -> None:
        """Close the journal file."""
        self._journal.close()

    def __repr__(self) -> str:
        state = self._state
        return (
            f"Session({state.postmortem.id!r}, phase={state.phase!r}, items={len(state.items)}, "
            f"themes={len(state.themes)}, actions={len(state.actions)}, events={len(state.events)})"
        )


def _iso(value: date | str | None) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
