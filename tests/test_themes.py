"""Themes: suggestions in a session, recurring problems across incidents, quality on the demo."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

import pmanalytics as pm
from pmanalytics import demo, plots
from pmanalytics.themes import (
    RECURRING_COLUMNS,
    ThemeError,
    ThemeSuggester,
    ThemeSuggestion,
    accept_theme,
    merge_themes,
    recurring_problems,
    rename_theme,
    similar_incidents,
    split_theme,
    suggest_themes,
)

DNS = [
    "DNS lookups time out in the cluster",
    "Intermittent DNS lookups timeouts on busy nodes",
    "DNS lookups stall between pods in the cluster",
    "DNS lookups hang whenever traffic spikes",
]
DISK = [
    "The debug logs filled the root disk again",
    "Debug logs fill the root disk",
    "Root disk full because debug logs are not rotated",
]
OTHER = ["The coffee machine on floor three is broken"]


# --------------------------------------------------------------------------- quality (demo)


@pytest.fixture(scope="module", params=[1, 2])
def planted(request: pytest.FixtureRequest) -> tuple[demo.DemoCorpus, pm.Corpus]:
    generated = demo.generate(300, seed=request.param)
    return generated, pm.Corpus.from_postmortems(generated.postmortems)


def test_planted_problems_are_found_with_ari_at_least_0_8(
    planted: tuple[demo.DemoCorpus, pm.Corpus],
) -> None:
    generated, corpus = planted
    items = corpus.items[corpus.items["section"] == "ongoing_problem"]
    stop = {w for s in corpus.incidents["services"] for name in s for w in name.split("-")}
    labels = ThemeSuggester(stop_words=stop).fit_predict([str(t) for t in items["text"]])
    truth = generated.ground_truth
    planted_of = dict(
        zip(zip(truth.incident_id, truth.item_id, strict=True), truth.problem_id, strict=True)
    )
    keys = list(zip(items["incident_id"], items["item_id"], strict=True))
    keep = [n for n, key in enumerate(keys) if key in planted_of]
    assert adjusted_rand_score([planted_of[keys[n]] for n in keep], labels[keep]) >= 0.8


def test_every_planted_problem_is_one_recurring_theme_with_the_right_incident_count(
    planted: tuple[demo.DemoCorpus, pm.Corpus],
) -> None:
    generated, corpus = planted
    table = recurring_problems(corpus)
    truth = generated.ground_truth
    for problem_id, expected in generated.problems.set_index("problem_id")["incidents"].items():
        incidents = set(truth.loc[truth["problem_id"] == problem_id, "incident_id"])
        overlap = table["incident_ids"].map(lambda ids, mine=incidents: len(mine & set(ids)))
        best = table.loc[overlap.idxmax()]
        assert overlap.max() >= 0.9 * expected, problem_id
        assert abs(best["incidents"] - expected) <= 0.1 * expected, (problem_id, best["label"])
        assert best["actions"], problem_id  # the demo plants actions addressing them


# --------------------------------------------------------------------------- estimator


def test_estimator_follows_scikit_learn_conventions() -> None:
    model = ThemeSuggester(n_themes=2, random_state=3, stop_words=["x"])
    assert model.get_params()["n_themes"] == 2 and model.stop_words == ["x"]
    assert not hasattr(model, "labels_")
    labels = model.fit_predict(DNS + DISK + OTHER)
    assert model.n_themes_ == 2 and len(model.themes_) == 2
    assert set(labels[:4]) == {labels[0]} and set(labels[4:7]) == {labels[4]}
    assert labels[0] != labels[4]
    again = ThemeSuggester(n_themes=2, random_state=3, stop_words=["x"]).fit_predict(
        DNS + DISK + OTHER
    )
    assert labels.tolist() == again.tolist()
    with pytest.raises(ThemeError, match="n_themes"):
        ThemeSuggester(n_themes=0).fit(DNS)
    with pytest.raises(ThemeError, match="not fitted"):
        ThemeSuggester().predict(DNS)


@pytest.mark.parametrize(
    "check",
    [
        "check_estimator_cloneable",
        "check_estimator_tags_renamed",
        "check_valid_tag_types",
        "check_estimator_repr",
        "check_no_attributes_set_in_init",
        "check_parameters_default_constructible",
        "check_get_params_invariance",
        "check_set_params",
        "check_do_not_raise_errors_in_init_or_set_params",
        "check_mixin_order",
    ],
)
def test_estimator_passes_scikit_learns_api_checks(check: str) -> None:
    # check_estimator itself feeds numeric arrays; these are its checks that need no fit.
    from sklearn.utils import estimator_checks

    getattr(estimator_checks, check)("ThemeSuggester", ThemeSuggester(n_themes=2))


def test_fit_keeps_parameters_and_sets_only_trailing_underscore_attributes() -> None:
    from sklearn.base import clone

    model = ThemeSuggester(n_themes=2, stop_words=("x",), random_state=3)
    before, attributes = model.get_params(), set(vars(model))
    assert model.fit(DNS + DISK + OTHER) is model
    assert model.get_params() == before
    added = set(vars(model)) - attributes
    assert added and all(name.endswith("_") for name in added)
    fresh = clone(model)
    assert fresh.get_params() == before and not hasattr(fresh, "labels_")
    with pytest.raises(ThemeError, match="unknown parameter 'n_clusters'"):
        model.set_params(n_clusters=3)


def test_a_note_that_fits_no_theme_stays_unassigned() -> None:
    model = ThemeSuggester().fit(DNS + DISK + OTHER)
    assert model.labels_[-1] == -1
    assert np.isnan(model.similarity_[-1])
    assert (
        model.predict(["DNS lookups time out on every node", "Quarterly budget review"]).tolist()[1]
        == -1
    )


def test_each_theme_is_explained() -> None:
    model = ThemeSuggester().fit(DNS + DISK + OTHER)
    dns = model.themes_.iloc[0]
    assert dns["size"] == 4 and "dns" in dns["label"].lower()
    assert any("dns" in keyword for keyword in dns["keywords"])
    assert len(dns["representative"]) == 3 and set(dns["representative"]) <= {0, 1, 2, 3}
    assert 0.0 < dns["cohesion"] <= 1.0


def test_stop_list_keeps_boilerplate_out_of_labels() -> None:
    notes = [f"Customers of the service saw the incident: {text}" for text in DNS + DISK]
    labels = " ".join(ThemeSuggester().fit(notes).themes_["label"])
    assert not {"customers", "service", "incident"} & set(labels.replace(",", " ").split())


def test_the_number_of_themes_is_chosen_by_silhouette() -> None:
    model = ThemeSuggester().fit(DNS + DISK + OTHER)
    assert model.silhouettes_ and model.distance_threshold_ in model.silhouettes_
    assert model.n_themes_ == 2


class FakeEncoder:
    """A stand-in for sentence-transformers: a bag of three topic words."""

    def encode(self, sentences: list[str]) -> np.ndarray:
        topics = ("dns", "disk", "coffee")
        return np.array([[float(topic in s.lower()) + 0.01 for topic in topics] for s in sentences])


def test_an_embedding_backend_can_replace_tfidf() -> None:
    model = ThemeSuggester(embedder=FakeEncoder()).fit(DNS + DISK + OTHER)
    assert model.labels_[:4].tolist() == [0] * 4 and model.labels_[4:7].tolist() == [1] * 3
    assert any("dns" in k for k in model.themes_.iloc[0]["keywords"])  # still from TF-IDF


def test_a_missing_local_model_is_a_clear_error() -> None:
    with pytest.raises(ThemeError, match="embedder"):
        ThemeSuggester(embedder="/no/such/model").fit(DNS)


# --------------------------------------------------------------------------- session


def test_suggest_themes_contract_with_strings_and_items() -> None:
    suggestions = suggest_themes(DNS + DISK + OTHER)
    assert [s.item_ids for s in suggestions] == [("0", "1", "2", "3"), ("4", "5", "6")]
    first = suggestions[0]
    assert isinstance(first, ThemeSuggestion) and first.label and first.keywords
    assert set(first.representative) <= set(DNS) and len(first.representative) == 3
    assert 0 < first.cohesion <= 1
    items = [
        pm.Item(id=f"i-{n}", section="ongoing_problem", text=text)
        for n, text in enumerate(DNS + DISK + OTHER)
    ]
    assert [s.item_ids[0] for s in suggest_themes(items)] == ["i-0", "i-4"]
    assert len(suggest_themes(DNS + DISK + OTHER, n_themes=1)) == 1


def test_facilitator_edits_return_new_lists() -> None:
    suggestions = suggest_themes(DNS + DISK + OTHER)
    accepted = accept_theme(suggestions, 1)
    assert accepted[1].accepted and not suggestions[1].accepted
    renamed = rename_theme(suggestions, 0, "Cluster DNS")
    assert renamed[0].label == "Cluster DNS" and suggestions[0].label != "Cluster DNS"
    merged = merge_themes(suggestions, [0, 1], label="Infra")
    assert len(merged) == 1 and merged[0].size == 7 and merged[0].label == "Infra"
    split = split_theme(suggestions, 0, ["2", "3"], label="CoreDNS")
    assert [s.item_ids for s in split[:2]] == [("0", "1"), ("2", "3")]
    with pytest.raises(ThemeError, match="index"):
        accept_theme(suggestions, 5)
    with pytest.raises(ThemeError, match="label"):
        rename_theme(suggestions, 0, "  ")
    with pytest.raises(ThemeError, match="item_ids"):
        split_theme(suggestions, 0, ["6"])
    with pytest.raises(ThemeError, match="indices"):
        merge_themes(suggestions, [0])


# --------------------------------------------------------------------------- bad input


def test_no_notes_and_one_note() -> None:
    assert suggest_themes([]) == []
    assert suggest_themes(["Only one note"]) == []
    assert ThemeSuggester().fit([]).labels_.tolist() == []


def test_identical_notes_form_one_theme() -> None:
    suggestions = suggest_themes(["Disk full on the log volume"] * 5)
    assert len(suggestions) == 1 and suggestions[0].size == 5
    assert suggestions[0].cohesion == pytest.approx(1.0)
    assert len(ThemeSuggester().fit(["same note"] * 60).themes_) == 1


def test_empty_strings_and_stop_words_only_are_unassigned() -> None:
    labels = ThemeSuggester().fit_predict(["", "  ", "the and of", *DNS, *DISK])
    assert labels[:3].tolist() == [-1, -1, -1] and set(labels[3:].tolist()) >= {0, 1}
    assert suggest_themes(["", "", ""]) == []


def test_non_english_notes() -> None:
    notes = [
        "Die DNS-Auflösung im Cluster bricht ständig ab",
        "DNS-Auflösung im Cluster bricht wieder ab",
        "Zeitüberschreitung bei der DNS-Auflösung im Cluster",
        "証明書の期限切れ",
        "証明書の期限切れ",
    ]
    suggestions = suggest_themes(notes)
    assert [s.item_ids for s in suggestions] == [("0", "1", "2"), ("3", "4")]


def test_a_one_megabyte_note_is_handled_quickly() -> None:
    import time

    big = "disk full logs " * 70_000  # about 1 MB
    assert len(big) > 1_000_000
    start = time.perf_counter()
    suggestions = suggest_themes([big, *DISK, *DNS])
    assert time.perf_counter() - start < 20  # a guard against a hang, not a benchmark
    assert any("0" in s.item_ids for s in suggestions)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: suggest_themes("not a list"), "'items' must be a sequence"),
        (lambda: suggest_themes([1, 2]), r"int at items\[0\]"),
        (lambda: suggest_themes(["a", pm.Item(id="i", section="went_well", text="b")]), "mix"),
        (lambda: ThemeSuggester().fit(["a", None]), r"X\[1\] must be a str"),
        (lambda: ThemeSuggester(min_theme_size=0).fit(["a"]), "min_theme_size"),
        (lambda: ThemeSuggester(ngram_range=(2, 1)).fit(["a"]), "ngram_range"),
        (lambda: recurring_problems("corpus"), "'corpus' must be a pmanalytics.Corpus"),
        (lambda: recurring_problems(pm.Corpus(), sections="ongoing_problem"), "sections"),
        (lambda: recurring_problems(pm.Corpus(), sections=("bogus",)), "bogus"),
        (lambda: recurring_problems(pm.Corpus(), since="not a date"), "since"),
        (lambda: similar_incidents(pm.Corpus(), "nope"), "'incident_id'.*'nope'"),
    ],
)
def test_bad_input_is_a_clear_pm_error(call, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(pm.PMError, match=message) as info:
        call()
    assert isinstance(info.value, ValueError)


# --------------------------------------------------------------------------- across incidents


def _at(day: int, month: int = 1) -> datetime:
    return datetime(2024, month, day, 10, tzinfo=UTC)


def _small_corpus() -> pm.Corpus:
    def pm_(
        n: int, when: datetime, notes: list[str], actions: list[dict[str, object]]
    ) -> pm.PostMortem:
        return pm.PostMortem(
            id=f"inc-{n}",
            title=f"Incident {n}",
            started_at=when,
            items=[
                {"id": f"i-{k}", "section": "ongoing_problem", "text": text}
                for k, text in enumerate(notes)
            ],
            actions=actions,
        )

    done = {
        "id": "a-1",
        "title": "Rotate logs hourly",
        "status": "done",
        "addresses": "i-0",
        "created_at": _at(2),
        "completed_at": _at(20),
    }
    return pm.Corpus.from_postmortems(
        [
            pm_(1, _at(1), [DISK[0], DNS[0]], [done]),
            pm_(2, _at(5, 2), [DISK[1], DNS[1]], []),
            pm_(3, _at(9, 3), [DISK[2], DNS[2], OTHER[0]], []),
        ]
    )


def test_recurring_problems_flags_and_links() -> None:
    table = recurring_problems(_small_corpus())
    assert list(table.columns) == list(RECURRING_COLUMNS)
    by_word = {("dns" if "dns" in row.label.lower() else "disk"): row for row in table.itertuples()}
    disk, dns = by_word["disk"], by_word["dns"]
    assert disk.incidents == 3 and disk.incident_ids == ["inc-1", "inc-2", "inc-3"]
    assert (
        disk.actions[0]["action_id"] == "a-1"
        and disk.actions[0]["linked_by"] == "addresses an item"
    )
    assert disk.recurred_after_action_done and disk.recurrences_after_done == 2
    assert not disk.no_action
    assert dns.no_action and not dns.recurred_after_action_done
    assert disk.first_seen == pd.Timestamp(_at(1)) and disk.last_seen == pd.Timestamp(_at(9, 3))


def test_recurring_problems_since_and_empty() -> None:
    later = recurring_problems(_small_corpus(), since="2024-02-01")
    assert all(row == ["inc-2", "inc-3"] for row in later["incident_ids"])
    assert recurring_problems(pm.Corpus()).empty
    assert list(recurring_problems(pm.Corpus()).columns) == list(RECURRING_COLUMNS)


def test_similar_incidents_finds_the_recurrence() -> None:
    corpus = _small_corpus()
    result = similar_incidents(corpus, "inc-1", k=5)
    assert set(result["incident_id"]) == {"inc-2", "inc-3"}
    assert result["score"].is_monotonic_decreasing and (result["score"] > 0).all()
    assert all(terms for terms in result["shared_terms"])
    assert len(similar_incidents(corpus, "inc-1", k=1)) == 1


def test_plots_render_the_recurring_table() -> None:
    table = recurring_problems(_small_corpus())
    heatmap = plots.theme_month_heatmap(table)
    assert list(heatmap.data[0].x) == ["2024-01", "2024-02", "2024-03"]
    assert np.asarray(heatmap.data[0].z).sum() == table["incidents"].sum()
    timeline = plots.recurrence_timeline(table)
    names = [trace.name for trace in timeline.data]
    assert names == ["incident", "incident after a done action", "action done"]
    assert len(timeline.data[1].x) == 2  # disk recurred twice after its action was done
    with pytest.raises(pm.PMError, match="recurring"):
        plots.theme_month_heatmap(pd.DataFrame({"x": [1]}))


@pytest.mark.parametrize("seed", [3, 4])
def test_notes_about_one_problem_in_every_section_group_together(seed: int) -> None:
    # Coarse labels (one per problem, notes from every section, many phrasings): the
    # automatic cut must not split a problem by wording.
    generated = demo.generate(300, seed=seed)
    truth = generated.ground_truth
    planted = dict(
        zip(zip(truth.incident_id, truth.item_id, strict=True), truth.problem_id, strict=True)
    )
    texts = {(p.id, i.id): i.text for p in generated.postmortems for i in p.items}
    keys = [key for key in texts if key in planted]
    model = ThemeSuggester(random_state=0)
    labels = model.fit_predict([texts[key] for key in keys])
    assert adjusted_rand_score([planted[key] for key in keys], labels) >= 0.8
    assert 5 <= model.n_themes_ <= 10


def test_plots_escape_user_text() -> None:
    from pmanalytics.plots import recurrence_timeline, theme_month_heatmap

    frame = pd.DataFrame({
        "label": ["<b>dns</b>"], "incident_ids": [["a"]],
        "seen_at": [[pd.Timestamp("2024-01-03", tz="UTC")]],
        "actions": [[{"action_id": "x", "title": "<a href='x'>fix</a>", "status": "done",
                      "completed_at": pd.Timestamp("2024-01-05", tz="UTC")}]],
    })  # fmt: skip
    assert list(theme_month_heatmap(frame).data[0].y) == ["&lt;b&gt;dns&lt;/b&gt;"]
    texts = [t for trace in recurrence_timeline(frame).data for t in (trace.text or ())]
    assert texts and all("<" not in t for t in texts)
