"""Which incidents a view shows: the dashboard's filtering rule, as a pure function.

Examples
--------
>>> Filters(start="2024-02-01", end="2024-01-01")
Traceback (most recent call last):
...
pmanalytics.corpus.filters.FilterError: 'start' 2024-02-01 is after 'end' 2024-01-01
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import pandas as pd

from .._errors import PMError
from .._validate import user_date

if TYPE_CHECKING:
    from ._corpus import Corpus

__all__ = ["FilterError", "Filters", "filter_corpus", "incident_mask"]


class FilterError(PMError, ValueError):
    """Filters were given an invalid value, such as a start after the end."""


@dataclass(frozen=True)
class Filters:
    """What the dashboard shows: a date range and services, teams and severities.

    Empty selections mean "all". Dates are inclusive and compare with the incident's start
    (its UTC date). An incident matches a service (team) filter when any of its services
    (teams) is selected.
    """

    start: date | None = None
    end: date | None = None
    services: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    severities: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # the one home of the date-range rule: a start after the end is no range
        for name in ("start", "end"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, user_date(value, name, error=FilterError))
        if self.start is not None and self.end is not None and self.start > self.end:
            raise FilterError(f"'start' {self.start} is after 'end' {self.end}")

    def replace(self, **changes: Any) -> Filters:
        """A copy with some fields changed."""
        return dataclasses.replace(self, **changes)


def _overlaps(lists: pd.Series, wanted: Iterable[str]) -> pd.Series:
    chosen = set(wanted)
    exploded = lists.explode()
    hit = exploded.isin(chosen) & exploded.notna()
    return hit.groupby(level=0).any().reindex(lists.index, fill_value=False)


def incident_mask(incidents: pd.DataFrame, filters: Filters) -> pd.Series:
    """Which incidents pass ``filters`` (a boolean Series aligned with ``incidents``)."""
    keep = pd.Series(True, index=incidents.index)
    started = incidents["started_at"]
    if filters.start is not None:
        keep &= (started >= pd.Timestamp(filters.start, tz="UTC")).fillna(False)
    if filters.end is not None:
        keep &= (started < pd.Timestamp(filters.end, tz="UTC") + pd.Timedelta(days=1)).fillna(False)
    if filters.services:
        keep &= _overlaps(incidents["services"], filters.services)
    if filters.teams:
        keep &= _overlaps(incidents["teams"], filters.teams)
    if filters.severities:
        keep &= incidents["severity"].isin(list(filters.severities)).fillna(False)
    return keep.astype(bool)


def filter_corpus(corpus: Corpus, filters: Filters) -> Corpus:
    """The corpus restricted to the incidents that pass ``filters``, with their child rows.

    Examples
    --------
    >>> from pmanalytics import Corpus, PostMortem
    >>> corpus = Corpus.from_postmortems([
    ...     PostMortem(id="a", title="A", services=["api"]),
    ...     PostMortem(id="b", title="B", services=["db", "api"]),
    ...     PostMortem(id="c", title="C", services=["db"]),
    ... ])
    >>> filter_corpus(corpus, Filters(services=("api",))).incidents["incident_id"].tolist()
    ['a', 'b']
    """
    if not isinstance(filters, Filters):
        raise FilterError(f"'filters' must be a Filters, got {filters!r}")
    if filters == Filters():
        return corpus
    incidents = corpus.incidents[incident_mask(corpus.incidents, filters)]
    ids = set(incidents["incident_id"])
    tables: dict[str, Any] = {"incidents": incidents.reset_index(drop=True)}
    for field in dataclasses.fields(corpus):
        frame = getattr(corpus, field.name)
        if isinstance(frame, pd.DataFrame) and field.name != "incidents" and "incident_id" in frame:
            tables[field.name] = frame[frame["incident_id"].isin(ids)].reset_index(drop=True)
    return dataclasses.replace(corpus, **tables)
