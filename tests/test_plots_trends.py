"""The trend and action figures carry the data they were given."""

from __future__ import annotations

import pytest

from pmanalytics import Action, Corpus, PostMortem, metrics as m, plots

AS_OF = "2024-06-30"


@pytest.fixture(scope="module")
def corpus():
    postmortems = []
    for n in range(10):
        postmortems.append(
            PostMortem(
                id=f"pm-{n}", title="T",
                severity={"label": ["SEV1", "SEV2"][n % 2], "rank": 1 + n % 2},
                services=["<b>api</b>" if n % 3 == 0 else "db"], teams=["sre"],
                started_at=f"2024-{1 + n % 5:02d}-10T00:00Z",
                detected_at=f"2024-{1 + n % 5:02d}-10T00:{5 + n:02d}Z",
                resolved_at=f"2024-{1 + n % 5:02d}-1{1 + n % 5}T00:00Z",
                actions=[
                    Action(id="a", title="A", owner=["ana", "bo"][n % 2], due="2024-03-01",
                           created_at=f"2024-{1 + n % 5:02d}-12T00:00Z"),
                    Action(id="b", title="B", owner="cy", status="done", due="2024-12-01",
                           created_at=f"2024-{1 + n % 5:02d}-12T00:00Z",
                           completed_at=f"2024-{1 + n % 5:02d}-2{n % 5}T00:00Z"),
                ],
            )
        )  # fmt: skip
    return Corpus.from_postmortems(postmortems)


def test_incident_trend_stacks_severities_with_their_counts(corpus):
    counts = m.incident_counts(corpus, "month", by="severity")
    figure = plots.incident_trend(counts)
    assert figure.layout.barmode == "stack"
    assert [t.name for t in figure.data] == ["SEV1", "SEV2"]
    assert sum(sum(t.y) for t in figure.data) == 10
    assert list(figure.data[0].x) == ["Jan 2024", "Feb 2024", "Mar 2024", "Apr 2024", "May 2024"]
    assert list(figure.data[0].y) == [1, 1, 1, 1, 1]
    assert figure.layout.yaxis.dtick == 1 and figure.layout.yaxis.tickformat == ",d"


def test_a_severity_keeps_its_colour_and_the_time_range_stays_when_filtered(corpus):
    every = m.incident_counts(corpus, "month", by="severity")
    colours = plots.severity_colours(["SEV1", "SEV2"])
    span = list(dict.fromkeys(every["period"]))
    only_sev2 = m.incident_counts(
        m.filter_corpus(corpus, m.Filters(severities=("SEV2",))), "month", by="severity"
    )
    figure = plots.incident_trend(only_sev2, periods=span, colours=colours)
    (trace,) = figure.data
    assert trace.name == "SEV2" and trace.marker.color == colours["SEV2"] != colours["SEV1"]
    assert len(trace.x) == 5 and list(figure.layout.xaxis.categoryarray) == list(trace.x)
    assert sum(trace.y) == 5  # SEV2 is every other incident of the 10


@pytest.mark.parametrize(
    ("freq", "first"), [("quarter", "2024 Q1"), ("week", "week of 2024-01-08")]
)
def test_periods_are_labelled_by_period(corpus, freq, first):
    figure = plots.incident_trend(m.incident_counts(corpus, freq, by="severity"), freq=freq)
    assert figure.data[0].x[0] == first


def test_duration_distribution_is_on_a_log_axis_with_medians_in_the_legend(corpus):
    histogram = m.duration_histogram(corpus)
    summary = m.duration_summary(corpus)
    figure = plots.duration_distribution(histogram, summary)
    assert figure.layout.xaxis.type == "log"
    names = [t.name for t in figure.data]
    assert names[0] == "detect (median 10 min, p90 13 min)"  # 5..14 minutes
    resolve = figure.data[2]
    assert sum(resolve.y[:-1]) == 10  # the last point repeats the last bin for the step
    assert list(resolve.x)[:-1] == histogram[histogram["measure"] == "resolve"]["bin_left"].tolist()


def test_burnup_has_created_completed_and_open(corpus):
    table = m.burnup(corpus, AS_OF, "month")
    figure = plots.action_burnup(table)
    created, completed, open_ = figure.data
    assert created.y[-1] == 20 and completed.y[-1] == 10 and open_.y[-1] == 10
    assert list(created.y) == table["created"].tolist()


def test_overdue_by_owner_and_team(corpus):
    owners = m.owner_load(corpus, AS_OF, "owner")
    teams = m.owner_load(corpus, AS_OF, "team")
    figure = plots.overdue_by_owner_team(owners, teams)
    overdue_by_owner = dict(zip(figure.data[0].y, figure.data[0].x, strict=True))
    assert overdue_by_owner == {"ana": 5, "bo": 5}
    assert list(figure.data[2].y) == ["sre"] and list(figure.data[2].x) == [10]
    assert figure.data[0].xaxis == "x" and figure.data[2].xaxis == "x2"


def test_survival_curve_is_a_step_line_from_one(corpus):
    curve = m.time_to_close_survival(corpus, AS_OF)
    figure = plots.time_to_close_curve(curve)
    line = next(t for t in figure.data if t.name == "all")
    assert line.line.shape == "hv"
    assert line.y[0] == 1.0
    assert list(line.y) == curve["still_open"].tolist()
    assert figure.layout.yaxis.tickformat == ".0%"


def test_heatmap_carries_the_matrix_and_escapes_names(corpus):
    matrix = m.service_period_matrix(corpus, "month")
    figure = plots.service_heatmap(matrix)
    trace = figure.data[0]
    assert list(trace.y) == ["db", "&lt;b&gt;api&lt;/b&gt;"]
    assert [list(row) for row in trace.z] == matrix.to_numpy().tolist()
    assert list(trace.x) == ["2024-01", "2024-02", "2024-03", "2024-04", "2024-05"]


def _message(figure):
    return " ".join(a.text for a in figure.layout.annotations)


def test_empty_frames_give_an_empty_state_with_a_message():
    """No data: no traces, no axes from -1 to 6, and a sentence saying why (was blank axes)."""
    empty = Corpus()
    figures = {
        "trend": plots.incident_trend(m.incident_counts(empty, by="severity")),
        "durations": plots.duration_distribution(m.duration_histogram(empty)),
        "heatmap": plots.service_heatmap(m.service_period_matrix(empty)),
        "burnup": plots.action_burnup(m.burnup(empty, AS_OF)),
        "overdue": plots.overdue_by_owner_team(
            m.owner_load(empty, AS_OF, "owner"), m.owner_load(empty, AS_OF, "team")
        ),
        "survival": plots.time_to_close_curve(m.time_to_close_survival(empty, AS_OF)),
    }
    for name, figure in figures.items():
        assert figure.data == (), name
        assert _message(figure) == plots.EMPTY[name], name
        assert figure.layout.xaxis.visible is False, name
