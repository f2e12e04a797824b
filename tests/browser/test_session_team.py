"""A whole review in real browsers: ``pmanalytics session serve`` on a dfds post-mortem.

The facilitator and three participants, each in their own browser context with their own
link, run the agenda: private notes invisible to others until the reveal, a nudge before
posting, an anonymous note whose author appears in no output, a reload mid-way that loses
nothing, votes within budgets, an action with kind and owner, the wrap-up, and the report
downloaded from the page.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

import pmanalytics as pm
from tests.browser.session_serve import serve

NOTES = {
    "AF": "Nothing checked the LimitRange before it was applied",
    "AN": "Dev workloads shared nodes with the monitoring agent",
    "EC": "Node alerts reached Slack within 2 minutes",
}
ACTION = "Move grafana-agent to the monitoring node group"
WAIT = 60_000


def board(page: Any) -> Any:
    return page.locator(".pmb").first


def card(page: Any, text: str) -> Any:
    return page.locator(".pmb-card", has_text=text)


def field(page: Any, kind: str, label: str) -> Any:
    return page.locator(f".{kind}:has(label:text-is('{label}'))").locator("select, input").first


def phase_is(page: Any, title: str) -> None:
    page.locator(".pm-current", has_text=title).wait_for(timeout=WAIT)


def pick(page: Any, label: str, text: str) -> None:
    select = field(page, "widget-dropdown", label)
    option = select.locator("option", has_text=text).first
    option.wait_for(state="attached", timeout=WAIT)
    select.select_option(label=option.inner_text())


def write(page: Any, text: str, *, anonymous: bool = False) -> None:
    page.get_by_placeholder("Write a note…").fill(text)
    if anonymous:
        page.locator(".widget-checkbox", has_text="Post anonymously").locator("input").check()
    page.get_by_role("button", name=re.compile("Add item|Post anyway")).click()
    card(page, text).wait_for(timeout=WAIT)


@pytest.fixture
def postmortem(dfds_folder: Path, tmp_path: Path) -> Path:
    source = next(dfds_folder.glob("PM2024-001 *.md"))
    copy = tmp_path / "reviews" / source.name
    copy.parent.mkdir()
    shutil.copy(source, copy)
    return copy


def test_a_team_runs_the_whole_agenda_from_their_own_browsers(browser, postmortem, tmp_path):
    env = {"PMANALYTICS_DATA_DIR": str(tmp_path / "data")}
    args = ("--participants", "AF,AN,EC", "--facilitator", "Carla", "--minutes", "45")
    with serve(postmortem, tmp_path / "serve.log", *args, env=env) as served:
        assert served.facilitator == "Carla" and set(served.links) == {"Carla", "AF", "AN", "EC"}
        pages = {}
        for name, link in served.links.items():
            page = browser.new_context(accept_downloads=True).new_page()
            page.goto(link, timeout=120_000)
            field(page, "widget-dropdown", "You are").wait_for(timeout=120_000)
            pages[name] = page
        carla, af, an, ec = (pages[n] for n in ("Carla", "AF", "AN", "EC"))
        # who you are is shown and cannot be changed; only the facilitator moves phases
        for name, page in pages.items():
            you = field(page, "widget-dropdown", "You are")
            assert you.is_disabled() and you.locator("option").all_inner_texts() == [name]
        assert not af.get_by_role("button", name="Next phase").is_visible()
        assert carla.get_by_role("button", name="Next phase").is_visible()
        forged = browser.new_context().new_page()  # a link whose key was edited
        forged.goto(served.links["AF"][:-2] + "xx", timeout=120_000)
        forged.get_by_text("not valid for this session").wait_for(timeout=120_000)
        assert not forged.get_by_role("button", name="Add item").count()
        forged.context.close()

        for title in ("Set the tone", "Review the facts", "Individual reflection"):
            carla.get_by_role("button", name="Next phase").click()
            phase_is(carla, title)
        for page in (af, an, ec):  # pushed to every browser
            phase_is(page, "Individual reflection")
        # the nudge shows while writing, before posting; AF rewords
        af.get_by_placeholder("Write a note…").fill("EC forgot the LimitRange, human error")
        af.get_by_text("Before you post").wait_for(timeout=WAIT)
        write(af, NOTES["AF"])
        write(an, NOTES["AN"], anonymous=True)
        write(ec, NOTES["EC"])
        # private until revealed: others see counts only
        ec.get_by_text("private note(s) by others").first.wait_for(timeout=WAIT)
        for name, page in pages.items():
            shown = board(page).inner_text()
            for author, text in NOTES.items():
                assert (text in shown) == (author == name), (name, author)
        # a reload in the middle loses nothing
        af.reload(timeout=120_000)
        card(af, NOTES["AF"]).wait_for(timeout=120_000)
        phase_is(af, "Individual reflection")

        carla.get_by_role("button", name="Next phase").click()
        phase_is(carla, "Group discussion")
        for page in pages.values():
            for text in NOTES.values():
                card(page, text).wait_for(timeout=WAIT)
            anonymous = card(page, NOTES["AN"]).inner_text()
            assert "anonymous" in anonymous and not re.search(r"\bAN\b", anonymous)

        for title in ("Theme identification", "Prioritisation"):
            carla.get_by_role("button", name="Next phase").click()
            phase_is(carla, title)
        votes = {"AF": [NOTES["AN"]] * 2, "AN": [NOTES["AN"], NOTES["AF"]], "EC": [NOTES["AN"]] * 4}
        for name, texts in votes.items():
            page = pages[name]
            phase_is(page, "Prioritisation")
            for text in texts:
                pick(page, "Item", text)
                page.locator("button", has_text=re.compile(r"^\s*Vote\s*$")).click()
                page.wait_for_timeout(300)
        ec.get_by_text("has used all 3 votes").wait_for(timeout=WAIT)  # the budget holds
        card(carla, NOTES["AN"]).get_by_text("▲ 6 votes", exact=True).wait_for(timeout=WAIT)

        carla.get_by_role("button", name="Next phase").click()
        phase_is(carla, "Action planning")
        field(carla, "widget-text", "Title").fill(ACTION)
        field(carla, "widget-text", "Owner").fill("AF")
        field(carla, "widget-dropdown", "Kind").select_option(label="prevent")
        field(carla, "widget-text", "Ticket").fill("OPS-42")
        carla.get_by_role("button", name="Add action").click()
        carla.locator(".pm-table", has_text=ACTION).first.wait_for(timeout=WAIT)

        carla.get_by_role("button", name="Next phase").click()
        phase_is(carla, "Wrap-up")
        wrap = carla.locator(".widget-html", has_text="Voted notes without a theme")
        wrap.wait_for(timeout=WAIT)
        assert NOTES["AN"] in wrap.inner_text()
        carla.get_by_role("button", name="Export report").click()
        link = carla.locator("a.pm-download")
        link.wait_for(timeout=WAIT)
        with carla.expect_download(timeout=WAIT) as download:
            link.click()
        saved_report = tmp_path / "report.html"
        download.value.save_as(saved_report)
        outputs = {"report": saved_report.read_text(), "log": served.log.read_text()}
        outputs |= {f"page {n}": p.content() for n, p in pages.items()}
        for page in pages.values():
            page.context.close()

    report = outputs["report"]
    assert ACTION in report and NOTES["AN"] in report
    assert not re.search(r"\bAN\b", report)  # the anonymous note's author, nowhere
    journal = next(served.folder.glob("*.session.jsonl"))
    saved = pm.read(next(served.folder.glob("*.md")))
    for where, text in {**outputs, "saved file items": repr(saved.items)}.items():
        for key in (link.split("key=")[1] for link in served.links.values()):
            assert key not in text, where  # secrets never reach an output
    anonymous = next(i for i in saved.items if i.text == NOTES["AN"])
    assert anonymous.author is None and anonymous.votes == 6
    assert next(i for i in saved.items if i.text == NOTES["AF"]).author == "AF"
    action = next(a for a in saved.actions if a.title == ACTION)
    assert (action.owner, action.kind, action.link) == ("AF", "prevent", "OPS-42")
    assert len(saved.actions) == 8  # the post-mortem's own 7 kept
    assert sum(i.heading == "Contributing factors" for i in saved.items) == 2
    events = [json.loads(line) for line in journal.read_text().splitlines()]
    cast = [e["actor"] for e in events if e["kind"] == "vote_cast"]
    assert sorted(cast) == ["AF", "AF", "AN", "AN", "EC", "EC", "EC"]
