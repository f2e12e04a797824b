"""The card board's JavaScript in Chromium, against a real BoardWidget and its journal.

The page (:mod:`tests.browser.board_harness`) runs ``board.js`` with a model that forwards
each message to the widget in this process, as a kernel would, and polls it like the app.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import pmanalytics as pm
from pmanalytics.session import Session, SessionSettings
from pmanalytics.widgets.board import BoardWidget
from tests.browser.board_harness import open_board, settle

REPO = Path(__file__).resolve().parents[2]
VIEWPORT = {"width": 1280, "height": 800}
NOTES = {
    "went_well": ["Paging reached on-call within two minutes", "Rollback took five minutes"],
    "lessons_learned": ["Certificate expiry had no alert", "Nobody owned the certificate"],
}


def make_session(folder: Path) -> Session:
    source = pm.read(REPO / "data/handwritten/2025-06-14-payment-gateway-tls-expiry.md")
    facts = source.model_copy(update={"items": (), "themes": (), "actions": ()})
    return Session.create(
        facts, folder, participants=["Ana", "Bo"], facilitator="Cy",
        settings=SessionSettings(votes_per_participant=3, private_reflection=False),
    )  # fmt: skip  # the board's mechanics; private reflection is tested in test_session_team


def events(session: Session) -> list[dict]:
    return [json.loads(line) for line in session.path.read_text().splitlines()]


@pytest.fixture
def context(browser):
    made = browser.new_context(viewport=VIEWPORT)
    yield made
    made.close()


def tab_to(page, target, limit: int = 150) -> None:
    """Press Tab (only) until ``target`` has the focus: proves it is reachable by keyboard."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"{target} is not reachable with Tab")


def press(page, target, key: str = "Enter") -> None:
    tab_to(page, target)
    page.keyboard.press(key)
    settle(page)


def next_phase(page, times: int = 1, keyboard: bool = False) -> None:
    button = page.get_by_role("button", name="Next phase")
    for _ in range(times):
        if keyboard:
            if not button.evaluate("el => el === document.activeElement"):
                tab_to(page, button)
            page.keyboard.press("Enter")
        else:
            button.click()
        settle(page)


def add_notes(page, keyboard: bool = False) -> None:
    for section, texts in NOTES.items():
        title = {"went_well": "What went well", "lessons_learned": "Lessons learned"}[section]
        for text in texts:
            field = page.get_by_label(f"New note in {title}")
            if keyboard:
                tab_to(page, field)
                page.keyboard.type(text)
                page.keyboard.press("Control+Enter")
                settle(page)
            else:
                field.fill(text)
                page.get_by_role("button", name=f"Add note to {title}").click()
                settle(page)
            page.locator(".pmb-card", has_text=text).wait_for()


def card(page, text: str):
    return page.locator(".pmb-card", has_text=text)


def test_dragging_a_card_onto_another_records_the_theme_in_the_journal(context, tmp_path):
    session = make_session(tmp_path)
    page = open_board(context, BoardWidget(session))
    next_phase(page, 3)
    add_notes(page)
    next_phase(page, 2)
    card(page, "Nobody owned").drag_to(card(page, "Certificate expiry"))
    settle(page)
    created = [e for e in events(session) if e["kind"] == "theme_created"]
    assert [e["data"]["item_ids"] for e in created] == [["i-3", "i-4"]]
    group = page.locator(".pmb-group")
    assert group.locator(".pmb-card").count() == 2
    # drag a card out of the theme onto "Not grouped": one item_moved, theme None
    card(page, "Nobody owned").drag_to(page.locator("#pmb-loose-h"))
    settle(page)
    last = events(session)[-1]
    assert (last["kind"], last["data"]) == ("item_moved", {"item_id": "i-4", "theme_id": None})


