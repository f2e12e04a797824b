"""Turn structured records (CSV rows, JSON objects, a DataFrame) into post-mortems.

:func:`from_records` is the one code path every structured importer uses: a
*mapping* names, for each model field, where its value comes from in a record.
A record that cannot become a valid post-mortem is an error row of the
:class:`ImportResult`, never an exception; fields the mapping does not use are
kept in ``extra``.

Mapping keys (the target) are model field names:

* post-mortem fields: ``id``, ``title``, ``started_at``, ``severity``, ``services``...
* nested fields, dotted: ``impact.customers_affected``, ``review.held_on``, ``severity.rank``;
* one part per record: ``items.text``, ``items.section``, ``actions.title``,
  ``themes.label``, ``timeline.at``, ``participants.name``, ``links.url``
  (a part is made when its main field -- text, title, label, name, url -- has a value);
* ``extra.<name>`` at any level (``items.extra.thread``).

With ``into="followups"`` each record is one :class:`~pmanalytics.Action`, the keys
are action fields, and ``incident_id`` says which incident(s) it follows up.

Mapping values (the source) are a column name, a dotted path into nested JSON
(``"severity.name"``, ``"assignees.0.name"``) or a callable ``record -> value``
(wrap it with :func:`derived` to say which fields it reads, so they are not
also copied into ``extra``). A callable may raise ``ValueError`` to reject a
record with a message.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any, Literal

import pandas as pd

from .._errors import ModelError
from .._ids import stable_id
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
    is_slug,
    slugify,
)
from ._dates import parse_date, parse_datetime
from ._results import ImportProblem, ImportResult, Origin, attach_followups, one_line
from ._values import is_empty, lookup, plain, remainder

__all__ = [
    "Derived",
    "FieldSource",
    "ImportProblem",
    "ImportResult",
    "attach_followups",
    "derived",
    "from_records",
    "map_fields",
    "parse_date",
    "parse_datetime",
]

Record = Mapping[str, Any]
FieldSource = str | Callable[[Record], Any]
"""Where a field's value comes from: a column, a dotted path, or a callable."""

_NESTED: dict[str, type[Any]] = {"impact": Impact, "review": Review, "severity": Severity}
_PARTS: dict[str, type[Any]] = {
    "items": Item,
    "actions": Action,
    "themes": Theme,
    "timeline": TimelineEvent,
    "participants": Participant,
    "links": Link,
}
#: The field whose value makes a part: no value, no part for that record.
_MAIN_FIELD = {
    "items": "text",
    "actions": "title",
    "themes": "label",
    "timeline": "text",
    "participants": "name",
    "links": "url",
}
#: Which part gets a record's unused fields, in order of preference.
_EXTRA_HOLDERS = ("items", "actions", "timeline", "participants", "links")
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


def map_fields(
    record: Record, mapping: Mapping[str, FieldSource], *, tz: tzinfo = UTC
) -> tuple[dict[str, Any], dict[str, Any], tuple[str, ...]]:
    """One record through a mapping, without building a post-mortem.

    Returns the mapped values (nested: ``impact.minutes`` becomes ``{"impact":
    {"minutes": ...}}``, dates parsed), the record's fields no source reads, and a
    message per value that could not be read. The Markdown importer maps other
    tools' front matter with it.

    Examples
    --------
    >>> values, unused, problems = map_fields(
    ...     {"name": "DB down", "start": "2024-05-01 10:00", "team": "ops"},
    ...     {"title": "name", "started_at": "start"},
    ... )
    >>> values["title"], values["started_at"].isoformat(), unused, problems
    ('DB down', '2024-05-01T10:00:00+00:00', {'team': 'ops'}, ())
    """
    _check_mapping(mapping, "postmortems")
    builder = _Builder(mapping, "<record>", (), tz)
    got = builder.read(None, record)
    return _nest(got.values), builder.unused(record), tuple(got.problems)


def _check_mapping(mapping: Mapping[str, FieldSource], into: str) -> None:
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
    if head in _NESTED or head in _PARTS:
        model = _NESTED.get(head) or _PARTS[head]
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


def _source_paths(source: FieldSource, record: Record) -> list[tuple[str, ...]]:
    if isinstance(source, str):
        return [_path(source, record)]
    if isinstance(source, Derived):
        return [_path(used, record) for used in source.uses]
    return []


def _path(source: str, record: Record) -> tuple[str, ...]:
    return (source,) if source in record else tuple(source.split("."))


def _convert(key: str, value: Any, tz: tzinfo) -> Any:
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


# --------------------------------------------------------------------------- from_records


