"""The session as a pure fold: ``apply(state, event) -> state``.

:func:`start` gives the state right after ``session_created``; :func:`apply` checks one
event against the rules of :mod:`pmanalytics.session.rules` and returns the new state, or
raises a :class:`~pmanalytics.session.errors.RuleError` (the old state is untouched: it is
immutable). An ``undone`` event folds the events still in effect again from the start.

Examples
--------
>>> from datetime import datetime, UTC
>>> from pmanalytics import PostMortem
>>> from pmanalytics.session.events import make_event
>>> from pmanalytics.session.templates import DEFAULT_TEMPLATE
>>> at = datetime(2024, 3, 1, 10, tzinfo=UTC)
>>> created = make_event(1, "session_created", at, "Cy", {
...     "postmortem": PostMortem(id="pm-1", title="Disk full").model_dump(mode="json"),
...     "participants": ["Ana"], "facilitator": "Cy", "settings": {"votes_per_participant": 3},
...     "template": DEFAULT_TEMPLATE.to_dict()})
>>> s0 = start(created)
>>> s1 = apply(s0, make_event(2, "item_added", at, "Ana",
...                           {"item_id": "i-1", "section": "went_well", "text": "Paging"}))
>>> [i.text for i in s1.items.values()], len(s0.items)
(['Paging'], 0)
>>> s2 = apply(s1, make_event(3, "undone", at, "Ana", {"seq": 2}))
>>> s2.items == s0.items, s2.last_seq
(True, 3)
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from .._errors import ModelError
from .._model import Action, Item, Theme, completion_time
from .errors import NotAllowedError, RuleError
from .events import (
    ActionAdded,
    ActionEdited,
    Event,
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
from .rules import (
    action_changes,
    check_facilitator,
    check_known,
    check_member,
    check_merge,
    check_new_id,
    check_owner,
    check_split,
    check_text,
    check_visible,
    check_vote_budget,
    check_voting_open,
    is_private_note,
    reveals,
)
from .state import SessionState, Setup

__all__ = ["apply", "collector_paused", "fold", "start"]

Changes = dict[str, Any]


def start(created: SessionCreated) -> SessionState:
    """The state right after ``session_created``: the post-mortem's items, themes, actions."""
    return _initial(Setup(created))


def _initial(setup: Setup) -> SessionState:
    pm, _ = setup.postmortem, setup.template  # both validated here, before any change
    return SessionState(
        setup=setup,
        items={item.id: item for item in pm.items},
        themes={theme.id: theme for theme in pm.themes},
        actions={action.id: action for action in pm.actions},
        votes={name: {} for name in setup.members},
        allow_votes_any_phase=setup.created.data.settings.allow_votes_any_phase,
        last_seq=setup.created.seq,
        last_at=setup.created.at,
    )


def fold(state: SessionState, events: Iterable[Event]) -> SessionState:
    """``apply`` each event in turn."""
    for event in events:
        state = apply(state, event)
    return state


def apply(state: SessionState, event: Event) -> SessionState:
    """The state after ``event``, or a :class:`RuleError` when it breaks a rule."""
    if event.seq != state.last_seq + 1:
        raise RuleError(f"event seq {event.seq} does not follow {state.last_seq}")
    if isinstance(event, Undone):
        return _undo(state, event)
    return _step(state, event)


def _step(state: SessionState, event: Event) -> SessionState:
    if isinstance(event, SessionCreated):
        raise RuleError(f"event kind {event.kind!r} cannot follow session_created")
    check_member(event.actor, state.members, event.kind)
    changes = _change(state, event)
    changes.update(stack=(event, state.stack), last_seq=event.seq, last_at=event.at)
    return state.evolve(changes)


