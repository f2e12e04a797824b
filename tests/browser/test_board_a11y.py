"""axe-core on the card board in every phase and on the dashboard export: no serious or
critical violation. axe-core is vendored in tests/fixtures/axe (see its README)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pmanalytics.dashboard import Dashboard
from pmanalytics.widgets.board import BoardWidget
from tests.browser.board_harness import open_board, settle
from tests.browser.test_board_browser import VIEWPORT, add_notes, card, make_session, next_phase
from tests.browser.test_dashboard_export import _corpus

AXE = Path(__file__).resolve().parents[1] / "fixtures" / "axe" / "axe.min.js"
BAD = ("serious", "critical")


def violations(page) -> list[str]:
    """axe-core's serious and critical violations on the page, one line each."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" "))}));
        }"""
    )
    return [f"{v['impact']}: {v['id']} ({v['help']}) at {v['nodes']}" for v in found
            if v["impact"] in BAD]  # fmt: skip


@pytest.fixture
def page(browser, tmp_path):
    context = browser.new_context(viewport=VIEWPORT)
    session = make_session(tmp_path)
    yield open_board(context, BoardWidget(session)), session
    context.close()


def test_the_board_has_no_serious_violation_in_any_phase(page):
    page, session = page
    seen: dict[str, list[str]] = {"not started": violations(page)}
    for _ in session.template.phases:
        next_phase(page)
        phase = session.state.phase
        if phase == "individual_reflection":
            add_notes(page)
            page.get_by_label("New note in Future considerations").fill("Bo forgot it")
            page.locator(".pmb-draft .pmb-nudge").wait_for()
        if phase == "theme_identification":
            card(page, "Nobody owned").drag_to(card(page, "Certificate expiry"))
            settle(page)
            card(page, "Rollback").drag_to(card(page, "Paging"))
            settle(page)
            page.get_by_role("button", name="Select note: Paging").click()
        if phase == "prioritisation":
            page.locator(".pmb-group button", has_text="Vote").first.click()
            settle(page)
        if phase == "action_planning":
            page.get_by_label("Action", exact=True).fill("Alert before expiry")
            page.get_by_role("button", name="Add action for this theme").click()
            settle(page)
        seen[str(phase)] = violations(page)
    next_phase(page)  # the session ends: the wrap-up stays
    seen["ended"] = violations(page)
    assert len(seen) == len(session.template.phases) + 2
    assert {name: found for name, found in seen.items() if found} == {}


def test_the_dashboard_export_has_no_serious_violation(browser, tmp_path):
    path = Dashboard(_corpus(), as_of="2024-12-31").to_html(tmp_path / "report.html")
    page = browser.new_page(viewport=VIEWPORT)
    page.goto(path.as_uri())
    page.wait_for_selector(".js-plotly-plot")
    assert violations(page) == []
    page.close()


def test_the_session_report_export_has_no_serious_violation(browser, tmp_path):
    from pmanalytics import report

    session = make_session(tmp_path)
    for _ in range(3):
        session.next_phase(by=session.facilitator)
    first = session.add_item("lessons_learned", "Certificate expiry had no alert", by="Cy")
    session.reveal(by=session.facilitator)  # reflection is private until revealed
    theme = session.create_theme("Certificates", [first.data.item_id], by="Cy")
    session.add_action("Alert before expiry", by="Cy", owner="Bo", theme_id=theme.data.theme_id)
    (path,) = report.export(session, tmp_path / "out")
    page = browser.new_page(viewport=VIEWPORT)
    page.goto(path.as_uri())
    assert "Certificate expiry had no alert" in page.content()
    assert violations(page) == []
    page.close()
