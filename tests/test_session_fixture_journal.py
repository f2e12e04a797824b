"""A journal written by the session code before typed events replays to the same state.

``tests/fixtures/journals/payment-gateway.session.jsonl`` and its expected final state were
written by ``make_session_journal.py`` with the code of main at 91a8f10 (mutable state,
untyped events). The one intended difference: an action closed in the session (done) now
records ``completed_at`` (the time of that event), and reopening one clears it.
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

import pmanalytics as pm
from pmanalytics.session import Session

FIXTURES = Path(__file__).parent / "fixtures" / "journals"


def replayed(tmp_path: Path) -> Session:
    journal = tmp_path / "payment-gateway.session.jsonl"
    shutil.copy(FIXTURES / journal.name, journal)
    return Session.open(journal)


def expected() -> dict:
    return json.loads((FIXTURES / "payment-gateway.expected.json").read_text(encoding="utf-8"))


def test_the_old_journal_replays_to_the_same_post_mortem(tmp_path):
    session = replayed(tmp_path)
    want = expected()["postmortem"]
    got = session.to_postmortem().model_dump(mode="json")
    edits = {
        json.loads(line)["data"]["action_id"]: json.loads(line)
        for line in (FIXTURES / "payment-gateway.session.jsonl").read_text().splitlines()
        if '"action_edited"' in line and '"status"' in line
    }
    for old, new in zip(want["actions"], got["actions"], strict=True):
        for field in new.keys() - old.keys():  # added to the model since (verification)
            assert new[field] is None, field
            old[field] = None
        edit = edits.get(new["id"])
        if edit is not None and edit["data"]["status"] == "done":  # now recorded
            assert old["completed_at"] is None
            assert datetime.fromisoformat(new["completed_at"]) == datetime.fromisoformat(edit["at"])
            old["completed_at"] = new["completed_at"]
        elif edit is not None and old["completed_at"] is not None:  # reopened: now cleared
            assert new["completed_at"] is None
            old["completed_at"] = None
    assert [a["id"] for a in got["actions"] if a["completed_at"]] == ["a-2", "a-3", "a-4", "a-8"]
    assert got == want
    assert pm.PostMortem.model_validate(want) == session.to_postmortem()


def test_the_old_journal_replays_to_the_same_votes_phase_and_history(tmp_path):
    session = replayed(tmp_path)
    want, state = expected(), session.state
    assert {k: dict(v) for k, v in state.votes.items() if v} == want["votes"]
    assert state.phase == want["phase"]
    assert state.ended_at is not None and state.ended_at.isoformat() == want["ended_at"]
    assert state.allow_votes_any_phase == want["allow_votes_any_phase"]
    assert [e.seq for e in state.effective] == want["effective"]
    assert len(session.events) == want["events"]
    warnings = {i: [w.match for w in state.warnings(i)] for i in state.items}
    assert warnings == want["warnings"]


def test_a_replayed_session_writes_the_same_journal_lines(tmp_path):
    session = replayed(tmp_path)
    lines = (FIXTURES / "payment-gateway.session.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(e.to_json()) for e in session.events] == [json.loads(x) for x in lines]
    session.undo(by="Carla Mendes")  # and it goes on from there
    assert len(session.state.effective) == len(expected()["effective"]) - 1
