"""The report as Markdown: every user string through :func:`pmanalytics._markdown.escape_md`."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from .._markdown import escape_md
from ._data import ActionRow, ReportData

__all__ = ["render_markdown"]


def _cell(value: object) -> str:
    return "" if value is None else escape_md(value, one_line=True)


def _table(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> Iterator[str]:
    """A Markdown table; the cells must already be escaped."""
    yield "| " + " | ".join(columns) + " |"
    yield "| " + " | ".join("---" for _ in columns) + " |"
    for row in rows:
        yield "| " + " | ".join(row) + " |"


def _action_row(action: ActionRow) -> list[str]:
    owner = "**missing owner**" if "owner" in action.missing else _cell(action.owner)
    due = "**missing due date**" if "due" in action.missing else _cell(action.due)
    rest = (action.priority, action.status, action.addresses)
    return [_cell(action.title), owner, due, *(_cell(value) for value in rest)]


def _lines(data: ReportData) -> Iterator[str]:
    yield f"# {_cell(data.title)}"
    yield ""
    yield from (f"- **{name}:** {_cell(value)}" for name, value in data.facts)
    yield ""
    yield "## What happened"
    yield ""
    yield escape_md(data.summary) if data.summary else "_Not written yet._"
    yield ""
    yield "## Impact"
    yield ""
    yield escape_md(data.impact) if data.impact else "_Not written yet._"
    if data.customers_affected is not None:
        yield f"\nCustomers affected: {data.customers_affected}"
    yield ""
    yield "## Timeline"
    yield ""
    if data.timeline:
        rows = [[_cell(e.at), _cell(e.kind), _cell(e.text)] for e in data.timeline]
        yield from _table(["time", "kind", "what happened"], rows)
    else:
        yield "_No timeline yet._"
    yield ""
    for section in data.sections:
        yield f"## {_cell(section.title)}"
        yield ""
        if not section.items:
            yield "_No items._"
        for item in section.items:
            notes = [f"{item.votes} votes"] if item.votes else []
            if item.theme is not None:
                notes.append(f"theme: {_cell(item.theme)}")
            if item.author:
                notes.append(f"by {_cell(item.author)}")
            suffix = f" ({'; '.join(notes)})" if notes else ""
            yield f"- {escape_md(item.text).replace(chr(10), chr(10) + '  ')}{suffix}"
        yield ""
    yield "## Themes by priority"
    yield ""
    if data.themes:
        rows = [[_cell(t.rank), _cell(t.label), str(t.votes), str(t.items)] for t in data.themes]
        yield from _table(["rank", "theme", "votes", "items"], rows)
    else:
        yield "_No themes._"
    yield ""
    yield "## Actions"
    yield ""
    if data.actions:
        columns = ["action", "owner", "due", "priority", "status", "addresses"]
        yield from _table(columns, [_action_row(a) for a in data.actions])
    else:
        yield "_No actions._"
    yield ""


def render_markdown(data: ReportData) -> str:
    """The report as Markdown text (ends with a newline).

    Examples
    --------
    >>> from pmanalytics import PostMortem
    >>> from pmanalytics.report import report_data
    >>> data = report_data(PostMortem(id="p", title="# Outage | 1"))
    >>> render_markdown(data).splitlines()[:4]
    ['# \\\\# Outage \\\\| 1', '', '- **Id:** p', '- **Status:** draft']
    """
    return "\n".join(_lines(data))
