"""pmanalytics.metrics against values computed by hand on small hand-made corpora."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta, timezone

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

from pmanalytics import Action, Corpus, Item, PMError, PostMortem, Theme, metrics as m


def pm(pid, **fields):
    return PostMortem(id=pid, title=fields.pop("title", pid), **fields)


def act(aid, **fields):
    return Action(id=aid, title=fields.pop("title", aid), **fields)


# --------------------------------------------------------------------------- incidents


@pytest.fixture
def incidents_corpus():
    return Corpus.from_postmortems(
        [
            pm("a", severity={"label": "SEV2", "rank": 2}, services=["api"], teams=["sre"],
               started_at="2024-01-05T10:00Z", detected_at="2024-01-05T10:10Z",
               resolved_at="2024-01-05T10:10Z", impact={"customers_affected": 100, "minutes": 30}),
            pm("b", severity={"label": "SEV1", "rank": 1}, services=["api", "db"], teams=["sre"],
               started_at="2024-01-20T10:00Z", detected_at="2024-01-20T10:20Z",
               resolved_at="2024-01-20T10:20Z"),
            pm("c", severity={"label": "SEV2", "rank": 2}, services=["db"], teams=["data"],
               started_at="2024-03-01T10:00Z", resolved_at="2024-03-01T10:30Z",
               impact={"customers_affected": 5}),
            pm("d", severity={"label": "SEV3", "rank": 3}, services=["api"], teams=["web"],
               started_at="2024-03-10T10:00Z", detected_at="2024-03-10T10:40Z",
               resolved_at="2024-03-10T10:40Z"),
            pm("e", severity={"label": "SEV3", "rank": 3}, services=["api"], teams=["web"],
               started_at="2024-03-12T00:00Z", detected_at="2024-03-12T16:40Z",
               resolved_at="2024-03-12T16:40Z"),
        ]
    )  # fmt: skip


def test_incidents_per_month_fill_empty_months_with_zero(incidents_corpus):
    counts = m.incident_counts(incidents_corpus, "month")
    assert counts["period"].dt.strftime("%Y-%m").tolist() == ["2024-01", "2024-02", "2024-03"]
    assert counts["incidents"].tolist() == [2, 0, 3]


def test_incidents_by_severity_list_the_worst_first(incidents_corpus):
    counts = m.incident_counts(incidents_corpus, "quarter", by="severity")
    assert counts["severity"].tolist() == ["SEV1", "SEV2", "SEV3"]
    assert counts["incidents"].tolist() == [1, 2, 2]
    assert counts["period"].tolist() == [pd.Timestamp("2024-01-01")] * 3


def test_an_incident_on_two_services_counts_for_each(incidents_corpus):
    counts = m.incident_counts(incidents_corpus, "quarter", by="service")
    assert dict(zip(counts["service"], counts["incidents"], strict=True)) == {"api": 4, "db": 2}
    teams = m.incident_counts(incidents_corpus, "quarter", by="team")
    assert dict(zip(teams["team"], teams["incidents"], strict=True)) == {
        "data": 1, "sre": 2, "web": 2,
    }  # fmt: skip


def test_weeks_start_on_monday(incidents_corpus):
    counts = m.incident_counts(incidents_corpus, "week")
    first = counts.iloc[0]
    assert first["period"] == pd.Timestamp("2024-01-01")  # 2024-01-05 is a Friday
    assert first["period"].day_name() == "Monday"
    assert counts["incidents"].sum() == 5


def test_periods_follow_the_calendar_of_the_zone_asked_for():
    # 23:30 UTC on 31 March is 01:30 on 1 April in Paris (CEST, after the DST change)
    corpus = Corpus.from_postmortems([pm("x", started_at="2024-03-31T23:30Z")])
    assert m.incident_counts(corpus, "month")["period"].tolist() == [pd.Timestamp("2024-03-01")]
    paris = m.incident_counts(corpus, "month", tz="Europe/Paris")
    assert paris["period"].tolist() == [pd.Timestamp("2024-04-01")]


def test_durations_across_a_daylight_saving_change_are_real_elapsed_minutes():
    # UK clocks go from 01:00 GMT to 02:00 BST on 2024-03-31: 00:30 GMT -> 03:30 BST is 2 hours
    corpus = Corpus.from_postmortems(
        [
            pm("dst", started_at="2024-03-31T00:30:00+00:00",
               detected_at="2024-03-31T02:15:00+01:00", resolved_at="2024-03-31T03:30:00+01:00"),
        ]
    )  # fmt: skip
    summary = m.duration_summary(corpus).set_index("measure")
    assert summary.loc["resolve", "median"] == 120.0
    assert summary.loc["detect", "median"] == 45.0


def test_duration_summary_median_p90_and_missing(incidents_corpus):
    summary = m.duration_summary(incidents_corpus).set_index("measure")
    # detect: 10, 20, 40, 1000 minutes (c has no detected_at)
    detect = summary.loc["detect"]
    assert (detect["count"], detect["missing"]) == (4, 1)
    assert detect["median"] == 30.0
    assert detect["p90"] == pytest.approx(40 + 0.7 * 960)  # linear between the 3rd and 4th
    assert (detect["min"], detect["max"]) == (10.0, 1000.0)
    resolve = summary.loc["resolve"]  # 10, 20, 30, 40, 1000
    assert resolve["median"] == 30.0
    assert resolve["p90"] == pytest.approx(616.0)
    assert summary.loc["mitigate", "count"] == 0
    assert math.isnan(summary.loc["mitigate", "median"])
    assert "mean" not in summary.columns


def test_duration_summary_by_severity(incidents_corpus):
    summary = m.duration_summary(incidents_corpus, by="severity")
    resolve = summary[summary["measure"] == "resolve"].set_index("severity")
    assert resolve.loc["SEV2", "median"] == 20.0  # 10 and 30
    assert resolve.loc["SEV3", "p90"] == pytest.approx(40 + 0.9 * 960)


def test_duration_histogram_counts_every_known_duration(incidents_corpus):
    histogram = m.duration_histogram(incidents_corpus, bins_per_decade=1)
    resolve = histogram[histogram["measure"] == "resolve"]
    assert resolve["bin_left"].tolist() == [10.0, 100.0]  # the last bin includes its edge
    assert resolve["count"].tolist() == [4, 1]
    assert histogram.groupby("measure")["count"].sum().to_dict() == {
        "detect": 4, "mitigate": 0, "resolve": 5,
    }  # fmt: skip


def test_repeat_incidents_per_service(incidents_corpus):
    table = m.repeat_incidents(incidents_corpus, within_days=30).set_index("service")
    # api: 01-05, 01-20 (15 d), 03-10 (50 d), 03-12 (2 d); db: 01-20, 03-01 (41 d)
    assert table.loc["api", "incidents"] == 4
    assert table.loc["api", "repeats"] == 2
    assert table.loc["api", "median_gap_days"] == 15.0
    assert table.loc["db", "repeats"] == 0
    assert table.index[0] == "api"


def test_customer_impact_totals_count_only_known_values(incidents_corpus):
    total = m.customer_impact(incidents_corpus).to_dict("records")[0]
    assert total == {
        "incidents": 5, "customers_affected": 105, "customers_known": 2,
        "impact_min": 30.0, "impact_known": 1,
    }  # fmt: skip
    by_service = m.customer_impact(incidents_corpus, by="service").set_index("service")
    assert by_service.loc["db", "customers_affected"] == 5


def test_service_period_matrix(incidents_corpus):
    matrix = m.service_period_matrix(incidents_corpus, "month")
    assert matrix.index.tolist() == ["api", "db"]
    assert matrix.loc["api"].tolist() == [2, 0, 2]
    assert matrix.loc["db"].tolist() == [1, 0, 1]


# --------------------------------------------------------------------------- actions


AS_OF = date(2024, 3, 1)


@pytest.fixture
def actions_corpus():
    return Corpus.from_postmortems(
        [
            pm("p1", services=["api"], teams=["sre"], started_at="2024-01-01T00:00Z", actions=[
                act("open-late", owner="ana", due="2024-02-01", created_at="2024-01-02T09:00Z"),
                act("open-on-time", owner="ana", due="2024-03-15",
                    created_at="2024-01-02T09:00Z", status="in_progress"),
                act("done-fast", owner="bo", status="done", due="2024-01-10",
                    created_at="2024-01-02T09:00Z", completed_at="2024-01-05T09:00Z"),
                act("done-later", owner="bo", status="done", due="2024-01-10",
                    created_at="2024-01-02T09:00Z", completed_at="2024-03-10T09:00Z"),
            ]),
            pm("p2", services=["db"], teams=["data"], started_at="2024-02-01T00:00Z", actions=[
                act("dropped", owner="cy", status="wont_do", created_at="2024-02-02T00:00Z",
                    completed_at="2024-02-12T00:00Z"),
                act("no-owner", due="2024-02-20", created_at="2024-02-02T00:00Z"),
                act("no-created", owner="cy", due="2024-02-25"),
                act("future", owner="cy", created_at="2024-03-05T00:00Z"),
            ]),
        ]
    )  # fmt: skip


def test_action_status_as_of_a_date(actions_corpus):
    status = m.action_status(actions_corpus, AS_OF).set_index("action_id")
    assert "future" not in status.index  # created after as_of
    assert status.loc["done-later", "state"] == "open"  # completed after as_of
    assert bool(status.loc["done-later", "is_open"])
    assert status.loc["done-fast", "state"] == "done"
    assert status.loc["dropped", "state"] == "wont_do"
    assert status.loc["open-late", "days_overdue"] == 29  # 2024-02-01 -> 2024-03-01
    assert status.loc["done-later", "days_overdue"] == 51  # open at as_of, due 01-10
    assert status.loc["open-on-time", "days_overdue"] == 0
    assert status.loc["no-owner", "days_overdue"] == 10
    assert status.loc["no-created", "days_overdue"] == 5
    assert status.loc["open-late", "age_days"] == 59
    assert pd.isna(status.loc["no-created", "age_days"])
    assert status.loc[status["incident_id"] == "p1", "team"].unique().tolist() == ["sre"]


def test_as_of_is_inclusive_of_the_day(actions_corpus):
    status = m.action_status(actions_corpus, "2024-03-10").set_index("action_id")
    assert status.loc["done-later", "state"] == "done"  # completed at 09:00 that day
    assert "future" in status.index


def test_open_and_overdue(actions_corpus):
    overdue = m.overdue_actions(actions_corpus, AS_OF)
    assert overdue["action_id"].tolist() == ["done-later", "open-late", "no-owner", "no-created"]
    open_ = m.open_actions(actions_corpus, AS_OF)
    assert set(open_["action_id"]) == {
        "open-late", "open-on-time", "done-later", "no-owner", "no-created",
    }  # fmt: skip
    summary = m.open_summary(actions_corpus, AS_OF)
    assert (summary["actions"], summary["open"], summary["overdue"]) == (7, 5, 4)
    assert (summary["done"], summary["wont_do"]) == (1, 1)
    # open ages: 59, 59, 59, 28 (no-created has none) -> median 59
    assert summary["open_age_median_days"] == 59.0
    # days overdue 51, 29, 10, 5 -> median 19.5
    assert summary["days_overdue_median"] == 19.5
    assert summary["as_of"] == AS_OF


def test_completion_rate_by_period_created(actions_corpus):
    table = m.completion_by_period(actions_corpus, AS_OF, "month")
    assert table["period"].dt.strftime("%Y-%m").tolist() == ["2024-01", "2024-02"]
    january, february = table.to_dict("records")
    assert (january["created"], january["done"], january["open"]) == (4, 1, 3)
    assert january["completion_rate"] == 0.25
    assert (february["created"], february["done"], february["wont_do"]) == (2, 0, 1)
    assert february["completion_rate"] == 0.0
    later = m.completion_by_period(actions_corpus, "2024-04-01", "month")
    assert later.iloc[0]["done"] == 2
    assert later.iloc[-1]["created"] == 1  # "future", created in March


def test_burnup_is_cumulative(actions_corpus):
    table = m.burnup(actions_corpus, AS_OF, "month")
    assert table["period"].dt.strftime("%Y-%m").tolist() == ["2024-01", "2024-02", "2024-03"]
    assert table["created"].tolist() == [4, 6, 6]
    assert table["completed"].tolist() == [1, 1, 1]
    assert table["closed"].tolist() == [1, 2, 2]
    assert table["open"].tolist() == [3, 4, 4]


def test_load_per_owner_and_team(actions_corpus):
    owners = m.owner_load(actions_corpus, AS_OF, "owner").set_index("owner")
    assert owners.loc["ana", "open"] == 2 and owners.loc["ana", "overdue"] == 1
    assert owners.loc["bo", "open"] == 1 and owners.loc["bo", "max_days_overdue"] == 51
    assert owners.loc["unassigned", "overdue"] == 1
    assert owners.loc["ana", "team"] == "sre"
    assert owners.loc["ana", "oldest_open_days"] == 59
    teams = m.owner_load(actions_corpus, AS_OF, "team").set_index("team")
    assert teams.to_dict("index")["sre"]["open"] == 3
    assert teams.to_dict("index")["data"]["overdue"] == 2


def _km_frame(days_closed, days_open, as_of="2024-01-31"):
    created = pd.Timestamp("2024-01-01", tz="UTC")
    rows = []
    for d in days_closed:
        rows.append(("done", created + pd.Timedelta(days=d)))
    for _ in days_open:
        rows.append(("open", pd.NaT))
    return pd.DataFrame(
        {
            "incident_id": "x",
            "action_id": [f"a{i}" for i in range(len(rows))],
            "created_at": [created] * len(rows),
            "completed_at": pd.to_datetime([r[1] for r in rows], utc=True),
            "status": [r[0] for r in rows],
            "due_date": pd.NaT,
        }
    )


def test_survival_counts_still_open_actions_as_censored():
    # as of 2024-01-31 (cutoff 02-01): closed after 1 and 3 days; two open for 31 days
    frame = _km_frame([1, 3], [None, None])
    curve = m.time_to_close_survival(frame, "2024-01-31")
    at = curve.set_index("days")["still_open"]
    assert at[1.0] == pytest.approx(0.75)
    assert at[3.0] == pytest.approx(0.5)  # 0.75 * (1 - 1/3)
    assert at[31.0] == pytest.approx(0.5)  # censored: no drop
    assert curve["censored"].sum() == 2 and curve["closed"].sum() == 2
    summary = m.time_to_close_summary(frame, "2024-01-31").iloc[0]
    assert summary["median_days"] == 3.0  # a naive median of closed ones would say 2
    assert summary["p90_days"] == math.inf


def test_survival_censors_dropped_actions_and_skips_unknown_creation(actions_corpus):
    curve = m.time_to_close_survival(actions_corpus, AS_OF)
    # closed: done-fast (3 d); censored: open-late, open-on-time, done-later (open then),
    # no-owner, dropped (10 d); no-created is left out
    assert curve["closed"].sum() == 1
    assert curve["censored"].sum() == 5
    first_drop = curve[curve["closed"] > 0].iloc[0]
    assert first_drop["days"] == 3.0
    assert first_drop["still_open"] == pytest.approx(5 / 6)


def test_survival_by_group(actions_corpus):
    curve = m.time_to_close_survival(actions_corpus, AS_OF, by="team")
    assert set(curve["group"]) == {"data", "sre"}
    assert curve.groupby("group")["closed"].sum().to_dict() == {"data": 0, "sre": 1}


def test_survival_matches_lifelines_on_a_larger_sample():
    from lifelines import KaplanMeierFitter

    rng = np.random.default_rng(3)
    closed = rng.integers(1, 60, 40).tolist()
    frame = _km_frame(closed, [None] * 15, as_of="2024-03-31")
    curve = m.time_to_close_survival(frame, "2024-03-31")
    durations = [*closed, *[91] * 15]  # 2024-01-01 -> 2024-04-01 cutoff
    fitter = KaplanMeierFitter().fit(durations, [1] * 40 + [0] * 15)
    expected = fitter.survival_function_.iloc[:, 0]
    assert np.allclose(curve["still_open"].to_numpy(), expected.to_numpy())


def test_follow_through_within_n_days(actions_corpus):
    table = m.follow_through(actions_corpus, AS_OF, within_days=30).set_index("incident_id")
    # p1: open-late is open after its 30-day window -> no
    assert table.loc["p1", "outcome"] == "no"
    # p2: dropped closed in time; no-owner open, window ends 03-03 after as_of -> pending
    assert table.loc["p2", "outcome"] == "pending"
    rate = m.follow_through_rate(actions_corpus, AS_OF, within_days=30)
    assert (rate["incidents"], rate["decided"], rate["followed_through"]) == (2, 1, 0)
    assert rate["share"] == 0.0


def test_follow_through_yes_when_every_action_closed_in_time():
    corpus = Corpus.from_postmortems([
        pm("ok", actions=[
            act("a", status="done", created_at="2024-01-01T00:00Z",
                completed_at="2024-01-30T00:00Z"),
            act("b", status="wont_do", created_at="2024-01-01T00:00Z",
                completed_at="2024-01-02T00:00Z")]),
        pm("late", actions=[
            act("a", status="done", created_at="2024-01-01T00:00Z",
                completed_at="2024-02-15T00:00Z")]),
    ])  # fmt: skip
    rate = m.follow_through_rate(corpus, "2024-06-01", within_days=30)
    assert (rate["decided"], rate["followed_through"], rate["share"]) == (2, 1, 0.5)


# --------------------------------------------------------------------------- recurrence


@pytest.fixture
def recurrence_corpus():
    def note(text, theme=None):
        return [Item(id="i-1", section="ongoing_problem", text=text, theme_id=theme)]

    return Corpus.from_postmortems([
        pm("first", services=["api"], started_at="2024-01-01T00:00Z",
           items=note("Debug logs fill the root disk", "t-1"),
           themes=[Theme(id="t-1", label="Capacity")],
           actions=[
               act("via-item", addresses="i-1", created_at="2024-01-03T00:00Z", status="done",
                   completed_at="2024-01-10T00:00Z", kind="prevent"),
               act("via-theme", addresses="t-1", created_at="2024-01-03T00:00Z"),
               act("late", created_at="2024-03-15T00:00Z")]),
        pm("same-service", services=["api"], started_at="2024-01-20T00:00Z",
           items=note("Checkout latency spikes under load")),
        pm("same-problem", services=["db"], started_at="2024-02-01T00:00Z",
           items=note("The root disk filled with debug logs again")),
        pm("after-as-of", services=["db"], started_at="2024-05-01T00:00Z",
           items=note("Root disk full of debug logs")),
    ])  # fmt: skip


def test_recurrence_is_of_the_problem_an_action_addresses_never_just_the_same_service(
    recurrence_corpus,
):
    table = m.action_recurrence(recurrence_corpus, "2024-04-01").set_index("action_id")
    assert table.loc["via-item", "linked_by"] == "addresses an item"
    assert table.loc["via-theme", "linked_by"] == "addresses a theme"
    assert table.loc["via-item", "recurrence"] == "same-problem"  # not same-service (01-20)
    assert table.loc["via-item", "since"] == pd.Timestamp("2024-01-10", tz="UTC")  # done then
    assert table.loc["via-theme", "recurrence_at"] == pd.Timestamp("2024-02-01", tz="UTC")
    assert pd.isna(table.loc["late", "problem"]) and not table.loc["late", "recurred"]
    assert "same-service" not in set(table["recurrence"].dropna())
    later = m.action_recurrence(recurrence_corpus, "2024-06-01").set_index("action_id")
    assert later.loc["via-item", "recurrence"] == "same-problem"  # the first one


def test_prevention_by_kind(recurrence_corpus):
    # via-item done 01-10; the next incident of its problem (02-01) is 22 days later; the
    # same-service incident on 01-20 is another problem and does not count
    within_90 = m.prevention(recurrence_corpus, "2024-12-31", within_days=90)
    assert within_90[["kind", "completed", "recurred", "recurrence_share"]].to_dict("records") == [
        {"kind": "prevent", "completed": 1, "recurred": 1, "recurrence_share": 1.0}
    ]
    within_20 = m.prevention(recurrence_corpus, "2024-12-31", within_days=20)
    assert within_20.iloc[0]["recurred"] == 0
    too_soon = m.prevention(recurrence_corpus, "2024-02-01", within_days=90)
    assert too_soon.empty  # not observed for the whole window yet


def _monthly(prefix, text, first, last, fix=None):
    """One incident a month from ``first`` to ``last`` (YYYY-MM), each with the problem's note;
    ``fix``: (YYYY-MM-DD, kind) of a done action addressing the first incident's note."""
    months = pd.period_range(first, last, freq="M")
    out = []
    for n, month in enumerate(months):
        actions = []
        if fix is not None and n == 0:
            done_at = f"{fix[0]}T00:00Z"
            actions = [
                act(
                    f"fix-{prefix}",
                    addresses="i-1",
                    status="done",
                    kind=fix[1],
                    created_at=f"{month}-02T00:00Z",
                    completed_at=done_at,
                )
            ]
        out.append(pm(f"{prefix}-{n}", started_at=f"{month}-05T10:00Z", actions=actions,
                      items=[Item(id="i-1", section="ongoing_problem",
                                  text=f"{text} (case {n})")]))  # fmt: skip
    return out


