"""Generated post-mortems written in other teams' templates import back with their facts."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from pmanalytics import demo
from pmanalytics.ingest.markdown import parse_markdown

CORPUS = demo.generate(12, seed=5)


@pytest.mark.parametrize("style", list(demo.FOREIGN_STYLES))
@pytest.mark.parametrize("number", range(12))
def test_foreign_styles_import_with_their_facts(style, number):
    original = CORPUS.postmortems[number]
    text = demo.to_foreign_markdown(original, style)
    imported = parse_markdown(text, path=f"{original.id}.md").postmortem
    assert imported.id == original.id
    assert imported.title.startswith(original.title)
    assert imported.summary == original.summary
    # Google-style milestones stay in the text ("**OUTAGE BEGINS** ..."): nothing is dropped
    texts = [re.sub(r"^\*\*[A-Z ]+\*\* ", "", e.text) for e in imported.timeline]
    assert texts == [e.text for e in original.timeline]
    assert [e.at for e in imported.timeline] == [
        e.at.replace(second=0, microsecond=0) for e in original.timeline
    ]
    titles = [a.title for a in imported.actions]
    assert titles == [a.title for a in original.actions]
    if style != "dfds":  # dfds-style action lists carry no status
        done = [a.status == "done" for a in imported.actions]
        assert done == [a.status == "done" for a in original.actions]
    if style == "dfds":
        minute = timedelta(minutes=1)
        for name in ("time_to_detect", "time_to_resolve"):
            want, got = getattr(original, name), getattr(imported, name)
            if want is not None:
                assert got is not None and abs(got - want) <= minute, name
    assert not [n for n in imported.extra if n.startswith("inconsistent_")]
