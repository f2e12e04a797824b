"""Did the fix work? Incidents of a recurring problem before and after its actions were done.

A *problem* is a row of :func:`pmanalytics.themes.recurring_problems` (the same specific
problem in several incidents), and its actions are the ones linked to it there (``linked_by``:
the action ``addresses`` one of its notes, or a per-incident theme of its notes, or its title is
similar enough). Nothing here looks at "any later incident on the same service".

For a problem whose first linked action was completed at ``fixed_at``:

- ``before``: its recurrences after its first incident (which starts the clock and is not
  counted) up to ``fixed_at``, over that many days;
- ``after``: its incidents from ``fixed_at`` to ``as_of``, over that many days;
- ``rate_ratio`` = after rate / before rate, with an exact interval (the after-count given the
  total is binomial; Clopper-Pearson at ``confidence``);
- ``base_ratio``: the same ratio, pooled over the problems with **no** completed action, split
  at the same ``fixed_at`` (problems recur less, or more, over time anyway: this is the
  comparison);
- ``verdict``: ``worked`` when the interval's upper end is below the base ratio (or 1 when
  there is no base); ``no sign it worked`` when the after rate is at least 3/4 of what the base
  predicts and it recurred at least twice; ``unclear`` otherwise; ``not enough data`` when
  either side is shorter than ``min_days`` or the problem has fewer than ``min_incidents``
  incidents; ``no completed action`` when nothing linked to it is done.

An action marked done without a completion time counts as done at its creation time (flagged in
``completed_known``).
"""

from __future__ import annotations

import warnings
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import beta

from .._validate import check_int, check_number
from ..corpus import Corpus
from ._common import MetricsError, cutoff, to_date

__all__ = [
    "EFFECTIVENESS_COLUMNS",
    "VERDICTS",
    "action_effectiveness",
    "as_utc_us",
    "linked_actions",
]

#: Columns of :func:`action_effectiveness`, in order.
EFFECTIVENESS_COLUMNS = (
    "theme",
    "label",
    "incidents",
    "fixed_at",
    "fix_actions",
    "linked_by",
    "completed_known",
    "before_incidents",
    "before_days",
    "after_incidents",
    "after_days",
    "before_rate",
    "after_rate",
    "rate_ratio",
    "ratio_low",
    "ratio_high",
    "base_ratio",
    "verdict",
)
#: The verdicts, from the clearest answer to none.
VERDICTS = ("worked", "no sign it worked", "unclear", "not enough data", "no completed action")
_YEAR = 365.0


def _recurring(corpus: Corpus, recurring: pd.DataFrame | None) -> pd.DataFrame:
    if recurring is not None:
        if not isinstance(recurring, pd.DataFrame) or "actions" not in recurring.columns:
            raise MetricsError("'recurring' must be the DataFrame of recurring_problems")
        return recurring
    from ..themes import ThemeWarning, recurring_problems  # the problems are themes' rule

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ThemeWarning)  # the parts used are in .attrs
        return recurring_problems(corpus)


