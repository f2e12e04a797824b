"""Figures for trends across incidents and action follow-through.

Each builder takes a frame computed by :mod:`pmanalytics.metrics` and returns a plotly
figure: no computation beyond layout, no I/O. User text (service, team and owner names) is
HTML-escaped before it reaches plotly, whose labels accept a little HTML.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ._text import escaped, escaped_all

__all__ = [
    "action_burnup",
    "duration_distribution",
    "incident_trend",
    "overdue_by_owner_team",
    "service_heatmap",
    "time_to_close_curve",
]

#: Worst first; further severities cycle through the neutral tail.
SEVERITY_COLOURS = ("#b2182b", "#ef8a62", "#fddbc7", "#92c5de", "#4393c3", "#2166ac", "#bababa")
MEASURE_COLOURS = {"detect": "#1b9e77", "mitigate": "#d95f02", "resolve": "#7570b3"}
_LAYOUT: dict[str, Any] = {
    "template": "plotly_white",
    "margin": {"l": 60, "r": 20, "t": 50, "b": 50},
    "legend": {"orientation": "h", "y": -0.2},
    "height": 380,
}


_text = escaped
_texts = escaped_all


def _figure(title: str) -> go.Figure:
    figure = go.Figure()
    figure.update_layout(title={"text": title}, **_LAYOUT)
    return figure


def incident_trend(counts: pd.DataFrame, *, title: str = "Incidents by severity") -> go.Figure:
    """Incidents per period, stacked by severity (worst at the bottom).

    Parameters
    ----------
    counts : DataFrame
        From :func:`pmanalytics.metrics.incident_counts` with ``by="severity"``: ``period``,
        ``severity``, ``incidents``, severities in order worst first.

    Examples
    --------
    >>> counts = pd.DataFrame({"period": pd.to_datetime(["2024-01-01", "2024-01-01"]),
    ...                        "severity": ["SEV1", "SEV2"], "incidents": [1, 3]})
    >>> [(t.name, list(t.y)) for t in incident_trend(counts).data]
    [('SEV1', [1]), ('SEV2', [3])]
    """
    figure = _figure(title)
    for index, severity in enumerate(dict.fromkeys(counts["severity"])):
        part = counts[counts["severity"] == severity]
        figure.add_bar(
            x=part["period"],
            y=part["incidents"].to_numpy().tolist(),
            name=_text(severity),
            marker_color=SEVERITY_COLOURS[min(index, len(SEVERITY_COLOURS) - 1)],
            hovertemplate="%{x|%Y-%m-%d}: %{y}<extra>%{fullData.name}</extra>",
        )
    figure.update_layout(barmode="stack", yaxis_title="incidents")
    return figure


def duration_distribution(
    histogram: pd.DataFrame,
    summary: pd.DataFrame | None = None,
    *,
    title: str = "Time to detect, mitigate and resolve",
) -> go.Figure:
    """The distribution of each duration as a step line over log-spaced bins (log x axis).

    Parameters
    ----------
    histogram : DataFrame
        From :func:`pmanalytics.metrics.duration_histogram`.
    summary : DataFrame, optional
        From :func:`pmanalytics.metrics.duration_summary`; puts each median and 90th
        percentile in the legend.

    Examples
    --------
    >>> histogram = pd.DataFrame({"measure": ["resolve", "resolve"], "bin_left": [1.0, 10.0],
    ...                           "bin_right": [10.0, 100.0], "count": [4, 1]})
    >>> trace = duration_distribution(histogram).data[0]
    >>> trace.name, list(trace.x), list(trace.y)
    ('resolve', [1.0, 10.0, 100.0], [4, 1, 1])
    """
    figure = _figure(title)
    stats = pd.DataFrame() if summary is None else summary.set_index("measure")
    for measure in dict.fromkeys(histogram["measure"]):
        part = histogram[histogram["measure"] == measure]
        name = str(measure)
        if summary is not None and measure in stats.index and stats.loc[measure, "count"] > 0:
            median, p90 = stats.loc[measure, "median"], stats.loc[measure, "p90"]
            name += f" (median {_minutes(median)}, p90 {_minutes(p90)})"
        counts = part["count"].to_numpy()
        figure.add_scatter(
            x=[*part["bin_left"], part["bin_right"].iloc[-1]],
            y=[*counts.tolist(), int(counts[-1])],
            mode="lines",
            line={"shape": "hv", "color": MEASURE_COLOURS.get(str(measure))},
            name=name,
            hovertemplate="from %{x:.0f} min: %{y} incidents<extra>%{fullData.name}</extra>",
        )
    figure.update_xaxes(type="log", title="minutes (log scale)")
    figure.update_yaxes(title="incidents")
    return figure


def _minutes(value: float) -> str:
    if not np.isfinite(value):
        return "n/a"
    if value < 120:
        return f"{value:.0f} min"
    if value < 48 * 60:
        return f"{value / 60:.1f} h"
    return f"{value / 1440:.1f} d"


def action_burnup(burnup: pd.DataFrame, *, title: str = "Actions: burn-up") -> go.Figure:
    """Actions created and completed over time (cumulative), with the open gap between.

    Parameters
    ----------
    burnup : DataFrame
        From :func:`pmanalytics.metrics.burnup`.

    Examples
    --------
    >>> frame = pd.DataFrame({"period": pd.to_datetime(["2024-01-01", "2024-02-01"]),
    ...     "created": [2, 3], "completed": [0, 1], "closed": [0, 2], "open": [2, 1]})
    >>> [(t.name, list(t.y)) for t in action_burnup(frame).data]
    [('created', [2, 3]), ('completed', [0, 1]), ('open', [2, 1])]
    """
    figure = _figure(title)
    figure.add_scatter(
        x=burnup["period"], y=burnup["created"].tolist(), name="created", mode="lines",
        line={"color": "#4393c3", "width": 2},
    )  # fmt: skip
    figure.add_scatter(
        x=burnup["period"], y=burnup["completed"].tolist(), name="completed", mode="lines",
        line={"color": "#1b9e77", "width": 2}, fill="tonexty", fillcolor="rgba(239,138,98,0.25)",
    )  # fmt: skip
    figure.add_scatter(
        x=burnup["period"], y=burnup["open"].tolist(), name="open", mode="lines",
        line={"color": "#b2182b", "dash": "dot"},
    )  # fmt: skip
    figure.update_yaxes(title="actions (cumulative)")
    return figure


def overdue_by_owner_team(
    owners: pd.DataFrame,
    teams: pd.DataFrame,
    *,
    top: int = 15,
    title: str = "Open and overdue actions",
) -> go.Figure:
    """Overdue and other open actions per owner (the ``top`` heaviest) and per team.

    Parameters
    ----------
    owners, teams : DataFrame
        From :func:`pmanalytics.metrics.owner_load` with ``by="owner"`` and ``by="team"``.

    Examples
    --------
    >>> owners = pd.DataFrame({"owner": ["ana", "bo"], "open": [3, 1], "overdue": [2, 0]})
    >>> teams = pd.DataFrame({"team": ["sre"], "open": [4], "overdue": [2]})
    >>> figure = overdue_by_owner_team(owners, teams)
    >>> [(t.name, list(t.y), list(t.x)) for t in figure.data][:2]
    [('overdue', ['bo', 'ana'], [0, 2]), ('open, not overdue', ['bo', 'ana'], [1, 1])]
    """
    figure = make_subplots(
        rows=1, cols=2, subplot_titles=("by owner", "by team"), horizontal_spacing=0.18
    )
    figure.update_layout(title={"text": title}, barmode="stack", **_LAYOUT)
    for col, frame, key in ((1, owners.head(top), "owner"), (2, teams, "team")):
        frame = frame.iloc[::-1]  # plotly draws the first category at the bottom
        names = _texts(frame[key])
        overdue = frame["overdue"].to_numpy()
        figure.add_bar(
            y=names, x=overdue.tolist(), name="overdue", orientation="h", marker_color="#b2182b",
            legendgroup="overdue", showlegend=col == 1, row=1, col=col,
        )  # fmt: skip
        figure.add_bar(
            y=names, x=(frame["open"].to_numpy() - overdue).tolist(), name="open, not overdue",
            orientation="h", marker_color="#92c5de", legendgroup="open", showlegend=col == 1,
            row=1, col=col,
        )  # fmt: skip
    figure.update_xaxes(title="actions")
    figure.update_layout(height=max(380, 22 * min(top, len(owners)) + 140))
    return figure


def time_to_close_curve(
    curve: pd.DataFrame, *, title: str = "Time to close (Kaplan-Meier)"
) -> go.Figure:
    """The share of actions still open by days since creation, with a 95% band.

    Parameters
    ----------
    curve : DataFrame
        From :func:`pmanalytics.metrics.time_to_close_survival`.

    Examples
    --------
    >>> curve = pd.DataFrame({"group": ["all"] * 2, "days": [0.0, 3.0],
    ...     "still_open": [1.0, 0.5], "ci_lower": [1.0, 0.2], "ci_upper": [1.0, 0.8]})
    >>> [(t.name, list(t.y)) for t in time_to_close_curve(curve).data if t.name]
    [('all', [1.0, 0.5])]
    """
    figure = _figure(title)
    palette = ("#4393c3", "#b2182b", "#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e")
    for index, group in enumerate(dict.fromkeys(curve["group"])):
        part = curve[curve["group"] == group]
        colour = palette[index % len(palette)]
        days = part["days"].tolist()
        figure.add_scatter(
            x=[*days, *days[::-1]],
            y=[*part["ci_upper"].tolist(), *part["ci_lower"].tolist()[::-1]],
            fill="toself", line={"width": 0, "shape": "hv"}, fillcolor=colour, opacity=0.15,
            hoverinfo="skip", showlegend=False, name="",
        )  # fmt: skip
        figure.add_scatter(
            x=days, y=part["still_open"].to_numpy().tolist(), name=_text(group), mode="lines",
            line={"shape": "hv", "color": colour},
            hovertemplate="day %{x:.0f}: %{y:.0%} still open<extra>%{fullData.name}</extra>",
        )  # fmt: skip
    figure.update_xaxes(title="days since the action was created")
    figure.update_yaxes(title="share still open", range=[0, 1.02], tickformat=".0%")
    return figure


def service_heatmap(
    matrix: pd.DataFrame, *, title: str = "Incidents by service and month"
) -> go.Figure:
    """Incidents per service (rows) and period (columns).

    Parameters
    ----------
    matrix : DataFrame
        From :func:`pmanalytics.metrics.service_period_matrix`.

    Examples
    --------
    >>> matrix = pd.DataFrame({"2024-01": [1, 0], "2024-02": [2, 1]}, index=["api", "db"])
    >>> trace = service_heatmap(matrix).data[0]
    >>> list(trace.y), [list(row) for row in trace.z]
    (['api', 'db'], [[1, 2], [0, 1]])
    """
    figure = _figure(title)
    figure.add_heatmap(
        z=matrix.to_numpy().tolist(),
        x=list(matrix.columns),
        y=_texts(matrix.index),
        colorscale="Reds",
        hovertemplate="%{y}, %{x}: %{z}<extra></extra>",
    )
    figure.update_yaxes(autorange="reversed")
    figure.update_layout(height=max(300, 28 * len(matrix) + 140))
    return figure
