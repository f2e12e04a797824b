"""Follow-up check-ins, and the report / actions / checkin commands."""

from __future__ import annotations

import csv
import io
import subprocess
import sys

import pytest

from pmanalytics import Action, Corpus, Item, PMError, PostMortem, Theme, write
from pmanalytics._markdown import escape_md
from pmanalytics.checkin import checkin_markdown, checkin_table
from pmanalytics.cli import main

AS_OF = "2024-04-01"


def _postmortems():
    return [
        PostMortem(
            id="pm-1", title="Disk | full", services=["db"], teams=["sre"],
            started_at="2024-01-01T00:00Z",
            items=[Item(id="i-1", section="lessons_learned", text="Disks fill", theme_id="cap")],
            themes=[Theme(id="cap", label="Capacity")],
            actions=[
                Action(id="a-1", title="=HYPERLINK(\"http://x\")", owner="@ana", due="2024-01-15",
                       created_at="2024-01-02T00:00Z", addresses="i-1"),
                Action(id="a-2", title="Add *alert*", owner="bo", status="done",
                       due="2024-02-01", created_at="2024-01-02T00:00Z",
                       completed_at="2024-01-20T00:00Z"),
                Action(id="a-3", title="-1+1 rota", owner="+cy", due="2024-12-01",
                       created_at="2024-01-02T00:00Z"),
            ],
        ),
        PostMortem(id="pm-2", title="Web slow", services=["web"], teams=["web"],
                   started_at="2024-02-01T00:00Z", themes=[Theme(id="c2", label="capacity")]),
        PostMortem(id="pm-3", title="DB again", services=["db"], teams=["sre"],
                   started_at="2024-03-01T00:00Z",
                   items=[Item(id="i-1", section="lessons_learned", text="Disks fill up again")],
                   actions=[Action(id="b-1", title="Tune", owner="ana", due="2024-03-10",
                                   created_at="2024-03-02T00:00Z")]),
    ]  # fmt: skip


@pytest.fixture
def corpus():
    return Corpus.from_postmortems(_postmortems())


@pytest.fixture
def folder(tmp_path):
    for postmortem in _postmortems():
        write(postmortem, tmp_path)
    return tmp_path


def test_checkin_table_for_one_post_mortem(corpus):
    table = checkin_table(corpus, AS_OF, incident="pm-1")
    assert table["action_id"].tolist() == ["a-1", "a-2", "a-3"]  # most overdue first
    rows = table.set_index("action_id")
    assert rows.loc["a-1", "days_overdue"] == 77
    assert rows.loc["a-1", "status"] == "open"
    assert rows.loc["a-2", "status"] == "done"
    # a-1 addresses the disks note, which recurs in pm-3; pm-2 is another service's problem
    # that only shares a theme label, and a-2 addresses nothing: the same service is no reason
    assert rows.loc["a-1", "recurred"]
    assert rows.loc["a-1", "recurrence"].startswith("pm-3 (2024-03-01, same problem: Disks fill")
    assert not rows.loc["a-2", "recurred"] and rows.loc["a-2", "recurrence"] == ""
    assert not rows.loc["a-3", "recurred"]


def test_checkin_before_any_recurrence(corpus):
    table = checkin_table(corpus, "2024-01-10", incident="pm-1")
    assert not table["recurred"].any()
    assert table["recurrence"].fillna("").eq("").all()


def test_checkin_for_a_team_covers_all_its_post_mortems(corpus):
    table = checkin_table(corpus, AS_OF, team="sre")
    assert table["incident_id"].unique().tolist() == ["pm-1", "pm-3"]
    assert checkin_table(corpus, AS_OF, team="web").empty


def test_checkin_markdown_escapes_user_text(corpus):
    text = checkin_markdown(corpus, AS_OF, incident="pm-1")
    assert text.startswith("# Follow-up check-in: pm-1\n")
    assert "As of 2024-04-01: 3 actions, 2 open, 1 overdue, 1 whose problem recurred since" in text
    assert "## pm-1 — Disk \\| full" in text
    assert "| Add \\*alert\\* | bo | done | 2024-02-01 | 0 | no |" in text
    assert "| pm-3 (2024-03-01, same problem: Disks fill" in text
    assert all(line.count(" | ") == 5 for line in text.splitlines() if line.startswith("| "))


