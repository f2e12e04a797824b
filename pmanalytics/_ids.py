"""Stable ids for things that arrive without one."""

from __future__ import annotations

import hashlib


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
