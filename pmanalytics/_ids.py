"""Ids: stable ids for things that arrive without one, and the rule for an id read twice."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable


def stable_id(prefix: str, key: str, taken: set[str]) -> str:
    """An id derived from ``key`` (so it survives re-imports), unique among ``taken``.

    Repeats of the same key get ``-2``, ``-3``, ... in order. The new id is added to
    ``taken``.

    Examples
    --------
    >>> taken: set[str] = set()
    >>> stable_id("i", "went_well\\nPaging worked", taken)
    'i-d15b3d06f0'
    >>> stable_id("i", "went_well\\nPaging worked", taken)
    'i-d15b3d06f0-2'
    """
    digest = hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()[:10]
    candidate = f"{prefix}-{digest}"
    if candidate in taken:
        candidate = f"{candidate}-{_first_free_suffix(candidate, taken)}"
    taken.add(candidate)
    return candidate


def _first_free_suffix(base: str, taken: set[str]) -> int:
    """The first n >= 2 with ``base-n`` free, in O(log n) look-ups.

    Suffixes are handed out in order, so the used ones form a run 2..k: gallop to
    a free one, then bisect back to the end of the run.
    """
    low, high = 1, 2  # invariant: low is used (1 stands for the bare base), high unknown
    while f"{base}-{high}" in taken:
        low, high = high, high * 2
    while high - low > 1:
        middle = (low + high) // 2
        if f"{base}-{middle}" in taken:
            low = middle
        else:
            high = middle
    return high


def duplicate_ids(entries: Iterable[tuple[str, str]]) -> dict[int, str]:
    """The one rule for a post-mortem id read twice: the first wins, later ones are left out.

    ``entries`` are ``(incident id, where it was read)`` in reading order (file order,
    then order within an export). Returns, for each entry left out, its position and
    the message of its error row. ``load`` and ``import`` both apply this rule.

    Examples
    --------
    >>> duplicate_ids([("a", "one.md"), ("b", "two.md"), ("a", "three.md")])
    {2: "duplicate incident id 'a': already loaded from one.md; this one was left out"}
    """
    first: dict[str, str] = {}
    left_out: dict[int, str] = {}
    for index, (incident_id, where) in enumerate(entries):
        if incident_id in first:
            left_out[index] = (
                f"duplicate incident id {incident_id!r}: already loaded from "
                f"{first[incident_id]}; this one was left out"
            )
        else:
            first[incident_id] = where
    return left_out