@pytest.fixture(scope="module")
def effectiveness_corpus():
    return Corpus.from_postmortems([
        # fixed at the start of 2023 and never seen again: the fix worked
        *_monthly("cert", "The TLS certificate expired without any warning", "2022-01",
                  "2022-12", fix=("2023-01-01", "detect")),
        # fixed at the same time but it keeps happening
        *_monthly("pool", "The database connection pool ran out of connections", "2022-01",
                  "2024-05", fix=("2023-01-01", "prevent")),
        # never fixed: the base rate
        *_monthly("dns", "DNS lookups time out inside the cluster", "2022-01", "2024-05"),
        # too little history to judge
        *_monthly("disk", "Debug logs filled the root disk", "2024-04", "2024-05",
                  fix=("2024-05-20", "mitigate")),
    ])  # fmt: skip


def test_action_effectiveness_tells_an_effective_fix_from_an_ineffective_one(
    effectiveness_corpus,
):
    table = m.action_effectiveness(effectiveness_corpus, "2024-06-01")
    assert list(table.columns) == list(m.EFFECTIVENESS_COLUMNS)
    verdict = {
        label.split()[1].lower(): v
        for label, v in zip(table["label"], table["verdict"], strict=True)
    }
    assert verdict == {"tls": "worked", "database": "no sign it worked",
                       "lookups": "no completed action", "logs": "not enough data"}  # fmt: skip
    cert = table[table["verdict"] == "worked"].iloc[0]
    # 12 incidents before the fix: the first starts the clock, 11 recurrences follow
    assert cert["before_incidents"] == 11 and cert["after_incidents"] == 0
    assert cert["ratio_high"] < 1 and cert["linked_by"] == "addresses an item"
    pool = table[table["verdict"] == "no sign it worked"].iloc[0]
    assert pool["ratio_low"] < 1 < pool["ratio_high"]
    assert pool["base_ratio"] == pytest.approx(1.0, abs=0.15)  # dns kept its monthly rate


