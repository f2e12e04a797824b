"""Every rule of a post-mortem session, as pure functions: one home for each.

Who may do what (members, the facilitator, an item's author), text checks, the vote budget
and when votes are cast, merge and split arity, the editable action fields and their
vocabulary (statuses, kinds, priorities), when an action counts as completed, how phases
follow one another and what each phase shows, and blameless-language nudges. The fold in
:mod:`pmanalytics.session.fold` calls these before it changes anything, so a change that
breaks a rule raises and is never recorded; the app asks them what to show.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from .._model import ACTION_KINDS, ACTION_STATUSES, Item, _normalise_text, is_open_status
from .._validate import check_choice
from .errors import NotAllowedError, RuleError, UnknownIdError, VoteBudgetError, VotingClosedError

__all__ = [
    "ACTION_FIELDS",
    "BLAME_PHRASES",
    "PRIORITIES",
    "PRIVATE_PHASE",
    "BlameWarning",
    "action_changes",
    "auto_advance_due",
    "blame_warnings",
    "board_shown",
    "check_facilitator",
    "check_known",
    "check_member",
    "check_merge",
    "check_new_id",
    "check_owner",
    "check_split",
    "check_text",
    "check_visible",
    "check_vote_budget",
    "check_voting_open",
    "is_private_note",
    "missing_plan",
    "next_phase_move",
    "nudges",
    "panels",
    "previous_phase_move",
    "reveals",
    "theme_votes",
]

#: The priorities the app offers; an action may carry another (kept as written).
PRIORITIES = ("P1", "P2", "P3")
#: The fields of an action that the session can set or change.
ACTION_FIELDS = ("title", "owner", "due", "priority", "kind", "theme_id", "status", "link")

_REFRAME = "Reframe it around systems and processes: what made this easy to get wrong?"

#: Blame phrasing -> a hint. Matched case-insensitively on word boundaries.
BLAME_PHRASES: dict[str, str] = {
    r"\w+ forgot|forgot to": "Say what would have reminded anyone: a checklist, an alert, a tool.",
    r"human error": "'Human error' ends the inquiry; ask what made the error likely.",
    r"should(?:n't| not)? have|should've": (
        "Hindsight: describe what was known at the time and what the system made easy."
    ),
    r"careless(?:ness|ly)?": "Describe the conditions (load, tooling, time pressure) instead.",
    r"(?:at |their |his |her |my |your |whose )?fault": "Look for contributing factors, not fault.",
    r"(?:to )?blame[ds]?": "Blameless reviews look at how the system allowed this.",
    r"negligen(?:t|ce)": "Describe the conditions (load, tooling, time pressure) instead.",
    r"incompeten(?:t|ce)|stupid|lazy|sloppy": "Judge the process, not the person.",
    r"(?:messed|screwed) up": "Describe what happened and what made it possible.",
    r"(?:his|her|their) mistake|mistake by": "Describe what made the mistake possible.",
    r"didn't bother|did not bother": "Describe what made the step easy to skip.",
}
_PHRASES = [(re.compile(rf"\b(?:{p})\b", re.IGNORECASE), hint) for p, hint in BLAME_PHRASES.items()]


@dataclass(frozen=True)
class BlameWarning:
    """A nudge about one item's wording: what matched and how to reframe it."""

    kind: str  # "name" or "phrase"
    match: str
    hint: str

    def __str__(self) -> str:
        what = "names a participant" if self.kind == "name" else "uses blame phrasing"
        return f"{what} ({self.match!r}): {self.hint} {_REFRAME}"


def _name_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    words: set[str] = set()
    for name in names:
        words.add(name.strip())
        words.update(part for part in name.split() if len(part) >= 2)
    words.discard("")
    if not words:
        return None
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


_NAME_CACHE: dict[tuple[str, ...], re.Pattern[str] | None] = {}