def test_grouping_with_the_keyboard_only(context, tmp_path):
    session = make_session(tmp_path)
    page = open_board(context, BoardWidget(session))
    next_phase(page, 3, keyboard=True)
    add_notes(page, keyboard=True)
    next_phase(page, 2, keyboard=True)
    press(page, page.get_by_role("button", name="Select note: Certificate expiry had no alert"))
    assert page.get_by_role("toolbar", name="Move selected note").is_visible()
    tab_to(page, page.get_by_label("New theme label"))
    page.keyboard.type("Certificates")
    press(page, page.get_by_role("button", name="Move to theme", exact=True))
    press(page, page.get_by_role("button", name="Select note: Nobody owned the certificate"))
    tab_to(page, page.get_by_label("Move to theme"))
    page.keyboard.press("ArrowDown")  # from "A new theme" to "Certificates"
    press(page, page.get_by_role("button", name="Move to theme", exact=True))
    kinds = [(e["kind"], e["data"].get("item_ids") or e["data"].get("theme_id"))
             for e in events(session)[-2:]]  # fmt: skip
    assert kinds == [("theme_created", ["i-3"]), ("item_moved", "t-1")]
    assert page.locator(".pmb-group", has_text="Certificates").locator(".pmb-card").count() == 2
    # the moved card keeps the focus, so the next step is one Tab away
    assert page.evaluate("document.activeElement.getAttribute('data-key')") == "select-i-4"
    # split: a grouped card moved to "A new theme" (the default choice) with a label
    press(page, page.get_by_role("button", name="Select note: Nobody owned the certificate"))
    tab_to(page, page.get_by_label("New theme label"))
    page.keyboard.type("Ownership")
    press(page, page.get_by_role("button", name="Move to theme", exact=True))
    last = events(session)[-1]
    assert (last["kind"], last["data"]["item_ids"], last["data"]["label"]) == (
        "theme_split", ["i-4"], "Ownership")  # fmt: skip
    # merge: choose the other theme in "Theme to merge into Certificates", then "Merge in"
    tab_to(page, page.get_by_label("Theme to merge into Certificates"))
    press(page, page.get_by_role("button", name="Merge in the chosen theme, into Certificates"))
    last = events(session)[-1]
    assert (last["kind"], last["data"]["theme_id"], last["data"]["sources"]) == (
        "theme_merged", "t-1", ["t-2"])  # fmt: skip
    assert page.locator(".pmb-group").count() == 1
    # undo, from the keyboard too
    press(page, page.get_by_role("button", name="Undo"))
    assert events(session)[-1]["kind"] == "undone"
    assert page.locator(".pmb-group").count() == 2


def test_two_participants_see_each_others_grouping(browser, tmp_path):
    session = make_session(tmp_path)
    theirs = Session.open(session.path)  # a second kernel on the same journal
    contexts = [browser.new_context(viewport=VIEWPORT) for _ in range(2)]
    try:
        mine = open_board(contexts[0], BoardWidget(session), poll_ms=300)
        other = open_board(contexts[1], BoardWidget(theirs, viewer="Ana"), poll_ms=300)
        next_phase(mine, 3)
        add_notes(mine)
        card(other, NOTES["lessons_learned"][1]).wait_for()
        next_phase(mine, 2)
        other.locator(".pmb-mode-themes").wait_for()
        card(other, "Rollback").drag_to(card(other, "Paging"))  # Ana groups
        settle(other)
        mine.locator(".pmb-group", has_text="Rollback").wait_for(timeout=5_000)
        card(mine, "Nobody owned").drag_to(card(mine, "Certificate expiry"))  # Cy groups
        settle(mine)
        other.locator(".pmb-group", has_text="Nobody owned").wait_for(timeout=5_000)
        assert other.locator(".pmb-group").count() == mine.locator(".pmb-group").count() == 2
        actors = [e["actor"] for e in events(session) if e["kind"] == "theme_created"]
        assert actors == ["Ana", "Cy"]
    finally:
        for made in contexts:
            made.close()


