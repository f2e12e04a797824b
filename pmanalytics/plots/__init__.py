"""Plotly figure builders: a DataFrame in, a figure out, no I/O.

Each feature has its own module; this package re-exports their public builders.
"""

from ._themes import recurrence_timeline, theme_month_heatmap
from ._trends import (
    EMPTY,
    action_burnup,
    duration_distribution,
    incident_trend,
    overdue_by_owner_team,
    period_labels,
    service_heatmap,
    severity_colours,
    time_to_close_curve,
)

__all__ = [
    "EMPTY",
    "action_burnup",
    "duration_distribution",
    "incident_trend",
    "overdue_by_owner_team",
    "period_labels",
    "recurrence_timeline",
    "service_heatmap",
    "severity_colours",
    "theme_month_heatmap",
    "time_to_close_curve",
]
