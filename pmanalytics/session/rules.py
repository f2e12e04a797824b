"""Session rules that are pure functions: blameless-language nudges and permission checks.

The fold in :mod:`pmanalytics.session.state` calls these before it changes anything,
so a change that breaks a rule raises and is never recorded.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from .._model import is_open_status
from .errors import NotAllowedError, UnknownIdError

__all__ = [
    "BLAME_PHRASES",
    "BlameWarning",
    "blame_warnings",
    "check_facilitator",
    "check_known",
    "check_member",
    "check_owner",
    "missing_plan",
]

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
    pmanalytics.session.errors.NotAllowedError: item_edited: 'Bo' cannot change item 'i-1' ...
    """
    if actor != facilitator and actor != owner:
        whose = f"by {owner!r}" if owner else "without an author"
        raise NotAllowedError(
            f"{kind}: {actor!r} cannot change item {item_id!r} {whose}: participants change "
            f"only their own items (the facilitator, {facilitator!r}, may change any)"
        )


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
