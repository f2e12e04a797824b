"""Ids: stable ids for things that arrive without one, and the rule for an id read twice."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable
from pathlib import Path

from ._errors import PMError

_FILE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
#: Names Windows reserves for devices, with or without an extension (``CON``, ``con.md``).
_RESERVED = re.compile(r"(?:CON|PRN|AUX|NUL|COM[0-9]|LPT[0-9])(?:\..*)?", re.IGNORECASE)


def file_id_problem(value: object) -> str | None:
    """Why ``value`` cannot name a file in a folder (None when it can).

    An id names ``<folder>/<id>.md`` and the like, so it must stay in the folder on
    every system: a slug of letters, digits, ``.``, ``_`` and ``-`` starting with a
    letter or digit, without ``..``, not ending in ``.``, and not a name Windows
    reserves (``CON``, ``NUL``, ``COM1``, ...).

    Examples
    --------
    >>> file_id_problem("pm-1") is None
    True
    >>> print(file_id_problem("../x"))  # doctest: +ELLIPSIS
    must be a filename-safe slug (letters, digits, '.', '_' and '-', ...), got '../x'
    >>> print(file_id_problem("CON"))
    'CON' is a name Windows reserves for a device
    """
    if not isinstance(value, str) or not _FILE_ID.fullmatch(value) or ".." in value:
        return (
            "must be a filename-safe slug (letters, digits, '.', '_' and '-', starting "
            f"with a letter or digit, at most 128 characters), got {value!r}"
        )
    if value.endswith("."):
        return f"must not end with '.', got {value!r}"
    if _RESERVED.fullmatch(value):
        return f"{value!r} is a name Windows reserves for a device"
    return None


def check_file_id(value: object, what: str = "id", *, error: type[Exception] = PMError) -> str:
    """``value`` when it can name a file (:func:`file_id_problem`), else ``error``.

    Every writer (``pmanalytics.write``, ``report.export``, ``import --to``, session
    save) checks the id here, so none can write outside its folder.

    Examples
    --------
    >>> check_file_id("nul.report", error=ValueError)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: cannot write a file for id 'nul.report': ... reserves for a device
    """
    problem = file_id_problem(value)
    if problem is not None:
        raise error(f"cannot write a file for {what} {value!r}: {problem}")
    return str(value)


def case_clash(folder: Path, name: str) -> str | None:
    """The name of an entry in ``folder`` that differs from ``name`` only in case, if any.

    On Windows and macOS the two would be one file.
    """
    wanted = name.casefold()
    try:
        entries = os.listdir(folder)
    except OSError:
        return None
    return next((e for e in entries if e != name and e.casefold() == wanted), None)


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
    first: dict[str, tuple[str, str]] = {}
    left_out: dict[int, str] = {}
    for index, (incident_id, where) in enumerate(entries):
        key = incident_id.casefold()  # one file on Windows and macOS: one id
        if key in first:
            earlier, place = first[key]
            same = "" if earlier == incident_id else f" (the same as {earlier!r} but for case)"
            left_out[index] = (
                f"duplicate incident id {incident_id!r}{same}: already loaded from "
                f"{place}; this one was left out"
            )
        else:
            first[key] = (incident_id, where)
    return left_out
