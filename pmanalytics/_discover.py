"""Finding post-mortem files: the one discovery rule under ``load`` and ``import``.

Both reading pipelines (:func:`pmanalytics.load` and :func:`pmanalytics.import_sources`)
turn their ``paths`` into files here, so they always read the same files.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from ._errors import IngestError

__all__ = ["EXPORT_SUFFIXES", "MARKDOWN_SUFFIXES", "SUFFIXES", "PathInput", "as_paths", "discover"]

PathInput = str | os.PathLike[str]
"""A path as users give it."""

#: Markdown post-mortems (canonical files, or other teams' templates).
MARKDOWN_SUFFIXES = (".md", ".markdown")
#: Structured exports (Parabol and Jira CSV, incident.io and PagerDuty JSON).
EXPORT_SUFFIXES = (".csv", ".json")
#: What a folder is searched for.
SUFFIXES = MARKDOWN_SUFFIXES + EXPORT_SUFFIXES


def discover(inputs: Sequence[Path], suffixes: tuple[str, ...] = SUFFIXES) -> dict[Path, bool]:
    """The files to read, as absolute paths, each mapped to whether it was named explicitly.

    A file given is taken as it is (True); a folder is searched recursively for files
    ending in ``suffixes`` (False), skipping hidden files and folders such as
    ``.git``, each folder in sorted order. A file found twice is listed once, where
    it was first found.

    Raises
    ------
    IngestError
        For an input that is neither a file nor a folder.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> for name in ("b.md", "a.csv", "notes.txt", ".hidden.md"):
    ...     _ = (folder / name).write_text("x")
    >>> [(path.name, named) for path, named in discover([folder, folder / "notes.txt"]).items()]
    [('a.csv', False), ('b.md', False), ('notes.txt', True)]
    """
    found: dict[Path, bool] = {}
    for path in inputs:
        if path.is_dir():
            for root, folders, names in os.walk(os.path.abspath(path)):
                folders[:] = sorted(f for f in folders if not f.startswith("."))
                for name in sorted(names):
                    if not name.startswith(".") and name.lower().endswith(suffixes):
                        found.setdefault(Path(root, name), False)
        elif path.is_file():
            found.setdefault(Path(os.path.abspath(path)), True)
        else:
            raise IngestError(path, "no such file or folder")
    return found


def as_paths(paths: PathInput | Sequence[PathInput]) -> list[Path]:
    """``paths`` (one path, or a list of them) as a list of Paths, or ValueError.

    Examples
    --------
    >>> [path.name for path in as_paths("data")], [path.name for path in as_paths(["a.md", "b"])]
    (['data'], ['a.md', 'b'])
    """
    if paths is None or not isinstance(paths, str | os.PathLike | Sequence):
        raise ValueError(f"'paths' must be a path or a list of paths, got {paths!r}")
    return [Path(p) for p in ([paths] if isinstance(paths, str | os.PathLike) else paths)]
