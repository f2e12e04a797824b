"""Figures for recurring problems: a theme-by-month heatmap and a recurrence timeline.

Both take the DataFrame returned by :func:`pmanalytics.themes.recurring_problems`
and only render it: no computation beyond reshaping, no I/O.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ._text import escaped_all

__all__ = ["recurrence_timeline", "theme_month_heatmap"]

_NEEDED = ("label", "incident_ids", "seen_at")


def _check(recurring: pd.DataFrame, extra: tuple[str, ...] = ()) -> None:
    from pmanalytics.themes import ThemeError

    if not isinstance(recurring, pd.DataFrame):
        raise ThemeError(
            "'recurring' must be the DataFrame of recurring_problems, "
            f"got {type(recurring).__name__}"
        )
    missing = [c for c in (*_NEEDED, *extra) if c not in recurring.columns]
    if missing:
        raise ThemeError(f"'recurring' lacks the columns {missing} (use recurring_problems)")


def _occurrences(recurring: pd.DataFrame, top: int | None) -> pd.DataFrame:
    frame = recurring if top is None else recurring.head(top)
    rows = [
        {"label": label, "incident_id": incident, "seen_at": seen}
        for label, incidents, seens in zip(
            frame["label"], frame["incident_ids"], frame["seen_at"], strict=True
        )
        for incident, seen in zip(incidents, seens, strict=True)
    ]
    out = pd.DataFrame(rows, columns=["label", "incident_id", "seen_at"])
    out["seen_at"] = pd.to_datetime(out["seen_at"], utc=True)
    return out.dropna(subset=["seen_at"])


def theme_month_heatmap(recurring: pd.DataFrame, *, top: int | None = 15) -> go.Figure:
    """Incidents per theme and month, as a heatmap (themes in the table's order).

    Examples
    --------
    >>> frame = pd.DataFrame({"label": ["dns"], "incident_ids": [["a", "b"]],
    ...                       "seen_at": [[pd.Timestamp("2024-01-03", tz="UTC"),
    ...                                    pd.Timestamp("2024-03-09", tz="UTC")]]})
    >>> fig = theme_month_heatmap(frame)
    >>> list(fig.data[0].x), fig.data[0].z.tolist()
    (['2024-01', '2024-02', '2024-03'], [[1, 0, 1]])
    """
    _check(recurring)
    events = _occurrences(recurring, top)
    labels = list(dict.fromkeys(recurring["label"] if top is None else recurring["label"][:top]))
    if events.empty:
        months: list[str] = []
        table = pd.DataFrame(index=labels)
    else:
        events["month"] = events["seen_at"].dt.tz_convert("UTC").dt.strftime("%Y-%m")
        first, last = events["seen_at"].min(), events["seen_at"].max()
        span = pd.period_range(first.strftime("%Y-%m"), last.strftime("%Y-%m"), freq="M")
        months = [str(p) for p in span]
        table = (
            events.groupby(["label", "month"])
            .size()
            .unstack(fill_value=0)
            .reindex(index=labels, columns=months, fill_value=0)
        )
    figure = go.Figure(
        go.Heatmap(
            x=months,
            y=escaped_all(labels),
            z=table.to_numpy(dtype=int),
            colorscale="Reds",
            colorbar={"title": "incidents"},
            hovertemplate="%{y}<br>%{x}: %{z} incidents<extra></extra>",
        )
    )
    figure.update_layout(
        title="Recurring problems by month",
        xaxis_title="month",
        yaxis={"autorange": "reversed"},
        height=max(300, 28 * len(labels) + 120),
    )
    return figure


def recurrence_timeline(recurring: pd.DataFrame, *, top: int | None = 15) -> go.Figure:
    """Each theme's incidents over time, with done actions and recurrences after them.

    Circles are incidents (red once an action linked to the theme was already done),
    green diamonds the completion of linked actions.

    Examples
    --------
    >>> seen = [pd.Timestamp("2024-01-03", tz="UTC"), pd.Timestamp("2024-03-09", tz="UTC")]
    >>> frame = pd.DataFrame({"label": ["dns"], "incident_ids": [["a", "b"]], "seen_at": [seen],
    ...     "actions": [[{"title": "Add a DNS cache", "status": "done",
    ...                   "completed_at": pd.Timestamp("2024-02-01", tz="UTC")}]]})
    >>> [trace.name for trace in recurrence_timeline(frame).data]
    ['incident', 'incident after a done action', 'action done']
    """
    _check(recurring, ("actions",))
    frame = recurring if top is None else recurring.head(top)
    events = _occurrences(frame, None)
    done_rows = [
        {"label": label, "at": action["completed_at"], "title": action["title"]}
        for label, actions in zip(frame["label"], frame["actions"], strict=True)
        for action in actions
        if action.get("status") == "done" and action.get("completed_at") is not None
    ]
    done = pd.DataFrame(done_rows, columns=["label", "at", "title"])
    first_done = done.groupby("label")["at"].min() if len(done) else pd.Series(dtype=object)
    after = [
        label in first_done.index and seen > first_done[label]
        for label, seen in zip(events["label"], events["seen_at"], strict=True)
    ]
    events["after"] = after
    figure = go.Figure()
    for name, part, colour in (
        ("incident", events[~events["after"]], "#4c78a8"),
        ("incident after a done action", events[events["after"]], "#d62728"),
    ):
        figure.add_trace(
            go.Scatter(
                x=part["seen_at"],
                y=escaped_all(part["label"]),
                mode="markers",
                name=name,
                marker={"size": 9, "color": colour},
                text=escaped_all(part["incident_id"]),
                hovertemplate="%{y}<br>%{x|%Y-%m-%d}: %{text}<extra></extra>",
            )
        )
    figure.add_trace(
        go.Scatter(
            x=done["at"],
            y=escaped_all(done["label"]),
            mode="markers",
            name="action done",
            marker={"symbol": "diamond", "size": 11, "color": "#2ca02c"},
            text=escaped_all(done["title"]),
            hovertemplate="%{y}<br>done %{x|%Y-%m-%d}: %{text}<extra></extra>",
        )
    )
    labels = escaped_all(dict.fromkeys(frame["label"]))
    figure.update_layout(
        title="Recurrences of each problem, and when its actions were done",
        xaxis_title="date",
        yaxis={"categoryorder": "array", "categoryarray": labels[::-1]},
        height=max(300, 28 * len(labels) + 140),
    )
    return figure
