"""Import many sources at once and write them as canonical files, idempotently."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .._errors import IngestError
from .._files import write
from .._model import PostMortem
from .._sections import Part
from ._dispatch import read_any
from ._exports import DEFAULT_MAX_BYTES
from ._results import ImportProblem, ImportResult
from .sources import read_records_source

_MARKDOWN_SUFFIXES = (".md", ".markdown")
_RECORD_SUFFIXES = (".csv", ".json")


def import_sources(
    sources: Sequence[str | os.PathLike[str]],
    *,
    section_map: Mapping[str, str | Part] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> ImportResult:
    """Read Markdown files, folders of them, and CSV/JSON exports into one result.

    Folders are searched recursively for ``.md``, ``.markdown``, ``.csv`` and
    ``.json`` files; a file named explicitly is read whatever its extension (CSV
    and JSON by their extension, anything else as Markdown). Nothing raises for a
    bad file: it becomes a row of ``errors``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "db.md").write_text("# DB down\\n\\n## Summary\\n\\nThe disk filled.\\n")
    >>> result = import_sources([folder])
    >>> [pm.id for pm in result.postmortems], result.errors
    (['db'], ())
    """
    result = ImportResult()
    from .._corpus import discover  # the corpus module imports this package

    for path in discover([Path(s) for s in sources], _MARKDOWN_SUFFIXES + _RECORD_SUFFIXES):
        if path.suffix.lower() in _RECORD_SUFFIXES:
            part = read_records_source(path, max_bytes=max_bytes)
        else:
            part = _markdown(path, section_map, max_bytes)
        result = result.merged_with(part)
    return result


def _markdown(
    path: Path, section_map: Mapping[str, str | Part] | None, max_bytes: int
) -> ImportResult:
    try:
        read = read_any(path, section_map=section_map, max_bytes=max_bytes)
    except IngestError as exc:
        return ImportResult(errors=(ImportProblem(str(path), exc.line, exc.reason),))
    pm = read.postmortem
    return ImportResult(postmortems=(pm,), origins={pm.id: (str(path), None)})


@dataclass(frozen=True)
class ImportSummary:
    """What :func:`write_imported` did."""

    folder: Path
    new: tuple[str, ...]
    updated: tuple[str, ...]
    unchanged: tuple[str, ...]
    problems: tuple[ImportProblem, ...]

    def __str__(self) -> str:
        return (
            f"{len(self.new)} new, {len(self.updated)} updated, {len(self.unchanged)} unchanged "
            f"post-mortem(s) in {self.folder}; {len(self.problems)} problem(s)"
        )


def write_imported(result: ImportResult, folder: str | os.PathLike[str]) -> ImportSummary:
    """Write an import into ``folder`` as canonical files; follow-ups join their incidents.

    Post-mortems already in the folder are the targets for follow-ups that name
    them (Jira tickets for last year's post-mortems, say). Ids are stable, so
    importing the same sources again changes nothing.
    """
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    existing: dict[str, PostMortem] = {}
    problems = list(result.errors)
    for path in sorted(target.glob("*.md")):
        try:
            pm = read_any(path).postmortem
        except IngestError as exc:
            problems.append(ImportProblem(str(path), exc.line, f"existing file: {exc.reason}"))
            continue
        existing[pm.id] = pm
    combined = {**existing, **{pm.id: pm for pm in result.postmortems}}
    attached, attach_problems = result.attach_followups(combined)
    problems.extend(attach_problems)
    followup_ids = {action.id for actions in result.followups.values() for action in actions}
    touched = {pm.id for pm in result.postmortems}
    touched |= {key for key, pm in attached.items() if pm != combined[key]}
    touched |= {
        key for key, pm in attached.items() if any(a.id in followup_ids for a in pm.actions)
    }
    new: list[str] = []
    updated: list[str] = []
    unchanged: list[str] = []
    for key in sorted(touched):
        pm = attached[key]
        before = existing.get(pm.id)
        if before == pm:
            unchanged.append(pm.id)
            continue
        write(pm, target)
        (updated if before is not None else new).append(pm.id)
    return ImportSummary(target, tuple(new), tuple(updated), tuple(unchanged), tuple(problems))
