"""The trends and actions dashboard: one view model, rendered as a widget, a page or by the CLI.

- :mod:`.data`: :func:`compute` makes the :class:`DashboardData` (computed once, pure) and
  :func:`build_figures` its plotly figures;
- :mod:`.html`: the self-contained HTML page and the overdue-actions table;
- :mod:`.widget`: :class:`Dashboard`, the ipywidgets front end over the same data;
- :mod:`.plotjs`: figures as data in the page and the one script that draws them (both);
- :mod:`.serve`: ``pmanalytics dashboard serve``, the dashboard notebook as a Voila app.

Each module loads when one of its names is first used: ``pmanalytics report`` (``compute`` +
``write_report``) runs without ipywidgets, and ``dashboard serve`` registers without pandas.

Examples
--------
>>> from pmanalytics import Corpus
>>> from pmanalytics.dashboard import compute, summary_line
>>> summary_line(compute(Corpus(), "2024-01-01"))
'0 incidents · 0 actions · 0 open · 0 overdue · follow-through n/a (30 days) · as of 2024-01-01'
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

#: Where each public name lives: modules load on first use (PEP 562), so the command line
#: registers ``dashboard serve`` without importing pandas, plotly or ipywidgets.
_HOMES = {
    **dict.fromkeys(
        ["FIGURES", "OVERDUE_COLUMNS", "DashboardData", "DashboardError", "build_figures"],
        "data",
    ),
    **dict.fromkeys(["compute", "describe_filters", "options", "summary_line"], "data"),
    **dict.fromkeys(["overdue_table", "render_html", "write_html", "write_report"], "html"),
    "Dashboard": "widget",
}


def __getattr__(name: str) -> Any:
    """Load the module holding ``name`` on first use (PEP 562)."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{home}"), name)