def from_records(
    records: Iterable[Record] | pd.DataFrame,
    mapping: Mapping[str, FieldSource],
    *,
    into: Literal["postmortems", "followups"] = "postmortems",
    group_by: FieldSource | None = None,
    source: str = "<records>",
    lines: Iterable[int | None] | None = None,
    ignore: Iterable[str] = (),
    tz: tzinfo = UTC,
) -> ImportResult:
    """Build post-mortems (or follow-up actions) from records through a field mapping.

    Parameters
    ----------
    records : iterable of dict, or DataFrame
        One dict per CSV row or JSON object.
    mapping : dict
        Model field -> source (column name, dotted path, or callable); see the module doc.
    into : {"postmortems", "followups"}
        Make one post-mortem per record (or per group), or one follow-up action per record
        filed under the incident id(s) the ``incident_id`` source gives.
    group_by : source, optional
        Records with the same value form one post-mortem (rows of items, say); top-level
        fields take the first non-empty value, each record adds its parts (items, ...).
    source, lines
        The name reported in error rows, and each record's line (default: 1, 2, 3...).
    ignore : iterable of str
        Record fields to leave out of ``extra``.
    tz : tzinfo
        The zone of naive timestamps (default UTC).

    Examples
    --------
    >>> rows = [
    ...     {"Key": "INC #7", "Name": "Disk full", "Start": "11/May/24 03:26 PM", "Team": "ops"},
    ...     {"Key": "INC-8", "Name": "", "Start": "soon"},
    ... ]
    >>> result = from_records(rows, {"id": "Key", "title": "Name", "started_at": "Start"})
    >>> pm = result.postmortems[0]
    >>> pm.id, pm.started_at.isoformat(), pm.extra
    ('inc-7', '2024-05-11T15:26:00+00:00', {'Team': 'ops'})
    >>> print(result.errors[0])
    <records>:2: started_at: cannot read a date and time from 'soon' (from field 'Start')
    """
    if into not in ("postmortems", "followups"):
        raise ValueError(f"'into' must be one of 'postmortems', 'followups', got {into!r}")
    _check_mapping(mapping, into)
    if into == "followups" and "incident_id" not in mapping:
        raise ValueError("'mapping' must have an 'incident_id' source when into='followups'")
    if group_by is not None and into == "followups":
        raise ValueError("'group_by' only applies when into='postmortems'")
    if not isinstance(tz, tzinfo):
        raise TypeError(f"'tz' must be a tzinfo such as datetime.UTC, got {tz!r}")
    builder = _Builder(mapping, source, tuple(ignore), tz)
    numbered = _numbered(records, lines)
    if into == "followups":
        return builder.followups(numbered)
    return builder.postmortems(numbered, group_by)


def _numbered(
    records: Iterable[Record] | pd.DataFrame, lines: Iterable[int | None] | None
) -> Iterator[tuple[int | None, Record]]:
    if isinstance(records, pd.DataFrame):
        rows: Iterable[Record] = (
            {str(k): plain(v) for k, v in row.items()} for row in records.to_dict("records")
        )
    elif isinstance(records, Mapping | str | bytes):
        raise TypeError(
            f"'records' must be an iterable of dicts or a DataFrame, got {type(records).__name__}"
        )
    else:
        rows = records
    numbers: Iterator[int | None] = iter(lines) if lines is not None else iter(range(1, 1 << 62))
    for row in rows:
        yield next(numbers, None), row


@dataclass
class _Values:
    line: int | None
    record: Record
    values: dict[str, Any]
    problems: list[str]


