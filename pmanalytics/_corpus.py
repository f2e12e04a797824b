"""Load a folder of post-mortems into a :class:`Corpus` of tidy DataFrames."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from tqdm.auto import tqdm

from ._cache import (
    RACY_NS,
    CachedTables,
    cache_folder,
    default_cache_root,
    read_cache,
    write_cache,
)
from ._errors import IngestError
from ._model import PostMortem
from ._rows import RowBuffer
from ._schema import FILE_COLUMN, SCHEMA, TABLES, empty_frame
from ._sections import build_section_map
from .ingest._dispatch import read_any
from .ingest._exports import DEFAULT_MAX_BYTES

__all__ = ["Corpus", "load"]

PathInput = str | os.PathLike[str]
_SUFFIXES = (".md", ".markdown")
_CHUNK = 250  # files per worker task
_PARALLEL_FROM = 100  # fewer files than this are parsed in-process
_PROGRESS_FROM = 300  # show a progress bar when parsing at least this many files


@dataclass(frozen=True, repr=False)
class Corpus:
    """Post-mortems as tidy DataFrames: one row per entity, ``incident_id`` on every child row.

    ``sources`` says how each file was read (and, for imported Markdown, which
    sections were recognised and what was left over); ``errors`` lists the files
    that could not be read (path, line, message), and ``warnings`` the files that
    loaded with something worth a look (a timeline row without a time, say).

    The tables and their columns are documented in the README ("Corpus schema")
    and in :data:`pmanalytics._schema.SCHEMA`.

    Examples
    --------
    >>> from pmanalytics import Corpus, PostMortem
    >>> corpus = Corpus.from_postmortems([PostMortem(id="pm-1", title="Disk full")])
    >>> corpus.incidents["incident_id"].tolist()
    ['pm-1']
    """

    incidents: pd.DataFrame = field(default_factory=lambda: empty_frame("incidents"))
    items: pd.DataFrame = field(default_factory=lambda: empty_frame("items"))
    themes: pd.DataFrame = field(default_factory=lambda: empty_frame("themes"))
    actions: pd.DataFrame = field(default_factory=lambda: empty_frame("actions"))
    timeline: pd.DataFrame = field(default_factory=lambda: empty_frame("timeline"))
    participants: pd.DataFrame = field(default_factory=lambda: empty_frame("participants"))
    sources: pd.DataFrame = field(default_factory=lambda: empty_frame("sources"))
    warnings: pd.DataFrame = field(default_factory=lambda: empty_frame("warnings"))
    errors: pd.DataFrame = field(default_factory=lambda: empty_frame("errors"))
    read_options: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    """The ``section_map`` and ``max_bytes`` the files were read with (used by :meth:`get`)."""

    @classmethod
    def from_postmortems(cls, postmortems: Iterable[PostMortem]) -> Corpus:
        """Build a corpus from post-mortems in memory (no files, no cache)."""
        buffer = RowBuffer()
        for index, pm in enumerate(postmortems):
            buffer.add(pm, index, "")
        return _finish(buffer.frames())

    def get(self, incident_id: str) -> PostMortem:
        """Read one post-mortem of the corpus back from its file (canonical or imported)."""
        rows = self.incidents.loc[self.incidents["incident_id"] == incident_id, "path"]
        if rows.empty:
            raise KeyError(f"no incident {incident_id!r} in this corpus")
        if not rows.iloc[0]:
            raise KeyError(f"incident {incident_id!r} was built in memory and has no file")
        return read_any(rows.iloc[0], **self.read_options).postmortem

    def stats(self) -> dict[str, Any]:
        """Counts and the date range, as plain data.

        Examples
        --------
        >>> Corpus().stats()["incidents"]
        0
        """
        started = self.incidents["started_at"].dropna()
        return {
            "incidents": len(self.incidents),
            "items": len(self.items),
            "themes": len(self.themes),
            "actions": len(self.actions),
            "timeline_events": len(self.timeline),
            "participants": len(self.participants),
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "first_started_at": started.min() if len(started) else None,
            "last_started_at": started.max() if len(started) else None,
            "services": sorted(set(self.incidents["services"].explode().dropna())),
            "teams": sorted(set(self.incidents["teams"].explode().dropna())),
        }

    def __repr__(self) -> str:
        counts = ", ".join(f"{name}={len(getattr(self, name))}" for name in TABLES)
        return f"Corpus({counts})"


def load(
    paths: PathInput | Sequence[PathInput],
    errors: Literal["collect", "raise"] = "collect",
    *,
    cache: bool | PathInput = True,
    workers: int | None = None,
    progress: bool | None = None,
    section_map: Mapping[str, str] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Corpus:
    """Load post-mortem files into a :class:`Corpus`.

    Parameters
    ----------
    paths : path or list of paths
        Files, or folders searched recursively for ``*.md`` files (hidden
        folders such as ``.git`` are skipped).
    errors : {"collect", "raise"}
        ``"collect"`` (default): a file that cannot be read becomes a row of
        ``corpus.errors`` (path, line, message) and the rest still load.
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
    if errors not in ("collect", "raise"):
        raise ValueError(f"'errors' must be 'collect' or 'raise', got {errors!r}")
    if paths is None or not isinstance(paths, str | os.PathLike | Sequence):
        raise ValueError(f"'paths' must be a path or a list of paths, got {paths!r}")
    if not (isinstance(cache, bool | str | os.PathLike)):
        raise ValueError(f"'cache' must be True, False or a folder, got {cache!r}")
    if workers is not None and (
        isinstance(workers, bool) or not isinstance(workers, int) or workers < 1
    ):
        raise ValueError(f"'workers' must be a positive int, got {workers!r}")
    if not isinstance(max_bytes, int) or max_bytes < 1:
        raise ValueError(f"'max_bytes' must be a positive int, got {max_bytes!r}")
    build_section_map(section_map)  # validates it before any work
    options = _ReadOptions(dict(section_map or {}), max_bytes)
    inputs = [Path(p) for p in ([paths] if isinstance(paths, str | os.PathLike) else paths)]
    files = discover(inputs)
    manifest = _manifest(files)

    folder = None
    cached = None
    if cache is not False:
        root = default_cache_root() if cache is True else Path(cache).expanduser()
        folder = cache_folder(root, inputs, options.key())
        cached = read_cache(folder)

    reused, to_parse = _plan(manifest, cached)
    parsed = _parse(files, to_parse, workers, progress, options)
    frames = _combine(manifest, cached, reused, parsed)
    stale = cached is None or len(reused) != len(cached.manifest)
    if folder is not None and (to_parse or stale):
        write_cache(folder, CachedTables(manifest, frames))
    corpus = _finish(frames, {"section_map": options.section_map, "max_bytes": max_bytes})
    if errors == "raise" and len(corpus.errors):
        first = corpus.errors.iloc[0]
        line = None if pd.isna(first["line"]) else int(first["line"])
        raise IngestError(first["path"], first["message"], line)
    return corpus


