from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from pmanalytics.followup import TrackerError, read_tickets
from pmanalytics.followup.trackers import link_keys, read_tickets_text, sniff

from .conftest import REPO, TRACKERS


def test_jira_search_json_gives_status_owner_due_and_resolution_time() -> None:
    tickets = {t.key: t for t in read_tickets(TRACKERS / "jira_search_page1.json")}
    raw = json.loads((TRACKERS / "jira_search_page1.json").read_text())["issues"]
    assert set(tickets) == {issue["key"] for issue in raw}
    done = tickets["IDN-1306"]
    assert (done.status, done.owner, done.due) == ("done", "Uma Krishnan", date(2024, 12, 10))
    assert done.completed_at == datetime(2025, 1, 10, 12, 0, tzinfo=UTC)
    assert done.url == "https://tracker.example.com/browse/IDN-1306"
    assert done.incident_ids == ("2024-11-21-search-packet-loss-0001",)
    assert tickets["DSC-8867"].status == "in_progress"
    assert tickets["PAY-5638"].status == "open"  # "Reopened"
    page2 = {t.key: t for t in read_tickets(TRACKERS / "jira_search_page2.json")}
    assert page2["CHK-6026"].status == "wont_do"  # resolution "Won't Do" wins over "Closed"


def test_jira_csv_export_of_the_import_fixtures() -> None:
    path = REPO / "tests" / "fixtures" / "exports" / "jira_followups.csv"
    tickets = {t.key: t for t in read_tickets(path, base_url="https://acme.atlassian.net")}
    first = tickets["OPS-101"]
    assert (first.status, first.owner, first.due) == ("done", "Ana Lima", date(2024, 5, 20))
    assert first.completed_at == datetime(2024, 5, 11, 15, 26, tzinfo=UTC)
    assert first.url == "https://acme.atlassian.net/browse/OPS-101"
    assert "postmortem-pm2024-003" in first.labels


def test_github_rest_and_gh_cli_json_read_the_same() -> None:
    rest = read_tickets(TRACKERS / "github_issues_page1.json") + read_tickets(
        TRACKERS / "github_issues_page2.json"
    )
    cli = read_tickets(TRACKERS / "gh_issue_list.json")
    assert [t.key for t in rest] == [t.key for t in cli]  # the pull request is left out
    for one, other in zip(rest, cli, strict=True):
        assert (one.status, one.owner, one.due, one.completed_at, one.labels) == (
            other.status,
            other.owner,
            other.due,
            other.completed_at,
            other.labels,
        )
    by_key = {t.key: t for t in rest}
    assert by_key["acme/reliability#41"].status == "done"
    assert by_key["acme/reliability#44"].status == "wont_do"  # closed as not planned
    assert by_key["acme/reliability#42"].due == date(2026, 11, 20)
    assert by_key["acme/reliability#42"].owner == "diego-r"


def test_linear_csv_export() -> None:
    tickets = {t.key: t for t in read_tickets(TRACKERS / "linear_export.csv")}
    assert tickets["IDN-1306"].status == "done"
    assert tickets["IDN-1306"].completed_at == datetime(2025, 1, 10, 12, 0, tzinfo=UTC)
    assert tickets["IDN-1306"].incident_ids == ("2024-11-21-search-packet-loss-0001",)
    assert tickets["CHK-6026"].status == "wont_do"
    assert tickets["ENG-77"].status == "open" and tickets["ENG-77"].owner is None


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("bad.json", '{"issues": [', "not valid JSON"),
        ("odd.json", '{"items": []}', "neither a Jira search result"),
        ("odd.csv", "a,b\n1,2\n", "not a known tracker export"),
        ("rows.csv", (TRACKERS / "jira_bad_row.csv").read_text(), r"rows.csv:3: the row has 3"),
        ("dup.csv", "Summary,Issue key,Status\nA,OPS-1,Done\nB,OPS-1,Done\n", "listed twice"),
        ("date.csv", "Summary,Issue key,Status,Resolved\nA,OPS-1,Done,someday\n", "Resolved"),
        ("gh.json", '[{"number": 1, "state": "merged"}]', "'state' must be open or closed"),
    ],
)
def test_malformed_exports_raise_a_clear_error(name: str, text: str, message: str) -> None:
    with pytest.raises(TrackerError, match=message):
        read_tickets_text(text, name=name)


def test_an_unreadable_file_is_a_tracker_error(tmp_path: Path) -> None:
    with pytest.raises(TrackerError, match="cannot be read"):
        read_tickets(tmp_path / "missing.csv")
    (tmp_path / "latin1.csv").write_bytes("Summary,Issue key\nCaf\xe9,OPS-1\n".encode("latin-1"))
    with pytest.raises(TrackerError, match="not UTF-8"):
        read_tickets(tmp_path / "latin1.csv")


def test_sniff_and_link_keys() -> None:
    assert sniff("Summary,Issue key,Status\n") == "jira-csv"
    assert sniff('{"issues": []}') == "jira-json"
    assert link_keys("https://tracker.example.com/browse/IDN-1306?focus=1") == {
        "tracker.example.com/browse/idn-1306",
        "idn-1306",
    }
    assert link_keys("acme/api#12") == {"acme/api#12"}
    assert link_keys("see the wiki") == frozenset()