class _Builder:
    def __init__(
        self, mapping: Mapping[str, FieldSource], source: str, ignore: tuple[str, ...], tz: tzinfo
    ) -> None:
        self.mapping = mapping
        self.source = source
        self.ignore = ignore
        self.tz = tz
        self.errors: list[ImportProblem] = []
        mains = {f"{part}.{field}" for part, field in _MAIN_FIELD.items()}
        self.order = sorted(mapping, key=lambda key: key not in mains)  # main fields first

    def problem(self, line: int | None, message: str) -> None:
        self.errors.append(ImportProblem(self.source, line, message))

    def hint(self, key: str) -> str:
        found = self.mapping.get(key)
        if isinstance(found, str):
            return f" (from field {found!r})"
        if isinstance(found, Derived) and found.uses:
            return f" (from {', '.join(repr(used) for used in found.uses)})"
        return ""

    def read(self, line: int | None, record: Record) -> _Values:
        """Every mapped value of one record, converted; problems as messages."""
        out = _Values(line, record, {}, [])
        if not isinstance(record, Mapping):
            out.problems.append(f"record must be an object (a dict), got {type(record).__name__}")
            return out
        absent: set[str] = set()  # parts this record does not make: their fields are not read
        for key in self.order:
            head = key.partition(".")[0]
            if head in absent:
                continue
            try:
                value = _get(record, self.mapping[key])
                if is_empty(value):
                    if head in _PARTS and key == f"{head}.{_MAIN_FIELD[head]}":
                        absent.add(head)
                    continue
                out.values[key] = _convert(key, value, self.tz)
            except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
                shown = str(exc) if isinstance(exc, ValueError) else f"{type(exc).__name__}: {exc}"
                out.problems.append(f"{key}: {shown}{self.hint(key)}")
        return out

    def unused(self, record: Record, skip: FieldSource | None = None) -> dict[str, Any]:
        """The record's fields that no mapping source reads, empty values dropped."""
        paths = [path for src in self.mapping.values() for path in _source_paths(src, record)]
        if skip is not None:
            paths += _source_paths(skip, record)
        paths += [_path(name, record) for name in self.ignore]
        rest = remainder(record, paths)
        return dict(rest) if isinstance(rest, Mapping) else {}

    def model_problem(self, line: int | None, error: ModelError, what: str = "") -> None:
        keys = [".".join(str(p) for p in loc if isinstance(p, str)) for loc in error.locations]
        hint = next((self.hint(key) for key in keys if self.hint(key)), "")
        self.problem(line, f"{what}{one_line(error)}{hint}")

    # ----------------------------------------------------------------- followups

    def followups(self, numbered: Iterable[tuple[int | None, Record]]) -> ImportResult:
        found: dict[str, list[Action]] = {}
        origins: dict[tuple[str, str], Origin] = {}
        for line, record in numbered:
            got = self.read(line, record)
            if got.problems:
                self.problem(line, "; ".join(got.problems))
                continue
            values = _nest(got.values)
            incidents = values.pop("incident_id", None)
            wanted = [incidents] if isinstance(incidents, str | int) else list(incidents or [])
            if not wanted:
                self.problem(
                    line, f"incident_id: this record names no incident{self.hint('incident_id')}"
                )
                continue
            values["extra"] = _with_extra(values.get("extra"), self.unused(record))
            if "id" in values:
                values["id"] = _slug(values["id"])
            else:
                values["id"] = stable_id("a", str(values.get("title")), set())
            try:
                action = Action.model_validate(values)
            except ModelError as exc:
                self.model_problem(line, exc)
                continue
            for incident in dict.fromkeys(_slug(one) for one in wanted):
                if (incident, action.id) in origins:
                    first = origins[(incident, action.id)][1]
                    self.problem(
                        line,
                        f"id {action.id!r} appears twice for incident {incident!r} (also "
                        f"line {first}); this one was left out",
                    )
                    continue
                found.setdefault(incident, []).append(action)
                origins[(incident, action.id)] = (self.source, line)
        return ImportResult(
            followups={key: tuple(actions) for key, actions in found.items()},
            errors=tuple(self.errors),
            followup_origins=origins,
        )

    # ----------------------------------------------------------------- post-mortems

    def postmortems(
        self, numbered: Iterable[tuple[int | None, Record]], group_by: FieldSource | None
    ) -> ImportResult:
        groups: dict[Any, list[_Values]] = {}
        for index, (line, record) in enumerate(numbered):
            got = self.read(line, record)
            if got.problems:
                self.problem(line, "; ".join(got.problems))
                continue
            key: Any = index
            if group_by is not None:
                try:
                    key = _get(record, group_by)
                except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
                    self.problem(line, f"group_by: {exc}")
                    continue
                if is_empty(key):
                    self.problem(line, "group_by: this record gives no value to group by")
                    continue
                key = str(key)
            groups.setdefault(key, []).append(got)
        made: list[PostMortem] = []
        origins: dict[str, Origin] = {}
        for key, members in groups.items():
            pm = self.one_postmortem(members, key if group_by is not None else None, group_by)
            if pm is None:
                continue
            line = members[0].line
            if pm.id in origins:
                self.problem(
                    line,
                    f"id {pm.id!r} is used twice (also line {origins[pm.id][1]}); "
                    "this record was left out",
                )
                continue
            origins[pm.id] = (self.source, line)
            made.append(pm)
        return ImportResult(postmortems=tuple(made), errors=tuple(self.errors), origins=origins)

    def one_postmortem(
        self, members: list[_Values], group_key: str | None, group_by: FieldSource | None
    ) -> PostMortem | None:
        top: dict[str, Any] = {}
        rest_top: dict[str, Any] = {}
        parts: dict[str, list[dict[str, Any]]] = {name: [] for name in _PARTS}
        part_lines: dict[str, list[int | None]] = {name: [] for name in _PARTS}
        unmapped: list[dict[str, Any]] = []
        for member in members:
            by_part: dict[str, dict[str, Any]] = {}
            for key, value in member.values.items():
                head, _, rest = key.partition(".")
                if head in _PARTS and rest:
                    by_part.setdefault(head, {})[rest] = value
                else:
                    top.setdefault(key, value)
            made = [name for name in _PARTS if _MAIN_FIELD[name] in by_part.get(name, {})]
            rest_fields = self.unused(member.record, group_by)
            holder = next((name for name in _EXTRA_HOLDERS if name in made), None)
            if rest_fields and group_by is None:
                rest_top.update(rest_fields)
            elif rest_fields and holder is not None:
                extra = by_part[holder].get("extra", {})
                by_part[holder] = {**by_part[holder], "extra": {**rest_fields, **extra}}
            elif rest_fields:
                unmapped.append({"line": member.line, **rest_fields})
            for name in made:
                parts[name].append(_nest(by_part[name]))
                part_lines[name].append(member.line)
        data = _nest(top)
        if rest_top or unmapped:
            data["extra"] = _with_extra(data.get("extra"), rest_top)
        if unmapped and isinstance(data["extra"], dict):
            data["extra"].setdefault("unmapped_records", unmapped)
        data["id"] = self.postmortem_id(data, group_key)
        for name, model in _PARTS.items():
            valid = self.valid_parts(name, model, parts[name], part_lines[name])
            if valid or name in data:
                listed = data.get(name) or []
                data[name] = (
                    list(listed) if isinstance(listed, list | tuple) else [listed]
                ) + valid
        try:
            return PostMortem.model_validate(data)
        except ModelError as exc:
            self.model_problem(members[0].line, exc)
            return None

    def postmortem_id(self, data: dict[str, Any], group_key: str | None) -> str:
        given = data.get("id")
        if not is_empty(given):
            return _slug(given)
        if group_key is not None:
            return _slug(group_key)
        title = str(data.get("title") or "")
        started = data.get("started_at")
        if isinstance(started, datetime):
            title = f"{started:%Y-%m-%d} {title}"
        return slugify(title)

    def valid_parts(
        self, name: str, model: type[Any], found: list[dict[str, Any]], lines: list[int | None]
    ) -> list[Any]:
        taken: set[str] = set()
        valid: list[Any] = []
        for data, line in zip(found, lines, strict=True):
            if "id" in model.model_fields:
                data = {**data, "id": self.part_id(name, data, taken)}
                if name == "themes" and any(t.id == data["id"] for t in valid):
                    continue  # the same theme named again by another record
            try:
                valid.append(model.model_validate(data))
            except ModelError as exc:
                self.model_problem(line, exc, what=f"{name[:-1]}: ")
        return valid

    @staticmethod
    def part_id(name: str, data: dict[str, Any], taken: set[str]) -> str:
        given = data.get("id")
        if not is_empty(given):
            slug = _slug(given)
            if name != "themes":
                taken.add(slug)
            return slug
        if name == "themes":
            return slugify(str(data.get("label", "")), fallback="theme")
        if name == "items":
            key = f"{data.get('section')}\n{data.get('heading')}\n{data.get('text')}"
            return stable_id("i", key, taken)
        return stable_id("a", str(data.get("title")), taken)


