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

from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, tzinfo
from typing import Any, Literal

import pandas as pd

from .._validate import check_choice
from ._builder import Builder, nest
from ._dates import parse_date, parse_datetime
from ._mapping import Derived, FieldSource, Record, check_mapping, derived
from ._results import ImportProblem, ImportResult, attach_followups
from ._values import plain

__all__ = [
    "Derived",
    "FieldSource",
    "ImportProblem",
    "ImportResult",
    "Record",
    "attach_followups",
    "derived",
    "from_records",
    "map_fields",
    "parse_date",
    "parse_datetime",
]


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
    check_mapping(mapping, "postmortems")
    builder = Builder(mapping, "<record>", (), tz)
    got = builder.read(None, record)
    return nest(got.values), builder.unused(record), tuple(got.problems)


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
    check_choice("into", into, ("postmortems", "followups"))
    check_mapping(mapping, into)
    if into == "followups" and "incident_id" not in mapping:
        raise ValueError("'mapping' must have an 'incident_id' source when into='followups'")
    if group_by is not None and into == "followups":
        raise ValueError("'group_by' only applies when into='postmortems'")
    if not isinstance(tz, tzinfo):
        raise TypeError(f"'tz' must be a tzinfo such as datetime.UTC, got {tz!r}")
    builder = Builder(mapping, source, tuple(ignore), tz)
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
