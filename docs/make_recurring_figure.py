"""Render the README's recurring-problems figure to docs/recurring-problems.png.

Run from the repository root (needs Debian's chromium)::

    .venv/bin/python docs/make_recurring_figure.py
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

import pmanalytics as pm
from pmanalytics import plots
from pmanalytics.themes import recurring_problems

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    corpus = pm.load(ROOT / "data" / "sample", cache=False)
    figure = plots.theme_month_heatmap(recurring_problems(corpus))
    figure.update_layout(width=1100, height=520)
    with tempfile.TemporaryDirectory() as scratch:
        page_file = Path(scratch) / "figure.html"
        page_file.write_text(figure.to_html(include_plotlyjs=True, full_html=True))
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            page = browser.new_page(viewport={"width": 1140, "height": 560})
            page.goto(page_file.as_uri())
            page.wait_for_selector(".main-svg")
            page.screenshot(path=str(ROOT / "docs" / "recurring-problems.png"))
            browser.close()


if __name__ == "__main__":
    main()
