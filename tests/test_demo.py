"""The demo corpus generator: realistic, deterministic, with a separate ground truth."""

from __future__ import annotations

import importlib.util
import re
import statistics
from collections import Counter
from datetime import UTC, date, datetime, time
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd
import pytest

import pmanalytics as pm
from pmanalytics import demo

DATA = Path(__file__).resolve().parent.parent / "data"
SERVICES = {
    "checkout-api",
    "payments",
    "search",
    "auth",
    "notifications",
    "inventory",
    "web-frontend",
    "data-pipeline",
}


@pytest.fixture(scope="module")
def corpus() -> demo.DemoCorpus:
    return demo.generate(300, seed=11)


def _end_of(corpus: demo.DemoCorpus) -> datetime:
    return datetime.combine(corpus.end, time(23, 59), UTC)


# --------------------------------------------------------------------------- determinism


def test_same_parameters_give_the_same_corpus() -> None:
    first, second = demo.generate(40, seed=3), demo.generate(40, seed=3)
    assert first == second
    assert [pm.dumps(p) for p in first.postmortems] == [pm.dumps(p) for p in second.postmortems]
    pd.testing.assert_frame_equal(first.ground_truth, second.ground_truth)


def test_a_different_seed_gives_a_different_corpus() -> None:
    first, second = demo.generate(40, seed=3), demo.generate(40, seed=4)
    assert first != second
    assert {p.id for p in first.postmortems} != {p.id for p in second.postmortems}
    assert first.postmortems[0].summary != second.postmortems[0].summary


def test_written_files_are_byte_identical_across_runs_and_process_counts(tmp_path: Path) -> None:
    one = demo.write_corpus(tmp_path / "one", 45, seed=5, workers=1)
    two = demo.write_corpus(tmp_path / "two", 45, seed=5, workers=1)
    parallel = demo.write_corpus(tmp_path / "parallel", 45, seed=5, workers=2)
    pickled = demo.generate(45, seed=5).write(tmp_path / "pickled", workers=2)
    names = sorted(p.name for p in one.iterdir())
    assert len(names) == 46
    for other in (two, parallel, pickled):
        assert sorted(p.name for p in other.iterdir()) == names
        for name in names:
            assert (other / name).read_bytes() == (one / name).read_bytes(), name


# --------------------------------------------------------------------------- the window


def test_default_window_is_two_years_ending_2026_10_31(corpus: demo.DemoCorpus) -> None:
    assert corpus.end == date(2026, 10, 31)
    assert corpus.start == date(2024, 11, 1)
    starts = [p.started_at for p in corpus.postmortems]
    assert starts == sorted(starts)
    assert min(starts).date() >= corpus.start
    assert max(starts).date() <= corpus.end
    assert (max(starts) - min(starts)).days > 650  # spread over the whole two years


def test_start_moves_the_window() -> None:
    moved = demo.generate(30, seed=1, start=date(2020, 3, 1))
    assert (moved.start, moved.end) == (date(2020, 3, 1), date(2022, 2, 28))
    assert all(date(2020, 3, 1) <= p.started_at.date() <= moved.end for p in moved.postmortems)


def test_nothing_happens_after_the_end_of_the_window(corpus: demo.DemoCorpus) -> None:
    end = _end_of(corpus)
    for p in corpus.postmortems:
        moments = [p.started_at, p.detected_at, p.mitigated_at, p.resolved_at]
        moments += [e.at for e in p.timeline] + [i.created_at for i in p.items]
        moments += [a.created_at for a in p.actions] + [a.completed_at for a in p.actions]
        assert all(m is None or m <= end for m in moments), p.id
        assert p.review.held_on is None or p.review.held_on <= corpus.end


# --------------------------------------------------------------------------- incidents


