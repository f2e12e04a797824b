"""Reports: Markdown and self-contained HTML, user text escaped, template order followed."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

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


# --------------------------------------------------------------------------- the view model


def test_report_data_is_what_every_report_shows():
    data = report.report_data(postmortem())
    assert dict(data.facts) == {
        "Id": "pm-report",
        "Status": "draft",
        "Severity": "unknown",
        "Services": "none",
        "Time to detect": "12 min",
        "Time to resolve": "1 h 30 min",
    }
    assert [(s.title, [i.id for i in s.items]) for s in data.sections][:2] == [
        ("What went well", ["i-1"]),
        ("Lessons learned", ["i-2"]),
    ]
    assert data.sections[0].items[0].theme == "Safety"
    assert data.themes == (report.ThemeRow(1, "t-1", "Safety", 2, 1),)
    assert [(a.id, a.owner, a.due, a.addresses, a.missing) for a in data.actions] == [
        ("a-1", "ana", "2024-04-01", "", ()),
        ("a-2", None, None, "Safety", ("owner", "due")),
    ]
    assert [a.id for a in data.unplanned] == ["a-2"]
    assert data.timeline == (report.TimelineRow("2024-03-01 10:00 UTC", "trigger", "Push lands"),)


def test_report_data_is_immutable():
    data = report.report_data(postmortem())
    with pytest.raises(dataclasses.FrozenInstanceError):
        data.title = "changed"  # type: ignore[misc]
    assert isinstance(data.actions, tuple) and isinstance(data.sections, tuple)


def test_a_done_action_lacks_nothing_and_an_unranked_theme_sorts_by_votes():
    pm_ = postmortem().model_copy(
        update={
            "themes": (pm.Theme(id="t-1", label="Safety"), pm.Theme(id="t-2", label="Other")),
            "actions": (pm.Action(id="a-1", title="Done already", status="done"),),
        }
    )
    data = report.report_data(pm_)
    assert [t.label for t in data.themes] == ["Safety", "Other"]
    assert data.actions[0].missing == () and data.unplanned == ()
    assert "missing owner" not in report.to_html(pm_) + report.to_markdown(pm_)


def test_the_session_apps_panels_render_the_reports_view_model(tmp_path):
    from pmanalytics.widgets._views import actions_html, facts_html, wrap_up_html

    source = postmortem().model_copy(update={"items": (), "themes": ()})
    source = source.model_copy(
        update={"actions": tuple(a.model_copy(update={"addresses": None}) for a in source.actions)}
    )
    session = Session.create(source, tmp_path, participants=["Ana"], facilitator="Cy")
    data = report.report_data(session)
    panel = actions_html(session)
    assert report.actions_fragment(data, ids=True) in panel
    for action in data.actions:
        assert action.id in panel
    assert report.actions_fragment(data) in report.to_html(session)
    assert report.facts_fragment(report.report_data(source), level=4) in facts_html(source)
    assert "Time to resolve</dt><dd>1 h 30 min" in facts_html(source)
    assert "Actions (1 of 2 planned)" in wrap_up_html(session)


@pytest.mark.parametrize(
    ("formats", "message"),
    [
        (("pdf",), "'formats' must be one of html, md, got 'pdf'"),
        ((), "'formats' must be a non-empty tuple of 'html' and/or 'md', got ()"),
        ("md", "'formats' must be a non-empty tuple of 'html' and/or 'md', got 'md'"),
    ],
)
def test_export_checks_its_formats(tmp_path, formats, message):
    with pytest.raises(report.ReportError) as caught:
        report.export(postmortem(), tmp_path, formats=formats)
    assert str(caught.value) == message
    assert isinstance(caught.value, pm.PMError) and isinstance(caught.value, ValueError)
    assert not list(tmp_path.iterdir())  # nothing written by a refused export


def test_a_source_must_be_a_postmortem_or_a_session():
    with pytest.raises(report.ReportError, match="'source' must be a PostMortem or a Session"):
        report.to_markdown(42)  # type: ignore[arg-type]
