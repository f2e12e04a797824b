"""Follow-through and outcomes: did actions close in time, and did the incident recur since?"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from ..corpus import Corpus
from ._common import DAY, check_days, cutoff, to_date
from .actions import action_status, status_of

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
    window_end = status["created_at"] + pd.Timedelta(days=days)
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
    until = cutoff(to_date(as_of))
    actions = corpus.actions[["incident_id", "action_id", "created_at"]]
    incidents = corpus.incidents[["incident_id", "services", "started_at"]]
    by_service = actions.merge(incidents[["incident_id", "services"]], on="incident_id")
    by_service = by_service.explode("services").rename(columns={"services": "service"})
    incident_services = incidents.explode("services").rename(columns={"services": "service"})
    service_next = _next_incident(by_service, incident_services, "service", "created_at", until)

    themes = _action_themes(corpus)
    by_theme = themes.merge(actions, on=["incident_id", "action_id"])
    theme_rows = corpus.themes[["incident_id", "label"]].assign(
        theme=corpus.themes["label"].astype("string").str.casefold()
    )
    incident_themes = theme_rows.merge(incidents, on="incident_id")[
        ["incident_id", "theme", "started_at"]
    ]
    theme_next = _next_incident(by_theme, incident_themes, "theme", "created_at", until)

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
    days = check_days(within_days, "within_days")
    day = to_date(as_of)
    until = cutoff(day)
    status = action_status(corpus, day)
    done = status[(status["state"] == "done") & status["completed_at"].notna()]
    done = done[done["completed_at"] + pd.Timedelta(days=days) < until]
    left = done[["incident_id", "action_id", "completed_at", "kind"]].merge(
        corpus.incidents[["incident_id", "services"]], on="incident_id"
    )
    left = left.explode("services").rename(columns={"services": "service"})
    incident_services = corpus.incidents[["incident_id", "services", "started_at"]].explode(
        "services"
    )
    incident_services = incident_services.rename(columns={"services": "service"})
    found = _next_incident(left, incident_services, "service", "completed_at", until)
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
