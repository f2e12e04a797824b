"""Trends across incidents and action follow-through, as plain pandas.

Every function takes a :class:`~pmanalytics.Corpus` or one of its tables and returns a
DataFrame or a dict: no plotting, no I/O, no hidden "now". Functions about actions take the
date to measure at as ``as_of`` (a date; events during that day count as having happened).

Conventions:

- Durations are heavy-tailed, so they are summarised by median, 90th percentile and a
  distribution, never by a mean alone.
- Incidents are bucketed into weeks (starting Monday), months or quarters by their start, in
  UTC unless ``tz`` names another zone.
- An incident on several services (or teams) counts once for each of them when grouped by
  service (or team).
- An action's team and service are those of its incident (its first team and service).
- An action is *closed* at ``as_of`` when its status is ``done`` or ``wont_do`` and it was
  completed by then (or its completion time is unknown); an action created after ``as_of`` does
  not exist yet. A ``done`` action completed after ``as_of`` was still open at ``as_of``.

Examples
--------
>>> from datetime import date
>>> from pmanalytics import demo, metrics
>>> corpus = demo.generate(30, seed=1).corpus()                 # doctest: +SKIP
>>> metrics.open_summary(corpus, as_of=date(2026, 10, 31))      # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

import numpy as np
import pandas as pd

from ._corpus import Corpus
from ._errors import PMError

__all__ = [
    "DURATIONS",
    "Filters",
    "MetricsError",
    "action_recurrence",
    "action_status",
    "burnup",
    "completion_by_period",
    "customer_impact",
    "duration_histogram",
    "duration_summary",
    "filter_corpus",
    "follow_through",
    "follow_through_rate",
    "incident_counts",
    "open_actions",
    "open_summary",
    "overdue_actions",
    "owner_load",
    "prevention",
    "repeat_incidents",
    "service_period_matrix",
    "severity_order",
    "time_to_close_summary",
    "time_to_close_survival",
    "to_date",
]

Freq = Literal["week", "month", "quarter"]
GroupBy = Literal["severity", "service", "team"]

#: The incident durations, as ``measure name -> column``.
DURATIONS: dict[str, str] = {
    "detect": "time_to_detect_min",
    "mitigate": "time_to_mitigate_min",
    "resolve": "time_to_resolve_min",
}
_FREQS = {"week": "W-SUN", "month": "M", "quarter": "Q"}
_DAY = pd.Timedelta(days=1)


class MetricsError(PMError, ValueError):
    """A metric was asked for with an invalid parameter (the message names it and its value)."""


# --------------------------------------------------------------------------- arguments


def to_date(value: object, name: str = "as_of") -> date:
    """A calendar date from a date, datetime (its UTC date when tz-aware) or ISO string.

    Examples
    --------
    >>> to_date("2024-03-31")
    datetime.date(2024, 3, 31)
    >>> to_date("yesterday")
    Traceback (most recent call last):
    ...
    pmanalytics.metrics.MetricsError: 'as_of' must be a date (YYYY-MM-DD), got 'yesterday'
    """
    if isinstance(value, pd.Timestamp | datetime):
        stamp = pd.Timestamp(value)
        if stamp.tzinfo is not None:
            stamp = stamp.tz_convert("UTC")
        return date(stamp.year, stamp.month, stamp.day)
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise MetricsError(f"{name!r} must be a date (YYYY-MM-DD), got {value!r}")


def _check_freq(freq: object) -> str:
    if freq not in _FREQS:
        raise MetricsError(f"'freq' must be one of week, month, quarter, got {freq!r}")
    return _FREQS[str(freq)]


def _check_by(by: object, allowed: Sequence[str | None]) -> None:
    if by not in allowed:
        names = ", ".join("None" if a is None else a for a in allowed)
        raise MetricsError(f"'by' must be one of {names}, got {by!r}")


def _check_days(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise MetricsError(f"{name!r} must be a non-negative int, got {value!r}")
    return value


def _incidents(data: Corpus | pd.DataFrame) -> pd.DataFrame:
    return data.incidents if isinstance(data, Corpus) else data


def _cutoff(as_of: date) -> pd.Timestamp:
    """The first instant after ``as_of`` (UTC): events before it have happened."""
    return pd.Timestamp(as_of, tz="UTC") + _DAY


# --------------------------------------------------------------------------- filtering


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
        keep &= (started < _cutoff(filters.end)).fillna(False)
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
        raise MetricsError(f"'filters' must be a Filters, got {filters!r}")
    if filters.start and filters.end and filters.start > filters.end:
        raise MetricsError(f"'start' {filters.start} is after 'end' {filters.end}")
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


# --------------------------------------------------------------------------- incidents


def severity_order(incidents: pd.DataFrame) -> list[str]:
    """Severity labels, worst (lowest rank) first; labels without a rank last, by name.

    Examples
    --------
    >>> frame = pd.DataFrame({"severity": ["SEV3", "SEV1", "minor"],
    ...                       "severity_rank": pd.array([3, 1, None], dtype="Int64")})
    >>> severity_order(frame)
    ['SEV1', 'SEV3', 'minor']
    """
    pairs = incidents[["severity", "severity_rank"]].dropna(subset=["severity"])
    ranks = pairs.groupby("severity", observed=True)["severity_rank"].min()
    return sorted(
        (str(s) for s in ranks.index),
        key=lambda s: (pd.isna(ranks[s]), 0 if pd.isna(ranks[s]) else int(ranks[s]), s),
    )


def _periods(started: pd.Series, freq: str, tz: str) -> pd.Series:
    local = started.dt.tz_convert(tz).dt.tz_localize(None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "converting to Period drops the time zone"
        periods: pd.Series = local.dt.to_period(freq)
    return periods


def _grouped(incidents: pd.DataFrame, by: str | None) -> pd.DataFrame:
    """``incidents`` with a ``key`` column, exploded for list-valued groupings."""
    if by is None:
        return incidents.assign(key="all")
    if by == "severity":
        return incidents.assign(key=incidents["severity"].fillna("unknown"))
    column = {"service": "services", "team": "teams"}[by]
    lists = incidents[column].map(lambda v: list(v) if len(v) else ["unknown"])
    exploded = incidents.assign(key=lists).explode("key")
    return exploded


def incident_counts(
    data: Corpus | pd.DataFrame,
    freq: Freq = "month",
    by: GroupBy | None = None,
    *,
    tz: str = "UTC",
) -> pd.DataFrame:
    """Incidents per week, month or quarter, optionally by severity, service or team.

    Periods with no incidents are listed with a count of 0, from the first period to the last.

    Parameters
    ----------
    data : Corpus or its incidents
    freq : {"week", "month", "quarter"}
    by : {"severity", "service", "team"}, optional
        An incident on two services counts once for each.
    tz : str
        The time zone whose calendar defines the periods (UTC by default).

    Returns
    -------
    DataFrame
        ``period`` (the first day, a naive Timestamp), then ``by``'s column when given, and
        ``incidents``.

    Examples
    --------
    >>> frame = pd.DataFrame({"started_at": pd.to_datetime(
    ...     ["2024-01-05", "2024-01-20", "2024-03-01"], utc=True)})
    >>> incident_counts(frame, "month")
    ...                                           # doctest: +NORMALIZE_WHITESPACE
          period  incidents
    0 2024-01-01          2
    1 2024-02-01          0
    2 2024-03-01          1
    """
    code = _check_freq(freq)
    _check_by(by, [None, "severity", "service", "team"])
    incidents = _incidents(data)
    incidents = incidents[incidents["started_at"].notna()]
    grouped = _grouped(incidents, by)
    grouped = grouped.assign(period=_periods(grouped["started_at"], code, tz))
    counts = grouped.groupby(["period", "key"]).size()
    if len(counts):
        span = pd.period_range(grouped["period"].min(), grouped["period"].max(), freq=code)
    else:
        span = pd.PeriodIndex([], freq=code)
    if by == "severity":
        keys = [k for k in severity_order(incidents) if k in set(grouped["key"])]
        keys += sorted(set(grouped["key"]) - set(keys))
    else:
        keys = sorted(set(grouped["key"]))
    full = pd.MultiIndex.from_product([span, keys], names=["period", "key"])
    table: pd.DataFrame = counts.reindex(full, fill_value=0).rename("incidents").reset_index()
    table["period"] = table["period"].dt.start_time
    table["incidents"] = table["incidents"].astype("int64")
    if by is None:
        return table.drop(columns="key")
    return table.rename(columns={"key": by})


def service_period_matrix(
    data: Corpus | pd.DataFrame, freq: Freq = "month", *, tz: str = "UTC"
) -> pd.DataFrame:
    """Incidents per service (rows, busiest first) and period (columns), for a heatmap.

    Examples
    --------
    >>> frame = pd.DataFrame({"started_at": pd.to_datetime(["2024-01-05", "2024-02-03"],
    ...     utc=True), "services": [["api"], ["api", "db"]]})
    >>> service_period_matrix(frame).to_dict("index")
    {'api': {'2024-01': 1, '2024-02': 1}, 'db': {'2024-01': 0, '2024-02': 1}}
    """
    counts = incident_counts(data, freq, "service", tz=tz)
    if counts.empty:
        return pd.DataFrame(dtype="int64")
    label = {"week": "%Y-%m-%d", "month": "%Y-%m", "quarter": "%Y-%m"}[freq]
    counts = counts.assign(column=counts["period"].dt.strftime(label))
    matrix = counts.pivot(index="service", columns="column", values="incidents")
    order = matrix.sum(axis=1).sort_values(ascending=False, kind="stable").index
    matrix = matrix.loc[order]
    matrix.index.name = None
    matrix.columns.name = None
    return matrix.astype("int64")


def repeat_incidents(data: Corpus | pd.DataFrame, within_days: int = 30) -> pd.DataFrame:
    """Per service: incidents, and repeats (incidents within ``within_days`` of the previous
    incident on the same service).

    Returns
    -------
    DataFrame
        ``service``, ``incidents``, ``repeats``, ``repeat_share`` and ``median_gap_days``
        (between consecutive incidents), most repeats first.

    Examples
    --------
    >>> frame = pd.DataFrame({"started_at": pd.to_datetime(
    ...     ["2024-01-01", "2024-01-11", "2024-03-01"], utc=True),
    ...     "services": [["api"], ["api"], ["api"]]})
    >>> row = repeat_incidents(frame, within_days=30).to_dict("records")[0]
    >>> row["incidents"], row["repeats"], round(row["repeat_share"], 3), row["median_gap_days"]
    (3, 1, 0.333, 30.0)
    """
    days = _check_days(within_days, "within_days")
    incidents = _incidents(data)
    grouped = _grouped(incidents[incidents["started_at"].notna()], "service")
    grouped = grouped.sort_values(["key", "started_at"], kind="stable")
    gaps = grouped.groupby("key")["started_at"].diff().dt.total_seconds() / 86_400
    grouped = grouped.assign(gap=gaps, repeat=(gaps <= days).fillna(False))
    table = grouped.groupby("key").agg(
        incidents=("started_at", "size"),
        repeats=("repeat", "sum"),
        median_gap_days=("gap", "median"),
    )
    table["repeats"] = table["repeats"].astype("int64")
    table.insert(2, "repeat_share", table["repeats"] / table["incidents"])
    table = table.rename_axis("service").reset_index()
    return table.sort_values(
        ["repeats", "incidents", "service"], ascending=[False, False, True], kind="stable"
    ).reset_index(drop=True)


def _durations(incidents: pd.DataFrame, measure: str) -> np.ndarray[Any, Any]:
    values = incidents[DURATIONS[measure]].astype("Float64").dropna()
    return values.to_numpy(dtype="float64")


def duration_summary(data: Corpus | pd.DataFrame, by: GroupBy | None = None) -> pd.DataFrame:
    """Time to detect, mitigate and resolve: median, 90th percentile and spread, in minutes.

    Incidents missing a timestamp are counted in ``missing``, not in the statistics.
    Percentiles interpolate linearly between observations.

    Returns
    -------
    DataFrame
        One row per measure (and group): ``measure``, ``count``, ``missing``, ``median``,
        ``p90``, ``p25``, ``p75``, ``min``, ``max``.

    Examples
    --------
    >>> frame = pd.DataFrame({
    ...     "time_to_detect_min": pd.array([1, 2, 3, 4, None], dtype="Float64"),
    ...     "time_to_mitigate_min": pd.array([None] * 5, dtype="Float64"),
    ...     "time_to_resolve_min": pd.array([10, 20, 30, 40, 1000], dtype="Float64")})
    >>> duration_summary(frame)[["measure", "count", "missing", "median", "p90"]]
    ...                                           # doctest: +NORMALIZE_WHITESPACE
        measure  count  missing  median    p90
    0    detect      4        1     2.5    3.7
    1  mitigate      0        5     NaN    NaN
    2   resolve      5        0    30.0  616.0
    """
    _check_by(by, [None, "severity", "service", "team"])
    incidents = _incidents(data)
    if by is None:
        groups: list[tuple[Any, pd.DataFrame]] = [("all", incidents)]
    else:
        groups = list(_grouped(incidents, by).groupby("key", sort=True))
    rows = []
    for key, group in groups:
        for measure in DURATIONS:
            values = _durations(group, measure)
            stats: dict[str, Any] = {"measure": measure}
            if by is not None:
                stats[by] = key
            stats["count"] = len(values)
            stats["missing"] = len(group) - len(values)
            for name, q in (("median", 0.5), ("p90", 0.9), ("p25", 0.25), ("p75", 0.75)):
                stats[name] = float(np.quantile(values, q)) if len(values) else np.nan
            stats["min"] = float(values.min()) if len(values) else np.nan
            stats["max"] = float(values.max()) if len(values) else np.nan
            rows.append(stats)
    columns = ["measure", *([by] if by else []), "count", "missing"]
    columns += ["median", "p90", "p25", "p75", "min", "max"]
    return pd.DataFrame(rows, columns=columns)


def duration_histogram(data: Corpus | pd.DataFrame, bins_per_decade: int = 5) -> pd.DataFrame:
    """The distribution of each duration, in log-spaced bins (minutes).

    Bins span whole powers of ten from below the shortest positive duration (at least 1
    minute) to above the longest; shorter durations (including 0) fall in the first bin.

    Returns
    -------
    DataFrame
        ``measure``, ``bin_left``, ``bin_right``, ``count`` (every bin, zeros included).

    Examples
    --------
    >>> frame = pd.DataFrame({c: pd.array([0.5, 5, 50], dtype="Float64")
    ...                       for c in DURATIONS.values()})
    >>> h = duration_histogram(frame, bins_per_decade=1)
    >>> h[h["measure"] == "detect"][["bin_left", "bin_right", "count"]].values.tolist()
    [[1.0, 10.0, 2.0], [10.0, 100.0, 1.0]]
    """
    if isinstance(bins_per_decade, bool) or not isinstance(bins_per_decade, int):
        raise MetricsError(f"'bins_per_decade' must be a positive int, got {bins_per_decade!r}")
    if bins_per_decade < 1:
        raise MetricsError(f"'bins_per_decade' must be a positive int, got {bins_per_decade!r}")
    incidents = _incidents(data)
    every = np.concatenate([_durations(incidents, m) for m in DURATIONS])
    positive = every[every > 0]
    if not len(positive):
        return pd.DataFrame({"measure": [], "bin_left": [], "bin_right": [], "count": []}).astype(
            {"measure": object, "bin_left": float, "bin_right": float, "count": "int64"}
        )
    low = int(np.floor(np.log10(max(positive.min(), 1.0))))
    high = max(int(np.ceil(np.log10(positive.max()))), low + 1)
    edges = np.logspace(low, high, (high - low) * bins_per_decade + 1)
    frames = []
    for measure in DURATIONS:
        values = np.clip(_durations(incidents, measure), edges[0], edges[-1])
        counts, _ = np.histogram(values, bins=edges)
        frames.append(
            pd.DataFrame(
                {
                    "measure": measure,
                    "bin_left": edges[:-1],
                    "bin_right": edges[1:],
                    "count": counts.astype("int64"),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def customer_impact(data: Corpus | pd.DataFrame, by: GroupBy | None = None) -> pd.DataFrame:
    """Customers affected and minutes of impact, in total and where known.

    Returns
    -------
    DataFrame
        ``incidents``, ``customers_affected`` (sum of known values), ``customers_known``
        (incidents with a value), ``impact_min`` and ``impact_known``; one row, or one per
        group.

    Examples
    --------
    >>> frame = pd.DataFrame({"customers_affected": pd.array([10, None, 5], dtype="Int64"),
    ...                       "impact_min": pd.array([30, 60, None], dtype="Float64")})
    >>> customer_impact(frame).to_dict("records")[0]  # doctest: +NORMALIZE_WHITESPACE
    {'incidents': 3, 'customers_affected': 15, 'customers_known': 2,
     'impact_min': 90.0, 'impact_known': 2}
    """
    _check_by(by, [None, "severity", "service", "team"])
    grouped = _grouped(_incidents(data), by)
    customers = grouped["customers_affected"].astype("Float64")
    impact = grouped["impact_min"].astype("Float64")
    frame = pd.DataFrame(
        {
            "key": grouped["key"].to_numpy(),
            "customers_affected": customers.fillna(0).to_numpy(dtype="float64"),
            "customers_known": customers.notna().to_numpy(),
            "impact_min": impact.fillna(0).to_numpy(dtype="float64"),
            "impact_known": impact.notna().to_numpy(),
        }
    )
    table = frame.groupby("key", sort=True).agg(
        incidents=("key", "size"),
        customers_affected=("customers_affected", "sum"),
        customers_known=("customers_known", "sum"),
        impact_min=("impact_min", "sum"),
        impact_known=("impact_known", "sum"),
    )
    if table.empty:
        table = pd.DataFrame(
            [[0, 0, 0, 0.0, 0]],
            columns=list(table.columns),
            index=pd.Index(["all"], name="key"),
        )
    for column in ("incidents", "customers_affected", "customers_known", "impact_known"):
        table[column] = table[column].astype("int64")
    table["impact_min"] = table["impact_min"].astype("float64")
    if by is None:
        return table.reset_index(drop=True)
    return table.rename_axis(by).reset_index()


# --------------------------------------------------------------------------- actions


def action_status(data: Corpus | pd.DataFrame, as_of: date | str) -> pd.DataFrame:
    """Every action that exists at ``as_of``, with its state then.

    Parameters
    ----------
    data : Corpus or its actions table
        With a Corpus, each action gets its incident's ``team``, ``service`` and
        ``severity``; an actions table keeps whatever such columns it has.
    as_of : date
        The day to measure at (events during that day count).

    Returns
    -------
    DataFrame
        The actions (those created after ``as_of`` left out), plus ``state`` (``open``,
        ``done`` or ``wont_do`` at ``as_of``), ``is_open``, ``age_days`` (whole days since
        creation, for every action), ``days_overdue`` (0 unless open past its due date) and
        ``is_overdue``.

    Examples
    --------
    >>> from pmanalytics import Action, Corpus, PostMortem
    >>> corpus = Corpus.from_postmortems([PostMortem(id="pm", title="T", actions=[
    ...     Action(id="a", title="A", due="2024-01-10", created_at="2024-01-01T09:00Z"),
    ...     Action(id="b", title="B", status="done", created_at="2024-01-01T09:00Z",
    ...            completed_at="2024-01-20T09:00Z")])])
    >>> action_status(corpus, "2024-01-15")[["action_id", "state", "days_overdue"]]
    ...                                           # doctest: +NORMALIZE_WHITESPACE
      action_id state  days_overdue
    0         a  open             5
    1         b  open             0
    """
    day = to_date(as_of)
    cutoff = _cutoff(day)
    if isinstance(data, Corpus):
        actions = data.actions
        context = data.incidents[["incident_id", "team", "service", "severity"]]
        actions = actions.merge(context, on="incident_id", how="left")
    else:
        actions = data.copy()
    created = actions["created_at"]
    actions = actions[~(created >= cutoff).fillna(False)].reset_index(drop=True)
    status = actions["status"].astype(object)
    completed = actions["completed_at"]
    finished = status.isin(["done", "wont_do"]) & ~(completed >= cutoff).fillna(False)
    state = status.where(finished, "open")
    today = pd.Timestamp(day)
    created_day = actions["created_at"].dt.tz_convert("UTC").dt.tz_localize(None).dt.normalize()
    age = (today - created_day).dt.days
    due = actions["due_date"]
    overdue = ((today - due).dt.days.clip(lower=0)).where(~finished & due.notna(), 0)
    actions["state"] = pd.Categorical(state, categories=["open", "done", "wont_do"])
    actions["is_open"] = ~finished.to_numpy()
    actions["age_days"] = pd.array(age, dtype="Int64")
    actions["days_overdue"] = overdue.fillna(0).astype("int64")
    actions["is_overdue"] = actions["days_overdue"] > 0
    return actions


def _status(data: Corpus | pd.DataFrame, as_of: date | str) -> pd.DataFrame:
    if isinstance(data, pd.DataFrame) and "state" in data.columns:
        return data
    return action_status(data, as_of)


def open_actions(data: Corpus | pd.DataFrame, as_of: date | str) -> pd.DataFrame:
    """The actions open at ``as_of``, most overdue (then oldest) first.

    Examples
    --------
    >>> from pmanalytics import Action, Corpus, PostMortem
    >>> corpus = Corpus.from_postmortems([PostMortem(id="pm", title="T", actions=[
    ...     Action(id="a", title="A", due="2024-01-10"), Action(id="b", title="B")])])
    >>> open_actions(corpus, "2024-01-15")["action_id"].tolist()
    ['a', 'b']
    """
    status = _status(data, as_of)
    found = status[status["is_open"]]
    return found.sort_values(
        ["days_overdue", "age_days"], ascending=False, kind="stable", na_position="last"
    ).reset_index(drop=True)


def overdue_actions(data: Corpus | pd.DataFrame, as_of: date | str) -> pd.DataFrame:
    """The actions open past their due date at ``as_of``, most overdue first.

    Examples
    --------
    >>> from pmanalytics import Action, Corpus, PostMortem
    >>> corpus = Corpus.from_postmortems([PostMortem(id="pm", title="T", actions=[
    ...     Action(id="a", title="A", due="2024-01-10"), Action(id="b", title="B")])])
    >>> overdue_actions(corpus, "2024-01-15")[["action_id", "days_overdue"]].values.tolist()
    [['a', 5]]
    """
    found = open_actions(data, as_of)
    return found[found["is_overdue"]].reset_index(drop=True)


def _quantile(values: pd.Series, q: float) -> float:
    clean = values.dropna().to_numpy(dtype="float64")
    return float(np.quantile(clean, q)) if len(clean) else float("nan")


def open_summary(data: Corpus | pd.DataFrame, as_of: date | str) -> dict[str, Any]:
    """Counts and ages of open and overdue actions at ``as_of``.

    Returns
    -------
    dict
        ``as_of``, ``actions`` (existing at ``as_of``), ``open``, ``overdue``, ``done``,
        ``wont_do``, ``open_age_median_days``, ``open_age_p90_days``,
        ``days_overdue_median`` and ``days_overdue_p90``.

    Examples
    --------
    >>> from pmanalytics import Action, Corpus, PostMortem
    >>> corpus = Corpus.from_postmortems([PostMortem(id="pm", title="T", actions=[
    ...     Action(id="a", title="A", due="2024-01-10", created_at="2024-01-01T00:00Z"),
    ...     Action(id="b", title="B", status="done")])])
    >>> s = open_summary(corpus, "2024-01-15")
    >>> s["open"], s["overdue"], s["done"], s["open_age_median_days"]
    (1, 1, 1, 14.0)
    """
    status = _status(data, as_of)
    open_ = status[status["is_open"]]
    overdue = open_[open_["is_overdue"]]
    return {
        "as_of": to_date(as_of),
        "actions": len(status),
        "open": len(open_),
        "overdue": len(overdue),
        "done": int((status["state"] == "done").sum()),
        "wont_do": int((status["state"] == "wont_do").sum()),
        "open_age_median_days": _quantile(open_["age_days"].astype("Float64"), 0.5),
        "open_age_p90_days": _quantile(open_["age_days"].astype("Float64"), 0.9),
        "days_overdue_median": _quantile(overdue["days_overdue"].astype("float64"), 0.5),
        "days_overdue_p90": _quantile(overdue["days_overdue"].astype("float64"), 0.9),
    }


def completion_by_period(
    data: Corpus | pd.DataFrame, as_of: date | str, freq: Freq = "month"
) -> pd.DataFrame:
    """For the actions created in each period: how many, and how many were done by ``as_of``.

    Actions without a creation time are left out (they belong to no period).

    Returns
    -------
    DataFrame
        ``period``, ``created``, ``done``, ``wont_do``, ``open`` and ``completion_rate``
        (``done / created``).

    Examples
    --------
    >>> from pmanalytics import Action, Corpus, PostMortem
    >>> corpus = Corpus.from_postmortems([PostMortem(id="pm", title="T", actions=[
    ...     Action(id="a", title="A", created_at="2024-01-03T00:00Z"),
    ...     Action(id="b", title="B", status="done", created_at="2024-01-04T00:00Z",
    ...            completed_at="2024-02-01T00:00Z")])])
    >>> completion_by_period(corpus, "2024-03-01").to_dict("records")[0]
    ...                                           # doctest: +NORMALIZE_WHITESPACE
    {'period': Timestamp('2024-01-01 00:00:00'), 'created': 2, 'done': 1, 'wont_do': 0,
     'open': 1, 'completion_rate': 0.5}
    """
    code = _check_freq(freq)
    status = _status(data, as_of)
    status = status[status["created_at"].notna()]
    period = _periods(status["created_at"], code, "UTC")
    frame = pd.DataFrame(
        {
            "period": period.to_numpy(),
            "done": (status["state"] == "done").to_numpy(),
            "wont_do": (status["state"] == "wont_do").to_numpy(),
            "open": status["is_open"].to_numpy(),
        }
    )
    table = frame.groupby("period").agg(
        created=("done", "size"), done=("done", "sum"), wont_do=("wont_do", "sum"),
        open=("open", "sum"),
    )  # fmt: skip
    if len(table):
        span = pd.period_range(table.index.min(), table.index.max(), freq=code)
        table = table.reindex(span, fill_value=0)
    table = table.astype("int64")
    with np.errstate(invalid="ignore", divide="ignore"):
        table["completion_rate"] = table["done"] / table["created"].replace(0, np.nan)
    table.index = pd.PeriodIndex(table.index, freq=code).start_time
    return table.rename_axis("period").reset_index()


def burnup(data: Corpus | pd.DataFrame, as_of: date | str, freq: Freq = "week") -> pd.DataFrame:
    """Actions created and completed, cumulatively, per period up to ``as_of``.

    Returns
    -------
    DataFrame
        ``period``, ``created``, ``completed`` (done), ``closed`` (done or won't do) and
        ``open`` (created minus closed), all cumulative at the end of each period.

    Examples
    --------
    >>> from pmanalytics import Action, Corpus, PostMortem
    >>> corpus = Corpus.from_postmortems([PostMortem(id="pm", title="T", actions=[
    ...     Action(id="a", title="A", created_at="2024-01-03T00:00Z"),
    ...     Action(id="b", title="B", status="done", created_at="2024-01-04T00:00Z",
    ...            completed_at="2024-02-01T00:00Z")])])
    >>> burnup(corpus, "2024-02-15", "month")[["created", "completed", "open"]].values.tolist()
    [[2, 0, 2], [2, 1, 1]]
    """
    code = _check_freq(freq)
    status = _status(data, as_of)
    created = status["created_at"].dropna()
    # Every created action is either still open or closed; a closure with no recorded
    # time counts when the action was created, so open = created - closed holds.
    closed = status[(status["state"] != "open") & status["created_at"].notna()]
    closed_at = closed["completed_at"].fillna(closed["created_at"])
    done_at = closed_at[closed["state"] == "done"]
    if created.empty:
        return pd.DataFrame(
            {c: pd.Series([], dtype="int64") for c in ("created", "completed", "closed", "open")}
        ).assign(period=pd.Series([], dtype="datetime64[ns]"))[
            ["period", "created", "completed", "closed", "open"]
        ]
    first = _periods(created, code, "UTC").min()
    last = pd.Period(pd.Timestamp(to_date(as_of)), freq=code)
    span = pd.period_range(first, max(first, last), freq=code)

    def cumulative(stamps: pd.Series) -> np.ndarray[Any, np.dtype[np.int64]]:
        counts = _periods(stamps, code, "UTC").value_counts()
        counts = counts.reindex(span, fill_value=0)
        before = int((_periods(stamps, code, "UTC") < span[0]).sum())
        return np.asarray(counts.cumsum().to_numpy() + before, dtype="int64")

    table = pd.DataFrame(
        {
            "period": span.start_time,
            "created": cumulative(created),
            "completed": cumulative(done_at),
            "closed": cumulative(closed_at),
        }
    )
    table["open"] = table["created"] - table["closed"]
    return table


def owner_load(
    data: Corpus | pd.DataFrame, as_of: date | str, by: Literal["owner", "team"] = "owner"
) -> pd.DataFrame:
    """Open and overdue actions per owner (or team) at ``as_of``, heaviest first.

    Returns
    -------
    DataFrame
        ``owner`` (or ``team``; ``unassigned`` / ``unknown`` when missing), ``open``,
        ``overdue``, ``oldest_open_days``, ``max_days_overdue``, and for owners their
        ``team`` (the team of most of their actions).

    Examples
    --------
    >>> from pmanalytics import Action, Corpus, PostMortem
    >>> corpus = Corpus.from_postmortems([PostMortem(id="pm", title="T", teams=["sre"],
    ...     actions=[Action(id="a", title="A", owner="ana", due="2024-01-10"),
    ...              Action(id="b", title="B", owner="ana"),
    ...              Action(id="c", title="C", owner="bo", status="done")])])
    >>> owner_load(corpus, "2024-01-15")[["owner", "open", "overdue", "team"]].values.tolist()
    [['ana', 2, 1, 'sre']]
    """
    _check_by(by, ["owner", "team"])
    status = _status(data, as_of)
    open_ = status[status["is_open"]].copy()
    fallback = "unassigned" if by == "owner" else "unknown"
    if by not in open_.columns:
        open_[by] = pd.NA
    open_["key"] = open_[by].astype("string").fillna(fallback)
    table = open_.groupby("key").agg(
        open=("is_open", "size"),
        overdue=("is_overdue", "sum"),
        oldest_open_days=("age_days", "max"),
        max_days_overdue=("days_overdue", "max"),
    )
    table["overdue"] = table["overdue"].astype("int64")
    table["open"] = table["open"].astype("int64")
    table["oldest_open_days"] = table["oldest_open_days"].astype("Int64")
    table["max_days_overdue"] = table["max_days_overdue"].astype("int64")
    if by == "owner":
        teams = open_["team"] if "team" in open_.columns else pd.Series(pd.NA, index=open_.index)
        pairs = pd.DataFrame({"key": open_["key"], "team": teams.astype("string")}).dropna()
        if len(pairs):
            main = pairs.groupby("key")["team"].agg(lambda t: t.value_counts().index[0])
        else:
            main = pd.Series(dtype="string")
        table["team"] = main.reindex(table.index).astype("string")
    table = table.rename_axis(by).reset_index()
    return table.sort_values(
        ["overdue", "open", by], ascending=[False, False, True], kind="stable"
    ).reset_index(drop=True)


# --------------------------------------------------------------------------- time to close


def _close_durations(status: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Days from creation to completion (event) or to ``as_of`` / dropping (censored)."""
    known = status[status["created_at"].notna()]
    end = known["completed_at"].where(known["state"] != "open", _cutoff(as_of))
    # closed with an unknown completion time: we cannot say when, so they are left out
    known = known[end.notna()]
    end = end[end.notna()]
    seconds = (end - known["created_at"]).dt.total_seconds().clip(lower=0)
    return pd.DataFrame(
        {
            "days": np.ceil(seconds.to_numpy(dtype="float64") / 86_400),
            "closed": (known["state"] == "done").to_numpy(),
            "group": known["_group"].to_numpy() if "_group" in known else "all",
        }
    )


def _km(durations: pd.DataFrame) -> Any:
    from lifelines import KaplanMeierFitter

    fitter = KaplanMeierFitter()
    fitter.fit(durations["days"], event_observed=durations["closed"])
    return fitter


def _with_group(status: pd.DataFrame, by: str | None) -> pd.DataFrame:
    if by is None:
        return status.assign(_group="all")
    column = status[by] if by in status.columns else pd.Series(pd.NA, index=status.index)
    return status.assign(_group=column.astype("string").fillna("unknown").to_numpy())


def time_to_close_survival(
    data: Corpus | pd.DataFrame,
    as_of: date | str,
    by: Literal["team", "kind", "priority", "severity", "owner"] | None = None,
) -> pd.DataFrame:
    """Kaplan-Meier estimate of the share of actions still open, by days since creation.

    Days are whole days, rounded up (an action closed after 2 hours closed on day 1), which
    keeps the curve to at most one step a day however many actions there are.
    Actions still open at ``as_of`` are censored at their age then (they count as open for
    as long as they have been observed, not as never closing); actions dropped as
    ``wont_do`` are censored when dropped; actions without a creation time, or closed at an
    unknown time, are left out. Uses :class:`lifelines.KaplanMeierFitter`.

    Returns
    -------
    DataFrame
        ``group`` (``all`` unless ``by``), ``days``, ``still_open`` (the estimate),
        ``ci_lower``, ``ci_upper`` (95%), ``at_risk``, ``closed`` and ``censored`` at each
        time.

    Examples
    --------
    >>> status = pd.DataFrame({"created_at": pd.to_datetime(["2024-01-01"] * 4, utc=True),
    ...     "completed_at": pd.to_datetime(["2024-01-02", None, "2024-01-04", None], utc=True),
    ...     "state": ["done", "open", "done", "open"], "is_open": [False, True, False, True]})
    >>> curve = time_to_close_survival(status, as_of="2024-01-10")
    >>> curve[["days", "still_open", "at_risk"]].round(3).values.tolist()
    [[0.0, 1.0, 4.0], [1.0, 0.75, 4.0], [3.0, 0.5, 3.0], [10.0, 0.5, 2.0]]
    """
    day = to_date(as_of)
    if by not in (None, "team", "kind", "priority", "severity", "owner"):
        raise MetricsError(
            f"'by' must be one of None, team, kind, priority, severity, owner, got {by!r}"
        )
    status = _with_group(_status(data, day), by)
    durations = _close_durations(status, day)
    frames = []
    for group, part in durations.groupby("group", sort=True):
        fitter = _km(part)
        table = fitter.event_table
        ci = fitter.confidence_interval_survival_function_
        frames.append(
            pd.DataFrame(
                {
                    "group": group,
                    "days": table.index.to_numpy(dtype="float64"),
                    "still_open": fitter.survival_function_.iloc[:, 0].to_numpy(),
                    "ci_lower": ci.iloc[:, 0].to_numpy(),
                    "ci_upper": ci.iloc[:, 1].to_numpy(),
                    "at_risk": table["at_risk"].to_numpy(dtype="float64"),
                    "closed": table["observed"].to_numpy(dtype="int64"),
                    "censored": table["censored"].to_numpy(dtype="int64"),
                }
            )
        )
    if not frames:
        return pd.DataFrame(
            columns=[
                *("group", "days", "still_open", "ci_lower", "ci_upper", "at_risk"),
                *("closed", "censored"),
            ]
        )
    return pd.concat(frames, ignore_index=True)


def time_to_close_summary(
    data: Corpus | pd.DataFrame,
    as_of: date | str,
    by: Literal["team", "kind", "priority", "severity", "owner"] | None = None,
) -> pd.DataFrame:
    """Median and 90th-percentile days to close, from the Kaplan-Meier estimate.

    ``inf`` means the estimate never falls that low (too many actions are still open).

    Returns
    -------
    DataFrame
        ``group``, ``actions``, ``closed``, ``censored``, ``median_days``, ``p90_days``.

    Examples
    --------
    >>> status = pd.DataFrame({"created_at": pd.to_datetime(["2024-01-01"] * 4, utc=True),
    ...     "completed_at": pd.to_datetime(["2024-01-02", None, "2024-01-04", None], utc=True),
    ...     "state": ["done", "open", "done", "open"], "is_open": [False, True, False, True]})
    >>> time_to_close_summary(status, "2024-01-10").iloc[0].to_dict()
    {'group': 'all', 'actions': 4, 'closed': 2, 'censored': 2, 'median_days': 3.0, 'p90_days': inf}
    """
    from lifelines.utils import qth_survival_time

    curve = time_to_close_survival(data, as_of, by)
    rows = []
    for group, part in curve.groupby("group", sort=True):
        survival = part.set_index("days")["still_open"]
        rows.append(
            {
                "group": group,
                "actions": int(part["closed"].sum() + part["censored"].sum()),
                "closed": int(part["closed"].sum()),
                "censored": int(part["censored"].sum()),
                "median_days": float(qth_survival_time(0.5, survival)),
                "p90_days": float(qth_survival_time(0.1, survival)),
            }
        )
    return pd.DataFrame(
        rows, columns=["group", "actions", "closed", "censored", "median_days", "p90_days"]
    )


# --------------------------------------------------------------------------- follow-through


def follow_through(
    data: Corpus | pd.DataFrame, as_of: date | str, within_days: int = 30
) -> pd.DataFrame:
    """Per incident with actions: did all its actions close within ``within_days`` of creation?

    ``outcome`` is ``yes`` when every action was closed (done or won't do) within the window,
    ``no`` when one was not (it closed late, or is open beyond the window), and ``pending``
    when an action is still open but its window has not ended at ``as_of``. Actions without a
    creation time count as ``no`` once closed late is unknowable, i.e. they are ignored.

    Examples
    --------
    >>> from pmanalytics import Action, Corpus, PostMortem
    >>> def act(i, **kw):
    ...     return Action(id=i, title=i, created_at="2024-01-01T00:00Z", **kw)
    >>> corpus = Corpus.from_postmortems([
    ...     PostMortem(id="fast", title="T", actions=[
    ...         act("a", status="done", completed_at="2024-01-05T00:00Z")]),
    ...     PostMortem(id="slow", title="T", actions=[
    ...         act("a", status="done", completed_at="2024-03-05T00:00Z")]),
    ...     PostMortem(id="open", title="T", actions=[act("a")])])
    >>> follow_through(corpus, "2024-01-20", 30)[["incident_id", "outcome"]].values.tolist()
    [['fast', 'yes'], ['open', 'pending'], ['slow', 'pending']]
    """
    days = _check_days(within_days, "within_days")
    day = to_date(as_of)
    status = _status(data, day)
    status = status[status["created_at"].notna()]
    window_end = status["created_at"] + pd.Timedelta(days=days)
    closed = status["state"] != "open"
    in_time = closed & ~(status["completed_at"] > window_end).fillna(False)
    late = (closed & ~in_time) | (~closed & (window_end < _cutoff(day) - _DAY))
    frame = pd.DataFrame(
        {
            "incident_id": status["incident_id"].to_numpy(),
            "in_time": in_time.to_numpy(),
            "late": late.to_numpy(),
        }
    )
    table = frame.groupby("incident_id", sort=True).agg(
        actions=("in_time", "size"), closed_in_time=("in_time", "sum"), late=("late", "sum")
    )
    outcome = np.where(
        table["late"] > 0, "no", np.where(table["closed_in_time"] == table["actions"], "yes", "-")
    )
    table["outcome"] = np.where(outcome == "-", "pending", outcome)
    table = table.astype({"actions": "int64", "closed_in_time": "int64", "late": "int64"})
    return table.reset_index()


def follow_through_rate(
    data: Corpus | pd.DataFrame, as_of: date | str, within_days: int = 30
) -> dict[str, Any]:
    """The share of incidents (with a decided outcome) whose actions all closed in time.

    Examples
    --------
    >>> from pmanalytics import Action, Corpus, PostMortem
    >>> corpus = Corpus.from_postmortems([PostMortem(id="p", title="T", actions=[
    ...     Action(id="a", title="A", status="done", created_at="2024-01-01T00:00Z",
    ...            completed_at="2024-01-03T00:00Z")])])
    >>> follow_through_rate(corpus, "2024-06-01", 30)  # doctest: +NORMALIZE_WHITESPACE
    {'within_days': 30, 'incidents': 1, 'decided': 1, 'followed_through': 1, 'pending': 0,
     'share': 1.0}
    """
    table = follow_through(data, as_of, within_days)
    decided = int((table["outcome"] != "pending").sum())
    yes = int((table["outcome"] == "yes").sum())
    return {
        "within_days": within_days,
        "incidents": len(table),
        "decided": decided,
        "followed_through": yes,
        "pending": len(table) - decided,
        "share": yes / decided if decided else float("nan"),
    }


# --------------------------------------------------------------------------- recurrence


def _action_themes(corpus: Corpus) -> pd.DataFrame:
    """``incident_id``, ``action_id``, ``theme`` (casefolded label) for actions that address a
    theme, directly or through one of its items."""
    actions = corpus.actions[["incident_id", "action_id", "addresses"]].dropna()
    themes = corpus.themes[["incident_id", "theme_id", "label"]]
    items = corpus.items[["incident_id", "item_id", "theme_id"]].dropna()
    via_item = actions.merge(
        items, left_on=["incident_id", "addresses"], right_on=["incident_id", "item_id"]
    )[["incident_id", "action_id", "theme_id"]]
    direct = actions.rename(columns={"addresses": "theme_id"})
    both = pd.concat([direct, via_item], ignore_index=True)
    found = both.merge(themes, on=["incident_id", "theme_id"])
    return pd.DataFrame(
        {
            "incident_id": found["incident_id"].astype("string"),
            "action_id": found["action_id"].astype("string"),
            "theme": found["label"].astype("string").str.casefold(),
        }
    ).drop_duplicates()


def _next_incident(
    left: pd.DataFrame, right: pd.DataFrame, key: str, since: str, cutoff: pd.Timestamp
) -> pd.DataFrame:
    """For each row of ``left``, the first incident of ``right`` with the same ``key``
    starting after ``left[since]`` and before ``cutoff`` (and not the action's own)."""
    left = left[left[since].notna() & left[key].notna()]
    right = right[right["started_at"].notna() & right[key].notna() & (right["started_at"] < cutoff)]
    if left.empty or right.empty:
        return pd.DataFrame(columns=["incident_id", "action_id", "next_id", "next_at"])
    left = left.assign(_t=left[since].astype("datetime64[ns, UTC]"), _k=left[key].astype(str))
    right = pd.DataFrame(
        {
            "_t": right["started_at"].astype("datetime64[ns, UTC]"),
            "_k": right[key].astype(str),
            "next_id": right["incident_id"].astype(str),
            "next_at": right["started_at"],
        }
    ).reset_index(drop=True)
    merged = pd.merge_asof(
        left.sort_values("_t", kind="stable"),
        right.sort_values("_t", kind="stable"),
        on="_t",
        by="_k",
        direction="forward",
        allow_exact_matches=False,
    )
    merged = merged[merged["next_id"].notna()]
    merged = merged.sort_values("next_at", kind="stable")
    first = merged.drop_duplicates(["incident_id", "action_id"], keep="first")
    return first[["incident_id", "action_id", "next_id", "next_at"]]


def action_recurrence(corpus: Corpus, as_of: date | str) -> pd.DataFrame:
    """For each action: the first later incident on the same service, or on the same theme.

    "Later" means started after the action was created and by ``as_of``. An action's services
    are its incident's services; its theme is the theme it addresses (directly or through an
    item), matched across incidents by label, ignoring case.

    Returns
    -------
    DataFrame
        ``incident_id``, ``action_id``, ``service_recurrence`` / ``service_recurrence_at``,
        ``theme_recurrence`` / ``theme_recurrence_at`` (missing when none) and ``recurred``.

    Examples
    --------
    >>> from pmanalytics import Action, Corpus, PostMortem
    >>> corpus = Corpus.from_postmortems([
    ...     PostMortem(id="p1", title="T", services=["api"], started_at="2024-01-01T00:00Z",
    ...                actions=[Action(id="a", title="A", created_at="2024-01-02T00:00Z")]),
    ...     PostMortem(id="p2", title="T", services=["api"], started_at="2024-02-01T00:00Z")])
    >>> action_recurrence(corpus, "2024-03-01")[["action_id", "service_recurrence"]]
    ...                                           # doctest: +NORMALIZE_WHITESPACE
      action_id service_recurrence
    0         a                 p2
    """
    cutoff = _cutoff(to_date(as_of))
    actions = corpus.actions[["incident_id", "action_id", "created_at"]]
    incidents = corpus.incidents[["incident_id", "services", "started_at"]]
    by_service = actions.merge(incidents[["incident_id", "services"]], on="incident_id")
    by_service = by_service.explode("services").rename(columns={"services": "service"})
    incident_services = incidents.explode("services").rename(columns={"services": "service"})
    service_next = _next_incident(by_service, incident_services, "service", "created_at", cutoff)

    themes = _action_themes(corpus)
    by_theme = themes.merge(actions, on=["incident_id", "action_id"])
    theme_rows = corpus.themes[["incident_id", "label"]].assign(
        theme=corpus.themes["label"].astype("string").str.casefold()
    )
    incident_themes = theme_rows.merge(incidents, on="incident_id")[
        ["incident_id", "theme", "started_at"]
    ]
    theme_next = _next_incident(by_theme, incident_themes, "theme", "created_at", cutoff)

    result = actions[["incident_id", "action_id"]].astype(str)
    keys = ["incident_id", "action_id"]
    result = result.merge(
        service_next.rename(
            columns={"next_id": "service_recurrence", "next_at": "service_recurrence_at"}
        ).astype({"incident_id": str, "action_id": str}),
        on=keys,
        how="left",
    ).merge(
        theme_next.rename(
            columns={"next_id": "theme_recurrence", "next_at": "theme_recurrence_at"}
        ).astype({"incident_id": str, "action_id": str}),
        on=keys,
        how="left",
    )
    for column in ("incident_id", "action_id", "service_recurrence", "theme_recurrence"):
        result[column] = result[column].astype("string")
    for column in ("service_recurrence_at", "theme_recurrence_at"):
        result[column] = pd.to_datetime(result[column], utc=True).astype("datetime64[us, UTC]")
    result["recurred"] = result["service_recurrence"].notna() | result["theme_recurrence"].notna()
    return result


def prevention(corpus: Corpus, as_of: date | str, within_days: int = 90) -> pd.DataFrame:
    """Did completed actions prevent recurrence? Per action kind: of the actions done at least
    ``within_days`` before ``as_of``, how many saw an incident on the same service within
    ``within_days`` after completion.

    Returns
    -------
    DataFrame
        ``kind``, ``completed`` (observed for the whole window), ``recurred`` and
        ``recurrence_share``.

    Examples
    --------
    >>> from pmanalytics import Action, Corpus, PostMortem
    >>> corpus = Corpus.from_postmortems([
    ...     PostMortem(id="p1", title="T", services=["api"], started_at="2024-01-01T00:00Z",
    ...         actions=[Action(id="a", title="A", kind="prevent", status="done",
    ...             created_at="2024-01-02T00:00Z", completed_at="2024-01-03T00:00Z")]),
    ...     PostMortem(id="p2", title="T", services=["api"], started_at="2024-02-01T00:00Z")])
    >>> prevention(corpus, "2024-12-31", 90).values.tolist()
    [['prevent', 1, 1, 1.0]]
    """
    days = _check_days(within_days, "within_days")
    day = to_date(as_of)
    cutoff = _cutoff(day)
    status = action_status(corpus, day)
    done = status[(status["state"] == "done") & status["completed_at"].notna()]
    done = done[done["completed_at"] + pd.Timedelta(days=days) < cutoff]
    left = done[["incident_id", "action_id", "completed_at", "kind"]].merge(
        corpus.incidents[["incident_id", "services"]], on="incident_id"
    )
    left = left.explode("services").rename(columns={"services": "service"})
    incident_services = corpus.incidents[["incident_id", "services", "started_at"]].explode(
        "services"
    )
    incident_services = incident_services.rename(columns={"services": "service"})
    found = _next_incident(left, incident_services, "service", "completed_at", cutoff)
    found = found.merge(
        done[["incident_id", "action_id", "completed_at"]].astype(
            {"incident_id": str, "action_id": str}
        ),
        on=["incident_id", "action_id"],
    )
    soon = found[found["next_at"] <= found["completed_at"] + pd.Timedelta(days=days)]
    recurred = set(zip(soon["incident_id"], soon["action_id"], strict=True))
    frame = pd.DataFrame(
        {
            "kind": done["kind"].astype("string").fillna("other").to_numpy(),
            "recurred": [
                (str(i), str(a)) in recurred
                for i, a in zip(done["incident_id"], done["action_id"], strict=True)
            ],
        }
    )
    table = frame.groupby("kind", sort=True).agg(
        completed=("recurred", "size"), recurred=("recurred", "sum")
    )
    table = table.astype("int64")
    table["recurrence_share"] = table["recurred"] / table["completed"]
    return table.reset_index()
