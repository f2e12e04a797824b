"""Trends across incidents and action follow-through, as plain pandas.

Every function takes a :class:`~pmanalytics.Corpus` or one of its tables and returns a
DataFrame or a dict: no plotting, no I/O, no hidden "now". Functions about actions take the
day to measure at as ``as_of`` (a date, an ISO string, or a datetime meaning its own
calendar day; events during that day count as having happened).

One module per feature:

- :mod:`~pmanalytics.metrics.incidents`: counts per period, durations, repeats, impact;
- :mod:`~pmanalytics.metrics.actions`: the state of every action at a date (the vectorised
  twin of the lifecycle on :class:`pmanalytics.Action`), open and overdue actions, burn-up,
  load per owner;
- :mod:`~pmanalytics.metrics.survival`: time to close (Kaplan-Meier);
- :mod:`~pmanalytics.metrics.outcomes`: follow-through (closed in time), recurrence of an
  action's problem, prevention per action kind;
- :mod:`~pmanalytics.metrics.effectiveness`: did the fix work? Incident rates of each recurring
  problem before vs after its actions were done, against a base rate, with an interval.

The filtering rule (:class:`Filters`, :func:`filter_corpus`) lives in
:mod:`pmanalytics.corpus.filters` and is re-exported here.

Examples
--------
>>> from pmanalytics import Action, Corpus, PostMortem, metrics
>>> corpus = Corpus.from_postmortems([PostMortem(id="pm", title="Disk full", actions=[
...     Action(id="a", title="Add alert", due="2024-01-10", status="done",
...            completed_at="2024-02-01T09:00Z")])])
>>> metrics.overdue_actions(corpus, "2024-01-20")[["action_id", "days_overdue"]].values.tolist()
[['a', 10]]
>>> metrics.open_summary(corpus, "2024-02-01")["open"]
0
"""

from ..corpus.filters import FilterError, Filters, filter_corpus, incident_mask
from ._common import Freq, GroupBy, MetricsError, to_date
from .actions import (
    action_status,
    burnup,
    completion_by_period,
    open_actions,
    open_summary,
    overdue_actions,
    owner_load,
)
from .effectiveness import EFFECTIVENESS_COLUMNS, VERDICTS, action_effectiveness, linked_actions
from .incidents import (
    DURATIONS,
    customer_impact,
    duration_histogram,
    duration_summary,
    incident_counts,
    repeat_incidents,
    service_period_matrix,
    severity_order,
)
from .outcomes import action_recurrence, follow_through, follow_through_rate, prevention
from .survival import time_to_close_summary, time_to_close_survival

__all__ = [
    "DURATIONS",
    "EFFECTIVENESS_COLUMNS",
    "VERDICTS",
    "FilterError",
    "Filters",
    "Freq",
    "GroupBy",
    "MetricsError",
    "action_effectiveness",
    "action_recurrence",
    "action_status",
    "burnup",
    "completion_by_period",
    "customer_impact",
    "duration_histogram",
    "duration_summary",
    "filter_corpus",
    "follow_through",
    "follow_through_rate",
    "incident_counts",
    "incident_mask",
    "linked_actions",
    "open_actions",
    "open_summary",
    "overdue_actions",
    "owner_load",
    "prevention",
    "repeat_incidents",
    "service_period_matrix",
    "severity_order",
    "time_to_close_summary",
    "time_to_close_survival",
    "to_date",
]
