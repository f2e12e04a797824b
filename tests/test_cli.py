"""The pmanalytics command: validate, stats, demo, new; start-up, pipes, errors, escapes."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

import pmanalytics as pm
from pmanalytics._version import __version__
from pmanalytics.cli import SIGPIPE_STATUS, main


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


# ----------------------------------------------------------------- start-up, pipes, errors

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
HEAVY = {"pandas", "numpy", "sklearn", "plotly", "ipywidgets", "lifelines", "markdown_it"}
HEAVY |= {"pydantic", "httpx", "pyarrow"}


def _command(*argv: str, **kwargs) -> subprocess.CompletedProcess[str]:
    """``python -m pmanalytics *argv`` as a separate process, from this source tree."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "pmanalytics", *argv],
        capture_output=True, text=True, env=env, check=False, **kwargs,
    )  # fmt: skip


@pytest.mark.parametrize("flag", ["--help", "--version"])
def test_help_and_version_import_no_heavy_library(flag):
    script = (
        "import sys\n"
        "from pmanalytics.cli import main\n"
        f"try:\n    main([{flag!r}])\nexcept SystemExit:\n    pass\n"
        "print(sorted({name.split('.')[0] for name in sys.modules}))\n"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True
    )
    loaded = set(json.loads(result.stdout.strip().splitlines()[-1].replace("'", '"')))
    assert "pmanalytics" in loaded
    assert loaded & HEAVY == set()


def test_public_names_are_imported_on_first_use():
    script = (
        "import sys\n"
        "import pmanalytics as pm, pmanalytics.followup as fu\n"
        "assert 'pandas' not in sys.modules and 'pydantic' not in sys.modules\n"
        "assert set(pm.__all__) <= set(dir(pm)) and set(fu.__all__) <= set(dir(fu))\n"
        "import pmanalytics.followup.sync  # the submodule must not hide the function\n"
        "from pmanalytics.followup import sync\n"
        "from pmanalytics import load, PostMortem\n"
        "assert pm.load is load and pm.PostMortem is PostMortem\n"
        "print(sync.__module__, sync.__name__, load.__name__, PostMortem.__name__)\n"
        "print(pm.metrics.open_summary.__name__)  # a subpackage, on attribute access\n"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "pmanalytics.followup.sync", "sync", "load", "PostMortem", "open_summary",
    ]  # fmt: skip
    with pytest.raises(AttributeError, match="has no attribute 'no_such_name'"):
        _ = pm.no_such_name


def test_version_prints_the_version_of_the_package():
    result = _command("--version")
    assert (result.returncode, result.stdout, result.stderr) == (
        0,
        f"pmanalytics {__version__}\n",
        "",
    )


