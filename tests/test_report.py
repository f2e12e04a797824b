"""Reports: Markdown and self-contained HTML, user text escaped, template order followed."""

from __future__ import annotations

from datetime import date

import pmanalytics as pm
from pmanalytics import report
from pmanalytics.session import Session, template_from_dict

XSS = "<script>alert(1)</script>"


def postmortem() -> pm.PostMortem:
    return pm.PostMortem(
        id="pm-report",
        title=f"Outage {XSS}",
        summary="A config push removed the route table.",
        started_at="2024-03-01T10:00Z",
        detected_at="2024-03-01T10:12Z",
        resolved_at="2024-03-01T11:30Z",
        timeline=[{"at": "2024-03-01T10:00Z", "text": "Push lands", "kind": "trigger"}],
        items=[
            pm.Item(id="i-1", section="went_well", text=XSS, votes=2, theme_id="t-1"),
            pm.Item(id="i-2", section="lessons_learned", text="No | pipes * or _ here", votes=0),
        ],
        themes=[pm.Theme(id="t-1", label="Safety", rank=1)],
        actions=[
            pm.Action(id="a-1", title="Add review", owner="ana", due=date(2024, 4, 1)),
            pm.Action(id="a-2", title=f"Fix {XSS}", addresses="t-1"),
        ],
    )


def test_html_escapes_user_text_and_is_self_contained():
    page = report.to_html(postmortem())
    assert "<script" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<link" not in page and "src=" not in page  # nothing loaded from elsewhere
    for part in ("What happened", "Timeline", "Push lands", "Themes by priority", "Safety"):
        assert part in page
    assert "1 h 30 min" in page and "12 min" in page  # time to resolve and to detect
    assert "missing owner" in page and "missing due date" in page
    assert "2 votes" in page


def test_markdown_escapes_user_text():
    text = report.to_markdown(postmortem())
    assert "<script" not in text and "&lt;script&gt;" in text
    assert r"No \| pipes \* or \_ here" in text
    assert "| Add review | ana | 2024-04-01 |" in text
    assert "**missing owner**" in text


def test_a_session_report_follows_its_template(tmp_path):
    template = template_from_dict({"sections": ["Where we got lucky", "went_well"]})
    session = Session.create(
        postmortem().model_copy(update={"items": (), "themes": (), "actions": ()}),
        tmp_path,
        participants=["Ana"],
        facilitator="Cy",
        template=template,
    )
    session.add_item("went_well", "Paging was fast", by="Ana")
    session.add_item("where_we_got_lucky", "Low traffic", by="Ana")
    text = report.to_markdown(session)
    assert text.index("## Where we got lucky") < text.index("## What went well")
    assert "## Lessons learned" not in text
    paths = report.export(session, tmp_path / "out", formats=("html", "md"))
    assert [p.name for p in paths] == ["pm-report.report.html", "pm-report.report.md"]
    assert "Low traffic" in paths[0].read_text()
