"""Reading values out of records: dotted paths, emptiness, and what a mapping left unused."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

__all__ = ["is_empty", "lookup", "plain", "remainder"]

Record = Mapping[str, Any]


def lookup(record: Record, path: str) -> Any:
    """The value at a column name or dotted path (list indices allowed), or None.

    Examples
    --------
    >>> lookup({"severity": {"name": "SEV2"}}, "severity.name")
    'SEV2'
    >>> lookup({"assignees": [{"name": "Ana"}]}, "assignees.0.name")
    'Ana'
    >>> lookup({"a.b": 1}, "a.b"), lookup({"a": None}, "a.b")
    (1, None)
    """
    if path in record:
        return record[path]
    node: Any = record
    for part in path.split("."):
        if isinstance(node, Mapping):
            node = node.get(part)
        elif isinstance(node, list | tuple) and part.lstrip("-").isdigit():
            index = int(part)
            node = node[index] if -len(node) <= index < len(node) else None
        else:
            return None
        if node is None:
            return None
    return node


def is_empty(value: Any) -> bool:
    """True for None, NaN, blank text and empty containers: values that are skipped."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, list | tuple | dict | set):
        return not value
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def remainder(value: Any, paths: list[tuple[str, ...]]) -> Any:
    """``value`` without the parts at ``paths`` (the fields a mapping used), empties dropped.

    Examples
    --------
    >>> record = {"a": {"b": 1, "c": 2}, "d": [{"e": 3, "f": ""}], "g": {"h": " "}}
    >>> remainder(record, [("a", "b"), ("d", "0", "e")])
    {'a': {'c': 2}}
    """
    if any(not path for path in paths):
        return None
    if isinstance(value, Mapping):
        kept = {}
        for key, item in value.items():
            rest = remainder(item, [path[1:] for path in paths if path[0] == key])
            if not is_empty(rest):
                kept[key] = rest
        return kept
    if isinstance(value, list | tuple):
        kept_items = []
        for index, item in enumerate(value):
            rest = remainder(item, [path[1:] for path in paths if path[0] == str(index)])
            if not is_empty(rest):
                kept_items.append(rest)
        return kept_items
    return value


def plain(value: Any) -> Any:
    """Plain Python values for what a DataFrame holds (numpy scalars, Timestamps, NaN)."""
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.to_pydatetime()
    if hasattr(value, "item") and type(value).__module__ == "numpy":
        return value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value
