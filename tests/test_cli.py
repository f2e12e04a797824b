"""The pmanalytics command: validate, stats, demo."""

from __future__ import annotations

import json
import subprocess
import sys

import pmanalytics as pm
from pmanalytics.cli import main


def _folder(tmp_path):
    folder = tmp_path / "pms"
    pm.write(
        pm.PostMortem(id="a", title="A", started_at="2024-01-02T10:00Z", services=["api"]), folder
    )
    pm.write(
        pm.PostMortem(id="b", title="B", started_at="2024-03-04T10:00Z", teams=["sre"]), folder
    )
    return folder


def test_validate_passes_a_clean_folder(tmp_path, capsys):
    assert main(["validate", str(_folder(tmp_path))]) == 0
    assert capsys.readouterr().out.strip() == "2 post-mortem(s) OK"


def test_validate_prints_one_line_per_problem_and_exits_1(tmp_path, capsys):
    folder = _folder(tmp_path)
    (folder / "bad.md").write_text("---\ntitle: t\nstatus: nope\n---\n", encoding="utf-8")
    (folder / "worse.md").write_text("plain text\n", encoding="utf-8")
    assert main(["validate", str(folder)]) == 1
    lines = capsys.readouterr().out.strip().splitlines()
    statuses = "'draft', 'in_review', 'reviewed' or 'closed'"
    assert lines == [
        f"{folder / 'bad.md'}:3: status: Input should be {statuses}, got 'nope'",
        f"{folder / 'worse.md'}:1: not a post-mortem: no front matter and no section this "
        "importer knows (headings found: none; map yours with section_map=)",
    ]


def test_validate_a_missing_path_is_a_clear_error(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "nope")]) == 1
    assert "no such file or folder" in capsys.readouterr().err


def test_stats_text_and_json(tmp_path, capsys):
    folder = _folder(tmp_path)
    assert main(["stats", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "incidents            2   (2024-01-02 to 2024-03-04)" in out
    assert main(["stats", str(folder), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["incidents"] == 2 and data["services"] == ["api"] and data["teams"] == ["sre"]


def test_the_installed_command_runs():
    result = subprocess.run(
        [sys.executable, "-m", "pmanalytics", "--help"], capture_output=True, text=True, check=True
    )
    for command in ("demo", "validate", "stats"):
        assert command in result.stdout


def test_bad_arguments_are_rejected_with_the_value(tmp_path, capsys):
    import pytest

    with pytest.raises(SystemExit) as exited:
        main(["demo", str(tmp_path), "--incidents", "-1"])
    assert exited.value.code == 2
    assert "must be an int >= 1, got -1" in capsys.readouterr().err


def test_demo_writes_a_corpus_that_validates(tmp_path, capsys):
    out = tmp_path / "demo"
    assert main(["demo", str(out), "--incidents", "4", "--seed", "3"]) == 0
    assert capsys.readouterr().out.strip() == f"wrote 4 post-mortems to {out}"
    assert len(list(out.glob("*.md"))) == 4
    assert (out / "ground-truth.csv").is_file()
    assert main(["validate", str(out)]) == 0
