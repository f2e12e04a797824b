"""PagerDuty incidents JSON (REST API v2 ``GET /incidents``): one incident, one post-mortem.

Accepted shapes: the API's list response ``{"incidents": [...], "limit": ..., "more": ...}``,
several pages of it in a list, a single ``{"incident": {...}}``, or a bare list of incidents.

What an incident becomes: id ``pd-<incident_number>`` (the slug of ``id`` when there
is no number), title its ``title`` (else ``summary``), summary its ``description`` when
it says more than the title, ``started_at`` its ``created_at``, ``resolved_at`` its
``resolved_at`` -- or ``last_status_change_at`` when its status is ``resolved`` --,
severity its priority (``priority.summary`` such as ``P1``, rank 1), services its
``service.summary``, teams its ``teams[].summary``, a link to its ``html_url``.
Everything else (urgency, status, escalation policy, assignments, ...) is kept in ``extra``.
"""

from __future__ import annotations

from typing import Any

from .._model import slugify
from ._format import ExportFormat
from ._results import ImportProblem, ImportResult
from ._textio import DEFAULT_MAX_BYTES, Source, json_of, load_json, read_source
from .records import Record, derived, from_records

__all__ = ["FORMAT", "parse", "parse_data", "read", "sniff"]


def sniff(source: Source | Any) -> bool:
    """True when a file (or parsed JSON) looks like PagerDuty incidents.

    Examples
    --------
    >>> sniff({"incidents": [{"id": "PT4KHLK", "type": "incident", "incident_number": 1234}]})
    True
    >>> sniff({"incidents": [{"id": "01H", "reference": "INC-1"}]})
    False
    """
    incidents = _incidents(json_of(source))
    first = next((one for one in incidents or [] if isinstance(one, dict)), None)
    if first is None:
        return False
    return "incident_number" in first or first.get("type") in ("incident", "incident_reference")


def read(
    source: Source,
    *,
    name: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    encoding: str | None = None,
) -> ImportResult:
    """Read PagerDuty incidents JSON as post-mortems (see the module doc for the fields).

    Examples
    --------
    >>> import io, json
    >>> page = {"incidents": [{
    ...     "id": "PT4KHLK", "type": "incident", "incident_number": 1234,
    ...     "title": "The server is on fire.", "status": "resolved", "urgency": "high",
    ...     "created_at": "2015-10-06T21:30:42Z", "last_status_change_at": "2015-10-06T21:38:23Z",
    ...     "service": {"id": "PIJ90N7", "summary": "My Mail Service"},
    ...     "priority": {"summary": "P2"},
    ...     "html_url": "https://acme.pagerduty.com/incidents/PT4KHLK"}], "more": False}
    >>> pm = read(io.StringIO(json.dumps(page))).postmortems[0]
    >>> pm.id, pm.services, pm.severity.rank, pm.time_to_resolve, pm.extra["urgency"]
    ('pd-1234', ('My Mail Service',), 2, datetime.timedelta(seconds=461), 'high')
    """
    return read_source(
        source,
        lambda text, shown: parse(text, name=shown),
        name=name,
        max_bytes=max_bytes,
        encoding=encoding,
    )


def parse(text: str, *, name: str = "<pagerduty>") -> ImportResult:
    """Read the text of PagerDuty incidents JSON.

    Examples
    --------
    >>> result = parse('[{"incident_number": 7, "title": "DNS", "status": "triggered"}]')
    >>> [pm.id for pm in result.postmortems]
    ['pd-7']
    """
    data, problem = load_json(text, name)
    if problem is not None:
        return ImportResult(errors=(problem,))
    return parse_data(data, name=name)


def parse_data(data: Any, *, name: str = "<pagerduty>") -> ImportResult:
    """Read parsed PagerDuty incidents JSON (a dict or a list).

    Examples
    --------
    >>> parse_data({"incident": {"incident_number": 7, "title": "DNS"}}).postmortems[0].title
    'DNS'
    """
    incidents = _incidents(data)
    if incidents is None:
        message = "is not a PagerDuty export: expected an 'incidents' list or a list of incidents"
        return ImportResult(errors=(ImportProblem(name, None, message),))
    return from_records(incidents, _MAPPING, source=name)


def _incidents(data: Any) -> list[Any] | None:
    if isinstance(data, dict):
        if isinstance(data.get("incident"), dict):
            return [data["incident"]]
        found = data.get("incidents")
        return found if isinstance(found, list) else None
    if isinstance(data, list):
        if data and all(isinstance(page, dict) and "incidents" in page for page in data):
            pages = [_incidents(page) or [] for page in data]  # several API pages
            return [incident for page in pages for incident in page]
        return data
    return None


def _id(record: Record) -> str | None:
    number = record.get("incident_number")
    if isinstance(number, int | str) and str(number).strip():
        return f"pd-{slugify(str(number))}"
    raw = record.get("id")
    return slugify(f"pd-{raw}") if raw else None


def _title(record: Record) -> Any:
    return record.get("title") or record.get("summary")


def _summary(record: Record) -> str | None:
    description = record.get("description")
    if not isinstance(description, str) or not description.strip():
        return None
    same = {str(record.get("title") or "").strip(), str(record.get("summary") or "").strip()}
    return None if description.strip() in same else description


def _resolved(record: Record) -> Any:
    if record.get("resolved_at"):
        return record["resolved_at"]
    if str(record.get("status") or "").casefold() == "resolved":
        return record.get("last_status_change_at")
    return None


def _teams(record: Record) -> list[str]:
    teams = record.get("teams")
    names = [
        team.get("summary") or team.get("name") for team in teams or [] if isinstance(team, dict)
    ]
    return [str(name) for name in names if name]


def _links(record: Record) -> list[dict[str, str]]:
    url = record.get("html_url")
    return [{"url": url, "label": "PagerDuty"}] if isinstance(url, str) and url.strip() else []


def _severity(record: Record) -> Any:
    priority = record.get("priority")
    if isinstance(priority, dict):
        return priority.get("summary") or priority.get("name")
    return None


_MAPPING: dict[str, Any] = {
    "id": derived(_id, "incident_number", "id"),
    "extra.pagerduty_id": "id",
    "title": derived(_title, "title", "summary"),
    "summary": derived(_summary, "description"),
    "started_at": "created_at",
    "resolved_at": derived(_resolved, "resolved_at"),
    "severity": derived(_severity, "priority.summary", "priority.name"),
    "services": "service.summary",
    "teams": derived(_teams, "teams"),
    "links": derived(_links, "html_url"),
}


#: This format, for the export registry (:mod:`pmanalytics.ingest.exports`).
FORMAT = ExportFormat("pagerduty", "PagerDuty incidents JSON", "json", sniff, read, parse)
