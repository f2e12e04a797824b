"""Reading exported files safely: size limit, encodings, CSV rows with line numbers, JSON.

Nothing here raises on bad input: every function returns what it could read plus
:class:`~pmanalytics.ingest.records.ImportProblem` rows for what it could not.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import re
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from .._discover import kind_of
from .._errors import IngestError
from .._validate import check_int
from ._results import ImportProblem, ImportResult

__all__ = [
    "DEFAULT_MAX_BYTES",
    "CsvTable",
    "Source",
    "csv_header",
    "json_of",
    "load_json",
    "load_text",
    "read_csv",
    "read_file_text",
    "read_source",
    "source_name",
]

#: The most rows one CSV export may have: reading costs time in proportion (about 5 s
#: at the limit). Jira exports 1,000 issues at a time; a retrospective has hundreds.
MAX_ROWS = 20_000
#: A NUL this early means a binary file (no line to name); a later one is a stray NUL in text.
_BINARY_PROBE = 8192
#: Files larger than this are refused before they are read (``max_bytes``).
DEFAULT_MAX_BYTES = 50 * 1024 * 1024

Source = str | os.PathLike[str] | IO[str] | IO[bytes]
"""A path, or an open file (text or binary)."""

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def source_name(source: Source, name: str | None = None) -> str:
    """The name to report problems under: the path, the open file's name, or ``name``.

    Examples
    --------
    >>> source_name("exports/retro.csv")
    'exports/retro.csv'
    >>> source_name(io.StringIO("a,b"))
    '<stream>'
    """
    if name is not None:
        return name
    if isinstance(source, str | os.PathLike):
        return os.fspath(source)
    found = getattr(source, "name", None)
    return found if isinstance(found, str) else "<stream>"


def load_text(
    source: Source,
    *,
    name: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    encoding: str | None = None,
) -> tuple[str | None, ImportProblem | None]:
    """Read a whole text file, or say why not.

    A path larger than ``max_bytes`` is refused before reading. Without an
    ``encoding`` the text must be UTF-8 (a UTF-8, UTF-16 or UTF-32 byte-order mark
    is honoured); binary and empty files are refused.

    Examples
    --------
    >>> load_text(io.BytesIO(b"\\xff\\xfeh\\x00i\\x00"))
    ('hi', None)
    >>> text, problem = load_text(io.BytesIO(b"caf\\xe9"))
    >>> print(problem.message)  # doctest: +ELLIPSIS
    is not UTF-8 text (byte 0xe9 at offset 3)...
    """
    shown = source_name(source, name)
    check_int("max_bytes", max_bytes, minimum=1)
    if isinstance(source, str | os.PathLike):
        data, problem = _read_path(source, shown, max_bytes)
        if problem is not None:
            return None, problem
    else:
        try:
            raw = source.read(max_bytes + 1)
        except (OSError, ValueError) as exc:
            return None, ImportProblem(shown, None, f"cannot be read: {exc}")
        if len(raw) > max_bytes:
            return None, _too_big(shown, None, max_bytes)
        if isinstance(raw, str):
            return _check_text(raw, shown)
        data = bytes(raw)
    return _decode(data, shown, encoding)


def read_file_text(path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """A text file's contents, read as :func:`load_text` does, or :class:`IngestError`.

    Examples
    --------
    >>> read_file_text("no/such/file.md")
    Traceback (most recent call last):
    ...
    pmanalytics._errors.IngestError: no/such/file.md: no such file
    """
    text, problem = load_text(Path(path), name=os.fspath(path), max_bytes=max_bytes)
    if text is None:
        reason = problem.message if problem is not None else "cannot be read"
        raise IngestError(os.fspath(path), reason, problem.line if problem is not None else None)
    return text


def read_source(
    source: Source,
    reader: Callable[[str, str], ImportResult],
    *,
    name: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    encoding: str | None = None,
) -> ImportResult:
    """Read a file safely (see :func:`load_text`) and hand its text and name to ``reader``.

    What cannot be read becomes the result's one error row.
    """
    shown = source_name(source, name)
    text, problem = load_text(source, name=shown, max_bytes=max_bytes, encoding=encoding)
    if problem is not None or text is None:
        return ImportResult(errors=(problem,) if problem is not None else ())
    return reader(text, shown)


def _read_path(
    path: str | os.PathLike[str], shown: str, max_bytes: int
) -> tuple[bytes, ImportProblem | None]:
    try:
        # Non-blocking, so that opening a FIFO never waits for a writer; then only a
        # regular file is read (what the open descriptor is, not what the name was).
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
        descriptor = os.open(path, flags)
    except FileNotFoundError:
        return b"", ImportProblem(shown, None, "no such file")
    except IsADirectoryError:
        return b"", ImportProblem(shown, None, "is a folder, not a file")
    except OSError as exc:
        return b"", ImportProblem(shown, None, f"cannot be read: {exc.strerror or exc}")
    try:
        status = os.fstat(descriptor)
        if stat.S_ISDIR(status.st_mode):
            os.close(descriptor)
            return b"", ImportProblem(shown, None, "is a folder, not a file")
        if not stat.S_ISREG(status.st_mode):
            os.close(descriptor)
            what = kind_of(status.st_mode)
            return b"", ImportProblem(shown, None, f"is {what}, not a regular file; not read")
        if status.st_size > max_bytes:
            os.close(descriptor)
            return b"", _too_big(shown, status.st_size, max_bytes)
        with open(descriptor, "rb", closefd=True) as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        return b"", ImportProblem(shown, None, f"cannot be read: {exc.strerror or exc}")
    if len(data) > max_bytes:  # grew while we looked
        return b"", _too_big(shown, len(data), max_bytes)
    return data, None


def _too_big(shown: str, size: int | None, max_bytes: int) -> ImportProblem:
    what = "larger than" if size is None else f"{_size(size)}, more than"
    return ImportProblem(
        shown,
        None,
        f"file is {what} the limit of {_size(max_bytes)} ('max_bytes'); it was not read: "
        "split the export or pass a larger max_bytes",
    )


def _size(count: int) -> str:
    if count < 1024 * 1024:
        return f"{count:,} bytes"
    return f"{count / (1024 * 1024):.1f} MB ({count:,} bytes)"


def _decode(
    data: bytes, shown: str, encoding: str | None
) -> tuple[str | None, ImportProblem | None]:
    if not data:
        return None, ImportProblem(shown, None, "file is empty")
    if encoding is not None:
        try:
            return _check_text(data.decode(encoding), shown)
        except LookupError:
            raise ValueError(f"'encoding' must name a text encoding, got {encoding!r}") from None
        except UnicodeDecodeError as exc:
            return None, ImportProblem(
                shown, None, f"is not {encoding} text ({exc.reason} at offset {exc.start})"
            )
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as exc:
                return None, ImportProblem(
                    shown,
                    None,
                    f"starts with a {codec} byte-order mark but is not {codec} "
                    f"text ({exc.reason} at offset {exc.start})",
                )
            return _check_text(text.lstrip("\ufeff"), shown)
    nul = data.find(b"\x00")
    if nul >= 0:
        return None, ImportProblem(
            shown,
            data.count(b"\n", 0, nul) + 1 if nul >= _BINARY_PROBE else None,
            f"looks like a binary file, not text (NUL byte at offset {nul})",
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = data[exc.start]
        return None, ImportProblem(
            shown,
            data[: exc.start].count(b"\n") + 1,
            f"is not UTF-8 text (byte 0x{bad:02x} at offset {exc.start}); it may be Latin-1 "
            "or Windows-1252: save it as UTF-8, or pass encoding='latin-1'",
        )
    return _check_text(text, shown)


def _check_text(text: str, shown: str) -> tuple[str | None, ImportProblem | None]:
    if text.startswith("\ufeff"):
        text = text.lstrip("\ufeff")
    if not text or text.isspace():
        return None, ImportProblem(shown, None, "file is empty")
    nul = text.find("\x00")
    if nul >= 0:
        return None, ImportProblem(
            shown,
            text.count("\n", 0, nul) + 1 if nul >= _BINARY_PROBE else None,
            f"looks like a binary file, not text (NUL at character {nul})",
        )
    return text, None


# --------------------------------------------------------------------------- CSV


@dataclass
class CsvTable:
    """A CSV file as read: the header, the good rows with their line, and the problems."""

    header: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)

    def records(self) -> list[tuple[int, dict[str, Any]]]:
        """Rows as dicts; a column name the header repeats gathers its non-empty cells in a list."""
        counts: dict[str, int] = {}
        for column in self.header:
            counts[column] = counts.get(column, 0) + 1
        result = []
        for line, row in self.rows:
            record: dict[str, Any] = {}
            for column, cell in zip(self.header, row, strict=False):
                if counts[column] > 1:
                    gathered = record.setdefault(column, [])
                    if cell.strip():
                        gathered.append(cell)
                else:
                    record[column] = cell
            result.append((line, record))
        return result


def read_csv(text: str, shown: str) -> CsvTable:
    """Parse CSV text; a row of the wrong width becomes a problem naming its line.

    Rows may span lines (quoted newlines): a row's line is the line it starts on.

    Examples
    --------
    >>> table = read_csv('a,b\\n1,2\\n3\\n"x\\ny",4\\n', "t.csv")
    >>> table.rows
    [(2, ['1', '2']), (4, ['x\\ny', '4'])]
    >>> print(table.problems[0])
    t.csv:3: the row has 1 field, the header has 2; the row was left out
    """
    if csv.field_size_limit() <= len(text):  # a cell may be as long as the (bounded) file
        csv.field_size_limit(len(text) + 1)
    reader = csv.reader(io.StringIO(text, newline=""))
    table = CsvTable(header=[])
    end = 0
    try:
        for row in reader:
            start, end = end + 1, reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if not table.header:
                table.header = _header(row)
                continue
            width = len(table.header)
            if len(row) > width and not any(cell.strip() for cell in row[width:]):
                row = row[:width]
            if len(row) != width:
                plural = "" if len(row) == 1 else "s"
                table.problems.append(
                    ImportProblem(
                        shown,
                        start,
                        f"the row has {len(row)} field{plural}, the header has {width}; "
                        "the row was left out",
                    )
                )
                continue
            if len(table.rows) == MAX_ROWS:
                table.problems.append(
                    ImportProblem(
                        shown,
                        start,
                        f"more than {MAX_ROWS:,} rows: the rest of the file was not read; "
                        "split the export",
                    )
                )
                break
            table.rows.append((start, row))
    except csv.Error as exc:
        table.problems.append(
            ImportProblem(
                shown, end + 1, f"cannot be read as CSV ({exc}); the rest of the file was not read"
            )
        )
    return table


def csv_header(source: Source | Sequence[str]) -> list[str] | None:
    """The column names of a CSV file, header line text, or list of names; None if unreadable.

    Examples
    --------
    >>> csv_header('"Summary","Issue key"\\n"Disk full",OPS-1\\n')
    ['Summary', 'Issue key']
    """
    if isinstance(source, list | tuple):
        return [str(column).strip() for column in source]
    if isinstance(source, str) and ("," in source or "\n" in source) and not os.path.isfile(source):
        text: str | None = source
    else:
        text, problem = load_text(source)  # type: ignore[arg-type]
        if problem is not None:
            return None
    try:
        for row in csv.reader(io.StringIO(text or "", newline="")):
            if any(cell.strip() for cell in row):
                return _header(row)
    except csv.Error:
        return None
    return None


def _header(row: Sequence[str]) -> list[str]:
    return [cell.strip() or f"column {index + 1}" for index, cell in enumerate(row)]


# --------------------------------------------------------------------------- JSON


def load_json(text: str, shown: str) -> tuple[Any, ImportProblem | None]:
    """Parse JSON text, or give a problem with the line of the syntax error.

    Examples
    --------
    >>> value, problem = load_json('{"a": 1,\\n "b": }', "x.json")
    >>> print(problem)
    x.json:2: invalid JSON: Expecting value (column 7)
    """
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, ImportProblem(
            shown, exc.lineno, f"invalid JSON: {exc.msg} (column {exc.colno})"
        )
    except RecursionError:
        return None, ImportProblem(shown, None, "invalid JSON: nested too deeply to read")
    if _SURROGATE_ESCAPE.search(text):
        value = _without_lone_surrogates(value)
    return value, None


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _without_lone_surrogates(value: Any) -> Any:
    """``value`` with each lone surrogate (half a character, as a browser cuts a string
    inside an emoji) replaced by U+FFFD, so that every string can be stored as UTF-8.

    Examples
    --------
    >>> _without_lone_surrogates({"name": ["cut \\ud83d"]}) == {"name": ["cut \\ufffd"]}
    True
    """

    def fix(item: Any) -> Any:
        if isinstance(item, str):
            return _LONE_SURROGATE.sub("\ufffd", item)
        return item

    top = fix(value)
    stack = [top]
    while stack:  # iterative: the JSON may be deep
        current = stack.pop()
        if isinstance(current, dict):
            for key in list(current):
                fixed_key = fix(key)
                item = fix(current.pop(key))
                current[fixed_key] = item
                stack.append(item)
        elif isinstance(current, list):
            for index, item in enumerate(current):
                current[index] = fix(item)
                stack.append(current[index])
    return top


def json_of(source: Source | Any) -> Any:
    """Parsed JSON from parsed data, JSON text or a file; None when it cannot be read.

    Examples
    --------
    >>> json_of('{"incidents": []}'), json_of([1]), json_of("[oops")
    ({'incidents': []}, [1], None)
    """
    if isinstance(source, dict | list):
        return source
    if isinstance(source, str) and source.lstrip()[:1] in ("{", "[") and not os.path.isfile(source):
        text: str | None = source
    elif isinstance(source, str | os.PathLike | io.IOBase):
        text, problem = load_text(source)  # type: ignore[arg-type]
        if problem is not None:
            return None
    else:
        return None
    value, problem = load_json(text or "", "<json>")
    return None if problem is not None else value