def test_ids_are_unique_dated_slugs(corpus: demo.DemoCorpus) -> None:
    ids = [p.id for p in corpus.postmortems]
    assert len(set(ids)) == len(ids)
    services = "|".join(sorted(SERVICES))
    for number, p in enumerate(corpus.postmortems, start=1):
        assert re.fullmatch(rf"\d{{4}}-\d\d-\d\d-({services})-[a-z-]+-\d{{4}}", p.id), p.id
        assert p.id.startswith(p.started_at.strftime("%Y-%m-%d"))
        assert p.id.endswith(f"-{number:04d}")
        assert p.services[0] in p.id


def test_services_teams_and_severity_mix(corpus: demo.DemoCorpus) -> None:
    postmortems = corpus.postmortems
    assert {s for p in postmortems for s in p.services} == SERVICES
    assert len({t for p in postmortems for t in p.teams}) == 6
    severities = Counter(p.severity.label for p in postmortems if p.severity)
    assert set(severities) == {"SEV1", "SEV2", "SEV3", "SEV4"}
    assert severities["SEV1"] < severities["SEV2"] < severities["SEV3"] < severities["SEV4"]
    assert all(p.severity and p.severity.rank == int(p.severity.label[3]) for p in postmortems)


def test_status_mix_is_mostly_reviewed_and_recent_ones_are_open(corpus: demo.DemoCorpus) -> None:
    statuses = Counter(p.status for p in corpus.postmortems)
    assert set(statuses) == {"draft", "in_review", "reviewed", "closed"}
    assert statuses["reviewed"] + statuses["closed"] > 0.8 * len(corpus.postmortems)
    recent = [p for p in corpus.postmortems if (corpus.end - p.started_at.date()).days < 5]
    assert recent and all(p.status in ("draft", "in_review") for p in recent)
    for p in corpus.postmortems:
        if p.review.held_on is None:
            assert p.status == "draft"


def test_times_are_ordered_and_heavy_tailed(corpus: demo.DemoCorpus) -> None:
    for p in corpus.postmortems:
        assert p.started_at < p.detected_at <= p.mitigated_at <= p.resolved_at  # type: ignore[operator]
    minutes = {
        name: [getattr(p, name).total_seconds() / 60 for p in corpus.postmortems]
        for name in ("time_to_detect", "time_to_resolve")
    }
    detect, resolve = minutes["time_to_detect"], minutes["time_to_resolve"]
    assert 5 <= statistics.median(detect) <= 20
    assert max(detect) > 120  # a long tail to hours
    assert 45 <= statistics.median(resolve) <= 180
    assert max(resolve) > 24 * 60  # ... and to days
    assert np.percentile(resolve, 90) / statistics.median(resolve) > 3


def test_impact_timeline_participants_and_review(corpus: demo.DemoCorpus) -> None:
    for p in corpus.postmortems:
        assert p.summary and p.impact.text and p.impact.minutes is not None
        assert p.impact.customers_affected is not None
        kinds = [e.kind for e in p.timeline]
        for kind in ("trigger", "detection", "mitigation", "resolution"):
            assert kind in kinds, p.id
        assert [e.at for e in p.timeline] == sorted(e.at for e in p.timeline)
        roles = Counter(x.role for x in p.participants)
        assert roles["facilitator"] == 1 and roles["responder"] >= 2
        facilitator = next(x.name for x in p.participants if x.role == "facilitator")
        assert p.review.facilitator == facilitator
        if p.status != "draft":
            assert p.review.held_on is not None and p.resolved_at is not None
            assert 1 <= (p.review.held_on - p.resolved_at.date()).days <= 16
            assert p.review.duration_minutes is not None
            assert 45 <= p.review.duration_minutes <= 90
    kinds = Counter(e.kind for p in corpus.postmortems for e in p.timeline)
    assert kinds["escalation"] > 0 and kinds["communication"] > 0


# --------------------------------------------------------------------------- items and actions