def _undo(state: SessionState, event: Undone) -> SessionState:
    target = state.last_effective
    if target is None:
        raise RuleError("undone: there is nothing to undo")
    if event.data.seq != target.seq:
        raise RuleError(
            f"undone: seq must name the last change ({target.seq}), got {event.data.seq!r}"
        )
    if event.actor != target.actor and event.actor != state.facilitator:
        raise NotAllowedError(  # never names the author: the change may be anonymous
            f"undone: {event.actor!r} cannot undo the last change ({target.kind}): "
            f"only its author or the facilitator ({state.facilitator!r}) can"
        )
    again = _initial(state.setup)  # the setup was validated once: only the events re-run
    for kept in state.effective[:-1]:
        again = _step(again, kept)
    return again.evolve({"last_seq": event.seq, "last_at": event.at})


# --------------------------------------------------------------------------- one change


def _change(state: SessionState, e: Event) -> Changes:
    match e:
        case ItemAdded() | ItemEdited() | ItemRemoved() | ItemMoved():
            return _item_change(state, e)
        case ThemeCreated() | ThemeRenamed() | ThemeMerged() | ThemeSplit():
            return _theme_change(state, e)
        case VoteCast() | VoteWithdrawn():
            return _vote(state, e)
        case ActionAdded():
            return _action_added(state, e)
        case ActionEdited():
            return _action_edited(state, e)
        case PhaseStarted() | PhaseEnded():
            return _phase(state, e)
        case SettingsChanged():
            check_facilitator(e.actor, state.facilitator, e.kind)
            given = e.data.model_dump(exclude_none=True)
            if not given:
                raise RuleError(f"{e.kind}: no setting given")
            return given
        case PhaseExtended():
            check_facilitator(e.actor, state.facilitator, e.kind)
            if e.data.phase != state.phase:
                raise RuleError(f"{e.kind}: phase {e.data.phase!r} is not running ({state.phase})")
            total = state.phase_minutes(e.data.phase) + e.data.minutes
            if total < 1:
                raise RuleError(f"{e.kind}: a time box keeps at least 1 minute, got {total}")
            extra = state.extra_minutes.get(e.data.phase, 0) + e.data.minutes
            return {"extra_minutes": _with(state.extra_minutes, {e.data.phase: extra})}
        case ItemsRevealed():
            check_facilitator(e.actor, state.facilitator, e.kind)
            return {"private": frozenset(), "revealed": True}
    raise RuleError(f"event kind {e.kind!r} cannot be applied here")  # pragma: no cover


def _item(state: SessionState, kind: str, item_id: str, actor: str) -> Item:
    check_known(kind, "item", item_id, state.items)
    check_visible(kind, item_id, state.can_see(item_id, actor))
    return state.items[item_id]


def _theme(state: SessionState, kind: str, theme_id: str) -> Theme:
    check_known(kind, "theme", theme_id, state.themes)
    return state.themes[theme_id]


def _counted(state: SessionState, prefix: str, number: int) -> tuple[int, int, int]:
    index = "ita".index(prefix)
    counters = list(state.counters)
    counters[index] = max(counters[index], number)
    return (counters[0], counters[1], counters[2])


def _with(mapping: Mapping[str, Any], updates: Mapping[str, Any]) -> dict[str, Any]:
    return {**mapping, **updates}


