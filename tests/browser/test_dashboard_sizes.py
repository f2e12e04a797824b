"""Every chart fits its cell when the page opens at 1024, 1400 and 1920 px, in the exported
file and in the Voila app (and after the window is resized)."""

from __future__ import annotations

import pytest

from pmanalytics import load
from pmanalytics.dashboard import FIGURES, compute, write_report
from tests.browser.dashboard_app import (
    REPO,
    SAMPLE,
    SAMPLE_AS_OF,
    Console,
    assert_charts_fit,
    served,
    settle,
)

WIDTHS = (1024, 1400, 1920)
ALL_DRAWN = f"document.querySelectorAll('.pm-plot .main-svg').length >= {len(FIGURES)}"


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    path = tmp_path_factory.mktemp("export") / "report.html"
    return write_report(path, compute(load(SAMPLE), SAMPLE_AS_OF))


@pytest.mark.parametrize("width", WIDTHS)
def test_every_chart_of_the_export_fits_its_cell(browser, export, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    console = Console(page)
    page.goto(export.as_uri())
    page.wait_for_function(ALL_DRAWN, timeout=30_000)
    assert_charts_fit(settle(page, len(FIGURES)), f"export at {width}px", len(FIGURES))
    other = WIDTHS[(WIDTHS.index(width) + 1) % len(WIDTHS)]
    page.set_viewport_size({"width": other, "height": 900})
    assert_charts_fit(settle(page, len(FIGURES)), f"export resized to {other}px", len(FIGURES))
    page.close()
    console.check()


def test_every_chart_of_the_voila_app_fits_its_cell(browser, tmp_path):
    notebook = REPO / "notebooks" / "04-action-dashboard.ipynb"
    with served(notebook, tmp_path, tmp_path / "voila.log") as url:
        for width in WIDTHS:
            page = browser.new_page(viewport={"width": width, "height": 900})
            console = Console(page)
            page.goto(url, timeout=120_000)
            page.wait_for_function(ALL_DRAWN, timeout=120_000)
            assert_charts_fit(settle(page, len(FIGURES)), f"Voila at {width}px", len(FIGURES))
            page.close()
            console.check()
