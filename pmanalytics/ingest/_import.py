"""Import many sources at once and write them as canonical files, idempotently."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .._atomic import atomic_write_text
from .._discover import PathInput
from .._errors import ModelError, PMError
from .._files import dumps
from .._ids import check_file_id
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
    skipped: tuple[ImportProblem, ...] = ()

    def __str__(self) -> str:
        return (
            f"{len(self.new)} new, {len(self.updated)} updated, {len(self.unchanged)} unchanged "
            f"post-mortem(s) in {self.folder}; {len(self.problems)} problem(s)"
            + (f", {len(self.skipped)} file(s) skipped" if self.skipped else "")
        )


def write_imported(result: ImportResult, folder: str | os.PathLike[str]) -> ImportSummary:
    """Write an import into ``folder`` as canonical files; follow-ups join their incidents.

    Post-mortems already in the folder are the targets for follow-ups that name
    them (Jira tickets for last year's post-mortems, say), and a joined follow-up
    goes into the file its post-mortem was read from, whatever its name. Ids are
    stable, so importing the same sources again changes nothing.

    Nothing is written that the loader could not read back: every file is rendered
    and checked first (its id can name a file in ``folder``, it differs from the
    other ids by more than case, its text reads back as the same post-mortem).
    Writing is all-or-nothing per source: when one post-mortem of a source cannot
    be written, none of that source's are, and a problem says why.
    """
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    existing: dict[str, PostMortem] = {}
    paths: dict[str, Path] = {}
    problems = list(result.errors)
    for path in sorted(target.glob("*.md")):
        found = read_file(path)
        for problem in found.problems:
            problems.append(
                ImportProblem(problem.source, problem.line, f"existing file: {problem.message}")
            )
        for pm in found.postmortems:
            existing[pm.id] = pm
            paths.setdefault(pm.id, path)
    combined = {**existing, **{pm.id: pm for pm in result.postmortems}}
    attached, attach_problems = result.attach_followups(combined)
    problems.extend(attach_problems)
    followup_ids = {action.id for actions in result.followups.values() for action in actions}
    touched = {pm.id for pm in result.postmortems}
    touched |= {key for key, pm in attached.items() if pm != combined[key]}
    touched |= {
        key for key, pm in attached.items() if any(a.id in followup_ids for a in pm.actions)
    }
    plans, unchanged, failed = _plan_writes(
        result, attached, existing, paths, sorted(touched), target
    )
    new: list[str] = []
    updated: list[str] = []
    for key, (path, text, sources) in plans.items():
        blocked = [source for source in sources if source in failed]
        if blocked:
            problems.append(
                ImportProblem(
                    blocked[0],
                    None,
                    f"{key!r} was not written: another post-mortem from this source "
                    "cannot be written (all or nothing per source)",
                )
            )
            continue
        atomic_write_text(path, text)
        (updated if key in existing else new).append(key)
    for source, reasons in failed.items():
        problems.extend(ImportProblem(source, line, message) for line, message in reasons)
    return ImportSummary(
        target, tuple(new), tuple(updated), tuple(unchanged), tuple(problems), result.skipped
    )


def _plan_writes(
    result: ImportResult,
    attached: dict[str, PostMortem],
    existing: dict[str, PostMortem],
    paths: dict[str, Path],
    keys: list[str],
    target: Path,
) -> tuple[
    dict[str, tuple[Path, str, list[str]]], list[str], dict[str, list[tuple[int | None, str]]]
]:
    """Each post-mortem to write rendered and checked: (path, text, sources), or a failure."""
    plans: dict[str, tuple[Path, str, list[str]]] = {}
    unchanged: list[str] = []
    failed: dict[str, list[tuple[int | None, str]]] = {}
    names = {path.name.casefold(): path for path in target.iterdir()} if target.is_dir() else {}
    for key in keys:
        pm = attached[key]
        sources, line = _sources_of(result, pm)
        if existing.get(pm.id) == pm:
            unchanged.append(pm.id)
            continue
        try:
            path = paths.get(pm.id)
            if path is None:
                name = f"{check_file_id(pm.id, 'post-mortem id', error=ModelError)}.md"
                clash = names.get(name.casefold())
                if clash is not None and clash.name != name:
                    raise ModelError(
                        f"cannot write {name}: {clash.name} differs only in case "
                        "(one file on Windows and macOS)"
                    )
                path = target / name
                names[name.casefold()] = path
            text = dumps(pm)
        except PMError as exc:
            for source in sources:
                failed.setdefault(source, []).append((line, f"{pm.id!r} cannot be written: {exc}"))
            continue
        plans[key] = (path, text, sources)
    return plans, unchanged, failed


def _sources_of(result: ImportResult, pm: PostMortem) -> tuple[list[str], int | None]:
    """The sources a post-mortem to write came from (its own file, its follow-ups' files)."""
    sources: list[str] = []
    line = None
    if pm.id in result.origins:
        source, line = result.origins[pm.id]
        sources.append(source)
    action_ids = {action.id for action in pm.actions}
    for (_, action_id), (source, _) in result.followup_origins.items():
        if action_id in action_ids and source not in sources:
            sources.append(source)
    return sources or ["<records>"], line
