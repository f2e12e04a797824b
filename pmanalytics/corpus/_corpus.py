"""The :class:`Corpus`: post-mortems as tidy DataFrames, and how parsed rows become one."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .._ids import duplicate_ids
from .._model import PostMortem
from ..ingest import read_file
from .rows import RowBuffer
from .schema import FILE_COLUMN, SCHEMA, TABLES, empty_frame

__all__ = ["Corpus", "finish"]


@dataclass(frozen=True, repr=False)
class Corpus:
    """Post-mortems as tidy DataFrames: one row per entity, ``incident_id`` on every child row.

    ``sources`` says how each file was read (and, for imported Markdown, which
    sections were recognised and what was left over); ``errors`` lists the files
    that could not be read (path, line, message), and ``warnings`` the files that
    loaded with something worth a look (a timeline row without a time, say).

    The tables and their columns are documented in the README ("Corpus schema")
    and in :data:`pmanalytics._schema.SCHEMA`.

    Examples
    --------
    >>> from pmanalytics import Corpus, PostMortem
    >>> corpus = Corpus.from_postmortems([PostMortem(id="pm-1", title="Disk full")])
    >>> corpus.incidents["incident_id"].tolist()
    ['pm-1']
    """

    incidents: pd.DataFrame = field(default_factory=lambda: empty_frame("incidents"))
    items: pd.DataFrame = field(default_factory=lambda: empty_frame("items"))
    themes: pd.DataFrame = field(default_factory=lambda: empty_frame("themes"))
    actions: pd.DataFrame = field(default_factory=lambda: empty_frame("actions"))
    timeline: pd.DataFrame = field(default_factory=lambda: empty_frame("timeline"))
    participants: pd.DataFrame = field(default_factory=lambda: empty_frame("participants"))
    sources: pd.DataFrame = field(default_factory=lambda: empty_frame("sources"))
    warnings: pd.DataFrame = field(default_factory=lambda: empty_frame("warnings"))
    errors: pd.DataFrame = field(default_factory=lambda: empty_frame("errors"))
    read_options: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    """The ``section_map`` and ``max_bytes`` the files were read with (used by :meth:`get`)."""

    @classmethod
    def from_postmortems(cls, postmortems: Iterable[PostMortem]) -> Corpus:
        """Build a corpus from post-mortems in memory (no files, no cache)."""
        buffer = RowBuffer()
        for index, pm in enumerate(postmortems):
            buffer.add(pm, index, "")
        return finish(buffer.frames())

    def get(self, incident_id: str) -> PostMortem:
        """Read one post-mortem of the corpus back from its file (canonical, imported or export).

        The file is read again with the options it was loaded with, so the answer is
        what the file says now.
        """
        rows = self.incidents.loc[self.incidents["incident_id"] == incident_id, "path"]
        if rows.empty:
            raise KeyError(f"no incident {incident_id!r} in this corpus")
        if not rows.iloc[0]:
            raise KeyError(f"incident {incident_id!r} was built in memory and has no file")
        found = read_file(rows.iloc[0], **self.read_options)
        for pm in found.postmortems:
            if pm.id == incident_id:
                return pm
        reason = found.problems[0].message if found.problems else "it is no longer there"
        raise KeyError(f"incident {incident_id!r} cannot be read from {found.path}: {reason}")

    def stats(self) -> dict[str, Any]:
        """Counts and the date range, as plain data.

        Examples
        --------
        >>> Corpus().stats()["incidents"]
        0
        """
        started = self.incidents["started_at"].dropna()
        return {
            "incidents": len(self.incidents),
            "items": len(self.items),
            "themes": len(self.themes),
            "actions": len(self.actions),
            "timeline_events": len(self.timeline),
            "participants": len(self.participants),
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "first_started_at": started.min() if len(started) else None,
            "last_started_at": started.max() if len(started) else None,
            "services": sorted(set(self.incidents["services"].explode().dropna())),
            "teams": sorted(set(self.incidents["teams"].explode().dropna())),
        }

    def __repr__(self) -> str:
        counts = ", ".join(f"{name}={len(getattr(self, name))}" for name in TABLES)
        return f"Corpus({counts})"


def finish(frames: dict[str, pd.DataFrame], read_options: dict[str, Any] | None = None) -> Corpus:
    """Apply the duplicate-id rule, drop the internal file column, and wrap up."""
    tables = _without_duplicates(dict(frames))
    tables["errors"] = tables["errors"].sort_values([FILE_COLUMN, "line"], kind="stable")
    public = {
        table: frame.drop(columns=FILE_COLUMN).reset_index(drop=True)
        for table, frame in tables.items()
    }
    for table, frame in public.items():
        expected = [column.name for column in SCHEMA[table]]
        if list(frame.columns) != expected:  # a bug, never bad input
            raise RuntimeError(f"table {table!r} has columns {list(frame.columns)}, not {expected}")
    return Corpus(**public, read_options=read_options or {})


def _without_duplicates(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Leave out each incident whose id was read before (:func:`pmanalytics._ids.duplicate_ids`).

    Its rows are dropped from every table with an ``incident_id``, an error row says
    why, and the warnings of a file left out entirely go with it.
    """
    incidents = tables["incidents"]
    if not incidents["incident_id"].str.casefold().duplicated().any():
        return tables
    left_out = duplicate_ids(zip(incidents["incident_id"], incidents["path"], strict=True))
    skipped = incidents.iloc[sorted(left_out)]
    pairs = pd.MultiIndex.from_arrays([skipped[FILE_COLUMN], skipped["incident_id"]])
    for table in TABLES:
        frame = tables[table]
        if "incident_id" in frame.columns:
            keys = pd.MultiIndex.from_arrays([frame[FILE_COLUMN], frame["incident_id"]])
            tables[table] = frame[~keys.isin(pairs)]
    kept_files = set(tables["incidents"][FILE_COLUMN])
    gone = set(skipped[FILE_COLUMN]) - kept_files
    warnings = tables["warnings"]
    tables["warnings"] = warnings[~warnings[FILE_COLUMN].isin(gone)]
    error_rows = pd.DataFrame(
        {
            "path": skipped["path"].astype("string").to_numpy(),
            "line": pd.array([None] * len(skipped), dtype="Int64"),
            "message": pd.array([left_out[i] for i in sorted(left_out)], dtype="string"),
            FILE_COLUMN: skipped[FILE_COLUMN].to_numpy(),
        }
    )
    tables["errors"] = pd.concat([tables["errors"], error_rows], ignore_index=True)
    return tables