def _with_extra(mapped: Any, unused: Mapping[str, Any]) -> Any:
    """Unused record fields under the mapped ``extra`` (mapped values win)."""
    if mapped is None:
        return dict(unused)
    return {**unused, **mapped} if isinstance(mapped, Mapping) else mapped


def _get(record: Record, source: FieldSource) -> Any:
    return lookup(record, source) if isinstance(source, str) else source(record)


def _slug(value: Any, *, fallback: str = "untitled") -> str:
    text = str(value).strip()
    return text if is_slug(text) else slugify(text, fallback=fallback)


def _nest(flat: Mapping[str, Any]) -> dict[str, Any]:
    """``{"impact.minutes": 5}`` -> ``{"impact": {"minutes": 5}}``; whole values merge in."""
    nested: dict[str, Any] = {}
    for key, value in flat.items():
        parts = key.split(".")
        node = nested
        for part in parts[:-1]:
            child = node.get(part)
            if not isinstance(child, dict):
                child = _as_dict(part, child)
                node[part] = child
            node = child
        leaf = parts[-1]
        if isinstance(node.get(leaf), dict) and isinstance(value, Mapping):
            node[leaf] = {**value, **node[leaf]}
        else:
            node[leaf] = value
    return nested


def _as_dict(name: str, value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if name == "severity" and isinstance(value, str | int):
        try:
            return dict(Severity.model_validate(value).model_dump(exclude_defaults=True))
        except ModelError:
            return {"label": value}
    if isinstance(value, Mapping):
        return dict(value)
    return {"text": value} if name == "impact" else {}
