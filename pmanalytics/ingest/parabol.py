"""Parabol retrospective CSV exports: one retro file becomes one post-mortem.

Parabol's "Export to CSV" (meeting summary) writes one row per reflection and
one per discussion comment, reply or task, with the columns ``reflectionGroup,
author, votes, type, createdAt, discussionThread, prompt, content`` (columns
are matched by name, in any order), a UTF-8 byte-order mark, and a file name
like ``ParabolRetrospective_<team>_<YYYY-M-D>.csv``. What the rows become:

* ``type`` Reflection -> an item in the section its ``prompt`` maps to
  (:data:`PROMPT_SECTIONS`; the prompt is kept as the item's heading unless it is
  the section's own name; an unknown prompt gives section ``other``);
* Comment and Reply (discussion rows, no prompt) -> items in section ``other``
  under the heading "Discussion"; a reply keeps the comment it answers in
  ``extra["discussionThread"]``;
* Task -> an open action owned by the first ``@name`` in its text, else by its
  author, addressing the theme of its group;
* ``reflectionGroup`` -> a theme (id: the slug of its title), ranked by votes;
* ``author`` "Anonymous" (what Parabol writes for every reflection) or empty -> no author.

``votes`` is the vote count of the whole group, repeated on each of its rows; it is
counted once, on the group's first reflection, so that a theme's votes equal
Parabol's (every item keeps the group's count in ``extra["group_votes"]``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import PurePath
from typing import Any

from .._model import ITEM_SECTIONS, slugify
from .._sections import body_part, normalise_heading
from ._format import ExportFormat
from ._results import ImportProblem, ImportResult, with_more_errors
from ._textio import DEFAULT_MAX_BYTES, Source, csv_header, read_csv, read_source, source_name
from .records import Record, derived, from_records

__all__ = ["COLUMNS", "FORMAT", "PROMPT_SECTIONS", "parse", "read", "sniff"]

#: The columns of Parabol's retrospective CSV export.
COLUMNS = (
    "reflectionGroup",
    "author",
    "votes",
    "prompt",
    "type",
    "createdAt",
    "discussionThread",
    "content",
)
_REQUIRED = ("reflectionGroup", "prompt", "type", "content")

#: Normalised prompt text -> section. Parabol's own Incident Post-Mortem template uses the
#: four section names themselves; the rest are the prompts of its other retro templates.
PROMPT_SECTIONS: dict[str, str] = {
    **{
        prompt: "went_well"
        for prompt in (
            "what went well",
            "went well",
            "glad",
            "liked",
            "continue",
            "keep",
            "keep doing",
            "what s working",
            "whats working",
            "what worked",
            "what worked well",
            "wind in the sails",
            "positive",
            "kudos",
        )
    },
    **{
        prompt: "lessons_learned"
        for prompt in (
            "lessons learned",
            "learned",
            "what did we learn",
            "what did you learn",
            "what have we learned",
            "what i learned",
            "what didn t go well",
            "what did not go well",
            "didn t go well",
            "what went wrong",
            "what could have gone better",
            "sad",
            "mad",
            "stop",
            "drop",
            "negative",
        )
    },
    **{
        prompt: "future_considerations"
        for prompt in (
            "future considerations",
            "start",
            "longed for",
            "try",
            "ideas",
            "improve",
            "add",
            "what could be improved",
            "what should we do differently",
            "what should we try",
        )
    },
    **{
        prompt: "ongoing_problem"
        for prompt in (
            "what is an ongoing problem",
            "ongoing problem",
            "ongoing problems",
            "risks",
            "anchors",
            "lacked",
            "where did you get stuck",
            "blockers",
            "concerns",
            "what still puzzles me",
            "puzzles",
        )
    },
}
_DISCUSSION = "Discussion"
_ANONYMOUS = {"", "anonymous"}
_MENTION = re.compile(r"(?<![\w@])@([^\W_][\w.\-]*)")
_FILE_NAME = re.compile(
    r"^Parabol(?P<kind>[A-Za-z]+)_(?P<team>.+)_(?P<date>\d{4}-\d{1,2}-\d{1,2})$"
)
_DOWNLOAD_COPY = re.compile(r"\s*\(\d+\)$")


def sniff(source: Source | Sequence[str]) -> bool:
    """True when a file (or its header, as a list of column names) looks like a Parabol export.

    Examples
    --------
    >>> sniff(["reflectionGroup", "author", "votes", "type", "createdAt",
    ...        "discussionThread", "prompt", "content"])
    True
    >>> sniff(["Summary", "Issue key"])
    False
    """
    header = csv_header(source)
    return header is not None and all(column in header for column in _REQUIRED)


def read(
    source: Source,
    *,
    name: str | None = None,
    sections: Mapping[str, str] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    encoding: str | None = None,
) -> ImportResult:
    """Read one Parabol retrospective CSV export as one post-mortem.

    Parameters
    ----------
    source : path or open file
        The CSV export.
    name : str, optional
        The file name to derive id and title from (default: the path's).
    sections : dict, optional
        More prompt -> section mappings, overriding :data:`PROMPT_SECTIONS`
        (e.g. ``{"Start": "went_well"}``).
    max_bytes, encoding
        Files larger than ``max_bytes`` are refused; text must be UTF-8 unless
        ``encoding`` says otherwise.

    Examples
    --------
    >>> import io
    >>> csv_text = (
    ...     '"reflectionGroup","author","votes","type","createdAt","discussionThread",'
    ...     '"prompt","content"\\n'
    ...     '"Paging",Anonymous,3,"Reflection","2024-05-11T15:26:00.000Z","",'
    ...     '"Glad","Paging worked"\\n'
    ... )
    >>> result = read(io.StringIO(csv_text), name="ParabolRetrospective_SRE_2024-5-11.csv")
    >>> pm = result.postmortems[0]
    >>> pm.id, pm.title, pm.items[0].section, pm.items[0].heading, pm.theme_votes("paging")
    ('parabolretrospective_sre_2024-5-11', 'Retrospective: SRE, 2024-05-11', 'went_well', 'Glad', 3)
    """
    _prompt_table(sections)  # bad arguments fail before reading
    shown = source_name(source, name)
    if shown == "<stream>":  # an unnamed stream: a neutral name for id and title
        shown = "retrospective.csv"
    return read_source(
        source,
        lambda text, given: parse(text, name=given, sections=sections),
        name=shown,
        max_bytes=max_bytes,
        encoding=encoding,
    )


def parse(
    text: str, *, name: str = "retrospective.csv", sections: Mapping[str, str] | None = None
) -> ImportResult:
    """Read the text of a Parabol export; ``name`` is the file name id and title come from.

    Examples
    --------
    >>> parse("reflectionGroup,prompt,type,content\\n", name="retro.csv").errors[0].message
    'has a header but no rows'
    """
    table_map = _prompt_table(sections)
    table = read_csv(text, name)
    missing = [column for column in _REQUIRED if column not in table.header]
    if missing:
        return ImportResult(
            errors=(
                ImportProblem(
                    name,
                    1,
                    f"is not a Parabol retrospective export: no column {missing[0]!r} "
                    f"(columns: {', '.join(table.header) or 'none'})",
                ),
            )
        )
    if not table.rows:
        problems = table.problems or [ImportProblem(name, None, "has a header but no rows")]
        return ImportResult(errors=tuple(problems))
    numbered = table.records()
    result = from_records(
        [record for _, record in numbered],
        _mapping(name, numbered, table_map),
        group_by=lambda record: "retro",
        source=name,
        lines=[line for line, _ in numbered],
    )
    return with_more_errors(table.problems, result)


# --------------------------------------------------------------------------- mapping


def _mapping(
    name: str, numbered: list[tuple[int, dict[str, Any]]], table: Mapping[str, str]
) -> dict[str, Any]:
    stem = _DOWNLOAD_COPY.sub("", PurePath(name).stem) or "retrospective"
    found = _FILE_NAME.match(stem)
    title = stem.replace("_", " ")
    team, held_on = None, None
    if found:
        held_on = _file_date(found.group("date"))
        team = found.group("team").replace("_", " ")
        title = f"{found.group('kind')}: {team}, {held_on or found.group('date')}"
    group_votes, first_of_group = _votes(numbered)
    ranks = _ranks(group_votes)

    def is_reflection(record: Record) -> bool:
        return _text(record, "type").casefold() == "reflection"

    def kind(record: Record) -> str:
        return _text(record, "type").casefold()

    def item_text(record: Record) -> str | None:
        wanted = kind(record) in ("reflection", "comment", "reply")
        return _text(record, "content") if wanted else None

    def section(record: Record) -> str:
        if not is_reflection(record):
            return "other"
        return table.get(normalise_heading(_text(record, "prompt")), "other")

    def heading(record: Record) -> str | None:
        if not is_reflection(record):
            return _DISCUSSION
        prompt = " ".join(_text(record, "prompt").split())
        own = body_part(prompt) == section(record)
        return None if own or not prompt else prompt

    def votes(record: Record) -> int:
        if is_reflection(record) and id(record) in first_of_group:
            return group_votes.get(_group(record), 0)
        return 0

    def group_votes_of(record: Record) -> int | None:
        return group_votes.get(_group(record)) if is_reflection(record) else None

    def theme_id(record: Record) -> str | None:
        group = _group(record)
        return slugify(group, fallback="theme") if group else None

    def thread(record: Record) -> str | None:
        value = _text(record, "discussionThread")
        return value if value and value != _text(record, "content") else None

    def task_title(record: Record) -> str | None:
        return _text(record, "content") if kind(record) == "task" else None

    def owner(record: Record) -> str | None:
        mention = _MENTION.search(_text(record, "content"))
        return mention.group(1).rstrip(".-") if mention else _author(record)

    return {
        "id": lambda record: slugify(stem, fallback="retrospective"),
        "title": lambda record: title,
        "status": lambda record: "reviewed",
        "teams": lambda record: [team] if team else None,
        "review.held_on": lambda record: held_on,
        "items.text": derived(item_text, "content", "type"),
        "items.section": derived(section, "prompt", "type"),
        "items.heading": derived(heading, "prompt"),
        "items.author": derived(_author, "author"),
        "items.votes": derived(votes, "votes"),
        "items.extra.group_votes": derived(group_votes_of, "votes"),
        "items.extra.discussionThread": derived(thread, "discussionThread"),
        "items.theme_id": derived(theme_id, "reflectionGroup"),
        "items.created_at": "createdAt",
        "themes.label": derived(_group, "reflectionGroup"),
        "themes.rank": derived(lambda record: ranks.get(_group(record)), "reflectionGroup"),
        "actions.title": derived(task_title, "content"),
        "actions.owner": derived(owner, "author", "content"),
        "actions.created_at": "createdAt",
        "actions.addresses": derived(theme_id, "reflectionGroup"),
    }


def _text(record: Record, column: str) -> str:
    value = record.get(column)
    return value.strip() if isinstance(value, str) else ""


def _group(record: Record) -> str:
    return " ".join(_text(record, "reflectionGroup").split())


def _author(record: Record) -> str | None:
    author = " ".join(_text(record, "author").split())
    return None if author.casefold() in _ANONYMOUS else author


def _votes(numbered: list[tuple[int, dict[str, Any]]]) -> tuple[dict[str, int], set[int]]:
    """Each group's vote count, and which reflection rows are the first of their group."""
    group_votes: dict[str, int] = {}
    first: set[int] = set()
    for _, record in numbered:
        group = _group(record)
        if not group or _text(record, "type").casefold() != "reflection":
            continue
        raw = _text(record, "votes")
        count = int(raw) if raw.isdigit() else 0
        if group not in group_votes:
            first.add(id(record))
        group_votes[group] = max(count, group_votes.get(group, 0))
    return group_votes, first


def _ranks(group_votes: Mapping[str, int]) -> dict[str, int]:
    """Rank 1 for the most voted group; ties keep the order of the export."""
    order = sorted(group_votes, key=lambda group: -group_votes[group])
    return {group: rank for rank, group in enumerate(order, start=1)}


def _prompt_table(sections: Mapping[str, str] | None) -> dict[str, str]:
    table = dict(PROMPT_SECTIONS)
    for prompt, section in (sections or {}).items():
        if section not in ITEM_SECTIONS:
            raise ValueError(
                f"'sections' value for {prompt!r} must be one of "
                f"{', '.join(repr(s) for s in ITEM_SECTIONS)}, got {section!r}"
            )
        table[normalise_heading(prompt)] = section
    return table


def _file_date(text: str) -> date | None:
    try:
        year, month, day = (int(part) for part in text.split("-"))
        return date(year, month, day)
    except ValueError:
        return None


#: This format, for the export registry (:mod:`pmanalytics.ingest.exports`).
FORMAT = ExportFormat("parabol", "Parabol retrospective CSV", "csv", sniff, read, parse)
