"""The mapping mechanism behind :func:`~pmanalytics.ingest.from_records`: sources and checks."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import tzinfo
from typing import Any

from .._model import (
    Action,
    Impact,
    Item,
    Link,
    Participant,
    PostMortem,
    Review,
    Severity,
    Theme,
    TimelineEvent,
)
from ._dates import parse_date, parse_datetime

Record = Mapping[str, Any]
FieldSource = str | Callable[[Record], Any]
"""Where a field's value comes from: a column, a dotted path, or a callable."""

NESTED: dict[str, type[Any]] = {"impact": Impact, "review": Review, "severity": Severity}
PARTS: dict[str, type[Any]] = {
    "items": Item,
    "actions": Action,
    "themes": Theme,
    "timeline": TimelineEvent,
    "participants": Participant,
    "links": Link,
}
#: The field whose value makes a part: no value, no part for that record.
MAIN_FIELD = {
    "items": "text",
    "actions": "title",
    "themes": "label",
    "timeline": "text",
    "participants": "name",
    "links": "url",
}
#: Which part gets a record's unused fields, in order of preference.
EXTRA_HOLDERS = ("items", "actions", "timeline", "participants", "links")
_DATETIMES = {"started_at", "detected_at", "mitigated_at", "resolved_at", "created_at"}
_DATETIMES |= {"completed_at", "at"}
_DATES = {"held_on", "due"}


# --------------------------------------------------------------------------- mapping


@dataclass(frozen=True)
class Derived:
    """A computed field source that declares the record fields it reads (see :func:`derived`)."""

    func: Callable[[Record], Any]
    uses: tuple[str, ...] = ()

    def __call__(self, record: Record) -> Any:
        return self.func(record)


def derived(func: Callable[[Record], Any], *uses: str) -> Derived:
    """A callable field source that reads the record fields ``uses`` (kept out of ``extra``).

    Examples
    --------
    >>> source = derived(lambda r: r["first"] + " " + r["last"], "first", "last")
    >>> source({"first": "Ana", "last": "Lima"}), source.uses
    ('Ana Lima', ('first', 'last'))
    """
    if not callable(func):
        raise TypeError(f"'func' must be callable, got {func!r}")
    return Derived(func, tuple(uses))


def check_mapping(mapping: Mapping[str, FieldSource], into: str) -> None:
    if not isinstance(mapping, Mapping):
        raise TypeError(
            f"'mapping' must be a dict of field -> source, got {type(mapping).__name__}"
        )
    for key, source in mapping.items():
        if not (isinstance(source, str) or callable(source)):
            raise TypeError(
                f"'mapping' value for {key!r} must be a column name, a dotted path or a "
                f"callable, got {source!r}"
            )
        if not isinstance(key, str) or not _valid_target(key.split("."), into):
            raise ValueError(f"'mapping' key {key!r} names no field of the model ({_help(into)})")


def _valid_target(parts: list[str], into: str) -> bool:
    if into == "followups":
        return parts == ["incident_id"] or _valid_in(Action, parts)
    head, rest = parts[0], parts[1:]
    if head in NESTED or head in PARTS:
        model = NESTED.get(head) or PARTS[head]
        return not rest or _valid_in(model, rest)
    return _valid_in(PostMortem, parts)


def _valid_in(model: type[Any], parts: list[str]) -> bool:
    if parts[0] == "extra":
        return len(parts) <= 2
    return len(parts) == 1 and parts[0] in model.model_fields


def _help(into: str) -> str:
    if into == "followups":
        return "expected 'incident_id' or a field of Action: " + ", ".join(Action.model_fields)
    return (
        "expected a field of PostMortem such as 'title', a dotted nested field such as "
        "'impact.customers_affected', a part field such as 'items.text', or 'extra.<name>'"
    )


def source_paths(source: FieldSource, record: Record) -> list[tuple[str, ...]]:
    if isinstance(source, str):
        return [source_path(source, record)]
    if isinstance(source, Derived):
        return [source_path(used, record) for used in source.uses]
    return []


def source_path(source: str, record: Record) -> tuple[str, ...]:
    return (source,) if source in record else tuple(source.split("."))


def convert(key: str, value: Any, tz: tzinfo) -> Any:
    leaf = key.rsplit(".", 1)[-1]
    if "extra" in key.split("."):
        return value
    if leaf in _DATETIMES:
        return parse_datetime(value, tz=tz)
    if leaf in _DATES:
        return parse_date(value)
    if key == "impact" and isinstance(value, str):
        return {"text": value}
    if isinstance(value, tuple):
        return list(value)
    return value
