"""The Corpus tables: their columns, dtypes and meanings, in one place.

Everything that builds a table (the loader, the cache) goes through
:func:`build_frame`, and the README's schema table is rendered from
:data:`SCHEMA` by :func:`schema_markdown`, so the documentation cannot drift.

Conventions: one row per entity; ``incident_id`` on every child row; timestamps
are tz-aware UTC (``datetime64[us, UTC]``); dates are naive midnight
(``datetime64[us]``); durations are float minutes in columns ending ``_min``;
counts are nullable ``Int64``; text is pandas' ``string`` dtype; closed
vocabularies are categoricals with a fixed category order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import pyarrow as pa

from .._model import (
    ACTION_KINDS,
    ACTION_STATUSES,
    ITEM_SECTIONS,
    PARTICIPANT_ROLES,
    POSTMORTEM_STATUSES,
    TIMELINE_KINDS,
)
from ..ingest.exports import EXPORT_FORMATS

#: Internal column on every table while loading: which source file a row came from.
FILE_COLUMN = "_file"


@dataclass(frozen=True)
class Column:
    """One column: its name, kind and meaning.

    ``kind`` is one of ``string``, ``int``, ``float``, ``datetime``, ``date``,
    ``list`` or a tuple of category names.
    """

    name: str
    kind: str | tuple[str, ...]
    doc: str

    @property
    def dtype(self) -> str:
        """The pandas dtype, as shown in the docs."""
        if isinstance(self.kind, tuple):
            return "category"
        return {
            "string": "string",
            "int": "Int64",
            "float": "Float64",
            "datetime": "datetime64[us, UTC]",
            "date": "datetime64[us]",
            "list": "object (list of str)",
        }[self.kind]


def _c(name: str, kind: str | tuple[str, ...], doc: str) -> Column:
    return Column(name, kind, doc)


SCHEMA: dict[str, tuple[Column, ...]] = {
    "incidents": (
        _c("incident_id", "string", "The post-mortem's id (unique in a corpus)."),
        _c("title", "string", "Title."),
        _c("status", POSTMORTEM_STATUSES, "Review status."),
        _c("severity", "string", "Severity label, e.g. SEV2."),
        _c("severity_rank", "int", "Numeric severity (1 is the worst), when known."),
        _c("services", "list", "Services involved."),
        _c("teams", "list", "Teams involved."),
        _c("tags", "list", "Free tags."),
        _c("service", "string", "The first of `services` (for quick grouping)."),
        _c("team", "string", "The first of `teams`."),
        _c("started_at", "datetime", "When the incident began."),
        _c("detected_at", "datetime", "When it was detected."),
        _c("mitigated_at", "datetime", "When impact was mitigated."),
        _c("resolved_at", "datetime", "When it was resolved."),
        _c("time_to_detect_min", "float", "detected_at - started_at, in minutes."),
        _c("time_to_mitigate_min", "float", "mitigated_at - started_at, in minutes."),
        _c("time_to_resolve_min", "float", "resolved_at - started_at, in minutes."),
        _c("customers_affected", "int", "Customers affected, when known."),
        _c("impact_min", "float", "Minutes of customer impact, when known."),
        _c("summary", "string", "What happened."),
        _c("impact", "string", "Impact, as text."),
        _c("review_date", "date", "When the review was held."),
        _c("facilitator", "string", "Who facilitated the review."),
        _c("review_duration_min", "float", "How long the review took, in minutes."),
        _c("item_count", "int", "Number of items."),
        _c("action_count", "int", "Number of actions."),
        _c("path", "string", "The file it was read from."),
    ),
    "items": (
        _c("incident_id", "string", "The post-mortem."),
        _c("item_id", "string", "The item's id (unique within its post-mortem)."),
        _c("position", "int", "Order within the post-mortem, from 0."),
        _c("section", ITEM_SECTIONS, "Template section."),
        _c("heading", "string", "The original heading, when not the section's own."),
        _c("text", "string", "What was written."),
        _c("author", "string", "Who wrote it; missing when anonymous."),
        _c("votes", "int", "Votes it received."),
        _c("theme_id", "string", "The theme it is grouped under."),
        _c("created_at", "datetime", "When it was written."),
    ),
    "themes": (
        _c("incident_id", "string", "The post-mortem."),
        _c("theme_id", "string", "The theme's id."),
        _c("label", "string", "Label."),
        _c("rank", "int", "Priority rank (1 is the top), when set."),
        _c("item_count", "int", "Items grouped under it (derived)."),
        _c("votes", "int", "Total votes of its items (derived)."),
    ),
    "actions": (
        _c("incident_id", "string", "The post-mortem."),
        _c("action_id", "string", "The action's id."),
        _c("title", "string", "What is to be done."),
        _c("owner", "string", "Who owns it."),
        _c("due_date", "date", "When it is due."),
        _c("status", ACTION_STATUSES, "Progress."),
        _c("priority", "string", "Priority label."),
        _c("kind", ACTION_KINDS, "prevent, mitigate, detect, process or other."),
        _c("created_at", "datetime", "When it was created."),
        _c("completed_at", "datetime", "When it was completed."),
        _c("time_to_close_min", "float", "completed_at - created_at, in minutes."),
        _c("link", "string", "Ticket URL."),
        _c("addresses", "string", "The item or theme id it addresses."),
    ),
    "timeline": (
        _c("incident_id", "string", "The post-mortem."),
        _c("position", "int", "Order in the timeline, from 0."),
        _c("at", "datetime", "When."),
        _c("text", "string", "What happened."),
        _c("kind", TIMELINE_KINDS, "trigger, detection, escalation, mitigation, ..."),
    ),
    "participants": (
        _c("incident_id", "string", "The post-mortem."),
        _c("name", "string", "Name."),
        _c("role", PARTICIPANT_ROLES, "Role in the incident or review."),
    ),
    "sources": (
        _c("incident_id", "string", "The post-mortem."),
        _c("path", "string", "The file it was read from."),
        _c(
            "format",
            ("canonical", "markdown", *EXPORT_FORMATS),
            "How it was read: a canonical file, Markdown imported, or an export's format.",
        ),
        _c("recognised", "list", "Imported Markdown: each heading read, as `heading -> part`."),
        _c("leftover", "list", "Imported Markdown: headings not understood (text kept in extra)."),
    ),
    "warnings": (
        _c("path", "string", "A file that loaded, with something worth a look."),
        _c("line", "int", "The line, where known."),
        _c("message", "string", "What: a timeline row without a time, a ragged table row, ..."),
    ),
    "errors": (
        _c("path", "string", "The file that could not be loaded."),
        _c("line", "int", "The line of the problem, where known."),
        _c("message", "string", "What is wrong."),
    ),
}

TABLES = tuple(SCHEMA)


def _arrow_values(column: Column, values: list[Any]) -> Any:
    kind = column.kind
    if kind == "datetime":
        return pa.array(values, type=pa.timestamp("us", tz="UTC")).to_pandas()
    if kind == "date":
        return pa.array(values, type=pa.timestamp("us")).to_pandas()
    if kind == "string":
        return pd.array(values, dtype="string")
    if kind == "int":
        return pd.array(values, dtype="Int64")
    if kind == "float":
        return pd.array(values, dtype="Float64")
    if kind == "list":
        return pd.Series(values, dtype=object)
    if isinstance(kind, tuple):
        return pd.Categorical(values, categories=list(kind))
    raise ValueError(f"unknown column kind {kind!r}")


def build_frame(table: str, columns: dict[str, list[Any]]) -> pd.DataFrame:
    """Build a table from column lists, with the schema's dtypes.

    Datetimes are given as integer microseconds since the epoch (UTC), dates as
    microseconds since the epoch at midnight; missing values as None. A
    ``_file`` column, when present, is kept as int32.
    """
    data: dict[str, Any] = {}
    for column in SCHEMA[table]:
        values = columns.get(column.name, [])
        data[column.name] = pd.Series(_arrow_values(column, values)).reset_index(drop=True)
    if FILE_COLUMN in columns:
        data[FILE_COLUMN] = pd.Series(columns[FILE_COLUMN], dtype="int32")
    return pd.DataFrame(data)


def empty_frame(table: str) -> pd.DataFrame:
    """The table with no rows but every column and dtype."""
    return build_frame(table, {})


def conform(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Restore the schema's dtypes on a frame read back from Parquet."""
    frame = frame.copy()
    for column in SCHEMA[table]:
        if column.kind == "list":
            frame[column.name] = frame[column.name].map(list).astype(object)
        elif isinstance(column.kind, tuple):
            frame[column.name] = pd.Categorical(frame[column.name], categories=list(column.kind))
    return frame


def schema_markdown() -> str:
    """The schema as Markdown tables, one per Corpus table (used in the README).

    Examples
    --------
    >>> print(schema_markdown().splitlines()[0])
    ### `incidents`
    """
    parts = []
    for table, columns in SCHEMA.items():
        parts.append(f"### `{table}`\n")
        parts.append("| column | dtype | meaning |")
        parts.append("| --- | --- | --- |")
        for column in columns:
            meaning = column.doc
            if isinstance(column.kind, tuple):
                meaning += " One of: " + ", ".join(f"`{c}`" for c in column.kind) + "."
            parts.append(f"| `{column.name}` | {column.dtype} | {meaning} |")
        parts.append("")
    return "\n".join(parts)
