"""The board notebook served by Voila at 1280×800: the page is the app, the board is on
screen in every phase without scrolling, and screenshots of every phase go into docs/.

Other participants act from a second "kernel" (a Session in this process on the same
journal); Voila's board shows their changes by re-reading the journal every second.
Run with PMANALYTICS_SCREENSHOTS=1 to regenerate docs/board-<phase>.png.
"""

from __future__ import annotations

import os
from pathlib import Path

import pmanalytics as pm
from pmanalytics.session import Session, SessionSettings
from pmanalytics.session.rules import board_shown
from tests.browser.conftest import voila

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK = REPO / "notebooks" / "05-session-board.ipynb"
SOURCE = REPO / "data/handwritten/2025-06-14-payment-gateway-tls-expiry.md"
VIEWPORT = {"width": 1280, "height": 800}


def other_kernel(folder: Path) -> Session:
    facts = pm.read(SOURCE).model_copy(update={"items": (), "themes": (), "actions": ()})
    return Session.open_or_create(facts, folder, settings=SessionSettings(votes_per_participant=3))


def fill(phase: str, s: Session) -> None:
    """What the others do in ``phase``, through the session's commands."""
    s.refresh()
    ana, bo = s.members[1:3]
    if phase == "individual_reflection":
        notes = [
            ("went_well", "Paging reached on-call within two minutes", ana),
            ("went_well", "Rolling back the gateway config took five minutes", bo),
            ("lessons_learned", "Certificate expiry had no alert", ana),
            ("lessons_learned", "Nobody owned the payment certificate", bo),
            ("future_considerations", "Renewal steps live in one person's head", ana),
            ("ongoing_problem", "Other certificates still renew by hand", bo),
        ]
        for section, text, who in notes:
            s.add_item(section, text, by=who)
    elif phase == "theme_identification":
        s.create_theme("Certificate ownership", ["i-3", "i-4", "i-5"], by=ana)
        s.create_theme("Fast response", ["i-1", "i-2"], by=bo)
    elif phase == "prioritisation":
        for who in (ana, bo):
            for _ in range(2):
                s.cast_vote("i-3", by=who)
        s.cast_vote("i-1", by=ana)
    elif phase == "action_planning":
        s.add_action("Alert 30 days before any certificate expires", by=s.facilitator,
                     owner=bo, due="2025-07-31", theme_id="t-1")  # fmt: skip


def test_every_phase_fits_a_laptop_screen_with_the_board_in_view(browser, tmp_path):
    folder = tmp_path / "session"
    others = other_kernel(folder)
    shots = REPO / "docs" if os.environ.get("PMANALYTICS_SCREENSHOTS") == "1" else tmp_path
    env = {"PMANALYTICS_SESSION_DIR": str(folder), "PMANALYTICS_CACHE_DIR": str(tmp_path)}
    with voila(NOTEBOOK, tmp_path / "voila.log", env=env) as url:
        page = browser.new_page(viewport=VIEWPORT)
        page.goto(url, timeout=90_000)
        page.locator(".pmb").wait_for(timeout=90_000)
        names = ["not-started"]
        expected = {"individual_reflection": "private note(s) by others",
                    "theme_identification": "Certificate ownership",
                    "prioritisation": "4 votes",
                    "action_planning": "✓ discussed",
                    "wrap_up": "Discussed (1 of 2 top themes)"}  # fmt: skip
        for spec in others.template.phases:
            page.get_by_role("button", name="Next phase").click()
            page.locator(".pmb-phase-name", has_text=spec.title).wait_for(timeout=30_000)
            fill(spec.key, others)
            if spec.key in expected:  # the others' changes arrive by polling the journal
                page.locator(".pmb-content", has_text=expected[spec.key]).wait_for(timeout=10_000)
            names.append(spec.key.replace("_", "-"))
            box = page.locator(".pmb").bounding_box()
            content = page.locator(".pmb-content").bounding_box()
            assert box is not None and content is not None
            assert page.evaluate("window.scrollY") == 0
            assert box["y"] < 40, (spec.key, box)  # the app is the page: nothing above it
            assert box["y"] + box["height"] <= VIEWPORT["height"], (spec.key, box)
            if board_shown(spec.key):  # the phases with cards on the board
                assert content["height"] >= 200, (spec.key, content)
            page.mouse.move(0, 0)
            page.screenshot(path=str(shots / f"board-{names[-1]}.png"))
        text = page.locator(".pmb").inner_text()
        assert str(tmp_path) not in text and "/tmp" not in text
        page.close()
    assert others.refresh() >= 0
    assert [a.title for a in others.state.actions.values()] == [
        "Alert 30 days before any certificate expires"
    ]
