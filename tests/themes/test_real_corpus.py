"""Themes and recurring problems on post-mortems this project did not write (dfds), and the demo.

The dfds post-mortems are reached only through the ``dfds_folder`` fixture; the hand-made labels
are in ``benchmarks/labels`` (see its README for how they were decided).
"""

from __future__ import annotations

import itertools
import re
import warnings
from pathlib import Path

import pandas as pd
import pytest

import pmanalytics as pm
from benchmarks.labels import load_labels as labels
from pmanalytics import demo
from pmanalytics.themes import ThemeSuggester, ThemeWarning, recurring_problems
from pmanalytics.themes._text import tokenize

_URL_BITS = {"http", "https", "www", "com", "org", "html"}
_CONTRACTION_BITS = {
    "didn", "wasn", "shouldn", "doesn", "isn", "couldn", "wouldn", "aren", "hasn", "haven",
    "weren", "hadn", "mustn", "needn",
}  # fmt: skip
_WORDS = re.compile(r"\w+")


@pytest.fixture(scope="module")
def dfds(dfds_folder: Path) -> pm.Corpus:
    return pm.load(dfds_folder)


@pytest.fixture(scope="module")
def dfds_recurring(dfds: pm.Corpus) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ThemeWarning)
        return recurring_problems(dfds)


@pytest.fixture(scope="module")
def planted() -> tuple[demo.DemoCorpus, pm.Corpus]:
    generated = demo.generate(200, seed=5)
    return generated, pm.Corpus.from_postmortems(generated.postmortems)


def _adjacent_pairs(texts: list[str]) -> set[tuple[str, str]]:
    pairs: set[tuple[str, str]] = set()
    for text in texts:
        tokens = tokenize(text)
        pairs.update(itertools.pairwise(tokens))
    return pairs


def _bad_label(label: str, notes: list[str]) -> str | None:
    """Why ``label`` is not a name a lead would accept, or None."""
    raw = {word.casefold() for word in _WORDS.findall(label)}
    if "://" in label or "www." in label or raw & _URL_BITS:
        return "URL fragment"
    if raw & _CONTRACTION_BITS and not re.search(r"\w'\w", label):
        return "contraction fragment"
    tokens = tokenize(label)
    pairs = _adjacent_pairs(notes)
    for pair in itertools.pairwise(tokens):
        if pair not in pairs:
            return f"words {pair} never adjacent in its notes"
    return None


def _check_model_labels(model: ThemeSuggester, texts: list[str]) -> list[str]:
    problems = []
    for row in model.themes_.itertuples():
        notes = [texts[n] for n in range(len(texts)) if model.labels_[n] == row.theme]
        why = _bad_label(row.label, notes)
        if why:
            problems.append(f"{row.label!r}: {why}")
        for keyword in row.keywords:
            why = _bad_label(keyword, notes)
            if why:
                problems.append(f"keyword {keyword!r}: {why}")
    return problems


def test_no_theme_label_on_dfds_has_url_or_contraction_fragments_or_joined_words(
    dfds: pm.Corpus, dfds_recurring: pd.DataFrame
) -> None:
    texts = [str(t) for t in dfds.items["text"]]
    model = ThemeSuggester(random_state=0).fit(texts, sections=list(dfds.items["section"]))
    assert model.n_themes_ >= 5
    assert _check_model_labels(model, texts) == []
    by_incident = dfds.items.groupby("incident_id")["text"].agg(list)
    for row in dfds_recurring.itertuples():
        notes = [str(t) for i in row.incident_ids for t in by_incident.get(i, [])]
        assert _bad_label(row.label, notes) is None, row.label


def test_no_theme_label_on_the_demo_has_fragments(
    planted: tuple[demo.DemoCorpus, pm.Corpus],
) -> None:
    _, corpus = planted
    texts = [str(t) for t in corpus.items["text"]]
    model = ThemeSuggester(random_state=0).fit(texts, sections=list(corpus.items["section"]))
    assert _check_model_labels(model, texts) == []


def test_labels_are_phrases_not_word_lists(dfds_recurring: pd.DataFrame) -> None:
    for row in dfds_recurring.itertuples():
        assert ", " not in row.label and row.label[:1].isupper(), row.label
        assert row.keywords and row.label not in row.keywords


