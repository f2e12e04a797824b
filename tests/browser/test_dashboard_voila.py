"""The action dashboard as a web app: Voila serves notebooks/04, Chromium changes a filter."""

from __future__ import annotations

import re
from pathlib import Path

from tests.browser.conftest import voila

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK = REPO / "notebooks" / "04-action-dashboard.ipynb"
SCREENSHOT = REPO / "docs" / "dashboard.png"

TRACE_NAMES = """
selector => {
  const plot = document.querySelector(selector + ' .js-plotly-plot');
  return plot && plot.data ? plot.data.map(t => t.name) : null;
}
"""


def test_a_filter_changed_in_the_page_updates_the_charts(browser, tmp_path):
    errors: list[str] = []
    with voila(NOTEBOOK, tmp_path / "voila.log") as url:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(url, timeout=120_000)
        summary = page.locator(".pm-summary")
        summary.wait_for(timeout=120_000)
        page.wait_for_function(
            "document.querySelectorAll('.js-plotly-plot').length >= 6", timeout=60_000
        )
        before = summary.inner_text()
        assert before.startswith("120 incidents"), before
        names_before = page.evaluate(TRACE_NAMES, ".pm-figure-trend")
        assert names_before == ["SEV1", "SEV2", "SEV3", "SEV4"]
        SCREENSHOT.parent.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOT), full_page=False)

        page.locator(".pm-filter-severities select").select_option(["SEV1"])
        page.wait_for_function(
            "!document.querySelector('.pm-summary').innerText.startsWith('120 incidents')",
            timeout=60_000,
        )
        after = summary.inner_text()
        assert re.match(r"4 incidents · \d+ actions", after), after
        page.wait_for_function(
            "(() => { const p = document.querySelector('.pm-figure-trend .js-plotly-plot');"
            " return p && p.data && p.data.length === 1; })()",
            timeout=60_000,
        )
        assert page.evaluate(TRACE_NAMES, ".pm-figure-trend") == ["SEV1"]
        bars = page.evaluate("document.querySelector('.pm-figure-trend .js-plotly-plot').data[0].y")
        assert sum(bars) == 4
        page.close()
    assert not errors, errors
