"""incident.io JSON: incidents (API v2 ``/v2/incidents``) and their follow-ups (``/v2/follow_ups``).

Accepted shapes: ``{"incidents": [...], "follow_ups": [...]}``, either list alone
(an API list response, ``pagination_meta`` and all), a single ``{"incident": {...}}``,
or a bare list of incidents or of follow-ups.

An incident becomes a post-mortem with id the slug of its ``reference``
(``INC-123`` -> ``inc-123``), title its ``name``, severity its ``severity.name``
(incident.io ranks severities the other way round, so its ``rank`` stays in
``extra``), tags its incident type, participants its role assignments, links its
permalink and post-mortem document. ``incident_timestamp_values`` give the times:
"Impact started" -> ``started_at`` (else "Reported", else ``created_at``),
"Reported" -> ``detected_at`` (only when the impact start is known),
"Fixed"/"Mitigated" -> ``mitigated_at``, "Resolved" -> ``resolved_at``; all of them
are kept in ``extra["timestamps"]``. Custom fields named like "service" or
"team" give services and teams; all custom fields are kept in ``extra["custom_fields"]``.

A follow-up becomes an action (``outstanding`` -> open, ``completed`` -> done,
``not_doing`` and ``deleted`` -> wont_do). Follow-ups of an incident in the same
file are attached to it; the others land in ``followups`` under the slug of the
incident's id, to attach later (``ImportResult.aliases`` maps each incident's id to
its post-mortem, so ``incidents.merged_with(follow_ups).attach_followups()`` works
across two files).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from .._model import slugify
from ._dates import parse_datetime
from ._format import ExportFormat
from ._results import ImportProblem, ImportResult, attach_followups
from ._textio import DEFAULT_MAX_BYTES, Source, json_of, load_json, read_source
from .records import Record, derived, from_records

__all__ = ["FOLLOW_UP_STATUSES", "FORMAT", "parse", "parse_data", "read", "sniff"]

#: incident.io follow-up status -> action status.
FOLLOW_UP_STATUSES = {
    "outstanding": "open",
    "completed": "done",
    "not_doing": "wont_do",
    "deleted": "wont_do",
}
#: incident.io status category -> review status of the post-mortem.
_REVIEW_STATUS = {"closed": "closed", "learning": "in_review", "post-incident": "in_review"}
_STARTED = ("impact started", "impact start", "started")
_DETECTED = ("reported", "detected", "identified")
_MITIGATED = ("fixed", "mitigated", "impact ended", "stabilized")
_RESOLVED = ("resolved",)
_SERVICE_FIELD = re.compile(r"service|component|system|product", re.IGNORECASE)
_TEAM_FIELD = re.compile(r"team|squad", re.IGNORECASE)


def sniff(source: Source | Any) -> bool:
    """True when a file (or parsed JSON) looks like incident.io incidents or follow-ups.

    Examples
    --------
    >>> sniff({"incidents": [{"id": "01H", "reference": "INC-1", "incident_status": {}}]})
    True
    >>> sniff({"incidents": [{"id": "PT4KHLK", "incident_number": 1234}]})
    False
    """
    data = json_of(source)
    incidents, follow_ups = _lists(data)
    if incidents is None and follow_ups is None:
        return False
    first = next((one for one in incidents or follow_ups or [] if isinstance(one, dict)), None)
    if first is None:
        return False
    if incidents:
        return "reference" in first or "incident_status" in first
    return "incident_id" in first and "title" in first


def read(
    source: Source,
    *,
    name: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    encoding: str | None = None,
) -> ImportResult:
    """Read an incident.io JSON export (see the module doc for the shapes).

    Examples
    --------
    >>> import io, json
    >>> data = {
    ...     "incidents": [{"id": "01HX", "reference": "INC-123", "name": "Checkout down",
    ...                    "severity": {"name": "Critical", "rank": 3},
    ...                    "created_at": "2024-05-11T15:26:00Z"}],
    ...     "follow_ups": [{"id": "01FU", "incident_id": "01HX", "title": "Add alert",
    ...                     "status": "completed", "created_at": "2024-05-12T09:00:00Z"}],
    ... }
    >>> pm = read(io.StringIO(json.dumps(data))).postmortems[0]
    >>> pm.id, pm.severity.label, [(a.id, a.status) for a in pm.actions]
    ('inc-123', 'Critical', [('01FU', 'done')])
    """
    return read_source(
        source,
        lambda text, shown: parse(text, name=shown),
        name=name,
        max_bytes=max_bytes,
        encoding=encoding,
    )


def parse(text: str, *, name: str = "<incident.io>") -> ImportResult:
    """Read the text of an incident.io JSON export.

    Examples
    --------
    >>> print(parse('{"incidents": [', name="inc.json").errors[0])
    inc.json:1: invalid JSON: Expecting value (column 16)
    """
    data, problem = load_json(text, name)
    if problem is not None:
        return ImportResult(errors=(problem,))
    return parse_data(data, name=name)


def parse_data(data: Any, *, name: str = "<incident.io>") -> ImportResult:
    """Read parsed incident.io JSON (a dict or a list).

    Examples
    --------
    >>> result = parse_data([{"id": "01FU", "incident_id": "01HX", "title": "Add alert",
    ...                      "status": "outstanding"}])
    >>> {key: [a.status for a in actions] for key, actions in result.followups.items()}
    {'01hx': ['open']}
    """
    incidents, follow_ups = _lists(data)
    if incidents is None and follow_ups is None:
        message = "is not an incident.io export: expected an 'incidents' or 'follow_ups' list"
        return ImportResult(errors=(ImportProblem(name, None, message),))
    made = from_records(incidents or [], _incident_mapping(), source=name)
    references = {
        str(one["id"]): str(one.get("reference") or one["id"])
        for one in incidents or []
        if isinstance(one, dict) and one.get("id")
    }
    actions = from_records(
        follow_ups or [],
        _follow_up_mapping(references),
        into="followups",
        source=f"{name} (follow_ups)" if incidents else name,
    )
    known = {pm.id for pm in made.postmortems}
    local = {key: value for key, value in actions.followups.items() if key in known}
    updated, attach_errors = attach_followups(
        made.postmortems, local, origins=actions.followup_origins
    )
    aliases = {slugify(one): slugify(ref) for one, ref in references.items()}
    return ImportResult(
        postmortems=tuple(updated.values()),
        followups={k: v for k, v in actions.followups.items() if k not in known},
        errors=made.errors + actions.errors + attach_errors,
        origins=made.origins,
        followup_origins=actions.followup_origins,
        aliases={alias: pm_id for alias, pm_id in aliases.items() if pm_id in known},
    )


def _lists(data: Any) -> tuple[list[Any] | None, list[Any] | None]:
    if isinstance(data, dict):
        incidents = data.get("incidents")
        if isinstance(data.get("incident"), dict):
            incidents = [data["incident"]]
        follow_ups = data.get("follow_ups")
        if isinstance(data.get("follow_up"), dict):
            follow_ups = [data["follow_up"]]
        return (
            incidents if isinstance(incidents, list) else None,
            follow_ups if isinstance(follow_ups, list) else None,
        )
    if isinstance(data, list):
        first = next((one for one in data if isinstance(one, dict)), {})
        if "incident_id" in first and "reference" not in first:
            return None, data
        return data, None
    return None, None


# --------------------------------------------------------------------------- incidents


def _incident_mapping() -> dict[str, Any]:
    times = ("incident_timestamp_values", "incident_timestamps", "created_at")
    return {
        "id": derived(lambda r: slugify(str(r.get("reference") or r.get("id") or "")), "reference"),
        "title": "name",
        "summary": "summary",
        "severity": "severity.name",
        "status": derived(_review_status, "incident_status.category"),
        "tags": "incident_type.name",
        "started_at": derived(_started, *times),
        "detected_at": derived(_detected, *times),
        "mitigated_at": derived(lambda r: _first(_timestamps(r), _MITIGATED), *times),
        "resolved_at": derived(lambda r: _first(_timestamps(r), _RESOLVED), *times),
        "extra.timestamps": derived(_timestamps, *times),
        "extra.created_at": "created_at",
        "services": derived(lambda r: _custom_values(r, _SERVICE_FIELD), "custom_field_entries"),
        "teams": derived(lambda r: _custom_values(r, _TEAM_FIELD), "custom_field_entries"),
        "extra.custom_fields": derived(_custom_fields, "custom_field_entries"),
        "participants": derived(_participants, "incident_role_assignments"),
        "links": derived(_links, "permalink", "postmortem_document_url", "call_url"),
    }


def _review_status(record: Record) -> str:
    status = record.get("incident_status")
    category = str(status.get("category") or "") if isinstance(status, dict) else ""
    return _REVIEW_STATUS.get(category.casefold(), "draft")


def _timestamps(record: Record) -> dict[str, str]:
    """Every named incident timestamp with a value: ``{"Impact started": "2024-..."}``."""
    found: dict[str, str] = {}
    entries = record.get("incident_timestamp_values") or record.get("incident_timestamps") or []
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict):
            continue
        kind = entry.get("incident_timestamp")
        label = kind.get("name") if isinstance(kind, dict) else entry.get("name")
        value = entry.get("value")
        if isinstance(value, dict):
            value = value.get("value")
        value = value or entry.get("last_occurred_at")
        if label and value:
            found[str(label)] = str(value)
    return found


def _first(timestamps: dict[str, str], names: Sequence[str]) -> str | None:
    by_name = {_name(label): value for label, value in timestamps.items()}
    return next((by_name[name] for name in names if name in by_name), None)


def _name(label: str) -> str:
    words = " ".join(label.casefold().replace("_", " ").split())
    return words[: -len(" at")] if words.endswith(" at") else words


def _started(record: Record) -> Any:
    stamps = _timestamps(record)
    started = _first(stamps, _STARTED)
    if started:
        return started
    candidates = [_first(stamps, _DETECTED), record.get("created_at")]
    return _earliest([one for one in candidates if one])


def _detected(record: Record) -> str | None:
    stamps = _timestamps(record)
    return _first(stamps, _DETECTED) if _first(stamps, _STARTED) else None


def _earliest(values: list[Any]) -> Any:
    parsed: list[tuple[datetime, Any]] = []
    for value in values:
        try:
            parsed.append((parse_datetime(value), value))
        except ValueError:
            return value  # let the mapping report it
    return min(parsed, key=lambda pair: pair[0])[1] if parsed else None


def _custom_fields(record: Record) -> dict[str, list[Any]]:
    fields: dict[str, list[Any]] = {}
    entries = record.get("custom_field_entries")
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict):
            continue
        label = (entry.get("custom_field") or {}).get("name")
        values = [_custom_value(one) for one in entry.get("values") or []]
        values = [one for one in values if one not in (None, "")]
        if label and values:
            fields[str(label)] = values
    return fields


def _custom_value(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    for key in ("value_option", "value_catalog_entry"):
        inner = value.get(key)
        if isinstance(inner, dict) and (inner.get("value") or inner.get("name")):
            return inner.get("value") or inner.get("name")
    for key in ("value_text", "value_link", "value_numeric", "value_timestamp"):
        if value.get(key) not in (None, ""):
            return value[key]
    return None


def _custom_values(record: Record, pattern: re.Pattern[str]) -> list[str]:
    found: list[str] = []
    for label, values in _custom_fields(record).items():
        if pattern.search(label):
            found += [str(one) for one in values if isinstance(one, str | int)]
    return list(dict.fromkeys(found))


def _participants(record: Record) -> list[dict[str, Any]]:
    people = []
    assignments = record.get("incident_role_assignments")
    for entry in assignments if isinstance(assignments, list) else []:
        if not isinstance(entry, dict) or not isinstance(entry.get("assignee"), dict):
            continue
        person = entry["assignee"].get("name") or entry["assignee"].get("email")
        role = (entry.get("role") or {}).get("name")
        if person:
            extra = {"incident_role": role} if role else {}
            people.append({"name": person, "role": "responder", "extra": extra})
    return people


def _links(record: Record) -> list[dict[str, str]]:
    labels = {
        "permalink": "incident.io",
        "postmortem_document_url": "Post-mortem document",
        "call_url": "Call",
    }
    return [
        {"url": str(record[key]), "label": label}
        for key, label in labels.items()
        if isinstance(record.get(key), str) and record[key].strip()
    ]


# --------------------------------------------------------------------------- follow-ups


def _follow_up_mapping(references: dict[str, str]) -> dict[str, Any]:
    def incident(record: Record) -> str | None:
        raw = record.get("incident_id")
        if raw in (None, ""):
            raise ValueError(f"follow-up {record.get('id')!r} has no incident_id")
        return slugify(references.get(str(raw), str(raw)))

    def status(record: Record) -> str:
        return FOLLOW_UP_STATUSES.get(str(record.get("status") or "").casefold(), "open")

    def kept_status(record: Record) -> str | None:
        raw = str(record.get("status") or "")
        return (
            raw if raw and raw.casefold() not in ("outstanding", "completed", "not_doing") else None
        )

    return {
        "incident_id": derived(incident, "incident_id"),
        "id": "id",
        "title": "title",
        "status": derived(status, "status"),
        "extra.incident_io_status": derived(kept_status, "status"),
        "owner": "assignee.name",
        "priority": "priority.name",
        "created_at": "created_at",
        "completed_at": "completed_at",
        "link": "external_issue_reference.issue_permalink",
    }


#: This format, for the export registry (:mod:`pmanalytics.ingest.exports`).
FORMAT = ExportFormat("incidentio", "incident.io JSON", "json", sniff, read, parse)
