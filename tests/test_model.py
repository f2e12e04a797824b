"""The domain model's rules: ids, times, references, derived values, kept fields."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

import pmanalytics as pm
from pmanalytics import Action, ArgumentError, Item, ModelError, PMError, PostMortem, Theme


def test_errors_share_one_root_and_are_value_errors():
    assert issubclass(ModelError, PMError) and issubclass(ModelError, ValueError)
    assert issubclass(pm.IngestError, PMError) and issubclass(pm.IngestError, ValueError)


@pytest.mark.parametrize("bad", ["../x", "a/b", "", ".hidden", "a..b", "x" * 129, "a b", "é"])
def test_ids_must_be_filename_safe_slugs(bad):
    with pytest.raises(ModelError, match=r"^id: must be a filename-safe slug.*got"):
        PostMortem(id=bad, title="t")


def test_naive_times_are_read_as_utc_and_aware_times_keep_their_offset():
    p = PostMortem(
        id="a", title="t", started_at="2024-01-01 10:00", detected_at="2024-01-01T11:30+01:00"
    )
    assert p.started_at == datetime(2024, 1, 1, 10, 0, tzinfo=UTC)
    assert p.detected_at.utcoffset() == timedelta(hours=1)
    assert p.time_to_detect == timedelta(minutes=30)


def test_a_time_before_the_start_is_rejected_with_both_values_named():
    with pytest.raises(ModelError) as caught:
        PostMortem(
            id="a", title="t", started_at="2024-01-01T10:00Z", resolved_at="2024-01-01T09:00Z"
        )
    assert (
        str(caught.value) == "resolved_at 2024-01-01 09:00Z is before started_at 2024-01-01 10:00Z"
    )


def test_resolution_before_mitigation_is_rejected():
    with pytest.raises(ModelError, match=r"resolved_at .* is before mitigated_at"):
        PostMortem(
            id="a",
            title="t",
            started_at="2024-01-01T10:00Z",
            mitigated_at="2024-01-01T10:30Z",
            resolved_at="2024-01-01T10:20Z",
        )


def test_derived_durations():
    p = PostMortem(
        id="a",
        title="t",
        started_at=datetime(2024, 3, 1, 10, tzinfo=UTC),
        detected_at=datetime(2024, 3, 1, 10, 12, tzinfo=UTC),
        mitigated_at=datetime(2024, 3, 1, 10, 40, tzinfo=UTC),
        resolved_at=datetime(2024, 3, 2, 9, tzinfo=UTC),
    )
    assert p.time_to_detect == timedelta(minutes=12)
    assert p.time_to_mitigate == timedelta(minutes=40)
    assert p.time_to_resolve == timedelta(hours=23)
    assert PostMortem(id="b", title="t").time_to_resolve is None


def test_invalid_vocabulary_echoes_the_value():
    with pytest.raises(ModelError, match=r"status: Input should be .*got 'nope'"):
        PostMortem(id="a", title="t", status="nope")
    with pytest.raises(ModelError, match=r"votes: .*greater than or equal to 0, got -1"):
        Item(id="i", section="went_well", text="x", votes=-1)


def test_unknown_fields_are_kept_in_extra_at_every_level():
    p = PostMortem(
        id="a",
        title="t",
        jira_project="OPS",
        actions=[{"id": "a1", "title": "fix", "story_points": 3}],
        items=[{"id": "i1", "section": "went_well", "text": "x", "colour": "green"}],
    )
    assert p.extra == {"jira_project": "OPS"}
    assert p.actions[0].extra == {"story_points": 3}
    assert p.items[0].extra == {"colour": "green"}


def test_models_are_immutable_and_copy_returns_a_new_object():
    p = PostMortem(id="a", title="t")
    with pytest.raises(Exception, match="frozen"):
        p.title = "other"  # type: ignore[misc]
    q = p.model_copy(update={"title": "other"})
    assert (p.title, q.title) == ("t", "other")


def test_severity_from_a_bare_label():
    assert PostMortem(id="a", title="t", severity="SEV1").severity == pm.Severity(
        label="SEV1", rank=1
    )
    assert PostMortem(id="a", title="t", severity="P3").severity.rank == 3
    assert PostMortem(id="a", title="t", severity="major").severity.rank is None


def test_text_is_normalised_and_must_not_be_empty():
    item = Item(id="i", section="went_well", text="  line one\r\nline two \n")
    assert item.text == "line one\nline two"
    with pytest.raises(ModelError, match="text: must not be empty"):
        Item(id="i", section="went_well", text="   ")


def test_other_section_needs_its_heading():
    assert Item(id="i", section="other", heading="Root cause", text="x").heading == "Root cause"
    with pytest.raises(ModelError, match="section 'other' needs the original heading"):
        Item(id="i", section="other", text="x")


def test_references_and_duplicate_ids_are_checked():
    with pytest.raises(ModelError, match="item id 'i1' is used twice"):
        PostMortem(
            id="a",
            title="t",
            items=[
                Item(id="i1", section="went_well", text="x"),
                Item(id="i1", section="went_well", text="y"),
            ],
        )
    with pytest.raises(ModelError, match="theme_id 'nope' names no theme"):
        PostMortem(
            id="a", title="t", items=[Item(id="i1", section="went_well", text="x", theme_id="nope")]
        )
    with pytest.raises(ModelError, match="addresses 'zz' names no item or theme"):
        PostMortem(id="a", title="t", actions=[Action(id="a1", title="x", addresses="zz")])


def test_theme_items_and_votes_are_derived_from_the_items():
    p = PostMortem(
        id="a",
        title="t",
        themes=[Theme(id="t1", label="Alerting")],
        items=[
            Item(id="i1", section="went_well", text="x", votes=2, theme_id="t1"),
            Item(id="i2", section="lessons_learned", text="y", votes=3, theme_id="t1"),
            Item(id="i3", section="lessons_learned", text="z", votes=5),
        ],
    )
    assert p.theme_item_ids("t1") == ("i1", "i2")
    assert p.theme_votes("t1") == 5


def test_items_are_kept_in_canonical_section_order():
    p = PostMortem(
        id="a",
        title="t",
        items=[
            Item(id="o", section="ongoing_problem", text="o"),
            Item(id="h", section="lessons_learned", heading="What went wrong", text="h"),
            Item(id="l", section="lessons_learned", text="l"),
            Item(id="w", section="went_well", text="w"),
        ],
    )
    assert [i.id for i in p.items] == ["w", "l", "h", "o"]


def test_overdue_is_computed_as_of_a_date_the_caller_passes():
    action = Action(id="a1", title="x", owner="ana", due=date(2024, 5, 1))
    assert not action.is_overdue(as_of=date(2024, 5, 1))
    assert action.is_overdue(as_of=date(2024, 5, 2))
    assert action.days_overdue(as_of=datetime(2024, 5, 11, 23, tzinfo=UTC)) == 10
    done = action.model_copy(update={"id": "a3", "status": "done"})
    assert not done.is_overdue(as_of=date(2030, 1, 1))
    assert not Action(id="a2", title="x").is_overdue(as_of=date(2030, 1, 1))
    # as_of is read like every user date (pmanalytics._validate.user_date): an ISO string
    # is the same day, anything else is an ArgumentError naming the parameter
    assert action.is_overdue(as_of="2024-05-02")
    with pytest.raises(ArgumentError, match="'as_of' must be a date"):
        action.is_overdue(as_of="soon")
    p = PostMortem(id="a", title="t", actions=[action, done])
    assert p.overdue_actions(date(2024, 6, 1)) == (action,)


def test_a_done_action_was_open_and_overdue_before_its_completion_day():
    # issue 9: done, completed 2024-02-01, due 2024-01-10, seen at 2024-01-20
    action = Action(id="a", title="x", status="done", due=date(2024, 1, 10),
                    created_at="2024-01-02T09:00Z", completed_at="2024-02-01T09:00Z")  # fmt: skip
    assert action.state_at(date(2024, 1, 20)) == "open"
    assert action.is_open_at(date(2024, 1, 20))
    assert action.days_overdue(date(2024, 1, 20)) == 10
    assert PostMortem(id="p", title="t", actions=[action]).overdue_actions(date(2024, 1, 20)) == (
        action,
    )
    assert action.state_at(date(2024, 2, 1)) == "done"  # completed during that day
    assert action.days_overdue(date(2024, 2, 1)) == 0
    assert action.state_at(date(2024, 1, 1)) is None  # not created yet
    assert not action.is_overdue(date(2024, 1, 1))
    assert action.age_days(date(2024, 1, 20)) == 18


def test_a_datetime_as_of_means_its_own_calendar_day():
    # issue 9: 2024-01-11 05:00+10:00 is 11 January (it is 10 January in UTC)
    action = Action(id="a", title="x", due=date(2024, 1, 10))
    as_of = datetime.fromisoformat("2024-01-11T05:00+10:00")
    assert action.days_overdue(as_of) == 1
    assert action.is_overdue(as_of)


def test_completion_before_creation_is_rejected():
    with pytest.raises(ModelError, match="completed_at 2024-01-01 09:00Z is before created_at"):
        Action(id="a", title="x", created_at="2024-01-02T00:00Z", completed_at="2024-01-01T09:00Z")


def test_format_time_shows_offsets():
    from pmanalytics._model import format_time

    assert (
        format_time(datetime(2024, 1, 1, 9, tzinfo=timezone(timedelta(hours=-8))))
        == "2024-01-01 09:00-08:00"
    )


def test_slugify_is_deterministic_and_safe():
    assert (
        pm.slugify("PM2021-005 - All services returning 503!")
        == "pm2021-005-all-services-returning-503"
    )
    assert pm.slugify("../../etc/passwd") == "etc-passwd"
    assert pm.slugify("???") == "untitled"


def test_extra_holds_only_data_a_file_can_carry():
    from datetime import timedelta

    assert PostMortem(id="a", title="t", extra={"a": (1, 2), "b": {"c": None}}).extra == {
        "a": [1, 2],
        "b": {"c": None},
    }
    with pytest.raises(ModelError, match=r"extra\['a'\] must be a finite number, got nan"):
        PostMortem(id="a", title="t", extra={"a": float("nan")})
    with pytest.raises(ModelError, match=r"extra\['a'\]\[0\] must be plain data .* got timedelta"):
        PostMortem(id="a", title="t", extra={"a": [timedelta(1)]})
    with pytest.raises(ModelError, match="not valid Unicode"):
        Item(id="i", section="went_well", text="x", extra={"s": "\ud800"})


def test_an_alias_given_with_its_field_is_kept_not_merged():
    p = PostMortem(id="a", title="t", summary="real", what_happened="also")
    assert p.summary == "real" and p.extra == {"what_happened": "also"}
    a = Action(id="a1", title="x", due="2024-01-01", due_date="2024-02-01")
    assert str(a.due) == "2024-01-01" and a.extra == {"due_date": "2024-02-01"}
