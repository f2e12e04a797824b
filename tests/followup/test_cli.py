from __future__ import annotations

from pathlib import Path

import pytest

from pmanalytics import read
from pmanalytics.cli import main

from .conftest import snapshot


def _action(path: Path, action_id: str):
    return next(a for a in read(path).actions if a.id == action_id)


def test_actions_done_reopen_update_verify(
    one_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["actions", "done", str(one_file), "a-2", "--at", "2025-01-05T10:00Z"]) == 0
    assert "a-2: status in_progress -> done" in capsys.readouterr().out
    assert _action(one_file, "a-2").completed_at.isoformat() == "2025-01-05T10:00:00+00:00"
    assert main(["actions", "verify", str(one_file), "a-2", "--by", "Ana Kovac"]) == 0
    assert _action(one_file, "a-2").verified_by == "Ana Kovac"
    assert main(["actions", "reopen", str(one_file), "a-2"]) == 0
    reopened = _action(one_file, "a-2")
    assert (reopened.status, reopened.completed_at, reopened.verified_at) == ("open", None, None)
    assert main(["actions", "update", str(one_file), "a-2", "--owner", "Sam Taylor",
                 "--due", "2025-03-01", "--link", "none"]) == 0  # fmt: skip
    updated = _action(one_file, "a-2")
    assert (updated.owner, str(updated.due), updated.link) == ("Sam Taylor", "2025-03-01", None)
    assert main(["actions", "done", str(one_file), "a-2", "--status", "wont_do"]) == 0
    assert _action(one_file, "a-2").status == "wont_do"
    capsys.readouterr()
    assert main(["actions", "done", str(one_file), "a-2", "--status", "wont_do"]) == 0
    assert capsys.readouterr().out.strip().endswith("a-2: no change")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["done", "{file}", "a-99"], "no action 'a-99'"),
        (["done", "{file}"], "usage: pmanalytics actions done FILE ACTION_ID"),
        (["done", "{file}", "a-2", "--owner", "x"], "'actions done' takes --at, --status"),
        (["update", "{file}", "a-2"], "needs --owner, --due, --link or --priority"),
        (["verify", "{file}", "a-1"], "needs --by NAME"),
        (["{folder}", "--owner", "x"], "--owner change one action"),
        (["done", "{file}", "a-2", "--at", "2020-01-01"], "before created_at"),
    ],
)
def test_bad_action_commands_fail_clearly_and_change_nothing(
    one_file: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    files = snapshot(one_file.parent)
    filled = [a.format(file=one_file, folder=one_file.parent) for a in argv]
    assert main(["actions", *filled]) == 1
    assert message in capsys.readouterr().err
    assert snapshot(one_file.parent) == files


def test_the_actions_listing_still_works(sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["actions", str(sample), "--overdue", "--as-of", "2026-11-02", "--csv"]) == 0
    lines = capsys.readouterr().out.strip().split("\n")
    assert lines[0].startswith("incident_id,action_id,title,owner")
    assert len(lines) > 10


def test_digest_without_a_target_prints_and_keeps_no_state(
    sample: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["digest", str(sample), "--as-of", "2026-11-02", "--by", "team"]) == 0
    assert "# Follow-up digest for checkout, 2026-11-02" in capsys.readouterr().out
    assert not any(p.name.startswith(".pmanalytics-digest") for p in sample.iterdir())
