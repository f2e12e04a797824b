"""The dashboard as one self-contained HTML file: plotly.js embedded once, no network."""

from __future__ import annotations

import html
import os
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from ._atomic import atomic_write_text
from ._dashboard_data import FIGURES, DashboardData, describe_filters, summary_line

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
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(560px, 1fr)); gap: 1rem; }
table { border-collapse: collapse; font-size: .9rem; }
th, td { border-bottom: 1px solid #ddd; padding: .25rem .6rem; text-align: left; }
"""
PLOT_CONFIG = {"displaylogo": False, "responsive": True}


def _table(frame: pd.DataFrame, limit: int = 200) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    rows = []
    for record in frame.head(limit).itertuples(index=False):
        cells = []
        for value in record:
            if isinstance(value, pd.Timestamp):
                text = value.date().isoformat()
            else:
                text = "" if pd.isna(value) else str(value)
            cells.append(f"<td>{html.escape(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    more = f"<p>… and {len(frame) - limit} more.</p>" if len(frame) > limit else ""
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>{more}"


def render_html(data: DashboardData, figures: dict[str, go.Figure], title: str) -> str:
    """The whole page as text (plotly.js inline once; every user string escaped)."""
    charts = []
    for name in FIGURES:
        div = figures[name].to_html(
            full_html=False,
            include_plotlyjs=False,
            div_id=f"pm-{name}",
            config=PLOT_CONFIG,
        )
        charts.append(f'<section class="chart" data-figure="{name}">{div}</section>')
    overdue = data.frames["overdue"]
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{html.escape(title)}</title>",
            f"<style>{_STYLE}</style>",
            f'<script type="text/javascript">{get_plotlyjs()}</script>',
            "</head><body>",
            f"<h1>{html.escape(title)}</h1>",
            f'<p class="meta">{html.escape(describe_filters(data.filters))}</p>',
            f'<p class="summary" id="pm-summary">{html.escape(summary_line(data))}</p>',
            '<div class="grid">',
            *charts,
            "</div>",
            f"<h2>Overdue actions ({len(overdue)})</h2>",
            _table(overdue),
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
