"""Session rules, the fold, undo, phases, wrap-up and saving, as unit tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

import pmanalytics as pm
from pmanalytics.session import (
    NotAllowedError,
    RuleError,
    Session,
    SessionSettings,
    TemplateError,
    UnknownIdError,
    VoteBudgetError,
    VotingClosedError,
    blame_warnings,
    template_from_dict,
)


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2024, 3, 4, 10, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


POSTMORTEM = pm.PostMortem(
    id="2024-03-01-api-outage",
    title="API outage",
    summary="A config push removed the route table.",
    started_at="2024-03-01T10:00Z",
    detected_at="2024-03-01T10:12Z",
    resolved_at="2024-03-01T11:30Z",
)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def session(tmp_path, clock) -> Session:
    return Session.create(
        POSTMORTEM, tmp_path, participants=["Ana Silva", "Bo Li"], facilitator="Cy", clock=clock
    )


def to_phase(session: Session, phase: str) -> None:
    session.start_phase(phase, by="Cy")


def test_create_prefills_facts_and_writes_a_journal(session, tmp_path):
    assert session.path == tmp_path / "2024-03-01-api-outage.session.jsonl"
    assert session.state.postmortem.summary == POSTMORTEM.summary
    assert session.members == ("Cy", "Ana Silva", "Bo Li")
    assert session.state.votes_per_participant == 3
    assert [p.minutes for p in session.template.phases] == [5, 10, 10, 20, 8, 5, 12, 5]
    assert session.events[0].kind == "session_created"


def test_create_twice_is_refused(session, tmp_path):
    with pytest.raises(pm.PMError, match="already exists"):
        Session.create(POSTMORTEM, tmp_path, participants=["Ana"], facilitator="Cy")


def test_settings_override_time_boxes_and_votes(tmp_path):
    s = Session.create(
        POSTMORTEM,
        tmp_path,
        participants=["Ana"],
        facilitator="Cy",
        settings=SessionSettings(votes_per_participant=5, time_boxes={"wrap_up": 7}),
    )
    assert s.state.votes_per_participant == 5
    assert s.template.phase("wrap_up").minutes == 7
    with pytest.raises(TemplateError, match="time_boxes: phase 'lunch'"):
        Session.create(
            POSTMORTEM.model_copy(update={"id": "x"}),
            tmp_path,
            participants=["Ana"],
            facilitator="Cy",
            settings=SessionSettings(time_boxes={"lunch": 60}),
        )


def test_every_change_is_an_event_with_time_and_actor(session, clock):
    clock.advance(minutes=1)
    event = session.add_item("went_well", "Paging reached on-call in 2 minutes", by="Ana Silva")
    assert (event.kind, event.actor, event.at) == ("item_added", "Ana Silva", clock.now)
    assert event.seq == 2 and event.id.startswith("e-")


def test_participants_edit_and_remove_only_their_own_items(session):
    item = session.add_item("went_well", "Rollback was quick", by="Ana Silva").data.item_id
    # the message never names the author (the note may be anonymous)
    with pytest.raises(NotAllowedError, match="'Bo Li' cannot change item 'i-1'") as refused:
        session.edit_item(item, "changed", by="Bo Li")
    assert "Ana" not in str(refused.value)
    with pytest.raises(NotAllowedError):
        session.remove_item(item, by="Bo Li")
    session.edit_item(item, "Rollback took 4 minutes", by="Ana Silva")
    session.edit_item(item, "Rollback took four minutes", by="Cy")  # the facilitator may
    assert session.state.items[item].text == "Rollback took four minutes"
    session.remove_item(item, by="Cy")
    assert item not in session.state.items


def test_unknown_actor_section_and_item_are_clear_errors(session):
    with pytest.raises(NotAllowedError, match="actor 'Zed' is not in this session"):
        session.add_item("went_well", "x", by="Zed")
    with pytest.raises(TemplateError, match="section 'wins' is not in the template"):
        session.add_item("wins", "x", by="Ana Silva")
    with pytest.raises(UnknownIdError, match="item 'i-9' does not exist"):
        session.edit_item("i-9", "x", by="Cy")
    with pytest.raises(RuleError, match="text must be non-empty"):
        session.add_item("went_well", "   ", by="Cy")
    assert len(session.events) == 1  # nothing was recorded


def test_votes_only_in_prioritisation_unless_the_facilitator_allows(session):
    item = session.add_item("lessons_learned", "Config pushes skip review", by="Bo Li")
    item_id = item.data.item_id
    with pytest.raises(VotingClosedError, match="prioritisation phase"):
        session.cast_vote(item_id, by="Ana Silva")
    with pytest.raises(NotAllowedError, match="only the facilitator"):
        session.allow_votes_any_phase(by="Ana Silva")
    session.allow_votes_any_phase(by="Cy")
    session.cast_vote(item_id, by="Ana Silva")
    session.allow_votes_any_phase(False, by="Cy")
    to_phase(session, "prioritisation")
    session.cast_vote(item_id, by="Ana Silva")
    assert session.state.items[item_id].votes == 2


def test_vote_budget_is_enforced_and_withdrawing_frees_a_vote(session):
    to_phase(session, "prioritisation")
    item = session.add_item("ongoing_problem", "No canary stage", by="Bo Li").data.item_id
    for _ in range(3):
        session.cast_vote(item, by="Ana Silva")
    with pytest.raises(VoteBudgetError, match="'Ana Silva' has used all 3 votes"):
        session.cast_vote(item, by="Ana Silva")
    assert session.votes_left("Ana Silva") == 0
    session.withdraw_vote(item, by="Ana Silva")
    assert session.votes_left("Ana Silva") == 1
    with pytest.raises(RuleError, match="no vote on item"):
        session.withdraw_vote(item, by="Bo Li")


def test_removing_an_item_returns_its_votes(session):
    to_phase(session, "prioritisation")
    item = session.add_item("ongoing_problem", "No canary stage", by="Bo Li").data.item_id
    session.cast_vote(item, by="Ana Silva")
    session.remove_item(item, by="Bo Li")
    assert session.votes_left("Ana Silva") == 3


def test_themes_group_rename_merge_split_and_move(session):
    ids = [
        session.add_item("lessons_learned", text, by="Ana Silva").data.item_id
        for text in ("Alerts are noisy", "Alert routing is unclear", "Runbook out of date")
    ]
    t1 = session.create_theme("Alerting", ids[:2], by="Bo Li").data.theme_id
    t2 = session.create_theme("Docs", ids[2:], by="Bo Li").data.theme_id
    session.rename_theme(t1, "Alert quality", by="Ana Silva")
    session.merge_themes([t1, t2], "Operability", by="Cy")
    assert list(session.state.themes) == [t1]
    assert {i.theme_id for i in session.state.items.values()} == {t1}
    t3 = session.split_theme(t1, [ids[2]], "Runbooks", by="Cy").data.new_theme_id
    assert session.state.items[ids[2]].theme_id == t3
    session.move_item(ids[0], None, by="Ana Silva")
    assert session.state.items[ids[0]].theme_id is None
    with pytest.raises(RuleError, match="must be items of theme"):
        session.split_theme(t1, [ids[0]], "Nope", by="Cy")
    with pytest.raises(RuleError, match="two themes or more"):
        session.merge_themes([t1], by="Cy")


def test_undo_removes_the_last_change_and_is_itself_an_event(session):
    first = session.add_item("went_well", "One", by="Ana Silva").data.item_id
    second = session.add_item("went_well", "Two", by="Bo Li").data.item_id
    with pytest.raises(NotAllowedError, match=r"cannot undo the last change \(item_added\)") as no:
        session.undo(by="Ana Silva")
    assert "Bo" not in str(no.value)
    undo = session.undo(by="Bo Li")
    assert undo.kind == "undone" and undo.data.seq == 3
    assert list(session.state.items) == [first]
    session.undo(by="Cy")  # the facilitator may undo anyone's change; undos walk back
    assert second not in session.state.items and not session.state.items
    with pytest.raises(RuleError, match="nothing to undo"):
        session.undo(by="Cy")
    assert [e.kind for e in Session.open(session.path).events][-2:] == ["undone", "undone"]
    assert Session.open(session.path).state.snapshot() == session.state.snapshot()


def test_phases_countdown_overrun_next_and_previous(session, clock):
    assert session.phase_status().phase is None
    with pytest.raises(NotAllowedError, match="only the facilitator"):
        session.next_phase(by="Ana Silva")
    session.next_phase(by="Cy")
    status = session.phase_status()
    assert (status.phase, status.minutes, status.remaining, status.overrun) == (
        "set_the_tone",
        5,
        300,
        False,
    )
    clock.advance(minutes=6)
    assert session.phase_status().overrun and session.phase_status().remaining == -60
    session.next_phase(by="Cy")
    assert session.state.phase == "review_facts"
    session.previous_phase(by="Cy")
    assert session.state.phase == "set_the_tone"
    with pytest.raises(RuleError, match="no phase before the first"):
        session.previous_phase(by="Cy")


def test_actions_without_owner_or_due_are_flagged_at_wrap_up(session, tmp_path, clock):
    item = session.add_item("ongoing_problem", "No canary stage", by="Bo Li").data.item_id
    theme = session.create_theme("Deploy safety", [item], by="Cy").data.theme_id
    planned = session.add_action(
        "Add a canary stage", owner="Bo Li", due=date(2024, 4, 1), theme_id=theme, by="Cy"
    ).data.action_id
    loose = session.add_action("Review alert routing", by="Ana Silva").data.action_id
    session.edit_action(loose, owner="Ana Silva", by="Cy")
    wrap = session.wrap_up()
    assert [a.id for a in wrap.actions] == [planned, loose]
    assert [(a.id, missing) for a, missing in wrap.unplanned] == [(loose, ("due",))]
    assert wrap.top_themes[0].label == "Deploy safety"
    with pytest.raises(RuleError, match="'due' must be a date"):
        session.add_action("x", due="soon", by="Cy")


def test_wrap_up_saves_the_canonical_post_mortem(session, tmp_path, clock):
    for phase in ("set_the_tone", "individual_reflection", "prioritisation"):
        to_phase(session, phase)
        clock.advance(minutes=10)
    item = session.add_item("lessons_learned", "Config pushes skip review", by="Ana Silva")
    item_id = item.data.item_id
    session.cast_vote(item_id, by="Bo Li")
    theme = session.create_theme("Change safety", [item_id], by="Cy").data.theme_id
    session.add_action("Require review", owner="Bo Li", due="2024-04-01", theme_id=theme, by="Cy")
    to_phase(session, "wrap_up")  # saves on entering wrap-up
    saved = pm.read(tmp_path / f"{POSTMORTEM.id}.md")
    assert [(i.text, i.votes, i.theme_id, i.author) for i in saved.items] == [
        ("Config pushes skip review", 1, theme, "Ana Silva")
    ]
    assert saved.themes[0].label == "Change safety" and saved.themes[0].rank == 1
    assert saved.actions[0].owner == "Bo Li" and saved.actions[0].addresses == theme
    clock.advance(minutes=5)
    session.end_phase(by="Cy")
    saved = pm.read(tmp_path / f"{POSTMORTEM.id}.md")
    assert saved.status == "reviewed"
    assert saved.review.facilitator == "Cy"
    assert saved.review.held_on == date(2024, 3, 4)
    assert saved.review.duration_minutes == 35
    assert {p.name for p in saved.participants} == {"Cy", "Ana Silva", "Bo Li"}
    with pytest.raises(RuleError, match="session has ended"):
        session.next_phase(by="Cy")


def test_anonymous_items_are_saved_without_author_but_ownership_still_holds(tmp_path):
    s = Session.create(
        POSTMORTEM,
        tmp_path,
        participants=["Ana", "Bo"],
        facilitator="Cy",
        settings=SessionSettings(anonymous=True),
    )
    item = s.add_item("went_well", "Good comms", by="Ana").data.item_id
    with pytest.raises(NotAllowedError):
        s.remove_item(item, by="Bo")
    assert s.to_postmortem().items[0].author is None


def test_existing_items_themes_and_actions_are_kept(tmp_path):
    source = pm.read("data/handwritten/2025-06-14-payment-gateway-tls-expiry.md")
    s = Session.create(source, tmp_path)
    assert s.facilitator == "Carla Mendes"
    assert len(s.state.items) == len(source.items)
    out = s.to_postmortem()
    assert [i.id for i in out.items] == [i.id for i in source.items]
    assert {t.id for t in out.themes} == {t.id for t in source.themes}
    assert [a.id for a in out.actions] == [a.id for a in source.actions]
    new = s.add_item("went_well", "Replay from the outbox worked", by="Hana Suzuki")
    assert new.data.item_id not in {i.id for i in source.items}


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("Bo forgot to renew the certificate", "Bo"),
        ("It was human error", "human error"),
        ("We should have caught it in review", "should have"),
        ("A careless config push", "careless"),
        ("It was the deployer's fault", "fault"),
        ("Ana Silva pushed the change", "Ana Silva"),
    ],
)
def test_blame_language_gets_a_warning_never_a_block(session, text, match):
    item = session.add_item("lessons_learned", text, by="Cy").data.item_id
    warnings = session.state.warnings(item)
    assert warnings and any(match.casefold() in w.match.casefold() for w in warnings)
    assert "systems and processes" in str(warnings[0])


def test_systemic_language_gets_no_warning():
    assert blame_warnings("The deploy tool did not warn about the missing routes", ["Ana"]) == ()


def test_a_custom_template_drives_board_rules_and_files(tmp_path):
    template = template_from_dict(
        {
            "name": "Quick",
            "votes_per_participant": 1,
            "sections": [
                {"id": "lessons_learned", "title": "What we learned"},
                "Where we got lucky",
                "went_well",
            ],
            "time_boxes": {"group_discussion": 15},
        }
    )
    s = Session.create(
        POSTMORTEM, tmp_path, participants=["Ana"], facilitator="Cy", template=template
    )
    assert [spec.key for spec in s.template.sections] == [
        "lessons_learned",
        "where_we_got_lucky",
        "went_well",
    ]
    assert s.template.phase("group_discussion").minutes == 15
    lucky = s.add_item("where_we_got_lucky", "Traffic was low at 3am", by="Ana").data.item_id
    with pytest.raises(TemplateError):
        s.add_item("future_considerations", "Not in this template", by="Ana")
    s.allow_votes_any_phase(by="Cy")
    s.cast_vote(lucky, by="Ana")
    with pytest.raises(VoteBudgetError, match="all 1 votes"):
        s.cast_vote(lucky, by="Ana")
    s.save()
    saved = pm.read(tmp_path / f"{POSTMORTEM.id}.md")
    assert (saved.items[0].section, saved.items[0].heading) == ("other", "Where we got lucky")
    corpus = pm.load(tmp_path, cache=False)
    row = corpus.items.iloc[0]
    assert (row["section"], row["heading"], row["votes"]) == ("other", "Where we got lucky", 1)
    reopened = Session.open(s.path)
    assert reopened.template == s.template


def test_an_event_that_cannot_be_saved_changes_nothing(session):
    to_phase(session, "individual_reflection")
    with pytest.raises(RuleError, match="cannot be saved"):
        session.add_item("went_well", "half an emoji \ud83d", by="Ana Silva")
    assert session.state.items == {}
    event = session.add_item("went_well", "Paging worked", by="Ana Silva")
    reopened = Session.open(session.path)
    assert [i.text for i in reopened.state.items.values()] == ["Paging worked"]
    assert reopened.state.last_seq == event.seq


def test_changes_after_the_session_ended_still_reach_the_file(session, tmp_path):
    to_phase(session, "wrap_up")
    session.end_phase(by="Cy")
    session.add_item("lessons_learned", "A late thought", by="Bo Li")
    session.add_action("Late action", owner="Bo Li", due="2024-04-01", by="Cy")
    saved = pm.read(tmp_path / f"{POSTMORTEM.id}.md")
    assert [i.text for i in saved.items] == ["A late thought"]
    assert [a.title for a in saved.actions] == ["Late action"]


def test_only_actions_still_to_do_need_an_owner_and_a_due_date(session):
    to_phase(session, "action_planning")
    dropped = session.add_action("Dropped idea", by="Cy")
    session.edit_action(dropped.data.action_id, status="wont_do", by="Cy")
    todo = session.add_action("Real work", by="Cy")
    unplanned = [a.id for a, _ in session.wrap_up().unplanned]
    assert unplanned == [todo.data.action_id]


def test_a_new_journal_makes_its_folder_entry_durable(tmp_path, clock, monkeypatch):
    from pmanalytics.session import journal as journal_module

    synced: list[str] = []
    monkeypatch.setattr(journal_module, "fsync_directory", lambda folder: synced.append(folder))
    fresh = Session.create(
        POSTMORTEM, tmp_path / "new", participants=["Ana"], facilitator="Cy", clock=clock
    )
    fresh.start_phase("set_the_tone", by="Cy")
    assert synced == [tmp_path / "new"]


def test_entering_and_ending_the_wrap_up_save_the_file_once_each(session, monkeypatch):
    from pmanalytics.session import _session as module

    written: list[str] = []
    real = module.write
    monkeypatch.setattr(
        module, "write", lambda pm_, folder: written.append(pm_.id) or real(pm_, folder)
    )
    to_phase(session, "action_planning")
    assert written == []
    to_phase(session, "wrap_up")
    assert written == [POSTMORTEM.id]
    session.end_phase(by="Cy")
    assert written == [POSTMORTEM.id] * 2


def test_closing_records_when_and_reopening_clears_it(session, clock):
    action = session.add_action("Add a canary stage", by="Cy").data.action_id
    assert session.state.actions[action].completed_at is None
    clock.advance(days=2)
    session.edit_action(action, status="done", by="Cy")
    assert session.state.actions[action].completed_at == clock.now
    done_at = clock.now
    clock.advance(days=1)
    session.edit_action(action, owner="Bo Li", status="done", by="Cy")  # still done: kept
    assert session.state.actions[action].completed_at == done_at
    session.edit_action(action, status="in_progress", by="Cy")
    assert session.state.actions[action].completed_at is None
    clock.advance(days=1)
    dropped = session.add_action("Dropped idea", by="Cy").data.action_id
    session.edit_action(dropped, status="wont_do", by="Cy")  # closing without doing it
    assert session.state.actions[dropped].completed_at == clock.now
    saved = session.to_postmortem().actions[0]
    assert (saved.status, saved.completed_at) == ("in_progress", None)


def test_the_fold_is_pure_and_undo_folds_again(session):
    from pmanalytics.session import apply, make_event

    first = session.add_item("went_well", "One", by="Ana Silva").data.item_id
    before = session.state
    snapshot = before.snapshot()
    event = make_event(
        before.last_seq + 1,
        "item_edited",
        session.now(),
        "Ana Silva",
        {"item_id": first, "text": "Two"},
    )
    after = apply(before, event)
    assert after.items[first].text == "Two" and before.items[first].text == "One"
    assert before.snapshot() == snapshot  # the old state is untouched
    bad = make_event(before.last_seq + 1, "item_edited", session.now(), "Bo Li", dict(event.data))
    with pytest.raises(NotAllowedError):
        apply(before, bad)
    assert before.snapshot() == snapshot
    session.edit_item(first, "Two", by="Ana Silva")
    session.undo(by="Ana Silva")
    assert session.state.items == before.items and session.state.last_seq == before.last_seq + 2


def test_theme_suggestions_come_from_the_suggester_passed_in(session):
    ids = [session.add_item("went_well", t, by="Ana Silva").data.item_id for t in "abc"]
    session.create_theme("Done already", [ids[2]], by="Cy")
    seen: list[list[str]] = []

    class Found:
        def __init__(self, label: str, item_ids: tuple[str, ...]) -> None:
            self.label, self.item_ids = label, item_ids

    def suggester(items):
        seen.append([i.id for i in items])
        return [Found("Pair", tuple(i.id for i in items)), Found("Empty", ())]

    assert [(s.label, s.item_ids) for s in session.suggest_themes(suggester)] == [
        ("Pair", (ids[0], ids[1]))
    ]
    assert seen == [ids[:2]]  # themed items are left out unless asked for
    session.suggest_themes(suggester, unthemed_only=False)
    assert seen[-1] == ids
