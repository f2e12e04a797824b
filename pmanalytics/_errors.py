"""The exception hierarchy: everything pmanalytics raises derives from :class:`PMError`."""

from __future__ import annotations

from pathlib import Path


class PMError(Exception):
    """Base class of every error raised by pmanalytics."""


class ModelError(PMError, ValueError):
    """A post-mortem (or one of its parts) breaks a rule of the domain model.

    ``locations`` holds, for each problem, the path of the field it concerns, such
    as ``("items", 3, "votes")``; an empty tuple for a rule across fields.
    """

    def __init__(self, message: str, locations: tuple[tuple[str | int, ...], ...] = ()) -> None:
        super().__init__(message)
        self.locations = locations


class ArgumentError(PMError, ValueError):
    """A function was called with an invalid argument; the message names it and echoes it."""


class IngestError(PMError, ValueError):
    """A file could not be read as a post-mortem.

    The message names the file, the line where it is known, and the reason.

    Parameters
    ----------
    path : path-like
        The file that failed.
    message : str
        Why it failed.
    line : int, optional
        1-based line number in the file, when known.
    """

    def __init__(self, path: str | Path, message: str, line: int | None = None) -> None:
        self.path = str(path)
        self.line = line
        self.reason = message
        where = self.path if line is None else f"{self.path}:{line}"
        super().__init__(f"{where}: {message}")
