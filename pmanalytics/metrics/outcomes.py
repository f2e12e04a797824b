"""Follow-through and outcomes: did actions close in time, and did their problem recur since?"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from ..corpus import Corpus
from ._common import DAY, check_days, cutoff, days as as_days, to_date
from .actions import action_status, status_of
from .effectiveness import action_effectiveness, as_utc_us, linked_actions

__all__ = ["action_recurrence", "follow_through", "follow_through_rate", "prevention"]


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
    days = check_days(within_days, "within_days")
    day = to_date(as_of)
    status = status_of(data, day)
    status = status[status["created_at"].notna()]
    window_end = status["created_at"] + as_days(days)
    closed = status["state"] != "open"
    in_time = closed & ~(status["completed_at"] > window_end).fillna(False)
    late = (closed & ~in_time) | (~closed & (window_end < cutoff(day) - DAY))
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


def action_recurrence(
    corpus: Corpus, as_of: date | str, *, recurring: pd.DataFrame | None = None
) -> pd.DataFrame:
    """For each action: did the problem it addresses recur since it was done (or created)?

    The problem is the recurring problem the action is linked to (see
    :func:`pmanalytics.metrics.effectiveness.linked_actions`: by ``addresses`` or text, never by
    service). "Since" is its completion when it was done by ``as_of``, else its creation; the
    recurrence is the first incident of the problem (not the action's own) started after that
    and by ``as_of``.

    Returns
    -------
    DataFrame
        ``incident_id``, ``action_id``, ``problem`` (label; missing when not linked),
        ``linked_by``, ``since``, ``recurrence`` / ``recurrence_at`` (missing when none) and
        ``recurred``.

    Examples
    --------
    >>> from pmanalytics import Action, Corpus, PostMortem
    >>> def pm(n, text, actions=()):
    ...     return PostMortem(id=f"p{n}", title="T", started_at=f"2024-0{n}-01T00:00Z",
    ...         items=[{"id": "i", "section": "ongoing_problem", "text": text}], actions=actions)
    >>> corpus = Corpus.from_postmortems([
    ...     pm(1, "Disk full of debug logs", [Action(id="a", title="Rotate logs", addresses="i",
    ...                                              created_at="2024-01-02T00:00Z")]),
    ...     pm(2, "Debug logs filled the disk again")])
    >>> action_recurrence(corpus, "2024-03-01")[["action_id", "recurrence", "recurred"]]
    ...                                           # doctest: +NORMALIZE_WHITESPACE
      action_id recurrence  recurred
    0         a         p2      True
    """
    day = to_date(as_of)
    until = cutoff(day)
    links = linked_actions(corpus, day, recurring)
    table = links.attrs["recurring"]
    seen = {
        int(theme): list(zip(ids, times, strict=True))
        for theme, ids, times in zip(
            table["theme"], table["incident_ids"], table["seen_at"], strict=True
        )
    }
    actions = corpus.actions[["incident_id", "action_id", "created_at"]]
    first_link = links.drop_duplicates(["incident_id", "action_id"], keep="first")
    merged = actions.astype({"incident_id": str, "action_id": str}).merge(
        first_link, on=["incident_id", "action_id"], how="left"
    )
    rows = []
    records: list[dict[Any, Any]] = merged.to_dict("records")
    for row in records:
        since = (
            row["done_at"] if isinstance(row["done"], bool) and row["done"] else row["created_at"]
        )
        found = (None, pd.NaT)
        if not pd.isna(row["theme"]) and since is not None and not pd.isna(since):
            later = [
                (incident, at)
                for incident, at in seen.get(int(row["theme"]), [])
                if incident != row["incident_id"] and not pd.isna(at) and since < at < until
            ]
            if later:
                found = min(later, key=lambda pair: pair[1])
        rows.append(
            {
                "incident_id": row["incident_id"],
                "action_id": row["action_id"],
                "problem": None if pd.isna(row["label"]) else row["label"],
                "linked_by": None if pd.isna(row["linked_by"]) else row["linked_by"],
                "since": since,
                "recurrence": found[0],
                "recurrence_at": found[1],
            }
        )
    columns = ["incident_id", "action_id", "problem", "linked_by", "since", "recurrence"]
    result = pd.DataFrame(rows, columns=[*columns, "recurrence_at"])
    for column in ("incident_id", "action_id", "problem", "linked_by", "recurrence"):
        result[column] = result[column].astype("string")
    for column in ("since", "recurrence_at"):
        result[column] = as_utc_us(result[column])
    result["recurred"] = result["recurrence"].notna()
    return result


def prevention(
    corpus: Corpus,
    as_of: date | str,
    within_days: int = 90,
    *,
    recurring: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Did completed actions prevent their problem from recurring? Per action kind.

    Of the done actions linked to a recurring problem (see
    :func:`~pmanalytics.metrics.effectiveness.linked_actions`) and done at least
    ``within_days`` before ``as_of``: how many saw an incident **of the same problem** within
    ``within_days`` after completion. ``worked`` counts those whose problem's verdict in
    :func:`~pmanalytics.metrics.effectiveness.action_effectiveness` is ``worked``.

    Returns
    -------
    DataFrame
        ``kind``, ``completed`` (linked, done and observed for the whole window), ``recurred``,
        ``recurrence_share``, ``worked`` and ``not_linked`` (done actions of that kind, observed
        for the window, that address no recurring problem: nothing to judge them by).

    Examples
    --------
    >>> from pmanalytics import Action, Corpus, PostMortem
    >>> def pm(n, text, actions=()):
    ...     return PostMortem(id=f"p{n}", title="T", started_at=f"2024-0{n}-01T00:00Z",
    ...         items=[{"id": "i", "section": "ongoing_problem", "text": text}], actions=actions)
    >>> fix = Action(id="a", title="Rotate logs", kind="prevent", status="done", addresses="i",
    ...              created_at="2024-01-02T00:00Z", completed_at="2024-01-05T00:00Z")
    >>> corpus = Corpus.from_postmortems([pm(1, "Disk full of debug logs", [fix]),
    ...                                   pm(2, "Debug logs filled the disk again")])
    >>> prevention(corpus, "2024-12-31", 90).values.tolist()
    [['prevent', 1, 1, 1.0, 0, 0]]
    """
    days = check_days(within_days, "within_days")
    day = to_date(as_of)
    until = cutoff(day)
    window = as_days(days)
    links = linked_actions(corpus, day, recurring)
    table = links.attrs["recurring"]
    verdicts = action_effectiveness(corpus, day, recurring=table).set_index("theme")["verdict"]
    seen = {
        int(theme): list(zip(ids, times, strict=True))
        for theme, ids, times in zip(
            table["theme"], table["incident_ids"], table["seen_at"], strict=True
        )
    }
    done = links[links["done"].astype(bool).to_numpy()]
    done = done[(done["done_at"] + window < until).to_numpy()]
    done = done.drop_duplicates(["incident_id", "action_id"], keep="first")
    rows = []
    done_rows: list[dict[Any, Any]] = done.to_dict("records")
    for row in done_rows:
        soon = any(
            incident != row["incident_id"] and row["done_at"] < at <= row["done_at"] + window
            for incident, at in seen.get(int(row["theme"]), [])
            if not pd.isna(at)
        )
        rows.append(
            {
                "kind": row["kind"],
                "recurred": soon,
                "worked": verdicts.get(row["theme"]) == "worked",
            }
        )
    frame = pd.DataFrame(rows, columns=["kind", "recurred", "worked"])
    linked = set(zip(links["incident_id"], links["action_id"], strict=True))
    status = action_status(corpus, day)
    status = status[(status["state"] == "done") & status["completed_at"].notna()]
    status = status[(status["completed_at"] + window < until).to_numpy()]
    unlinked = [
        "other" if pd.isna(kind) else str(kind)
        for incident, action, kind in zip(
            status["incident_id"], status["action_id"], status["kind"], strict=True
        )
        if (str(incident), str(action)) not in linked
    ]
    kinds = sorted(set(frame["kind"]) | set(unlinked))
    out = frame.groupby("kind").agg(
        completed=("recurred", "size"), recurred=("recurred", "sum"), worked=("worked", "sum")
    )
    out = out.reindex(kinds, fill_value=0).astype("int64")
    with np.errstate(invalid="ignore", divide="ignore"):
        out["recurrence_share"] = out["recurred"] / out["completed"].replace(0, np.nan)
    out["not_linked"] = (
        pd.Series(unlinked, dtype=object)
        .value_counts()
        .reindex(kinds, fill_value=0)
        .astype("int64")
    )
    out = out.rename_axis("kind").reset_index()
    return out[["kind", "completed", "recurred", "recurrence_share", "worked", "not_linked"]]
