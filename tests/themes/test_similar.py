"""similar_incidents reads the whole text, ignores place names and shows shared evidence."""

from __future__ import annotations

import pmanalytics as pm
from pmanalytics.themes import SIMILAR_COLUMNS, similar_incidents


def _corpus() -> pm.Corpus:
    return pm.Corpus.from_postmortems([
        pm.PostMortem(id="a", title="Outage in Frankfurt",
                      summary="The Fluentd daemonset was deleted by a pipeline run.",
                      timeline=[{"at": "2024-01-01T10:00Z",
                                 "text": "Logs stopped arriving in CloudWatch"}]),
        pm.PostMortem(id="b", title="Outage in Frankfurt",
                      summary="Payments were declined by the card processor."),
        pm.PostMortem(id="c", title="Missing logs",
                      summary="A cluster upgrade removed the Fluentd daemonset.",
                      timeline=[{"at": "2024-02-01T10:00Z",
                                 "text": "Logs stopped arriving in CloudWatch again"}]),
        pm.PostMortem(id="pmyyyy-nnn-template", title="Incident Title",
                      summary="Fluentd daemonset deleted; logs stopped arriving in CloudWatch"),
    ])  # fmt: skip


def test_similar_incidents_match_on_what_happened_not_where() -> None:
    result = similar_incidents(_corpus(), "a", k=3)
    assert list(result.columns) == list(SIMILAR_COLUMNS)
    assert result["incident_id"].tolist()[0] == "c"  # summary and timeline, not the title
    assert "b" not in set(result["incident_id"])  # it shares only "Outage in Frankfurt"
    assert "pmyyyy-nnn-template" not in set(result["incident_id"])  # a template is no incident
    assert any("fluentd" in term or "cloudwatch" in term for term in result["shared_terms"][0])
    evidence = result["evidence"][0]
    assert "CloudWatch" in evidence["this"] and "CloudWatch" in evidence["other"]


def test_similar_incidents_take_the_vectoriser_options() -> None:
    plain = similar_incidents(_corpus(), "a", k=3)
    words = similar_incidents(_corpus(), "a", k=3, stop_words=["fluentd", "daemonset"],
                              ngram_range=(1, 1))  # fmt: skip
    assert all(" " not in term for term in words["shared_terms"][0])
    assert not {"fluentd", "daemonset"} & set(words["shared_terms"][0])
    assert plain["incident_id"][0] == words["incident_id"][0] == "c"
