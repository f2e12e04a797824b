"""Hypothesis fuzz tests: random front matter and Markdown structure, and random export rows.

The properties are those of the hostile suite: reading never raises (a bad file is a
problem with the file), it is quick, nothing is dropped in silence, and what loads can be
tabled and written back.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
import time
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

import pmanalytics as pm
from pmanalytics._errors import PMError
from pmanalytics.corpus.rows import RowBuffer
from pmanalytics.ingest import read_file

from ..conftest import examples

_KEYS = st.sampled_from(
    [
        "id",
        "title",
        "status",
        "severity",
        "services",
        "teams",
        "tags",
        "started_at",
        "detected_at",
        "resolved_at",
        "impact",
        "review",
        "items",
        "themes",
        "actions",
        "timeline",
        "participants",
        "links",
        "extra",
        "summary",
        "date",
        "name",
        "sev",
        "x-custom",
    ]
)
_NUMBERS = st.one_of(
    st.integers(),
    st.integers(min_value=2**62, max_value=2**80),
    st.integers(max_value=-1),
    st.floats(allow_nan=True, allow_infinity=True),
)
_TEXT = st.text(max_size=30)
_MOMENTS = st.one_of(
    st.datetimes(min_value=datetime(1, 1, 2), timezones=st.sampled_from([None, UTC])),
    st.datetimes(
        min_value=datetime(9999, 12, 30), timezones=st.just(timezone(timedelta(hours=-5)))
    ),
    st.dates(),
)
_SCALARS = st.one_of(st.none(), st.booleans(), _NUMBERS, _TEXT, _MOMENTS)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.one_of(_KEYS, _TEXT), inner, max_size=4)
    ),
    max_leaves=20,
)
_LINES = st.one_of(
    st.sampled_from(
        [
            "## What went well",
            "## Lessons learned",
            "## Timeline",
            "## Action items",
            "## Stats",
            "## Impact",
            "# Title",
            "- ",
            "| a | b |",
            "|---|---|",
            "```",
            '<!-- {"id": "i-1", "votes": 99999999999999999999} -->',
            "Customers affected: 100000000000000000000000",
            "Duration: 999999999 days",
            "2024-02-30 10:00 thing happened",
            "",
        ]
    ),
    _TEXT.map(lambda text: "- " + text),
    _TEXT,
)


def _dump(front: dict[str, Any]) -> str:
    try:
        return yaml.safe_dump(front, allow_unicode=True, sort_keys=False)
    except (yaml.YAMLError, ValueError, TypeError):
        return "title: [unclosed\n"


def _checked(path: Path) -> None:
    """Reading never raises and is quick; what it reads can be tabled and written back."""
    started = time.perf_counter()
    found = read_file(path)
    assert time.perf_counter() - started < 5
    assert found.postmortems or found.problems or found.report.notes
    buffer = RowBuffer()
    buffer.add_file(0, found)
    buffer.frames()  # the model's bounds keep every value within what a table holds
    for postmortem in found.postmortems:
        try:
            text = pm.dumps(postmortem)
        except PMError:
            continue  # refused with a clear error: never written unreadable
        assert pm.loads(text) == postmortem


@settings(
    max_examples=examples(200),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    front=st.one_of(st.none(), st.dictionaries(_KEYS, _VALUES, max_size=8)),
    body=st.lists(_LINES, max_size=25),
    name=st.sampled_from(["pm.md", "2024-03-01 outage.md", "CON.md", "x.markdown"]),
)
def test_front_matter_and_markdown_never_crash_the_reader(front, body, name):
    text = ("---\n" + _dump(front) + "---\n\n" if front is not None else "") + "\n".join(body)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        _checked(path)


_CELL = st.one_of(
    _TEXT,
    st.sampled_from(
        ["", "Done", "postmortem-pm-1", "2024-02-30", "99999999999999999999999", "=cmd()", "\x00"]
    ),
)
_EXPORTS = {
    "jira.csv": ["Summary", "Issue key", "Status", "Labels", "Created", "Due Date", "Priority"],
    "parabol.csv": ["Prompt", "Reflection", "Author", "Votes", "Group", "Discussion Thread"],
}


@settings(
    max_examples=examples(200),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    kind=st.sampled_from(sorted(_EXPORTS)),
    rows=st.lists(st.lists(_CELL, min_size=0, max_size=8), max_size=12),
)
def test_csv_export_rows_never_crash_the_reader(kind, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(_EXPORTS[kind])
    writer.writerows(rows)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / kind
        path.write_text(buffer.getvalue(), encoding="utf-8", errors="surrogatepass")
        _checked_export(path, len(rows))


def _json_safe(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, list):
        return [_json_safe(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _json_safe(item) for key, item in value.items()}
    return value


_RECORD = st.dictionaries(
    st.sampled_from(
        [
            "id",
            "reference",
            "incident_status",
            "name",
            "summary",
            "severity",
            "created_at",
            "incident_number",
            "title",
            "status",
            "urgency",
            "service",
            "follow_ups",
        ]
    ),
    _VALUES,
    max_size=8,
)


@settings(
    max_examples=examples(200),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    flavour=st.sampled_from(["incidentio", "pagerduty"]),
    records=st.lists(st.one_of(_RECORD, _SCALARS), max_size=6),
)
def test_json_export_records_never_crash_the_reader(flavour, records):
    base = (
        {"id": "01H", "reference": "INC-1", "incident_status": {}}
        if flavour == "incidentio"
        else {"id": "P1", "incident_number": 1}
    )
    shaped = [{**base, **record} if isinstance(record, dict) else record for record in records]
    data = {"incidents": _json_safe(shaped)}
    try:
        text = json.dumps(data, allow_nan=True)
    except (ValueError, TypeError):
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{flavour}.json"
        path.write_text(text, encoding="utf-8")
        _checked_export(path, len(records))


def _checked_export(path: Path, rows: int) -> None:
    started = time.perf_counter()
    found = read_file(path, named=False)
    assert time.perf_counter() - started < 5
    accounted = (
        len(found.postmortems)
        + len(found.problems)
        + len(found.report.notes)
        + sum(len(actions) for actions in found.result.followups.values())
    )
    assert accounted or rows == 0 or found.format  # read, a problem, or a reported skip
    buffer = RowBuffer()
    buffer.add_file(0, found)
    buffer.frames()
    for postmortem in found.postmortems:
        try:
            text = pm.dumps(postmortem)
        except PMError:
            continue
        assert pm.loads(text) == postmortem