def test_prevention_differs_by_kind_when_fixes_differ(effectiveness_corpus):
    table = m.prevention(effectiveness_corpus, "2024-06-01", within_days=90).set_index("kind")
    assert table.loc["detect", "recurrence_share"] == 0.0 and table.loc["detect", "worked"] == 1
    assert table.loc["prevent", "recurrence_share"] == 1.0 and table.loc["prevent", "worked"] == 0
    assert "mitigate" not in table.index  # done too recently to be observed for 90 days


def test_a_done_action_without_a_completion_time_still_counts_as_done():
    items = [*_monthly("y", "The TLS certificate expired again", "2022-01", "2022-06")]
    first = items[0].model_copy(update={"actions": [act("fix", addresses="i-1", status="done",
                                        created_at="2022-07-01T00:00Z")]})  # fmt: skip
    table = m.action_effectiveness(Corpus.from_postmortems([first, *items[1:]]), "2024-01-01")
    row = table.iloc[0]
    assert row["verdict"] == "worked" and not row["completed_known"]
    assert row["fixed_at"] == pd.Timestamp("2022-07-01", tz="UTC")


# --------------------------------------------------------------------------- filters


def test_filter_rule(incidents_corpus):
    def ids(**filters):
        part = m.filter_corpus(incidents_corpus, m.Filters(**filters))
        return part.incidents["incident_id"].tolist()

    assert ids() == ["a", "b", "c", "d", "e"]
    assert ids(start=date(2024, 1, 20), end=date(2024, 3, 10)) == ["b", "c", "d"]
    assert ids(services=("db",)) == ["b", "c"]
    assert ids(teams=("web", "data")) == ["c", "d", "e"]
    assert ids(severities=("SEV2",), services=("api",)) == ["a"]
    assert ids(services=("nope",)) == []