def test_items_cover_the_four_sections_with_authors_votes_and_themes(
    corpus: demo.DemoCorpus,
) -> None:
    items = [i for p in corpus.postmortems for i in p.items]
    for p in corpus.postmortems:
        assert 10 <= len(p.items) <= 60, p.id
        assert {i.section for i in p.items} == set(pm.ITEM_SECTIONS) - {"other"}
        assert all(i.created_at is not None for i in p.items)
        if p.status == "draft":
            assert not p.themes and all(i.votes == 0 for i in p.items)
        else:
            assert 2 <= len(p.themes) <= 5, p.id
            assert all(p.theme_item_ids(t.id) for t in p.themes)
            if p.status in ("reviewed", "closed"):
                assert sorted(t.rank or 0 for t in p.themes) == list(range(1, len(p.themes) + 1))
    anonymous = sum(i.author is None for i in items) / len(items)
    assert 0.05 < anonymous < 0.3
    assert sum(i.votes > 0 for i in items) > len(items) / 4
    assert len({i.text for i in items}) > len(items) / 4  # background text is diverse


def test_actions_have_owners_due_dates_and_a_realistic_status_mix(
    corpus: demo.DemoCorpus,
) -> None:
    actions = [a for p in corpus.postmortems for a in p.actions]
    assert all(2 <= len(p.actions) <= 10 for p in corpus.postmortems)
    assert all(a.owner and a.due and a.kind and a.priority and a.created_at for a in actions)
    statuses = Counter(a.status for a in actions)
    assert set(statuses) == set(pm.ACTION_STATUSES)
    assert statuses["done"] > len(actions) / 3
    for a in actions:
        assert (a.completed_at is not None) == (a.status == "done")
        if a.completed_at is not None:
            assert a.created_at is not None and a.completed_at > a.created_at
    overdue = [a for p in corpus.postmortems for a in p.overdue_actions(corpus.end)]
    assert 0.05 * len(actions) < len(overdue) < 0.5 * len(actions)
    targets = Counter(
        "theme" if a.addresses.startswith("t-") else "item"
        for a in actions
        if a.addresses is not None
    )
    assert targets["theme"] > 0 and targets["item"] > 0


# --------------------------------------------------------------------------- planted problems


def test_ground_truth_names_planted_items_in_several_incidents(corpus: demo.DemoCorpus) -> None:
    truth = corpus.ground_truth
    assert tuple(truth.columns) == demo.GROUND_TRUTH_COLUMNS
    assert 5 <= len(demo.PROBLEMS) <= 8
    assert set(truth["problem_id"]) == {pid for pid, _ in demo.PROBLEMS}
    assert dict(zip(truth["problem_id"], truth["problem_label"], strict=False)) == dict(
        demo.PROBLEMS
    )
    items = {(p.id, i.id): i for p in corpus.postmortems for i in p.items}
    for row in truth.itertuples():
        assert items[(row.incident_id, row.item_id)].section == row.section
    for _, group in truth.groupby("problem_id"):
        share = group["incident_id"].nunique() / len(corpus.postmortems)
        assert 0.04 <= share <= 0.15
        ongoing = group[group["section"] == "ongoing_problem"]
        assert set(ongoing["incident_id"]) == set(group["incident_id"])  # in every one
    problems = corpus.problems
    assert list(problems["problem_id"]) == [pid for pid, _ in demo.PROBLEMS]
    assert (problems["incidents"] >= 2).all()


def test_planted_problems_are_worded_differently_every_time(corpus: demo.DemoCorpus) -> None:
    texts = {(p.id, i.id): i.text for p in corpus.postmortems for i in p.items}
    truth = corpus.ground_truth.assign(
        text=[
            texts[key]
            for key in zip(
                corpus.ground_truth.incident_id, corpus.ground_truth.item_id, strict=True
            )
        ]
    )
    for problem_id, group in truth.groupby("problem_id"):
        assert group["text"].nunique() >= 0.8 * len(group), problem_id
        assert group["text"].value_counts().iloc[0] <= 3, problem_id