def test_went_well_and_problem_notes_never_share_a_theme(dfds: pm.Corpus) -> None:
    notes = ["Alerting on disk usage worked and paged quickly", "Disk usage alerting paged fast",
             "No alerting on disk usage", "Disk usage had no alerting at all"]  # fmt: skip
    sections = ["went_well", "went_well", "lessons_learned", "ongoing_problem"]
    apart = ThemeSuggester(n_themes=1).fit(notes, sections=sections)
    assert len({int(label) for label in apart.labels_ if label >= 0}) <= 1
    assert set(apart.labels_[:2]) != set(apart.labels_[2:]) or -1 in apart.labels_
    assert apart.themes_["section"].isin(["went_well", "lessons_learned, ongoing_problem",
                                          "ongoing_problem, lessons_learned"]).all()  # fmt: skip
    merged = ThemeSuggester(n_themes=1, merge_sections=True).fit(notes, sections=sections)
    assert (merged.labels_ == 0).all() and set(merged.themes_["section"][0].split(", ")) == {
        "went_well", "lessons_learned", "ongoing_problem"}  # fmt: skip


# --------------------------------------------------------------------------- recurring (dfds)


def test_recurring_problems_on_dfds_meets_the_labelled_floor(
    dfds: pm.Corpus, dfds_recurring: pd.DataFrame
) -> None:
    truth = labels.recurrences(incidents=dfds.incidents["incident_id"])
    table = dfds_recurring
    assert not table.empty
    matched = [labels.matching_recurrence(ids, truth) for ids in table["incident_ids"]]
    assert sum(m is not None for m in matched[:5]) >= 4
    assert sum(m is not None for m in matched[:10]) >= 7
    assert len(table) <= table.attrs["themes"] / 2
    # a row joining a labelled not-recurrence pair (and nothing labelled) is a clear error
    clear_errors = [
        rank
        for rank, (ids, match) in enumerate(zip(table["incident_ids"], matched, strict=True))
        for pair in labels.not_recurrences()
        if match is None and set(pair["incidents"]) <= set(ids)
    ]
    assert len(clear_errors) <= 2 and all(rank >= 10 for rank in clear_errors)


def test_recurring_problems_says_which_parts_it_read(dfds: pm.Corpus) -> None:
    with pytest.warns(ThemeWarning, match="Contributing factors"):
        table = recurring_problems(dfds)
    assert table.attrs["fallback"] and "Contributing factors" in table.attrs["parts"]
    assert all(set(parts) <= set(table.attrs["parts"]) for parts in table["parts"])


def test_each_recurring_problem_carries_evidence_per_incident(dfds_recurring: pd.DataFrame) -> None:
    for row in dfds_recurring.itertuples():
        assert [e["incident_id"] for e in row.evidence] == row.incident_ids
        assert all(e["text"] and e["part"] for e in row.evidence)


def test_the_template_document_is_not_an_incident_of_any_theme(
    dfds: pm.Corpus, dfds_recurring: pd.DataFrame
) -> None:
    template = "pmyyyy-nnn-postmortem-template"
    assert template not in set(dfds.incidents["incident_id"])  # the loader leaves it out
    assert dfds.warnings["message"].str.contains(f"'{template}' looks like a blank template").any()
    kept = pm.load(dfds.incidents["path"].iloc[0].rsplit("/", 1)[0], templates=True)
    assert template in set(kept.incidents["incident_id"])  # unless asked to keep it
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ThemeWarning)
        recurring = recurring_problems(kept)
    assert template in recurring.attrs["template_incidents"]  # and then the themes skip it
    assert all(template not in ids for ids in recurring["incident_ids"])


class _OneBlobEncoder:
    """Dense vectors where every note is close to every other (as sentence embeddings often
    are), with two faint directions inside."""

    def encode(self, sentences: list[str]) -> object:
        import numpy as np

        return np.array(
            [[1.0, 0.08 * ("disk" in s.lower()), 0.08 * ("dns" in s.lower())] for s in sentences]
        )


def test_a_cut_with_more_than_half_the_notes_in_one_theme_is_rejected() -> None:
    notes = [f"DNS lookups time out on node {n}" for n in range(12)] + [
        f"Disk full of logs on host {n}" for n in range(12)
    ]
    model = ThemeSuggester(embedder=_OneBlobEncoder()).fit(notes)
    assert model.n_themes_ >= 2
    assert (model.themes_["size"] <= len(notes) / 2).all()