def test_filters_keep_child_rows_of_kept_incidents(actions_corpus):
    part = m.filter_corpus(actions_corpus, m.Filters(teams=("data",)))
    assert set(part.actions["incident_id"]) == {"p2"}
    assert len(part.actions) == 4


def test_incidents_without_a_start_only_pass_without_a_date_filter():
    corpus = Corpus.from_postmortems([pm("undated")])
    assert len(m.filter_corpus(corpus, m.Filters(services=())).incidents) == 1
    assert len(m.filter_corpus(corpus, m.Filters(end=date(2030, 1, 1))).incidents) == 0


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda c: m.incident_counts(c, "fortnight"),
         "'freq' must be one of week, month, quarter, got 'fortnight'"),
        (lambda c: m.incident_counts(c, by="owner"), "got 'owner'"),
        (lambda c: m.action_status(c, "soon"), "'as_of' must be a date (YYYY-MM-DD), got 'soon'"),
        (lambda c: m.open_summary(c, 20240101), "got 20240101"),
        (lambda c: m.follow_through(c, "2024-01-01", -1),
         "'within_days' must be an int >= 0, got -1"),
        (lambda c: m.duration_histogram(c, 0), "'bins_per_decade' must be an int >= 1, got 0"),
        (lambda c: m.filter_corpus(c, m.Filters(start=date(2024, 2, 1), end=date(2024, 1, 1))),
         "'start' 2024-02-01 is after 'end' 2024-01-01"),
    ],
)  # fmt: skip
def test_errors_name_the_parameter_and_echo_the_value(incidents_corpus, call, message):
    with pytest.raises(PMError) as raised:
        call(incidents_corpus)
    assert message in str(raised.value)
    assert isinstance(raised.value, ValueError)