def blame_warnings(text: str, participants: Iterable[str] = ()) -> tuple[BlameWarning, ...]:
    """Warnings for text that names a participant or uses blame phrasing: a nudge, never a block.

    Examples
    --------
    >>> [w.match for w in blame_warnings("Bo forgot to renew the cert", ["Bo Li"])]
    ['Bo', 'Bo forgot']
    >>> blame_warnings("Nothing alerted on certificate expiry", ["Bo Li"])
    ()
    >>> print(blame_warnings("human error")[0])  # doctest: +ELLIPSIS
    uses blame phrasing ('human error'): 'Human error' ends the inquiry; ... Reframe it ...
    """
    key = tuple(sorted(participants))
    if key not in _NAME_CACHE:
        _NAME_CACHE[key] = _name_pattern(key)
    found: list[BlameWarning] = []
    pattern = _NAME_CACHE[key]
    if pattern is not None:
        named = pattern.search(text)
        if named:
            hint = "Name the role or the system, not a person."
            found.append(BlameWarning("name", named.group(0), hint))
    for phrase, hint in _PHRASES:
        match = phrase.search(text)
        if match:
            found.append(BlameWarning("phrase", match.group(0), hint))
    return tuple(found)


def check_member(actor: str, members: Iterable[str], kind: str) -> None:
    """Raise :class:`NotAllowedError` unless ``actor`` takes part in the session."""
    if actor in members:
        return
    names = tuple(members)
    if actor not in names:
        raise NotAllowedError(
            f"{kind}: actor {actor!r} is not in this session (one of {', '.join(names)})"
        )


def check_facilitator(actor: str, facilitator: str, kind: str) -> None:
    """Raise :class:`NotAllowedError` unless ``actor`` is the facilitator."""
    if actor != facilitator:
        raise NotAllowedError(
            f"{kind}: only the facilitator ({facilitator!r}) may do this, not {actor!r}"
        )


def check_owner(actor: str, owner: str | None, facilitator: str, item_id: str, kind: str) -> None:
    """Participants change only their own items; the facilitator may change any.

    Examples
    --------
    >>> check_owner("Ana", "Ana", "Cy", "i-1", "item_edited")
    >>> check_owner("Bo", "Ana", "Cy", "i-1", "item_edited")
    Traceback (most recent call last):
    ...
    pmanalytics.session.errors.NotAllowedError: item_edited: 'Bo' cannot change item 'i-1', ...

    The message never names the item's author: the note may have been posted anonymously.
    """
    if actor != facilitator and actor != owner:
        raise NotAllowedError(
            f"{kind}: {actor!r} cannot change item {item_id!r}, which is not theirs: "
            f"participants change only their own items (the facilitator may change any)"
        )


def check_visible(kind: str, item_id: str, visible: bool) -> None:
    """A private note another person wrote is, to the actor, an item that does not exist.

    Examples
    --------
    >>> check_visible("vote_cast", "i-3", False)
    Traceback (most recent call last):
    ...
    pmanalytics.session.errors.UnknownIdError: vote_cast: item 'i-3' does not exist
    """
    if not visible:
        raise UnknownIdError(f"{kind}: item {item_id!r} does not exist")


#: The phase in which notes are written privately, and revealed once it is over.
PRIVATE_PHASE = "individual_reflection"


def is_private_note(phase: str | None, revealed: bool) -> bool:
    """Whether a note added now stays private to its author: during individual reflection,
    until the facilitator reveals the notes (or a later phase starts).

    Examples
    --------
    >>> is_private_note("individual_reflection", False), is_private_note("group_discussion", False)
    (True, False)
    >>> is_private_note("individual_reflection", True)
    False
    """
    return phase == PRIVATE_PHASE and not revealed


def reveals(phases: Sequence[str], phase: str) -> bool:
    """Whether starting ``phase`` reveals the private notes: any phase after reflection.

    Examples
    --------
    >>> keys = ("set_the_tone", "individual_reflection", "group_discussion")
    >>> reveals(keys, "group_discussion"), reveals(keys, "individual_reflection")
    (True, False)
    """
    if PRIVATE_PHASE not in phases or phase not in phases:
        return False
    return phases.index(phase) > phases.index(PRIVATE_PHASE)


def auto_advance_due(on: bool, phase: str | None, overrun: bool) -> bool:
    """Whether the facilitator's app should start the next phase now: auto-advance is on,
    the time box has run out, and the phase is not the wrap-up (which ends by hand).

    Examples
    --------
    >>> auto_advance_due(True, "group_discussion", True), auto_advance_due(True, "wrap_up", True)
    (True, False)
    """
    return on and overrun and phase not in (None, "wrap_up")


def check_known(kind: str, what: str, key: Any, known: Iterable[str]) -> None:
    """Raise :class:`UnknownIdError` when ``key`` is not among ``known``."""
    if key not in known:
        raise UnknownIdError(f"{kind}: {what} {key!r} does not exist")


