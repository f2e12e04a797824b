"""Which notes the cross-incident functions read, per document (private).

- Template documents (see :mod:`pmanalytics._template_docs`) are left out, with their notes.
- A note repeated verbatim in :data:`TEMPLATE_REPEATS` or more incidents is template text, not
  signal, and is left out.
- :func:`problem_notes` picks the *problem parts* of each document: ``ongoing_problem`` notes when
  the corpus has any; otherwise, per document, its problem-like parts (contributing factors, what
  went wrong, root causes, lessons learned, ...: :data:`PROBLEM_HEADINGS`); and for a document
  with none of those, the paragraphs of its summary.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd

from .._template_docs import template_incidents
from ..corpus import Corpus

__all__ = [
    "PROBLEM_HEADINGS",
    "PROBLEM_SECTIONS",
    "TEMPLATE_REPEATS",
    "NoteSelection",
    "problem_notes",
    "real_incidents",
]

#: Notes repeated verbatim in this many incidents or more are template text.
TEMPLATE_REPEATS = 3
#: Item sections that state problems (``went_well`` and ``future_considerations`` do not).
PROBLEM_SECTIONS = ("ongoing_problem", "lessons_learned")
#: Words of an ``other`` item's heading that make it a problem part.
PROBLEM_HEADINGS = re.compile(
    r"(?i)contributing|root cause|went wrong|didn.?t go well|did not go well|trigger|fault|"
    r"five whys|5 whys|causes?\b|problems?\b|issues?\b|lucky|risks?\b|what broke"
)
_PARAGRAPH = re.compile(r"\n\s*\n|(?<=[.!?])\s+(?=[A-Z])")


class NoteSelection:
    """The notes chosen (``notes``), which parts they came from, and what was left out."""

    def __init__(
        self,
        notes: pd.DataFrame,
        parts: dict[str, int],
        fallback: bool,
        templates: dict[str, list[str]],
        repeated: int,
    ) -> None:
        self.notes = notes
        self.parts = parts
        self.fallback = fallback
        self.templates = templates
        self.repeated = repeated


def real_incidents(
    corpus: Corpus, include_templates: bool = False
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, list[str]]]:
    """Incidents and items without template documents (unless ``include_templates``)."""
    templates = {} if include_templates else template_incidents(corpus.incidents, corpus.items)
    incidents = corpus.incidents[~corpus.incidents["incident_id"].isin(list(templates))]
    items = corpus.items[~corpus.items["incident_id"].isin(list(templates))]
    return incidents, items, templates


def _part_name(section: object, heading: object) -> str:
    if str(section) == "other" and isinstance(heading, str) and heading.strip():
        return heading.strip()
    return str(section)


def _drop_repeated(notes: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    key = notes["text"].astype(str).str.casefold().str.split().str.join(" ")
    spread = notes.assign(_k=key).groupby("_k")["incident_id"].transform("nunique")
    keep = spread < TEMPLATE_REPEATS
    return notes[keep.to_numpy()], int((~keep).sum())


def problem_notes(
    corpus: Corpus,
    sections: Sequence[str] | None = None,
    include_templates: bool = False,
) -> NoteSelection:
    """The problem notes of ``corpus``: ``incident_id``, ``item_id``, ``text``, ``part``,
    ``theme_id``, ``created_at``; ``sections`` fixes the item sections instead.

    Examples
    --------
    >>> from pmanalytics import PostMortem
    >>> corpus = Corpus.from_postmortems([
    ...     PostMortem(id="a", title="A", summary="The disk filled up.", items=[
    ...         {"id": "1", "section": "other", "heading": "Contributing factors",
    ...          "text": "No log rotation"},
    ...         {"id": "2", "section": "went_well", "text": "Quick rollback"}]),
    ...     PostMortem(id="b", title="B", summary="The disk filled up again.")])
    >>> chosen = problem_notes(corpus)
    >>> chosen.notes[["incident_id", "text", "part"]].values.tolist()
    ... # doctest: +NORMALIZE_WHITESPACE
    [['a', 'No log rotation', 'Contributing factors'],
     ['b', 'The disk filled up again.', 'summary']]
    >>> chosen.parts, chosen.fallback
    ({'Contributing factors': 1, 'summary': 1}, True)
    """
    incidents, items, templates = real_incidents(corpus, include_templates)
    items = items[items["text"].fillna("").astype(str).str.strip().str.len() > 0]
    columns = ["incident_id", "item_id", "text", "part", "theme_id", "created_at"]
    parts = (
        items.apply(lambda r: _part_name(r["section"], r["heading"]), axis=1)
        if len(items)
        else pd.Series([], dtype="object")
    )
    items = items.assign(part=parts)
    if sections is not None:
        chosen = items[items["section"].astype(str).isin(list(sections))]
        fallback = False
    elif (items["section"].astype(str) == "ongoing_problem").any():
        chosen = items[items["section"].astype(str) == "ongoing_problem"]
        fallback = False
    else:
        section = items["section"].astype(str)
        problem = section.isin(PROBLEM_SECTIONS) | (
            (section == "other")
            & items["heading"].fillna("").astype(str).str.contains(PROBLEM_HEADINGS)
        )
        # lessons learned under a went-well heading are not problems
        problem &= ~items["heading"].fillna("").astype(str).str.contains(
            r"(?i)went well|went right", regex=True
        )
        chosen = items[problem.to_numpy()]
        fallback = True
        covered = set(chosen["incident_id"])
        rows = []
        for incident, summary in zip(incidents["incident_id"], incidents["summary"], strict=True):
            if incident in covered or not isinstance(summary, str) or not summary.strip():
                continue
            for n, paragraph in enumerate(p for p in _PARAGRAPH.split(summary) if p.strip()):
                rows.append(
                    {
                        "incident_id": incident,
                        "item_id": f"summary-{n + 1}",
                        "text": paragraph.strip(),
                        "part": "summary",
                        "theme_id": pd.NA,
                        "created_at": pd.NaT,
                    }
                )
        if rows:
            extra = pd.DataFrame(rows, columns=columns)
            chosen = (
                pd.concat([chosen[columns], extra], ignore_index=True) if len(chosen) else extra
            )
    chosen = chosen[columns].reset_index(drop=True)
    chosen["text"] = chosen["text"].astype(str)
    chosen, repeated = _drop_repeated(chosen) if len(chosen) else (chosen, 0)
    chosen = chosen.reset_index(drop=True)
    used = chosen["part"].value_counts(sort=False)
    counts = {str(k): int(v) for k, v in used.items()}
    return NoteSelection(chosen, counts, fallback, templates, repeated)
