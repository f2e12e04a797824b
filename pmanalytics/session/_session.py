"""The :class:`Session`: commands that append events, views of the state, save and wrap-up."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar, cast

from pydantic import ValidationError

from .._errors import PMError
from .._files import write
from .._model import Participant, PostMortem, describe_validation_error
from .._validate import check_bool, check_int, user_date
from .errors import NotAllowedError, RuleError, SessionError, SessionWarning
from .events import (
    ActionAdded,
    ActionEdited,
    Event,
    EventBase,
    ItemAdded,
    ItemEdited,
    ItemMoved,
    ItemRemoved,
    ItemsRevealed,
    PhaseEnded,
    PhaseExtended,
    PhaseStarted,
    SessionCreated,
    SettingsChanged,
    ThemeCreated,
    ThemeMerged,
    ThemeRenamed,
    ThemeSplit,
    Undone,
    VoteCast,
    VoteWithdrawn,
)
from .fold import apply, collector_paused, fold, start
from .grouping import SuggestedTheme, ThemeSuggester
from .identity import has_keys, issue_keys, who
from .journal import Journal
from .results import (
    PhaseStatus,
    ThemeSummary,
    VotedNote,
    WrapUp,
    theme_summaries,
    to_postmortem,
    wrap_up,
)
from .rules import (
    ACTION_FIELDS,
    BlameWarning,
    auto_advance_due,
    check_merge,
    next_phase_move,
    nudges,
    previous_phase_move,
)
from .seat import Seat
from .state import SessionSettings, SessionState
from .templates import DEFAULT_TEMPLATE, Template, fit_agenda, load_template

__all__ = ["PhaseStatus", "Session", "ThemeSummary", "VotedNote", "WrapUp", "journal_path"]

Clock = Callable[[], datetime]
E = TypeVar("E", bound=EventBase)


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
    >>> s.state.items[event.data.item_id].text
    'Paging reached on-call fast'
    >>> s.cast_vote(event.data.item_id, by="Bo")
    Traceback (most recent call last):
    ...
    pmanalytics.session.errors.VotingClosedError: vote_cast: votes are cast in the ...
    >>> Session.open(s.path).state.snapshot() == s.state.snapshot()
    True
    """

    def __init__(
        self,
        journal: Journal,
        state: SessionState,
        events: Sequence[Event] = (),
        clock: Clock | None = None,
    ) -> None:
        self._journal = journal
        self._state = state
        self._events: list[Event] = list(events) or [state.created]
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
        if settings.minutes is not None:
            template, _ = fit_agenda(template, settings.minutes)
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
        check_int("votes_per_participant", votes, minimum=0, error=SessionError)
        now = (clock or _utc_now)()
        data = {
            "postmortem": postmortem.model_dump(mode="json"),
            "participants": people,
            "facilitator": facilitator,
            "settings": {
                "votes_per_participant": votes,
                "anonymous": bool(settings.anonymous),
                "allow_votes_any_phase": bool(settings.allow_votes_any_phase),
                "private_reflection": bool(settings.private_reflection),
            },
            "template": template.to_dict(),
        }
        try:
            created = SessionCreated(seq=1, at=now, actor=facilitator, data=data)
        except ValidationError as exc:
            raise SessionError(describe_validation_error(exc)) from None
        state = start(created)  # validate before anything touches the disk
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
        return cls(journal, state, [created], clock)

    @classmethod
    def open(cls, path: str | Path, *, clock: Clock | None = None) -> Session:
        """Reopen a session by replaying its journal (a torn last line is skipped, warned)."""
        journal = Journal(path)
        events = journal.read_new()
        if not events or not isinstance(events[0], SessionCreated):
            raise SessionError(f"{journal.path}: does not start with a session_created event")
        with collector_paused():
            state = fold(start(events[0]), events[1:])
        return cls(journal, state, events, clock)

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
        """The current state (immutable: every command replaces it)."""
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
        """Every event so far, in journal order (undone ones and the undos included)."""
        return tuple(self._events)

    @property
    def id(self) -> str:
        """The session's id: its ``session_created`` event's id."""
        return self._state.created.id

    # ---------------------------------------------------------------- identity

    def issue_keys(self, secret: bytes) -> dict[str, str]:
        """Each member's secret key (for their join link); only hashes are stored.

        The same ``secret`` gives the same keys, so serving the session again prints the
        same links. See :mod:`pmanalytics.session.identity`.
        """
        return issue_keys(
            self.path, self.id, self.members, facilitator=self.facilitator, secret=secret
        )

    @property
    def needs_keys(self) -> bool:
        """Whether acting in this session needs a key (it was served with join links)."""
        return has_keys(self.path)

    def seat(self, key: str) -> Seat:
        """The seat of whoever holds ``key``; :class:`NotAllowedError` for any other key."""
        return Seat(self, who(self.path, key))

    def seat_local(self, name: str) -> Seat:
        """A member's seat without a key: only for a session not served with keys (one
        person driving the notebook); :class:`NotAllowedError` otherwise."""
        if self.needs_keys:
            raise NotAllowedError("this session needs the personal link's key to act in it")
        if name not in self.members:
            raise NotAllowedError(f"{name!r} is not in this session")
        return Seat(self, name)

    def now(self) -> datetime:
        """The session clock's current time."""
        return self._clock()

    def refresh(self) -> int:
        """Apply events other processes appended; returns how many there were."""
        new = self._journal.read_new()
        self._take(new)
        return len(new)

    def _take(self, new: list[Event]) -> None:
        if new:
            self._state = fold(self._state, new)
            self._events.extend(new)

    # ---------------------------------------------------------------- committing

    def _commit(
        self, cls: type[E], by: str, build: Callable[[SessionState], Mapping[str, Any]]
    ) -> E:
        kind = cls.model_fields["kind"].default
        after: list[SessionState] = []
        made: list[E] = []

        def prepare(new: list[Event]) -> Event:
            self._take(new)  # others' events are on disk already: check against them
            state = self._state
            raw = {"seq": state.last_seq + 1, "at": self._clock(), "actor": by}
            try:
                event = cls.model_validate({**raw, "data": build(state)})
            except ValidationError as exc:
                reason = describe_validation_error(exc).replace("\n", "; ")
                raise RuleError(f"{kind}: {reason}") from None
            try:  # it must be writable before it changes anything
                event.to_json().encode("utf-8")
            except ValueError as exc:
                raise RuleError(f"{kind}: cannot be saved ({exc})") from None
            any_event = cast(Event, event)  # E is one member of the union
            after.append(apply(state, any_event))
            made.append(event)
            return any_event

        self._journal.append(prepare)
        event = made[0]
        self._state = after[0]
        self._events.append(cast(Event, event))
        if self._state.ended_at is not None or self._state.phase == "wrap_up":
            self._save_after_commit(kind)
        return event

    def _save_after_commit(self, kind: str) -> None:
        """From wrap-up on, the canonical file follows every change, once.

        The event is journaled (committed) by then: a failed save warns rather than
        raises, so nobody retries a command that already happened.
        """
        try:
            self.save()
        except (OSError, PMError) as exc:
            warnings.warn(
                f"{kind} was recorded in {self._journal.path}, but the post-mortem file could "
                f"not be saved ({exc}); nothing is lost: call save() once the folder is writable",
                SessionWarning,
                stacklevel=4,
            )

    # ---------------------------------------------------------------- items

    def add_item(self, section: str, text: str, *, by: str, anonymous: bool = False) -> ItemAdded:
        """Add an item to a template section; its id is ``event.data.item_id``.

        ``anonymous`` posts it anonymously: its author appears in no view, report or saved
        file (the journal keeps the author, so they can still edit or remove it). During
        individual reflection, the note stays private to its author until it is revealed.
        """
        check_bool("anonymous", anonymous, error=RuleError)
        data: dict[str, Any] = {"section": section, "text": text}
        if anonymous:
            data["anonymous"] = True
        return self._commit(ItemAdded, by, lambda s: {"item_id": s.next_id("i"), **data})

    def check_draft(self, text: str) -> tuple[BlameWarning, ...]:
        """Blameless-language nudges for a note being written, before it is posted.

        A nudge, never a block: the author may reword it or post it anyway.
        """
        return nudges(text if isinstance(text, str) else "", self.members)

    def reveal(self, *, by: str) -> ItemsRevealed:
        """Show everyone the notes written privately in individual reflection (facilitator).

        Starting any later phase reveals them too.
        """
        return self._commit(ItemsRevealed, by, lambda s: {})

    def edit_item(self, item_id: str, text: str, *, by: str) -> ItemEdited:
        """Change an item's text (its author or the facilitator)."""
        return self._commit(ItemEdited, by, lambda s: {"item_id": item_id, "text": text})

    def remove_item(self, item_id: str, *, by: str) -> ItemRemoved:
        """Remove an item (its author or the facilitator); votes on it are returned."""
        return self._commit(ItemRemoved, by, lambda s: {"item_id": item_id})

    def move_item(self, item_id: str, theme_id: str | None, *, by: str) -> ItemMoved:
        """Put an item under a theme (``None`` takes it out of its theme)."""
        return self._commit(ItemMoved, by, lambda s: {"item_id": item_id, "theme_id": theme_id})

    # ---------------------------------------------------------------- themes

    def create_theme(self, label: str, item_ids: Sequence[str] = (), *, by: str) -> ThemeCreated:
        """Group items under a new theme; its id is ``event.data.theme_id``."""
        ids = list(item_ids)
        return self._commit(
            ThemeCreated,
            by,
            lambda s: {"theme_id": s.next_id("t"), "label": label, "item_ids": ids},
        )

    def rename_theme(self, theme_id: str, label: str, *, by: str) -> ThemeRenamed:
        """Change a theme's label."""
        return self._commit(ThemeRenamed, by, lambda s: {"theme_id": theme_id, "label": label})

    def merge_themes(
        self, theme_ids: Sequence[str], label: str | None = None, *, by: str
    ) -> ThemeMerged:
        """Merge themes into the first one (optionally relabelled)."""
        ids = list(theme_ids)
        check_merge("theme_merged", ids[0] if ids else "", ids[1:])
        return self._commit(
            ThemeMerged,
            by,
            lambda s: {"theme_id": ids[0], "sources": ids[1:], "label": label},
        )

    def split_theme(
        self, theme_id: str, item_ids: Sequence[str], label: str, *, by: str
    ) -> ThemeSplit:
        """Move some of a theme's items to a new theme with ``label``."""
        ids = list(item_ids)
        return self._commit(
            ThemeSplit,
            by,
            lambda s: {
                "theme_id": theme_id,
                "new_theme_id": s.next_id("t"),
                "label": label,
                "item_ids": ids,
            },
        )

    def suggest_themes(
        self, suggester: ThemeSuggester, *, unthemed_only: bool = True
    ) -> list[SuggestedTheme]:
        """Groupings of the board's items proposed by ``suggester`` (never applied by itself).

        ``suggester`` is, for example, :func:`pmanalytics.themes.suggest_themes`.
        """
        check_bool("unthemed_only", unthemed_only, error=SessionError)
        if not callable(suggester):
            raise SessionError(f"'suggester' must be callable, got {suggester!r}")
        items = [i for i in self._state.items.values() if not (unthemed_only and i.theme_id)]
        if not items:
            return []
        return [found for found in suggester(items) if found.item_ids]

    # ---------------------------------------------------------------- votes

    def cast_vote(self, item_id: str, *, by: str) -> VoteCast:
        """Vote for an item (within the voter's budget, in the prioritisation phase)."""
        return self._commit(VoteCast, by, lambda s: {"item_id": item_id})

    def withdraw_vote(self, item_id: str, *, by: str) -> VoteWithdrawn:
        """Take back one of one's votes on an item."""
        return self._commit(VoteWithdrawn, by, lambda s: {"item_id": item_id})

    def votes_left(self, name: str) -> int:
        """How many votes ``name`` can still cast."""
        return self._state.votes_left(name)

    def allow_votes_any_phase(self, allowed: bool = True, *, by: str) -> SettingsChanged:
        """Let votes be cast outside the prioritisation phase (facilitator only)."""
        check_bool("allowed", allowed, error=RuleError)
        return self._commit(SettingsChanged, by, lambda s: {"allow_votes_any_phase": allowed})

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
        status: str | None = None,
        link: str | None = None,
    ) -> ActionAdded:
        """Add an action; its id is ``event.data.action_id``.

        ``kind`` is prevent, mitigate, detect, process or other; ``status`` defaults to
        open; ``link`` is a ticket's address or key.
        """
        fields = {"title": title, "owner": owner, "due": _due(due), "priority": priority}
        fields.update({"kind": kind, "theme_id": theme_id, "link": link})
        if status is not None:
            fields["status"] = status
        return self._commit(ActionAdded, by, lambda s: {"action_id": s.next_id("a"), **fields})

    def edit_action(self, action_id: str, *, by: str, **changes: Any) -> ActionEdited:
        """Change some fields of an action: title, owner, due, priority, kind, theme_id, status,
        link.

        Closing it (status ``done`` or ``wont_do``) records when (``completed_at``);
        reopening it clears that.
        """
        unknown = set(changes) - set(ACTION_FIELDS)
        if unknown:
            raise RuleError(f"action_edited: unknown fields {sorted(unknown)}")
        if "due" in changes:
            changes["due"] = _due(changes["due"])
        return self._commit(ActionEdited, by, lambda s: {"action_id": action_id, **changes})

    # ---------------------------------------------------------------- phases

    def start_phase(self, phase: str, *, by: str) -> PhaseStarted:
        """Start a phase (facilitator only); the running phase ends. Wrap-up saves the file."""
        return self._commit(PhaseStarted, by, lambda s: {"phase": phase})

    def end_phase(self, *, by: str) -> PhaseEnded:
        """End the running phase; ending the wrap-up ends the session and saves the file."""
        return self._commit(PhaseEnded, by, lambda s: {"phase": s.phase})

    def extend_phase(self, minutes: int = 2, *, by: str) -> PhaseExtended:
        """Give the running phase ``minutes`` more (facilitator only): the "+2 min" button."""
        check_int("minutes", minutes, minimum=-600, maximum=600, error=RuleError)
        return self._commit(PhaseExtended, by, lambda s: {"phase": s.phase, "minutes": minutes})

    def set_auto_advance(self, on: bool = True, *, by: str) -> SettingsChanged:
        """Start the next phase when a time box runs out (facilitator only).

        The facilitator's app calls :meth:`advance_if_due` as the clock ticks.
        """
        check_bool("on", on, error=RuleError)
        return self._commit(SettingsChanged, by, lambda s: {"auto_advance": on})

    def advance_if_due(self, *, by: str, now: datetime | None = None) -> Event | None:
        """Start the next phase if auto-advance is on and the time box has run out."""
        status = self.phase_status(now)
        if not auto_advance_due(self._state.auto_advance, status.phase, status.overrun):
            return None
        return self.next_phase(by=by)

    def _phase_keys(self) -> tuple[tuple[str, ...], str | None, str | None]:
        state = self._state
        last = state.phase_log[-1][0] if state.phase_log else None
        return tuple(p.key for p in self.template.phases), state.phase, last

    def next_phase(self, *, by: str) -> PhaseStarted | PhaseEnded:
        """Start the next phase; after the wrap-up, end the session."""
        following = next_phase_move(*self._phase_keys())
        if following is None:
            return self.end_phase(by=by)
        return self.start_phase(following, by=by)

    def previous_phase(self, *, by: str) -> PhaseStarted:
        """Go back to the previous phase."""
        return self.start_phase(previous_phase_move(*self._phase_keys()), by=by)

    def phase_status(self, now: datetime | None = None) -> PhaseStatus:
        """The running phase, its time box and the time left at ``now`` (default: the clock).

        ``remaining`` goes negative and ``overrun`` is true once the time box is exceeded.
        """
        state = self._state
        if state.phase is None or state.phase_started_at is None:
            title = "Ended" if state.ended_at else "Not started"
            return PhaseStatus(None, title, -1, 0, 0.0, 0.0, False)
        spec = self.template.phase(state.phase)
        minutes = state.phase_minutes(spec.key)
        elapsed = ((now or self._clock()) - state.phase_started_at).total_seconds()
        remaining = minutes * 60 - elapsed
        index = [p.key for p in self.template.phases].index(spec.key)
        return PhaseStatus(spec.key, spec.title, index, minutes, elapsed, remaining, remaining < 0)

    # ---------------------------------------------------------------- undo

    def undo(self, *, by: str) -> Undone:
        """Undo the last change (its author or the facilitator); the undo is itself an event."""

        def build(state: SessionState) -> dict[str, Any]:
            last = state.last_effective
            if last is None:
                raise RuleError("undone: there is nothing to undo")
            return {"seq": last.seq}

        return self._commit(Undone, by, build)

    # ---------------------------------------------------------------- results

    def theme_summaries(self) -> tuple[ThemeSummary, ...]:
        """Every theme with its votes and items, most votes first (then oldest first)."""
        return theme_summaries(self._state)

    def wrap_up(self, top: int = 5) -> WrapUp:
        """Top themes by votes, the voted notes without a theme (most votes first), the
        actions, and the actions lacking an owner or a due date."""
        return wrap_up(self._state, top)

    def to_postmortem(self) -> PostMortem:
        """The post-mortem with the session's items, votes, themes, actions and review."""
        return to_postmortem(self._state)

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
            f"themes={len(state.themes)}, actions={len(state.actions)}, "
            f"events={len(self._events)})"
        )


def _due(value: date | str | None) -> date | None:
    if value is None or value == "":
        return None
    return user_date(value, "due", error=RuleError)
