"""Trends across incidents: counts per period, durations, repeats and customer impact.

Durations are heavy-tailed, so they are summarised by median, 90th percentile and a
distribution, never by a mean alone. Incidents are bucketed into weeks (starting Monday),
months or quarters by their start, in UTC unless ``tz`` names another zone. An incident on
several services (or teams) counts once for each of them when grouped by service (or team).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .._validate import check_int
from ..corpus import Corpus
from ._common import (
    Freq,
    GroupBy,
    MetricsError,
    check_by,
    check_days,
    check_freq,
    incidents_of,
    period_starts,
    periods,
)

__all__ = [
    "DURATIONS",
    "customer_impact",
    "duration_histogram",
    "duration_summary",
    "incident_counts",
    "repeat_incidents",
    "service_period_matrix",
    "severity_order",
]

#: The incident durations, as ``measure name -> column``.
DURATIONS: dict[str, str] = {
    "detect": "time_to_detect_min",
    "mitigate": "time_to_mitigate_min",
    "resolve": "time_to_resolve_min",
}


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
    code = check_freq(freq)
    check_by(by, [None, "severity", "service", "team"])
    incidents = incidents_of(data)
    incidents = incidents[incidents["started_at"].notna()]
    grouped = _grouped(incidents, by)
    grouped = grouped.assign(period=periods(grouped["started_at"], code, tz))
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
    table["period"] = period_starts(table["period"])
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
    days = check_days(within_days, "within_days")
    incidents = incidents_of(data)
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
    check_by(by, [None, "severity", "service", "team"])
    incidents = incidents_of(data)
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
    bins_per_decade = check_int("bins_per_decade", bins_per_decade, minimum=1, error=MetricsError)
    incidents = incidents_of(data)
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
    check_by(by, [None, "severity", "service", "team"])
    grouped = _grouped(incidents_of(data), by)
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
