"""What a session comes to: themes by votes, the wrap-up, and the post-mortem it saves.

Pure functions of a :class:`~pmanalytics.session.state.SessionState`; the
:class:`~pmanalytics.session.Session` methods of the same names call them.
"""

from __future__ import annotations

from dataclasses import dataclass

from .._model import Action, Participant, PostMortem
from .._validate import check_int
from .errors import SessionError
from .rules import missing_plan
from .state import SessionState

__all__ = [
    "PhaseStatus",
    "ThemeSummary",
    "VotedNote",
    "WrapUp",
    "theme_summaries",
    "to_postmortem",
    "wrap_up",
]


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
class VotedNote:
    """A note with votes but no theme, as the wrap-up lists it (never with its author)."""

    id: str
    text: str
    votes: int


@dataclass(frozen=True)
class WrapUp:
    """The wrap-up: themes by votes, voted notes without a theme, the actions, and the
    actions lacking an owner or a due date."""

    top_themes: tuple[ThemeSummary, ...]
    actions: tuple[Action, ...]
    unplanned: tuple[tuple[Action, tuple[str, ...]], ...]
    unthemed_voted: tuple[VotedNote, ...] = ()


def theme_summaries(state: SessionState) -> tuple[ThemeSummary, ...]:
    """Every theme with its votes and items, most votes first (then oldest first)."""
    themes = [
        ThemeSummary(
            t.id, t.label, state.theme_votes(t.id), tuple(i.id for i in state.theme_items(t.id))
        )
        for t in state.themes.values()
    ]
    return tuple(sorted(themes, key=lambda t: -t.votes))


def wrap_up(state: SessionState, top: int = 5) -> WrapUp:
    """Top themes by votes, the voted notes without a theme (most votes first), the
    actions, and the actions lacking an owner or a due date."""
    check_int("top", top, minimum=0, error=SessionError)
    actions = tuple(state.actions.values())
    unplanned = tuple(
        (a, missing) for a in actions if (missing := missing_plan(a.owner, a.due, a.status))
    )
    voted = sorted(
        (i for i in state.items.values() if i.votes and not i.theme_id),
        key=lambda i: -i.votes,
    )
    notes = tuple(VotedNote(i.id, i.text, i.votes) for i in voted if state.can_see(i.id, None))
    return WrapUp(theme_summaries(state)[:top], actions, unplanned, notes)


def to_postmortem(state: SessionState) -> PostMortem:
    """The post-mortem with the session's items, votes, themes, actions and review."""
    base = state.postmortem
    items = [  # private notes stay out until revealed; anonymous ones lose their author
        item.model_copy(update={"author": None}) if state.is_anonymous(item.id) else item
        for item in state.items.values()
        if state.can_see(item.id, None)
    ]
    ranks = {t.id: rank for rank, t in enumerate(theme_summaries(state), start=1)}
    themes = [t.model_copy(update={"rank": ranks[t.id]}) for t in state.themes.values()]
    participants = list(base.participants)
    known = {p.name for p in participants}
    for name in state.members:
        if name not in known:
            role = "facilitator" if name == state.facilitator else "participant"
            participants.append(Participant(name=name, role=role))
    begin = state.started_at or state.created.at
    end = state.ended_at or state.last_at
    review = base.review.model_copy(
        update={
            "held_on": begin.astimezone().date(),  # the day where the session ran
            "facilitator": state.facilitator,
            "duration_minutes": max(0, round((end - begin).total_seconds() / 60)),
        }
    )
    status = base.status
    if state.ended_at and status != "closed":
        status = "reviewed"
    elif status == "draft":
        status = "in_review"
    data = base.model_dump()
    data.update(items=items, themes=themes, actions=list(state.actions.values()))
    data.update(participants=participants, review=review, status=status)
    return PostMortem.model_validate(data)
