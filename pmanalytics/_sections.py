"""Which heading means which part of a post-mortem: one table for every reader.

:data:`SECTION_MAP` maps a normalised heading (see :func:`normalise_heading`) to a
:class:`Part`. The canonical reader uses its narrative and four-section entries
(:func:`body_part`); the Markdown importer uses all of it, tolerantly
(:func:`match_heading`), and callers override it with ``section_map=``, e.g.
``{"things we tripped over": "lessons_learned"}``.

Part kinds:

- ``summary``, ``impact``: narrative text of the post-mortem.
- ``went_well``, ``lessons_learned``, ``future_considerations``, ``ongoing_problem``:
  the template's four sections; each bullet or paragraph becomes an item. A part
  may carry a ``heading`` kept on its items (``What went wrong`` is lessons
  learned under its own heading, so nothing is conflated silently).
- ``other``: narrative sections of other templates (root causes, trigger,
  contributing factors, five whys, ...): items in section ``other``, heading kept.
- ``timeline``, ``actions``, ``stats``, ``participants``: structured parts.
- ``ignore``: headings that carry nothing (a template's own instructions).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from ._model import TEMPLATE_SECTIONS

SUMMARY = "summary"
IMPACT = "impact"

#: The heading written for each body part, in the order they are written.
CANONICAL_HEADINGS: dict[str, str] = {
    SUMMARY: "What happened",
    IMPACT: "Impact",
    "went_well": "What went well",
    "lessons_learned": "Lessons learned",
    "future_considerations": "Future considerations",
    "ongoing_problem": "What is an ongoing problem",
}


def normalise_heading(text: str) -> str:
    """Reduce a heading to lower-case words: no numbering, punctuation or emoji.

    Examples
    --------
    >>> normalise_heading("2. 🎉 What Went Well?")
    'what went well'
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(ch if ch.isalnum() or ch.isspace() else " " for ch in text)
    text = re.sub(r"^\s*(?:\d+\s+)+", "", text)
    return " ".join(text.split())


PART_KINDS = (
    SUMMARY,
    IMPACT,
    *TEMPLATE_SECTIONS,
    "other",
    "timeline",
    "actions",
    "stats",
    "participants",
    "ignore",
)


@dataclass(frozen=True)
class Part:
    """What a heading maps to: a part kind, and for items an optional heading to keep."""

    kind: str
    heading: str | None = None


def _p(kind: str, heading: str | None = None) -> Part:
    return Part(kind, heading)


_WENT_WRONG = _p("lessons_learned", "What went wrong")
_LUCKY = _p("lessons_learned", "Where we got lucky")

#: Normalised heading -> part. The documented default; override with ``section_map=``.
SECTION_MAP: dict[str, Part] = {
    # the seed template
    "what happened": _p("summary"),
    "what went well": _p("went_well"),
    "went well": _p("went_well"),
    "things that went well": _p("went_well"),
    "what went right": _p("went_well"),
    "lessons learned": _p("lessons_learned"),
    "lessons learnt": _p("lessons_learned"),
    "lessons": _p("lessons_learned"),
    "learnings": _p("lessons_learned"),
    "key learnings": _p("lessons_learned"),
    "what we learned": _p("lessons_learned"),
    "takeaways": _p("lessons_learned"),
    "key takeaways": _p("lessons_learned"),
    "future considerations": _p("future_considerations"),
    "considerations": _p("future_considerations"),
    "recommendations": _p("future_considerations"),
    "prevention": _p("future_considerations"),
    "what is an ongoing problem": _p("ongoing_problem"),
    "ongoing problems": _p("ongoing_problem"),
    "ongoing problem": _p("ongoing_problem"),
    "ongoing issues": _p("ongoing_problem"),
    "known issues": _p("ongoing_problem"),
    "open issues": _p("ongoing_problem"),
    "open questions": _p("ongoing_problem"),
    "remaining risks": _p("ongoing_problem"),
    "actions": _p("actions"),
    # Google SRE book
    "summary": _p("summary"),
    "incident summary": _p("summary"),
    "executive summary": _p("summary"),
    "overview": _p("summary"),
    "description": _p("summary"),
    "impact": _p("impact"),
    "customer impact": _p("impact"),
    "user impact": _p("impact"),
    "business impact": _p("impact"),
    "root cause": _p("other", "Root Causes"),
    "root causes": _p("other", "Root Causes"),
    "root cause analysis": _p("other", "Root Causes"),
    "trigger": _p("other", "Trigger"),
    "resolution": _p("other", "Resolution"),
    "detection": _p("other", "Detection"),
    "action items": _p("actions"),
    "what went wrong": _WENT_WRONG,
    "what didn t go well": _WENT_WRONG,
    "what did not go well": _WENT_WRONG,
    "things that went wrong": _WENT_WRONG,
    "where we got lucky": _LUCKY,
    "where we were lucky": _LUCKY,
    "timeline": _p("timeline"),
    "incident timeline": _p("timeline"),
    "timeline of events": _p("timeline"),
    "chronology": _p("timeline"),
    "supporting information": _p("other", "Supporting information"),
    # PagerDuty and Atlassian
    "leadup": _p("other", "Leadup"),
    "lead up": _p("other", "Leadup"),
    "fault": _p("other", "Fault"),
    "response": _p("other", "Response"),
    "recovery": _p("other", "Recovery"),
    "five whys": _p("other", "Five whys"),
    "5 whys": _p("other", "Five whys"),
    "contributing factors": _p("other", "Contributing factors"),
    "contributing factor": _p("other", "Contributing factors"),
    "follow up actions": _p("actions"),
    "follow up": _p("actions"),
    "follow ups": _p("actions"),
    "followups": _p("actions"),
    "corrective actions": _p("actions"),
    "remediation": _p("actions"),
    "remediations": _p("actions"),
    "action plan": _p("actions"),
    "next steps": _p("actions"),
    "tasks": _p("actions"),
    # stats lists and people
    "stats": _p("stats"),
    "statistics": _p("stats"),
    "metrics": _p("stats"),
    "incident stats": _p("stats"),
    "attendees": _p("participants"),
    "participants": _p("participants"),
    "people involved": _p("participants"),
    "responders": _p("participants"),
    "incident team": _p("participants"),
}


