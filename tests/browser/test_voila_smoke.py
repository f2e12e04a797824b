"""The browser set-up itself: Voila serves a widget, Chromium clicks it, the kernel sees it."""

from __future__ import annotations

import nbformat

from tests.browser.conftest import voila


def test_a_voila_button_round_trips_to_the_kernel(browser, tmp_path):
    marker = tmp_path / "clicked.txt"
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell(
            "import ipywidgets as w\n"
            "from pathlib import Path\n"
            "button = w.Button(description='Add item')\n"
            f"button.on_click(lambda _: Path({str(marker)!r}).write_text('yes'))\n"
            "button"
        )
    ]
    path = tmp_path / "smoke.ipynb"
    nbformat.write(notebook, path)
    with voila(path, tmp_path / "voila.log") as url:
        page = browser.new_page()
        page.goto(url, timeout=90_000)
        page.get_by_role("button", name="Add item").click(timeout=90_000)
        page.wait_for_timeout(500)
        for _ in range(50):
            if marker.exists():
                break
            page.wait_for_timeout(200)
        page.close()
    assert marker.read_text() == "yes"
