"""What the Markdown importer gives back: the post-mortem and a report on how it was read."""

from __future__ import annotations

from dataclasses import dataclass

from ..._model import PostMortem

__all__ = ["MarkdownImport", "MarkdownReport"]


@dataclass(frozen=True)
class MarkdownReport:
    """What the importer made of one document."""

    recognised: tuple[tuple[str, str], ...] = ()
    """(heading as written, part it was read as)."""
    leftover: tuple[str, ...] = ()
    """Headings not understood; their text is kept in ``extra["sections"]``."""
    notes: tuple[tuple[int | None, str], ...] = ()
    """(line, message) for things worth a look: timeline rows without a time, ragged rows..."""


@dataclass(frozen=True)
class MarkdownImport:
    """A post-mortem read from foreign Markdown, and the report on how it was read."""

    postmortem: PostMortem
    report: MarkdownReport
