"""One entry point for any Markdown post-mortem: canonical files, or foreign templates."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .._errors import IngestError, ModelError
from .._files import loads
from .._model import PostMortem
from .._sections import Part, build_section_map, match_heading
from ._exports import DEFAULT_MAX_BYTES
from .markdown import MarkdownReport, parse_markdown, read_text

_CANONICAL_KEYS = frozenset(PostMortem.model_fields) | {"items", "what_happened"}
_TOP_LEVEL_KEY = re.compile(r"([A-Za-z_][\w-]*)\s*:")
_STRUCTURED = ("timeline", "actions", "stats", "participants", "summary", "impact")


@dataclass(frozen=True)
class ReadResult:
    """A post-mortem, the format it was read as, and (for imports) the parse report."""

    postmortem: PostMortem
    format: str  # "canonical" or "markdown"
    report: MarkdownReport


def read_any(
    path: str | Path,
    *,
    section_map: Mapping[str, str | Part] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> ReadResult:
    """Read a Markdown post-mortem whatever its template.

    A file whose front matter holds only the model's own fields, including ``id``,
    is a canonical file and its problems are reported as such. Without an ``id``
    it is read as canonical when that works and nothing in it needs the importer
    (a Timeline or Actions section, say); anything else goes through the Markdown
    importer.

    Raises
    ------
    IngestError
        The message names the file, the line where known, and the reason.
    """
    source = Path(path)
    text = read_text(source, max_bytes)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    keys = _front_keys(text)
    if keys and keys <= _CANONICAL_KEYS:  # front matter with only the model's own fields
        has_id = "id" in keys
        try:
            postmortem = loads(text, path=source)
        except IngestError as exc:
            # Ours (it has an id) or breaking a rule of the model: report it, do not guess.
            if has_id or isinstance(exc.__cause__, ModelError):
                raise
        else:
            if has_id or not _has_foreign_sections(postmortem, section_map):
                return ReadResult(postmortem, "canonical", MarkdownReport())
    imported = parse_markdown(text, path=source, section_map=section_map)
    return ReadResult(imported.postmortem, "markdown", imported.report)


def _front_keys(text: str) -> set[str]:
    """The top-level keys of the front matter (empty when there is none)."""
    if not text.startswith("---"):
        return set()
    end = text.find("\n---", 3)
    block = text[3:end] if end >= 0 else text[3:]
    return {
        found.group(1)
        for line in block.split("\n")
        if (found := _TOP_LEVEL_KEY.match(line)) is not None
    }


def _has_foreign_sections(
    postmortem: PostMortem, section_map: Mapping[str, str | Part] | None
) -> bool:
    """Sections the canonical reader kept as plain items but the importer understands."""
    table = build_section_map(section_map)
    for item in postmortem.items:
        if item.section == "other" and item.heading:
            part = match_heading(item.heading, table)
            if part is not None and part.kind in _STRUCTURED:
                return True
    return False
