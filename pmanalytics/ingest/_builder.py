"""The builder behind :func:`~pmanalytics.ingest.from_records`: records into post-mortems."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from .._errors import ModelError
from .._ids import stable_id
from .._model import Action, PostMortem, Severity, is_slug, slugify
from ._mapping import (
    EXTRA_HOLDERS,
    MAIN_FIELD,
    PARTS,
    Derived,
    FieldSource,
    Record,
    convert,
    source_path,
    source_paths,
)
from ._results import ImportProblem, ImportResult, Origin, one_line
from ._values import is_empty, lookup, remainder


@dataclass
class _Values:
    line: int | None
    record: Record
    values: dict[str, Any]
    problems: list[str]


class Builder:
    def __init__(
        self, mapping: Mapping[str, FieldSource], source: str, ignore: tuple[str, ...], tz: tzinfo
    ) -> None:
        self.mapping = mapping
        self.source = source
        self.ignore = ignore
        self.tz = tz
        self.errors: list[ImportProblem] = []
        mains = {f"{part}.{field}" for part, field in MAIN_FIELD.items()}
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
                    if head in PARTS and key == f"{head}.{MAIN_FIELD[head]}":
                        absent.add(head)
                    continue
                out.values[key] = convert(key, value, self.tz)
            except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
                shown = str(exc) if isinstance(exc, ValueError) else f"{type(exc).__name__}: {exc}"
                out.problems.append(f"{key}: {shown}{self.hint(key)}")
        return out

    def unused(self, record: Record, skip: FieldSource | None = None) -> dict[str, Any]:
        """The record's fields that no mapping source reads, empty values dropped."""
        paths = [path for src in self.mapping.values() for path in source_paths(src, record)]
        if skip is not None:
            paths += source_paths(skip, record)
        paths += [source_path(name, record) for name in self.ignore]
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
            values = nest(got.values)
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
        parts: dict[str, list[dict[str, Any]]] = {name: [] for name in PARTS}
        part_lines: dict[str, list[int | None]] = {name: [] for name in PARTS}
        unmapped: list[dict[str, Any]] = []
        for member in members:
            by_part: dict[str, dict[str, Any]] = {}
            for key, value in member.values.items():
                head, _, rest = key.partition(".")
                if head in PARTS and rest:
                    by_part.setdefault(head, {})[rest] = value
                else:
                    top.setdefault(key, value)
            made = [name for name in PARTS if MAIN_FIELD[name] in by_part.get(name, {})]
            rest_fields = self.unused(member.record, group_by)
            holder = next((name for name in EXTRA_HOLDERS if name in made), None)
            if rest_fields and group_by is None:
                rest_top.update(rest_fields)
            elif rest_fields and holder is not None:
                extra = by_part[holder].get("extra", {})
                by_part[holder] = {**by_part[holder], "extra": {**rest_fields, **extra}}
            elif rest_fields:
                unmapped.append({"line": member.line, **rest_fields})
            for name in made:
                parts[name].append(nest(by_part[name]))
                part_lines[name].append(member.line)
        data = nest(top)
        if rest_top or unmapped:
            data["extra"] = _with_extra(data.get("extra"), rest_top)
        if unmapped and isinstance(data["extra"], dict):
            data["extra"].setdefault("unmapped_records", unmapped)
        data["id"] = self.postmortem_id(data, group_key)
        for name, model in PARTS.items():
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


def nest(flat: Mapping[str, Any]) -> dict[str, Any]:
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