def test_an_empty_corpus_gives_empty_results():
    empty = Corpus()
    assert m.incident_counts(empty).empty
    assert m.open_summary(empty, AS_OF)["open"] == 0
    assert m.time_to_close_survival(empty, AS_OF).empty
    assert m.burnup(empty, AS_OF).empty
    assert m.owner_load(empty, AS_OF).empty
    assert m.action_recurrence(empty, AS_OF).empty
    assert m.prevention(empty, AS_OF).empty
    assert m.customer_impact(empty).iloc[0]["incidents"] == 0


def test_burnup_counts_closures_without_a_time_so_open_matches_the_status():
    from pmanalytics import Action, Corpus, PostMortem
    from pmanalytics.metrics import burnup, open_summary

    corpus = Corpus.from_postmortems([PostMortem(id="pm", title="T", actions=[
        Action(id="a", title="A", created_at="2024-01-03T00:00Z"),
        Action(id="b", title="B", status="wont_do", created_at="2024-01-04T00:00Z"),
        Action(id="c", title="C", status="done", created_at="2024-01-05T00:00Z"),
    ])])  # fmt: skip
    table = burnup(corpus, "2024-02-15", "month")
    assert table[["created", "closed", "open"]].values.tolist()[-1] == [3, 2, 1]
    assert open_summary(corpus, "2024-02-15")["open"] == 1


