"""Where actions stand at a date: open, overdue, completion, burn-up and load per owner.

:func:`action_status` is the vectorised twin of the lifecycle on
:class:`pmanalytics.Action` (``state_at``, ``days_overdue``, ``age_days``), in the same
convention: ``as_of`` is a calendar day (a datetime means its own), events count on their UTC
date, an action created after ``as_of`` does not exist yet, and a ``done`` action completed
after ``as_of`` was still open then. A property test keeps the two in agreement.
An action's team and service are those of its incident (its first team and service).
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

import numpy as np
import pandas as pd

from .._model import OPEN_ACTION_STATUSES
from ..corpus import Corpus
from ._common import Freq, check_by, check_freq, cutoff, period_starts, periods, to_date

__all__ = [
    "action_status",
    "burnup",
    "completion_by_period",
    "open_actions",
    "open_summary",
    "overdue_actions",
    "owner_load",
    "status_of",
]


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
    end = cutoff(day)
    if isinstance(data, Corpus):
        actions = data.actions
        context = data.incidents[["incident_id", "team", "service", "severity"]]
        actions = actions.merge(context, on="incident_id", how="left")
    else:
        actions = data.copy()
    created = actions["created_at"]
    actions = actions[~(created >= end).fillna(False)].reset_index(drop=True)
    status = actions["status"].astype(object)
    completed = actions["completed_at"]
    finished = ~status.isin(OPEN_ACTION_STATUSES) & ~(completed >= end).fillna(False)
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


def status_of(data: Corpus | pd.DataFrame, as_of: date | str) -> pd.DataFrame:
    """``data`` itself when it is already an :func:`action_status` table, else that table."""
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
    status = status_of(data, as_of)
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
    status = status_of(data, as_of)
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
    code = check_freq(freq)
    status = status_of(data, as_of)
    status = status[status["created_at"].notna()]
    period = periods(status["created_at"], code, "UTC")
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
    table.index = period_starts(pd.PeriodIndex(table.index, freq=code))
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
    code = check_freq(freq)
    status = status_of(data, as_of)
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
    first = periods(created, code, "UTC").min()
    last = pd.Period(pd.Timestamp(to_date(as_of)), freq=code)
    span = pd.period_range(first, max(first, last), freq=code)

    def cumulative(stamps: pd.Series) -> np.ndarray[Any, np.dtype[np.int64]]:
        counts = periods(stamps, code, "UTC").value_counts()
        counts = counts.reindex(span, fill_value=0)
        before = int((periods(stamps, code, "UTC") < span[0]).sum())
        return np.asarray(counts.cumsum().to_numpy() + before, dtype="int64")

    table = pd.DataFrame(
        {
            "period": period_starts(span),
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
    check_by(by, ["owner", "team"])
    status = status_of(data, as_of)
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
