"""Jira CSV exports of follow-up tickets: each ticket becomes an action for its incident.

Jira's "Export Excel CSV (all fields)" repeats a column name once per value
(``Labels,Labels,Labels``, ``Watchers``, ``Comment``, ``Sprint``, one
``Outward issue link (Blocks)`` per link...), so the file is read with the
``csv`` module and each repeated column becomes a list of its non-empty cells.
Dates look like ``11/May/24 03:26 PM`` (Jira's default format); naive times are
read in ``tz`` (UTC unless told).

A ticket is joined to the incident(s) it follows up by, in order:

1. ``incident_column``, a column holding the incident id, when given;
2. a label matching ``incident_label`` -- by default ``postmortem-<id>``,
   ``post-mortem-<id>`` or ``incident-<id>``; a plain string is a prefix;
3. a link or URL column (``Issue Links``, ``Inward issue link (...)``,
   ``Custom field (Postmortem URL)``...) whose value matches ``link_pattern``,
   by default a URL path ``.../postmortems/<id>`` or ``.../incidents/<id>``.

A ticket naming no incident is an error row. The actions land in
``ImportResult.followups[incident_id]``: attach them to the post-mortems with
``result.attach_followups(postmortems)``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, tzinfo
from typing import Any

from .._model import ACTION_STATUSES, slugify
from ._format import ExportFormat
from ._results import ImportProblem, ImportResult, with_more_errors
from ._textio import DEFAULT_MAX_BYTES, Source, csv_header, read_csv, read_source
from .records import Record, derived, from_records

__all__ = [
    "DEFAULT_INCIDENT_LABEL",
    "DEFAULT_LINK_PATTERN",
    "FORMAT",
    "STATUSES",
    "parse",
    "read",
    "sniff",
]

#: Labels that name an incident: ``postmortem-pm2024-003`` -> ``pm2024-003``.
DEFAULT_INCIDENT_LABEL = re.compile(
    r"^(?:post-?mortem|incident)[-_:](?P<id>[A-Za-z0-9].*)$", re.IGNORECASE
)
#: Link or URL values that name an incident: ``https://wiki/postmortems/pm2024-003.md``.
DEFAULT_LINK_PATTERN = re.compile(
    r"(?:post-?mortems?|incidents?)/(?P<id>[A-Za-z0-9][A-Za-z0-9._-]*?)"
    r"(?:\.md|\.html?)?/?(?:[?#].*)?$",
    re.IGNORECASE,
)
#: Jira status (case-insensitive) -> action status. Anything else is open, and the
#: original status is kept in ``extra["jira_status"]``.
STATUSES: dict[str, str] = {
    **dict.fromkeys(
        ("to do", "open", "backlog", "new", "reopened", "selected for development", "todo"),
        "open",
    ),
    **dict.fromkeys(
        ("in progress", "in review", "review", "code review", "in qa", "testing", "blocked"),
        "in_progress",
    ),
    **dict.fromkeys(("done", "closed", "resolved", "complete", "completed", "fixed"), "done"),
    **dict.fromkeys(
        (
            "won't do",
            "won't fix",
            "wont do",
            "wont fix",
            "declined",
            "cancelled",
            "canceled",
            "rejected",
            "duplicate",
            "obsolete",
        ),
        "wont_do",
    ),
}
_REQUIRED = ("Summary", "Issue key")
_LINK_COLUMN = re.compile(r"link|url", re.IGNORECASE)


def sniff(source: Source | Sequence[str]) -> bool:
    """True when a file (or its header, as a list of column names) looks like a Jira CSV export.

    Examples
    --------
    >>> sniff(["Summary", "Issue key", "Issue id", "Status", "Labels", "Labels"])
    True
    >>> sniff(["reflectionGroup", "prompt", "content"])
    False
    """
    header = csv_header(source)
    return header is not None and all(column in header for column in _REQUIRED)


def read(
    source: Source,
    *,
    base_url: str | None = None,
    incident_label: str | re.Pattern[str] = DEFAULT_INCIDENT_LABEL,
    incident_column: str | None = None,
    link_pattern: str | re.Pattern[str] = DEFAULT_LINK_PATTERN,
    statuses: Mapping[str, str] | None = None,
    tz: tzinfo = UTC,
    name: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    encoding: str | None = None,
) -> ImportResult:
    """Read a Jira CSV export of follow-up tickets as actions filed under their incidents.

    Parameters
    ----------
    source : path or open file
        The CSV export.
    base_url : str, optional
        Jira's address, e.g. ``https://acme.atlassian.net``: an action's link is then
        ``<base_url>/browse/<key>``; without it, the link is the issue key.
    incident_label : str or compiled regex
        A label prefix (``"pm-"``), or a regex whose group ``id`` (or first group) is
        the incident id. Default :data:`DEFAULT_INCIDENT_LABEL`.
    incident_column : str, optional
        A column holding the incident id itself (a custom field, say).
    link_pattern : str or compiled regex
        A regex finding the incident id in link and URL columns
        (default :data:`DEFAULT_LINK_PATTERN`).
    statuses : dict, optional
        More Jira status -> action status mappings, overriding :data:`STATUSES`.
    tz : tzinfo
        The zone of the export's times (Jira writes them in the exporting user's zone).
    name, max_bytes, encoding
        The name for error rows; the size limit; the text encoding (default UTF-8).

    Examples
    --------
    >>> import io
    >>> export = io.StringIO(
    ...     "Summary,Issue key,Status,Assignee,Created,Resolved,Due Date,Labels,Labels\\n"
    ...     "Add disk alert,OPS-7,Done,Ana Lima,01/May/24 09:00 AM,11/May/24 03:26 PM,"
    ...     "20/May/24,postmortem-pm2024-003,sre\\n"
    ... )
    >>> result = read(export, base_url="https://acme.atlassian.net")
    >>> action = result.followups["pm2024-003"][0]
    >>> action.id, action.status, action.owner, str(action.due), action.link
    ('ops-7', 'done', 'Ana Lima', '2024-05-20', 'https://acme.atlassian.net/browse/OPS-7')
    """
    _options(incident_label, link_pattern, statuses, tz)  # bad arguments fail before reading
    options: dict[str, Any] = {
        "base_url": base_url,
        "incident_label": incident_label,
        "incident_column": incident_column,
        "link_pattern": link_pattern,
        "statuses": statuses,
        "tz": tz,
    }
    return read_source(
        source,
        lambda text, shown: parse(text, name=shown, **options),
        name=name,
        max_bytes=max_bytes,
        encoding=encoding,
    )


def parse(
    text: str,
    *,
    name: str = "<jira>",
    base_url: str | None = None,
    incident_label: str | re.Pattern[str] = DEFAULT_INCIDENT_LABEL,
    incident_column: str | None = None,
    link_pattern: str | re.Pattern[str] = DEFAULT_LINK_PATTERN,
    statuses: Mapping[str, str] | None = None,
    tz: tzinfo = UTC,
) -> ImportResult:
    """Read the text of a Jira CSV export (see :func:`read`).

    Examples
    --------
    >>> result = parse("Summary,Issue key,Labels\\nFix it,OPS-9,sre\\n", name="jira.csv")
    >>> print(result.errors[0])  # doctest: +ELLIPSIS
    jira.csv:2: incident_id: ticket OPS-9 names no incident: no label like 'postmortem-<id>'...
    """
    label, link, status_table = _options(incident_label, link_pattern, statuses, tz)
    table = read_csv(text, name)
    missing = [column for column in _REQUIRED if column not in table.header]
    if incident_column is not None and incident_column not in table.header:
        missing.append(incident_column)
    if missing:
        columns = ", ".join(table.header) or "none"
        message = f"is not a Jira CSV export: no column {missing[0]!r} (columns: {columns})"
        if missing[0] == incident_column:
            message = f"has no column {incident_column!r} ('incident_column'; columns: {columns})"
        return ImportResult(errors=(ImportProblem(name, 1, message),))
    link_columns = [c for c in dict.fromkeys(table.header) if _LINK_COLUMN.search(c)]
    numbered = table.records()
    mapping = _mapping(base_url, label, link, incident_column, link_columns, status_table)
    result = from_records(
        [record for _, record in numbered],
        mapping,
        into="followups",
        source=name,
        lines=[line for line, _ in numbered],
        tz=tz,
    )
    return with_more_errors(table.problems, result)


def _mapping(
    base_url: str | None,
    label: re.Pattern[str],
    link: re.Pattern[str],
    incident_column: str | None,
    link_columns: list[str],
    statuses: Mapping[str, str],
) -> dict[str, Any]:
    def incidents(record: Record) -> list[str]:
        found: list[str] = []
        if incident_column is not None:
            found += _values(record, incident_column)
        for one in _values(record, "Labels"):
            match = label.search(one.strip())
            if match:
                found.append(_group(match))
        for column in link_columns:
            for value in _values(record, column):
                match = link.search(value.strip())
                if match:
                    found.append(_group(match))
        found = [slugify(one) if one.strip() else "" for one in found]
        if not any(found):
            raise ValueError(_no_incident(record, label, link_columns))
        return list(dict.fromkeys(one for one in found if one))

    def status(record: Record) -> str:
        return _status(record, statuses)[0]

    def unknown_status(record: Record) -> str | None:
        _, known = _status(record, statuses)
        return None if known else _text(record, "Status") or None

    def link_of(record: Record) -> str | None:
        key = _text(record, "Issue key")
        if not key:
            return None
        return f"{base_url.rstrip('/')}/browse/{key}" if base_url else key

    return {  # link and incident columns are read, yet also kept in extra
        "incident_id": derived(incidents, "Labels"),
        "id": derived(_key_slug, "Issue key"),
        "title": "Summary",
        "status": derived(status, "Status", "Resolution"),
        "extra.jira_status": derived(unknown_status, "Status"),
        "extra.resolution": derived(_resolution_kept, "Resolution"),
        "extra.labels": derived(lambda record: _values(record, "Labels") or None, "Labels"),
        "owner": "Assignee",
        "priority": "Priority",
        "created_at": "Created",
        "completed_at": "Resolved",
        "due": "Due Date",
        "link": derived(link_of, "Issue key"),
    }


def _key_slug(record: Record) -> str | None:
    key = _text(record, "Issue key")
    return slugify(key) if key else None


def _status(record: Record, statuses: Mapping[str, str]) -> tuple[str, bool]:
    """The action status, and whether the Jira status was known."""
    resolution = STATUSES.get(_normal(_text(record, "Resolution")))
    if resolution == "wont_do":
        return "wont_do", True
    found = statuses.get(_normal(_text(record, "Status")))
    return (found, True) if found else ("open", False)


def _resolution_kept(record: Record) -> str | None:
    """Keep a resolution unless it merely repeats "Done"-like status information."""
    resolution = _text(record, "Resolution")
    return resolution if resolution and _normal(resolution) not in ("done", "fixed") else None


def _normal(text: str) -> str:
    return " ".join(text.replace("’", "'").casefold().split())


def _text(record: Record, column: str) -> str:
    value = record.get(column)
    if isinstance(value, list):
        value = value[0] if value else ""
    return value.strip() if isinstance(value, str) else ""


def _values(record: Record, column: str) -> list[str]:
    value = record.get(column)
    if isinstance(value, list):
        return [str(one) for one in value if str(one).strip()]
    return [value] if isinstance(value, str) and value.strip() else []


def _group(match: re.Match[str]) -> str:
    if "id" in match.re.groupindex:
        return match.group("id") or ""
    return match.group(1) if match.re.groups else match.group(0)


def _no_incident(record: Record, label: re.Pattern[str], link_columns: list[str]) -> str:
    labels = _values(record, "Labels")
    shown_labels = ", ".join(repr(one) for one in labels) if labels else "none"
    example = "postmortem-<id>" if label is DEFAULT_INCIDENT_LABEL else label.pattern
    where = f"; link columns: {', '.join(link_columns)}" if link_columns else ""
    return (
        f"ticket {_text(record, 'Issue key') or '(no key)'} names no incident: no label like "
        f"{example!r} (labels: {shown_labels}) and no link naming one{where}"
    )


def _options(
    incident_label: str | re.Pattern[str],
    link_pattern: str | re.Pattern[str],
    statuses: Mapping[str, str] | None,
    tz: tzinfo,
) -> tuple[re.Pattern[str], re.Pattern[str], dict[str, str]]:
    if not isinstance(tz, tzinfo):
        raise TypeError(f"'tz' must be a tzinfo such as datetime.UTC, got {tz!r}")
    return (
        _compile(incident_label, "incident_label", prefix=True),
        _compile(link_pattern, "link_pattern", prefix=False),
        _status_table(statuses),
    )


def _compile(value: str | re.Pattern[str], parameter: str, *, prefix: bool) -> re.Pattern[str]:
    if isinstance(value, re.Pattern):
        return value
    if not isinstance(value, str) or not value:
        raise TypeError(
            f"'{parameter}' must be a non-empty string or a compiled regex, got {value!r}"
        )
    if prefix:
        return re.compile(rf"^{re.escape(value)}(?P<id>.+)$", re.IGNORECASE)
    try:
        return re.compile(value, re.IGNORECASE)
    except re.error as exc:
        raise ValueError(f"'{parameter}' must be a valid regex, got {value!r}: {exc}") from None


def _status_table(extra: Mapping[str, str] | None) -> dict[str, str]:
    table = dict(STATUSES)
    for jira_status, status in (extra or {}).items():
        if status not in ACTION_STATUSES:
            raise ValueError(
                f"'statuses' value for {jira_status!r} must be one of "
                f"{', '.join(repr(s) for s in ACTION_STATUSES)}, got {status!r}"
            )
        table[_normal(jira_status)] = status
    return table


#: This format, for the export registry (:mod:`pmanalytics.ingest.exports`).
FORMAT = ExportFormat("jira", "Jira CSV of follow-up tickets", "csv", sniff, read, parse)
