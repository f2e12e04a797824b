"""Reports of a post-mortem or a session: Markdown, and one self-contained HTML file.

Both hold the facts (summary, impact, time to detect and resolve, timeline), the sections
with each item's votes and theme, the themes by priority, and the actions with owners and
deadlines (missing ones flagged). All user text is escaped: ``<script>`` shows as text.
Sections follow the session's template (its titles and order) when given a session.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from html import escape
from pathlib import Path
from typing import Protocol

from ._atomic import atomic_write_text
from ._model import Action, Item, PostMortem
from ._sections import CANONICAL_HEADINGS
from .session.rules import missing_plan
from .session.templates import DEFAULT_TEMPLATE, Template

__all__ = ["ReportSection", "export", "report_sections", "to_html", "to_markdown"]


class _HasPostMortem(Protocol):
    @property
    def template(self) -> Template: ...

    def to_postmortem(self) -> PostMortem: ...


Source = PostMortem | _HasPostMortem


@dataclass(frozen=True)
class ReportSection:
    """One section of the report: its title and items."""

    title: str
    items: tuple[Item, ...]


def _resolve(source: Source) -> tuple[PostMortem, Template]:
    if isinstance(source, PostMortem):
        return source, DEFAULT_TEMPLATE
    if hasattr(source, "to_postmortem") and hasattr(source, "template"):
        return source.to_postmortem(), source.template
    raise TypeError(f"'source' must be a PostMortem or a Session, got {type(source).__name__}")


def report_sections(pm: PostMortem, template: Template = DEFAULT_TEMPLATE) -> list[ReportSection]:
    """The items grouped as the template's sections (in its order), then any other headings.

    Examples
    --------
    >>> from pmanalytics import Item, PostMortem
    >>> pm = PostMortem(id="p", title="t", items=[
    ...     Item(id="i-1", section="other", heading="Luck", text="Low traffic"),
    ...     Item(id="i-2", section="went_well", text="Fast paging")])
    >>> [(s.title, len(s.items)) for s in report_sections(pm)][:1] + \\
    ...     [(s.title, len(s.items)) for s in report_sections(pm)][-1:]
    [('What went well', 1), ('Luck', 1)]
    """
    groups: dict[str, list[Item]] = {spec.key: [] for spec in template.sections}
    titles = {spec.key: spec.title for spec in template.sections}
    for item in pm.items:
        spec = template.section_for(item.section, item.heading)
        if spec is not None:
            groups[spec.key].append(item)
            continue
        key = f"{item.section}:{item.heading}"
        if key not in groups:
            groups[key] = []
            titles[key] = item.heading or CANONICAL_HEADINGS.get(item.section, item.section)
        groups[key].append(item)
    return [ReportSection(titles[key], tuple(items)) for key, items in groups.items()]


def _duration(value: timedelta | None) -> str:
    if value is None:
        return "unknown"
    minutes = round(value.total_seconds() / 60)
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d} min" if hours else f"{rest} min"


def _themes(pm: PostMortem) -> list[tuple[int | None, str, str, int, int]]:
    rows = [
        (t.rank, t.id, t.label, pm.theme_votes(t.id), len(pm.theme_item_ids(t.id)))
        for t in pm.themes
    ]
    return sorted(rows, key=lambda r: (r[0] is None, r[0] or 0, -r[3]))


def _action_missing(action: Action) -> tuple[str, ...]:
    return missing_plan(action.owner, action.due, action.status)


# --------------------------------------------------------------------------- Markdown

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|#])")


def _md(text: str) -> str:
    """Escape text for Markdown: no raw HTML, no accidental formatting, safe in tables."""
    return _MD_SPECIAL.sub(r"\\\1", escape(text, quote=False))


def _md_cell(text: str) -> str:
    return _md(text).replace("\n", " ")


def _md_lines(pm: PostMortem, template: Template) -> Iterator[str]:
    theme_labels = {t.id: t.label for t in pm.themes}
    yield f"# {_md_cell(pm.title)}"
    yield ""
    facts = [
        ("Id", pm.id),
        ("Status", pm.status),
        ("Severity", pm.severity.label if pm.severity else "unknown"),
        ("Services", ", ".join(pm.services) or "none"),
        ("Time to detect", _duration(pm.time_to_detect)),
        ("Time to resolve", _duration(pm.time_to_resolve)),
    ]
    if pm.review.facilitator:
        facts.append(("Facilitator", pm.review.facilitator))
    if pm.review.held_on:
        facts.append(("Review held on", pm.review.held_on.isoformat()))
    yield from (f"- **{name}:** {_md_cell(value)}" for name, value in facts)
    yield ""
    yield "## What happened"
    yield ""
    yield _md(pm.summary) if pm.summary else "_Not written yet._"
    yield ""
    yield "## Impact"
    yield ""
    yield _md(pm.impact.text) if pm.impact.text else "_Not written yet._"
    if pm.impact.customers_affected is not None:
        yield f"\nCustomers affected: {pm.impact.customers_affected}"
    yield ""
    if pm.timeline:
        yield "## Timeline"
        yield ""
        yield "| time | kind | what happened |"
        yield "| --- | --- | --- |"
        for event in pm.timeline:
            at = event.at.strftime("%Y-%m-%d %H:%M %Z")
            yield f"| {at} | {event.kind or ''} | {_md_cell(event.text)} |"
        yield ""
    for section in report_sections(pm, template):
        yield f"## {_md_cell(section.title)}"
        yield ""
        if not section.items:
            yield "_No items._"
        for item in section.items:
            notes = [f"{item.votes} votes"] if item.votes else []
            if item.theme_id in theme_labels:
                notes.append(f"theme: {_md_cell(theme_labels[item.theme_id])}")
            if item.author:
                notes.append(f"by {_md_cell(item.author)}")
            suffix = f" ({'; '.join(notes)})" if notes else ""
            yield f"- {_md(item.text).replace(chr(10), chr(10) + '  ')}{suffix}"
        yield ""
    yield "## Themes by priority"
    yield ""
    rows = _themes(pm)
    if rows:
        yield "| rank | theme | votes | items |"
        yield "| --- | --- | --- | --- |"
        for rank, _, label, votes, count in rows:
            yield f"| {rank or ''} | {_md_cell(label)} | {votes} | {count} |"
    else:
        yield "_No themes._"
    yield ""
    yield "## Actions"
    yield ""
    if pm.actions:
        yield "| action | owner | due | priority | status | addresses |"
        yield "| --- | --- | --- | --- | --- | --- |"
        for action in pm.actions:
            missing = _action_missing(action)
            owner = _md_cell(action.owner) if action.owner else "**missing owner**"
            due = action.due.isoformat() if action.due else "**missing due date**"
            if "owner" not in missing and not action.owner:
                owner = ""
            if "due" not in missing and not action.due:
                due = ""
            target = theme_labels.get(action.addresses or "", action.addresses or "")
            yield (
                f"| {_md_cell(action.title)} | {owner} | {due} | "
                f"{_md_cell(action.priority or '')} | {action.status} | {_md_cell(target)} |"
            )
    else:
        yield "_No actions._"
    yield ""


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
    pm, template = _resolve(source)
    return "\n".join(_md_lines(pm, template))


# --------------------------------------------------------------------------- HTML

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;max-width:60rem;margin:2rem auto;
padding:0 1rem;color:#1f2328;line-height:1.45}
h1{margin-bottom:.2rem}h2{border-bottom:1px solid #d0d7de;padding-bottom:.2rem;margin-top:2rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}
.facts dt{font-weight:600}.facts dd{margin:0}.meta{color:#57606a;font-size:.9em}
.missing{color:#b42318;font-weight:600}.votes{background:#ddf4ff;border-radius:1em;
padding:0 .5em;font-size:.85em}.theme{background:#fff8c5;border-radius:1em;padding:0 .5em;
font-size:.85em}li{margin:.3rem 0;white-space:pre-wrap}
"""


