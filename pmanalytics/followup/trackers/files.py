"""Tracker exports users can save today, read as tickets.

- Jira CSV ("Export Excel CSV"), with repeated columns such as ``Labels,Labels``;
- Jira REST search JSON (``/rest/api/3/search`` or ``/search/jql``: ``{"issues": [...]}``);
- GitHub issues as JSON, from ``gh issue list --json number,title,state,...`` or the REST API;
- Linear's CSV export (``ID, Title, Status, Assignee, Due Date, Completed, Canceled, ...``).

A malformed export raises :class:`~pmanalytics.followup.TrackerError` naming the file,
the line or ticket, and the reason: a sync never runs on half a file.

Examples
--------
>>> tickets = read_tickets_text(
...     "Summary,Issue key,Status,Assignee,Resolved,Labels\\n"
...     "Add alert,OPS-7,Done,Ana Lima,11/May/24 03:26 PM,postmortem-pm-1\\n",
...     name="jira.csv", base_url="https://acme.atlassian.net")
>>> t = tickets[0]
>>> t.key, t.status, t.owner, t.url, t.incident_ids
('OPS-7', 'done', 'Ana Lima', 'https://acme.atlassian.net/browse/OPS-7', ('pm-1',))
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import TrackerError
from ._ticket import Ticket, action_status, parse_day, parse_time

__all__ = [
    "FORMATS",
    "read_github_json",
    "read_jira_csv",
    "read_jira_json",
    "read_linear_csv",
    "read_tickets",
    "read_tickets_text",
    "sniff",
]

#: The export formats :func:`read_tickets` knows.
FORMATS = ("jira-csv", "jira-json", "github-json", "linear-csv")
_MAX_BYTES = 50_000_000


def read_tickets(
    path: str | Path, *, format: str | None = None, base_url: str | None = None
) -> list[Ticket]:
    """Read a tracker export file; the format is told from its content unless given.

    ``base_url`` (Jira's address) makes ticket links ``<base_url>/browse/<key>``.
    """
    source = Path(path)
    try:
        if source.stat().st_size > _MAX_BYTES:
            raise TrackerError(f"{source}: larger than {_MAX_BYTES // 1_000_000} MB")
        text = source.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TrackerError(f"{source}: not UTF-8 text ({exc.reason})") from exc
    except OSError as exc:
        raise TrackerError(f"{source}: cannot be read: {exc.strerror or exc}") from exc
    return read_tickets_text(text, name=str(source), format=format, base_url=base_url)


def read_tickets_text(
    text: str, *, name: str = "<export>", format: str | None = None, base_url: str | None = None
) -> list[Ticket]:
    """Read the text of a tracker export (see :func:`read_tickets`)."""
    kind = format or sniff(text, name)
    readers: dict[str, Callable[[], list[Ticket]]] = {
        "jira-csv": lambda: read_jira_csv(text, name, base_url=base_url),
        "linear-csv": lambda: read_linear_csv(text, name),
        "jira-json": lambda: read_jira_json(_json(text, name), name, base_url=base_url),
        "github-json": lambda: read_github_json(_json(text, name), name),
    }
    if kind not in readers:
        raise TrackerError(f"'format' must be one of {', '.join(FORMATS)}, got {kind!r}")
    tickets = readers[kind]()
    seen: dict[str, str] = {}
    for ticket in tickets:
        if ticket.key in seen:
            raise TrackerError(
                f"{ticket.where}: ticket {ticket.key} is listed twice (also {seen[ticket.key]})"
            )
        seen[ticket.key] = ticket.where
    return tickets


def sniff(text: str, name: str = "<export>") -> str:
    """The format of an export's text, or TrackerError saying what it looks like.

    Examples
    --------
    >>> sniff('[{"number": 1, "title": "x", "state": "OPEN"}]')
    'github-json'
    >>> sniff("ID,Title,Status,Assignee\\n")
    'linear-csv'
    """
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        data = _json(text, name)
        if isinstance(data, dict) and "issues" in data:
            return "jira-json"
        if isinstance(data, list) and (not data or isinstance(data[0], dict)):
            first = data[0] if data else {}
            if not data or "number" in first:
                return "github-json"
        raise TrackerError(
            f"{name}: JSON that is neither a Jira search result ({{'issues': [...]}}) nor a "
            "list of GitHub issues (objects with 'number')"
        )
    header = _header(text)
    if "Issue key" in header and "Summary" in header:
        return "jira-csv"
    if {"ID", "Title", "Status"} <= set(header):
        return "linear-csv"
    shown = ", ".join(header[:8]) or "none"
    raise TrackerError(
        f"{name}: not a known tracker export (columns: {shown}); expected a Jira CSV "
        "('Issue key', 'Summary'), a Linear CSV ('ID', 'Title', 'Status') or JSON"
    )


def _json(text: str, name: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise TrackerError(f"{name}:{exc.lineno}: not valid JSON: {exc.msg}") from None


def _header(text: str) -> list[str]:
    try:
        return next(csv.reader(io.StringIO(text, newline="")), [])
    except csv.Error:
        return []


def _csv_rows(text: str, name: str, required: tuple[str, ...]) -> list[tuple[int, dict[str, Any]]]:
    """Rows as ``(line, {column: value or [values]})``; a repeated column gives a list."""
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[int, dict[str, Any]]] = []
    header: list[str] = []
    end = 0
    try:
        for row in reader:
            start, end = end + 1, reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if not header:
                header = [cell.strip() for cell in row]
                missing = [column for column in required if column not in header]
                if missing:
                    raise TrackerError(
                        f"{name}:{start}: no column {missing[0]!r} (columns: {', '.join(header)})"
                    )
                continue
            if len(row) != len(header):
                raise TrackerError(
                    f"{name}:{start}: the row has {len(row)} fields, the header has "
                    f"{len(header)}: the export is malformed"
                )
            record: dict[str, Any] = {}
            repeated = {column for column in header if header.count(column) > 1}
            for column, cell in zip(header, row, strict=True):
                if column in repeated:
                    if cell.strip():
                        record.setdefault(column, []).append(cell.strip())
                    else:
                        record.setdefault(column, [])
                else:
                    record[column] = cell.strip()
            rows.append((start, record))
    except csv.Error as exc:
        raise TrackerError(f"{name}:{end + 1}: cannot be read as CSV: {exc}") from None
    if not header:
        raise TrackerError(f"{name}: empty: no header row")
    return rows


def _cell(record: dict[str, Any], column: str) -> str:
    value = record.get(column, "")
    if isinstance(value, list):
        return value[0] if value else ""
    return str(value)


def _cells(record: dict[str, Any], column: str, split: str | None = None) -> list[str]:
    value = record.get(column, [])
    values = value if isinstance(value, list) else [value]
    if split is not None:
        values = [part for one in values for part in one.split(split)]
    return [one.strip() for one in values if one.strip()]


def read_jira_csv(text: str, name: str = "<jira.csv>", base_url: str | None = None) -> list[Ticket]:
    """Tickets from a Jira CSV export (status, assignee, due date, resolved time, labels)."""
    tickets = []
    for line, record in _csv_rows(text, name, ("Issue key", "Summary", "Status")):
        where = f"{name}:{line}"
        key = _cell(record, "Issue key")
        if not key:
            raise TrackerError(f"{where}: the row has no 'Issue key'")
        status = _cell(record, "Status")
        tickets.append(
            Ticket(
                key=key,
                title=_cell(record, "Summary"),
                status=action_status(status, _cell(record, "Resolution")),
                tracker_status=status,
                url=f"{base_url.rstrip('/')}/browse/{key}" if base_url else None,
                owner=_cell(record, "Assignee") or None,
                due=parse_day(_cell(record, "Due Date"), where, "Due Date"),
                completed_at=parse_time(_cell(record, "Resolved"), where, "Resolved"),
                labels=tuple(_cells(record, "Labels", split=" ")),
                where=where,
            )
        )
    return tickets


def read_linear_csv(text: str, name: str = "<linear.csv>") -> list[Ticket]:
    """Tickets from Linear's CSV export; ``Completed`` or ``Canceled`` give the close time."""
    tickets = []
    for line, record in _csv_rows(text, name, ("ID", "Title", "Status")):
        where = f"{name}:{line}"
        key = _cell(record, "ID")
        if not key:
            raise TrackerError(f"{where}: the row has no 'ID'")
        status = _cell(record, "Status")
        closed = action_status(status)
        completed = parse_time(_cell(record, "Completed"), where, "Completed")
        canceled = parse_time(_cell(record, "Canceled"), where, "Canceled")
        if canceled is not None and completed is None:
            closed = "wont_do"
        tickets.append(
            Ticket(
                key=key,
                title=_cell(record, "Title"),
                status=closed,
                tracker_status=status,
                url=_cell(record, "URL") or None,
                owner=_cell(record, "Assignee") or None,
                due=parse_day(_cell(record, "Due Date"), where, "Due Date"),
                completed_at=completed or canceled,
                labels=tuple(_cells(record, "Labels", split=",")),
                where=where,
            )
        )
    return tickets


def _field(data: Any, *path: str) -> Any:
    for part in path:
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def read_jira_json(
    data: Any, name: str = "<jira.json>", base_url: str | None = None
) -> list[Ticket]:
    """Tickets from a Jira REST search response (``{"issues": [{"key", "fields": ...}]}``)."""
    issues = data.get("issues") if isinstance(data, dict) else None
    if not isinstance(issues, list):
        raise TrackerError(f"{name}: a Jira search result needs a list 'issues'")
    tickets = []
    for index, issue in enumerate(issues):
        where = f"{name}: issues[{index}]"
        key = _field(issue, "key")
        fields = _field(issue, "fields")
        if not isinstance(key, str) or not isinstance(fields, dict):
            raise TrackerError(f"{where}: an issue needs a 'key' and 'fields'")
        where = f"{name}: {key}"
        status = str(_field(fields, "status", "name") or "")
        category = str(_field(fields, "status", "statusCategory", "key") or "")
        resolution = str(_field(fields, "resolution", "name") or "")
        labels = fields.get("labels") or []
        if not isinstance(labels, list):
            raise TrackerError(f"{where}: 'labels' must be a list, got {labels!r}")
        tickets.append(
            Ticket(
                key=key,
                title=str(fields.get("summary") or ""),
                status=action_status(status, resolution, category),
                tracker_status=status,
                url=_browse_url(issue, key, base_url),
                owner=_field(fields, "assignee", "displayName") or None,
                due=parse_day(fields.get("duedate"), where, "duedate"),
                completed_at=parse_time(fields.get("resolutiondate"), where, "resolutiondate"),
                labels=tuple(str(label) for label in labels),
                where=where,
            )
        )
    return tickets


def _browse_url(issue: dict[str, Any], key: str, base_url: str | None) -> str | None:
    if base_url:
        return f"{base_url.rstrip('/')}/browse/{key}"
    api = issue.get("self")
    if isinstance(api, str) and "/rest/api/" in api:
        return f"{api.split('/rest/api/')[0]}/browse/{key}"
    return None


_GITHUB_ISSUE_URL = re.compile(r"/(?P<repo>[\w.-]+/[\w.-]+)/issues/(?P<number>\d+)$")


def read_github_json(data: Any, name: str = "<github.json>") -> list[Ticket]:
    """Tickets from GitHub issues: ``gh issue list --json`` output or REST API objects.

    ``gh issue list --json number,title,state,stateReason,assignees,labels,closedAt,url,
    milestone`` is the recommended export; pull requests (REST) are skipped.
    """
    if not isinstance(data, list):
        raise TrackerError(f"{name}: GitHub issues must be a JSON list")
    tickets = []
    for index, issue in enumerate(data):
        where = f"{name}: [{index}]"
        if not isinstance(issue, dict) or not isinstance(issue.get("number"), int):
            raise TrackerError(f"{where}: an issue needs a number, got {issue!r:.80}")
        if "pull_request" in issue:
            continue
        url = issue.get("html_url") or issue.get("url")
        url = url if isinstance(url, str) else None
        found = _GITHUB_ISSUE_URL.search(url or "")
        key = f"{found.group('repo')}#{issue['number']}" if found else f"#{issue['number']}"
        where = f"{name}: {key}"
        state = str(issue.get("state") or "")
        reason = str(issue.get("stateReason") or issue.get("state_reason") or "")
        if state.casefold() == "closed":
            status = "wont_do" if reason.casefold() in ("not_planned", "duplicate") else "done"
        elif state.casefold() == "open":
            status = "open"
        else:
            raise TrackerError(f"{where}: 'state' must be open or closed, got {state!r}")
        tickets.append(
            Ticket(
                key=key,
                title=str(issue.get("title") or ""),
                status=status,
                tracker_status=f"{state} {reason}".strip().lower(),
                url=url,
                owner=_github_owner(issue),
                due=_github_due(issue, where),
                completed_at=parse_time(
                    issue.get("closedAt") or issue.get("closed_at"), where, "closedAt"
                ),
                labels=tuple(_github_labels(issue, where)),
                where=where,
            )
        )
    return tickets


def _github_owner(issue: dict[str, Any]) -> str | None:
    people = issue.get("assignees") or ([issue["assignee"]] if issue.get("assignee") else [])
    for person in people if isinstance(people, list) else []:
        if isinstance(person, dict):
            shown = person.get("name") or person.get("login")
            if shown:
                return str(shown)
    return None


def _github_due(issue: dict[str, Any], where: str) -> Any:
    milestone = issue.get("milestone")
    if not isinstance(milestone, dict):
        return None
    due = milestone.get("dueOn") or milestone.get("due_on")
    moment = parse_time(due, where, "milestone due date")
    return moment.date() if moment is not None else None


def _github_labels(issue: dict[str, Any], where: str) -> list[str]:
    labels = issue.get("labels") or []
    if not isinstance(labels, list):
        raise TrackerError(f"{where}: 'labels' must be a list, got {labels!r}")
    names = []
    for label in labels:
        shown = label.get("name") if isinstance(label, dict) else label
        if isinstance(shown, str):
            names.append(shown)
    return names