def test_a_closed_pipe_ends_quietly_with_the_sigpipe_status():
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    process = subprocess.Popen(
        [sys.executable, "-m", "pmanalytics", "actions", str(SAMPLE), "--as-of", "2025-06-01"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
    )  # fmt: skip
    process.stdout.close()  # the reader goes away before the first line, as `| head -0` would
    stderr = process.stderr.read()
    process.stderr.close()
    assert process.wait(timeout=60) == SIGPIPE_STATUS == 128 + signal.SIGPIPE
    assert stderr == b""


def test_piping_into_head_prints_the_first_line_and_no_traceback(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    command = f"{sys.executable} -m pmanalytics actions {SAMPLE} --as-of 2025-06-01 | head -1"
    result = subprocess.run(
        ["sh", "-c", command], capture_output=True, text=True, env=env, check=True
    )
    assert result.stdout.startswith("") and result.stdout.count("\n") == 1
    assert re.fullmatch(r"\d+ open action\(s\) as of 2025-06-01\n", result.stdout)
    assert result.stderr == ""


@pytest.mark.parametrize(
    ("argv", "status", "message"),
    [
        (["validate"], 2, "pmanalytics validate: error: the following arguments are required"),
        (["stats", ".", "--bogus"], 2, "pmanalytics: error: unrecognized arguments: --bogus"),
        (["actions", ".", "--as-of", "soon"], 2, "got 'soon'"),
        (["new", " "], 2, "error: title: must not be empty"),
        (["validate", "{tmp}/nope"], 1, "error: {tmp}/nope: no such file or folder"),
        (["new", "x", "--folder", "{tmp}/a-file"], 1, "{tmp}/a-file"),
    ],
)
def test_every_error_is_one_line_on_stderr_naming_the_value(tmp_path, argv, status, message):
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    result = _command(*[a.format(tmp=tmp_path) for a in argv], cwd=tmp_path)
    assert result.returncode == status
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert message.format(tmp=tmp_path) in result.stderr


# --------------------------------------------------------------------------- new


def test_new_writes_a_draft_from_the_template_that_loads_and_validates(tmp_path, capsys):
    folder = tmp_path / "pms"
    assert main(["new", "Database failover", "--folder", str(folder)]) == 0
    path = Path(capsys.readouterr().out.strip())
    today = date.today().isoformat()  # the local day, as the command uses
    assert path == folder / f"{today}-database-failover.md"
    text = path.read_text(encoding="utf-8")
    assert text.startswith(f"---\nid: {today}-database-failover\ntitle: Database failover\n")
    front = text.split("---\n")[1].splitlines()
    assert front[-2:] == ["timeline: []", "actions: []"]  # where they go, empty
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings == [
        "## What happened", "## Impact", "## What went well", "## Lessons learned",
        "## Future considerations", "## What is an ongoing problem",
    ]  # fmt: skip
    corpus = pm.load(folder, cache=False)
    assert corpus.errors.empty and len(corpus.incidents) == 1
    [row] = corpus.incidents.to_dict("records")
    assert (row["incident_id"], row["status"]) == (f"{today}-database-failover", "draft")
    assert main(["validate", str(folder)]) == 0
    assert capsys.readouterr().out.strip() == "1 post-mortem(s) OK"


def test_new_with_a_date_and_severity(tmp_path, capsys):
    argv = ["new", "Payments: 503s!", "--folder", str(tmp_path), "--date", "2026-03-04"]
    assert main([*argv, "--severity", "P1"]) == 0
    path = Path(capsys.readouterr().out.strip())
    assert path.name == "2026-03-04-payments-503s.md"
    written = pm.read(path)
    assert (written.title, written.severity.label, written.severity.rank) == (
        "Payments: 503s!",
        "P1",
        1,
    )


def test_new_never_overwrites(tmp_path, capsys):
    argv = ["new", "Disk full", "--folder", str(tmp_path), "--date", "2026-03-04"]
    assert main(argv) == 0
    path = Path(capsys.readouterr().out.strip())
    path.write_text(path.read_text(encoding="utf-8") + "\nnotes\n", encoding="utf-8")
    before = path.read_bytes()
    assert main(argv) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"error: {str(path)!r} exists already: not overwritten\n"
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


def test_new_rejects_a_bad_date_with_the_value(tmp_path, capsys):
    with pytest.raises(SystemExit) as exited:
        main(["new", "x", "--folder", str(tmp_path), "--date", "4 March"])
    assert exited.value.code == 2
    assert "'--date' must be a date (YYYY-MM-DD), got '4 March'" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- terminal escapes

ESC = "\x1b]0;owned\x07\x1b[2J"


@pytest.fixture
def hostile(tmp_path):
    folder = tmp_path / "hostile"
    pm.write(
        pm.PostMortem(
            id="evil", title=f"Outage {ESC}", started_at="2024-01-02T10:00Z",
            services=[f"api{ESC}"], teams=[f"sre{ESC}"],
            actions=[pm.Action(id="a-1", title=f"Fix {ESC}it", owner=f"ana{ESC}",
                               due="2024-01-10", created_at="2024-01-02T11:00Z")],
        ),
        folder,
    )  # fmt: skip
    return folder


@pytest.mark.parametrize(
    "argv",
    [
        ["actions", "{f}", "--as-of", "2024-02-01"],
        ["actions", "{f}", "--as-of", "2024-02-01", "--csv"],
        ["stats", "{f}"],
        ["stats", "{f}", "--json"],
        ["checkin", "{f}", "--incident", "evil", "--as-of", "2024-02-01"],
        ["checkin", "{f}", "--team", f"sre{ESC}", "--as-of", "2024-02-01"],
    ],
)
def test_terminal_escapes_in_user_text_never_reach_the_terminal(hostile, capsys, argv):
    assert pm.read(hostile / "evil.md").actions[0].owner == f"ana{ESC}"  # stored as given
    assert main([a.format(f=hostile) for a in argv]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert "\ufffd" in out or "\\u001b" in out  # made visible (JSON escapes it itself)
    assert "ana" in out or "api" in out or "sre" in out


def test_file_names_in_messages_are_made_visible(tmp_path, capsys):
    (tmp_path / f"bad{ESC}.md").write_text("---\ntitle: t\nstatus: nope\n---\n", encoding="utf-8")
    assert main(["validate", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert (
        "\x1b" not in captured.out
        and f"bad{ESC}.md".replace("\x1b", "\ufffd").replace("\x07", "\ufffd") in captured.out
    )
    assert main(["validate", str(tmp_path / f"gone{ESC}")]) == 1
    err = capsys.readouterr().err
    assert "\x1b" not in err and "gone\ufffd]0;owned\ufffd\ufffd[2J" in err
    assert err.count("\n") == 1


def test_validate_names_every_file_it_does_not_load_and_exits_0_for_them(tmp_path, capsys):
    pm.write(pm.PostMortem(id="pm-1", title="Disk full"), tmp_path)
    (tmp_path / "README.md").write_text("# About these post-mortems\n")
    (tmp_path / "LICENSE").write_text("Permission is hereby granted...\n")
    (tmp_path / "PM2024-002").write_text("# Cache stampede\n\n## Summary\n\nThe cache fell over.\n")
    assert main(["validate", str(tmp_path)]) == 0
    out = capsys.readouterr()
    text = out.out + out.err
    assert "2 post-mortem(s) OK; 2 file(s) not loaded" in text  # the bare file is read
    assert "README.md: not loaded: a repository document" in text
    assert "LICENSE: not loaded: a repository document" in text