# --------------------------------------------------------------------------- lifecycle twin

_BASE = datetime(2024, 1, 1, tzinfo=UTC)
_zones = st.integers(-12 * 4, 14 * 4).map(lambda q: timezone(timedelta(minutes=15 * q)))
_offsets = st.integers(0, 90 * 24 * 60)  # minutes within about three months


@st.composite
def _actions(draw, index):
    created = draw(st.none() | _offsets)
    completed = draw(st.none() | _offsets)
    if created is not None and completed is not None and completed < created:
        created, completed = completed, created

    def stamp(minutes):
        if minutes is None:
            return None
        return (_BASE + timedelta(minutes=minutes)).astimezone(draw(_zones))

    return Action(
        id=f"a{index}",
        title="A",
        status=draw(st.sampled_from(["open", "in_progress", "done", "wont_do"])),
        due=draw(st.none() | st.integers(-10, 100).map(lambda d: date(2024, 1, 1) + timedelta(d))),
        created_at=stamp(created),
        completed_at=stamp(completed),
    )


_as_ofs = st.one_of(
    st.integers(-5, 100).map(lambda d: date(2024, 1, 1) + timedelta(d)),
    st.builds(lambda m, z: (_BASE + timedelta(minutes=m)).astimezone(z), _offsets, _zones),
)


