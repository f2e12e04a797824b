"""The session app driven from Python: set widget values, click, check state and journal."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

import pmanalytics as pm
from pmanalytics.session import Session, SessionSettings
from pmanalytics.widgets import SessionApp


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2024, 3, 4, 10, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(tmp_path, clock) -> SessionApp:
    source = pm.read("data/handwritten/2025-06-14-payment-gateway-tls-expiry.md")
    source = source.model_copy(update={"items": (), "themes": (), "actions": ()})
    session = Session.create(  # one person drives for everyone: no private reflection
        source,
        tmp_path,
        participants=["Ana", "Bo"],
        facilitator="Cy",
        clock=clock,
        settings=SessionSettings(private_reflection=False),
    )
    return SessionApp(session)


def journal(app: SessionApp) -> list[dict]:
    return [json.loads(line) for line in app.session.path.read_text().splitlines()]


def advance_to(app: SessionApp, phase: str) -> None:
    app.actor.value = "Cy"
    while app.session.state.phase != phase:
        app.next_button.click()


def add(app: SessionApp, by: str, text: str, section: str = "went_well") -> str:
    app.actor.value = by
    app.item_section.value = section
    app.item_text.value = text
    app.add_item_button.click()
    return list(app.session.state.items)[-1]


def test_agenda_countdown_and_prime_directive(app, clock):
    assert app.prime_directive in app.phase_area.children
    advance_to(app, "set_the_tone")
    assert "Set the tone" in app.agenda.value and "05:00 left" in app.agenda.value
    assert "Regardless of what we discover" in app.prime_directive.value
    clock.now += timedelta(minutes=6)
    app.tick()
    assert "+01:00 over" in app.agenda.value and "pm-overrun" in app.agenda.value
    app.next_button.click()
    assert app.facts in app.phase_area.children
    assert "certificate" in app.facts.value.casefold() and "<table" in app.facts.value
    app.prev_button.click()
    assert app.session.state.phase == "set_the_tone"


def test_only_the_facilitator_moves_phases(app):
    app.actor.value = "Ana"
    app.next_button.click()
    assert "only the facilitator" in app.message.value
    assert app.session.state.phase is None


def test_add_edit_remove_items_on_the_board(app):
    advance_to(app, "individual_reflection")
    assert app.item_panel in app.phase_area.children
    item = add(app, "Ana", "Replay from the outbox <worked>")
    assert "Replay from the outbox &lt;worked&gt;" in app.board.value
    assert journal(app)[-1]["kind"] == "item_added"
    assert journal(app)[-1]["data"]["text"] == "Replay from the outbox <worked>"
    app.actor.value = "Bo"
    app.item_choice.value = item
    assert app.edit_text.value == "Replay from the outbox <worked>"
    app.edit_text.value = "Changed by Bo"
    app.edit_item_button.click()
    assert "cannot change item" in app.message.value
    app.actor.value = "Ana"
    app.edit_item_button.click()
    assert app.session.state.items[item].text == "Changed by Bo"
    app.remove_item_button.click()
    assert item not in app.session.state.items and journal(app)[-1]["kind"] == "item_removed"


def test_blame_wording_is_nudged_not_blocked(app):
    advance_to(app, "individual_reflection")
    app.actor.value = "Ana"
    app.item_text.value = "Bo forgot to renew the certificate"
    # the nudge shows while writing, before anything is posted (issue 11: it came after)
    assert "Before you post" in app.nudge.value and "systems and processes" in app.nudge.value
    assert app.add_item_button.description == "Post anyway" and not app.session.state.items
    app.item_text.value = "Renewal depended on someone remembering"
    assert app.nudge.value == "" and app.add_item_button.description == "Add item"
    add(app, "Ana", "Bo forgot to renew the certificate")  # posting anyway is allowed
    assert "⚠ reframe" in app.board.value  # shown to its author
    app.actor.value = "Bo"
    app._render_board()
    assert "⚠ reframe" not in app.board.value  # not to everyone else


def test_highlight_marks_a_participants_items(app):
    advance_to(app, "individual_reflection")
    add(app, "Ana", "Ana's note")
    add(app, "Bo", "Bo's note")
    app.highlight.value = "Bo"
    assert app.board.value.count("pm-item pm-hl") == 1
    assert "pm-hl" in app.board.value.split("Bo&#x27;s note")[0].rsplit("<div", 1)[1]


def test_themes_group_rename_merge_split_and_suggest(app):
    advance_to(app, "individual_reflection")
    ids = [
        add(app, "Ana", "Certificate expiry is not monitored", "lessons_learned"),
        add(app, "Bo", "Nobody owns certificate renewal", "ongoing_problem"),
        add(app, "Ana", "Night alerts are disabled", "lessons_learned"),
    ]
    advance_to(app, "theme_identification")
    assert app.theme_panel in app.phase_area.children
    app.suggest_button.click()  # the default suggester: pmanalytics.themes.suggest_themes
    assert [item_ids for _, item_ids in app.suggested] == [(ids[0], ids[1])]
    app.apply_suggestions_button.click()
    (theme,) = app.session.state.themes
    app.theme_items.value = (ids[2],)
    app.theme_label.value = "Alerting"
    app.group_button.click()
    assert len(app.session.state.themes) == 2
    app.theme_choice.value = theme
    app.theme_label.value = "Certificates"
    app.rename_button.click()
    assert app.session.state.themes[theme].label == "Certificates"
    app.merge_choice.value = tuple(app.session.state.themes)
    app.merge_button.click()
    assert list(app.session.state.themes) == [theme]
    app.theme_items.value = (ids[2],)
    app.theme_label.value = "Alerting again"
    app.split_button.click()
    assert app.session.state.items[ids[2]].theme_id != theme
    kinds = [e["kind"] for e in journal(app)]
    for kind in ("theme_created", "theme_renamed", "theme_merged", "theme_split"):
        assert kind in kinds


def test_suggest_uses_the_suggester_it_is_given(app):
    import types

    advance_to(app, "individual_reflection")
    ids = [add(app, "Ana", "one"), add(app, "Bo", "two")]
    calls = []

    def suggester(items):
        calls.append([i.id for i in items])
        return [types.SimpleNamespace(label="Clustered", item_ids=tuple(i.id for i in items))]

    app.suggester = suggester
    app.suggest_button.click()
    assert calls == [ids] and app.suggested == [("Clustered", tuple(ids))]


def test_voting_shows_remaining_votes_and_enforces_rules(app):
    advance_to(app, "individual_reflection")
    item = add(app, "Ana", "Certificate expiry is not monitored")
    app.actor.value = "Bo"
    app.vote_item.value = item
    app.vote_button.click()
    assert "prioritisation phase" in app.message.value
    advance_to(app, "prioritisation")
    assert app.vote_panel in app.phase_area.children
    app.actor.value = "Bo"
    for _ in range(4):
        app.vote_button.click()
    assert "used all 3 votes" in app.message.value
    assert "Bo: <b>0</b>/3" in app.votes_left.value
    app.withdraw_button.click()
    assert "Bo: <b>1</b>/3" in app.votes_left.value
    assert app.session.state.items[item].votes == 2


def test_facilitator_can_allow_votes_in_any_phase(app):
    app.actor.value = "Ana"
    app.allow_votes.value = True
    assert "only the facilitator" in app.message.value and not app.allow_votes.value
    app.actor.value = "Cy"
    app.allow_votes.value = True
    assert app.session.state.allow_votes_any_phase


def test_action_form_adds_and_edits_and_wrap_up_flags_missing(app, tmp_path):
    advance_to(app, "individual_reflection")
    item = add(app, "Ana", "Certificate expiry is not monitored")
    app.session.create_theme("Certificates", [item], by="Cy")
    advance_to(app, "action_planning")
    assert app.action_panel in app.phase_area.children
    app.action_title.value = "Alert 30 days before expiry"
    app.action_owner.value = "Bo"
    app.action_due.value = date(2025, 7, 1)
    app.action_priority.value = "P1"
    app.action_theme.value = "t-1"
    app.action_button.click()
    app.action_title.value = "Inventory all certificates"
    app.action_button.click()
    assert [a.title for a in app.session.state.actions.values()] == [
        "Alert 30 days before expiry",
        "Inventory all certificates",
    ]
    assert "missing owner" in app.actions_table.value
    app.action_choice.value = "a-1"
    assert app.action_title.value == "Alert 30 days before expiry"
    assert app.action_button.description == "Save action"
    app.action_priority.value = "P2"
    app.action_button.click()
    assert app.session.state.actions["a-1"].priority == "P2"
    assert journal(app)[-1]["kind"] == "action_edited"
    advance_to(app, "wrap_up")
    assert app.wrap_up_panel in app.phase_area.children
    assert "Certificates" in app.wrap_up.value
    assert "Inventory all certificates: <span class='pm-missing'>missing owner and due" in (
        app.wrap_up.value
    )
    assert (tmp_path / f"{app.session.state.postmortem.id}.md").exists()  # saved at wrap-up
    app.save_button.click()
    assert "Saved" in app.message.value
    app.export_button.click()
    report = tmp_path / f"{app.session.state.postmortem.id}.report.html"
    assert "Alert 30 days before expiry" in report.read_text()


def test_undo_button_and_widgets_hold_plain_values(app):
    advance_to(app, "individual_reflection")
    add(app, "Ana", "Something")
    app.actor.value = "Ana"
    app.undo_button.click()
    assert not app.session.state.items and journal(app)[-1]["kind"] == "undone"
    for widget in (app.item_choice, app.vote_item, app.theme_choice, app.action_choice):
        assert all(isinstance(v, str) for _, v in widget.options)


def test_the_app_picks_up_another_processes_events(app):
    other = Session.open(app.session.path)
    other.add_item("went_well", "From another notebook", by="Bo")
    app.tick()
    assert "From another notebook" in app.board.value


def test_saving_an_unchanged_action_keeps_its_priority_and_new_clears_the_form(tmp_path, clock):
    source = pm.read("data/handwritten/2025-06-14-payment-gateway-tls-expiry.md")
    session = Session.create(
        source, tmp_path, participants=["Ana", "Bo"], facilitator="Cy", clock=clock
    )
    app = SessionApp(session)
    advance_to(app, "action_planning")
    first = next(iter(session.state.actions.values()))
    assert first.priority and first.priority not in ("P1", "P2", "P3")
    app.action_choice.value = first.id
    app.action_button.click()
    assert session.state.actions[first.id].priority == first.priority
    app.action_choice.value = ""
    assert (app.action_title.value, app.action_owner.value, app.action_theme.value) == ("", "", "")
    assert app.action_due.value is None and app.action_priority.value == ""