def _item_change(
    state: SessionState, e: ItemAdded | ItemEdited | ItemRemoved | ItemMoved
) -> Changes:
    d = e.data
    if isinstance(e, ItemAdded):
        number = check_new_id(e.kind, "i", e.data.item_id, state.items)
        spec = state.template.section(e.data.section)
        text = check_text(e.kind, "text", e.data.text)
        try:
            item = Item(
                id=e.data.item_id,
                section=spec.section,
                heading=spec.heading,
                text=text,
                author=e.actor,
                created_at=e.at,
            )
        except ModelError as exc:
            raise RuleError(f"{e.kind}: {exc}") from None
        changes: Changes = {
            "items": _with(state.items, {item.id: item}),
            "counters": _counted(state, "i", number),
        }
        if state.private_reflection and is_private_note(state.phase, state.revealed):
            changes["private"] = state.private | {item.id}
        if e.data.anonymous:
            changes["anonymous_items"] = state.anonymous_items | {item.id}
        return changes
    item = _item(state, e.kind, d.item_id, e.actor)
    if isinstance(e, ItemMoved):
        if e.data.theme_id is not None:
            _theme(state, e.kind, e.data.theme_id)
        return {"items": _regroup(state, [item.id], e.data.theme_id)}
    check_owner(e.actor, item.author, state.facilitator, item.id, e.kind)
    if isinstance(e, ItemEdited):
        edited = item.model_copy(update={"text": check_text(e.kind, "text", e.data.text)})
        return {"items": _with(state.items, {item.id: edited})}
    items = {key: one for key, one in state.items.items() if key != item.id}
    gone = {
        "private": state.private - {item.id},
        "anonymous_items": state.anonymous_items - {item.id},
    }
    votes = {
        name: {k: n for k, n in mine.items() if k != item.id} if item.id in mine else mine
        for name, mine in state.votes.items()
    }
    actions = {
        key: a.model_copy(update={"addresses": None}) if a.addresses == item.id else a
        for key, a in state.actions.items()
    }
    return {"items": items, "votes": votes, "actions": actions, **gone}


def _regroup(state: SessionState, ids: Iterable[str], theme_id: str | None) -> Mapping[str, Item]:
    """The items with ``ids`` under ``theme_id`` (the same mapping when none moves)."""
    moved = {
        one: state.items[one].model_copy(update={"theme_id": theme_id})
        for one in ids
        if state.items[one].theme_id != theme_id
    }
    return _with(state.items, moved) if moved else state.items


def _theme_change(
    state: SessionState, e: ThemeCreated | ThemeRenamed | ThemeMerged | ThemeSplit
) -> Changes:
    if isinstance(e, ThemeCreated):
        number = check_new_id(e.kind, "t", e.data.theme_id, state.themes)
        label = check_text(e.kind, "label", e.data.label)
        ids = [_item(state, e.kind, one, e.actor).id for one in e.data.item_ids]
        theme = Theme(id=e.data.theme_id, label=label)
        return {
            "themes": _with(state.themes, {theme.id: theme}),
            "items": _regroup(state, ids, theme.id),
            "counters": _counted(state, "t", number),
        }
    theme = _theme(state, e.kind, e.data.theme_id)
    if isinstance(e, ThemeRenamed):
        renamed = theme.model_copy(update={"label": check_text(e.kind, "label", e.data.label)})
        return {"themes": _with(state.themes, {theme.id: renamed})}
    if isinstance(e, ThemeMerged):
        gone = {_theme(state, e.kind, one).id for one in e.data.sources}
        check_merge(e.kind, theme.id, e.data.sources)
        if e.data.label is not None:
            theme = theme.model_copy(update={"label": check_text(e.kind, "label", e.data.label)})
        themes = {
            k: theme if k == theme.id else t for k, t in state.themes.items() if k not in gone
        }
        ids = [item.id for item in state.items.values() if item.theme_id in gone]
        actions = {
            key: a.model_copy(update={"addresses": theme.id}) if a.addresses in gone else a
            for key, a in state.actions.items()
        }
        return {"themes": themes, "items": _regroup(state, ids, theme.id), "actions": actions}
    number = check_new_id(e.kind, "t", e.data.new_theme_id, state.themes)
    label = check_text(e.kind, "label", e.data.label)
    items = [_item(state, e.kind, one, e.actor) for one in e.data.item_ids]
    check_split(e.kind, theme.id, items)
    new = Theme(id=e.data.new_theme_id, label=label)
    return {
        "themes": _with(state.themes, {new.id: new}),
        "items": _regroup(state, [i.id for i in items], new.id),
        "counters": _counted(state, "t", number),
    }