def test_planted_problems_are_recoverable_by_tfidf_clustering(corpus: demo.DemoCorpus) -> None:
    # Every ongoing problem, planted or not: the background is the realistic noise.
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics import adjusted_rand_score

    rows = [
        (p.id, i.id, i.text)
        for p in corpus.postmortems
        for i in p.items
        if i.section == "ongoing_problem"
    ]
    truth = corpus.ground_truth
    planted = dict(
        zip(zip(truth.incident_id, truth.item_id, strict=True), truth.problem_id, strict=True)
    )
    vectors = TfidfVectorizer(stop_words="english", sublinear_tf=True, min_df=2)
    matrix = vectors.fit_transform([text for *_, text in rows]).toarray()
    labels = AgglomerativeClustering(
        n_clusters=None, metric="cosine", linkage="average", distance_threshold=0.9
    ).fit_predict(matrix)
    keep = [n for n, (incident, item, _) in enumerate(rows) if (incident, item) in planted]
    expected = [planted[rows[n][0], rows[n][1]] for n in keep]
    assert adjusted_rand_score(expected, [labels[n] for n in keep]) >= 0.8


def test_no_post_mortem_gives_the_ground_truth_away(tmp_path: Path) -> None:
    folder = demo.write_corpus(tmp_path, 80, seed=2)
    names = {p.name for p in folder.iterdir()}
    assert demo.GROUND_TRUTH_FILE in names and not demo.GROUND_TRUTH_FILE.endswith(".md")
    secrets = [s.casefold() for pair in demo.PROBLEMS for s in pair] + ["recurring-", "planted"]
    for path in folder.glob("*.md"):
        text = path.read_text(encoding="utf-8").casefold()
        assert not [s for s in secrets if s in text], path.name
        assert pm.read(path).extra == {}


# --------------------------------------------------------------------------- files


def test_every_written_file_reads_back_equal(tmp_path: Path) -> None:
    corpus = demo.generate(30, seed=9)
    folder = corpus.write(tmp_path / "out", progress=False)
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [f"{p.id}.md" for p in corpus.postmortems] + [demo.GROUND_TRUTH_FILE]
    )
    for original in corpus.postmortems:
        assert pm.read(folder / f"{original.id}.md") == original
    assert demo.read_ground_truth(folder).equals(corpus.ground_truth)


def test_progress_bar_is_shown_only_when_asked_or_for_large_corpora(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    demo.write_corpus(tmp_path / "quiet", 5, seed=1)
    assert capsys.readouterr().err == ""
    demo.write_corpus(tmp_path / "loud", 5, seed=1, progress=True)
    assert "writing post-mortems" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: demo.generate(-1, 1), "'n_incidents' must be an int >= 1, got -1"),
        (lambda: demo.generate(0, 1), "'n_incidents' must be an int >= 1, got 0"),
        (lambda: demo.generate(2.5, 1), "'n_incidents' must be an int >= 1, got 2.5"),
        (lambda: demo.generate(True, 1), "'n_incidents' must be an int >= 1, got True"),
        (lambda: demo.generate(5, -3), "'seed' must be an int >= 0, got -3"),
        (lambda: demo.generate(5, "7"), "'seed' must be an int >= 0, got '7'"),
        (
            lambda: demo.generate(5, 1, start="2024-01-01"),
            "'start' must be a date (not a datetime), got '2024-01-01'",
        ),
        (
            lambda: demo.generate(5, 1, start=datetime(2024, 1, 1)),
            "'start' must be a date (not a datetime), got datetime.datetime(2024, 1, 1, 0, 0)",
        ),
        (
            lambda: demo.write_corpus(None, 5, 1),
            "'out_folder' must be a path to a folder, got None",
        ),
        (
            lambda: demo.write_corpus("x", 5, 1, progress="yes"),
            "'progress' must be True or False, got 'yes'",
        ),
        (
            lambda: demo.write_corpus("x", 5, 1, workers=0),
            "'workers' must be an int >= 1, got 0",
        ),
    ],
)
def test_invalid_parameters_are_named_with_their_value(call, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError) as caught:
        call()
    assert str(caught.value) == message
    assert isinstance(caught.value, pm.PMError)


