"""The journal on disk: replay, torn lines, SIGKILL mid-stream, two writers at once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest

import pmanalytics as pm
from pmanalytics.session import JournalError, Session, SessionWarning

REPO = Path(__file__).resolve().parents[1]
POSTMORTEM = pm.PostMortem(id="pm-journal", title="Journal test")

CHILD = """
import sys
from pmanalytics.session import Session
session = Session.open(sys.argv[1])
name, count = sys.argv[2], int(sys.argv[3])
for n in range(count):
    event = session.add_item("went_well", f"{name} note {n}", by=name)
    print(event.id, flush=True)
"""


def start_child(path: Path, name: str, count: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path), name, str(count)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )


@pytest.fixture
def session(tmp_path) -> Session:
    return Session.create(POSTMORTEM, tmp_path, participants=["Ana", "Bo"], facilitator="Cy")


def test_opening_replays_the_journal(session):
    first = session.add_item("went_well", "Paging worked", by="Ana").data.item_id
    session.create_theme("Paging", [first], by="Bo")
    session.add_action("Keep paging", owner="Ana", due="2024-05-01", by="Cy")
    reopened = Session.open(session.path)
    assert reopened.state.snapshot() == session.state.snapshot()
    assert [e.id for e in reopened.events] == [e.id for e in session.events]
    lines = session.path.read_text().splitlines()
    assert [json.loads(line)["seq"] for line in lines] == [1, 2, 3, 4]


def test_a_torn_last_line_is_skipped_with_a_warning_then_cut_off(session):
    session.add_item("went_well", "Kept", by="Ana")
    with session.path.open("ab") as handle:
        handle.write(b'{"seq": 3, "id": "e-torn", "kind": "item_ad')
    with pytest.warns(SessionWarning, match=r"session\.jsonl:3: skipped a torn last line"):
        reopened = Session.open(session.path)
    assert [i.text for i in reopened.state.items.values()] == ["Kept"]
    with pytest.warns(SessionWarning, match="cut off a torn last line"):
        reopened.add_item("went_well", "After the tear", by="Bo")
    lines = session.path.read_text().splitlines()
    assert all(json.loads(line) for line in lines) and len(lines) == 3
    assert len(Session.open(session.path).state.items) == 2


def test_a_damaged_line_in_the_middle_is_an_error_naming_the_line(session):
    session.add_item("went_well", "One", by="Ana")
    text = session.path.read_text().splitlines()
    session.path.write_text("\n".join([text[0], "{not json", text[1]]) + "\n")
    with pytest.raises(JournalError, match=r"session\.jsonl:2: not a session event"):
        Session.open(session.path)


def test_a_killed_writer_loses_no_acknowledged_event(session):
    child = start_child(session.path, "Ana", 100_000)
    acknowledged = []
    assert child.stdout is not None
    deadline = time.monotonic() + 60
    while len(acknowledged) < 150 and time.monotonic() < deadline:
        acknowledged.append(child.stdout.readline().strip())
    os.kill(child.pid, signal.SIGKILL)  # mid-stream: it is busy writing the next events
    rest = child.stdout.read().split()  # acknowledged before the kill landed
    child.wait()
    acknowledged += rest
    with warnings.catch_warnings():  # a torn last line, if the kill tore one, only warns
        warnings.simplefilter("ignore", SessionWarning)
        reopened = Session.open(session.path)
    on_disk = {e.id for e in reopened.events}
    assert len(acknowledged) >= 150
    assert set(acknowledged) <= on_disk
    texts = [i.text for i in reopened.state.items.values()]
    assert texts == [f"Ana note {n}" for n in range(len(texts))]  # in order, none missing
    reopened.add_item("went_well", "Still writable", by="Bo")


def test_two_processes_appending_lose_and_interleave_nothing(session):
    children = [start_child(session.path, name, 500) for name in ("Ana", "Bo")]
    outputs = [child.communicate(timeout=300)[0].split() for child in children]
    assert [child.returncode for child in children] == [0, 0]
    assert [len(out) for out in outputs] == [500, 500]
    reopened = Session.open(session.path)
    items = list(reopened.state.items.values())
    assert len(items) == 1000 and len({i.id for i in items}) == 1000
    for name in ("Ana", "Bo"):
        mine = [i.text for i in items if i.author == name]
        assert mine == [f"{name} note {n}" for n in range(500)]
    seqs = [json.loads(line)["seq"] for line in session.path.read_text().splitlines()]
    assert seqs == list(range(1, 1002))
    session.refresh()
    assert session.state.snapshot() == reopened.state.snapshot()


def test_a_new_event_is_checked_against_events_another_process_wrote(session):
    other = Session.open(session.path)
    session.allow_votes_any_phase(by="Cy")
    item = session.add_item("went_well", "Shared", by="Bo").data.item_id
    for _ in range(3):
        session.cast_vote(item, by="Ana")
    with pytest.raises(pm.PMError, match="used all 3 votes"):
        other.cast_vote(item, by="Ana")  # 'other' catches up under the lock first
    assert other.state.snapshot() == session.state.snapshot()


def test_the_session_report_and_widgets_import_without_fcntl():
    code = (
        "import sys; sys.modules['fcntl'] = None; "
        "import pmanalytics.session, pmanalytics.report, pmanalytics.widgets"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr


def test_an_append_waits_for_whoever_holds_the_journal_lock(session):
    import threading

    from filelock import FileLock

    session.add_item("went_well", "Kept", by="Ana")
    size = session.path.stat().st_size
    other = FileLock(f"{session.path}.lock")  # as another process would hold it
    with other:
        writer = threading.Thread(
            target=session.add_item, args=("went_well", "Later"), kwargs={"by": "Bo"}
        )
        writer.start()
        writer.join(timeout=0.5)
        assert writer.is_alive() and session.path.stat().st_size == size
    writer.join(timeout=30)
    assert not writer.is_alive()
    assert [i.text for i in Session.open(session.path).state.items.values()] == ["Kept", "Later"]
