"""Finding post-mortem files: the one discovery rule under ``load`` and ``import``.

Both reading pipelines (:func:`pmanalytics.load` and :func:`pmanalytics.import_sources`)
turn their ``paths`` into files here, so they always read the same files.

Every entry of a folder is handled deliberately (``docs/guarantees.md``):

- regular files ending in one of :data:`SUFFIXES` are read; hidden entries (a name
  starting with ``.``, such as ``.git``) are not looked at;
- a repository's own documents (``README.md``, ``SOURCE.md``, ``LICENSE``, ...; see
  :data:`REPOSITORY_DOCUMENTS`) are skipped and reported, not read as post-mortems;
- a file with no extension is read when it starts like Markdown (front matter or a
  heading), and is otherwise skipped and reported;
- a symbolic link (to a file or a folder) is followed only when it resolves inside the
  folder being loaded; one that leads outside it is skipped and reported, so a link
  to ``/etc/passwd`` is never read;
- a file reached twice (through a link) is read once;
- what cannot be taken is reported, never dropped in silence: a link to nothing, a
  link loop, a folder that cannot be listed, an entry that vanished, and a FIFO,
  socket or device with a post-mortem's name (which are never opened, so nothing
  blocks on them).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ._errors import IngestError

__all__ = [
    "EXPORT_SUFFIXES",
    "MARKDOWN_SUFFIXES",
    "REPOSITORY_DOCUMENTS",
    "SUFFIXES",
    "Discovery",
    "PathInput",
    "Skipped",
    "as_paths",
    "discover",
    "kind_of",
]

PathInput = str | os.PathLike[str]
"""A path as users give it."""

#: Markdown post-mortems (canonical files, or other teams' templates).
MARKDOWN_SUFFIXES = (".md", ".markdown")
#: Structured exports (Parabol and Jira CSV, incident.io and PagerDuty JSON).
EXPORT_SUFFIXES = (".csv", ".json")
#: What a folder is searched for.
SUFFIXES = MARKDOWN_SUFFIXES + EXPORT_SUFFIXES
#: Names (without extension, any case) of a repository's own documents: never post-mortems.
REPOSITORY_DOCUMENTS = frozenset(
    {
        "readme",
        "license",
        "licence",
        "copying",
        "source",
        "sources",
        "changelog",
        "changes",
        "contributing",
        "code_of_conduct",
        "security",
        "notice",
        "authors",
        "codeowners",
    }
)
_SNIFF_BYTES = 4096


@dataclass(frozen=True)
class Skipped:
    """An entry that was not read, and why.

    ``error`` is True for an entry that should have been readable (a broken link, a
    folder that cannot be listed, a FIFO named like a post-mortem): ``load`` makes it
    an error row. False for an entry skipped by policy (a link leading outside the
    folder, a file reached twice): a warning row.
    """

    path: str
    reason: str
    error: bool


@dataclass(frozen=True)
class Discovery:
    """The files to read (absolute paths, each mapped to whether it was named) and the skips."""

    files: dict[Path, bool] = field(default_factory=dict)
    skipped: tuple[Skipped, ...] = ()


def kind_of(mode: int) -> str:
    """What a file mode is, in words (for messages).

    Examples
    --------
    >>> kind_of(stat.S_IFIFO), kind_of(stat.S_IFREG)
    ('a FIFO (named pipe)', 'a regular file')
    """
    for test, name in (
        (stat.S_ISREG, "a regular file"),
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def discover(inputs: Sequence[Path], suffixes: tuple[str, ...] = SUFFIXES) -> Discovery:
    """The files to read and the entries skipped (see the module's rules).

    A file given is taken as it is (named: True); a folder is searched recursively
    for files ending in ``suffixes`` (False), each folder in sorted order. A file
    found twice is listed once, where it was first found.

    Raises
    ------
    IngestError
        For an input that is neither a file nor a folder (missing, a broken link, a FIFO).

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> for name in ("b.md", "a.csv", "notes.txt", ".hidden.md"):
    ...     _ = (folder / name).write_text("x")
    >>> os.symlink("/nowhere", folder / "gone.md")
    >>> found = discover([folder, folder / "notes.txt"])
    >>> [(path.name, named) for path, named in found.files.items()]
    [('a.csv', False), ('b.md', False), ('notes.txt', True)]
    >>> [(Path(skip.path).name, skip.reason) for skip in found.skipped]
    [('gone.md', 'a symbolic link to nothing (/nowhere); not read')]
    """
    walker = _Walker(suffixes)
    for path in inputs:
        try:
            mode = os.stat(path).st_mode
        except OSError as exc:
            if os.path.islink(path):
                raise IngestError(path, f"a broken symbolic link: {_reason(exc)}") from None
            if isinstance(exc, FileNotFoundError):
                raise IngestError(path, "no such file or folder") from None
            raise IngestError(path, f"cannot be read: {_reason(exc)}") from None
        if stat.S_ISDIR(mode):
            walker.walk(Path(os.path.abspath(path)))
        elif stat.S_ISREG(mode):
            walker.add(Path(os.path.abspath(path)), True)
        else:
            raise IngestError(path, f"is {kind_of(mode)}, not a file or folder")
    return Discovery(walker.files, tuple(walker.skipped))


class _Walker:
    def __init__(self, suffixes: tuple[str, ...]) -> None:
        self.suffixes = suffixes
        self.files: dict[Path, bool] = {}
        self.real: dict[str, Path] = {}  # real path -> where it was first found
        self.skipped: list[Skipped] = []
        self.searched: set[str] = set()

    def add(self, path: Path, named: bool) -> None:
        if path in self.files:
            return
        real = os.path.realpath(path)
        first = self.real.setdefault(real, path)
        if first != path:
            self.skip(path, f"the same file as {first} (through a link); read once", error=False)
            return
        self.files[path] = named

    def skip(self, path: Path | str, reason: str, *, error: bool) -> None:
        self.skipped.append(Skipped(os.fspath(path), reason, error))

    def walk(self, folder: Path) -> None:
        root = os.path.realpath(folder)
        stack = [folder]
        while stack:
            current = stack.pop()
            real = os.path.realpath(current)
            if real in self.searched:
                continue  # reached again through a link: its files are listed already
            self.searched.add(real)
            try:
                with os.scandir(current) as listing:
                    entries = sorted(listing, key=lambda entry: entry.name)
            except OSError as exc:
                self.skip(
                    current,
                    f"folder cannot be read ({_reason(exc)}); the files in it were not loaded",
                    error=True,
                )
                continue
            folders = []
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                path = Path(current, entry.name)
                if self._entry(entry, path, root):
                    folders.append(path)
            stack.extend(reversed(folders))

    def _entry(self, entry: os.DirEntry[str], path: Path, root: str) -> bool:
        """Handle one entry; True for a folder to search."""
        wanted = entry.name.lower().endswith(self.suffixes)
        bare = "." not in entry.name  # no extension: read if it looks like Markdown
        try:
            link = entry.is_symlink()
            if link:
                try:
                    target = os.path.realpath(path, strict=True)
                except OSError as exc:
                    if wanted or not isinstance(exc, FileNotFoundError):
                        self._broken(path, exc, error=wanted)
                    return False
            mode = os.stat(path).st_mode if link else entry.stat(follow_symlinks=False).st_mode
        except OSError as exc:
            if wanted:
                self.skip(path, f"cannot be read ({_reason(exc)}); not read", error=True)
            return False
        if not (stat.S_ISDIR(mode) or wanted or bare):
            return False
        if link and not (target == root or target.startswith(root.rstrip(os.sep) + os.sep)):
            what = "folder" if stat.S_ISDIR(mode) else "file"
            self.skip(
                path,
                f"a symbolic link to the {what} {target}, outside the folder being loaded; "
                "not followed",
                error=False,
            )
            return False
        if stat.S_ISDIR(mode):
            return True
        if stat.S_ISREG(mode):
            if entry.name.lower().partition(".")[0] in REPOSITORY_DOCUMENTS:
                self.skip(path, "a repository document, not a post-mortem; not read", error=False)
            elif wanted or _looks_like_markdown(path):
                self.add(path, False)
            else:
                self.skip(path, "no extension, and not Markdown; not read", error=False)
        elif bare and not wanted:
            return False
        else:
            self.skip(path, f"is {kind_of(mode)}, not a regular file; not read", error=True)
        return False

    def _broken(self, path: Path, exc: OSError, *, error: bool) -> None:
        try:
            target = os.readlink(path)
        except OSError:
            target = "?"
        if isinstance(exc, FileNotFoundError):
            reason = f"a symbolic link to nothing ({target}); not read"
        else:
            reason = f"a symbolic link that cannot be followed ({_reason(exc)}); not read"
        self.skip(path, reason, error=error)


def _looks_like_markdown(path: Path) -> bool:
    """True when a file starts with front matter or has a Markdown heading near its top."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError:
        return True  # let the reader report why it cannot be read
    if b"\x00" in head:
        return False
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    if text.startswith("---\n") or text.startswith("---\r\n"):
        return True
    return any(
        line.startswith("#") and line.lstrip("#").startswith(" ") for line in text.splitlines()
    )


def _reason(exc: OSError) -> str:
    return (exc.strerror or str(exc)).lower()


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