def _vote(state: SessionState, e: VoteCast | VoteWithdrawn) -> Changes:
    item = _item(state, e.kind, e.data.item_id, e.actor)
    check_voting_open(e.kind, state.phase, state.allow_votes_any_phase, state.facilitator)
    mine = dict(state.votes[e.actor])
    if isinstance(e, VoteCast):
        budget = state.votes_per_participant
        check_vote_budget(e.kind, e.actor, budget - sum(mine.values()), budget)
        mine[item.id] = mine.get(item.id, 0) + 1
        step = 1
    else:
        if mine.get(item.id, 0) <= 0:
            raise RuleError(f"{e.kind}: {e.actor!r} has no vote on item {item.id!r} to withdraw")
        mine[item.id] -= 1
        if not mine[item.id]:
            del mine[item.id]
        step = -1
    counted = item.model_copy(update={"votes": item.votes + step})
    return {
        "votes": _with(state.votes, {e.actor: mine}),
        "items": _with(state.items, {item.id: counted}),
    }


def _action_fields(state: SessionState, kind: str, given: Mapping[str, Any]) -> Changes:
    fields = action_changes(kind, given)
    if "theme_id" in fields:
        theme_id = fields.pop("theme_id")
        if theme_id is not None:
            _theme(state, kind, theme_id)
        fields["addresses"] = theme_id
    return fields


def _action_added(state: SessionState, e: ActionAdded) -> Changes:
    number = check_new_id(e.kind, "a", e.data.action_id, state.actions)
    fields = _action_fields(state, e.kind, e.data.changes())
    if fields.get("title") is None:
        raise RuleError(f"{e.kind}: title must be non-empty text, got None")
    if "status" in fields:
        fields["completed_at"] = completion_time(fields["status"], "open", None, e.at)
    try:
        action = Action(id=e.data.action_id, created_at=e.at, **fields)
    except ModelError as exc:
        raise RuleError(f"{e.kind}: {exc}") from None
    return {
        "actions": _with(state.actions, {action.id: action}),
        "counters": _counted(state, "a", number),
    }


def _action_edited(state: SessionState, e: ActionEdited) -> Changes:
    check_known(e.kind, "action", e.data.action_id, state.actions)
    action = state.actions[e.data.action_id]
    fields = _action_fields(state, e.kind, e.data.changes())
    if "status" in fields:
        fields["completed_at"] = completion_time(
            fields["status"], action.status, action.completed_at, e.at
        )
    edited = action.model_copy(update=fields)
    return {"actions": _with(state.actions, {action.id: edited})}


def _closed_log(
    state: SessionState, at: datetime
) -> tuple[tuple[str, datetime, datetime | None], ...]:
    log = state.phase_log
    if log and log[-1][2] is None:
        name, began, _ = log[-1]
        return (*log[:-1], (name, began, at))
    return log


def _phase(state: SessionState, e: PhaseStarted | PhaseEnded) -> Changes:
    check_facilitator(e.actor, state.facilitator, e.kind)
    if isinstance(e, PhaseStarted):
        phase = state.template.phase(e.data.phase or "?").key
        shown: Changes = {}
        if reveals([p.key for p in state.template.phases], phase):
            shown = {"private": frozenset(), "revealed": True}
        return {
            **shown,
            "phase": phase,
            "phase_started_at": e.at,
            "phase_log": (*_closed_log(state, e.at), (phase, e.at, None)),
            "started_at": state.started_at or e.at,
            "ended_at": None,
        }
    if state.phase is None or e.data.phase != state.phase:
        raise RuleError(f"{e.kind}: phase {e.data.phase!r} is not running ({state.phase})")
    return {
        "phase": None,
        "phase_started_at": None,
        "phase_log": _closed_log(state, e.at),
        "ended_at": e.at if state.phase == "wrap_up" else state.ended_at,
    }


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a journal is replayed.

    The fold keeps thousands of new, acyclic objects (events, items); reference counting
    frees everything else. Left on, the collector would re-scan the growing heap every
    few hundred events, which doubles the time a long journal takes to open.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