_DEFAULT_LONGEST = max(key.count(" ") + 1 for key in SECTION_MAP)


def build_section_map(overrides: Mapping[str, str | Part] | None) -> dict[str, Part]:
    """The default table with the caller's entries on top (keys are normalised here).

    Without overrides this is :data:`SECTION_MAP` itself: read it, do not change it.

    Examples
    --------
    >>> build_section_map({"Things We Tripped Over": "lessons_learned"})["things we tripped over"]
    Part(kind='lessons_learned', heading=None)
    """
    if overrides is not None and not isinstance(overrides, Mapping):
        raise ValueError(f"'section_map' must be a mapping of heading -> part, got {overrides!r}")
    if not overrides:
        return SECTION_MAP  # read-only use: no copy per document
    table = dict(SECTION_MAP)
    for heading, target in overrides.items():
        if not isinstance(heading, str):
            raise ValueError(f"'section_map' keys must be headings (str), got {heading!r}")
        part = target if isinstance(target, Part) else Part(str(target))
        if part.kind not in PART_KINDS:
            kinds = ", ".join(PART_KINDS)
            raise ValueError(f"section_map[{heading!r}] must be one of {kinds}, got {part.kind!r}")
        table[normalise_heading(heading)] = part
    return table


def _longest_key(table: Mapping[str, Part]) -> int:
    return max((key.count(" ") + 1 for key in table), default=0)


def match_heading(heading: str, table: Mapping[str, Part]) -> Part | None:
    """The part a heading names: exact, then by leading words, then by a close spelling.

    Examples
    --------
    >>> match_heading("📋 3. Action Items", SECTION_MAP)
    Part(kind='actions', heading=None)
    >>> match_heading("Contributing Factors (findings)", SECTION_MAP).kind
    'other'
    >>> match_heading("Atendees", SECTION_MAP).kind
    'participants'
    >>> match_heading("Appendix: dashboards", SECTION_MAP) is None
    True
    """
    key = normalise_heading(heading)
    if not key:
        return None
    if key in table:
        return table[key]
    words = key.split()
    longest = _DEFAULT_LONGEST if table is SECTION_MAP else _longest_key(table)
    for length in range(min(len(words) - 1, longest), 0, -1):
        prefix = " ".join(words[:length])
        if prefix in table and len(prefix) >= 5:
            return table[prefix]
    if len(key) > 80:  # a sentence, not a heading: no spelling match
        return None
    close = difflib.get_close_matches(key, list(table), n=1, cutoff=0.88)
    return table[close[0]] if close else None


def section_map_markdown() -> str:
    """:data:`SECTION_MAP` as a Markdown table, one row per part (used in the README).

    Examples
    --------
    >>> print(section_map_markdown().splitlines()[0])
    | part | headings (normalised: case, punctuation, emoji and numbering ignored) |
    """
    rows: dict[str, list[str]] = {}
    for heading, part in SECTION_MAP.items():
        label = part.kind if part.heading is None else f"{part.kind}: {part.heading}"
        rows.setdefault(label, []).append(heading)
    lines = [
        "| part | headings (normalised: case, punctuation, emoji and numbering ignored) |",
        "| --- | --- |",
    ]
    for label, headings in rows.items():
        lines.append(f"| `{label}` | {', '.join(headings)} |")
    return "\n".join(lines) + "\n"


#: Normalised heading -> body part, for the canonical reader: the narrative and the
#: four sections, exactly as :data:`SECTION_MAP` has them.
HEADING_ALIASES: dict[str, str] = {
    key: part.kind
    for key, part in SECTION_MAP.items()
    if part.heading is None and part.kind in tuple(CANONICAL_HEADINGS)
}


def body_part(heading: str) -> str | None:
    """The body part a heading names in a canonical file, or None for a heading of its own.

    Examples
    --------
    >>> body_part("Lessons Learned:")
    'lessons_learned'
    >>> body_part("Contributing factors") is None
    True
    """
    return HEADING_ALIASES.get(normalise_heading(heading))