def _h(text: object) -> str:
    return escape(str(text), quote=True)


def _html_parts(pm: PostMortem, template: Template) -> Iterator[str]:
    theme_labels = {t.id: t.label for t in pm.themes}
    yield "<!DOCTYPE html>"
    yield '<html lang="en"><head><meta charset="utf-8">'
    yield f"<title>{_h(pm.title)}: post-mortem report</title><style>{_CSS}</style></head><body>"
    yield f"<h1>{_h(pm.title)}</h1>"
    yield f'<p class="meta">{_h(pm.id)} · {_h(pm.status)}</p>'
    facts = {
        "Severity": pm.severity.label if pm.severity else "unknown",
        "Services": ", ".join(pm.services) or "none",
        "Time to detect": _duration(pm.time_to_detect),
        "Time to resolve": _duration(pm.time_to_resolve),
        "Facilitator": pm.review.facilitator or "unknown",
        "Review held on": pm.review.held_on.isoformat() if pm.review.held_on else "unknown",
    }
    yield '<dl class="facts">'
    yield "".join(f"<dt>{_h(k)}</dt><dd>{_h(v)}</dd>" for k, v in facts.items())
    yield "</dl>"
    yield f"<h2>What happened</h2><p>{_h(pm.summary or 'Not written yet.')}</p>"
    yield f"<h2>Impact</h2><p>{_h(pm.impact.text or 'Not written yet.')}</p>"
    if pm.impact.customers_affected is not None:
        yield f"<p>Customers affected: {pm.impact.customers_affected}</p>"
    if pm.timeline:
        yield "<h2>Timeline</h2><table><tr><th>time</th><th>kind</th><th>what happened</th></tr>"
        for event in pm.timeline:
            at = event.at.strftime("%Y-%m-%d %H:%M %Z")
            cells: tuple[object, ...] = (at, event.kind or "", event.text)
            yield "<tr>" + "".join(f"<td>{_h(c)}</td>" for c in cells) + "</tr>"
        yield "</table>"
    for section in report_sections(pm, template):
        yield f"<h2>{_h(section.title)}</h2>"
        if not section.items:
            yield '<p class="meta">No items.</p>'
            continue
        yield "<ul>"
        for item in section.items:
            extra = ""
            if item.votes:
                extra += f' <span class="votes">{item.votes} votes</span>'
            if item.theme_id in theme_labels:
                extra += f' <span class="theme">{_h(theme_labels[item.theme_id])}</span>'
            if item.author:
                extra += f' <span class="meta">by {_h(item.author)}</span>'
            yield f"<li>{_h(item.text)}{extra}</li>"
        yield "</ul>"
    yield "<h2>Themes by priority</h2>"
    rows = _themes(pm)
    if rows:
        yield "<table><tr><th>rank</th><th>theme</th><th>votes</th><th>items</th></tr>"
        for rank, _, label, votes, count in rows:
            cells = (rank or "", label, votes, count)
            yield "<tr>" + "".join(f"<td>{_h(c)}</td>" for c in cells) + "</tr>"
        yield "</table>"
    else:
        yield '<p class="meta">No themes.</p>'
    yield "<h2>Actions</h2>"
    if pm.actions:
        yield (
            "<table><tr><th>action</th><th>owner</th><th>due</th><th>priority</th>"
            "<th>status</th><th>addresses</th></tr>"
        )
        for action in pm.actions:
            missing = _action_missing(action)
            owner = (
                '<span class="missing">missing owner</span>'
                if "owner" in missing
                else _h(action.owner or "")
            )
            due = (
                '<span class="missing">missing due date</span>'
                if "due" in missing
                else _h(action.due.isoformat() if action.due else "")
            )
            target = theme_labels.get(action.addresses or "", action.addresses or "")
            yield (
                f"<tr><td>{_h(action.title)}</td><td>{owner}</td><td>{due}</td>"
                f"<td>{_h(action.priority or '')}</td><td>{_h(action.status)}</td>"
                f"<td>{_h(target)}</td></tr>"
            )
        yield "</table>"
    else:
        yield '<p class="meta">No actions.</p>'
    yield "</body></html>"


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
    pm, template = _resolve(source)
    return "\n".join(_html_parts(pm, template))


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
    """
    pm, template = _resolve(source)
    unknown = set(formats) - {"html", "md"}
    if unknown or not formats:
        raise ValueError(f"'formats' must name 'html' and/or 'md', got {formats!r}")
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in formats:
        text = "\n".join(_html_parts(pm, template) if kind == "html" else _md_lines(pm, template))
        written.append(atomic_write_text(target / f"{pm.id}.report.{kind}", text))
    return written
