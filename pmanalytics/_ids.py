"""Stable ids for things that arrive without one."""

from __future__ import annotations

import hashlib


def stable_id(prefix: str, key: str, taken: set[str]) -> str:
    """An id derived from ``key`` (so it survives re-imports), unique among ``taken``.

    The new id is added to ``taken``.

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
    number = 2
    while candidate in taken:
        candidate = f"{prefix}-{digest}-{number}"
        number += 1
    taken.add(candidate)
    return candidate
