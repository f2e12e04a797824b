"""The trends and actions dashboard: one view model, rendered as a widget, a page or by the CLI.

- :mod:`.data`: :func:`compute` makes the :class:`DashboardData` (computed once, pure) and
  :func:`build_figures` its plotly figures;
- :mod:`.html`: the self-contained HTML page and the overdue-actions table;
- :mod:`.widget`: :class:`Dashboard`, the ipywidgets front end over the same data;
- :mod:`.plotjs`: figures as data in the page and the one script that draws them (both);
- :mod:`.serve`: ``pmanalytics dashboard serve``, the dashboard notebook as a Voila app.

ipywidgets is imported only when :class:`Dashboard` is first used,
so ``pmanalytics report`` (``compute`` + ``write_report``) runs without it.

Examples
--------
>>> from pmanalytics import Corpus
>>> summary_line(compute(Corpus(), "2024-01-01"))
'0 incidents · 0 actions · 0 open · 0 overdue · follow-through n/a (30 days) · as of 2024-01-01'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .data import (
    FIGURES,
    OVERDUE_COLUMNS,
    DashboardData,
    DashboardError,
    build_figures,
    compute,
    describe_filters,
    options,
    summary_line,
)
from .html import overdue_table, render_html, write_html, write_report

if TYPE_CHECKING:
    from .widget import Dashboard

__all__ = [
    "FIGURES",
    "OVERDUE_COLUMNS",
    "Dashboard",
    "DashboardData",
    "DashboardError",
    "build_figures",
    "compute",
    "describe_filters",
    "options",
    "overdue_table",
    "render_html",
    "summary_line",
    "write_html",
    "write_report",
]

_WIDGET_NAMES = ("Dashboard",)


def __getattr__(name: str) -> Any:
    """Load the ipywidgets front end on first use (PEP 562)."""
    if name in _WIDGET_NAMES:
        from . import widget

        return getattr(widget, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
