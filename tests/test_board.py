"""The card board driven from Python: send the browser's messages, check the journal and view."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

import pmanalytics as pm
from pmanalytics.session import Session, SessionSettings
from pmanalytics.session.card_board import board_view
from pmanalytics.widgets.board import COMMANDS, BoardWidget


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2024, 3, 4, 10, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def make_session(folder, clock, **settings) -> Session:
    source = pm.PostMortem(id="pm-1", title="Payment gateway TLS expiry")
    return Session.create(
        source,
        folder,
        participants=["Ana", "Bo"],
        facilitator="Cy",
        clock=clock,
        settings=SessionSettings(**settings),
    )


@pytest.fixture
def board(tmp_path, clock) -> BoardWidget:
    return BoardWidget(make_session(tmp_path, clock))


def journal(board: BoardWidget) -> list[dict]:
    return [json.loads(line) for line in board.session.path.read_text().splitlines()]


def go_to(board: BoardWidget, phase: str) -> None:
    while board.session.state.phase != phase:
        board.send_command({"cmd": "next_phase"})
        assert not board.message.startswith("⛔"), board.message


def add(board: BoardWidget, text: str, section: str = "went_well", by: str = "Cy") -> str:
    board.viewer = by
    board.send_command({"cmd": "add_item", "section": section, "text": text})
    assert not board.message.startswith("⛔"), board.message
    return board.view["cards"][-1]["id"]


@pytest.fixture
def grouped(board) -> BoardWidget:
    go_to(board, "individual_reflection")
    for text in ("Cert expiry not alerted", "No owner for certs", "Paging worked", "Rollback fast"):
        add(board, text)
    go_to(board, "theme_identification")
    board.send_command({"cmd": "group", "item_id": "i-2", "target": "i-1"})
    board.send_command({"cmd": "group", "item_id": "i-4", "target": "i-3"})
    return board


def test_reflection_shows_one_column_per_section_with_the_cards_in_them(board):
    go_to(board, "individual_reflection")
    a = add(board, "Paging reached on-call fast", by="Ana")
    b = add(board, "Expiry dates live in a wiki page", "lessons_learned", by="Bo")
    assert [c["id"] for c in board.view["cards"]] == [b]  # Ana's note is private to her
    board.session.reveal(by=board.session.facilitator)
    board.sync()
    view = board.view
    assert view["mode"] == "columns"
    assert [c["key"] for c in view["columns"]] == [s.key for s in board.session.template.sections]
    assert view["columns"][0]["card_ids"] == [a]
    assert view["columns"][1]["card_ids"] == [b]
    authors = {c["id"]: (c["author"], c["mine"]) for c in view["cards"]}
    assert authors == {a: ("Ana", False), b: ("Bo", True)}  # the viewer is Bo now


def test_anonymous_sessions_send_no_author_to_the_browser(tmp_path, clock):
    board = BoardWidget(make_session(tmp_path, clock, anonymous=True))
    go_to(board, "individual_reflection")
    add(board, "Paging worked", by="Ana")
    assert board.view["cards"][0]["author"] is None
    assert board.view["cards"][0]["mine"] is True  # the writer still knows it is theirs


def test_the_draft_nudge_comes_back_without_recording_anything(board):
    go_to(board, "individual_reflection")
    before = len(journal(board))
    board.send_command({"cmd": "draft", "text": "Bo forgot to renew the cert"})
    assert any("names a participant" in n for n in board.draft_nudges)
    assert any("blame phrasing" in n for n in board.draft_nudges)
    board.send_command({"cmd": "draft", "text": "Nothing alerted on expiry"})
    assert board.draft_nudges == []
    assert len(journal(board)) == before
    card = add(board, "Bo forgot to renew the cert")
    (shown,) = [c for c in board.view["cards"] if c["id"] == card]
    assert shown["nudges"] and "Reframe" in shown["nudges"][0]


def test_a_card_dropped_on_a_card_forms_a_theme_in_the_journal(grouped):
    created = [e for e in journal(grouped) if e["kind"] == "theme_created"]
    assert [e["data"]["item_ids"] for e in created] == [["i-1", "i-2"], ["i-3", "i-4"]]
    assert [e["data"]["label"] for e in created] == ["Cert expiry not alerted", "Paging worked"]
    groups = {g["label"]: g["card_ids"] for g in grouped.view["groups"]}
    assert groups == {"Cert expiry not alerted": ["i-1", "i-2"], "Paging worked": ["i-3", "i-4"]}


def test_a_card_dropped_on_a_grouped_card_joins_that_theme(grouped):
    go_to(grouped, "theme_identification")
    grouped.send_command({"cmd": "move", "item_id": "i-4", "theme_id": None})
    grouped.send_command({"cmd": "group", "item_id": "i-4", "target": "i-1"})
    last = journal(grouped)[-1]
    assert (last["kind"], last["data"]) == ("item_moved", {"item_id": "i-4", "theme_id": "t-1"})


def test_every_board_command_appends_exactly_one_event(grouped):
    steps = [
        {"cmd": "rename", "theme_id": "t-1", "label": "Certificates"},
        {"cmd": "move", "item_id": "i-2", "theme_id": None},
        {"cmd": "move", "item_id": "i-2", "theme_id": "t-2"},
        {"cmd": "split", "theme_id": "t-2", "item_ids": ["i-2"], "label": "Ownership"},
        {"cmd": "merge", "theme_id": "t-1", "source": "t-3"},
        {"cmd": "new_theme", "item_ids": ["i-3"], "label": "Response"},
        {"cmd": "undo"},
    ]
    kinds = []
    for step in steps:
        before = len(journal(grouped))
        grouped.send_command(step)
        assert not grouped.message.startswith("⛔"), (step, grouped.message)
        after = journal(grouped)
        assert len(after) == before + 1, step
        kinds.append(after[-1]["kind"])
    assert kinds == [
        "theme_renamed",
        "item_moved",
        "item_moved",
        "theme_split",
        "theme_merged",
        "theme_created",
        "undone",
    ]
    labels = {g["label"]: g["card_ids"] for g in grouped.view["groups"]}
    assert labels == {"Certificates": ["i-1", "i-2"], "Paging worked": ["i-3", "i-4"]}


def test_a_broken_rule_shows_on_the_board_and_records_nothing(grouped):
    grouped.viewer = "Ana"
    before = journal(grouped)
    grouped.send_command({"cmd": "next_phase"})
    assert grouped.message.startswith("⛔ ") and "only the facilitator" in grouped.message
    grouped.send_command({"cmd": "merge", "theme_id": "t-1", "source": "t-1"})
    assert "two themes or more" in grouped.message
    grouped.send_command({"cmd": "teleport"})
    assert grouped.message == "⛔ unknown board command 'teleport'"
    assert journal(grouped) == before


def test_votes_on_a_group_count_for_it_and_each_persons_votes_left_is_shown(grouped):
    go_to(grouped, "prioritisation")
    assert grouped.view["mode"] == "vote" and grouped.view["voting"]
    grouped.viewer = "Ana"
    for _ in range(2):
        grouped.send_command({"cmd": "vote", "target": "t-2"})
    grouped.send_command({"cmd": "vote", "target": "t-1"})
    view = grouped.view
    assert view["votes_left"] == {"Cy": 3, "Ana": 0, "Bo": 3}
    assert [(g["id"], g["votes"], g["my_votes"]) for g in view["groups"]] == [
        ("t-2", 2, 2),
        ("t-1", 1, 1),
    ]
    before = journal(grouped)
    grouped.send_command({"cmd": "vote", "target": "t-1"})
    assert "has used all 3 votes" in grouped.message
    assert journal(grouped) == before
    grouped.send_command({"cmd": "unvote", "target": "t-2"})
    assert journal(grouped)[-1]["kind"] == "vote_withdrawn"
    assert grouped.view["votes_left"]["Ana"] == 1
    grouped.viewer = "Bo"
    assert [g["my_votes"] for g in grouped.view["groups"]] == [0, 0]


def test_votes_are_closed_on_the_board_outside_prioritisation(grouped):
    assert grouped.view["voting"] is False
    grouped.send_command({"cmd": "vote", "target": "t-1"})
    assert "prioritisation" in grouped.message


def test_discussion_walks_the_themes_in_vote_order_with_time_from_event_times(grouped, clock):
    go_to(grouped, "prioritisation")
    grouped.viewer = "Ana"
    grouped.send_command({"cmd": "vote", "target": "t-2"})
    grouped.viewer = "Cy"
    go_to(grouped, "action_planning")
    clock.now += timedelta(minutes=4)
    grouped.sync()
    rows = grouped.view["discussion"]
    assert [(r["id"], r["status"], r["seconds"]) for r in rows] == [
        ("t-2", "current", 240),
        ("t-1", "waiting", None),
    ]
    assert rows[0]["box_seconds"] == 12 * 60 // 2
    grouped.send_command(
        {
            "cmd": "add_action",
            "title": "Page on rollback",
            "owner": "Bo",
            "due": "2024-04-01",
            "theme_id": "t-2",
        }
    )
    clock.now += timedelta(minutes=1)
    grouped.sync()
    rows = grouped.view["discussion"]
    assert [(r["id"], r["status"], r["seconds"]) for r in rows] == [
        ("t-2", "discussed", 240),
        ("t-1", "current", 60),
    ]
    (action,) = grouped.view["actions"]
    assert (action["theme_id"], action["owner"], action["due"], action["missing"]) == (
        "t-2",
        "Bo",
        "2024-04-01",
        [],
    )
    grouped.send_command({"cmd": "add_action", "title": "Own the certs", "theme_id": "t-1"})
    go_to(grouped, "wrap_up")
    view = grouped.view
    assert view["mode"] == "wrap_up"
    assert [(r["label"], r["status"]) for r in view["discussion"]] == [
        ("Paging worked", "discussed"),
        ("Cert expiry not alerted", "discussed"),
    ]
    assert [a["missing"] for a in view["actions"]] == [[], ["owner", "due"]]


def test_other_participants_boards_show_a_grouping_after_they_poll(tmp_path, clock):
    mine = BoardWidget(make_session(tmp_path, clock))
    go_to(mine, "individual_reflection")
    add(mine, "Cert expiry not alerted")
    add(mine, "No owner for certs")
    theirs = BoardWidget(Session.open(mine.session.path, clock=clock), viewer="Ana")
    assert theirs.view["groups"] == []
    go_to(mine, "theme_identification")
    mine.send_command({"cmd": "group", "item_id": "i-2", "target": "i-1"})
    assert theirs.poll() == 3
    assert [g["card_ids"] for g in theirs.view["groups"]] == [["i-1", "i-2"]]
    assert theirs.view["viewer"] == "Ana"
    assert theirs.poll() == 0


def test_the_app_refreshes_after_each_board_command(board):
    calls = []
    board.on_change = lambda: calls.append(board.session.state.phase)
    board.send_command({"cmd": "next_phase"})
    board.send_command({"cmd": "draft", "text": "x"})  # a query: no refresh needed
    assert calls == ["set_the_tone"]


def test_the_view_is_plain_serialisable_data(grouped):
    view = board_view(grouped.session.state, "Ana", grouped.session.now())
    assert json.loads(json.dumps(view)) == view
    assert set(COMMANDS) >= {"add_item", "group", "move", "split", "rename", "merge", "vote"}


def test_choosing_who_you_are_changes_the_view_and_records_nothing(board):
    before = journal(board)
    board.send_command({"cmd": "viewer", "name": "Ana"})
    assert (board.viewer, board.view["viewer"], board.view["is_facilitator"]) == (
        "Ana",
        "Ana",
        False,
    )
    board.send_command({"cmd": "viewer", "name": "Mallory"})  # not a member: ignored
    assert board.viewer == "Ana"
    assert journal(board) == before


def test_in_the_form_app_the_board_takes_the_board_slot_and_follows_the_app(tmp_path, clock):
    from pmanalytics.widgets import SessionApp

    app = SessionApp(make_session(tmp_path, clock))
    board = app.card_board
    assert board.compact and board in app.children and app.board not in app.children
    app.actor.value = "Ana"
    assert board.view["viewer"] == "Ana"
    app.actor.value = "Cy"
    for _ in range(3):
        app.next_button.click()
    assert board.view["mode"] == "columns"  # the app's commands show on the board
    board.send_command({"cmd": "add_item", "section": "went_well", "text": "Paging worked"})
    assert [label for label, _ in app.item_choice.options] == ["i-1: Paging worked"]


def test_the_board_hides_others_private_notes_and_anonymous_authors(tmp_path, clock):
    session = make_session(tmp_path, clock)
    for _ in range(3):  # to individual reflection, where notes are private
        session.next_phase(by=session.facilitator)
    mine = session.add_item("lessons_learned", "Nobody owned the certificate", by="Ana")
    hidden = session.add_item("went_well", "Paging was quick", by="Bo", anonymous=True)
    now = session.now()
    seen_by_ana = {card["id"] for card in board_view(session.state, "Ana", now)["cards"]}
    assert mine.data.item_id in seen_by_ana and hidden.data.item_id not in seen_by_ana
    session.reveal(by=session.facilitator)
    cards = {card["id"]: card for card in board_view(session.state, "Ana", now)["cards"]}
    assert cards[hidden.data.item_id]["author"] is None  # anonymous to everyone
    assert cards[mine.data.item_id]["author"] == "Ana"


def test_a_board_holding_a_key_cannot_become_someone_else(tmp_path, clock):
    board = BoardWidget(make_session(tmp_path, clock), viewer="Ana", poll_every=None)
    board.fixed_viewer = "Ana"
    board.send_command({"cmd": "viewer", "name": "Bo"})
    board.viewer = "Bo"  # what an edited page could sync
    board.send_command({"cmd": "next_phase"})
    assert "only the facilitator ('Cy') may do this, not 'Ana'" in board.message
    assert board.session.state.phase is None
    for _ in range(3):
        board.session.next_phase(by="Cy")
    board.send_command({"cmd": "add_item", "section": "lessons_learned", "text": "Alerts lag"})
    (item,) = board.session.state.items.values()
    assert item.author == "Ana"
