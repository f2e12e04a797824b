"""Render post-mortems as Markdown in other teams' templates: sample input for the importer.

Three styles, used in turn: the dfds style (Summary, a ``Time | Event`` table with "All
times in UTC", Contributing Factors, Action Items, Lessons Learned, Attendees, Stats),
the Google SRE book style (bold milestones in a bullet timeline, an action-item table with
DONE/TODO markers) and a PagerDuty/Atlassian style (Overview, Leadup, Fault, Detection,
Response, Recovery, Five whys, Follow-up actions with check boxes and @owners).
"""

from __future__ import annotations

from datetime import UTC

from .._model import PostMortem
from .._validate import check_choice

__all__ = ["FOREIGN_STYLES", "to_foreign_markdown"]

_UTC_FORMAT = "%Y-%m-%d %H:%M"


def _items(pm: PostMortem, *sections: str) -> list[str]:
    return [i.text.replace("\n", " ") for i in pm.items if i.section in sections]


def _minutes(pm: PostMortem, which: str) -> str:
    span = getattr(pm, which)
    return "N/A" if span is None else f"{round(span.total_seconds() / 60)} minutes"


def dfds_style(pm: PostMortem) -> str:
    lines = [f"# {pm.title}", "", "## Summary", "", pm.summary or "No summary.", ""]
    lines += ["## Timeline", "", "All times in UTC.", "", "| Time | Event |", "| :--- | --- |"]
    for event in pm.timeline:
        at = event.at.astimezone(UTC).strftime(_UTC_FORMAT)
        lines.append(f"| {at} | {event.text.replace('|', '/').replace(chr(10), ' ')} |")
    lines += ["", "## Contributing Factors", ""]
    lines += [f"- {text}" for text in _items(pm, "ongoing_problem")]
    lines += ["", "## Action Items", ""]
    lines += [f"- {a.title.replace(chr(10), ' ')}" for a in pm.actions]
    lines += ["", "## Lessons Learned", ""]
    lines += [f"- {text}" for text in _items(pm, "lessons_learned", "future_considerations")]
    lines += ["", "## Attendees", ""]
    lines += [f"- {', '.join(p.name for p in pm.participants)}", ""]
    lines += [
        "## Stats",
        "",
        f"- Category: {pm.services[0] if pm.services else 'Other'}",
        f"- Time to detection: {_minutes(pm, 'time_to_detect')}",
        f"- Time to recovery: {_minutes(pm, 'time_to_resolve')}",
        "",
    ]
    return "\n".join(lines)


def google_sre_style(pm: PostMortem) -> str:
    day = pm.started_at.astimezone(UTC).strftime("%Y-%m-%d") if pm.started_at else "2024-01-01"
    lines = [
        f"# {pm.title} Postmortem",
        "",
        f"**Date:** {day}",
        "",
        "## Summary",
        "",
        pm.summary or "No summary.",
        "",
        "## Impact",
        "",
        pm.impact.text or "Unknown.",
        "",
    ]
    lines += ["## Root Causes", ""] + [f"- {t}" for t in _items(pm, "ongoing_problem")] + [""]
    lines += [
        "## Action Items",
        "",
        "| Action Item | Type | Owner | Bug |",
        "| --- | --- | --- | --- |",
    ]
    for action in pm.actions:
        marker = "**DONE**" if action.status == "done" else "**TODO**"
        title = action.title.replace("|", "/").replace("\n", " ")
        lines.append(
            f"| {title} | {action.kind or 'other'} | {action.owner or ''} | n/a {marker} |"
        )
    lines += ["", "## Lessons Learned", "", "### What went well", ""]
    lines += [f"- {t}" for t in _items(pm, "went_well")]
    lines += ["", "### What went wrong", ""] + [f"- {t}" for t in _items(pm, "lessons_learned")]
    lines += ["", "### Where we got lucky", "", "- Traffic was low at the time.", ""]
    lines += ["## Timeline", "", f"{day} (all times UTC)", ""]
    for event in pm.timeline:
        stamp = event.at.astimezone(UTC).strftime("%H:%M")
        marker = {
            "trigger": "**OUTAGE BEGINS** ",
            "mitigation": "**OUTAGE MITIGATED** ",
            "resolution": "**OUTAGE ENDS** ",
        }.get(event.kind or "", "")
        lines.append(f"- {stamp} {marker}{event.text.replace(chr(10), ' ')}")
    return "\n".join(lines) + "\n"


def pagerduty_style(pm: PostMortem) -> str:
    lines = [
        f"# {pm.title}",
        "",
        "## Overview",
        "",
        pm.summary or "No summary.",
        "",
        "## Leadup",
        "",
        "A routine change went out.",
        "",
        "## Fault",
        "",
    ]
    lines += [f"- {t}" for t in _items(pm, "ongoing_problem")]
    lines += [
        "",
        "## Impact",
        "",
        pm.impact.text or "Unknown.",
        "",
        "## Detection",
        "",
        "An alert paged the on-call engineer.",
        "",
        "## Timeline",
        "",
        "All times in UTC.",
        "",
        "| Time | Event |",
        "|---|---|",
    ]
    for event in pm.timeline:
        at = event.at.astimezone(UTC).strftime(_UTC_FORMAT)
        lines.append(f"| {at} | {event.text.replace('|', '/').replace(chr(10), ' ')} |")
    lines += ["", "## What went well", ""] + [f"- {t}" for t in _items(pm, "went_well")]
    lines += ["", "## Five whys", "", "1. Why? Because.", "", "## Follow-up actions", ""]
    for action in pm.actions:
        box = "[x]" if action.status == "done" else "[ ]"
        owner = f" @{action.owner.replace(' ', '.')}" if action.owner else ""
        due = f" due {action.due.isoformat()}" if action.due else ""
        lines.append(f"- {box} {action.title.replace(chr(10), ' ')}{owner}{due}")
    return "\n".join(lines) + "\n"


FOREIGN_STYLES = {"dfds": dfds_style, "google-sre": google_sre_style, "pagerduty": pagerduty_style}


def to_foreign_markdown(pm: PostMortem, style: str) -> str:
    """``pm`` written as another team would: ``style`` is one of :data:`FOREIGN_STYLES`.

    Examples
    --------
    >>> from pmanalytics import PostMortem
    >>> print(to_foreign_markdown(PostMortem(id="a", title="Disk full"), "dfds").splitlines()[0])
    # Disk full
    """
    return FOREIGN_STYLES[check_choice("style", style, FOREIGN_STYLES)](pm)
