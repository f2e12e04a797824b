from __future__ import annotations

import difflib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pmanalytics import PostMortem, dumps, loads, read, write
from pmanalytics.followup import (
    FollowupError,
    complete_action,
    reopen_action,
    update_action,
    verify_action,
)

from .conftest import snapshot


def _changed_lines(before: str, after: str) -> list[str]:
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
    return [line for line in diff if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def _action_lines(text: str, action_id: str) -> set[str]:
    """The front-matter lines of one action's YAML entry (canonical layout)."""
    lines = text.split("\n")
    start = lines.index(f"- id: {action_id}")
    end = start + 1
    while lines[end].startswith("  "):
        end += 1
    return set(lines[start:end])


def test_done_changes_only_the_actions_lines_and_records_the_time(one_file: Path) -> None:
    before = one_file.read_text(encoding="utf-8")
    change = complete_action(one_file, "a-2", at="2025-01-05T10:00:00+01:00")
    after = one_file.read_text(encoding="utf-8")
    changed = _changed_lines(before, after)
    assert changed == [
        "-  status: in_progress",
        "+  status: done",
        "+  completed_at: 2025-01-05 10:00:00+01:00",
    ]
    assert {line[1:] for line in changed if line[0] == "+"} <= _action_lines(after, "a-2")
    action = next(a for a in read(one_file).actions if a.id == "a-2")
    assert action.status == "done"
    assert action.completed_at == datetime(2025, 1, 5, 9, 0, tzinfo=UTC)
    assert change.fields["status"] == ("in_progress", "done")
    # everything else in the post-mortem reads back as before
    expected = loads(before).model_copy(
        update={
            "actions": tuple(change.after if a.id == "a-2" else a for a in loads(before).actions)
        }
    )
    assert read(one_file) == expected


def test_done_without_a_time_records_now(one_file: Path) -> None:
    start = datetime.now(UTC)
    change = complete_action(one_file, "a-2")
    assert change.after.completed_at is not None
    assert start <= change.after.completed_at <= datetime.now(UTC)


def test_done_again_keeps_the_time_and_writes_nothing(one_file: Path) -> None:
    complete_action(one_file, "a-2", at="2025-01-05T10:00Z")
    before = one_file.read_bytes()
    change = complete_action(one_file, "a-2")
    assert change.fields == {}
    assert one_file.read_bytes() == before


def test_reopen_clears_completion_and_verification(one_file: Path) -> None:
    complete_action(one_file, "a-2", at="2025-01-05T10:00Z")
    verify_action(one_file, "a-2", by="Ana Kovac", at="2025-02-01T09:00Z")
    verified = next(a for a in read(one_file).actions if a.id == "a-2")
    assert (verified.verified_by, verified.verified_at.day) == ("Ana Kovac", 1)
    reopened = reopen_action(one_file, "a-2", status="in_progress").after
    assert reopened.status == "in_progress"
    assert (reopened.completed_at, reopened.verified_at, reopened.verified_by) == (None, None, None)
    assert next(a for a in read(one_file).actions if a.id == "a-2") == reopened


def test_reopen_then_done_round_trips_to_the_original_bytes(one_file: Path) -> None:
    original = one_file.read_bytes()
    reopen_action(one_file, "a-1")
    complete_action(one_file, "a-1", at="2025-02-22T03:23:00Z")
    assert one_file.read_bytes() == original


def test_update_owner_due_and_link(one_file: Path) -> None:
    before = one_file.read_text(encoding="utf-8")
    update_action(one_file, "a-1", owner="Sam Taylor", due="2025-03-01", link="OPS-12")
    after = one_file.read_text(encoding="utf-8")
    assert sorted(_changed_lines(before, after)) == sorted(
        [
            "-  owner: Rosa Alvarez",
            "+  owner: Sam Taylor",
            "-  due: 2025-02-01",
            "+  due: 2025-03-01",
            "+  link: OPS-12",
        ]
    )
    update_action(one_file, "a-1", link=None)
    assert next(a for a in read(one_file).actions if a.id == "a-1").link is None


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda p: complete_action(p, "a-9"), "no action 'a-9' in post-mortem"),
        (lambda p: complete_action(p, "a-2", at="2024-12-01T00:00Z"), "before created_at"),
        (lambda p: complete_action(p, "a-2", at="yesterday"), "'at' must be a time"),
        (lambda p: complete_action(p, "a-2", status="open"), "'status' must be one of"),
        (lambda p: reopen_action(p, "a-2", status="done"), "'status' must be one of"),
        (lambda p: update_action(p, "a-2", due="soon"), "'due' must be a date"),
        (lambda p: update_action(p, "a-2"), "nothing to update"),
        (lambda p: verify_action(p, "a-2", by="Ana"), "only a done action can be verified"),
        (lambda p: verify_action(p, "a-1", by=""), "'by' must name who verified"),
        (lambda p: verify_action(p, "a-1", by="Ana", at="2025-01-01T00:00Z"), "before completed"),
    ],
)
def test_bad_edits_raise_a_clear_error_and_change_nothing(one_file: Path, call, message) -> None:
    before = snapshot(one_file.parent)
    with pytest.raises(FollowupError, match=message):
        call(one_file)
    assert snapshot(one_file.parent) == before


def test_a_file_that_is_not_canonical_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_text("# Just notes\n\nNo front matter.\n", encoding="utf-8")
    with pytest.raises(FollowupError, match="not a canonical post-mortem"):
        complete_action(path, "a-1")
    assert path.read_text(encoding="utf-8") == "# Just notes\n\nNo front matter.\n"


HAND_WRITTEN = """---
id: pm-hand
title: Hand-written post-mortem   # kept as typed
status: reviewed
actions:
  # the list is indented and uses the due_date alias
  - id: a-1
    title: Add a disk alert
    owner: ana
    due_date: 2024-05-01
    created_at: 2024-04-20T10:00:00Z

  - title: Write the runbook
    id: a-2
    status: in_progress
teams: [sre]
---

## What happened

The disk filled up.
"""


def test_a_hand_written_file_keeps_every_other_line(tmp_path: Path) -> None:
    path = tmp_path / "pm-hand.md"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    change = complete_action(path, "a-2", at="2024-05-03T12:00Z")
    after = path.read_text(encoding="utf-8")
    removed = [line for line in _changed_lines(HAND_WRITTEN, after) if line[0] == "-"]
    assert removed == ["-  - title: Write the runbook", "-    id: a-2", "-    status: in_progress"]
    assert "    due_date: 2024-05-01" in after and "# kept as typed" in after
    pm = read(path)
    assert pm.actions[1] == change.after and pm.actions[1].status == "done"
    assert pm.actions[0].due.isoformat() == "2024-05-01"


def test_crlf_files_keep_their_line_ends(tmp_path: Path) -> None:
    folder = tmp_path / "crlf"
    pm = PostMortem(id="pm-crlf", title="T", actions=[{"id": "a-1", "title": "Fix"}])
    path = write(pm, folder)
    path.write_bytes(dumps(pm).replace("\n", "\r\n").encode())
    complete_action(path, "a-1", at="2024-05-03T12:00Z")
    data = path.read_bytes()
    assert data.count(b"\n") == data.count(b"\r\n")
    assert read(path).actions[0].status == "done"
