"""The HTML export opened in headless Chromium: every chart renders, offline, quietly."""

from __future__ import annotations

from plotly.offline import get_plotlyjs

from pmanalytics import Action, Corpus, PostMortem
from pmanalytics.dashboard import FIGURES, Dashboard

EVIL = "<img src=x onerror=alert(1)></script><script>window.pwned=1</script>"


def _corpus() -> Corpus:
    postmortems = []
    for n in range(12):
        postmortems.append(
            PostMortem(
                id=f"pm-{n}",
                title=f"Outage {n} {EVIL}",
                severity={"label": f"SEV{1 + n % 3}", "rank": 1 + n % 3},
                services=[EVIL if n % 4 == 0 else "api"],
                teams=["sre" if n % 2 else EVIL],
                started_at=f"2024-{1 + n % 12:02d}-03T10:00Z",
                detected_at=f"2024-{1 + n % 12:02d}-03T10:{5 + n:02d}Z",
                resolved_at=f"2024-{1 + n % 12:02d}-03T{11 + n % 9:02d}:00Z",
                actions=[
                    Action(id="a-1", title=f"Fix {EVIL}", owner=EVIL, due="2024-02-01",
                           created_at=f"2024-{1 + n % 12:02d}-04T00:00Z"),
                    Action(id="a-2", title="Alert", owner="ana", status="done",
                           created_at=f"2024-{1 + n % 12:02d}-04T00:00Z",
                           completed_at=f"2024-{1 + n % 12:02d}-20T00:00Z"),
                ],
            )
        )  # fmt: skip
    return Corpus.from_postmortems(postmortems)


def test_the_export_renders_every_chart_offline_with_no_console_errors(browser, tmp_path):
    path = Dashboard(_corpus(), as_of="2024-12-31").to_html(tmp_path / "report.html")
    text = path.read_text(encoding="utf-8")
    assert text.count('class="pm-plot-spec"') == len(FIGURES)
    assert text.count(get_plotlyjs()[:300]) == 1  # plotly.js embedded once, not per figure
    assert "<script>window.pwned" not in text

    page = browser.new_page()
    requests: list[str] = []
    console: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda msg: console.append(f"{msg.type}: {msg.text}"))
    page.on("pageerror", lambda exc: console.append(f"pageerror: {exc}"))
    page.on("dialog", lambda dialog: (console.append("dialog"), dialog.dismiss()))
    page.goto(path.as_uri())
    page.wait_for_function(
        f"document.querySelectorAll('.js-plotly-plot').length === {len(FIGURES)}",
        timeout=30_000,
    )
    page.wait_for_timeout(500)
    for name in FIGURES:
        traces = page.evaluate(f"document.getElementById('pm-{name}').data.length")
        assert traces >= 1, name
        drawn = page.locator(f"#pm-{name} .main-svg").count()
        assert drawn >= 1, name
    assert page.evaluate("document.getElementById('pm-trend').data.map(t => t.name)") == [
        "SEV1",
        "SEV2",
        "SEV3",
    ]
    assert page.evaluate("window.pwned === undefined")
    assert EVIL in page.locator("#pm-summary").evaluate("e => document.body.innerText")
    page.close()
    assert requests == [path.as_uri()], requests
    assert not [line for line in console if not line.startswith(("log", "info", "debug"))]
