"""Reports of a post-mortem or a session: Markdown, and one self-contained HTML file.

Both hold the facts (summary, impact, time to detect and resolve, timeline), the sections
with each item's votes and theme, the themes by priority, and the actions with owners and
deadlines (missing ones flagged). All user text is escaped: ``<script>`` shows as text.
Sections follow the session's template (its titles and order) when given a session.

What a report shows is decided once, by :func:`report_data`; the Markdown and HTML
renderers, and the session app's facts and actions panels, render its
:class:`ReportData`.

Examples
--------
>>> from pmanalytics import PostMortem
>>> from pmanalytics.report import report_data, to_markdown
>>> pm = PostMortem(id="p", title="Outage")
>>> dict(report_data(pm).facts)["Severity"]
'unknown'
>>> to_markdown(pm).splitlines()[0]
'# Outage'
"""

from __future__ import annotations

from pathlib import Path

from .._atomic import atomic_write_text
from .._ids import check_file_id
from .._validate import check_choice
from ._data import (
    ActionRow,
    ItemView,
    ReportData,
    ReportError,
    ReportSection,
    SectionView,
    Source,
    ThemeRow,
    TimelineRow,
    report_data,
    report_sections,
)
from ._to_html import actions_fragment, facts_fragment, render_html, themes_fragment
from ._to_markdown import render_markdown

__all__ = [
    "ActionRow",
    "ItemView",
    "ReportData",
    "ReportError",
    "ReportSection",
    "SectionView",
    "ThemeRow",
    "TimelineRow",
    "actions_fragment",
    "export",
    "facts_fragment",
    "render_html",
    "render_markdown",
    "report_data",
    "report_sections",
    "themes_fragment",
    "to_html",
    "to_markdown",
]

_RENDERERS = {"html": render_html, "md": render_markdown}


def to_markdown(source: Source) -> str:
    """The report as Markdown (raw HTML in user text is escaped).

    Examples
    --------
    >>> from pmanalytics import Item, PostMortem
    >>> pm = PostMortem(id="p", title="Outage",
    ...                 items=[Item(id="i-1", section="went_well", text="<b>fast</b> paging")])
    >>> "&lt;b&gt;fast&lt;/b&gt; paging" in to_markdown(pm)
    True
    """
    return render_markdown(report_data(source))


def to_html(source: Source) -> str:
    """The report as one self-contained HTML page (inline CSS, no scripts, text escaped).

    Examples
    --------
    >>> from pmanalytics import Item, PostMortem
    >>> item = Item(id="i-1", section="went_well", text="<script>alert(1)</script>")
    >>> page = to_html(PostMortem(id="p", title="Outage", items=[item]))
    >>> "<script>" in page, "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    (False, True)
    """
    return render_html(report_data(source))


def export(
    source: Source, folder: str | Path, *, formats: tuple[str, ...] = ("html",)
) -> list[Path]:
    """Write the report atomically as ``<folder>/<id>.report.html`` (and ``.report.md``).

    Keep Markdown reports out of a folder of post-mortems that ``pmanalytics.load`` reads:
    they would be read as post-mortems too.

    Examples
    --------
    >>> import tempfile
    >>> from pmanalytics import PostMortem
    >>> [p.name for p in export(PostMortem(id="p", title="t"), tempfile.mkdtemp(),
    ...                         formats=("html", "md"))]
    ['p.report.html', 'p.report.md']
    >>> export(PostMortem(id="p", title="t"), tempfile.mkdtemp(), formats=("pdf",))
    Traceback (most recent call last):
    ...
    pmanalytics.report._data.ReportError: 'formats' must be one of html, md, got 'pdf'
    """
    if isinstance(formats, str) or not isinstance(formats, tuple | list) or not formats:
        raise ReportError(
            f"'formats' must be a non-empty tuple of 'html' and/or 'md', got {formats!r}"
        )
    for kind in formats:
        check_choice("formats", kind, _RENDERERS, error=ReportError)
    data = report_data(source)
    name = check_file_id(data.id, "post-mortem id", error=ReportError)
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    return [
        atomic_write_text(target / f"{name}.report.{kind}", _RENDERERS[kind](data))
        for kind in formats
    ]
