"""The report's view model: what every report shows, computed once from a post-mortem.

:func:`report_data` is the one place that decides what a report says: the facts,
which items go in which section, the themes by priority, and which actions lack an
owner or a due date. The Markdown report, the HTML report and the session app's facts
and actions panels all render the :class:`ReportData` it returns, so they cannot
disagree. It holds display-ready values (strings, ints, tuples) and no model objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from .._errors import PMError
from .._html import format_duration
from .._model import Item, PostMortem
from .._sections import CANONICAL_HEADINGS
from ..session.rules import missing_plan
from ..session.templates import DEFAULT_TEMPLATE, Template

__all__ = [
    "ActionRow",
    "ItemView",
    "ReportData",
    "ReportError",
    "ReportSection",
    "SectionView",
    "ThemeRow",
    "TimelineRow",
    "report_data",
    "report_sections",
]


class ReportError(PMError, ValueError):
    """A report was asked for with an invalid argument (the message names it)."""


class _HasPostMortem(Protocol):
    @property
    def template(self) -> Template: ...

    def to_postmortem(self) -> PostMortem: ...


#: What a report is made from: a post-mortem, or a session (its post-mortem and template).
Source = PostMortem | _HasPostMortem


@dataclass(frozen=True)
class ReportSection:
    """One section of the report: its title and items."""

    title: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class ItemView:
    """One item as shown: its text, votes, theme label and author."""

    id: str
    text: str
    votes: int
    theme: str | None
    author: str | None


@dataclass(frozen=True)
class SectionView:
    """One section as shown: its title and items (possibly none)."""

    title: str
    items: tuple[ItemView, ...]


@dataclass(frozen=True)
class TimelineRow:
    """One timeline event: ``at`` as ``YYYY-MM-DD HH:MM`` with its zone, kind, text."""

    at: str
    kind: str
    text: str


@dataclass(frozen=True)
class ThemeRow:
    """One theme: its rank (if any), id, label, total votes and number of items."""

    rank: int | None
    id: str
    label: str
    votes: int
    items: int


@dataclass(frozen=True)
class ActionRow:
    """One action as shown; ``missing`` names what its plan lacks (``owner``, ``due``)."""

    id: str
    title: str
    owner: str | None
    due: str | None
    priority: str | None
    status: str
    addresses: str
    missing: tuple[str, ...]


@dataclass(frozen=True)
class ReportData:
    """Everything a report of one post-mortem shows, in order, ready to render.

    ``facts`` are (label, value) pairs; ``themes`` are by priority; ``actions`` keep the
    post-mortem's order. Build one with :func:`report_data`.
    """

    id: str
    title: str
    status: str
    facts: tuple[tuple[str, str], ...]
    summary: str
    impact: str
    customers_affected: int | None
    timeline: tuple[TimelineRow, ...]
    sections: tuple[SectionView, ...]
    themes: tuple[ThemeRow, ...]
    actions: tuple[ActionRow, ...]

    @property
    def unplanned(self) -> tuple[ActionRow, ...]:
        """The actions still lacking an owner or a due date."""
        return tuple(action for action in self.actions if action.missing)


def _resolve(source: object, template: Template | None) -> tuple[PostMortem, Template]:
    if isinstance(source, PostMortem):
        return source, template or DEFAULT_TEMPLATE
    if hasattr(source, "to_postmortem") and hasattr(source, "template"):
        return source.to_postmortem(), template or source.template
    raise ReportError(
        f"'source' must be a PostMortem or a Session, got {type(source).__name__} {source!r:.80}"
    )


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


def _facts(pm: PostMortem) -> tuple[tuple[str, str], ...]:
    facts = [
        ("Id", pm.id),
        ("Status", pm.status),
        ("Severity", pm.severity.label if pm.severity else "unknown"),
        ("Services", ", ".join(pm.services) or "none"),
        ("Time to detect", format_duration(pm.time_to_detect)),
        ("Time to resolve", format_duration(pm.time_to_resolve)),
    ]
    if pm.review.facilitator:
        facts.append(("Facilitator", pm.review.facilitator))
    if pm.review.held_on:
        facts.append(("Review held on", pm.review.held_on.isoformat()))
    return tuple(facts)


def _themes(pm: PostMortem) -> tuple[ThemeRow, ...]:
    rows = [
        ThemeRow(t.rank, t.id, t.label, pm.theme_votes(t.id), len(pm.theme_item_ids(t.id)))
        for t in pm.themes
    ]
    return tuple(sorted(rows, key=lambda r: (r.rank is None, r.rank or 0, -r.votes)))


def report_data(source: Source, *, template: Template | None = None) -> ReportData:
    """What the report of ``source`` shows; a pure function of the post-mortem and template.

    Parameters
    ----------
    source : PostMortem or Session
        A session gives its current post-mortem (items, votes, themes, actions, review)
        and its template.
    template : Template, optional
        The sections' titles and order. Default: the session's, else the default template.

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> from pmanalytics import Action, PostMortem
    >>> data = report_data(PostMortem(
    ...     id="p", title="Outage", started_at=datetime(2024, 1, 1, 10, tzinfo=timezone.utc),
    ...     resolved_at=datetime(2024, 1, 1, 11, 5, tzinfo=timezone.utc),
    ...     actions=[Action(id="a-1", title="Add alert", owner="ana")]))
    >>> dict(data.facts)["Time to resolve"], [a.missing for a in data.unplanned]
    ('1 h 05 min', [('due',)])
    >>> [s.title for s in data.sections]
    ['What went well', 'Lessons learned', 'Future considerations', 'What is an ongoing problem']
    """
    pm, template = _resolve(source, template)
    labels = {t.id: t.label for t in pm.themes}
    sections = tuple(
        SectionView(
            section.title,
            tuple(
                ItemView(i.id, i.text, i.votes, labels.get(i.theme_id or ""), i.author)
                for i in section.items
            ),
        )
        for section in report_sections(pm, template)
    )
    actions = tuple(
        ActionRow(
            id=a.id,
            title=a.title,
            owner=a.owner,
            due=a.due.isoformat() if a.due else None,
            priority=a.priority,
            status=a.status,
            addresses=labels.get(a.addresses or "", a.addresses or ""),
            missing=missing_plan(a.owner, a.due, a.status),
        )
        for a in pm.actions
    )
    timeline = tuple(
        TimelineRow(e.at.strftime("%Y-%m-%d %H:%M %Z"), e.kind or "", e.text) for e in pm.timeline
    )
    return ReportData(
        id=pm.id,
        title=pm.title,
        status=pm.status,
        facts=_facts(pm),
        summary=pm.summary,
        impact=pm.impact.text,
        customers_affected=pm.impact.customers_affected,
        timeline=timeline,
        sections=sections,
        themes=_themes(pm),
        actions=actions,
    )