@settings(max_examples=60, deadline=None)
@given(
    actions=st.integers(1, 8).flatmap(lambda n: st.tuples(*[_actions(i) for i in range(n)])),
    as_of=_as_ofs,
)
def test_action_status_agrees_with_the_model_lifecycle(actions, as_of):
    corpus = Corpus.from_postmortems([pm("p", actions=list(actions))])
    status = m.action_status(corpus, as_of).set_index("action_id")
    for action in actions:
        state = action.state_at(as_of)
        if state is None:
            assert action.id not in status.index
            assert not action.is_overdue(as_of)
            continue
        row = status.loc[action.id]
        assert row["state"] == state
        assert bool(row["is_open"]) == action.is_open_at(as_of) == (state == "open")
        assert row["days_overdue"] == action.days_overdue(as_of)
        assert bool(row["is_overdue"]) == action.is_overdue(as_of)
        age = action.age_days(as_of)
        assert (pd.isna(row["age_days"]) and age is None) or row["age_days"] == age
    overdue = {a.id for a in pm("p", actions=list(actions)).overdue_actions(as_of)}
    assert set(m.overdue_actions(corpus, as_of)["action_id"]) == overdue


def test_the_issue_examples_give_one_answer_everywhere():
    done_late = act("a", status="done", due="2024-01-10", created_at="2024-01-02T00:00Z",
                    completed_at="2024-02-01T09:00Z")  # fmt: skip
    corpus = Corpus.from_postmortems([pm("p", actions=[done_late])])
    row = m.action_status(corpus, date(2024, 1, 20)).iloc[0]
    assert (row["state"], row["days_overdue"]) == ("open", 10)
    assert done_late.days_overdue(date(2024, 1, 20)) == 10

    due = act("b", due="2024-01-10")
    corpus = Corpus.from_postmortems([pm("p", actions=[due])])
    as_of = datetime.fromisoformat("2024-01-11T05:00+10:00")  # 10 January in UTC
    assert m.action_status(corpus, as_of).iloc[0]["days_overdue"] == 1
    assert due.days_overdue(as_of) == 1
    assert m.to_date(as_of) == date(2024, 1, 11)


