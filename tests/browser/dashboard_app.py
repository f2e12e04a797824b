"""Serve a notebook the way ``pmanalytics dashboard serve`` does, for the browser tests.

The notebook gets its data folder and as-of date through its ``parameters`` cell
(:func:`pmanalytics.dashboard.serve.write_parametrised`) and Voila runs with the command's own
options (:func:`pmanalytics.dashboard.serve.voila_command`).
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import date
from pathlib import Path
from typing import Any

from pmanalytics.dashboard import serve
from tests.browser.conftest import free_port, wait_for_port

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "sample"
SAMPLE_AS_OF = date(2026, 10, 31)

#: Every chart's drawing and the cell that holds it (the widget, or the export's grid cell).
CHART_SIZES = """
() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(plot => {
  const cell = plot.closest('.pm-figure') || plot.closest('.jp-OutputArea-output')
    || plot.parentElement;
  const svg = plot.querySelector('.main-svg');
  return {
    name: cell.dataset.figure || plot.className,
    svg: svg ? svg.getBoundingClientRect().width : 0,
    cell: cell.getBoundingClientRect().width,
  };
})
"""


def settle(page: Any, expected: int) -> list[dict[str, Any]]:
    """The chart sizes once the layout has settled: a scroll bar appearing narrows every cell
    and the renderer redraws on a later frame, so wait (a few seconds at most) for every chart
    to fit before measuring."""
    fits = (
        f"() => {{ const s = ({CHART_SIZES})(); return s.length === {expected} && "
        "s.every(c => c.svg > 200 && c.svg <= c.cell + 1 && c.svg >= 0.95 * c.cell); }"
    )
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    with suppress(PlaywrightTimeout):  # the assertion that follows reports what did not fit
        page.wait_for_function(fits, timeout=10_000, polling=100)
    sizes: list[dict[str, Any]] = page.evaluate(CHART_SIZES)
    return sizes


def assert_charts_fit(sizes: list[dict[str, Any]], where: str, expected: int) -> None:
    """Every chart is drawn, no wider than its cell, and fills most of it (an output area
    has some padding)."""
    assert len(sizes) == expected, (where, sizes)
    for size in sizes:
        assert size["svg"] > 200, (where, size)
        assert size["svg"] <= size["cell"] + 1, (where, size)
        assert size["svg"] >= 0.95 * size["cell"], (where, size)


@contextmanager
def served(
    notebook: Path, folder: Path, log: Path, data: Path = SAMPLE, as_of: date = SAMPLE_AS_OF
) -> Iterator[str]:
    """Serve ``notebook`` over ``data`` on a free localhost port; yields its URL."""
    source = json.loads(notebook.read_text(encoding="utf-8"))
    path = serve.write_parametrised(folder, data, as_of, source)
    path = path.rename(folder / notebook.name)
    port = free_port()
    command = serve.voila_command(path, port=port)
    command.append("--Voila.tornado_settings={'disable_check_xsrf': True}")
    with log.open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, cwd=folder)
        try:
            wait_for_port(port, process)
            yield f"http://127.0.0.1:{port}/"
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


class Console:
    """JavaScript errors of a page: uncaught exceptions and console errors, except failed
    loads of resources from outside hosts (Voila's page links a CDN; there is no network)."""

    def __init__(self, page: Any) -> None:
        self.errors: list[str] = []
        self.failed: list[str] = []
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        page.on("console", self._console)
        page.on("requestfailed", lambda request: self.failed.append(request.url))

    def _console(self, message: Any) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.errors.append(f"console.error: {message.text}")

    def check(self) -> None:
        assert not self.errors, self.errors
        local = [url for url in self.failed if url.startswith(("http://127.0.0.1", "file:"))]
        assert not local, local
