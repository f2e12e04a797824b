"""No JavaScript errors in the browser console: the trends notebook served as a Voila app
(its charts drawn by plotly.js in the page, not by plotly's JupyterLab renderer, which raised
"r.setData is not a function" once per chart)."""

from __future__ import annotations

from tests.browser.dashboard_app import REPO, Console, assert_charts_fit, served, settle

NOTEBOOK = REPO / "notebooks" / "02-trends-across-incidents.ipynb"


def test_the_trends_notebook_draws_its_charts_with_no_console_errors(browser, tmp_path):
    with served(NOTEBOOK, tmp_path, tmp_path / "voila.log") as url:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        console = Console(page)
        page.goto(url, timeout=120_000)
        page.wait_for_function(
            "document.querySelectorAll('.js-plotly-plot .main-svg').length >= 3", timeout=120_000
        )
        page.wait_for_timeout(1500)  # errors of the old renderer came after the drawing
        assert_charts_fit(settle(page, 3), "notebook 02", 3)
        page.close()
    console.check()
