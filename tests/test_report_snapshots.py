"""What users see, pinned: the rendered Markdown and HTML reports as reviewed snapshot files.

A change to a report's text shows up in review as a diff of the files under
``tests/__snapshots__/test_report_snapshots/``. After an intended change, rerun with
``--snapshot-update`` and commit the new files with the change.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

import pmanalytics as pm
from pmanalytics import report

ROOT = Path(__file__).resolve().parents[1]
HANDWRITTEN = ROOT / "data" / "handwritten" / "2025-06-14-payment-gateway-tls-expiry.md"

# One line, for fields that must be a single line; the block version adds line breaks.
HOSTILE = (
    "<script>alert('x')</script> \"q\" `tick` | pipe * _u_ [l](http://e.x) "
    "&amp; ~~s~~ $m$ \x1b[31mred\x1b[0m \u202eevil"
)
HOSTILE_BLOCK = (
    "# not a heading\n- not a bullet\n> not a quote\n1. not a list\n```\nnot code\n```\n"
    "| a | b |\n===\n<img src=x onerror=alert(1)>\r\nend\x07"
)


def hostile_postmortem() -> pm.PostMortem:
    """Hostile text in every field a report shows."""
    items = [
        pm.Item(id=f"i-{n}", section=section, text=text, author=HOSTILE, votes=n, theme_id="t-1")
        for n, (section, text) in enumerate(
            [
                ("went_well", HOSTILE_BLOCK),
                ("lessons_learned", HOSTILE),
                ("future_considerations", HOSTILE_BLOCK),
                ("ongoing_problem", HOSTILE),
            ],
            start=1,
        )
    ]
    items.append(
        pm.Item(id="i-5", section="other", heading=HOSTILE, text=HOSTILE_BLOCK, author=HOSTILE)
    )
    return pm.PostMortem(
        id="hostile-1",
        title=HOSTILE,
        status="draft",
        severity={"label": HOSTILE},
        services=[HOSTILE, "# api"],
        started_at="2024-03-01T10:00+10:00",
        detected_at="2024-03-01T10:07+10:00",
        resolved_at="2024-03-01T12:31+10:00",
        summary=HOSTILE_BLOCK,
        impact={"text": HOSTILE_BLOCK, "customers_affected": 12},
        timeline=[
            {"at": "2024-03-01T10:00+10:00", "text": HOSTILE_BLOCK, "kind": "trigger"},
            {"at": "2024-03-01T10:07+10:00", "text": HOSTILE},
        ],
        review={"facilitator": HOSTILE, "held_on": "2024-03-04"},
        items=items,
        themes=[pm.Theme(id="t-1", label=HOSTILE, rank=1)],
        actions=[
            pm.Action(
                id="a-1",
                title=HOSTILE_BLOCK,
                owner=HOSTILE,
                due=date(2024, 4, 1),
                priority=HOSTILE,
                addresses="t-1",
            ),
            pm.Action(id="a-2", title=HOSTILE, addresses="i-2"),
            pm.Action(id="a-3", title=HOSTILE, status="done"),
        ],
    )


CASES = {
    "handwritten": lambda: pm.read(HANDWRITTEN),
    "hostile": hostile_postmortem,
    "empty": lambda: pm.PostMortem(id="empty-1", title="Nothing written yet"),
}


class MarkdownSnapshot(SingleFileSnapshotExtension):
    _write_mode = WriteMode.TEXT
    file_extension = "md"


class HTMLSnapshot(SingleFileSnapshotExtension):
    _write_mode = WriteMode.TEXT
    file_extension = "html"


@pytest.mark.parametrize("case", CASES)
def test_markdown_report(case, snapshot):
    assert report.to_markdown(CASES[case]()) == snapshot(extension_class=MarkdownSnapshot)


@pytest.mark.parametrize("case", CASES)
def test_html_report(case, snapshot):
    assert report.to_html(CASES[case]()) == snapshot(extension_class=HTMLSnapshot)


def test_the_hostile_case_reaches_every_field():
    """The hostile snapshot is only worth having if each shown field holds hostile text."""
    data = report.report_data(hostile_postmortem())
    facts = dict(data.facts)
    shown = [data.title, data.summary, data.impact, facts["Severity"], facts["Services"]]
    shown += [facts["Facilitator"], *(e.text for e in data.timeline), data.themes[0].label]
    shown += [data.sections[-1].title]  # the team's own section (an "other" heading)
    items = [item for section in data.sections for item in section.items]
    shown += [item.text for item in items] + [item.author or "" for item in items]
    shown += [item.theme or "" for item in items[:4]] + [a.title for a in data.actions]
    shown += [data.actions[0].owner or "", data.actions[0].priority or ""]
    shown += [data.actions[0].addresses]
    assert len(items) == 5 and all("<script>" in v or "<img" in v for v in shown)
    for text in (report.to_markdown(hostile_postmortem()), report.to_html(hostile_postmortem())):
        assert "<script" not in text and "<img" not in text
        assert "\x1b" not in text and "\u202e" not in text and "\x07" not in text
