"""Jira CSV exports of follow-up tickets -> actions filed under their incidents."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from pmanalytics import PostMortem
from pmanalytics.ingest import jira

EXPORTS = Path(__file__).resolve().parents[1] / "fixtures" / "exports"
TICKETS = EXPORTS / "jira_followups.csv"
BASE = "https://acme.atlassian.net"


@pytest.fixture(scope="module")
def result():
    return jira.read(TICKETS, base_url=BASE + "/")


def _action(result, key):
    return next(a for actions in result.followups.values() for a in actions if a.id == key)


def test_a_done_ticket_becomes_a_done_action_for_its_incident(result):
    (first, wont_do) = result.followups["pm2024-003"]
    assert first.id == "ops-101"
    assert first.title == "Add disk-usage alert, page at 85%"
    assert first.owner == "Ana Lima"
    assert first.status == "done"
    assert first.priority == "High"
    assert first.due == date(2024, 5, 20)
    assert first.created_at == datetime(2024, 5, 2, 10, 5, tzinfo=UTC)
    assert first.completed_at == datetime(2024, 5, 11, 15, 26, tzinfo=UTC)
    assert first.link == "https://acme.atlassian.net/browse/OPS-101"
    assert wont_do.id == "ops-103"


def test_repeated_columns_are_gathered_into_lists_and_unused_ones_kept(result):
    first = _action(result, "ops-101")
    assert first.extra["labels"] == ["postmortem-pm2024-003", "reliability"]
    assert first.extra["Comment"] == [
        "03/May/24 9:12 AM;557058:ana;Threshold agreed with the DB team",
        "11/May/24 3:20 PM;557058:ana;Deployed ✅",
    ]
    assert first.extra["Description"] == (
        "The ledger DB filled its disk.\nAlert at 85% and page the on-call.\n\n"
        "*Acceptance:* alert fires in staging."
    )
    assert first.extra["Issue id"] == "10342"
    assert first.extra["Sprint"] == "OPS Sprint 19"
    assert "Summary" not in first.extra
    assert "Inward issue link (Relates)" not in first.extra  # empty cells are skipped


def test_statuses_map_to_action_statuses(result):
    assert _action(result, "ops-102").status == "in_progress"
    wont_do = _action(result, "ops-103")
    assert wont_do.status == "wont_do"  # status Done, resolution Won't Do
    assert wont_do.extra["resolution"] == "Won't Do"
    parked = _action(result, "ops-104")
    assert parked.status == "open"
    assert parked.extra["jira_status"] == "Parked"


def test_an_incident_label_or_a_postmortem_link_joins_a_ticket_to_its_incident(result):
    assert [a.id for a in result.followups["pm2024-004"]] == ["ops-102", "ops-104"]
    linked = _action(result, "ops-104")
    assert linked.extra["Custom field (Postmortem URL)"] == (
        "https://wiki.acme.example/postmortems/pm2024-004.md"
    )
    rotated = _action(result, "ops-102")
    assert rotated.title == "🔥 Rotate the on-call runbook owner"
    assert rotated.owner == "Bruno Díaz"
    assert rotated.due == date(2024, 5, 31)


def test_a_ticket_naming_no_incident_is_an_error_row(result):
    (error,) = result.errors
    assert (error.source, error.line) == (str(TICKETS), 9)
    assert error.message.startswith(
        "incident_id: ticket OPS-105 names no incident: no label like 'postmortem-<id>' "
        "(labels: 'dashboards') and no link naming one"
    )


def test_without_a_base_url_the_link_is_the_issue_key():
    assert _action(jira.read(TICKETS), "ops-101").link == "OPS-101"


def test_importing_twice_gives_the_same_actions(result):
    again = jira.read(TICKETS, base_url=BASE)
    assert again.followups == result.followups
    assert again.errors == result.errors


def test_followups_attach_to_the_markdown_postmortems_idempotently(result):
    postmortems = {
        "pm2024-003-ledger-disk-full": PostMortem(
            id="pm2024-003-ledger-disk-full", title="Ledger disk full"
        ),
        "pm2024-004": PostMortem(id="pm2024-004", title="Runbook owner unknown"),
    }
    attached, errors = result.attach_followups(postmortems)
    assert errors == ()
    assert [a.id for a in attached["pm2024-003-ledger-disk-full"].actions] == [
        "ops-101",
        "ops-103",
    ]
    again, _ = result.attach_followups(attached)
    assert again == attached


def test_followups_for_an_incident_that_is_not_given_are_error_rows(result):
    _, errors = result.attach_followups([PostMortem(id="pm2024-003", title="Disk")])
    assert [(e.line, e.message) for e in errors] == [
        (6, "follow-up 'ops-102' names incident 'pm2024-004', which is not among the 1 "
            "post-mortems given"),
        (8, "follow-up 'ops-104' names incident 'pm2024-004', which is not among the 1 "
            "post-mortems given"),
    ]  # fmt: skip


def test_bad_rows_are_error_rows_and_the_good_rows_import():
    result = jira.read(EXPORTS / "jira_bad_rows.csv")
    assert [a.id for a in result.followups["pm2024-003"]] == ["ops-201", "ops-205"]
    assert [(e.line, e.message) for e in result.errors] == [
        (3, "the row has 3 fields, the header has 9; the row was left out"),
        (4, "created_at: cannot read a date and time from 'sometime in May' "
            "(from field 'Created')"),
        (5, "action 'ops-204': completed_at 2024-05-02 10:05Z is before "
            "created_at 2024-05-10 10:05Z"),
    ]  # fmt: skip


def test_label_prefix_regex_and_incident_column_are_configurable():
    text = (
        "Summary,Issue key,Status,Labels,Labels,Custom field (Incident)\n"
        "A,OPS-1,Open,pm-INC-42,,\n"
        "B,OPS-2,Open,,,INC-43\n"
    )
    by_prefix = jira.parse(text, incident_label="pm-")
    assert list(by_prefix.followups) == ["inc-42"]
    by_regex = jira.parse(text, incident_label=re.compile(r"^pm-(INC-\d+)$"))
    assert list(by_regex.followups) == ["inc-42"]
    by_column = jira.parse(text, incident_label="pm-", incident_column="Custom field (Incident)")
    assert sorted(by_column.followups) == ["inc-42", "inc-43"]
    assert by_column.errors == ()


def test_naive_times_are_read_in_the_zone_given():
    text = "Summary,Issue key,Created,Labels\nA,OPS-1,11/May/24 03:26 PM,postmortem-pm-1\n"
    (action,) = jira.parse(text, tz=timezone(timedelta(hours=2))).followups["pm-1"]
    assert action.created_at == datetime(2024, 5, 11, 13, 26, tzinfo=UTC)


def test_extra_status_mappings_and_bad_options_are_checked():
    text = "Summary,Issue key,Status,Labels\nA,OPS-1,Parked,postmortem-pm-1\n"
    (action,) = jira.parse(text, statuses={"Parked": "wont_do"}).followups["pm-1"]
    assert action.status == "wont_do"
    with pytest.raises(ValueError, match="'statuses' value for 'Parked' must be one of"):
        jira.parse(text, statuses={"Parked": "later"})
    with pytest.raises(ValueError, match="'link_pattern' must be a valid regex"):
        jira.read(io.StringIO(text), link_pattern="(")
    missing = jira.parse(text, incident_column="Incident", name="t.csv")
    assert missing.errors[0].message.startswith("has no column 'Incident' ('incident_column'")


def test_a_csv_that_is_not_a_jira_export_is_an_error_row():
    result = jira.parse("reflectionGroup,prompt,content\n", name="retro.csv")
    assert result.errors[0].message == (
        "is not a Jira CSV export: no column 'Summary' (columns: reflectionGroup, prompt, content)"
    )


def test_sniff_tells_a_jira_export_from_others():
    assert jira.sniff(TICKETS)
    assert jira.sniff(["Summary", "Issue key", "Labels", "Labels"])
    assert jira.sniff("Summary,Issue key,Status")
    assert not jira.sniff(EXPORTS / "ParabolRetrospective_Payments Team_2024-5-14.csv")
    assert not jira.sniff(EXPORTS / "incidentio_export.json")
