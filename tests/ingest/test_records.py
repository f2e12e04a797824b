"""The mapping mechanism every structured importer goes through: from_records and its results."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import numpy as np
import pandas as pd
import pytest

from pmanalytics import Action, PostMortem
from pmanalytics.ingest.records import (
    ImportProblem,
    ImportResult,
    attach_followups,
    derived,
    from_records,
    parse_date,
    parse_datetime,
)

INCIDENT_ROWS = [
    {
        "Key": "PM2024-003",
        "Title": "Ledger DB disk full",
        "Started": "11/May/24 03:26 PM",
        "Resolved": "2024-05-11 16:08",
        "Customers": "1200",
        "Review": "20/May/24",
        "Severity": "SEV2",
        "Region": "eu-west-1",
        "Empty column": "",
    },
    {
        "Key": "INC 7 / checkout",
        "Title": "Checkout 503s",
        "Started": "2024-05-12T08:00:00+02:00",
        "Resolved": "",
        "Customers": "",
        "Review": "",
        "Severity": "P1",
        "Region": "",
        "Empty column": "",
    },
]
INCIDENT_MAPPING = {
    "id": "Key",
    "title": "Title",
    "started_at": "Started",
    "resolved_at": "Resolved",
    "impact.customers_affected": "Customers",
    "review.held_on": "Review",
    "severity": "Severity",
}


# --------------------------------------------------------------------------- basic mapping


def test_each_record_becomes_a_postmortem_with_converted_fields():
    result = from_records(INCIDENT_ROWS, INCIDENT_MAPPING)
    assert result.errors == ()
    first, second = result.postmortems
    assert first.id == "PM2024-003"  # a valid slug is kept as the source wrote it
    assert first.started_at == datetime(2024, 5, 11, 15, 26, tzinfo=UTC)
    assert first.resolved_at == datetime(2024, 5, 11, 16, 8, tzinfo=UTC)
    assert first.time_to_resolve == timedelta(minutes=42)
    assert first.impact.customers_affected == 1200
    assert first.review.held_on == date(2024, 5, 20)
    assert (first.severity.label, first.severity.rank) == ("SEV2", 2)
    assert second.id == "inc-7-checkout"  # not a slug: slugified
    assert second.started_at.utcoffset() == timedelta(hours=2)
    assert second.resolved_at is None


def test_unused_fields_are_kept_in_extra_and_empty_values_skipped():
    first, second = from_records(INCIDENT_ROWS, INCIDENT_MAPPING).postmortems
    assert first.extra == {"Region": "eu-west-1"}
    assert second.extra == {}


def test_importing_the_same_records_twice_gives_the_same_postmortems():
    assert from_records(INCIDENT_ROWS, INCIDENT_MAPPING) == from_records(
        INCIDENT_ROWS, INCIDENT_MAPPING
    )


def test_dotted_paths_list_indices_and_callables_read_nested_json():
    record = {
        "id": "01HX",
        "reference": "INC-9",
        "name": "Search down",
        "severity": {"name": "Critical", "rank": 3},
        "assignees": [{"name": "Ana Lima", "email": "ana@example.com"}],
        "incident_type": {"name": "Outage"},
    }
    mapping = {
        "id": derived(lambda r: r["reference"].lower(), "reference"),
        "title": "name",
        "severity.label": "severity.name",
        "participants": lambda r: [{"name": r["assignees"][0]["name"], "role": "responder"}],
        "tags": "incident_type.name",
        "extra.lead": "assignees.0.name",
    }
    pm = from_records([record], mapping).postmortems[0]
    assert pm.id == "inc-9"
    assert pm.severity.label == "Critical"
    assert pm.severity.rank is None
    assert pm.tags == ("Outage",)
    assert pm.participants[0].name == "Ana Lima"
    assert pm.extra["lead"] == "Ana Lima"
    # what the mapping did not read is kept, down to the unread parts of nested objects
    # (a plain callable declares nothing it reads; "assignees.0.name" was read by a path)
    assert pm.extra["id"] == "01HX"
    assert pm.extra["severity"] == {"rank": 3}
    assert pm.extra["assignees"] == [{"email": "ana@example.com"}]
    assert "reference" not in pm.extra
    assert "incident_type" not in pm.extra


def test_a_column_name_with_a_dot_is_read_as_a_column():
    record = {"Custom field (v1.2)": "x", "t": "T", "k": "k1"}
    pm = from_records([record], {"id": "k", "title": "t", "summary": "Custom field (v1.2)"})
    assert pm.postmortems[0].summary == "x"


def test_ignore_leaves_fields_out_of_extra():
    pm = from_records(INCIDENT_ROWS[:1], INCIDENT_MAPPING, ignore=["Region"]).postmortems[0]
    assert pm.extra == {}


def test_missing_id_is_derived_from_date_and_title():
    rows = [{"Title": "Disk full!", "Started": "2024-05-11 15:26"}]
    pm = from_records(rows, {"title": "Title", "started_at": "Started"}).postmortems[0]
    assert pm.id == "2024-05-11-disk-full"


def test_naive_timestamps_are_read_in_the_zone_given():
    zone = timezone(timedelta(hours=-4))
    rows = [{"k": "a", "t": "A", "s": "2024-05-11 15:26"}]
    pm = from_records(rows, {"id": "k", "title": "t", "started_at": "s"}, tz=zone).postmortems[0]
    assert pm.started_at == datetime(2024, 5, 11, 19, 26, tzinfo=UTC)


def test_a_dataframe_is_accepted_with_nan_and_numpy_values():
    frame = pd.DataFrame(
        {
            "key": ["A-1", "A-2"],
            "title": ["Disk full", "DNS"],
            "customers": [12, np.nan],
            "start": pd.to_datetime(["2024-05-01 10:00", None]),
            "note": ["kept", np.nan],
        }
    )
    mapping = {
        "id": "key",
        "title": "title",
        "impact.customers_affected": "customers",
        "started_at": "start",
    }
    first, second = from_records(frame, mapping).postmortems
    assert first.impact.customers_affected == 12
    assert first.started_at == datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    assert first.extra == {"note": "kept"}
    assert type(first.extra["note"]) is str
    assert second.impact.customers_affected is None
    assert second.started_at is None
    assert second.extra == {}


# --------------------------------------------------------------------------- error rows


def test_a_record_that_is_not_a_valid_postmortem_is_an_error_row_and_the_rest_import():
    rows = [
        {"Key": "a", "Title": "Fine", "Customers": "3"},
        {"Key": "b", "Title": "Negative", "Customers": "-5"},
        {"Key": "c", "Title": "", "Customers": ""},
        {"Key": "d", "Title": "Also fine", "Customers": ""},
    ]
    mapping = {"id": "Key", "title": "Title", "impact.customers_affected": "Customers"}
    result = from_records(rows, mapping, source="incidents.csv", lines=[2, 3, 4, 5])
    assert [pm.id for pm in result.postmortems] == ["a", "d"]
    assert [(e.source, e.line) for e in result.errors] == [
        ("incidents.csv", 3),
        ("incidents.csv", 4),
    ]
    negative, untitled = result.errors
    assert negative.message == (
        "impact.customers_affected: Input should be greater than or equal to 0, got '-5' "
        "(from field 'Customers')"
    )
    assert untitled.message.startswith("title: Field required")
    assert "(from field 'Title')" in untitled.message
    assert str(negative) == f"incidents.csv:3: {negative.message}"


def test_an_unreadable_date_is_an_error_row_naming_field_and_value():
    rows = [{"k": "a", "t": "A", "s": "the day before yesterday"}]
    result = from_records(rows, {"id": "k", "title": "t", "started_at": "s"})
    assert result.postmortems == ()
    assert result.errors == (
        ImportProblem(
            "<records>",
            1,
            "started_at: cannot read a date and time from 'the day before yesterday' "
            "(from field 's')",
        ),
    )


def test_the_same_id_twice_is_an_error_row_not_a_merge():
    rows = [{"k": "a", "t": "First"}, {"k": "a", "t": "Second"}]
    result = from_records(rows, {"id": "k", "title": "t"}, lines=[10, 11])
    assert [pm.title for pm in result.postmortems] == ["First"]
    assert result.errors[0].line == 11
    assert "id 'a' is used twice (also line 10)" in result.errors[0].message


def test_a_callable_that_raises_gives_an_error_row():
    def strict(record):
        raise ValueError(f"no incident in {record['k']!r}")

    result = from_records([{"k": "a", "t": "T"}], {"id": "k", "title": "t", "summary": strict})
    assert result.errors[0].message == "summary: no incident in 'a'"


def test_a_record_that_is_not_a_dict_is_an_error_row():
    result = from_records([["a", "b"], {"k": "x", "t": "T"}], {"id": "k", "title": "t"})
    assert [pm.id for pm in result.postmortems] == ["x"]
    assert result.errors[0].line == 1
    assert "must be an object" in result.errors[0].message


@pytest.mark.parametrize(
    ("mapping", "error", "text"),
    [
        ({"titel": "x"}, ValueError, "'mapping' key 'titel' names no field"),
        ({"impact.customers": "x"}, ValueError, "'mapping' key 'impact.customers'"),
        ({"items.colour": "x"}, ValueError, "'mapping' key 'items.colour'"),
        ({"title": 3}, TypeError, "'mapping' value for 'title' must be a column name"),
    ],
)
def test_a_bad_mapping_is_refused_naming_the_key(mapping, error, text):
    with pytest.raises(error, match=text.replace("(", r"\(")):
        from_records([], mapping)


def test_bad_arguments_are_refused_with_the_parameter_named():
    with pytest.raises(ValueError, match=r"'into' must be one of postmortems, followups, got 'x'"):
        from_records([], {}, into="x")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="'incident_id'"):
        from_records([], {"title": "t"}, into="followups")
    with pytest.raises(TypeError, match="'records' must be an iterable of dicts"):
        from_records({"k": 1}, {"id": "k"})  # type: ignore[arg-type]


# --------------------------------------------------------------------------- group_by


ITEM_ROWS = [
    {"incident": "pm-1", "title": "Disk full", "section": "went_well", "text": "Paging worked",
     "votes": "3", "who": "ana", "board": "retro-board-7"},
    {"incident": "pm-1", "title": "", "section": "lessons_learned", "text": "Runbook was stale",
     "votes": "", "who": "", "board": "retro-board-7"},
    {"incident": "pm-2", "title": "DNS", "section": "went_well", "text": "Paging worked",
     "votes": "1", "who": "ben", "board": ""},
]  # fmt: skip
ITEM_MAPPING = {
    "id": "incident",
    "title": "title",
    "items.section": "section",
    "items.text": "text",
    "items.votes": "votes",
    "items.author": "who",
}


def test_group_by_gathers_rows_of_items_into_postmortems():
    result = from_records(ITEM_ROWS, ITEM_MAPPING, group_by="incident", lines=[2, 3, 4])
    assert result.errors == ()
    pm1, pm2 = result.postmortems
    assert (pm1.id, pm1.title, pm2.title) == ("pm-1", "Disk full", "DNS")
    assert [(i.section, i.text, i.votes, i.author) for i in pm1.items] == [
        ("went_well", "Paging worked", 3, "ana"),
        ("lessons_learned", "Runbook was stale", 0, None),
    ]
    # a row's unused fields go to the item it made
    assert pm1.items[0].extra == {"board": "retro-board-7"}
    assert pm2.items[0].extra == {}


def test_derived_item_ids_are_stable_and_unique():
    rows = [dict(ITEM_ROWS[0]), dict(ITEM_ROWS[0])]  # the same note written twice
    first = from_records(rows, ITEM_MAPPING, group_by="incident").postmortems[0]
    again = from_records(rows, ITEM_MAPPING, group_by="incident").postmortems[0]
    ids = [item.id for item in first.items]
    assert ids == [item.id for item in again.items]
    assert len(set(ids)) == 2
    assert ids[1] == ids[0] + "-2"


def test_a_bad_item_is_an_error_row_and_the_postmortem_keeps_the_others():
    rows = [dict(ITEM_ROWS[0]), {**ITEM_ROWS[1], "votes": "many"}]
    result = from_records(rows, ITEM_MAPPING, group_by="incident", lines=[2, 3])
    assert [item.text for item in result.postmortems[0].items] == ["Paging worked"]
    assert result.errors[0].line == 3
    assert result.errors[0].message.startswith("item: votes: Input should be a valid integer")
    assert "'many'" in result.errors[0].message


# --------------------------------------------------------------------------- followups


def test_followups_mode_files_actions_under_their_incident():
    rows = [
        {"key": "OPS-1", "summary": "Add alert", "pm": "PM2024-003", "due": "20/May/24"},
        {"key": "OPS-2", "summary": "Fix runbook", "pm": "", "due": ""},
    ]
    mapping = {"incident_id": "pm", "id": "key", "title": "summary", "due": "due"}
    result = from_records(rows, mapping, into="followups", source="jira.csv", lines=[2, 3])
    (action,) = result.followups["PM2024-003"]
    assert (action.id, action.title, action.due) == ("OPS-1", "Add alert", date(2024, 5, 20))
    assert result.followup_origins[("PM2024-003", "OPS-1")] == ("jira.csv", 2)
    assert result.errors == (
        ImportProblem(
            "jira.csv", 3, "incident_id: this record names no incident (from field 'pm')"
        ),
    )


# --------------------------------------------------------------------------- results


def _pm(pm_id: str, *actions: Action) -> PostMortem:
    return PostMortem(id=pm_id, title=pm_id.upper(), actions=actions)


def test_attaching_followups_is_idempotent_and_replaces_by_id():
    existing = Action(id="a-1", title="Old title")
    keep = Action(id="a-0", title="Untouched")
    postmortems = {"pm2024-003": _pm("pm2024-003", keep, existing)}
    followups = {"pm2024-003": (Action(id="a-1", title="New title"), Action(id="a-2", title="X"))}
    once, errors = attach_followups(postmortems, followups)
    twice, _ = attach_followups(once, followups)
    assert errors == ()
    assert once == twice
    assert [(a.id, a.title) for a in once["pm2024-003"].actions] == [
        ("a-0", "Untouched"),
        ("a-1", "New title"),
        ("a-2", "X"),
    ]


def test_followups_match_ids_ignoring_case_or_as_a_unique_prefix():
    postmortems = [_pm("pm2024-003-ledger-disk-full"), _pm("PM2024-004")]
    followups = {
        "pm2024-003": (Action(id="a", title="A"),),
        "pm2024-004": (Action(id="b", title="B"),),
    }
    done, errors = attach_followups(postmortems, followups)
    assert errors == ()
    assert [a.id for a in done["pm2024-003-ledger-disk-full"].actions] == ["a"]
    assert [a.id for a in done["PM2024-004"].actions] == ["b"]


def test_followups_naming_an_unknown_or_ambiguous_incident_are_error_rows():
    postmortems = [_pm("pm-1-a"), _pm("pm-1-b")]
    result = ImportResult(
        followups={"pm-9": (Action(id="x", title="X"),), "pm-1": (Action(id="y", title="Y"),)},
        followup_origins={("pm-9", "x"): ("jira.csv", 7)},
    )
    done, errors = result.attach_followups(postmortems)
    assert done == {pm.id: pm for pm in postmortems}
    assert errors[0] == ImportProblem(
        "jira.csv", 7, "follow-up 'x' names incident 'pm-9', which is not among the 2 "
        "post-mortems given"
    )  # fmt: skip
    assert "'pm-1'" in errors[1].message


def test_merged_with_reports_a_postmortem_imported_twice():
    one = ImportResult(postmortems=(_pm("a"),), origins={"a": ("one.json", 1)})
    two = ImportResult(
        postmortems=(_pm("a"), _pm("b")),
        origins={"a": ("two.json", 4), "b": ("two.json", 5)},
        followups={"a": (Action(id="x", title="X"),)},
    )
    merged = one.merged_with(two)
    assert [pm.id for pm in merged.postmortems] == ["a", "b"]
    assert merged.errors == (
        ImportProblem(
            "two.json",
            4,
            "duplicate incident id 'a': already loaded from one.json:1; this one was left out",
        ),
    )
    assert list(merged.followups) == ["a"]
    assert repr(merged) == "ImportResult(postmortems=2, followups=1, errors=1)"


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("11/May/24 03:26 PM", datetime(2024, 5, 11, 15, 26, tzinfo=UTC)),
        ("11/May/24 3:26 AM", datetime(2024, 5, 11, 3, 26, tzinfo=UTC)),
        ("2024-05-11 15:26", datetime(2024, 5, 11, 15, 26, tzinfo=UTC)),
        ("2024-05-11T15:26:03.500Z", datetime(2024, 5, 11, 15, 26, 3, 500000, tzinfo=UTC)),
        ("2024-05-11 15:26:00 UTC", datetime(2024, 5, 11, 15, 26, tzinfo=UTC)),
        ("2024-05-11T17:26:00+02:00", datetime(2024, 5, 11, 15, 26, tzinfo=UTC)),
        ("1715441160", datetime(2024, 5, 11, 15, 26, tzinfo=UTC)),
        (1715441160, datetime(2024, 5, 11, 15, 26, tzinfo=UTC)),
        (1715441160000, datetime(2024, 5, 11, 15, 26, tzinfo=UTC)),
        ("20240511", datetime(2024, 5, 11, tzinfo=UTC)),
        (date(2024, 5, 11), datetime(2024, 5, 11, tzinfo=UTC)),
        ("May 11, 2024 3:26 PM", datetime(2024, 5, 11, 15, 26, tzinfo=UTC)),
    ],
)
def test_parse_datetime_reads_the_forms_exports_use(text, expected):
    parsed = parse_datetime(text)
    assert parsed == expected
    assert parsed.tzinfo is not None


@pytest.mark.parametrize("text", ["05/11/2024", "soon", "", "2024-13-45", True, None, [2024]])
def test_parse_datetime_refuses_what_it_cannot_read_unambiguously(text):
    with pytest.raises(ValueError, match="cannot read a date and time from"):
        parse_datetime(text)


def test_parse_datetime_takes_extra_formats_and_a_zone():
    parsed = parse_datetime("05/11/2024 10:00", formats=("%m/%d/%Y %H:%M",))
    assert parsed == datetime(2024, 5, 11, 10, 0, tzinfo=UTC)
    plus_one = timezone(timedelta(hours=1))
    assert parse_datetime("2024-05-11 10:00", tz=plus_one).utcoffset() == timedelta(hours=1)


@pytest.mark.parametrize(
    "text", ["20/May/24", "2024-05-20", "20/May/24 12:00 AM", "May 20, 2024", "20 May 2024"]
)
def test_parse_date_reads_due_dates(text):
    assert parse_date(text) == date(2024, 5, 20)


def test_parse_date_refuses_garbage_naming_the_value():
    with pytest.raises(ValueError, match="cannot read a date from 'someday'"):
        parse_date("someday")
