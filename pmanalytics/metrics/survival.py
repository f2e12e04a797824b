"""How long actions take to close: Kaplan-Meier estimates, with open actions censored."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..corpus import Corpus
from ._common import check_by, cutoff, to_date
from .actions import status_of

__all__ = ["time_to_close_summary", "time_to_close_survival"]


def _close_durations(status: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Days from creation to completion (event) or to ``as_of`` / dropping (censored)."""
    known = status[status["created_at"].notna()]
    end = known["completed_at"].where(known["state"] != "open", cutoff(as_of))
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
    check_by(by, [None, "team", "kind", "priority", "severity", "owner"])
    status = _with_group(status_of(data, day), by)
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
