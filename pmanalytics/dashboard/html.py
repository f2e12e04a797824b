"""The dashboard as one self-contained HTML file: plotly.js embedded once, no network.

Also the overdue-actions table as HTML, which the widget shows too (one renderer).
"""

from __future__ import annotations

import os
from pathlib import Path

import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from .._atomic import atomic_write_text
from .._html import escape, html_table
from .data import (
    FIGURES,
    OVERDUE_COLUMNS,
    DashboardData,
    build_figures,
    describe_filters,
    summary_line,
)
from .plotjs import PLOT_CONFIG, RENDERER_CSS, RENDERER_JS, spec_element

__all__ = ["PLOT_CONFIG", "TITLE", "overdue_table", "render_html", "write_html", "write_report"]

#: The page title unless one is given.
TITLE = "Post-mortem trends and actions"

#: Blocks every network fetch, even one plotly.js might attempt (fonts, topojson).
_CSP = (
    "default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; "
    "style-src 'unsafe-inline'; img-src data: blob:; font-src data:"
)
_STYLE = """
body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #222; }
h1 { font-size: 1.4rem; margin-bottom: .2rem; }
.meta { color: #555; margin-top: 0; }
.summary { font-size: 1.05rem; margin: 1rem 0; }
.grid { display: grid; gap: 1rem;
  grid-template-columns: repeat(auto-fit, minmax(min(560px, 100%), 1fr)); }
table { border-collapse: collapse; font-size: .9rem; }
th, td { border-bottom: 1px solid #ddd; padding: .25rem .6rem; text-align: left; }
"""


def overdue_table(data: DashboardData, limit: int = 200) -> str:
    """The overdue actions of ``data`` as an HTML table (every cell escaped), most overdue
    first, at most ``limit`` rows and a line saying how many more.

    Examples
    --------
    >>> from pmanalytics import Corpus
    >>> from pmanalytics.dashboard import compute
    >>> overdue_table(compute(Corpus(), "2024-01-01"))[:61]
    '<table><thead><tr><th>owner</th><th>team</th><th>days overdue'
    """
    frame = data.frames["overdue"].loc[:, list(OVERDUE_COLUMNS)]
    return html_table(frame, headers=OVERDUE_COLUMNS, limit=limit)


def render_html(data: DashboardData, figures: dict[str, go.Figure], title: str) -> str:
    """The whole page as text (plotly.js inline once; every user string escaped).

    Each figure is data in its cell; one script at the end of the page draws them all, once
    the grid is laid out, so every chart takes its cell's width (:mod:`.plotjs`).
    """
    charts = [
        f'<section class="chart pm-figure" data-figure="{name}">'
        f"{spec_element(figures[name], name, plot_id=f'pm-{name}')}</section>"
        for name in FIGURES
    ]
    overdue = data.frames["overdue"]
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{escape(title)}</title>",
            f"<style>{_STYLE}{RENDERER_CSS}</style>",
            f'<script type="text/javascript">{get_plotlyjs()}</script>',
            "</head><body>",
            f"<h1>{escape(title)}</h1>",
            f'<p class="meta">{escape(describe_filters(data.filters))}</p>',
            f'<p class="summary" id="pm-summary">{escape(summary_line(data))}</p>',
            '<div class="grid">',
            *charts,
            "</div>",
            f"<h2>Overdue actions ({len(overdue)})</h2>",
            overdue_table(data),
            f'<script type="text/javascript">{RENDERER_JS}</script>',
            "</body></html>",
        ]
    )


def write_html(
    path: str | os.PathLike[str], data: DashboardData, figures: dict[str, go.Figure], title: str
) -> Path:
    """Write the page atomically; returns the path."""
    target = Path(path)
    atomic_write_text(target, render_html(data, figures, title))
    return target


def write_report(path: str | os.PathLike[str], data: DashboardData, title: str = TITLE) -> Path:
    """Write ``data`` as the self-contained page, building its figures (no ipywidgets).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from pmanalytics import Corpus
    >>> from pmanalytics.dashboard import compute
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "report.html"
    >>> write_report(out, compute(Corpus(), "2024-01-01")).stat().st_size > 1_000_000
    True
    """
    return write_html(path, data, build_figures(data), title)
