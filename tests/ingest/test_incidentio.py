"""incident.io JSON (API v2 incidents and follow-ups) -> post-mortems with actions."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import pmanalytics
from pmanalytics.ingest import incidentio

EXPORTS = Path(__file__).resolve().parents[1] / "fixtures" / "exports"
EXPORT = EXPORTS / "incidentio_export.json"


@pytest.fixture(scope="module")
def result():
    return incidentio.read(EXPORT)


@pytest.fixture(scope="module")
def inc123(result):
    return next(pm for pm in result.postmortems if pm.id == "inc-123")


def test_an_incident_becomes_a_postmortem_keyed_by_its_reference(inc123):
    assert inc123.title == "Checkout API returning 503s, card payments failing"
    assert inc123.summary == (
        "A config push removed the API's route table.\nCard payments failed for 42 minutes."
    )
    assert inc123.severity.label == "Critical"
    assert inc123.severity.rank is None  # incident.io ranks the other way round...
    assert inc123.extra["severity"]["rank"] == 3  # ...so its rank is kept, not reused
    assert inc123.status == "closed"
    assert inc123.tags == ("Production Outage",)
    assert inc123.extra["id"] == "01HXK4T9QZ8J3W6V5R2N1M0PQA"


def test_incident_timestamps_give_start_detection_mitigation_and_resolution(inc123):
    assert inc123.started_at == datetime(2024, 5, 11, 15, 26, tzinfo=UTC)
    assert inc123.detected_at == datetime(2024, 5, 11, 15, 30, 12, 801578, tzinfo=UTC)
    assert inc123.mitigated_at == datetime(2024, 5, 11, 16, 2, tzinfo=UTC)
    assert inc123.resolved_at == datetime(2024, 5, 11, 16, 8, tzinfo=UTC)
    assert inc123.time_to_resolve == timedelta(minutes=42)
    assert inc123.extra["timestamps"]["Closed at"] == "2024-05-20T10:00:00Z"
    assert "Declined at" not in inc123.extra["timestamps"]  # no value


def test_without_an_impact_start_the_report_time_starts_the_incident(result):
    inc124 = next(pm for pm in result.postmortems if pm.id == "inc-124")
    assert inc124.started_at == datetime(2024, 5, 12, 7, 58, tzinfo=UTC)  # before created_at
    assert inc124.detected_at is None
    assert inc124.status == "draft"
    assert inc124.severity.label == "Minor"


def test_custom_fields_roles_and_links(inc123):
    assert inc123.services == ("checkout-api", "payments-gateway")
    assert inc123.teams == ("Payments",)
    assert inc123.extra["custom_fields"]["Customer impact"] == [
        "Card payments failed in EU and UK 💳"
    ]
    assert [(p.name, p.role, p.extra) for p in inc123.participants] == [
        ("Ana Lima", "responder", {"incident_role": "Incident Lead"}),
        ("Ben Okafor", "responder", {"incident_role": "Communications Lead"}),
    ]
    assert [(link.label, link.url) for link in inc123.links] == [
        ("incident.io", "https://app.incident.io/acme/incidents/123"),
        ("Post-mortem document", "https://docs.acme.example/postmortems/inc-123"),
    ]


def test_follow_ups_in_the_same_file_are_attached_to_their_incident(inc123):
    done, outstanding, not_doing = inc123.actions
    assert done.id == "01FU0000000000000000000001"
    assert done.title == "Validate route table before config push"
    assert (done.status, done.owner, done.priority) == ("done", "Ana Lima", "Urgent")
    assert done.completed_at == datetime(2024, 5, 18, 14, 0, tzinfo=UTC)
    assert done.link == "https://acme.atlassian.net/browse/OPS-130"
    assert done.extra["description"] == "Add a pre-push check."
    assert (outstanding.status, outstanding.owner) == ("open", None)
    assert not_doing.status == "wont_do"


def test_follow_ups_of_other_incidents_wait_in_followups(result):
    assert list(result.followups) == ["01hzzz0000000000000000zzzz"]
    (waiting,) = result.followups["01hzzz0000000000000000zzzz"]
    assert waiting.title == "Follow-up of an incident not in this file"


def test_bad_incidents_and_follow_ups_are_error_rows_with_their_index(result):
    assert [pm.id for pm in result.postmortems] == ["inc-123", "inc-124"]
    incident_error, follow_up_error = result.errors
    assert (incident_error.source, incident_error.line) == (str(EXPORT), 3)
    assert incident_error.message == (
        "resolved_at 2024-05-13 08:30Z is before started_at 2024-05-13 09:00Z"
    )
    assert (follow_up_error.source, follow_up_error.line) == (f"{EXPORT} (follow_ups)", 5)
    assert "completed_at 2024-05-13 09:00Z is before created_at" in follow_up_error.message


def test_importing_twice_gives_equal_results(result):
    again = incidentio.read(EXPORT)
    assert again.postmortems == result.postmortems
    assert again.followups == result.followups


def test_imported_incidents_survive_the_canonical_file_round_trip(result, tmp_path):
    for pm in result.postmortems:
        assert pmanalytics.read(pmanalytics.write(pm, tmp_path)) == pm


def test_a_follow_ups_only_file_keys_actions_by_the_incident_id():
    result = incidentio.read(EXPORTS / "incidentio_follow_ups.json")
    assert result.postmortems == ()
    assert sorted(result.followups) == [
        "01hxk4t9qz8j3w6v5r2n1m0pqa",
        "01hzzz0000000000000000zzzz",
    ]


def test_follow_ups_from_another_file_attach_through_the_incident_ids():
    incidents = incidentio.read(EXPORT)
    follow_ups = incidentio.read(EXPORTS / "incidentio_follow_ups.json")
    assert incidents.aliases["01hxk4t9qz8j3w6v5r2n1m0pqa"] == "inc-123"
    attached, errors = incidents.merged_with(follow_ups).attach_followups()
    assert [a.id for a in attached["inc-123"].actions] == [
        "01FU0000000000000000000001",  # replaced by the same follow-up: attached once
        "01FU0000000000000000000002",
        "01FU0000000000000000000003",
    ]
    (unknown,) = errors
    assert unknown.message.startswith(
        "follow-up '01FU0000000000000000000004' names incident '01hzzz0000000000000000zzzz'"
    )


def test_other_shapes_are_accepted():
    data = json.loads(EXPORT.read_text())
    bare = incidentio.parse_data(data["incidents"][:1])
    single = incidentio.parse_data({"incident": data["incidents"][0]})
    listed = incidentio.parse_data({"incidents": data["incidents"][:1], "pagination_meta": {}})
    assert bare.postmortems == single.postmortems == listed.postmortems
    assert bare.postmortems[0].id == "inc-123"
    follow_ups = incidentio.parse_data(data["follow_ups"][:2])
    assert [a.id for a in follow_ups.followups["01hxk4t9qz8j3w6v5r2n1m0pqa"]] == [
        "01FU0000000000000000000001",
        "01FU0000000000000000000002",
    ]


def test_json_that_is_not_incident_io_is_an_error_row():
    result = incidentio.parse('{"alerts": []}', name="x.json")
    assert result.errors[0].message == (
        "is not an incident.io export: expected an 'incidents' or 'follow_ups' list"
    )
    broken = incidentio.parse('{"incidents": [\n  {"id": 1,}\n]}', name="x.json")
    assert (broken.errors[0].line, broken.errors[0].message) == (
        2,
        "invalid JSON: Expecting property name enclosed in double quotes (column 12)",
    )


def test_sniff_tells_incident_io_from_pagerduty():
    assert incidentio.sniff(EXPORT)
    assert incidentio.sniff(EXPORTS / "incidentio_follow_ups.json")
    assert not incidentio.sniff(EXPORTS / "pagerduty_incidents.json")
    assert not incidentio.sniff(EXPORTS / "jira_followups.csv")
