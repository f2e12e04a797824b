"""The report as HTML: one self-contained page, and the fragments the session app shows.

Every fragment renders a :class:`~pmanalytics.report.ReportData`; every user string goes
through :func:`pmanalytics._html.escape`. The classes (``pm-facts``, ``pm-table``,
``pm-missing``, ``pm-meta``, ``pm-votes``, ``pm-theme``) are styled by the page's CSS and
by the app's, so the report and the app show the same facts and actions.
"""

from __future__ import annotations

from collections.abc import Iterator

from .._html import Markup, escape, html_paragraphs, html_table
from ._data import ActionRow, ReportData

__all__ = ["actions_fragment", "facts_fragment", "render_html", "themes_fragment"]

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;max-width:60rem;margin:2rem auto;
padding:0 1rem;color:#1f2328;line-height:1.45}
h1{margin-bottom:.2rem}h2{border-bottom:1px solid #d0d7de;padding-bottom:.2rem;margin-top:2rem}
.pm-table{border-collapse:collapse;width:100%;margin:.5rem 0}
.pm-table th,.pm-table td{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;
vertical-align:top}.pm-table th{background:#f6f8fa}
.pm-facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}
.pm-facts dt{font-weight:600}.pm-facts dd{margin:0}.pm-meta{color:#57606a;font-size:.9em}
.pm-missing{color:#b42318;font-weight:600}.pm-votes{background:#ddf4ff;border-radius:1em;
padding:0 .5em;font-size:.85em}.pm-theme{background:#fff8c5;border-radius:1em;padding:0 .5em;
font-size:.85em}li{margin:.3rem 0;white-space:pre-wrap}
"""

_NOT_WRITTEN = '<p class="pm-meta">Not written yet.</p>'
_MISSING = {"owner": "missing owner", "due": "missing due date"}


def _missing(what: str) -> Markup:
    return Markup(f'<span class="pm-missing">{_MISSING[what]}</span>')


def facts_fragment(data: ReportData, *, level: int = 2) -> Markup:
    """The facts: a list of facts, what happened, the impact and the timeline table.

    ``level`` is the heading level of "What happened", "Impact" and "Timeline".

    Examples
    --------
    >>> from pmanalytics import PostMortem
    >>> from pmanalytics.report import report_data
    >>> page = facts_fragment(report_data(PostMortem(id="p", title="t", summary="<b>")), level=4)
    >>> "<h4>What happened</h4>\\n<p>&lt;b&gt;</p>" in page
    True
    """
    h = f"h{level}"
    facts = "".join(f"\n<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in data.facts)
    parts = [
        f'<dl class="pm-facts">{facts}\n</dl>',
        f"<{h}>What happened</{h}>",
        html_paragraphs(data.summary) or _NOT_WRITTEN,
        f"<{h}>Impact</{h}>",
        html_paragraphs(data.impact) or _NOT_WRITTEN,
    ]
    if data.customers_affected is not None:
        parts.append(f"<p>Customers affected: {data.customers_affected}</p>")
    parts.append(f"<{h}>Timeline</{h}>")
    if data.timeline:
        rows = [(e.at, e.kind, e.text) for e in data.timeline]
        parts.append(html_table(rows, ["time", "kind", "what happened"], css_class="pm-table"))
    else:
        parts.append('<p class="pm-meta">No timeline yet.</p>')
    return Markup("\n".join(parts))


def themes_fragment(data: ReportData, *, ids: bool = False) -> Markup:
    """The themes by priority as a table (with their ids when ``ids``)."""
    if not data.themes:
        return Markup('<p class="pm-meta">No themes.</p>')
    columns = ["rank", "theme", "votes", "items"]
    rows: list[list[object]] = [[t.rank, t.label, t.votes, t.items] for t in data.themes]
    if ids:
        columns.insert(1, "id")
        for row, theme in zip(rows, data.themes, strict=True):
            row.insert(1, theme.id)
    return html_table(rows, columns, css_class="pm-table")


def _action_cells(action: ActionRow) -> list[object]:
    owner = _missing("owner") if "owner" in action.missing else action.owner
    due = _missing("due") if "due" in action.missing else action.due
    return [action.title, owner, due, action.priority, action.status, action.addresses]


def actions_fragment(data: ReportData, *, ids: bool = False) -> Markup:
    """The actions as a table, flagging a missing owner or due date (with ids when ``ids``).

    Examples
    --------
    >>> from pmanalytics import Action, PostMortem
    >>> from pmanalytics.report import report_data
    >>> pm = PostMortem(id="p", title="t", actions=[Action(id="a-1", title="<i>Fix</i>")])
    >>> page = actions_fragment(report_data(pm), ids=True)
    >>> "<td>a-1</td><td>&lt;i&gt;Fix&lt;/i&gt;</td>" in page, page.count("missing")
    (True, 4)
    """
    if not data.actions:
        return Markup('<p class="pm-meta">No actions.</p>')
    columns = ["action", "owner", "due", "priority", "status", "addresses"]
    rows = [_action_cells(action) for action in data.actions]
    if ids:
        columns.insert(0, "id")
        for row, action in zip(rows, data.actions, strict=True):
            row.insert(0, action.id)
    return html_table(rows, columns, css_class="pm-table")


def _sections(data: ReportData) -> Iterator[str]:
    for section in data.sections:
        yield f"<h2>{escape(section.title)}</h2>"
        if not section.items:
            yield '<p class="pm-meta">No items.</p>'
            continue
        yield "<ul>"
        for item in section.items:
            extra = ""
            if item.votes:
                extra += f' <span class="pm-votes">{item.votes} votes</span>'
            if item.theme is not None:
                extra += f' <span class="pm-theme">{escape(item.theme)}</span>'
            if item.author:
                extra += f' <span class="pm-meta">by {escape(item.author)}</span>'
            yield f"<li>{escape(item.text)}{extra}</li>"
        yield "</ul>"


def render_html(data: ReportData) -> str:
    """The whole report page: inline CSS, no scripts, nothing loaded from elsewhere."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(data.title)}: post-mortem report</title><style>{_CSS}</style></head>",
        "<body>",
        f"<h1>{escape(data.title)}</h1>",
        facts_fragment(data),
        *_sections(data),
        "<h2>Themes by priority</h2>",
        themes_fragment(data),
        "<h2>Actions</h2>",
        actions_fragment(data),
        "</body></html>",
    ]
    return "\n".join(parts)
