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

import pandas as pd

from .._atomic import atomic_write_text
from .schema import FILE_COLUMN, SCHEMA, conform

_FORMAT = 4
_MANIFEST_COLUMNS = ("path", "size", "mtime_ns")


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


def read_cache(folder: Path) -> CachedTables | None:
    """The cached tables in ``folder``, or None when there is no usable cache."""
    current = folder / "CURRENT"
    if not current.exists():
        return None
    try:
        generation = folder / current.read_text(encoding="utf-8").strip()
        meta = json.loads((generation / "meta.json").read_text(encoding="utf-8"))
        written_ns = int(meta.pop("written_ns", 0))
        if meta != _meta():
            return None  # written by another version of the code: rebuilt quietly
        manifest = pd.read_parquet(generation / "manifest.parquet")
        if tuple(manifest.columns) != _MANIFEST_COLUMNS:
            raise ValueError(f"manifest has columns {list(manifest.columns)}")
        tables = {}
        for table, columns in SCHEMA.items():
            frame = pd.read_parquet(generation / f"{table}.parquet")
            expected = [c.name for c in columns] + [FILE_COLUMN]
            if list(frame.columns) != expected:
                raise ValueError(f"{table}.parquet has columns {list(frame.columns)}")
            files = frame[FILE_COLUMN]
            if len(files) and (files.min() < 0 or files.max() >= len(manifest)):
                raise ValueError(f"{table}.parquet names files the manifest does not have")
            tables[table] = conform(table, frame)
        return CachedTables(manifest, tables, written_ns)
    except Exception as exc:  # any damage means: do not trust it
        warnings.warn(
            f"ignoring the corpus cache in {folder} ({type(exc).__name__}: {exc}); rebuilding it",
            stacklevel=3,
        )
        return None


def write_cache(folder: Path, cached: CachedTables) -> None:
    """Write a new generation and switch to it; failures only warn (the cache is optional)."""
    generation = uuid.uuid4().hex
    target = folder / generation
    try:
        target.mkdir(parents=True)
        meta = {**_meta(), "written_ns": time.time_ns()}
        (target / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
        cached.manifest.to_parquet(target / "manifest.parquet", index=False)
        for table, frame in cached.tables.items():
            frame.to_parquet(target / f"{table}.parquet", index=False)
        atomic_write_text(folder / "CURRENT", generation)
    except OSError as exc:
        shutil.rmtree(target, ignore_errors=True)
        warnings.warn(f"could not write the corpus cache in {folder}: {exc}", stacklevel=3)
        return
    for old in folder.iterdir():
        if old.is_dir() and old.name != generation:
            shutil.rmtree(old, ignore_errors=True)