def test_out_folder_must_not_be_a_file(tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.write_text("hello")
    with pytest.raises(ValueError, match=r"'out_folder' must be a folder, got the file '.*taken'"):
        demo.write_corpus(target, 3, seed=1)


# --------------------------------------------------------------------------- vocabulary


def test_the_vocabulary_is_read_from_package_data() -> None:
    from importlib import resources

    import yaml

    from pmanalytics.demo import _vocabulary

    data = resources.files("pmanalytics.demo").joinpath(_vocabulary.VOCABULARY_FILE)
    assert data.is_file()
    raw = yaml.safe_load(data.read_text(encoding="utf-8"))
    assert _vocabulary.load_vocabulary() == raw
    assert tuple((p["id"], p["label"]) for p in raw["problems"]) == demo.PROBLEMS
    assert [s.key for s in _vocabulary.SCENARIOS] == [s["key"] for s in raw["scenarios"]]
    assert {slot: tuple(words) for slot, words in raw["fill"].items()} == _vocabulary.FILL
    assert _vocabulary.BACKGROUND["went_well"][0] == tuple(raw["background"]["went_well"][0])
    # ... and not from Python literals: no phrase of it is written in the package's code.
    code = "\n".join(
        path.read_text(encoding="utf-8") for path in (Path(demo.__file__).parent).glob("*.py")
    )
    for problem in raw["problems"]:
        assert problem["label"] not in code and problem["ongoing"][0] not in code


# --------------------------------------------------------------------------- data/


def _regenerate_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("regenerate", DATA / "regenerate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_sample_equals_a_fresh_generation() -> None:
    script = _regenerate_script()
    corpus = demo.generate(script.SAMPLE_INCIDENTS, script.SAMPLE_SEED)
    sample = DATA / "sample"
    assert sample == script.SAMPLE_FOLDER
    assert sorted(p.name for p in sample.iterdir()) == sorted(
        [f"{p.id}.md" for p in corpus.postmortems] + [demo.GROUND_TRUTH_FILE]
    ), "data/sample is stale: run `.venv/bin/python data/regenerate.py`"
    for p in corpus.postmortems:
        assert (sample / f"{p.id}.md").read_text(encoding="utf-8") == pm.dumps(p), p.id
    truth = (sample / demo.GROUND_TRUTH_FILE).read_text(encoding="utf-8")
    assert truth == corpus.ground_truth_csv()


@pytest.mark.parametrize("folder", ["sample", "handwritten"])
def test_every_data_file_reads_cleanly(folder: str) -> None:
    paths = sorted((DATA / folder).glob("*.md"))
    assert paths
    for path in paths:
        assert pm.read(path).id == path.stem


def test_handwritten_postmortems_follow_the_template() -> None:
    paths = sorted((DATA / "handwritten").glob("*.md"))
    assert len(paths) == 3
    for path in paths:
        text = path.read_text(encoding="utf-8")
        for heading in (
            "What happened",
            "Impact",
            "What went well",
            "Lessons learned",
            "Future considerations",
            "What is an ongoing problem",
        ):
            assert f"\n## {heading}\n" in text, (path.name, heading)
        p = pm.read(path)
        assert p.summary and p.impact.text and p.severity and p.services and p.teams
        assert p.started_at and p.detected_at and p.mitigated_at and p.resolved_at
        assert len(p.timeline) >= 5
        assert [x.role for x in p.participants].count("facilitator") == 1
        assert p.review.held_on and p.review.facilitator and p.review.duration_minutes
        assert {i.section for i in p.items} == set(pm.ITEM_SECTIONS) - {"other"}
        assert p.themes and all(p.theme_item_ids(t.id) for t in p.themes)
        assert p.actions and all(a.owner and a.due for a in p.actions)
        assert pm.loads(pm.dumps(p)) == p
