"""Parabol retrospective CSV exports -> one post-mortem per retro."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

import pmanalytics
from pmanalytics.ingest import parabol

EXPORTS = Path(__file__).resolve().parents[1] / "fixtures" / "exports"
RETRO = EXPORTS / "ParabolRetrospective_Payments Team_2024-5-14.csv"
HEADER = (
    '"reflectionGroup","author","votes","type","createdAt","discussionThread","prompt","content"'
)


@pytest.fixture(scope="module")
def retro():
    result = parabol.read(RETRO)
    assert result.errors == ()
    (pm,) = result.postmortems
    return pm


def _items(pm, section):
    return [item for item in pm.items if item.section == section]


def test_the_retro_file_becomes_one_postmortem_named_after_the_file(retro):
    assert retro.id == "parabolretrospective_payments-team_2024-5-14"
    assert retro.title == "Retrospective: Payments Team, 2024-05-14"
    assert retro.teams == ("Payments Team",)
    assert retro.review.held_on == date(2024, 5, 14)
    assert retro.status == "reviewed"


def test_the_incident_template_prompts_give_the_four_sections(retro):
    went_well = _items(retro, "went_well")
    assert [item.text for item in went_well] == [
        "Paging reached the on-call engineer within two minutes 🚀",
        "PagerDuty escalation worked, even at 3am",
    ]
    assert all(item.heading is None for item in went_well)
    (lesson,) = _items(retro, "lessons_learned")
    assert lesson.text == (
        'The disk runbook was out of date:\n- wrong volume name\n- no "safe to delete" list'
    )
    assert [i.text for i in _items(retro, "future_considerations")] == [
        "Link every alert to its runbook"
    ]
    assert [i.text for i in _items(retro, "ongoing_problem")] == [
        "We still can't forecast disk growth for the ledger DB"
    ]


def test_an_unknown_prompt_keeps_its_heading_in_section_other(retro):
    shout_out = next(item for item in retro.items if item.heading == "Shout-outs 🎉")
    assert shout_out.section == "other"
    assert shout_out.text == "Thanks Ana for staying on the bridge!"


def test_reflection_groups_become_ranked_themes_with_parabols_votes(retro):
    assert [(t.id, t.label, t.rank) for t in retro.themes] == [
        ("paging-reached-the-right-person-fast", "Paging reached the right person fast", 1),
        ("runbooks-docs-and-dashboards", "Runbooks, docs and dashboards", 2),
        ("disk-growth-is-not-forecast", "Disk growth is not forecast", 4),
        ("thanks", "Thanks", 3),
    ]
    # the group's votes are counted once, so a theme's votes are Parabol's vote count
    assert retro.theme_votes("paging-reached-the-right-person-fast") == 5
    assert retro.theme_votes("runbooks-docs-and-dashboards") == 3
    first, second = _items(retro, "went_well")
    assert (first.votes, second.votes) == (5, 0)
    assert first.extra["group_votes"] == second.extra["group_votes"] == 5
    assert first.theme_id == second.theme_id == "paging-reached-the-right-person-fast"


def test_reflections_are_anonymous_and_keep_their_time(retro):
    first = _items(retro, "went_well")[0]
    assert first.author is None
    assert first.created_at == datetime(2024, 5, 14, 9, 2, 11, 204000, tzinfo=UTC)


def test_discussion_comments_and_replies_are_items_under_discussion(retro):
    comment, reply = (item for item in retro.items if item.heading == "Discussion")
    assert (comment.section, comment.author, comment.votes) == ("other", "Ana Lima", 0)
    assert comment.text == "Should we page the DB team directly?"
    assert comment.extra == {}  # its thread is its own text
    assert reply.author == "Ben Okafor"
    assert reply.extra == {"discussionThread": "Should we page the DB team directly?"}
    assert reply.theme_id == "paging-reached-the-right-person-fast"


def test_tasks_become_open_actions_owned_by_the_mention_or_the_author(retro):
    mentioned, authored = retro.actions
    assert mentioned.title == "@ana.lima add the runbook link to the disk alert"
    assert mentioned.owner == "ana.lima"
    assert mentioned.status == "open"
    assert mentioned.addresses == "runbooks-docs-and-dashboards"
    assert mentioned.created_at == datetime(2024, 5, 14, 9, 25, tzinfo=UTC)
    assert authored.owner == "Carla Souza"
    assert authored.addresses == "disk-growth-is-not-forecast"


def test_importing_the_same_export_twice_gives_equal_postmortems_and_ids(retro):
    again = parabol.read(RETRO).postmortems[0]
    assert again == retro
    assert [item.id for item in again.items] == [item.id for item in retro.items]


def test_the_imported_retro_survives_the_canonical_file_round_trip(retro, tmp_path):
    path = pmanalytics.write(retro, tmp_path)
    assert pmanalytics.read(path) == retro


def test_columns_are_matched_by_name_not_position():
    text = (
        '"content","prompt","type","reflectionGroup","votes","author","createdAt",'
        '"discussionThread"\n'
        '"It paged","Glad","Reflection","Paging",2,"Anonymous","2024-05-14T09:00:00Z",""\n'
    )
    pm = parabol.read(io.StringIO(text), name="retro.csv").postmortems[0]
    (item,) = pm.items
    assert (item.text, item.section, item.heading, item.votes) == (
        "It paged",
        "went_well",
        "Glad",
        2,
    )
    assert pm.id == "retro"


def test_retro_template_prompts_map_to_sections_and_can_be_overridden():
    rows = "\n".join(
        f'"G{n}",Anonymous,0,"Reflection","2024-05-14T09:00:00Z","","{prompt}","note {n}"'
        for n, prompt in enumerate(["Start", "Stop", "Continue", "Risks", "What’s working?"])
    )
    text = HEADER + "\n" + rows + "\n"
    pm = parabol.parse(text, name="r.csv").postmortems[0]
    by_heading = {item.heading: item.section for item in pm.items}
    assert by_heading == {
        "Start": "future_considerations",
        "Stop": "lessons_learned",
        "Continue": "went_well",
        "Risks": "ongoing_problem",
        "What’s working?": "went_well",
    }
    custom = parabol.parse(text, name="r.csv", sections={"Start": "went_well"})
    started = next(i for i in custom.postmortems[0].items if i.heading == "Start")
    assert started.section == "went_well"


def test_a_bad_sections_value_is_refused_naming_it():
    with pytest.raises(ValueError, match="'sections' value for 'Start' must be one of"):
        parabol.parse(HEADER + "\n", name="r.csv", sections={"Start": "happy"})


def test_bad_rows_are_error_rows_naming_their_line_and_the_rest_import():
    result = parabol.read(EXPORTS / "parabol_bad_rows.csv")
    source = str(EXPORTS / "parabol_bad_rows.csv")
    assert [(e.source, e.line) for e in result.errors] == [(source, 3), (source, 4), (source, 5)]
    short, bad_date, long = (e.message for e in result.errors)
    assert short == "the row has 7 fields, the header has 8; the row was left out"
    assert bad_date == (
        "items.created_at: cannot read a date and time from 'last tuesday' (from field 'createdAt')"
    )
    assert long == "the row has 9 fields, the header has 8; the row was left out"
    assert [i.text for i in result.postmortems[0].items] == [
        "Alert fired on time",
        "Keep going after bad rows",
    ]


def test_a_header_without_rows_or_another_csv_is_an_error_row():
    empty = parabol.parse(HEADER + "\n", name="r.csv")
    assert empty.postmortems == ()
    assert empty.errors[0].message == "has a header but no rows"
    other = parabol.parse("Summary,Issue key\nA,B\n", name="jira.csv")
    assert other.errors[0].message.startswith(
        "is not a Parabol retrospective export: no column 'reflectionGroup'"
    )


def test_sniff_tells_a_parabol_export_from_others():
    assert parabol.sniff(RETRO)
    assert parabol.sniff(str(RETRO))
    assert parabol.sniff(HEADER)
    assert not parabol.sniff(EXPORTS / "jira_followups.csv")
    assert not parabol.sniff(EXPORTS / "pagerduty_incidents.json")
    assert not parabol.sniff(EXPORTS / "no-such-file.csv")
