"""Figures for trends across incidents and action follow-through.

Each builder takes a frame computed by :mod:`pmanalytics.metrics` and returns a plotly
figure: no computation beyond layout, no I/O. User text (service, team and owner names) is
HTML-escaped before it reaches plotly, whose labels accept a little HTML.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ._text import escaped, escaped_all

__all__ = [
    "EMPTY",
    "action_burnup",
    "duration_distribution",
    "incident_trend",
    "overdue_by_owner_team",
    "period_labels",
    "service_heatmap",
    "severity_colours",
    "time_to_close_curve",
]

#: Worst first; further severities cycle through the neutral tail.
SEVERITY_COLOURS = ("#b2182b", "#ef8a62", "#fddbc7", "#92c5de", "#4393c3", "#2166ac", "#bababa")
MEASURE_COLOURS = {"detect": "#1b9e77", "mitigate": "#d95f02", "resolve": "#7570b3"}
_LAYOUT: dict[str, Any] = {
    "template": "plotly_white",
    "margin": {"l": 60, "r": 20, "t": 50, "b": 20},
    "legend": {
        "orientation": "h",
        "yref": "container",
        "y": 0,
        "yanchor": "bottom",
        "x": 0,
        "traceorder": "normal",
    },
    "height": 380,
}


#: What each figure says when it has nothing to draw.
EMPTY = {
    "trend": "No incidents match these filters.",
    "durations": "No incident here records when it was detected, mitigated or resolved.",
    "heatmap": "No incidents match these filters.",
    "burnup": "No actions with a creation date: the burn-up counts actions by when they were "
    "created.",
    "overdue": "No open actions.",
    "survival": "No actions with a creation date: the time to close is measured from it.",
}

_text = escaped
_texts = escaped_all


def _figure(title: str) -> go.Figure:
    figure = go.Figure()
    figure.update_layout(title={"text": title}, **_LAYOUT)
    return figure


def _empty(figure: go.Figure, message: str) -> go.Figure:
    """``figure`` with no axes and ``message`` in the middle: an empty state, not blank axes."""
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False)
    figure.add_annotation(
        text=_text(message), x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
        font={"size": 15, "color": "#555"},
    )  # fmt: skip
    return figure


def _count_axis(largest: float) -> dict[str, Any]:
    """Axis settings for counts: from zero, whole numbers only (no 0.5 ticks).

    Examples
    --------
    >>> _count_axis(3)
    {'rangemode': 'tozero', 'tickformat': ',d', 'dtick': 1}
    >>> _count_axis(40)
    {'rangemode': 'tozero', 'tickformat': ',d'}
    """
    axis: dict[str, Any] = {"rangemode": "tozero", "tickformat": ",d"}
    if _tick(largest):
        axis["dtick"] = 1
    return axis


def _tick(largest: float) -> int | None:
    """1 when plotly would otherwise put ticks at halves (small counts), else automatic."""
    return 1 if largest <= 8 else None


def _label_step(categories: int) -> int:
    """Label every n-th period so that about a dozen labels show, never overlapping.

    Examples
    --------
    >>> _label_step(12), _label_step(24), _label_step(90)
    (1, 2, 8)
    """
    return max(1, -(-categories // 12))


def severity_colours(severities: Sequence[object]) -> dict[str, str]:
    """A fixed colour per severity label, by its place in ``severities`` (worst first).

    Pass every severity of the corpus (not only those left by a filter) so that a label keeps
    its colour whatever is filtered out; labels past the palette share its neutral last colour.

    Examples
    --------
    >>> severity_colours(["SEV1", "SEV2"])
    {'SEV1': '#b2182b', 'SEV2': '#ef8a62'}
    """
    last = len(SEVERITY_COLOURS) - 1
    return {str(s): SEVERITY_COLOURS[min(i, last)] for i, s in enumerate(severities)}


def period_labels(periods: Iterable[pd.Timestamp], freq: str = "month") -> list[str]:
    """Axis labels naming each period (given by its first day): "Jul 2026", "2026 Q3",
    "week of 2026-06-29".

    Examples
    --------
    >>> days = pd.to_datetime(["2026-07-01", "2026-10-01"])
    >>> period_labels(days), period_labels(days, "quarter"), period_labels(days[:1], "week")
    (['Jul 2026', 'Oct 2026'], ['2026 Q3', '2026 Q4'], ['week of 2026-07-01'])
    """
    stamps = [pd.Timestamp(p) for p in periods]
    if freq == "quarter":
        return [f"{p.year} Q{p.quarter}" for p in stamps]
    if freq == "week":
        return [f"week of {p:%Y-%m-%d}" for p in stamps]
    return [f"{p:%b %Y}" for p in stamps]


def incident_trend(
    counts: pd.DataFrame,
    *,
    title: str = "Incidents by severity",
    freq: str = "month",
    periods: Sequence[pd.Timestamp] | None = None,
    colours: dict[str, str] | None = None,
) -> go.Figure:
    """Incidents per period, stacked by severity (worst at the bottom), one bar per period.

    Parameters
    ----------
    counts : DataFrame
        From :func:`pmanalytics.metrics.incident_counts` with ``by="severity"``: ``period``,
        ``severity``, ``incidents``, severities in order worst first.
    freq : {"week", "month", "quarter"}
        The periods of ``counts``: bars are labelled by period (:func:`period_labels`).
    periods : sequence of Timestamp, optional
        Every period to show (e.g. the whole corpus's range when ``counts`` is filtered);
        periods without incidents show as gaps. By default those of ``counts``.
    colours : dict, optional
        Severity label to colour (:func:`severity_colours` of every severity of the corpus).

    Examples
    --------
    >>> counts = pd.DataFrame({"period": pd.to_datetime(["2024-01-01", "2024-01-01"]),
    ...                        "severity": ["SEV1", "SEV2"], "incidents": [1, 3]})
    >>> [(t.name, list(t.x), list(t.y)) for t in incident_trend(counts).data]
    [('SEV1', ['Jan 2024'], [1]), ('SEV2', ['Jan 2024'], [3])]
    """
    figure = _figure(title)
    if counts.empty or not counts["incidents"].sum():
        return _empty(figure, EMPTY["trend"])
    span = list(periods) if periods is not None else list(dict.fromkeys(counts["period"]))
    labels = period_labels(span, freq)
    severities = list(dict.fromkeys(counts["severity"]))
    colours = colours or severity_colours(severities)
    table = counts.pivot_table(
        index="period", columns="severity", values="incidents", aggfunc="sum", fill_value=0
    ).reindex(index=pd.DatetimeIndex(span, dtype="datetime64[us]"), fill_value=0)
    for severity in severities:
        figure.add_bar(
            x=labels,
            y=table[severity].astype("int64").tolist(),
            name=_text(severity),
            marker_color=colours.get(str(severity), SEVERITY_COLOURS[-1]),
            hovertemplate="%{x}: %{y}<extra>%{fullData.name}</extra>",
        )
    figure.update_layout(barmode="stack")
    figure.update_xaxes(
        type="category", categoryorder="array", categoryarray=labels, automargin=True,
        dtick=_label_step(len(labels)),
    )  # fmt: skip
    figure.update_yaxes(title="incidents", **_count_axis(table.sum(axis=1).max()))
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
    if histogram.empty or not histogram["count"].sum():
        return _empty(figure, EMPTY["durations"])
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
    figure.update_yaxes(title="incidents", **_count_axis(histogram["count"].max()))
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
    if burnup.empty or not burnup["created"].max():
        return _empty(figure, EMPTY["burnup"])
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
    figure.update_yaxes(title="actions (cumulative)", **_count_axis(burnup["created"].max()))
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
    if not len(owners) or not owners["open"].sum():
        figure.layout.annotations = ()  # the subplot titles
        return _empty(figure, EMPTY["overdue"])
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
    largest = max(owners["open"].max(), teams["open"].max() if len(teams) else 0)
    figure.update_xaxes(title="actions", **_count_axis(largest))
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
    if curve.empty:
        return _empty(figure, EMPTY["survival"])
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
    if matrix.empty or not matrix.to_numpy().sum():
        return _empty(figure, EMPTY["heatmap"])
    largest = int(matrix.to_numpy().max())
    figure.add_heatmap(
        z=matrix.to_numpy().tolist(),
        x=[str(c) for c in matrix.columns],
        y=_texts(matrix.index),
        colorscale="Reds",
        zmin=0,
        colorbar={"title": {"text": "incidents"}, "tickformat": ",d", "dtick": _tick(largest)},
        hovertemplate="%{y}, %{x}: %{z}<extra></extra>",
    )
    figure.update_xaxes(type="category", automargin=True, dtick=_label_step(matrix.shape[1]))
    figure.update_yaxes(autorange="reversed", type="category", automargin=True)
    figure.update_layout(height=max(300, 28 * len(matrix) + 140))
    return figure