def missing_plan(owner: str | None, due: date | None, status: str = "open") -> tuple[str, ...]:
    """What an action lacks to count as planned: ``owner`` and/or ``due``.

    Only actions still to be done need a plan (:func:`pmanalytics._model.is_open_status`,
    the lifecycle's rule): a done or dropped one lacks nothing.
    The wrap-up, the app and the reports all ask this one function.

    Examples
    --------
    >>> missing_plan(None, None), missing_plan("ana", None), missing_plan("ana", date(2024, 1, 1))
    (('owner', 'due'), ('due',), ())
    >>> missing_plan(None, None, status="wont_do")
    ()
    """
    if not is_open_status(status):
        return ()
    return tuple(name for name, value in (("owner", owner), ("due", due)) if not value)


@lru_cache(maxsize=4096)
def _nudges(text: str, members: tuple[str, ...]) -> tuple[BlameWarning, ...]:
    return blame_warnings(text, members)


def nudges(text: str, members: Sequence[str]) -> tuple[BlameWarning, ...]:
    """:func:`blame_warnings` for an item on the board (remembered: the board asks often)."""
    return _nudges(text, tuple(members))


# --------------------------------------------------------------------------- text and ids


def check_text(kind: str, name: str, value: object) -> str:
    """``value`` as stored text: trimmed, line ends as ``\\n``; one line for labels and titles.

    Examples
    --------
    >>> check_text("item_added", "text", "  Paging worked\\r\\n")
    'Paging worked'
    >>> check_text("theme_created", "label", "two\\nlines")
    Traceback (most recent call last):
    ...
    pmanalytics.session.errors.RuleError: theme_created: label must be one line, got 'two\\nlines'
    """
    text = _normalise_text(value) if isinstance(value, str) else ""
    if not text:
        raise RuleError(f"{kind}: {name} must be non-empty text, got {value!r}")
    if name in ("label", "title") and "\n" in text:
        raise RuleError(f"{kind}: {name} must be one line, got {value!r}")
    return text


def check_new_id(kind: str, prefix: str, key: str, taken: Mapping[str, object]) -> int:
    """Check a new id (``<prefix>-...``, unused); its number (0 when not a number).

    Examples
    --------
    >>> check_new_id("item_added", "i", "i-7", {})
    7
    >>> check_new_id("item_added", "i", "t-7", {})
    Traceback (most recent call last):
    ...
    pmanalytics.session.errors.RuleError: item_added: id must look like i-N, got 't-7'
    """
    if not key.startswith(f"{prefix}-"):
        raise RuleError(f"{kind}: id must look like {prefix}-N, got {key!r}")
    if key in taken:
        raise RuleError(f"{kind}: id {key!r} is already used")
    number = key[2:]
    return int(number) if number.isdigit() else 0


# --------------------------------------------------------------------------- votes


def theme_votes(items: Iterable[Item], theme_id: str) -> int:
    """A theme's votes: the sum of its items' votes (the one place they are counted).

    Examples
    --------
    >>> items = [Item(id="i-1", section="went_well", text="a", votes=2, theme_id="t-1"),
    ...          Item(id="i-2", section="went_well", text="b", votes=1)]
    >>> theme_votes(items, "t-1")
    2
    """
    return sum(item.votes for item in items if item.theme_id == theme_id)


def check_voting_open(kind: str, phase: str | None, allowed: bool, facilitator: str) -> None:
    """Votes are cast in the prioritisation phase, unless the facilitator allowed any phase."""
    if phase != "prioritisation" and not allowed:
        raise VotingClosedError(
            f"{kind}: votes are cast in the prioritisation phase (now: {phase or 'not started'});"
            f" the facilitator ({facilitator!r}) can allow voting in any phase"
        )


def check_vote_budget(kind: str, actor: str, left: int, budget: int) -> None:
    """Raise :class:`VoteBudgetError` when ``actor`` has no votes left."""
    if left <= 0:
        raise VoteBudgetError(
            f"{kind}: {actor!r} has used all {budget} votes "
            f"(votes_per_participant={budget}); withdraw one first"
        )


# --------------------------------------------------------------------------- themes


def check_merge(kind: str, theme_id: str, sources: Sequence[str]) -> None:
    """A merge names one theme to keep and at least one other theme merged into it.

    Examples
    --------
    >>> check_merge("theme_merged", "t-1", ["t-1"])
    Traceback (most recent call last):
    ...
    pmanalytics.session.errors.RuleError: theme_merged: theme_ids must name two themes or more...
    """
    if not sources or theme_id in sources:
        raise RuleError(
            f"{kind}: theme_ids must name two themes or more (one kept, others merged into "
            f"it), got {[theme_id, *sources]!r}"
        )


