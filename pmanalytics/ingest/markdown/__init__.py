"""Import post-mortems written in Markdown from other templates.

Recognised out of the box (see :data:`SECTION_MAP`): the seed template's sections,
the Google SRE book template, PagerDuty and Atlassian style post-mortems, and
``## Stats`` lists such as ``- Time to detection: 64 minutes``. Headings are matched
tolerantly (case, punctuation, emoji, numbering, H1-H4, setext, close spellings).

Nothing is dropped: a section that is not understood is kept as raw text in
``extra["sections"]``, and every document gets a :class:`MarkdownReport` saying
which sections were recognised and what was left over.

Examples
--------
>>> text = '''# Checkout down
...
... ## Summary
... A bad config push.
...
... ## Timeline
... All times in UTC.
...
... | Time | Event |
... |---|---|
... | 2024-05-01 14:02 | Config pushed |
... | 2024-05-01 14:10 | Alert fired |
...
... ## Action Items
... - [x] Add a canary stage @ana
... '''
>>> result = parse_markdown(text, path="2024-05-01-checkout-down.md")
>>> pm = result.postmortem
>>> pm.id, pm.title, pm.time_to_detect
('2024-05-01-checkout-down', 'Checkout down', datetime.timedelta(seconds=480))
>>> pm.actions[0].title, pm.actions[0].status, pm.actions[0].owner
('Add a canary stage', 'done', 'ana')
>>> result.report.recognised
(('Summary', 'summary'), ('Timeline', 'timeline'), ('Action Items', 'actions'))
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ..._sections import SECTION_MAP, Part, build_section_map
from .._textio import DEFAULT_MAX_BYTES, read_file_text
from ._front import FRONT_MATTER_MAPPING
from ._importer import Importer
from ._report import MarkdownImport, MarkdownReport

__all__ = [
    "DEFAULT_MAX_BYTES",
    "FRONT_MATTER_MAPPING",
    "SECTION_MAP",
    "MarkdownImport",
    "MarkdownReport",
    "parse_markdown",
    "read_markdown",
]


def read_markdown(
    path: str | Path,
    *,
    section_map: Mapping[str, str | Part] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> MarkdownImport:
    """Read one Markdown post-mortem in any supported template.

    Raises
    ------
    IngestError
        For files that are too large, binary, not UTF-8/UTF-16, empty, or whose
        front matter is broken; the message names the file, line and reason.
    """
    text = read_file_text(path, max_bytes=max_bytes)
    return parse_markdown(text, path=path, section_map=section_map)


def parse_markdown(
    text: str,
    *,
    path: str | Path | None = None,
    section_map: Mapping[str, str | Part] | None = None,
) -> MarkdownImport:
    """Parse the text of a Markdown post-mortem written from any supported template.

    Parameters
    ----------
    text : str
        The document.
    path : path-like, optional
        Used in messages; its name gives the id (and a date) when the text has none.
    section_map : mapping, optional
        Extra or different heading -> part entries, over :data:`SECTION_MAP`.
    """
    where = Path(path) if path is not None else Path("<text>")
    return Importer(where, build_section_map(section_map)).run(text)
