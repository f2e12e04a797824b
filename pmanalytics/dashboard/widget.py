"""An interactive dashboard of incident trends and action follow-through (ipywidgets).

Filters (date range, services, teams, severities) update every figure in place: each figure
is an :class:`ipywidgets.HTML` holding the figure as data (:func:`.plotjs.spec_element`), which
the page's renderer draws with ``Plotly.react`` into the same plot (:mod:`.plotjs`).
Everything shown comes from one :class:`~pmanalytics.dashboard.data.DashboardData`
(:func:`.data.compute`, pure and tested without widgets); the overdue table is rendered by
:func:`.html.overdue_table`, as in the export; the filtering rule is
:class:`pmanalytics.corpus.filters.Filters`. ``to_html`` writes the same view as one
self-contained HTML file.

Examples
--------
>>> from datetime import date
>>> from pmanalytics import Corpus
>>> board = Dashboard(Corpus(), as_of=date(2024, 1, 1))
>>> board.summary.value
'0 incidents · 0 actions · 0 open · 0 overdue · follow-through n/a (30 days) · as of 2024-01-01'
"""

from __future__ import annotations

import html
import os
from datetime import date
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import plotly.graph_objects as go

from .. import metrics
from ..corpus import Corpus
from ..corpus.filters import FilterError, Filters
from .data import (
    FIGURES,
    DashboardData,
    build_figures,
    compute,
    options,
    summary_line,
)
from .html import TITLE, overdue_table, write_html
from .plotjs import bootstrap_html, spec_element

__all__ = ["Dashboard"]


def _bootstrap() -> widgets.Output:
    """An output holding plotly.js and the chart renderer (:mod:`.plotjs`), run by the page."""
    output = widgets.Output(layout=widgets.Layout(height="0", overflow="hidden"))
    html_text = bootstrap_html()
    output.outputs = (
        {
            "output_type": "display_data",
            "data": {"text/html": html_text, "text/plain": "<chart renderer>"},
            "metadata": {},
        },
    )
    return output