def check_split(kind: str, theme_id: str, items: Sequence[Item]) -> None:
    """A split moves one or more of the theme's own items."""
    if not items or any(item.theme_id != theme_id for item in items):
        raise RuleError(
            f"{kind}: item_ids must be items of theme {theme_id!r}, got {[i.id for i in items]!r}"
        )


# --------------------------------------------------------------------------- actions


def action_changes(kind: str, changes: Mapping[str, Any]) -> dict[str, Any]:
    """Checked values for an action's fields: text, one-line owner and priority, vocabulary.

    Examples
    --------
    >>> action_changes("action_edited", {"owner": "  Ana ", "priority": ""})
    {'owner': 'Ana', 'priority': None}
    >>> action_changes("action_edited", {"status": "finished"})
    Traceback (most recent call last):
    ...
    pmanalytics.session.errors.RuleError: 'action_edited: status' must be one of open, ...
    """
    unknown = set(changes) - set(ACTION_FIELDS)
    if unknown:
        raise RuleError(f"{kind}: unknown fields {sorted(unknown)}")
    fields = dict(changes)
    if "title" in fields:
        fields["title"] = check_text(kind, "title", fields["title"])
    for name in ("owner", "priority", "link"):
        if fields.get(name) is not None:
            value = str(fields[name]).strip()
            if "\n" in value:
                raise RuleError(f"{kind}: {name} must be one line, got {fields[name]!r}")
            fields[name] = value or None
    if "kind" in fields:
        check_choice(f"{kind}: kind", fields["kind"], (None, *ACTION_KINDS), error=RuleError)
    if "status" in fields:
        check_choice(f"{kind}: status", fields["status"], ACTION_STATUSES, error=RuleError)
    return fields


# --------------------------------------------------------------------------- phases


def next_phase_move(keys: Sequence[str], phase: str | None, last: str | None) -> str | None:
    """The phase "next" starts, or ``None`` when it ends the running phase (the wrap-up).

    ``phase`` is the running phase, ``last`` the latest one started (running or not).

    Examples
    --------
    >>> keys = ("a", "b")
    >>> next_phase_move(keys, None, None), next_phase_move(keys, "a", "a")
    ('a', 'b')
    >>> next_phase_move(keys, "b", "b") is None
    True
    >>> next_phase_move(keys, None, "b")
    Traceback (most recent call last):
    ...
    pmanalytics.session.errors.RuleError: phase_started: the session has ended; ...
    """
    current = phase or last
    if current is None:
        return keys[0]
    index = keys.index(current) + 1
    if index < len(keys) and not (phase is None and current == keys[-1]):
        return keys[index]
    if phase is None:
        raise RuleError("phase_started: the session has ended; there is no next phase")
    return None


def previous_phase_move(keys: Sequence[str], phase: str | None, last: str | None) -> str:
    """The phase "previous" starts again; :class:`RuleError` before the first one."""
    current = phase or last
    index = -1 if current is None else keys.index(current) - 1
    if index < 0:
        raise RuleError("phase_started: there is no phase before the first")
    return keys[index]


_PANELS: dict[str | None, tuple[str, ...]] = {
    None: ("prime_directive",),
    "set_the_tone": ("prime_directive",),
    "review_facts": ("facts",),
    "individual_reflection": ("items",),
    "group_discussion": ("items", "facts"),
    "theme_identification": ("themes",),
    "prioritisation": ("votes",),
    "action_planning": ("actions",),
    "wrap_up": ("wrap_up",),
}


def panels(phase: str | None, ended: bool = False) -> tuple[str, ...]:
    """What the app shows in a phase: ``prime_directive``, ``facts``, ``items``, ``themes``,
    ``votes``, ``actions`` or ``wrap_up`` (after the session ended: the wrap-up).

    Examples
    --------
    >>> panels("group_discussion"), panels(None, ended=True)
    (('items', 'facts'), ('wrap_up',))
    """
    if phase is None and ended:
        return ("wrap_up",)
    return _PANELS.get(phase, ())


def board_shown(phase: str | None) -> bool:
    """Whether the board is on screen: from individual reflection to action planning."""
    return phase not in (None, "set_the_tone", "review_facts", "wrap_up")
