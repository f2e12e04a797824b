"""A post-mortem dated 1628 (the Vasa) works in every function of themes and metrics.

Timestamps are microsecond-based throughout: nanoseconds cannot hold dates before 1677.
"""

from __future__ import annotations

import inspect
import warnings
from datetime import date

import pandas as pd
import pytest

import pmanalytics as pm
from pmanalytics import metrics, themes

AS_OF = date(2025, 1, 1)


@pytest.fixture(scope="module")
def corpus() -> pm.Corpus:
    def postmortem(n: int, when: str, notes: list[str], **fields: object) -> pm.PostMortem:
        return pm.PostMortem(
            id=f"h{n}", title=f"Ship sank {n}", started_at=when, services=["ship"],
            teams=["yard"], severity="SEV1", summary="The ship heeled over and sank.",
            items=[{"id": f"n{k}", "section": "ongoing_problem", "text": text}
                   for k, text in enumerate(notes)],
            **fields,
        )  # fmt: skip

    fix = pm.Action(id="a1", title="Add ballast to the hull", kind="prevent", status="done",
                    addresses="n0", created_at="1628-08-11T00:00Z",
                    completed_at="1628-09-01T00:00Z", due="1628-09-10")  # fmt: skip
    return pm.Corpus.from_postmortems([
        postmortem(1, "1628-08-10T16:00Z", ["Too little ballast in the hull",
                                            "The gun ports were left open"], actions=[fix]),
        postmortem(2, "1900-01-01T00:00Z", ["Too little ballast in the hull again",
                                            "Gun ports left open in a squall"]),
        postmortem(3, "2024-01-01T00:00Z", ["The hull had too little ballast"]),
    ])  # fmt: skip


def _calls(corpus: pm.Corpus) -> dict[str, object]:
    calls: dict[str, object] = {
        "recurring_problems": lambda: themes.recurring_problems(corpus),
        "recurring_problems since": lambda: themes.recurring_problems(corpus, since="1600-01-01"),
        "similar_incidents": lambda: themes.similar_incidents(corpus, "h1"),
        "suggest_themes": lambda: themes.suggest_themes([str(t) for t in corpus.items["text"]]),
        "filter_corpus": lambda: metrics.filter_corpus(
            corpus, metrics.Filters(start=date(1600, 1, 1))
        ),
        "incident_mask": lambda: metrics.incident_mask(corpus.incidents, metrics.Filters()),
        "severity_order": lambda: metrics.severity_order(corpus.incidents),
        "to_date": lambda: metrics.to_date("1628-08-10"),
    }
    for name in metrics.__all__:
        function = getattr(metrics, name)
        if name in calls or isinstance(function, type) or not inspect.isfunction(function):
            continue
        params = inspect.signature(function).parameters
        if "as_of" in params:
            calls[name] = lambda f=function: f(corpus, AS_OF)
        else:
            calls[name] = lambda f=function: f(corpus)
    return calls


def test_a_post_mortem_from_1628_works_everywhere(corpus: pm.Corpus) -> None:
    assert corpus.incidents["started_at"].min() == pd.Timestamp("1628-08-10 16:00", tz="UTC")
    failures = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", themes.ThemeWarning)
        for name, call in _calls(corpus).items():
            try:
                call()  # type: ignore[operator]
            except Exception as exc:
                failures[name] = f"{type(exc).__name__}: {exc}"
    assert failures == {}
    assert len(_calls(corpus)) >= 25


def test_the_1628_problem_and_its_fix_are_dated_right(corpus: pm.Corpus) -> None:
    table = themes.recurring_problems(corpus)
    ballast = table[table["label"].str.contains("ballast", case=False)].iloc[0]
    assert ballast["first_seen"] == pd.Timestamp("1628-08-10 16:00", tz="UTC")
    assert ballast["incidents"] == 3
    effect = metrics.action_effectiveness(corpus, AS_OF, recurring=table)
    row = effect[effect["theme"] == ballast["theme"]].iloc[0]
    assert row["fixed_at"] == pd.Timestamp("1628-09-01", tz="UTC")
    counts = metrics.incident_counts(corpus, freq="month")
    assert counts["period"].min() == pd.Timestamp("1628-08-01")
