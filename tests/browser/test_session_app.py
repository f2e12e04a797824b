"""The session app in a real browser: Voila serves the notebook, Chromium adds an item."""

from __future__ import annotations

import json
from pathlib import Path

from tests.browser.conftest import voila

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK = REPO / "notebooks" / "01-run-a-postmortem-session.ipynb"
TEXT = "Replaying from the order outbox restored payments <quickly>"


def test_an_item_added_in_the_page_shows_on_the_board_and_in_the_journal(browser, tmp_path):
    folder = tmp_path / "session"
    env = {"PMANALYTICS_SESSION_DIR": str(folder), "PMANALYTICS_CACHE_DIR": str(tmp_path)}
    with voila(NOTEBOOK, tmp_path / "voila.log", env=env) as url:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url, timeout=90_000)
        next_phase = page.get_by_role("button", name="Next phase")
        next_phase.wait_for(timeout=90_000)
        for title in ("Set the tone", "Review the facts", "Individual reflection"):
            next_phase.click()
            page.locator(".pm-current", has_text=title).wait_for(timeout=30_000)
        page.get_by_placeholder("Write a note…").fill(TEXT)
        page.get_by_role("button", name="Add item").click()
        page.locator(".pmb-card", has_text=TEXT).wait_for(timeout=30_000)
        page.close()
        # Resume in a fresh page (a new kernel replays the journal): the countdown runs
        # with no click at all.
        resumed = browser.new_page()
        resumed.goto(url, timeout=90_000)
        countdown = resumed.locator(".pm-countdown")
        countdown.wait_for(timeout=90_000)
        resumed.locator(".pmb-card", has_text=TEXT).wait_for(timeout=30_000)
        first = countdown.inner_text()
        resumed.wait_for_function(
            "text => document.querySelector('.pm-countdown').innerText !== text",
            arg=first,
            timeout=15_000,
        )
        resumed.close()
    (journal,) = folder.glob("*.session.jsonl")
    events = [json.loads(line) for line in journal.read_text().splitlines()]
    added = [e for e in events if e["kind"] == "item_added"]
    assert [e["data"]["text"] for e in added] == [TEXT]
    assert [e["data"]["phase"] for e in events if e["kind"] == "phase_started"] == [
        "set_the_tone",
        "review_facts",
        "individual_reflection",
    ]
