"""Load a folder of post-mortems into a :class:`Corpus` of tidy DataFrames."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Literal

import pandas as pd
from tqdm.auto import tqdm

from .._discover import PathInput, Skipped, as_paths, discover
from .._errors import IngestError
from .._sections import build_section_map
from .._template_docs import template_incidents
from .._validate import check_bool, check_choice, check_int
from ..ingest import DEFAULT_MAX_BYTES, FileRead, read_file
from ._corpus import Corpus, finish
from .cache import (
    RACY_NS,
    CachedTables,
    cache_folder,
    default_cache_root,
    read_cache,
    write_cache,
)
from .rows import RowBuffer
from .schema import FILE_COLUMN, TABLES, empty_frame

__all__ = ["load"]

_CHUNK = 250  # files per worker task
_PARALLEL_FROM = 100  # fewer files than this are parsed in-process
_PROGRESS_FROM = 300  # show a progress bar when parsing at least this many files


def load(
    paths: PathInput | Sequence[PathInput],
    errors: Literal["collect", "raise"] = "collect",
    *,
    cache: bool | PathInput = True,
    workers: int | None = None,
    progress: bool | None = None,
    section_map: Mapping[str, str] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    templates: bool = False,
) -> Corpus:
    """Load post-mortem files into a :class:`Corpus`.

    Parameters
    ----------
    paths : path or list of paths
        Files, or folders searched recursively for ``.md``, ``.markdown``,
        ``.csv`` and ``.json`` files (hidden folders such as ``.git`` are
        skipped). Every file is read as :func:`pmanalytics.ingest.read_file`
        reads it, as ``pmanalytics.read`` and ``pmanalytics.import_sources`` do:
        canonical post-mortems, Markdown from other templates, and exports
        (Parabol and Jira CSV, incident.io and PagerDuty JSON; a CSV or JSON file
        in a folder that is no known export is skipped). Follow-up actions that
        come without their incident (a Jira export) are listed in
        ``corpus.warnings``: attach them with ``pmanalytics import``.
    errors : {"collect", "raise"}
        ``"collect"`` (default): a file (or a record of an export) that cannot be
        read becomes a row of ``corpus.errors`` (path, line, message) and the rest
        still load; so does an incident whose id was loaded before.
        ``"raise"``: the first such file raises :class:`IngestError`.
    cache : bool or path
        Keep parsed tables in a Parquet cache so that reloading an unchanged
        folder reads only the cache and a changed file is parsed alone. True
        (default) uses ``$PMANALYTICS_CACHE_DIR`` or ``~/.cache/pmanalytics``;
        a path uses that folder; False disables it. Safe to delete at any time.
    workers : int, optional
        Processes used for parsing; defaults to the number of cores.
    progress : bool, optional
        Show a progress bar; by default only when parsing 300 files or more.
    section_map : mapping, optional
        For Markdown from other templates: extra heading -> part entries over
        :data:`pmanalytics.ingest.SECTION_MAP`, e.g. ``{"Oopsies": "lessons_learned"}``.
    max_bytes : int
        Files larger than this (default 50 MiB) are refused with an error row.
    templates : bool
        A blank post-mortem template (a placeholder title such as ``PMyyyy-nnn``,
        placeholder dates such as ``20xx-MM-DD``, prompts such as "Short event
        description" and almost nothing else) is not an incident: by default it is
        left out and listed in ``corpus.warnings`` with the reasons. True keeps it.

    Returns
    -------
    Corpus

    Examples
    --------
    >>> import tempfile, pmanalytics
    >>> folder = tempfile.mkdtemp()
    >>> _ = pmanalytics.write(pmanalytics.PostMortem(id="pm-1", title="Disk full"), folder)
    >>> corpus = pmanalytics.load(folder, cache=False)
    >>> corpus.incidents["title"].tolist(), len(corpus.errors)
    (['Disk full'], 0)
    """
    check_choice("errors", errors, ("collect", "raise"))
    if not (isinstance(cache, bool | str | os.PathLike)):
        raise ValueError(f"'cache' must be True, False or a folder, got {cache!r}")
    if workers is not None:
        check_int("workers", workers, minimum=1)
    check_int("max_bytes", max_bytes, minimum=1)
    check_bool("templates", templates)
    build_section_map(section_map)  # validates it before any work
    options = _ReadOptions(dict(section_map or {}), max_bytes)
    inputs = as_paths(paths)
    found = discover(inputs)
    files = list(found.files)
    named = [found.files[path] for path in files]
    manifest = _manifest(files, max_bytes)

    folder = None
    cached = None
    if cache is not False:
        root = default_cache_root() if cache is True else Path(cache).expanduser()
        folder = cache_folder(root, inputs, options.key())
        cached = read_cache(folder, int(manifest["size"].clip(lower=0).sum()))

    reused, to_parse = _plan(manifest, cached)
    parsed = _parse(files, named, to_parse, workers, progress, options)
    frames = _combine(manifest, cached, reused, parsed)
    stale = cached is None or len(reused) != len(cached.manifest)
    if folder is not None and (to_parse or stale):
        write_cache(folder, CachedTables(manifest, frames))
    frames = _with_skipped(frames, found.skipped)
    if not templates:
        frames = _without_templates(frames)
    corpus = finish(frames, {"section_map": options.section_map, "max_bytes": max_bytes})
    if errors == "raise" and len(corpus.errors):
        first = corpus.errors.iloc[0]
        line = None if pd.isna(first["line"]) else int(first["line"])
        raise IngestError(first["path"], first["message"], line)
    return corpus


def _with_skipped(
    frames: dict[str, pd.DataFrame], skipped: tuple[Skipped, ...]
) -> dict[str, pd.DataFrame]:
    """The tables with a row for each entry discovery skipped (errors, or warnings)."""
    if not skipped:
        return frames
    buffer = RowBuffer()
    for one in skipped:
        table = "errors" if one.error else "warnings"
        buffer.columns[table]["path"].append(one.path)
        buffer.columns[table]["line"].append(None)
        buffer.columns[table]["message"].append(one.reason)
        buffer.columns[table][FILE_COLUMN].append(-1)
    extra = buffer.frames()
    frames = dict(frames)
    for table in ("errors", "warnings"):
        if len(extra[table]):
            frames[table] = pd.concat([extra[table], frames[table]], ignore_index=True)
    return frames


def _without_templates(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The tables without blank templates, each listed in ``warnings`` with its reasons."""
    incidents = frames["incidents"]
    found = template_incidents(incidents, frames["items"]) if len(incidents) else {}
    if not found:
        return frames
    frames = {
        name: frame[~frame["incident_id"].isin(found)].reset_index(drop=True)
        if "incident_id" in frame.columns
        else frame
        for name, frame in frames.items()
    }
    buffer = RowBuffer()
    paths = dict(zip(incidents["incident_id"], incidents["path"], strict=True))
    for incident_id, reasons in found.items():
        buffer.columns["warnings"]["path"].append(paths.get(incident_id))
        buffer.columns["warnings"]["line"].append(None)
        buffer.columns["warnings"]["message"].append(
            f"{incident_id!r} looks like a blank template, not an incident ({'; '.join(reasons)});"
            " left out: load(..., templates=True) keeps it"
        )
        buffer.columns["warnings"][FILE_COLUMN].append(-1)
    frames["warnings"] = pd.concat(
        [frames["warnings"], buffer.frames()["warnings"]], ignore_index=True
    )
    return frames


def _manifest(files: list[Path], max_bytes: int) -> pd.DataFrame:
    """Each file's size, mtime and content hash: what decides whether the cache still holds it."""
    sizes, mtimes, hashes = [], [], []
    for path in files:
        size, mtime, digest = _fingerprint(path, max_bytes)
        sizes.append(size)
        mtimes.append(mtime)
        hashes.append(digest)
    return pd.DataFrame(
        {
            "path": pd.Series([str(f) for f in files], dtype="string"),
            "size": pd.Series(sizes, dtype="int64"),
            "mtime_ns": pd.Series(mtimes, dtype="int64"),
            "hash": pd.Series(hashes, dtype="string"),
        }
    )


def _fingerprint(path: Path, max_bytes: int) -> tuple[int, int, str]:
    """Size, mtime and a hash of the content (so an edit that keeps both is seen).

    (-1, -1, "") for a file that is gone or unreadable: it is parsed, never taken from
    the cache, and its error row says why. Only a regular file is read, without blocking.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return -1, -1, ""
    with open(descriptor, "rb", closefd=True) as handle:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            return -1, -1, ""
        digest = hashlib.blake2b(digest_size=16)
        if status.st_size <= max_bytes:
            try:
                digest.update(handle.read(max_bytes + 1))
            except OSError:
                return -1, -1, ""
        return status.st_size, status.st_mtime_ns, digest.hexdigest()


def _plan(manifest: pd.DataFrame, cached: CachedTables | None) -> tuple[dict[int, int], list[int]]:
    """Which files the cache still holds (new index -> cached index) and which to parse."""
    if cached is None:
        return {}, list(range(len(manifest)))
    columns = ["path", "size", "mtime_ns", "hash"]
    old = {
        key: index
        for index, key in enumerate(
            zip(*(cached.manifest[column] for column in columns), strict=True)
        )
    }
    reused: dict[int, int] = {}
    to_parse: list[int] = []
    settled = cached.written_ns - RACY_NS
    for index, key in enumerate(zip(*(manifest[column] for column in columns), strict=True)):
        if key in old and key[3] and 0 <= key[2] < settled:
            reused[index] = old[key]
        else:
            to_parse.append(index)
    return reused, to_parse


@dataclass(frozen=True)
class _ReadOptions:
    section_map: dict[str, str]
    max_bytes: int

    def key(self) -> str:
        """What the cache must be keyed on besides the files."""
        return repr((sorted(self.section_map.items()), self.max_bytes))


def _parse_chunk(
    chunk: list[tuple[int, str, bool]], options: _ReadOptions
) -> dict[str, pd.DataFrame]:
    """Parse some files (in a worker process); every problem becomes an error row.

    The guard covers each file from reading to its rows in the tables: a value that no
    table can hold (a bug, as the model bounds what it accepts) makes that file an
    error row too, and the other files still load.
    """
    reads: list[tuple[int, str, FileRead | None, str]] = []
    for index, path, named in chunk:
        try:
            found = read_file(
                path, section_map=options.section_map, max_bytes=options.max_bytes, named=named
            )
        except Exception as exc:  # a bug must not stop the other files
            reads.append((index, path, None, f"unexpected {type(exc).__name__}: {exc}"))
        else:
            reads.append((index, path, found, ""))
    try:
        return _frames(reads)
    except Exception:  # one file's rows cannot be tabled: find it, table the rest
        frames = []
        for one in reads:
            try:
                frames.append(_frames([one]))
            except Exception as exc:
                message = f"cannot be tabled ({type(exc).__name__}: {exc})"
                frames.append(_frames([(one[0], one[1], None, message)]))
        return {table: pd.concat([f[table] for f in frames], ignore_index=True) for table in TABLES}


def _frames(reads: list[tuple[int, str, FileRead | None, str]]) -> dict[str, pd.DataFrame]:
    buffer = RowBuffer()
    for index, path, found, message in reads:
        if found is None:
            buffer.add_error(index, path, message, None)
        else:
            buffer.add_file(index, found)
    return buffer.frames()


def _parse(
    files: list[Path],
    named: list[bool],
    indices: list[int],
    workers: int | None,
    progress: bool | None,
    options: _ReadOptions,
) -> list[dict[str, pd.DataFrame]]:
    jobs = [(index, str(files[index]), named[index]) for index in indices]
    if not jobs:
        return []
    chunks = [jobs[start : start + _CHUNK] for start in range(0, len(jobs), _CHUNK)]
    show = len(jobs) >= _PROGRESS_FROM if progress is None else progress
    bar = tqdm(total=len(jobs), desc="Parsing post-mortems", unit="file", disable=not show)
    results = []
    workers = workers or os.cpu_count() or 1
    try:
        if workers == 1 or len(jobs) < _PARALLEL_FROM:
            for chunk in chunks:
                results.append(_parse_chunk(chunk, options))
                bar.update(len(chunk))
        else:
            with ProcessPoolExecutor(max_workers=min(workers, len(chunks))) as pool:
                parse = partial(_parse_chunk, options=options)
                for chunk, result in zip(chunks, pool.map(parse, chunks), strict=True):
                    results.append(result)
                    bar.update(len(chunk))
    finally:
        bar.close()
    return results


def _combine(
    manifest: pd.DataFrame,
    cached: CachedTables | None,
    reused: dict[int, int],
    parsed: list[dict[str, pd.DataFrame]],
) -> dict[str, pd.DataFrame]:
    """One frame per table over all current files, rows tagged with their file index."""
    remap = None
    if cached is not None and reused:
        remap = pd.Series(list(reused.keys()), index=list(reused.values()), dtype="int32")
    frames = {}
    for table in TABLES:
        parts = [result[table] for result in parsed if len(result[table])]
        if remap is not None:
            old = cached.tables[table] if cached is not None else empty_frame(table)
            kept = old[old[FILE_COLUMN].isin(remap.index)].copy()
            kept[FILE_COLUMN] = remap.loc[kept[FILE_COLUMN]].to_numpy()
            parts.insert(0, kept)
        if not parts:
            frame = empty_frame(table)
            frame[FILE_COLUMN] = pd.Series([], dtype="int32")
        elif len(parts) == 1:
            frame = parts[0]
        else:
            frame = pd.concat(parts, ignore_index=True)
        order = [FILE_COLUMN] + (["position"] if "position" in frame.columns else [])
        frames[table] = frame.sort_values(order, kind="stable").reset_index(drop=True)
    return frames