def discover(inputs: Sequence[Path], suffixes: tuple[str, ...] = _SUFFIXES) -> list[Path]:
    """The files to load, as absolute paths: given files as they are, and the files ending
    in ``suffixes`` under given folders (recursively, skipping hidden files and folders),
    each in sorted order.
    """
    found: dict[Path, None] = {}
    for path in inputs:
        if path.is_dir():
            for root, folders, names in os.walk(os.path.abspath(path)):
                folders[:] = sorted(f for f in folders if not f.startswith("."))
                for name in sorted(names):
                    if not name.startswith(".") and name.lower().endswith(suffixes):
                        found.setdefault(Path(root, name), None)
        elif path.is_file():
            found.setdefault(Path(os.path.abspath(path)), None)
        else:
            raise IngestError(path, "no such file or folder")
    return list(found)


def _manifest(files: list[Path]) -> pd.DataFrame:
    sizes, mtimes = [], []
    for path in files:
        stat = os.stat(path)
        sizes.append(stat.st_size)
        mtimes.append(stat.st_mtime_ns)
    return pd.DataFrame(
        {
            "path": pd.Series([str(f) for f in files], dtype="string"),
            "size": pd.Series(sizes, dtype="int64"),
            "mtime_ns": pd.Series(mtimes, dtype="int64"),
        }
    )


