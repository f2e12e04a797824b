"""A review the whole team joins (issue 11), at the session-core level.

Identity by per-person keys, private reflection and reveal, per-note anonymity searched
for in every output, the nudge before posting, wrap-up, actions, time boxes, facts, and a
real post-mortem of another team kept whole when the session saves.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import pmanalytics as pm
from pmanalytics import report
from pmanalytics.session import (
    DEFAULT_TEMPLATE,
    NotAllowedError,
    Session,
    SessionSettings,
    TemplateError,
    UnknownIdError,
    board_view,
    facts_timeline,
    fit_agenda,
    keys_path,
)
from pmanalytics.widgets import SessionApp
from pmanalytics.widgets._views import agenda_html

SECRET = b"0123456789abcdef0123456789abcdef"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2024, 3, 4, 10, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def session(tmp_path: Path, clock: Clock) -> Session:
    facts = pm.PostMortem(id="2024-03-01-api-outage", title="API outage", summary="Routes gone.")
    return Session.create(
        facts, tmp_path, participants=["Ana", "Bo", "Dee"], facilitator="Cy", clock=clock
    )


def every_output(session: Session, tmp_path: Path) -> dict[str, str]:
    """Every output a name could leak into, as text."""
    saved = session.save()
    out = tmp_path / "out"
    report.export(session, out, formats=("html", "md"))
    frames = pm.load(saved.parent)
    texts = {
        "saved file": saved.read_text(),
        "report.md": (out / f"{session.state.postmortem.id}.report.md").read_text(),
        "report.html": (out / f"{session.state.postmortem.id}.report.html").read_text(),
        "items frame": frames.items.to_csv(),
        "wrap-up": repr(session.wrap_up()),
    }
    for viewer in (*session.members, None):
        view = board_view(session.state, viewer)
        texts[f"board for {viewer}"] = repr((view.cards, view.names, view.hidden))
    return texts


# --------------------------------------------------------------------------- identity


def test_a_key_acts_as_its_member_only_and_is_never_stored(session, tmp_path):
    keys = session.issue_keys(SECRET)
    assert set(keys) == {"Cy", "Ana", "Bo", "Dee"} and len(set(keys.values())) == 4
    assert session.issue_keys(SECRET) == keys  # serving again gives the same links
    ana, cy = session.seat(keys["Ana"]), session.seat(keys["Cy"])
    assert (ana.name, ana.is_facilitator, cy.is_facilitator) == ("Ana", False, True)
    with pytest.raises(NotAllowedError, match="not valid for this session") as bad:
        session.seat(keys["Ana"][:-1] + "x")  # an edited link
    assert keys["Ana"][:-1] not in str(bad.value)
    with pytest.raises(NotAllowedError):
        session.seat("Cy")  # a name is not a key
    with pytest.raises(NotAllowedError, match="needs the personal link"):
        session.seat_local("Cy")  # once served with keys, no one acts without one
    with pytest.raises(TypeError, match="do not pass by="):
        ana.add_item("went_well", "x", by="Cy")
    # a participant's key cannot move phases, edit another's note, or vote as someone else
    with pytest.raises(NotAllowedError, match="only the facilitator"):
        ana.next_phase()
    cy.start_phase("group_discussion")
    note = session.seat(keys["Bo"]).add_item("went_well", "Rollback was quick").data.item_id
    with pytest.raises(NotAllowedError, match="cannot change item"):
        ana.edit_item(note, "changed")
    cy.allow_votes_any_phase()
    ana.cast_vote(note)
    assert session.state.votes == {"Cy": {}, "Ana": {note: 1}, "Bo": {}, "Dee": {}}
    stored = keys_path(session.path).read_text()
    assert json.loads(stored)["members"]["Cy"]["role"] == "facilitator"
    session.save()
    report.export(session, tmp_path / "out", formats=("html", "md"))
    for path in tmp_path.rglob("*"):
        if path.is_file():
            text = path.read_text(errors="replace")
            assert not any(key in text for key in keys.values()), path


def test_without_keys_one_person_drives_as_anyone(session):
    assert not session.needs_keys
    assert session.seat_local("Ana").add_item("went_well", "x").actor == "Ana"
    with pytest.raises(NotAllowedError, match="not in this session"):
        session.seat_local("Zed")


# --------------------------------------------------------------------------- private notes


def test_reflection_is_private_until_the_facilitator_reveals(session):
    session.start_phase("individual_reflection", by="Cy")
    mine = session.add_item("went_well", "Paging worked", by="Ana").data.item_id
    session.add_item("lessons_learned", "Runbook was stale", by="Ana")
    assert [c.text for c in board_view(session.state, "Ana").cards] == [
        "Paging worked",
        "Runbook was stale",
    ]
    for other in ("Bo", "Cy", None):
        view = board_view(session.state, other)
        assert view.cards == () and view.hidden == {"went_well": 1, "lessons_learned": 1}
    # to anyone else, a private note does not exist: no vote, no theme, no edit
    session.allow_votes_any_phase(by="Cy")
    for command in (
        lambda: session.cast_vote(mine, by="Bo"),
        lambda: session.create_theme("Paging", [mine], by="Cy"),
        lambda: session.edit_item(mine, "x", by="Cy"),
    ):
        with pytest.raises(UnknownIdError, match=f"item '{mine}' does not exist"):
            command()
    assert mine not in {i.id for i in session.to_postmortem().items}  # nor in a saved file
    with pytest.raises(NotAllowedError, match="only the facilitator"):
        session.reveal(by="Ana")
    session.reveal(by="Cy")
    assert len(board_view(session.state, "Bo").cards) == 2
    assert session.add_item("went_well", "After the reveal", by="Bo").data.item_id not in (
        session.state.private
    )


def test_starting_group_discussion_reveals_and_undo_hides_again(session):
    session.start_phase("individual_reflection", by="Cy")
    session.add_item("went_well", "Paging worked", by="Ana")
    session.next_phase(by="Cy")
    assert session.state.phase == "group_discussion" and not session.state.private
    session.undo(by="Cy")
    assert board_view(session.state, "Bo").hidden == {"went_well": 1}
    reopened = Session.open(session.path)
    assert reopened.state.private == session.state.private


def test_journals_from_before_private_reflection_replay_unchanged(tmp_path):
    facts = pm.PostMortem(id="p", title="t")
    old = Session.create(
        facts,
        tmp_path,
        participants=["Ana"],
        facilitator="Cy",
        settings=SessionSettings(private_reflection=False),
    )
    old.start_phase("individual_reflection", by="Cy")
    item = old.add_item("went_well", "visible at once", by="Ana").data.item_id
    old.edit_item(item, "edited by the facilitator", by="Cy")
    line = old.path.read_text().splitlines()[0]
    assert '"private_reflection":false' in line
    without = line.replace(',"private_reflection":false', "")  # as journals used to be
    old.path.write_text("\n".join([without, *old.path.read_text().splitlines()[1:]]) + "\n")
    assert Session.open(old.path).state.items[item].text == "edited by the facilitator"


# --------------------------------------------------------------------------- anonymity


def test_an_anonymous_note_names_its_author_in_no_output(session, tmp_path):
    session.start_phase("group_discussion", by="Cy")
    secret_note = session.add_item(
        "lessons_learned", "Nobody owned the LimitRange", by="Dee", anonymous=True
    ).data.item_id
    session.add_item("went_well", "Alerts were clear", by="Ana")
    session.allow_votes_any_phase(by="Cy")
    session.cast_vote(secret_note, by="Ana")
    errors = []
    for command in (
        lambda: session.edit_item(secret_note, "x", by="Bo"),
        lambda: session.remove_item(secret_note, by="Ana"),
    ):
        with pytest.raises(NotAllowedError) as refused:
            command()
        errors.append(str(refused.value))
    session.cast_vote(secret_note, by="Bo")
    for viewer in session.members:
        view = board_view(session.state, viewer)
        assert "Dee" not in view.names
        assert session.state.items[secret_note].id not in view.highlighted("Dee")
        card = next(c for c in view.cards if c.id == secret_note)
        assert card.author is None and card.anonymous
    assert next(c for c in board_view(session.state, "Dee").cards if c.id == secret_note).mine
    session.edit_item(secret_note, "Nobody owned the LimitRange rollout", by="Dee")  # still own
    with pytest.raises(NotAllowedError) as refused:  # the last change is Dee's
        session.undo(by="Bo")
    errors.append(str(refused.value))
    texts = every_output(session, tmp_path)
    texts["errors"] = " ".join(errors)
    saved = texts.pop("saved file")
    assert saved.count("Dee") == 1 and "- name: Dee" in saved  # only as an attendee
    for where, text in texts.items():
        assert "Dee" not in text, where
    assert '"author": "Ana"' in saved  # named notes keep their author
    journal = session.path.read_text()
    assert '"anonymous":true' in journal and '"actor":"Dee"' in journal  # the journal may keep


def test_an_anonymous_session_lists_no_one_to_highlight(tmp_path):
    facts = pm.PostMortem(id="p", title="t")
    s = Session.create(
        facts,
        tmp_path,
        participants=["Ana", "Bo"],
        facilitator="Cy",
        settings=SessionSettings(anonymous=True, private_reflection=False),
    )
    s.add_item("went_well", "x", by="Ana")
    view = board_view(s.state, "Bo")
    assert view.names == () and view.cards[0].author is None


# --------------------------------------------------------------------------- nudge, wrap-up


def test_the_nudge_runs_on_a_draft_before_it_is_posted(session):
    found = session.check_draft("EC forgot to check the LimitRange, human error")
    assert {w.match for w in found} >= {"EC forgot", "human error"}
    assert session.check_draft("Bo was paged late") and not session.check_draft("Paging worked")
    assert not session.state.items  # checking posts nothing


def test_wrap_up_lists_voted_notes_without_a_theme(session):
    session.start_phase("group_discussion", by="Cy")
    ids = [session.add_item("went_well", f"note {n}", by="Ana").data.item_id for n in range(3)]
    session.create_theme("Alerts", [ids[0]], by="Cy")
    session.start_phase("prioritisation", by="Cy")
    for voter in ("Ana", "Bo", "Dee"):
        session.cast_vote(ids[1], by=voter)
    session.cast_vote(ids[0], by="Cy")
    wrap = session.wrap_up()
    assert [(n.id, n.votes) for n in wrap.unthemed_voted] == [(ids[1], 3)]
    assert [t.label for t in wrap.top_themes] == ["Alerts"]


def test_actions_carry_kind_status_and_ticket_link(session, tmp_path):
    made = session.add_action(
        "Alert on LimitRange changes",
        by="Cy",
        owner="Ana",
        kind="detect",
        status="in_progress",
        link="https://tracker.example/OPS-12",
    ).data.action_id
    session.edit_action(made, by="Cy", kind="prevent", link="OPS-13")
    saved = pm.read(session.save())
    action = next(a for a in saved.actions if a.id == made)
    assert (action.kind, action.status, action.link) == ("prevent", "in_progress", "OPS-13")
    assert pm.load(tmp_path).actions.set_index("title").loc["Alert on LimitRange changes", "kind"]
    with pytest.raises(Exception, match="kind"):
        session.add_action("x", by="Cy", kind="blame")


# --------------------------------------------------------------------------- time boxes


def test_the_agenda_fits_a_slot_and_the_facilitator_adds_time(tmp_path, clock):
    fitted, how = fit_agenda(DEFAULT_TEMPLATE, 45)
    assert sum(p.minutes for p in fitted.phases) == 45 and "× 0.60" in how
    with pytest.raises(TemplateError, match="minutes"):
        fit_agenda(DEFAULT_TEMPLATE, 5)  # fewer minutes than phases
    facts = pm.PostMortem(id="p", title="t")
    s = Session.create(
        facts,
        tmp_path,
        participants=["Ana"],
        facilitator="Cy",
        clock=clock,
        settings=SessionSettings(minutes=45),
    )
    assert sum(p.minutes for p in s.template.phases) == 45
    s.start_phase("group_discussion", by="Cy")
    assert s.phase_status().minutes == 12
    with pytest.raises(NotAllowedError):
        s.extend_phase(2, by="Ana")
    s.extend_phase(2, by="Cy")
    assert s.phase_status().minutes == 14 and Session.open(s.path).phase_status().minutes == 14
    clock.advance(minutes=15)
    status = s.phase_status()
    assert status.overrun and "OVER TIME" in agenda_html(s, status)  # a cue in words
    assert s.advance_if_due(by="Cy") is None  # auto-advance is off
    s.set_auto_advance(True, by="Cy")
    assert s.advance_if_due(by="Cy") is not None and s.state.phase == "theme_identification"
    assert s.advance_if_due(by="Cy") is None  # the new box has just started


# --------------------------------------------------------------------------- a real incident


@pytest.fixture
def dfds_pm(dfds_folder: Path) -> pm.PostMortem:
    path = next(dfds_folder.glob("PM2024-001 *.md"))
    return pm.read(path)


def test_facts_of_another_teams_post_mortem_can_be_trusted(dfds_pm):
    rows = facts_timeline(dfds_pm)
    texts = [str(r.html) for r in rows]
    assert not any("Short event description" in t for t in texts)  # no template row
    assert len(rows) == len(dfds_pm.timeline) - 1
    known = [r.at for r in rows if not r.flagged]
    assert known == sorted(known) and known[0] == "2024-03-13 10:01 UTC"
    flagged = [(r.at, texts[i]) for i, r in enumerate(rows) if r.flagged]
    assert [at for at, _ in flagged] == ["2024-03-13 14:?? (as written)"] * 2
    position = [i for i, r in enumerate(rows) if r.flagged]
    assert rows[position[0] - 1].at < "2024-03-13 14" < rows[position[-1] + 1].at
    assert any("OOM. <br>Caused" in t for t in texts)  # rendered, not shown as a tag
    assert not any("&lt;br&gt;" in t for t in texts)
    from pmanalytics.widgets._views import facts_html

    panel = facts_html(dfds_pm)  # the app's facts panel shows the same
    assert "⚑ 2024-03-13 14:?? (as written)" in panel and "OOM. <br>Caused" in panel
    assert "Short event description" not in panel and "&lt;br&gt;" not in panel
    assert panel.index("13:55") < panel.index("14:??") < panel.index("15:03")


def test_saving_keeps_the_post_mortems_own_actions_and_notes(dfds_pm, tmp_path):
    s = Session.create(dfds_pm, tmp_path, facilitator="Cy", settings=SessionSettings(minutes=45))
    assert s.members == ("Cy", "AF", "AN", "EC", "RF", "SC")
    s.start_phase("group_discussion", by="Cy")
    s.add_item("lessons_learned", "Dev and prod shared nodes", by="EC")
    s.add_action("Separate dev node group", by="Cy", owner="AF", kind="prevent")
    saved = pm.read(s.save())
    assert len(saved.actions) == len(dfds_pm.actions) + 1 == 8
    factors = [i for i in saved.items if i.heading == "Contributing factors"]
    assert len(factors) == 2 and len(saved.items) == len(dfds_pm.items) + 1
    assert {a.title for a in dfds_pm.actions} < {a.title for a in saved.actions}


# --------------------------------------------------------------------------- the app


def test_the_app_acts_only_as_its_links_member(session):
    keys = session.issue_keys(SECRET)
    app = SessionApp(session, key=keys["Ana"])
    assert app.actor.options == ("Ana",) and app.actor.disabled
    assert app.facilitator_controls.layout.display == "none"
    with pytest.raises(Exception):  # noqa: B017 - a traitlets error: not one of the options
        app.actor.value = "Cy"
    app.next_button.click()
    assert "only the facilitator" in app.message.value and session.state.phase is None
    denied = SessionApp(session, key="made-up")
    assert "not valid" in denied.message.value and len(denied.children) == 2
    assert "not valid" in SessionApp(session).message.value  # no key at all
    facilitator = SessionApp(session, key=keys["Cy"])
    facilitator.next_button.click()
    assert session.state.phase == "set_the_tone"


def test_the_app_shows_private_counts_and_offers_a_download(session):
    keys = session.issue_keys(SECRET)
    ana, bo = SessionApp(session, key=keys["Ana"]), SessionApp(session, key=keys["Bo"])
    session.start_phase("individual_reflection", by="Cy")
    ana.refresh()
    ana.item_text.value = "Only mine for now"
    ana.item_anonymous.value = True
    ana.add_item_button.click()
    bo.tick()
    assert "Only mine for now" in ana.board.value and "private until revealed" in ana.board.value
    assert "Only mine for now" not in bo.board.value and "1 private note(s)" in bo.board.value
    cy = SessionApp(session, key=keys["Cy"])
    cy.reveal_button.click()
    bo.tick()
    assert "Only mine for now" in bo.board.value and "anonymous" in bo.board.value
    assert "Ana" not in bo.board.value.split("Only mine for now")[1].split("</div>")[0]
    cy.export_button.click()
    assert 'download="2024-03-01-api-outage.report.html"' in cy.download.value
    assert "data:text/html;charset=utf-8;base64," in cy.download.value


# --------------------------------------------------------------------------- session as data


def test_a_journal_becomes_rows_of_sessions_and_votes(session, clock):
    from pmanalytics.session import SESSION_SCHEMA, session_tables

    session.start_phase("set_the_tone", by="Cy")
    clock.advance(minutes=7)  # a 5-minute box, overrun by 2
    session.start_phase("group_discussion", by="Cy")
    notes = [
        session.add_item("went_well", "Paging worked", by="Ana").data.item_id,
        session.add_item("went_well", "Nobody owned it", by="Dee", anonymous=True).data.item_id,
        session.add_item("lessons_learned", "Runbook was stale", by="Ana").data.item_id,
    ]
    session.create_theme("Runbooks", [notes[2]], by="Cy")
    clock.advance(minutes=10)
    session.start_phase("prioritisation", by="Cy")
    clock.advance(minutes=3)
    for voter, note in (("Bo", 1), ("Bo", 1), ("Ana", 1), ("Dee", 2)):
        session.cast_vote(notes[note], by=voter)
    tables = session_tables(session.path)
    for table, rows in tables.items():
        names = [name for name, _, _ in SESSION_SCHEMA[table]]
        assert all(list(row) == names for row in rows), table
    phases = {row["phase"]: row for row in tables["sessions"]}
    assert len(phases) == 8 and phases["wrap_up"]["actual_min"] is None
    assert (phases["set_the_tone"]["planned_min"], phases["set_the_tone"]["actual_min"]) == (5, 7)
    assert phases["set_the_tone"]["overrun_min"] == 2
    assert phases["group_discussion"]["actual_min"] == 10
    assert phases["prioritisation"]["actual_min"] == 3  # running: up to its last event
    row = phases["set_the_tone"]
    assert (row["participants"], row["notes"], row["people_with_notes"]) == (4, 3, 2)
    assert row["anonymous_share"] == 1 / 3 and row["votes"] == 4 and row["voters"] == 3
    assert row["top_note_vote_share"] == 3 / 4 and row["voted_notes"] == 2
    votes = sorted((v["voter"], v["item_id"], v["theme_id"], v["votes"]) for v in tables["votes"])
    assert votes == [
        ("Ana", notes[1], None, 1),
        ("Bo", notes[1], None, 2),
        ("Dee", notes[2], "t-1", 1),
    ]
    # the anonymous note's author is in no row (Dee appears only as a voter, never as author)
    assert not any(notes[1] == v["item_id"] and v["voter"] == "Dee" for v in tables["votes"])
    assert "Dee" not in repr(tables["sessions"])


def test_votes_of_an_anonymous_session_name_no_voter(tmp_path):
    from pmanalytics.session import session_tables

    s = Session.create(
        pm.PostMortem(id="p", title="t"),
        tmp_path,
        participants=["Ana", "Bo"],
        facilitator="Cy",
        settings=SessionSettings(anonymous=True, allow_votes_any_phase=True),
    )
    s.start_phase("group_discussion", by="Cy")
    note = s.add_item("went_well", "x", by="Ana").data.item_id
    s.cast_vote(note, by="Bo")
    tables = session_tables(s)
    assert [v["voter"] for v in tables["votes"]] == [None]
    assert "Ana" not in repr(tables) and "Bo" not in repr(tables)


# --------------------------------------------------------------------------- serve


def test_serving_again_resumes_with_the_same_links(dfds_folder, tmp_path, monkeypatch):
    import getpass
    import shutil

    from pmanalytics.session.serve import prepare, scrub, session_folder

    monkeypatch.setenv("PMANALYTICS_DATA_DIR", str(tmp_path / "data"))
    source = next(dfds_folder.glob("PM2024-001 *.md"))
    copy = tmp_path / "reviews" / source.name
    copy.parent.mkdir()
    shutil.copy(source, copy)
    first = prepare(copy, participants=["AF", "AN"], minutes=45)
    assert first.session.facilitator == getpass.getuser()  # the post-mortem names none
    assert first.folder == session_folder(copy) and not first.resumed
    assert "fitted to 45 min" in first.agenda_note
    first.session.start_phase("set_the_tone", by=first.session.facilitator)
    again = prepare(copy, participants=["AF", "AN"], minutes=45)
    assert again.resumed and again.keys == first.keys
    assert again.session.state.phase == "set_the_tone"
    assert (tmp_path / "data" / "serve.secret").stat().st_mode & 0o077 == 0
    assert len(pm.load(copy.parent).incidents) == 1  # the hidden session folder is skipped
    assert all(key not in scrub(f"GET /?key={key} 200") for key in first.keys.values())


def test_make_session_runs_the_serve_command():
    import shutil
    import subprocess

    if shutil.which("make") is None:
        pytest.fail("make is not installed: the README's commands need it")
    command = ["make", "--no-print-directory", "-n", "-W", "pyproject.toml", "session"]
    command += ["POSTMORTEM=reviews/a b.md", "PARTICIPANTS=ana,bo", "MINUTES=45"]
    repo = Path(__file__).resolve().parents[1]
    dry = subprocess.run(command, capture_output=True, text=True, check=True, cwd=repo).stdout
    assert 'pmanalytics session serve "reviews/a b.md"' in dry
    assert '--participants="ana,bo"' in dry and "--minutes=45" in dry
