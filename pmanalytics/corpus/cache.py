"""The corpus cache: parsed tables in Parquet, keyed by each file's path, size and mtime.

Layout of one cache folder (one per set of inputs)::

    CURRENT               name of the generation folder in use
    <generation>/
        meta.json         format and pmanalytics version
        manifest.parquet  one row per source file: path, size, mtime_ns
        <table>.parquet   each Corpus table, with a _file column indexing the manifest

A generation is written in full before CURRENT is switched to it (atomically),
so a crash leaves the previous cache in place. Anything unreadable or
inconsistent is reported with a warning and rebuilt, never trusted. Deleting
the folder is always safe.

What is checked before a cache is used (its trust model, ``docs/guarantees.md``):
``meta.json`` records each file's row count and SHA-256; a file larger than a bound
set by the sources' sizes, whose Parquet metadata gives another row count, or whose
hash differs is refused before its rows are read; then every column must have its
schema dtype, ids must be present, and rows must name files of the manifest. The
manifest holds each source file's content hash, so an edit that keeps a file's size
and mtime is still seen. Readers and writers of one cache folder take a file lock,
so concurrent loads never remove a generation another is reading or writing.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
import uuid
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from filelock import FileLock, Timeout

from .._atomic import atomic_write_text
from .schema import FILE_COLUMN, SCHEMA, conform, empty_frame

_FORMAT = 5
_MANIFEST_COLUMNS = ("path", "size", "mtime_ns", "hash")
_MANIFEST_DTYPES = {"path": "string", "size": "int64", "mtime_ns": "int64", "hash": "string"}
#: Ids that every row must have, per table.
_REQUIRED = {
    "incidents": ("incident_id",),
    "items": ("incident_id", "item_id"),
    "themes": ("incident_id", "theme_id"),
    "actions": ("incident_id", "action_id"),
    "timeline": ("incident_id",),
    "participants": ("incident_id",),
    "sources": ("incident_id",),
    "warnings": ("path", "message"),
    "errors": ("path", "message"),
}
#: How long a load waits for another process writing the same cache before going without.
LOCK_TIMEOUT = 10.0


def default_cache_root() -> Path:
    """``$PMANALYTICS_CACHE_DIR``, else ``$XDG_CACHE_HOME/pmanalytics``, else ``~/.cache/...``."""
    configured = os.environ.get("PMANALYTICS_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "pmanalytics"


def cache_folder(root: Path, inputs: Sequence[Path], options: str = "") -> Path:
    """The cache folder for one set of inputs (folders and files) and read options."""
    key = "\n".join([*sorted(str(path.resolve()) for path in inputs), options])
    return root / hashlib.sha256(key.encode()).hexdigest()[:20]


@dataclass(frozen=True)
class CachedTables:
    """What a cache holds: the manifest and each table, rows tagged with ``_file``.

    ``written_ns`` is when it was written (0 for tables not yet written).
    """

    manifest: pd.DataFrame
    tables: dict[str, pd.DataFrame]
    written_ns: int = 0


#: A file changed this soon before the cache was written may have changed again within
#: the file system's time resolution: such files are parsed again (as git does).
RACY_NS = 2_000_000_000


@lru_cache(maxsize=1)
def _code_version() -> str:
    """The package version and a hash of its source: any change of the parsers rebuilds."""
    from .._version import __version__

    digest = hashlib.sha256(__version__.encode())
    package = Path(__file__).resolve().parent.parent  # all of pmanalytics
    for source in sorted(package.rglob("*.py")):
        digest.update(source.relative_to(package).as_posix().encode())
        digest.update(source.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:16]}"


def _meta() -> dict[str, object]:
    return {"format": _FORMAT, "code": _code_version()}


def read_cache(folder: Path, source_bytes: int | None = None) -> CachedTables | None:
    """The cached tables in ``folder``, or None when there is no usable cache.

    ``source_bytes`` (the total size of the source files) bounds the size and row
    count of what is read: a crafted file is refused before it costs memory.
    """
    current = folder / "CURRENT"
    if not current.exists():
        return None
    try:
        with FileLock(folder / "lock", timeout=LOCK_TIMEOUT):
            return _read_generation(folder, current, source_bytes)
    except Timeout:
        return None  # another process holds it for long: parse instead
    except Exception as exc:  # any damage means: do not trust it
        warnings.warn(
            f"ignoring the corpus cache in {folder} ({type(exc).__name__}: {exc}); rebuilding it",
            stacklevel=3,
        )
        return None


def _read_generation(folder: Path, current: Path, source_bytes: int | None) -> CachedTables | None:
    generation = folder / current.read_text(encoding="utf-8").strip()
    meta = json.loads((generation / "meta.json").read_text(encoding="utf-8"))
    written_ns = int(meta.pop("written_ns", 0))
    files = meta.pop("files", None)
    if meta != _meta():
        return None  # written by another version of the code: rebuilt quietly
    if not isinstance(files, dict):
        raise ValueError("meta.json does not describe its files")
    manifest = _read_checked(generation, "manifest", files, None)
    if tuple(manifest.columns) != _MANIFEST_COLUMNS:
        raise ValueError(f"manifest has columns {list(manifest.columns)}")
    _check_dtypes("manifest", manifest, _MANIFEST_DTYPES)
    bound = _row_bound(len(manifest), source_bytes)
    tables = {}
    for table, columns in SCHEMA.items():
        frame = _read_checked(generation, table, files, bound)
        expected = [c.name for c in columns] + [FILE_COLUMN]
        if list(frame.columns) != expected:
            raise ValueError(f"{table}.parquet has columns {list(frame.columns)}")
        file_index = frame[FILE_COLUMN]
        if len(file_index) and (file_index.min() < 0 or file_index.max() >= len(manifest)):
            raise ValueError(f"{table}.parquet names files the manifest does not have")
        frame = conform(table, frame)
        _check_dtypes(table, frame, dict(empty_frame(table).dtypes.astype(str)))
        for column in _REQUIRED[table]:
            if frame[column].isna().any():
                raise ValueError(f"{table}.parquet has rows without {column}")
        tables[table] = frame
    return CachedTables(manifest, tables, written_ns)


def _row_bound(files: int, source_bytes: int | None) -> int | None:
    """The most rows a table can have: every row comes from a line of a source file."""
    if source_bytes is None:
        return None
    return source_bytes + 16 * files + 16


def _read_checked(
    generation: Path, name: str, files: dict[str, Any], row_bound: int | None
) -> pd.DataFrame:
    """A Parquet file of the cache, after its size, row count and hash are checked."""
    path = generation / f"{name}.parquet"
    described = files.get(name)
    if not isinstance(described, dict):
        raise ValueError(f"meta.json does not describe {name}.parquet")
    rows, digest = described.get("rows"), described.get("sha256")
    size = path.stat().st_size
    limit = _MAX_FILE_BYTES if row_bound is None else min(_MAX_FILE_BYTES, 65536 + 256 * row_bound)
    if size > limit:
        raise ValueError(f"{name}.parquet is {size:,} bytes, more than its bound of {limit:,}")
    if not isinstance(rows, int) or (row_bound is not None and rows > row_bound):
        raise ValueError(f"{name}.parquet claims {rows!r} rows, more than the sources can give")
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != digest:
        raise ValueError(f"{name}.parquet does not match its hash in meta.json")
    parquet = pq.ParquetFile(pa.BufferReader(data))
    if parquet.metadata.num_rows != rows:
        raise ValueError(f"{name}.parquet has {parquet.metadata.num_rows:,} rows, not {rows:,}")
    frame: pd.DataFrame = parquet.read().to_pandas()
    return frame


def _check_dtypes(table: str, frame: pd.DataFrame, expected: dict[str, str]) -> None:
    for column, dtype in expected.items():
        found = str(frame[column].dtype)
        if found != dtype:
            raise ValueError(f"{table}: column {column} is {found}, not {dtype}")


#: No cache file is read beyond this size, whatever the sources.
_MAX_FILE_BYTES = 2 * 1024**3


def write_cache(folder: Path, cached: CachedTables) -> None:
    """Write a new generation and switch to it; failures only warn (the cache is optional)."""
    generation = uuid.uuid4().hex
    target = folder / generation
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with FileLock(folder / "lock", timeout=LOCK_TIMEOUT):
            target.mkdir()
            files = {"manifest": _write_parquet(target / "manifest.parquet", cached.manifest)}
            for table, frame in cached.tables.items():
                files[table] = _write_parquet(target / f"{table}.parquet", frame)
            meta = {**_meta(), "written_ns": time.time_ns(), "files": files}
            (target / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
            atomic_write_text(folder / "CURRENT", generation)
            for old in folder.iterdir():
                if old.is_dir() and old.name != generation:
                    shutil.rmtree(old, ignore_errors=True)
    except Timeout:
        shutil.rmtree(target, ignore_errors=True)  # another load is writing it
    except UnicodeEncodeError as exc:  # a file name that is not UTF-8 (Parquet needs UTF-8)
        shutil.rmtree(target, ignore_errors=True)
        warnings.warn(
            f"could not write the corpus cache in {folder}: a file name or text is not valid "
            f"UTF-8 ({exc.object[max(0, exc.start - 20) : exc.end + 20]!r}); rename the file "
            "to use the cache",
            stacklevel=3,
        )
    except Exception as exc:  # a full disk, a read-only folder: the cache is optional
        shutil.rmtree(target, ignore_errors=True)
        warnings.warn(
            f"could not write the corpus cache in {folder} ({type(exc).__name__}: {exc})",
            stacklevel=3,
        )


def _write_parquet(path: Path, frame: pd.DataFrame) -> dict[str, Any]:
    frame.to_parquet(path, index=False)
    return {"rows": len(frame), "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}
