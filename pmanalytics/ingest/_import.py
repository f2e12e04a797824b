"""Import many sources at once and write them as canonical files, idempotently."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .._discover import PathInput
from .._files import write
from .._model import PostMortem
from .._sections import Part
from ._reader import read_file, read_files
from ._results import ImportProblem, ImportResult
from ._textio import DEFAULT_MAX_BYTES


def import_sources(
    sources: PathInput | Sequence[PathInput],
    *,
    section_map: Mapping[str, str | Part] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> ImportResult:
    """Read Markdown files, folders of them, and CSV/JSON exports into one result.

    The files are read as ``pmanalytics.load`` reads them (:func:`read_files`):
    folders are searched recursively for ``.md``, ``.markdown``, ``.csv`` and
    ``.json`` files (a CSV or JSON file there that is no known export is skipped);
    a file named explicitly is read whatever its extension (CSV and JSON as
    exports, anything else as Markdown). Nothing raises for a bad file: it becomes
    a row of ``errors``. An id read twice is an error row (the first is kept).

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
    for found in read_files(sources, section_map=section_map, max_bytes=max_bytes):
        result = result.merged_with(found.result)
    return result


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
        found = read_file(path)
        for problem in found.problems:
            problems.append(
                ImportProblem(problem.source, problem.line, f"existing file: {problem.message}")
            )
        for pm in found.postmortems:
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
