"""The action dashboard as a web app: notebooks/04 served as `dashboard serve` does; Chromium
changes a filter, and nothing logs a JavaScript error."""

from __future__ import annotations

import re

from pmanalytics import PostMortem, write
from pmanalytics.plots import EMPTY
from tests.browser.dashboard_app import REPO, Console, served

NOTEBOOK = REPO / "notebooks" / "04-action-dashboard.ipynb"
SCREENSHOT = REPO / "docs" / "dashboard.png"
ALL_DRAWN = "document.querySelectorAll('.pm-plot .main-svg').length >= 6"

TRACE_NAMES = """
selector => {
  const plot = document.querySelector(selector + ' .js-plotly-plot');
  return plot && plot.data ? plot.data.map(t => t.name) : null;
}
"""
COLOURS = """
() => Object.fromEntries(document.querySelector('.pm-figure-trend .js-plotly-plot').data
  .map(t => [t.name, t.marker.color]))
"""


def test_a_filter_changed_in_the_page_updates_the_charts(browser, tmp_path):
    with served(NOTEBOOK, tmp_path, tmp_path / "voila.log") as url:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        console = Console(page)
        page.goto(url, timeout=120_000)
        summary = page.locator(".pm-summary")
        summary.wait_for(timeout=120_000)
        page.wait_for_function(ALL_DRAWN, timeout=60_000)
        before = summary.inner_text()
        assert before.startswith("120 incidents"), before
        names_before = page.evaluate(TRACE_NAMES, ".pm-figure-trend")
        assert names_before == ["SEV1", "SEV2", "SEV3", "SEV4"]
        colours = page.evaluate(COLOURS)
        months = page.evaluate(
            "document.querySelector('.pm-figure-trend .js-plotly-plot').data[0].x.length"
        )
        SCREENSHOT.parent.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOT), full_page=False)
        plot_before = page.evaluate_handle("document.querySelector('.pm-figure-trend .pm-plot')")

        page.locator(".pm-filter-severities select").select_option(["SEV2"])
        page.wait_for_function(
            "!document.querySelector('.pm-summary').innerText.startsWith('120 incidents')",
            timeout=60_000,
        )
        after = summary.inner_text()
        assert re.match(r"\d+ incidents? · \d+ actions?", after), after
        page.wait_for_function(
            "(() => { const p = document.querySelector('.pm-figure-trend .js-plotly-plot');"
            " return p && p.data && p.data.length === 1; })()",
            timeout=60_000,
        )
        assert page.evaluate(TRACE_NAMES, ".pm-figure-trend") == ["SEV2"]
        # SEV2 keeps its colour without SEV1, and the time axis keeps every month
        assert page.evaluate(COLOURS) == {"SEV2": colours["SEV2"]}
        trend = "document.querySelector('.pm-figure-trend .js-plotly-plot').data[0]"
        assert page.evaluate(f"{trend}.x.length") == months
        bars = page.evaluate(f"{trend}.y")
        assert sum(bars) == int(after.split()[0])
        # the same plot element was updated from the new data, not rebuilt
        assert page.evaluate(
            "old => old === document.querySelector('.pm-figure-trend .pm-plot')", plot_before
        )
        page.close()
    console.check()


def test_a_folder_with_no_dated_actions_shows_empty_states_with_a_message(browser, tmp_path):
    folder = tmp_path / "postmortems"
    folder.mkdir()
    for n in range(3):
        write(
            PostMortem(id=f"pm-{n}", title=f"Outage {n}", started_at=f"2024-0{n + 1}-02T10:00Z"),
            folder,
        )
    with served(NOTEBOOK, tmp_path, tmp_path / "voila.log", data=folder) as url:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        console = Console(page)
        page.goto(url, timeout=120_000)
        page.wait_for_function(ALL_DRAWN, timeout=120_000)
        assert page.locator(".pm-summary").inner_text().startswith("3 incidents · 0 actions")
        for name in ("burnup", "survival", "durations"):
            message = page.locator(f".pm-figure-{name} .annotation-text").text_content()
            assert message == EMPTY[name], name
        page.close()
    console.check()
