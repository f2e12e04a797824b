"""Other tools' front matter, mapped onto the model with the records mapping mechanism."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ..._model import POSTMORTEM_STATUSES, is_slug, slugify
from ..._sections import normalise_heading
from ..records import Derived, FieldSource, derived, map_fields

__all__ = ["FRONT_MATTER_MAPPING", "FrontMatter", "read_front_matter"]


def _first(*keys: str) -> Derived:
    """The first of ``keys`` the front matter has a value for."""

    def pick(record: Mapping[str, Any]) -> Any:
        return next((record[k] for k in keys if record.get(k) not in (None, "", [])), None)

    return derived(pick, *keys)


def _every(*keys: str) -> Derived:
    """All values of ``keys``, as one list (comma-separated strings are split)."""

    def gather(record: Mapping[str, Any]) -> list[str] | None:
        values: list[str] = []
        for key in keys:
            value = record.get(key)
            items = value if isinstance(value, list) else re.split(r"\s*,\s*", str(value or ""))
            values.extend(str(v).strip() for v in items if str(v).strip())
        return list(dict.fromkeys(values)) or None

    return derived(gather, *keys)


#: How other tools' front matter maps onto the model (the records mapping mechanism).
FRONT_MATTER_MAPPING: dict[str, FieldSource] = {
    "id": _first("id", "slug"),
    "title": _first("title", "name"),
    "status": _first("status"),
    "severity": _first("severity", "sev"),
    "summary": _first("summary", "description", "what_happened"),
    "started_at": _first(
        "started_at", "start_time", "start", "start_date", "date", "incident_date", "began"
    ),
    "detected_at": _first("detected_at", "detection_time"),
    "mitigated_at": _first("mitigated_at"),
    "resolved_at": _first("resolved_at", "end_time", "end", "ended_at", "end_date"),
    "tags": _every("tags", "categories", "category", "keywords", "labels"),
    "services": _every(
        "services", "service", "product", "products", "components", "component", "systems"
    ),
    "teams": _every("teams", "team"),
}


@dataclass
class FrontMatter:
    """Front matter as model fields, what is kept in ``extra``, and notes for the report."""

    values: dict[str, Any]
    extra: dict[str, Any]
    notes: list[tuple[int | None, str]]
    start_day: date | None
    """The start when the front matter gives only a day (the timeline may say more)."""
    summary: str | None


def read_front_matter(front: dict[str, Any]) -> FrontMatter:
    """Map a document's front matter (already parsed YAML) onto the model."""
    notes: list[tuple[int | None, str]] = []
    extra: dict[str, Any] = {}
    start_day: date | None = None
    original = {key.casefold(): key for key in front}
    record = {key.casefold(): value for key, value in front.items()}
    values, _unused, problems = map_fields(record, FRONT_MATTER_MAPPING)
    for problem in problems:
        notes.append((None, f"front matter: {problem}"))
    used = {_chosen(source, record) for source in FRONT_MATTER_MAPPING.values()}
    used |= {
        key
        for source in FRONT_MATTER_MAPPING.values()
        if isinstance(source, Derived) and _gathers(source)
        for key in source.uses
    }
    failed = {p.split(":", 1)[0] for p in problems}
    for field_name, source in FRONT_MATTER_MAPPING.items():
        if field_name in failed or field_name not in values:
            used.discard(_chosen(source, record))
    for key, value in record.items():
        if key not in used:
            extra[original[key]] = value  # kept as written, empty values too
    identifier = values.get("id")
    if identifier is not None and not (isinstance(identifier, str) and is_slug(identifier)):
        values["id"] = slugify(str(identifier))
        extra["source_id"] = identifier
    status = values.get("status")
    if status is not None:
        known = _STATUS_WORDS.get(normalise_heading(str(status)))
        if known is None:
            extra["status"] = values.pop("status")
            notes.append(
                (
                    None,
                    f"front matter: status {status!r} is not one of "
                    f"{', '.join(POSTMORTEM_STATUSES)}; kept in extra",
                )
            )
        else:
            values["status"] = known
    start_key = _chosen(FRONT_MATTER_MAPPING["started_at"], record)
    if "started_at" in values and _is_day_only(record.get(start_key or "")):
        start_day = values.pop("started_at").date()  # the timeline may say more
    summary = values.pop("summary", None)
    return FrontMatter(values, extra, notes, start_day, summary)


_STATUS_WORDS = {
    "draft": "draft",
    "wip": "draft",
    "in progress": "draft",
    "work in progress": "draft",
    "in review": "in_review",
    "in_review": "in_review",
    "review": "in_review",
    "under review": "in_review",
    "reviewed": "reviewed",
    "complete": "reviewed",
    "completed": "reviewed",
    "final": "reviewed",
    "published": "reviewed",
    "approved": "reviewed",
    "closed": "closed",
    "done": "closed",
    "resolved": "closed",
}


def _chosen(source: FieldSource, record: Mapping[str, Any]) -> str | None:
    """Which of a ``_first`` source's keys gave the value (None for other sources)."""
    if isinstance(source, Derived) and not _gathers(source):
        return next((k for k in source.uses if record.get(k) not in (None, "", [])), None)
    return None


def _gathers(source: FieldSource) -> bool:
    return isinstance(source, Derived) and getattr(source.func, "__name__", "") == "gather"


def _is_day_only(value: Any) -> bool:
    if isinstance(value, datetime):
        return False
    if isinstance(value, date):
        return True
    return isinstance(value, str) and ":" not in value