def run_review(page, session: Session, tmp_path: Path, keyboard: bool) -> None:
    """A facilitator's whole review, from the first phase to the end of the wrap-up."""

    def act(target, key: str = "Enter") -> None:
        if keyboard:
            press(page, target, key)
        else:
            target.click()
            settle(page)

    next_phase(page, 3, keyboard)
    add_notes(page, keyboard)
    if not keyboard:
        page.get_by_label("New note in Future considerations").fill("Bo forgot the renewal")
        page.locator(".pmb-nudge").first.wait_for()
        page.get_by_label("New note in Future considerations").fill("")
    next_phase(page, 1, keyboard)
    next_phase(page, 1, keyboard)
    if keyboard:
        for text, target in (("Nobody owned", "Certificates"), ("Rollback", "Response")):
            act(page.get_by_role("button", name=f"Select note: {text}"))
            tab_to(page, page.get_by_label("New theme label"))
            page.keyboard.type(target)
            act(page.get_by_role("button", name="Move to theme", exact=True))
        for text in ("Certificate expiry", "Paging"):
            act(page.get_by_role("button", name=f"Select note: {text}"))
            tab_to(page, page.get_by_label("Move to theme"))
            page.keyboard.type("C" if text.startswith("Cert") else "R")
            act(page.get_by_role("button", name="Move to theme", exact=True))
        act(page.get_by_role("button", name="Rename theme Certificates"))
        page.keyboard.press("Control+a")
        page.keyboard.type("Certificate ownership")
        page.keyboard.press("Enter")
        settle(page)
    else:
        card(page, "Nobody owned").drag_to(card(page, "Certificate expiry"))
        settle(page)
        card(page, "Rollback").drag_to(card(page, "Paging"))
        settle(page)
        page.get_by_role("button", name="Rename theme Certificate expiry had no alert").click()
        page.get_by_label("New label for Certificate expiry had no alert").fill(
            "Certificate ownership"
        )
        page.get_by_role("button", name="Save label").click()
        settle(page)
    page.locator(".pmb-group h3", has_text="Certificate ownership").wait_for()
    next_phase(page, 1, keyboard)
    for _ in range(2):
        act(page.get_by_role("button", name="Vote for Certificate ownership"))
    response = page.locator(".pmb-group").nth(1).locator("h3").inner_text().split(" (")[0]
    act(page.get_by_role("button", name=f"Vote for {response.lstrip('⬡ ')}"))
    assert "0 votes left" in page.locator(".pmb-votes-left").inner_text()
    next_phase(page, 1, keyboard)
    assert "Discussing: Certificate ownership" in page.locator(".pmb-discuss").inner_text()
    title = page.get_by_label("Action", exact=True)
    if keyboard:
        tab_to(page, title)
        page.keyboard.type("Alert 30 days before any certificate expires")
        tab_to(page, page.get_by_label("Owner", exact=True))
        page.keyboard.type("Bo")
    else:
        title.fill("Alert 30 days before any certificate expires")
        page.get_by_label("Owner", exact=True).select_option("Bo")
        page.get_by_label("Due", exact=True).fill("2030-01-31")
    act(page.get_by_role("button", name="Add action for this theme"))
    page.locator(".pmb-discuss", has_text="Discussing: " + response.lstrip("⬡ ")).wait_for()
    next_phase(page, 1, keyboard)
    wrap = page.locator(".pmb-wrap")
    assert "Alert 30 days before any certificate expires" in wrap.inner_text()
    assert "Discussed (1 of 2 top themes)" in wrap.inner_text()
    next_phase(page, 1, keyboard)
    page.locator(".pmb-phase-name", has_text="Ended").wait_for()
    state = session.state
    assert state.ended_at is not None
    assert sorted(t.label for t in state.themes.values())[0] == "Certificate ownership"
    (action,) = state.actions.values()
    assert (action.owner, action.addresses) == ("Bo", "t-1")
    assert sum(state.theme_votes(t) for t in state.themes) == 3
    assert not [e for e in events(session) if e["kind"] == "undone"]


def test_a_facilitator_runs_a_whole_review_with_the_mouse(context, tmp_path):
    session = make_session(tmp_path)
    page = open_board(context, BoardWidget(session))
    run_review(page, session, tmp_path, keyboard=False)
    assert session.state.actions["a-1"].due.isoformat() == "2030-01-31"


def test_a_facilitator_runs_a_whole_review_with_the_keyboard(context, tmp_path):
    session = make_session(tmp_path)
    page = open_board(context, BoardWidget(session))
    run_review(page, session, tmp_path, keyboard=True)


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2025, 6, 20, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def test_new_notes_phase_changes_and_the_countdown_are_announced(context, tmp_path):
    clock = Clock()
    session = make_session(tmp_path)
    session = Session.open(session.path, clock=clock)
    others = Session.open(session.path, clock=clock)  # another participant's kernel
    page = open_board(context, BoardWidget(session), poll_ms=200)
    live = page.get_by_role("status").filter(has=page.locator("p"))
    next_phase(page, 3)
    live.filter(has_text="Phase: Individual reflection, 10 minutes.").wait_for()
    others.refresh()
    others.add_item("went_well", "Paging reached on-call quickly", by=others.members[1])
    live.filter(has_text="New note: Paging reached on-call quickly").wait_for()
    clock.now += timedelta(minutes=8, seconds=1)  # 1:59 left
    others.add_item("went_well", "Rollback was fast", by=others.members[2])
    live.filter(has_text="2 minutes left in Individual reflection.").wait_for()
    clock.now += timedelta(minutes=2)  # over time: the text says so, not only the colour
    others.add_item("went_well", "Status page went up", by=others.members[2])
    page.locator(".pmb-timer", has_text="⏰").wait_for()
    assert "over" in page.locator(".pmb-timer").inner_text()
    live.filter(has_text="Time is up for Individual reflection.").wait_for()
    # the live region is polite and not the timer itself (which would speak every second)
    assert page.locator(".pmb-timer").get_attribute("aria-live") is None
    assert page.locator(".pmb-sr[role=status]").get_attribute("aria-live") == "polite"
