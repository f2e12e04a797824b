"""What the dashboard shows, computed once for every front end (widget, HTML export, CLI).

:func:`compute` is pure: a corpus, a date and filters in; a :class:`DashboardData` out, with
plain frames and numbers. :func:`build_figures` turns that into plotly figures. Nothing here
touches widgets or files: :mod:`.html` renders the data as a page, :mod:`.widget` in Jupyter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from .. import metrics
from .._errors import PMError
from .._validate import check_choice, check_int, user_date
from ..corpus import Corpus
from ..corpus.filters import Filters
from ..plots import _trends as plots

#: The figures, in display order, with their titles.
FIGURES: dict[str, str] = {
    "trend": "Incidents by severity",
    "durations": "Time to detect, mitigate and resolve",
    "heatmap": "Incidents by service and month",
    "burnup": "Actions: created vs completed",
    "overdue": "Open and overdue actions",
    "survival": "Time to close (Kaplan-Meier, open actions censored)",
}
#: The columns of the overdue-actions table, with the header each front end shows.
OVERDUE_COLUMNS: dict[str, str] = {
    "owner": "owner",
    "team": "team",
    "days_overdue": "days overdue",
    "due_date": "due",
    "title": "action",
    "incident_id": "incident",
    "action_id": "action id",
}


class DashboardError(PMError, ValueError):
    """The dashboard was given an invalid parameter."""


@dataclass(frozen=True)
class DashboardData:
    """Everything the dashboard displays for one corpus, date and set of filters."""

    as_of: date
    filters: Filters
    summary: dict[str, Any]
    frames: dict[str, pd.DataFrame] = field(repr=False)
    #: Every severity of the whole corpus, worst first: fixes each label's colour.
    severities: tuple[str, ...] = ()
    #: Every period (first day) of the whole corpus: the time axes keep it when filtered.
    periods: tuple[pd.Timestamp, ...] = ()
    freq: metrics.Freq = "month"


def options(corpus: Corpus) -> dict[str, Any]:
    """The choices the filters offer: services, teams, severities (worst first), date range.

    Examples
    --------
    >>> options(Corpus())["services"]
    []
    """
    incidents = corpus.incidents
    started = incidents["started_at"].dropna()
    return {
        "services": sorted({str(s) for s in incidents["services"].explode().dropna()}),
        "teams": sorted({str(t) for t in incidents["teams"].explode().dropna()}),
        "severities": metrics.severity_order(incidents),
        "start": started.min().date() if len(started) else None,  # started_at is UTC
        "end": started.max().date() if len(started) else None,
    }


def compute(
    corpus: Corpus,
    as_of: date | str,
    filters: Filters | None = None,
    *,
    freq: metrics.Freq = "month",
    within_days: int = 30,
) -> DashboardData:
    """The dashboard's numbers and tables for ``corpus`` restricted by ``filters``.

    ``frames["overdue"]`` is the overdue-actions table every front end shows (the columns
    of :data:`OVERDUE_COLUMNS`, most overdue first).

    Examples
    --------
    >>> data = compute(Corpus(), "2024-01-01")
    >>> data.summary["incidents"], sorted(data.frames)[:3]
    (0, ['burnup', 'duration_summary', 'durations'])
    """
    if not isinstance(corpus, Corpus):
        raise DashboardError(f"'corpus' must be a Corpus, got {type(corpus).__name__}")
    day = user_date(as_of, error=DashboardError)
    check_choice("freq", freq, ("week", "month", "quarter"), error=DashboardError)
    check_int("within_days", within_days, minimum=0, error=DashboardError)
    filters = filters or Filters()
    span = _span(corpus.incidents["started_at"], freq)
    part = metrics.filter_corpus(corpus, filters)
    status = metrics.action_status(part, day)
    durations = metrics.duration_summary(part)
    frames = {
        "trend": metrics.incident_counts(part, freq, "severity"),
        "durations": metrics.duration_histogram(part),
        "duration_summary": durations,
        "heatmap": _whole_range(metrics.service_period_matrix(part, freq), span, freq),
        "burnup": metrics.burnup(status, day, "week"),
        "owners": metrics.owner_load(status, day, "owner"),
        "teams": metrics.owner_load(status, day, "team"),
        "survival": metrics.time_to_close_survival(status, day),
        "overdue": metrics.overdue_actions(status, day).loc[:, list(OVERDUE_COLUMNS)],
        "impact": metrics.customer_impact(part),
    }
    open_ = metrics.open_summary(status, day)
    follow = metrics.follow_through_rate(status, day, within_days)
    resolve = durations[durations["measure"] == "resolve"].to_dict("records")[0]
    impact = frames["impact"].to_dict("records")[0]
    summary = {
        "as_of": day,
        "incidents": len(part.incidents),
        "actions": open_["actions"],
        "open": open_["open"],
        "overdue": open_["overdue"],
        "follow_through_share": follow["share"],
        "follow_through_days": within_days,
        "resolve_median_min": float(resolve["median"]),
        "resolve_p90_min": float(resolve["p90"]),
        "customers_affected": int(impact["customers_affected"]),
    }
    severities = tuple(metrics.severity_order(corpus.incidents))
    return DashboardData(day, filters, summary, frames, severities, span, freq)


def _span(started: pd.Series, freq: metrics.Freq) -> tuple[pd.Timestamp, ...]:
    """Every period from the first incident to the last (by metrics' own period rule, applied
    to the two ends only: cheap on a large corpus)."""
    started = started.dropna()
    if not len(started):
        return ()
    ends = pd.DataFrame(
        {"started_at": pd.Series([started.min(), started.max()], dtype=started.dtype)}
    )
    return tuple(metrics.incident_counts(ends, freq)["period"])


def _whole_range(matrix: pd.DataFrame, span: tuple[pd.Timestamp, ...], freq: str) -> pd.DataFrame:
    """The heatmap with a column for every period of ``span``, labelled by period."""
    if matrix.empty:
        return matrix
    keys = [f"{p:%Y-%m-%d}" if freq == "week" else f"{p:%Y-%m}" for p in span]  # its columns
    matrix = matrix.reindex(columns=keys, fill_value=0)
    return matrix.set_axis(plots.period_labels(span, freq), axis="columns")


def build_figures(data: DashboardData) -> dict[str, go.Figure]:
    """One plotly figure per entry of :data:`FIGURES`.

    Examples
    --------
    >>> sorted(build_figures(compute(Corpus(), "2024-01-01"))) == sorted(FIGURES)
    True
    """
    frames = data.frames
    return {
        "trend": plots.incident_trend(
            frames["trend"],
            title=FIGURES["trend"],
            freq=data.freq,
            periods=data.periods,
            colours=plots.severity_colours(data.severities),
        ),
        "durations": plots.duration_distribution(
            frames["durations"], frames["duration_summary"], title=FIGURES["durations"]
        ),
        "heatmap": plots.service_heatmap(frames["heatmap"], title=FIGURES["heatmap"]),
        "burnup": plots.action_burnup(frames["burnup"], title=FIGURES["burnup"]),
        "overdue": plots.overdue_by_owner_team(
            frames["owners"], frames["teams"], title=FIGURES["overdue"]
        ),
        "survival": plots.time_to_close_curve(frames["survival"], title=FIGURES["survival"]),
    }


def _share(value: float) -> str:
    return "n/a" if pd.isna(value) else f"{value:.0%}"


def plural(count: int, word: str) -> str:
    """``count`` and ``word``, with an "s" unless the count is one.

    Examples
    --------
    >>> plural(1, "incident"), plural(0, "action"), plural(2, "day")
    ('1 incident', '0 actions', '2 days')
    """
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def summary_line(data: DashboardData) -> str:
    """The headline numbers as one line of plain text.

    Examples
    --------
    >>> summary_line(compute(Corpus(), "2024-01-01"))
    '0 incidents · 0 actions · 0 open · 0 overdue · follow-through n/a (30 days) · as of 2024-01-01'
    """
    s = data.summary
    return (
        f"{plural(s['incidents'], 'incident')} · {plural(s['actions'], 'action')} · "
        f"{s['open']} open · {s['overdue']} overdue · "
        f"follow-through {_share(s['follow_through_share'])} "
        f"({plural(s['follow_through_days'], 'day')}) · as of {s['as_of'].isoformat()}"
    )


def describe_filters(filters: Filters) -> str:
    """The filters in words.

    Examples
    --------
    >>> describe_filters(Filters(services=("api",)))
    'services: api'
    >>> describe_filters(Filters())
    'all incidents'
    """
    parts = []
    if filters.start or filters.end:
        start = filters.start.isoformat() if filters.start else "…"
        end = filters.end.isoformat() if filters.end else "…"
        parts.append(f"{start} to {end}")
    for name in ("services", "teams", "severities"):
        chosen = getattr(filters, name)
        if chosen:
            parts.append(f"{name}: {', '.join(chosen)}")
    return "; ".join(parts) or "all incidents"
