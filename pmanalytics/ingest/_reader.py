"""The one reader under ``load``, ``read`` and ``import``: paths in, post-mortems or problems out.

:func:`read_file` reads one file of any kind the package knows, never raising for
bad input: a canonical post-mortem, Markdown from another team's template, or a
structured export (Parabol or Jira CSV, incident.io or PagerDuty JSON). What it
could not read is a problem with the file and, where known, the line.
:func:`read_files` does the same for files and folders (:func:`pmanalytics._discover.discover`
says which files). ``pmanalytics.load`` turns what it gives into tables,
``pmanalytics.import_sources`` into an :class:`ImportResult`, and
:func:`read_postmortem` (``pmanalytics.read``) into one post-mortem: the same
input gives the same answer through all three.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .._discover import EXPORT_SUFFIXES, PathInput, as_paths, discover
from .._errors import IngestError, ModelError
from .._files import check_line_count, loads
from .._model import PostMortem
from .._sections import Part, build_section_map, match_heading
from .._validate import check_int
from ._results import ImportProblem, ImportResult
from ._textio import DEFAULT_MAX_BYTES, read_file_text
from .exports import read_export
from .markdown import MarkdownReport, parse_markdown

__all__ = ["FileRead", "read_file", "read_files", "read_postmortem"]

_CANONICAL_KEYS = frozenset(PostMortem.model_fields) | {"items", "what_happened"}
_TOP_LEVEL_KEY = re.compile(r"([A-Za-z_][\w-]*)\s*:")
_STRUCTURED = ("timeline", "actions", "stats", "participants", "summary", "impact")


@dataclass(frozen=True)
class FileRead:
    """What one file gave: post-mortems (with the line each starts on), follow-ups, problems.

    ``format`` is how it was read: ``"canonical"``, ``"markdown"`` (another
    template, through the importer), an export format (``"parabol"``, ``"jira"``,
    ``"incidentio"``, ``"pagerduty"``), or ``""`` when it could not be read, or was
    skipped. ``result.origins`` holds each post-mortem's file and line,
    ``result.errors`` the problems (file, line, message), and ``report`` what the
    Markdown importer made of the document.
    """

    path: str
    format: str
    result: ImportResult
    report: MarkdownReport = field(default_factory=MarkdownReport)

    @property
    def postmortems(self) -> tuple[PostMortem, ...]:
        """The post-mortems the file holds."""
        return self.result.postmortems

    @property
    def problems(self) -> tuple[ImportProblem, ...]:
        """What could not be read, each with the file and, where known, the line."""
        return self.result.errors


def read_file(
    path: PathInput,
    *,
    section_map: Mapping[str, str | Part] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    named: bool = True,
) -> FileRead:
    """Read one file of any kind the package knows; bad input is a problem, never an exception.

    A ``.csv`` or ``.json`` file is an export, of the format its content shows; any
    other file is Markdown: canonical when its front matter holds only the model's
    own fields (see below), else read by the Markdown importer.

    Parameters
    ----------
    path : path
        The file.
    section_map : mapping, optional
        Extra heading -> part entries for Markdown from other templates.
    max_bytes : int
        Larger files are refused with a problem (default 50 MiB).
    named : bool
        False for a file found in a folder rather than named: a CSV or JSON file that
        is no export of a known format is then skipped (``data/ground-truth.csv``,
        say), not a problem.

    Notes
    -----
    A Markdown file whose front matter holds only the model's own fields,
    including ``id``, is a canonical file and its problems are reported as such.
    Without an ``id`` it is read as canonical when that works and nothing in it
    needs the importer (a Timeline or Actions section, say).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "db.md").write_text("# DB down\\n\\n## Summary\\n\\nThe disk filled.\\n")
    >>> found = read_file(folder / "db.md")
    >>> found.format, [pm.title for pm in found.postmortems], found.problems
    ('markdown', ['DB down'], ())
    >>> print(read_file(folder / "nope.md").problems[0].message)
    no such file
    """
    check_int("max_bytes", max_bytes, minimum=1)
    shown = os.fspath(path)
    if Path(shown).suffix.lower() in EXPORT_SUFFIXES:
        found, result = read_export(shown, max_bytes=max_bytes)
        if found is None:
            if named:
                return FileRead(shown, "", result)
            notes = tuple((p.line, f"skipped: {p.message}") for p in result.errors)
            skipped = ImportResult(skipped=result.errors)
            return FileRead(shown, "", skipped, MarkdownReport(notes=notes))
        return FileRead(shown, found.key, result)
    try:
        text = read_file_text(shown, max_bytes=max_bytes)
        fmt, postmortem, report = _read_markdown(text, Path(shown), section_map)
    except IngestError as exc:
        return FileRead(
            shown, "", ImportResult(errors=(ImportProblem(shown, exc.line, exc.reason),))
        )
    result = ImportResult(postmortems=(postmortem,), origins={postmortem.id: (shown, None)})
    return FileRead(shown, fmt, result, report)


def read_files(
    paths: PathInput | Sequence[PathInput],
    *,
    section_map: Mapping[str, str | Part] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Iterator[FileRead]:
    """:func:`read_file` for every file given or found in the folders given.

    Folders are searched recursively for ``.md``, ``.markdown``, ``.csv`` and
    ``.json`` files (hidden ones skipped); a CSV or JSON file found there that is no
    export of a known format is skipped, while one named explicitly is a problem.

    Raises
    ------
    IngestError
        For a path that is neither a file nor a folder (before anything is read).
    """
    check_int("max_bytes", max_bytes, minimum=1)
    build_section_map(section_map)  # bad arguments fail before any reading
    found = discover(as_paths(paths))
    for skipped in found.skipped:  # reported, never dropped in silence
        problem = (ImportProblem(skipped.path, None, skipped.reason),)
        result = ImportResult(errors=problem) if skipped.error else ImportResult(skipped=problem)
        yield FileRead(skipped.path, "", result)
    for path, named in found.files.items():
        yield read_file(path, section_map=section_map, max_bytes=max_bytes, named=named)


def read_postmortem(
    path: PathInput,
    *,
    section_map: Mapping[str, str | Part] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> PostMortem:
    """Read the one post-mortem a file holds: any file ``pmanalytics.load`` reads.

    A canonical file, Markdown from another template, or an export holding exactly
    one incident (a Parabol retrospective, or a PagerDuty or incident.io export of
    one incident). This is ``pmanalytics.read``.

    Raises
    ------
    IngestError
        When the file cannot be read, has a problem (the first is named: file, line
        and reason, as ``load`` reports it in ``corpus.errors``), or holds no or
        several post-mortems (read those with ``pmanalytics.load``).

    Examples
    --------
    >>> import tempfile, pmanalytics
    >>> path = pmanalytics.write(pmanalytics.PostMortem(id="pm-1", title="Disk full"),
    ...                          tempfile.mkdtemp())
    >>> read_postmortem(path).title
    'Disk full'
    """
    build_section_map(section_map)
    found = read_file(path, section_map=section_map, max_bytes=max_bytes)
    if found.problems:
        first = found.problems[0]
        raise IngestError(found.path, first.message, first.line)
    if len(found.postmortems) != 1:
        held = len(found.postmortems)
        followups = sum(len(actions) for actions in found.result.followups.values())
        what = f"{held} post-mortems" if held else "no post-mortem"
        if followups:
            what += f" ({followups} follow-up action(s) for other incidents)"
        raise IngestError(
            found.path,
            f"holds {what}, not one: read it with pmanalytics.load or pmanalytics.import_sources",
        )
    return found.postmortems[0]


def _read_markdown(
    text: str, source: Path, section_map: Mapping[str, str | Part] | None
) -> tuple[str, PostMortem, MarkdownReport]:
    """A Markdown post-mortem whatever its template: the format it was read as, and it."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    check_line_count(text, source)
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
                return "canonical", postmortem, MarkdownReport()
    imported = parse_markdown(text, path=source, section_map=section_map)
    return "markdown", imported.postmortem, imported.report


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
