"""The dashboard: pure computation, widgets driven by setting values, and the HTML export."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from plotly.offline import get_plotlyjs

from pmanalytics import Action, Corpus, PMError, PostMortem, metrics as m, plots
from pmanalytics.dashboard import (
    FIGURES,
    Dashboard,
    build_figures,
    compute,
    options,
    overdue_table,
    serve as serve_module,
)

AS_OF = date(2024, 6, 30)


@pytest.fixture(scope="module")
def corpus():
    postmortems = []
    for n in range(8):
        postmortems.append(
            PostMortem(
                id=f"pm-{n}", title=f"Incident {n} <script>alert(1)</script>",
                severity={"label": f"SEV{1 + n % 2}", "rank": 1 + n % 2},
                services=["api" if n < 5 else "db"], teams=["sre" if n % 2 else "web"],
                started_at=f"2024-0{1 + n % 4}-10T00:00Z",
                resolved_at=f"2024-0{1 + n % 4}-10T03:00Z",
                actions=[Action(id="a", title="Alert <b>now</b>", owner="ana", due="2024-03-01",
                                created_at=f"2024-0{1 + n % 4}-11T00:00Z")],
            )
        )  # fmt: skip
    return Corpus.from_postmortems(postmortems)


def _spec(chart):
    """The figure a chart widget holds (the JSON inside its inert script element)."""
    match = re.fullmatch(r'<script type="application/json" class="pm-plot-spec"[^>]*>(.*)</script>',
                         chart.value, flags=re.S)  # fmt: skip
    return json.loads(match.group(1))


def _trace_names(chart):
    return [trace.get("name") for trace in _spec(chart)["data"]]


def test_compute_is_the_metrics_of_the_filtered_corpus(corpus):
    filters = m.Filters(services=("db",))
    data = compute(corpus, AS_OF, filters)
    part = m.filter_corpus(corpus, filters)
    assert data.summary["incidents"] == 3
    assert data.summary["overdue"] == m.open_summary(part, AS_OF)["overdue"] == 3
    assert data.frames["trend"].equals(m.incident_counts(part, "month", "severity"))
    assert sorted(build_figures(data)) == sorted(FIGURES)


def test_options_list_the_choices(corpus):
    choice = options(corpus)
    assert choice["services"] == ["api", "db"]
    assert choice["severities"] == ["SEV1", "SEV2"]
    assert (choice["start"], choice["end"]) == (date(2024, 1, 10), date(2024, 4, 10))


def test_changing_a_filter_updates_every_figure_in_place(corpus):
    board = Dashboard(corpus, as_of=AS_OF)
    charts_before = {name: id(chart) for name, chart in board.charts.items()}
    first = {name: chart.value for name, chart in board.charts.items()}
    assert board.summary.value.startswith("8 incidents")
    assert _trace_names(board.charts["trend"]) == ["SEV1", "SEV2"]
    colour = {t["name"]: t["marker"]["color"] for t in _spec(board.charts["trend"])["data"]}

    board.severities.value = ("SEV2",)  # the observer runs the handler
    assert board.summary.value.startswith("4 incidents")
    assert _trace_names(board.charts["trend"]) == ["SEV2"]
    (sev2,) = _spec(board.charts["trend"])["data"]
    assert sev2["marker"]["color"] == colour["SEV2"]  # SEV2 keeps its colour without SEV1
    assert len(sev2["x"]) == 4  # the whole time range stays: Jan to Apr 2024
    for name, chart in board.charts.items():
        assert id(chart) == charts_before[name]  # same widget, new content
        assert chart.value != first[name] or name == "survival"

    board.services.value = ("db",)
    assert board.filters == m.Filters(services=("db",), severities=("SEV2",))
    assert board.summary.value.startswith("2 incidents")

    board._on_reset()
    assert board.filters == m.Filters()
    assert board.summary.value.startswith("8 incidents")


def test_the_date_range_filters_and_a_reversed_range_is_reported(corpus):
    board = Dashboard(corpus, as_of=AS_OF)
    board.start.value = date(2024, 3, 1)
    assert board.summary.value.startswith("4 incidents")
    board.end.value = date(2024, 2, 1)
    assert "start date is after the end date" in board.summary.value
    assert board.data.summary["incidents"] == 4  # the last valid view stays


def test_widgets_hold_only_serialisable_state(corpus):
    board = Dashboard(corpus, as_of=AS_OF)
    for chart in board.charts.values():
        json.dumps(_spec(chart))
    state = board.widget.get_state()
    json.dumps({k: v for k, v in state.items() if k != "children"})


def test_user_text_is_escaped_in_the_widgets(corpus):
    board = Dashboard(corpus, as_of=AS_OF)
    assert "<b>now</b>" not in board.overdue_table.value
    assert "Alert &lt;b&gt;now&lt;/b&gt;" in board.overdue_table.value


def test_the_widget_and_the_export_render_the_same_overdue_table(corpus, tmp_path):
    board = Dashboard(corpus, as_of=AS_OF)
    board.services.value = ("db",)
    assert board.overdue_table.value == overdue_table(board.data, limit=15)
    page = board.to_html(tmp_path / "report.html").read_text(encoding="utf-8")
    assert overdue_table(board.data) in page
    assert board.data.frames["overdue"]["incident_id"].tolist() == ["pm-5", "pm-6", "pm-7"]


def test_to_html_is_one_self_contained_file(corpus, tmp_path):
    board = Dashboard(corpus, as_of=AS_OF)
    board.services.value = ("db",)
    path = board.to_html(tmp_path / "report.html")
    text = path.read_text(encoding="utf-8")
    assert text.count(get_plotlyjs()[:300]) == 1
    assert text.count('class="pm-plot-spec"') == len(FIGURES)
    assert "<script>alert(1)</script>" not in text
    assert "http://" not in text.replace(get_plotlyjs(), "")  # no URL outside plotly.js
    assert "https://" not in text.replace(get_plotlyjs(), "")
    assert "services: db" in text
    assert "3 incidents" in text
    assert path.stat().st_size < 8_000_000


def test_an_empty_filter_result_says_so_in_every_chart_and_counts_are_singular(corpus):
    board = Dashboard(corpus, as_of=AS_OF)
    board.services.value = ("db",)
    board.teams.value = ("web",)
    board.severities.value = ("SEV2",)
    assert board.summary.value.startswith("0 incidents · 0 actions")
    for name, chart in board.charts.items():
        spec = _spec(chart)
        assert spec["data"] == [], name
        assert [a["text"] for a in spec["layout"]["annotations"]] == [plots.EMPTY[name]], name
    board.severities.value = ()
    assert board.summary.value.startswith("1 incident · 1 action · 1 open · 1 overdue")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"corpus": "data/sample"}, "'corpus' must be a Corpus, got str"),
        ({"as_of": "next week"}, "'as_of' must be a date (YYYY-MM-DD), got 'next week'"),
        ({"freq": "daily"}, "'freq' must be one of week, month, quarter, got 'daily'"),
    ],
)
def test_bad_parameters_raise(corpus, kwargs, message):
    arguments = {"corpus": corpus, "as_of": AS_OF, **kwargs}
    with pytest.raises(PMError) as raised:
        Dashboard(arguments.pop("corpus"), **arguments)
    assert message in str(raised.value)


def test_the_dashboard_notebook_takes_its_folder_and_date_from_one_parameters_cell(tmp_path):
    source = serve_module.find_notebook()
    tagged = [c for c in source["cells"] if "parameters" in c["metadata"].get("tags", [])]
    assert len(tagged) == 1 and "DATA =" in "".join(tagged[0]["source"])
    path = serve_module.write_parametrised(tmp_path, tmp_path / "pms", date(2025, 1, 2))
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    where = next(i for i, c in enumerate(cells) if "parameters" in c["metadata"].get("tags", []))
    injected = cells[where + 1]
    assert injected["metadata"]["tags"] == ["injected-parameters"]
    namespace: dict[str, object] = {}
    exec("".join(injected["source"]), namespace)  # the values the notebook then runs with
    assert namespace["DATA"] == str((tmp_path / "pms").resolve())
    assert namespace["AS_OF"] == "2025-01-02"
    again = serve_module.with_parameters({"cells": cells}, {"DATA": "x"})
    assert [c["metadata"].get("tags") for c in again["cells"]].count(["injected-parameters"]) == 1


def test_dashboard_serve_runs_voila_on_localhost_over_the_folder(tmp_path, monkeypatch, capsys):
    from pmanalytics.cli import main

    seen = {}

    def fake_run(command, cwd):
        seen["command"] = command
        seen["notebook"] = json.loads((cwd / serve_module.NOTEBOOK).read_text(encoding="utf-8"))
        return 0

    monkeypatch.setattr(serve_module, "_run", fake_run)
    folder = tmp_path / "pms"
    folder.mkdir()
    assert main(["dashboard", "serve", str(folder), "--as-of", "2024-05-06", "--port", "9001"]) == 0
    assert seen["command"][1:3] == ["-m", "voila"]
    assert "--Voila.ip=127.0.0.1" in seen["command"] and "--port=9001" in seen["command"]
    injected = "".join(
        next(c for c in seen["notebook"]["cells"] if c["id"] == "injected-parameters")["source"]
    )
    assert f"DATA = {str(folder.resolve())!r}" in injected and "AS_OF = '2024-05-06'" in injected
    assert "http://127.0.0.1:9001/" in capsys.readouterr().out
    assert main(["dashboard", "serve", str(folder), "--ip", "0.0.0.0"]) == 0
    assert "--Voila.ip=0.0.0.0" in seen["command"]
    assert main(["dashboard", "serve", str(tmp_path / "missing")]) == 1
