"""PagerDuty incidents JSON (REST API v2) -> one post-mortem per incident."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import pmanalytics
from pmanalytics.ingest import pagerduty

EXPORTS = Path(__file__).resolve().parents[1] / "fixtures" / "exports"
EXPORT = EXPORTS / "pagerduty_incidents.json"


@pytest.fixture(scope="module")
def result():
    return pagerduty.read(EXPORT)


def _pm(result, pm_id):
    return next(pm for pm in result.postmortems if pm.id == pm_id)


def test_an_incident_becomes_a_postmortem_numbered_like_pagerduty(result):
    pm = _pm(result, "pd-1234")
    assert pm.title == "Checkout API 5xx rate above 5%"
    assert pm.summary == ""  # the description only repeats the title
    assert pm.started_at == datetime(2024, 5, 11, 15, 27, 3, tzinfo=UTC)
    assert pm.resolved_at == datetime(2024, 5, 11, 16, 8, 12, tzinfo=UTC)
    assert pm.time_to_resolve == timedelta(minutes=41, seconds=9)
    assert (pm.severity.label, pm.severity.rank) == ("P1", 1)
    assert pm.services == ("checkout-api",)
    assert pm.teams == ("Payments", "SRE")
    assert [(link.label, link.url) for link in pm.links] == [
        ("PagerDuty", "https://acme.pagerduty.com/incidents/Q2VZ7XN5JH8K1L")
    ]


def test_what_the_mapping_does_not_use_is_kept_in_extra(result):
    extra = _pm(result, "pd-1234").extra
    assert extra["pagerduty_id"] == "Q2VZ7XN5JH8K1L"
    assert extra["urgency"] == "high"
    assert extra["status"] == "resolved"
    assert extra["escalation_policy"]["summary"] == "Payments — primary"
    assert extra["alert_counts"] == {"all": 3, "triggered": 0, "resolved": 3}
    assert extra["service"]["id"] == "PIJ90N7"
    assert "summary" not in extra["service"]  # read into services
    assert extra["priority"]["color"] == "a8171c"
    assert "conference_bridge" not in extra  # only empty values


def test_a_resolved_incident_without_resolved_at_uses_its_last_status_change(result):
    pm = _pm(result, "pd-1235")
    assert pm.resolved_at == datetime(2024, 5, 12, 8, 44, 30, tzinfo=UTC)
    assert pm.severity is None
    assert pm.teams == ()
    assert pm.summary.startswith("Search p99 latency > 800ms\n\nTriggered by Datadog monitor")


def test_an_unresolved_incident_has_no_resolution_time(result):
    pm = _pm(result, "pd-1236")
    assert pm.resolved_at is None
    assert pm.extra["status"] == "acknowledged"
    assert pm.title == "Disk 90% on ledger-db-2 🔥"
    assert pm.severity.rank == 3


def test_a_bad_incident_is_an_error_row_with_its_index_and_the_rest_import(result):
    assert [pm.id for pm in result.postmortems] == ["pd-1234", "pd-1235", "pd-1236"]
    (error,) = result.errors
    assert (error.source, error.line) == (str(EXPORT), 4)
    assert error.message == (
        "started_at: cannot read a date and time from 'not a time' (from field 'created_at')"
    )


def test_importing_twice_gives_equal_postmortems(result):
    assert pagerduty.read(EXPORT) == result


def test_imported_incidents_survive_the_canonical_file_round_trip(result, tmp_path):
    for pm in result.postmortems:
        assert pmanalytics.read(pmanalytics.write(pm, tmp_path)) == pm


def test_other_shapes_are_accepted():
    page = json.loads(EXPORT.read_text())
    incidents = page["incidents"][:3]
    bare = pagerduty.parse_data(incidents)
    pages = pagerduty.parse_data([{"incidents": incidents[:2]}, {"incidents": incidents[2:]}])
    single = pagerduty.parse_data({"incident": incidents[0]})
    assert [pm.id for pm in bare.postmortems] == ["pd-1234", "pd-1235", "pd-1236"]
    assert pages.postmortems == bare.postmortems
    assert single.postmortems == bare.postmortems[:1]


def test_without_an_incident_number_the_id_comes_from_pagerdutys_id():
    incident = {
        "id": "Q0ABC",
        "type": "incident",
        "summary": "[#9] Disk",
        "created_at": "2024-05-11T10:00:00Z",
    }
    pm = pagerduty.parse_data([incident]).postmortems[0]
    assert (pm.id, pm.title) == ("pd-q0abc", "[#9] Disk")


def test_json_that_is_not_pagerduty_is_an_error_row():
    result = pagerduty.parse('{"services": []}', name="x.json")
    assert result.errors[0].message == (
        "is not a PagerDuty export: expected an 'incidents' list or a list of incidents"
    )


def test_sniff_tells_pagerduty_from_incident_io():
    assert pagerduty.sniff(EXPORT)
    assert pagerduty.sniff(json.loads(EXPORT.read_text()))
    assert not pagerduty.sniff(EXPORTS / "incidentio_export.json")
    assert not pagerduty.sniff(EXPORTS / "jira_followups.csv")