def test_markdown_escape_flattens_lines():
    assert escape_md("a\nb | c", one_line=True) == "a b \\| c"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"incident": "nope"}, "'incident' 'nope' is not in this corpus"),
        ({"team": "ops"}, "'team' 'ops' has no post-mortems; teams: sre, web"),
        ({}, "give exactly one of 'incident' or 'team'"),
        ({"incident": "pm-1", "team": "sre"}, "give exactly one of 'incident' or 'team'"),
    ],
)
def test_checkin_errors(corpus, kwargs, message):
    with pytest.raises(PMError, match=message.replace("|", "\\|")):
        checkin_table(corpus, AS_OF, **kwargs)


# --------------------------------------------------------------------------- command line


def test_cli_checkin_prints_markdown(folder, capsys):
    assert main(["checkin", str(folder), "--team", "sre", "--as-of", AS_OF]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Follow-up check-in: team sre")
    assert "## pm-3 — DB again" in out


def test_the_check_in_day_of_a_datetime_is_its_own_calendar_day(corpus):
    # 2024-04-01 05:00+10:00 is 31 March in UTC; the check-in is of 1 April (issue 9)
    late = checkin_table(corpus, "2024-04-01T05:00+10:00", incident="pm-1")
    assert late.set_index("action_id").loc["a-1", "days_overdue"] == 77


def test_cli_checkin_unknown_incident_fails_cleanly(folder, capsys):
    assert main(["checkin", str(folder), "--incident", "pm-9", "--as-of", AS_OF]) == 1
    assert "'incident' 'pm-9' is not in this corpus" in capsys.readouterr().err


def test_cli_actions_overdue_text(folder, capsys):
    assert main(["actions", str(folder), "--overdue", "--as-of", AS_OF]) == 0
    out = capsys.readouterr().out
    assert out.startswith("2 overdue action(s) as of 2024-04-01")
    assert "b-1" in out and "a-3" not in out


def test_cli_actions_csv_neutralises_formulas(folder, capsys):
    assert main(["actions", str(folder), "--as-of", AS_OF, "--csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    by_id = {row["action_id"]: row for row in rows}
    assert set(by_id) == {"a-1", "a-3", "b-1"}
    assert by_id["a-1"]["title"] == '\'=HYPERLINK("http://x")'
    assert by_id["a-1"]["owner"] == "'@ana"
    assert by_id["a-3"]["title"] == "'-1+1 rota"
    assert by_id["a-3"]["owner"] == "'+cy"
    assert by_id["b-1"]["owner"] == "ana"
    assert by_id["a-1"]["days_overdue"] == "77"
    for row in rows:
        assert not any(value.startswith(("=", "+", "-", "@")) for value in row.values())


def test_cli_rejects_a_bad_date(folder, capsys):
    with pytest.raises(SystemExit):
        main(["actions", str(folder), "--as-of", "01/04/2024"])
    assert "must be a date (YYYY-MM-DD), got '01/04/2024'" in capsys.readouterr().err


def test_cli_report_writes_the_html_export(folder, tmp_path, capsys):
    out = tmp_path / "report.html"
    assert main(["report", str(folder), "--html", str(out), "--as-of", AS_OF]) == 0
    assert "wrote" in capsys.readouterr().out
    text = out.read_text(encoding="utf-8")
    assert text.count('class="pm-plot-spec"') == 6  # one figure spec per chart, drawn by one script
    assert "3 incidents · 4 actions" in text


def test_cli_report_runs_without_ipywidgets(folder, tmp_path):
    out = tmp_path / "report.html"
    script = (
        "import sys\n"
        "sys.modules['ipywidgets'] = None  # importing it now raises ImportError\n"
        "from pmanalytics.cli import main\n"
        f"code = main(['report', {str(folder)!r}, '--html', {str(out)!r}, '--as-of', {AS_OF!r}])\n"
        "assert 'ipywidgets' not in {m.split('.')[0] for m, v in sys.modules.items() if v}\n"
        "sys.exit(code)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "wrote" in result.stdout
    assert "3 incidents · 4 actions" in out.read_text(encoding="utf-8")


def test_a_check_in_before_completion_shows_the_action_as_open():
    late = PostMortem(
        id="late", title="Late fix", started_at="2024-01-01T00:00Z",
        actions=[Action(id="x", title="Fix", owner="ana", due="2024-01-10", status="done",
                        created_at="2024-01-02T00:00Z", completed_at="2024-03-01T00:00Z")],
    )  # fmt: skip
    corpus = Corpus.from_postmortems([late])
    [row] = checkin_table(corpus, "2024-02-01", incident="late").to_dict("records")
    assert (row["status"], row["days_overdue"]) == ("open", 22)
    assert "1 open, 1 overdue" in checkin_markdown(corpus, "2024-02-01", incident="late")
