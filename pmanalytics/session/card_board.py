"""The card board's view model: plain data (dicts, lists, strings, numbers) for one viewer.

:func:`board_view` is a pure function of a :class:`~pmanalytics.session.SessionState`, the
person looking at it and the time. The card board widget (:mod:`pmanalytics.widgets.board`)
syncs exactly this to the browser, so everything it shows is decided here, from the rules
in :mod:`pmanalytics.session.rules`; the browser only draws it.

What the board shows follows the phase (``mode``):

- ``intro`` before individual reflection (the Prime Directive, the facts);
- ``columns`` during individual reflection and group discussion: one column per section;
- ``themes`` during theme identification: the groups, and the cards not grouped yet;
- ``vote`` during prioritisation: the groups (and ungrouped cards) with vote buttons;
- ``discuss`` during action planning: the themes in vote order, one at a time, with their
  notes, a per-theme timer and an "add action for this theme" form;
- ``wrap_up`` in the wrap-up and after the session ended: what was discussed and decided.

Discussion timing has no event of its own (the session has no "discuss theme" command): it
is computed from event times. The theme under discussion is the first theme in vote order
that has no action yet; its timer runs from the later of the phase start and the newest
action added for an earlier theme. A theme counts as discussed once an action addresses it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .errors import VotingClosedError
from .events import ActionAdded
from .rules import board_shown, check_voting_open, missing_plan, nudges
from .state import SessionState
from .templates import PRIME_DIRECTIVE

__all__ = ["DISCUSS_TOP", "board_view", "draft_nudges"]

#: How many of the top-voted themes the discussion walks through.
DISCUSS_TOP = 5

_MODES = {
    "individual_reflection": "columns",
    "group_discussion": "columns",
    "theme_identification": "themes",
    "prioritisation": "vote",
    "action_planning": "discuss",
    "wrap_up": "wrap_up",
}


def draft_nudges(state: SessionState, text: str) -> list[str]:
    """The blameless-language nudges for a note still being written (never a block).

    Examples
    --------
    >>> from pmanalytics.session.fold import start
    >>> from pmanalytics.session.events import make_event
    >>> from datetime import datetime, UTC
    >>> from pmanalytics import PostMortem
    >>> from pmanalytics.session.templates import DEFAULT_TEMPLATE
    >>> created = make_event(1, "session_created", datetime(2024, 3, 1, tzinfo=UTC), "Cy", {
    ...     "postmortem": PostMortem(id="pm-1", title="T").model_dump(mode="json"),
    ...     "participants": ["Ana"], "facilitator": "Cy",
    ...     "settings": {"votes_per_participant": 3}, "template": DEFAULT_TEMPLATE.to_dict()})
    >>> draft_nudges(start(created), "Ana forgot the cert")[0][:19]
    'names a participant'
    >>> draft_nudges(start(created), "Nothing alerted on expiry")
    []
    """
    return [str(one) for one in nudges(text, state.members)] if text.strip() else []


def _phases(state: SessionState) -> list[dict[str, Any]]:
    done = {key for key, _, ended in state.phase_log if ended is not None}
    return [
        {
            "key": spec.key,
            "title": spec.title,
            "minutes": spec.minutes,
            "current": spec.key == state.phase,
            "done": spec.key in done and spec.key != state.phase,
        }
        for spec in state.template.phases
    ]


def _timer(state: SessionState, now: datetime) -> dict[str, Any] | None:
    if state.phase is None or state.phase_started_at is None:
        return None
    minutes = state.template.phase(state.phase).minutes
    elapsed = (now - state.phase_started_at).total_seconds()
    return {"minutes": minutes, "remaining": round(minutes * 60 - elapsed, 1)}


def _cards(state: SessionState, viewer: str) -> list[dict[str, Any]]:
    mine = state.votes.get(viewer, {})
    cards = []
    for item in state.items.values():
        if not state.can_see(item.id, viewer):  # someone else's private reflection
            continue
        cards.append(
            {
                "id": item.id,
                "text": item.text,
                "column": state.column(item),
                "author": state.shown_author(item),
                "anonymous": state.is_anonymous(item.id),
                "mine": item.author == viewer,
                "theme_id": item.theme_id,
                "votes": item.votes,
                "my_votes": mine.get(item.id, 0),
                "nudges": [str(one) for one in state.warnings(item.id)],
            }
        )
    return cards


def _groups(state: SessionState, viewer: str) -> list[dict[str, Any]]:
    mine = state.votes.get(viewer, {})
    members: dict[str, list[str]] = {theme_id: [] for theme_id in state.themes}
    for item in state.items.values():
        if item.theme_id in members:
            members[item.theme_id].append(item.id)
    groups = [
        {
            "id": theme.id,
            "label": theme.label,
            "card_ids": members[theme.id],
            "votes": state.theme_votes(theme.id),
            "my_votes": sum(mine.get(item_id, 0) for item_id in members[theme.id]),
        }
        for theme in state.themes.values()
    ]
    return sorted(groups, key=lambda g: -int(g["votes"]))  # stable: oldest first on ties


def _actions(state: SessionState) -> list[dict[str, Any]]:
    return [
        {
            "id": action.id,
            "title": action.title,
            "owner": action.owner,
            "due": action.due.isoformat() if action.due else None,
            "theme_id": action.addresses if action.addresses in state.themes else None,
            "status": action.status,
            "missing": list(missing_plan(action.owner, action.due, action.status)),
        }
        for action in state.actions.values()
    ]


def _discussion(
    state: SessionState, groups: list[dict[str, Any]], now: datetime
) -> list[dict[str, Any]]:
    """The top themes in vote order, each with its discussion time from event times."""
    top = [g for g in groups if g["card_ids"]][:DISCUSS_TOP]
    if not top:
        return []
    planning = [row for row in state.phase_log if row[0] == "action_planning"]
    begin = planning[0][1] if planning else None
    added: dict[str, list[datetime]] = {}
    for event in state.effective:
        if isinstance(event, ActionAdded) and event.data.theme_id:
            added.setdefault(event.data.theme_id, []).append(event.at)
    minutes = state.template.phase("action_planning").minutes
    box = round(minutes * 60 / len(top))
    rows = []
    mark = begin
    current_found = False
    for group in top:
        times = added.get(group["id"], [])
        row = {**group, "box_seconds": box, "seconds": None, "status": "waiting"}
        if times:
            last = max(times)
            row["status"] = "discussed"
            row["seconds"] = round((last - mark).total_seconds()) if mark else None
            mark = max(last, mark) if mark else last
        elif not current_found and begin is not None and state.phase == "action_planning":
            current_found = True
            row["status"] = "current"
            row["seconds"] = round((now - (mark or begin)).total_seconds())
        rows.append(row)
    return rows


def _facts(state: SessionState) -> dict[str, Any]:
    pm = state.postmortem
    return {
        "impact": pm.impact.text or "",
        "timeline": [
            {"at": event.at.isoformat(timespec="minutes"), "text": event.text}
            for event in pm.timeline
        ],
    }


def board_view(state: SessionState, viewer: str, now: datetime) -> dict[str, Any]:
    """Everything the card board shows to ``viewer`` at ``now``, as plain data.

    Examples
    --------
    >>> import tempfile
    >>> from pmanalytics import PostMortem
    >>> from pmanalytics.session import Session
    >>> s = Session.create(PostMortem(id="pm-1", title="Disk full"), tempfile.mkdtemp(),
    ...                    participants=["Ana", "Bo"], facilitator="Cy")
    >>> for _ in range(3):
    ...     _ = s.next_phase(by="Cy")
    >>> a = s.add_item("went_well", "Paging reached on-call fast", by="Ana").data.item_id
    >>> b = s.add_item("went_well", "Bo forgot the runbook", by="Bo").data.item_id
    >>> view = board_view(s.state, "Ana", s.now())
    >>> view["mode"], [c["title"] for c in view["columns"]][:2]
    ('columns', ['What went well', 'Lessons learned'])
    >>> view["columns"][0]["card_ids"] == [a]  # Bo's note stays private until revealed
    True
    >>> _ = s.reveal(by="Cy")
    >>> view = board_view(s.state, "Ana", s.now())
    >>> view["columns"][0]["card_ids"] == [a, b]
    True
    >>> [len(c["nudges"]) > 0 for c in view["cards"]]
    [False, True]
    >>> view["votes_left"]
    {'Cy': 3, 'Ana': 3, 'Bo': 3}
    """
    phase = state.phase
    ended = phase is None and state.ended_at is not None
    mode = "wrap_up" if ended else _MODES.get(phase or "", "intro")
    cards = _cards(state, viewer)
    columns: dict[str, dict[str, Any]] = {
        spec.key: {"key": spec.key, "title": spec.title, "card_ids": [], "hidden": 0}
        for spec in state.template.sections
    }
    for card in cards:
        key = card["column"]
        empty = {"key": key, "title": key.partition(":")[2], "card_ids": [], "hidden": 0}
        columns.setdefault(key, empty)["card_ids"].append(card["id"])
    for item in state.items.values():  # others' private notes: counted, never shown
        if not state.can_see(item.id, viewer):
            key = state.column(item)
            empty = {"key": key, "title": key.partition(":")[2], "card_ids": [], "hidden": 0}
            columns.setdefault(key, empty)["hidden"] += 1
    groups = _groups(state, viewer)
    try:
        check_voting_open("vote_cast", phase, state.allow_votes_any_phase, state.facilitator)
        voting = True
    except VotingClosedError:  # the rule says no: the board shows no vote buttons
        voting = False
    actions = _actions(state)
    discussion = _discussion(state, groups, now) if mode in ("discuss", "wrap_up") else []
    pm = state.postmortem
    return {
        "title": pm.title,
        "facts": _facts(state),
        "prime_directive": PRIME_DIRECTIVE,
        "mode": mode,
        "phase": phase,
        "phase_title": state.template.phase(phase).title
        if phase
        else ("Ended" if ended else "Not started"),
        "phases": _phases(state),
        "timer": _timer(state, now),
        "ended": ended,
        "board_shown": board_shown(phase),
        "viewer": viewer,
        "facilitator": state.facilitator,
        "is_facilitator": viewer == state.facilitator,
        "members": list(state.members),
        "anonymous": state.anonymous,
        "sections": [{"key": s.key, "title": s.title} for s in state.template.sections],
        "columns": list(columns.values()),
        "cards": cards,
        "groups": groups,
        "voting": voting,
        "votes_per_participant": state.votes_per_participant,
        "votes_left": {name: state.votes_left(name) for name in state.members},
        "actions": actions,
        "discussion": discussion,
        "can_undo": state.last_effective is not None,
        "seq": state.last_seq,
    }