def linked_actions(
    corpus: Corpus, as_of: date | str, recurring: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One row per (problem, linked action): ``theme``, ``label``, ``incident_id``,
    ``action_id``, ``kind``, ``linked_by``, ``done`` (by ``as_of``), ``done_at`` and
    ``completed_known``.

    Examples
    --------
    >>> linked_actions(Corpus(), "2024-01-01").empty
    True
    """
    day = to_date(as_of)
    until = cutoff(day)
    table = _recurring(corpus, recurring)
    kinds = {
        (str(i), str(a)): k
        for i, a, k in zip(
            corpus.actions["incident_id"],
            corpus.actions["action_id"],
            corpus.actions["kind"],
            strict=True,
        )
    }
    created = {
        (str(i), str(a)): c
        for i, a, c in zip(
            corpus.actions["incident_id"],
            corpus.actions["action_id"],
            corpus.actions["created_at"],
            strict=True,
        )
    }
    rows = []
    for theme, label, actions in zip(table["theme"], table["label"], table["actions"], strict=True):
        for action in actions:
            key = (str(action["incident_id"]), str(action["action_id"]))
            completed = action.get("completed_at")
            known = completed is not None and not pd.isna(completed)
            when = completed if known else created.get(key)
            when = None if when is None or pd.isna(when) else pd.Timestamp(when)
            done = action["status"] == "done" and when is not None and when < until
            kind = kinds.get(key)
            rows.append(
                {
                    "theme": int(theme),
                    "label": str(label),
                    "incident_id": key[0],
                    "action_id": key[1],
                    "kind": "other" if kind is None or pd.isna(kind) else str(kind),
                    "linked_by": str(action["linked_by"]),
                    "done": bool(done),
                    "done_at": when if done else pd.NaT,
                    "completed_known": bool(known),
                }
            )
    columns = ["theme", "label", "incident_id", "action_id", "kind", "linked_by", "done"]
    frame = pd.DataFrame(rows, columns=[*columns, "done_at", "completed_known"])
    frame["done_at"] = as_utc_us(frame["done_at"])
    frame.attrs["recurring"] = table
    return frame


def as_utc_us(values: pd.Series) -> pd.Series:
    """Timestamps (or missing values) as microsecond UTC, so a post-mortem from 1628 fits."""
    stamps = [
        pd.NaT if value is None or pd.isna(value) else _utc(pd.Timestamp(value)) for value in values
    ]
    return pd.Series(stamps, index=values.index, dtype="datetime64[us, UTC]")


def _utc(stamp: pd.Timestamp) -> pd.Timestamp:
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    return stamp.as_unit("us")


def _interval(after: int, total: int, share: float, confidence: float) -> tuple[float, float]:
    """Clopper-Pearson bounds of the rate ratio, from ``after`` of ``total`` incidents falling
    in the after window, which holds ``share`` of the exposure."""
    alpha = 1.0 - confidence
    low_p = 0.0 if after == 0 else float(beta.ppf(alpha / 2, after, total - after + 1))
    high_p = 1.0 if after == total else float(beta.ppf(1 - alpha / 2, after + 1, total - after))
    odds = (1.0 - share) / share

    def ratio(p: float) -> float:
        return float("inf") if p >= 1.0 else p / (1.0 - p) * odds

    return ratio(low_p), ratio(high_p)


def _days(later: pd.Timestamp, earlier: pd.Timestamp) -> float:
    return max(0.0, (later - earlier).total_seconds() / 86_400.0)


def _counts(
    seen: list[pd.Timestamp], first: pd.Timestamp, split: pd.Timestamp, until: pd.Timestamp
) -> tuple[int, float, int, float]:
    """Recurrences before and after ``split``: the first incident starts the clock and is not
    itself counted (it is how the problem became known, not a recurrence)."""
    before = sum(1 for t in seen if first < t < split)
    after = sum(1 for t in seen if split <= t < until)
    return before, _days(split, first), after, _days(until, split)


def action_effectiveness(
    corpus: Corpus,
    as_of: date | str,
    *,
    recurring: pd.DataFrame | None = None,
    min_days: int = 90,
    min_incidents: int = 3,
    confidence: float = 0.9,
) -> pd.DataFrame:
    """For each recurring problem: its incident rate before vs after its actions were done.

    Parameters
    ----------
    corpus : Corpus
    as_of : date or str
        The day to measure at: later incidents and completions are not counted.
    recurring : DataFrame, optional
        The table of :func:`pmanalytics.themes.recurring_problems` (computed when omitted).
    min_days : int
        The shortest before and after windows (days) that give a verdict.
    min_incidents : int
        The fewest incidents of a problem that give a verdict.
    confidence : float
        Of the interval of ``rate_ratio``.

    Returns
    -------
    DataFrame
        Columns :data:`EFFECTIVENESS_COLUMNS` (rates per 365 days), problems with a completed
        action first.

    Examples
    --------
    >>> from pmanalytics import Action, Corpus, PostMortem
    >>> def pm(n, actions=()):
    ...     return PostMortem(id=f"p{n}", title="T", started_at=f"2022-{n + 6:02d}-01T10:00Z",
    ...         items=[{"id": "i", "section": "ongoing_problem",
    ...                 "text": f"The TLS certificate expired without warning ({n})"}],
    ...         actions=actions)
    >>> fix = Action(id="a", title="Alert on certificate expiry", status="done", addresses="i",
    ...              created_at="2022-11-02T00:00Z", completed_at="2022-11-10T00:00Z")
    >>> corpus = Corpus.from_postmortems([pm(1), pm(2), pm(3), pm(4), pm(5, [fix])])
    >>> row = action_effectiveness(corpus, "2024-06-01").iloc[0]
    >>> int(row["before_incidents"]), int(row["after_incidents"]), row["verdict"]
    (4, 0, 'worked')
    """
    day = to_date(as_of)
    check_int("min_days", min_days, minimum=0, error=MetricsError)
    check_int("min_incidents", min_incidents, minimum=1, error=MetricsError)
    level = check_number("confidence", confidence, minimum=0.5, maximum=0.999, error=MetricsError)
    until = cutoff(day)
    table = _recurring(corpus, recurring)
    links = linked_actions(corpus, day, table)
    done = links.loc[links["done"].astype(bool).to_numpy()]
    problems: list[dict[str, Any]] = []
    records: list[dict[Any, Any]] = table.to_dict("records")
    for row in records:
        seen = sorted(
            pd.Timestamp(t) for t in row["seen_at"] if not pd.isna(t) and pd.Timestamp(t) < until
        )
        mine = done[done["theme"] == row["theme"]].sort_values("done_at", kind="stable")
        fixed = mine.iloc[0] if len(mine) else None
        problems.append(
            {
                "theme": int(row["theme"]),
                "label": str(row["label"]),
                "seen": seen,
                "fixed_at": fixed["done_at"] if fixed is not None else pd.NaT,
                "fix_actions": [
                    f"{i}/{a}" for i, a in zip(mine["incident_id"], mine["action_id"], strict=True)
                ],
                "linked_by": str(fixed["linked_by"]) if fixed is not None else "",
                "completed_known": bool(fixed["completed_known"]) if fixed is not None else False,
            }
        )
    untreated = [p for p in problems if pd.isna(p["fixed_at"]) and p["seen"]]
    rows = []
    for problem in problems:
        seen, split = problem["seen"], problem["fixed_at"]
        out = {
            k: problem[k]
            for k in ("theme", "label", "fixed_at", "fix_actions", "linked_by", "completed_known")
        }
        out["incidents"] = len(seen)
        if pd.isna(split) or not seen:
            rows.append({**out, "verdict": "no completed action"})
            continue
        before, before_days, after, after_days = _counts(seen, seen[0], split, until)
        out.update(
            before_incidents=before,
            before_days=round(before_days, 1),
            after_incidents=after,
            after_days=round(after_days, 1),
        )
        if before_days <= 0 or after_days <= 0 or before + after == 0:
            rows.append({**out, "verdict": "not enough data"})
            continue
        before_rate, after_rate = before / before_days * _YEAR, after / after_days * _YEAR
        ratio = (after / after_days) / (before / before_days) if before else float("nan")
        low, high = _interval(after, before + after, after_days / (before_days + after_days), level)
        base = _base_ratio(untreated, split, until)
        out.update(
            before_rate=round(before_rate, 3),
            after_rate=round(after_rate, 3),
            rate_ratio=ratio,
            ratio_low=low,
            ratio_high=high,
            base_ratio=base,
        )
        out["verdict"] = _verdict(
            len(seen),
            before_days,
            after_days,
            after,
            ratio,
            high,
            base,
            min_days,
            min_incidents,
        )
        rows.append(out)
    frame = pd.DataFrame(rows, columns=list(EFFECTIVENESS_COLUMNS))
    for column in ("before_incidents", "after_incidents"):
        frame[column] = frame[column].astype("Int64")
    for column in (
        "before_days",
        "after_days",
        "before_rate",
        "after_rate",
        "rate_ratio",
        "ratio_low",
        "ratio_high",
        "base_ratio",
    ):
        frame[column] = frame[column].astype("float64")
    frame["fixed_at"] = as_utc_us(frame["fixed_at"])
    order = frame["verdict"].map({v: n for n, v in enumerate(VERDICTS)})
    frame = frame.assign(_o=order).sort_values(
        ["_o", "incidents"], ascending=[True, False], kind="stable"
    )
    return frame.drop(columns="_o").reset_index(drop=True)


def _base_ratio(untreated: list[dict[str, Any]], split: pd.Timestamp, until: pd.Timestamp) -> float:
    """After/before rate ratio pooled over untreated problems seen before ``split``."""
    before = after = before_days = after_days = 0.0
    for problem in untreated:
        seen = problem["seen"]
        if seen[0] >= split:
            continue
        b, bd, a, ad = _counts(seen, seen[0], split, until)
        before, before_days, after, after_days = (
            before + b,
            before_days + bd,
            after + a,
            after_days + ad,
        )
    if not before or not before_days or not after_days:
        return float("nan")
    return (after / after_days) / (before / before_days)


def _verdict(
    total: int,
    before_days: float,
    after_days: float,
    after: int,
    ratio: float,
    high: float,
    base: float,
    min_days: int,
    min_incidents: int,
) -> str:
    if total < min_incidents or before_days < min_days or after_days < min_days:
        return "not enough data"
    reference = base if np.isfinite(base) and base > 0 else 1.0
    reference = min(reference, 1.0)
    if high < reference:
        return "worked"
    if after >= 2 and np.isfinite(ratio) and ratio >= 0.75 * reference:
        return "no sign it worked"
    return "unclear"
