"""The review backlog: incidents still waiting for a reviewed post-mortem, and review lag.

A post-mortem counts as *reviewed* at ``as_of`` when its status is ``reviewed`` or
``closed`` and its review (when its date is known) was held by then. ``review_lag`` is
the whole days from the incident's start (its UTC day) to the day of the review.

Examples
--------
>>> from pmanalytics import Corpus, PostMortem
>>> corpus = Corpus.from_postmortems([
...     PostMortem(id="a", title="A", status="reviewed", started_at="2024-01-01T10:00Z",
...                review={"held_on": "2024-01-08"}, teams=["sre"]),
...     PostMortem(id="b", title="B", status="draft", started_at="2024-01-05T10:00Z")])
>>> review_backlog(corpus, "2024-01-20")[["incident_id", "age_days"]].values.tolist()
[['b', 15]]
>>> review_lag(corpus)[["incident_id", "review_lag_days"]].values.tolist()
[['a', 7]]
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from .._validate import check_choice, user_date
from ..corpus import Corpus
from .errors import FollowupError

__all__ = ["review_backlog", "review_lag", "review_lag_summary"]

_COLUMNS = ["incident_id", "title", "team", "severity", "status", "started_at"]


def _incidents(data: Corpus | pd.DataFrame) -> pd.DataFrame:
    if isinstance(data, Corpus):
        return data.incidents
    if isinstance(data, pd.DataFrame):
        return data
    raise FollowupError(f"'data' must be a Corpus or its incidents table, got {data!r:.60}")


def review_backlog(data: Corpus | pd.DataFrame, as_of: date | str) -> pd.DataFrame:
    """Incidents started by ``as_of`` without a reviewed post-mortem then, oldest first.

    Returns
    -------
    DataFrame
        ``incident_id``, ``title``, ``team``, ``severity``, ``status``, ``started_at`` and
        ``age_days`` (whole days since the incident's start day).
    """
    day = user_date(as_of, error=FollowupError)
    incidents = _incidents(data)
    cutoff = pd.Timestamp(day, tz="UTC") + pd.Timedelta(days=1)
    started = incidents["started_at"]
    exists = (started < cutoff).fillna(True).astype(bool)
    held = incidents["review_date"]
    reviewed = incidents["status"].isin(["reviewed", "closed"]).astype(bool) & ~(
        held > pd.Timestamp(day)
    ).fillna(False).astype(bool)
    found = incidents[exists & ~reviewed][_COLUMNS].copy()
    start_day = found["started_at"].dt.tz_convert("UTC").dt.tz_localize(None).dt.normalize()
    found["age_days"] = pd.array((pd.Timestamp(day) - start_day).dt.days, dtype="Int64")
    return found.sort_values("started_at", kind="stable", na_position="first").reset_index(
        drop=True
    )


def review_lag(data: Corpus | pd.DataFrame) -> pd.DataFrame:
    """Days from each incident's start to its review, for incidents with both dates.

    Returns
    -------
    DataFrame
        ``incident_id``, ``team``, ``severity``, ``started_at``, ``review_date`` and
        ``review_lag_days``.
    """
    incidents = _incidents(data)
    known = incidents[incidents["started_at"].notna() & incidents["review_date"].notna()]
    table = known[["incident_id", "team", "severity", "started_at", "review_date"]].copy()
    start_day = table["started_at"].dt.tz_convert("UTC").dt.tz_localize(None).dt.normalize()
    table["review_lag_days"] = (table["review_date"] - start_day).dt.days.astype("int64")
    return table.reset_index(drop=True)


def review_lag_summary(data: Corpus | pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Median and 90th-percentile review lag in days, overall or per ``team``/``severity``.

    Examples
    --------
    >>> frame = pd.DataFrame({"incident_id": ["a", "b"], "team": ["sre", "sre"],
    ...     "severity": ["SEV1", "SEV2"],
    ...     "started_at": pd.to_datetime(["2024-01-01", "2024-01-02"], utc=True),
    ...     "review_date": pd.to_datetime(["2024-01-03", "2024-01-12"])})
    >>> review_lag_summary(frame).to_dict("records")
    [{'group': 'all', 'incidents': 2, 'median_days': 6.0, 'p90_days': 9.2}]
    """
    check_choice("by", by, (None, "team", "severity"), error=FollowupError)
    lags = review_lag(data)
    groups = lags[by].astype("string").fillna("unknown") if by else pd.Series("all", lags.index)
    rows: list[dict[str, Any]] = []
    for group, part in lags.groupby(groups.to_numpy(), sort=True):
        days = part["review_lag_days"].to_numpy(dtype="float64")
        rows.append(
            {
                "group": str(group),
                "incidents": len(part),
                "median_days": float(np.quantile(days, 0.5)),
                "p90_days": round(float(np.quantile(days, 0.9)), 6),
            }
        )
    return pd.DataFrame(rows, columns=["group", "incidents", "median_days", "p90_days"])
