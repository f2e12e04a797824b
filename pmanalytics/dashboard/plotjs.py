"""Figures as data in the page, drawn by one small script: the export and the widget share it.

Each figure travels as an inert ``<script type="application/json" class="pm-plot-spec">``
element (:func:`spec_element`). :data:`RENDERER_JS` draws every such element into a plot
``<div>`` kept beside it, with ``Plotly.react``; when a new spec element appears (the widget's
value changed, so its content was replaced), the same div is updated from the new data, not
rebuilt. Plots are drawn only once the page's layout is known and follow their container's
width (a ``ResizeObserver``), so a chart always fits its cell.

This replaces plotly's JupyterLab renderer, which in Voila raised "r.setData is not a
function" once per chart and rendered every chart a second time as a PNG.
"""

from __future__ import annotations

import html
import json
from typing import Any

import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

__all__ = ["PLOT_CONFIG", "RENDERER_CSS", "RENDERER_JS", "bootstrap_html", "spec_element"]

PLOT_CONFIG: dict[str, Any] = {"displaylogo": False, "responsive": False}

#: Draws (and redraws) every ``.pm-plot-spec`` of the page; installs itself once per page.
RENDERER_JS = """
(function () {
  if (window.pmPlots) { window.pmPlots.scan(); return; }
  function host(spec) {
    var holder = spec.parentElement;  // a widget's content is replaced: use the widget
    if (holder.classList.contains('widget-html-content')) { holder = holder.parentElement; }
    var plot = holder.querySelector(':scope > .pm-plot');
    if (!plot) {
      plot = document.createElement('div');
      plot.className = 'pm-plot';
      if (spec.dataset.plotId) { plot.id = spec.dataset.plotId; }
      holder.appendChild(plot);
      var width = 0;
      new ResizeObserver(function () {
        window.requestAnimationFrame(function () {
          var now = plot.clientWidth;
          if (plot.data && now > 0 && Math.abs(now - width) > 1) {
            width = now;
            window.Plotly.Plots.resize(plot);
          }
        });
      }).observe(holder);
    }
    return plot;
  }
  function draw(spec) {
    spec.setAttribute('data-drawn', '1');
    var figure = JSON.parse(spec.textContent);
    var plot = host(spec);
    state.pending += 1;
    window.Plotly.react(plot, figure.data, figure.layout, figure.config).then(function () {
      state.pending -= 1;
      state.draws += 1;
    }, function (error) { state.pending -= 1; throw error; });
  }
  function scan() {
    document.querySelectorAll('script.pm-plot-spec:not([data-drawn])').forEach(draw);
  }
  var state = {scan: scan, pending: 0, draws: 0};  // counts for tests and benchmarks
  window.pmPlots = state;
  new MutationObserver(scan).observe(document.body, {childList: true, subtree: true});
  scan();
})();
"""

#: Lets each chart take its cell's width (and never more) in a grid, a flex box or a widget.
RENDERER_CSS = """
.pm-figure { min-width: 0; overflow: hidden; }
.widget-html-content:has(> script.pm-plot-spec) { display: none; }
.pm-plot { width: 100%; min-width: 0; flex: 1 1 100%; }
"""


def spec_json(figure: go.Figure) -> str:
    """The figure (data, layout, config) as JSON that is safe inside a ``<script>`` element.

    Examples
    --------
    >>> text = spec_json(go.Figure(layout={"title": {"text": "</script><!--<b>"}}))
    >>> "<" in text, json.loads(text)["layout"]["title"]["text"]
    (False, '</script><!--<b>')
    """
    spec = json.loads(figure.to_json())
    spec["config"] = PLOT_CONFIG
    text = json.dumps(spec, separators=(",", ":"))
    return text.replace("<", "\\u003c")  # no "</script>" or "<!--" can end the element


def spec_element(figure: go.Figure, name: str, plot_id: str | None = None) -> str:
    """The figure as an inert JSON element that :data:`RENDERER_JS` draws.

    Examples
    --------
    >>> spec_element(go.Figure(), "trend")[:72]
    '<script type="application/json" class="pm-plot-spec" data-figure="trend"'
    """
    attributes = f'data-figure="{html.escape(name)}"'
    if plot_id:
        attributes += f' data-plot-id="{html.escape(plot_id)}"'
    return (
        f'<script type="application/json" class="pm-plot-spec" {attributes}>'
        f"{spec_json(figure)}</script>"
    )


def bootstrap_html(*, include_plotlyjs: bool = True) -> str:
    """plotly.js (once), the renderer and its style, as HTML to put in a page or an output.

    Examples
    --------
    >>> "pmPlots" in bootstrap_html(include_plotlyjs=False)
    True
    """
    library = (
        f'<script type="text/javascript">{get_plotlyjs()}</script>' if include_plotlyjs else ""
    )
    return (
        f"<style>{RENDERER_CSS}</style>{library}"
        f'<script type="text/javascript">{RENDERER_JS}</script>'
    )