class Dashboard:
    """Incident trends and action follow-through for a corpus, as of a date.

    Parameters
    ----------
    corpus : Corpus
    as_of : date or "YYYY-MM-DD"
        The day to measure open and overdue actions at (there is no hidden "now").
    freq : {"week", "month", "quarter"}
        Periods of the incident trend and heatmap.
    within_days : int
        The follow-through window: an incident followed through when all its actions
        closed within this many days of creation.

    Attributes
    ----------
    start, end : ipywidgets.DatePicker
    services, teams, severities : ipywidgets.SelectMultiple
        The filters; an empty selection means all.
    summary : ipywidgets.HTML
        The headline numbers.
    charts : dict of ipywidgets.HTML
        One per figure, by name (see ``pmanalytics.dashboard.FIGURES``); the value is the
        figure's data for the page's renderer.
    data : DashboardData
        What is shown now; ``figures`` the current plotly figures.
    """

    def __init__(
        self,
        corpus: Corpus,
        as_of: date | str,
        *,
        freq: metrics.Freq = "month",
        within_days: int = 30,
    ) -> None:
        self.data: DashboardData = compute(corpus, as_of, freq=freq, within_days=within_days)
        self.corpus = corpus
        self.as_of = self.data.as_of
        self.freq: metrics.Freq = freq
        self.within_days = within_days
        choice = options(corpus)
        self.start = widgets.DatePicker(description="From", value=choice["start"])
        self.end = widgets.DatePicker(description="To", value=choice["end"])
        self.services = widgets.SelectMultiple(options=choice["services"], description="Services")
        self.teams = widgets.SelectMultiple(options=choice["teams"], description="Teams")
        self.severities = widgets.SelectMultiple(
            options=choice["severities"], description="Severities"
        )
        self.reset = widgets.Button(description="Show all", icon="undo")
        self._defaults = (choice["start"], choice["end"])
        for name, widget in self._filter_widgets().items():
            widget.add_class(f"pm-filter-{name}")
        self.summary = widgets.HTML(layout=widgets.Layout(margin="0.5em 0"))
        self.summary.add_class("pm-summary")
        self.overdue_table = widgets.HTML()
        self.charts = {name: widgets.HTML() for name in FIGURES}
        for name, chart in self.charts.items():
            chart.add_class("pm-figure")
            chart.add_class(f"pm-figure-{name}")
        self.figures: dict[str, go.Figure] = {}
        self._muted = False
        self._show(self.data)
        for widget in self._filter_widgets().values():
            widget.observe(self._on_change, names="value")
        self.reset.on_click(self._on_reset)

    def _filter_widgets(self) -> dict[str, widgets.ValueWidget]:
        return {
            "start": self.start,
            "end": self.end,
            "services": self.services,
            "teams": self.teams,
            "severities": self.severities,
        }

    @property
    def filters(self) -> Filters:
        """The filters the widgets hold now (a full date range counts as no date filter).

        Raises :class:`~pmanalytics.corpus.filters.FilterError` for a start after the end.
        """
        start, end = self.start.value, self.end.value
        if (start, end) == self._defaults:
            start = end = None
        return Filters(
            start=start,
            end=end,
            services=tuple(self.services.value),
            teams=tuple(self.teams.value),
            severities=tuple(self.severities.value),
        )

    def _on_change(self, _change: Any = None) -> None:
        if not self._muted:
            self.update()

    def _on_reset(self, _button: Any = None) -> None:
        self._muted = True  # one re-render for the five changes, not five
        try:
            self.start.value, self.end.value = self._defaults
            self.services.value = ()
            self.teams.value = ()
            self.severities.value = ()
        finally:
            self._muted = False
        self.update()

    def update(self) -> None:
        """Recompute for the current filters and replace every figure in place."""
        try:
            filters = self.filters
        except FilterError:
            self.summary.value = "<b>The start date is after the end date.</b>"
            return
        self._show(
            compute(self.corpus, self.as_of, filters, freq=self.freq, within_days=self.within_days)
        )

    def _show(self, data: DashboardData) -> None:
        self.data = data
        self.figures = build_figures(data)
        for name, chart in self.charts.items():
            chart.value = spec_element(self.figures[name], name)
        self.summary.value = html.escape(summary_line(data))
        self.overdue_table.value = overdue_table(data, limit=15)

    @property
    def widget(self) -> widgets.Widget:
        """The whole layout: filters on top, then the summary, figures and overdue actions."""
        filters = widgets.HBox(
            [
                widgets.VBox([self.start, self.end, self.reset]),
                self.services,
                self.teams,
                self.severities,
            ]
        )
        for a, b in (("trend", "durations"), ("burnup", "survival")):
            for name in (a, b):
                self.charts[name].layout = widgets.Layout(flex="1 1 560px", min_width="0")
        pairs = [
            widgets.HBox(
                [self.charts[a], self.charts[b]],
                layout=widgets.Layout(flex_flow="row wrap"),
            )
            for a, b in (("trend", "durations"), ("burnup", "survival"))
        ]
        return widgets.VBox(
            [
                _bootstrap(),
                filters,
                self.summary,
                pairs[0],
                self.charts["heatmap"],
                pairs[1],
                self.charts["overdue"],
                widgets.HTML("<h3>Most overdue actions</h3>"),
                self.overdue_table,
            ]
        )

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    def to_html(self, path: str | os.PathLike[str], *, title: str = TITLE) -> Path:
        """Write the current view as one self-contained HTML file (no network needed).

        Examples
        --------
        >>> import tempfile, pathlib
        >>> from pmanalytics import Corpus
        >>> out = pathlib.Path(tempfile.mkdtemp()) / "report.html"
        >>> Dashboard(Corpus(), as_of="2024-01-01").to_html(out).stat().st_size > 1_000_000
        True
        """
        return write_html(path, self.data, self.figures, title)
