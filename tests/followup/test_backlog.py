from __future__ import annotations

import statistics
from datetime import date
from pathlib import Path

import pytest

from pmanalytics import load, read
from pmanalytics.followup import FollowupError
from pmanalytics.followup.backlog import review_backlog, review_lag, review_lag_summary

from .conftest import AS_OF, SAMPLE


def test_backlog_is_every_incident_without_a_reviewed_post_mortem() -> None:
    pms = [read(path) for path in sorted(SAMPLE.glob("*.md"))]
    waiting = {pm.id for pm in pms if pm.status not in ("reviewed", "closed")}
    assert waiting  # data/sample has drafts and post-mortems still in review
    backlog = review_backlog(load(SAMPLE), AS_OF)
    assert set(backlog["incident_id"]) == waiting
    started = {pm.id: pm.started_at for pm in pms}
    for row in backlog.to_dict("records"):
        assert (
            row["age_days"] == (date.fromisoformat(AS_OF) - started[row["incident_id"]].date()).days
        )
    assert list(backlog["started_at"]) == sorted(backlog["started_at"])


def test_backlog_as_of_an_earlier_day_leaves_out_later_incidents_and_reviews() -> None:
    pms = [read(path) for path in sorted(SAMPLE.glob("*.md"))]
    day = date(2025, 6, 1)
    expected = {
        pm.id
        for pm in pms
        if pm.started_at.date() <= day
        and not (
            pm.status in ("reviewed", "closed")
            and (pm.review.held_on is None or pm.review.held_on <= day)
        )
    }
    assert set(review_backlog(load(SAMPLE), day)["incident_id"]) == expected


def test_review_lag_is_days_from_incident_to_review() -> None:
    pms = [read(path) for path in sorted(SAMPLE.glob("*.md"))]
    want = {
        pm.id: (pm.review.held_on - pm.started_at.date()).days
        for pm in pms
        if pm.review.held_on and pm.started_at
    }
    lag = review_lag(load(SAMPLE))
    assert dict(zip(lag["incident_id"], lag["review_lag_days"], strict=True)) == want
    summary = review_lag_summary(load(SAMPLE), by="team")
    assert summary["incidents"].sum() == len(want)
    overall = review_lag_summary(load(SAMPLE)).iloc[0]
    assert overall["median_days"] == pytest.approx(statistics.median(want.values()))


def test_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(FollowupError, match="'as_of' must be a date"):
        review_backlog(load(SAMPLE), "later")
    with pytest.raises(FollowupError, match="'by' must be one of"):
        review_lag_summary(load(SAMPLE), by="owner")
    with pytest.raises(FollowupError, match="'data' must be a Corpus"):
        review_lag([1, 2])  # type: ignore[arg-type]