def test_prevention_on_the_sample_recovers_the_planted_fixes():
    # data/sample is the demo (120 incidents, seed 7): each planted problem has one done fix;
    # the fixes of some problems end them, the others' do not (demo vocabulary: fix_works)
    from pathlib import Path

    import pmanalytics as pm
    from pmanalytics import demo
    from pmanalytics.demo import _vocabulary as vocabulary
    from pmanalytics.themes import recurring_problems

    folder = Path(__file__).resolve().parents[1] / "data" / "sample"
    corpus = pm.load(folder)
    truth = demo.read_ground_truth(folder)
    as_of = corpus.incidents["started_at"].max().date()
    rows = recurring_problems(corpus)
    table = m.action_effectiveness(corpus, as_of, recurring=rows)
    verdicts = table.set_index("theme")["verdict"]
    told_apart = 0
    for problem in vocabulary.PROBLEMS:
        mine = set(truth.loc[truth["problem_id"] == problem.id, "incident_id"])
        overlap = rows["incident_ids"].map(lambda ids, mine=mine: len(mine & set(ids)))
        verdict = verdicts[rows.loc[overlap.idxmax(), "theme"]]
        if problem.fix_works:
            assert verdict == "worked", problem.id
        else:
            assert verdict != "worked", problem.id
            told_apart += verdict == "no sign it worked"
    assert told_apart >= 2
    shares = m.prevention(corpus, as_of, recurring=rows)["recurrence_share"].dropna()
    assert shares.nunique() > 1  # not the same share for every kind
