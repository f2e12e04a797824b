"""Which body heading holds which part of a post-mortem.

The canonical file writes the headings in :data:`CANONICAL_HEADINGS`; reading
matches headings tolerantly (case, punctuation, emoji and numbering are ignored)
against :data:`HEADING_ALIASES`.
"""

from __future__ import annotations

import re
import unicodedata

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

#: Normalised heading text -> body part. Extend it for other templates.
HEADING_ALIASES: dict[str, str] = {
    "what happened": SUMMARY,
    "summary": SUMMARY,
    "impact": IMPACT,
    "what went well": "went_well",
    "went well": "went_well",
    "lessons learned": "lessons_learned",
    "lessons": "lessons_learned",
    "future considerations": "future_considerations",
    "what is an ongoing problem": "ongoing_problem",
    "ongoing problems": "ongoing_problem",
    "ongoing problem": "ongoing_problem",
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


def body_part(heading: str) -> str | None:
    """The body part a heading names, or None for a heading of its own.

    Examples
    --------
    >>> body_part("Lessons Learned:")
    'lessons_learned'
    >>> body_part("Contributing factors") is None
    True
    """
    return HEADING_ALIASES.get(normalise_heading(heading))