def _plan(manifest: pd.DataFrame, cached: CachedTables | None) -> tuple[dict[int, int], list[int]]:
    """Which files the cache still holds (new index -> cached index) and which to parse."""
    if cached is None:
        return {}, list(range(len(manifest)))
    old = {
        (path, size, mtime): index
        for index, (path, size, mtime) in enumerate(
            zip(
                cached.manifest["path"],
                cached.manifest["size"],
                cached.manifest["mtime_ns"],
                strict=True,
            )
        )
    }
    reused: dict[int, int] = {}
    to_parse: list[int] = []
    settled = cached.written_ns - RACY_NS
    for index, key in enumerate(
        zip(manifest["path"], manifest["size"], manifest["mtime_ns"], strict=True)
    ):
        if key in old and key[2] < settled:
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


def _parse_chunk(chunk: list[tuple[int, str]], options: _ReadOptions) -> dict[str, pd.DataFrame]:
    """Parse some files (in a worker process); every failure becomes an error row."""
    buffer = RowBuffer()
    for index, path in chunk:
        try:
            result = read_any(path, section_map=options.section_map, max_bytes=options.max_bytes)
        except IngestError as exc:
            buffer.add_error(index, path, exc.reason, exc.line)
        except Exception as exc:  # a bug must not stop the other files
            buffer.add_error(index, path, f"unexpected {type(exc).__name__}: {exc}", None)
        else:
            buffer.add(result.postmortem, index, path)
            buffer.add_source(index, result.postmortem.id, path, result)
    return buffer.frames()


def _parse(
    files: list[Path],
    indices: list[int],
    workers: int | None,
    progress: bool | None,
    options: _ReadOptions,
) -> list[dict[str, pd.DataFrame]]:
    jobs = [(index, str(files[index])) for index in indices]
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


def _finish(frames: dict[str, pd.DataFrame], read_options: dict[str, Any] | None = None) -> Corpus:
    """Report duplicate ids, drop the internal file column, and wrap up."""
    incidents = frames["incidents"]
    duplicated = incidents["incident_id"].duplicated(keep="first")
    tables = dict(frames)
    if duplicated.any():
        first_file = incidents.drop_duplicates("incident_id").set_index("incident_id")["path"]
        skipped = incidents.loc[duplicated, [FILE_COLUMN, "incident_id", "path"]]
        error_rows = pd.DataFrame(
            {
                "path": skipped["path"].astype("string").to_numpy(),
                "line": pd.array([None] * len(skipped), dtype="Int64"),
                "message": pd.array(
                    [
                        f"duplicate incident id {iid!r}: already loaded from "
                        f"{first_file[iid]}; this file was skipped"
                        for iid in skipped["incident_id"]
                    ],
                    dtype="string",
                ),
                FILE_COLUMN: skipped[FILE_COLUMN].to_numpy(),
            }
        )
        dropped = set(skipped[FILE_COLUMN])
        for table in TABLES:
            if table != "errors":
                frame = tables[table]
                tables[table] = frame[~frame[FILE_COLUMN].isin(dropped)]
        tables["errors"] = pd.concat([tables["errors"], error_rows], ignore_index=True)
    tables["errors"] = tables["errors"].sort_values([FILE_COLUMN, "line"], kind="stable")
    public = {
        table: frame.drop(columns=FILE_COLUMN).reset_index(drop=True)
        for table, frame in tables.items()
    }
    for table, frame in public.items():
        assert list(frame.columns) == [c.name for c in SCHEMA[table]], table
    return Corpus(**public, read_options=read_options or {})
