"""The session journal: one JSON line per event, appended under a file lock, fsynced each time.

- A process killed at any moment loses at most the event it was writing: each event is
  written with one ``write`` of a whole line, then flushed and fsynced before the call
  returns.
- A torn last line (a writer killed mid-write) is skipped with a
  :class:`~pmanalytics.session.errors.SessionWarning`; the next append cuts it off first.
  A last line that is a whole event and lacks only its newline is kept (and completed
  by the next append), never cut off.
- A line nested too deeply to parse is a :class:`~pmanalytics.session.errors.JournalError`.
- A read-only journal (or folder) can still be read, for viewing and export.
- Several processes may append to one journal: reads and appends hold a lock (the
  ``filelock`` package: ``flock`` on Linux and macOS, ``msvcrt`` locking on Windows, on a
  ``<journal>.lock`` file beside it) and appends first read the events other processes
  added, so every new event is checked against the latest state and lines never interleave.
  The operating system drops the lock of a killed process.
"""

from __future__ import annotations

import contextlib
import os
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock

from .._atomic import fsync_directory
from .errors import JournalError, SessionWarning
from .events import Event, parse_event

__all__ = ["Journal"]


class Journal:
    """An append-only JSON Lines file of events.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from datetime import datetime, UTC
    >>> journal = Journal(pathlib.Path(tempfile.mkdtemp()) / "x.session.jsonl")
    >>> at = datetime(2024, 1, 1, tzinfo=UTC)
    >>> from pmanalytics.session.events import make_event
    >>> event = make_event(1, "phase_ended", at, "ana", {"phase": None}, "e-1")
    >>> journal.append(lambda new: event).seq
    1
    >>> [e.id for e in Journal(journal.path).read_new()]
    ['e-1']
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._offset = 0  # bytes of complete lines already read
        self._line = 0  # lines already read
        self._fd: int | None = None
        self._writable = False
        self._unterminated = False  # the last event read had no newline (yet)
        self._lock = FileLock(f"{self.path}.lock")

    def _open(self, *, write: bool = True) -> int:
        if self._fd is not None and write and not self._writable:
            self.close()  # opened read-only for viewing: reopen to append
        if self._fd is None:
            created = not self.path.exists()
            flags = os.O_RDWR | os.O_APPEND | os.O_CREAT | getattr(os, "O_BINARY", 0)
            try:
                self._fd = os.open(self.path, flags, 0o644)
                self._writable = True
            except PermissionError:
                if write or created:
                    raise
                # a read-only journal (or folder) can still be viewed and exported
                self._fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
                self._writable = False
            if created:  # make the new file's name durable too, not only its lines
                fsync_directory(self.path.parent)
        return self._fd

    def close(self) -> None:
        """Close the file (it is reopened on the next use)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self.close()

    @contextmanager
    def _locked(self, *, write: bool = True) -> Iterator[int]:
        try:
            self._lock.acquire()
        except PermissionError:
            if write:
                raise
            # No lock file can be made in a read-only folder; nobody can append
            # there either, so reading without the lock is safe.
            yield self._open(write=False)
            return
        try:
            yield self._open(write=write)
        finally:
            self._lock.release()

    def _read_tail(self, fd: int, *, repair: bool) -> list[Event]:
        size = os.fstat(fd).st_size
        if size < self._offset:
            raise JournalError(f"{self.path}: the journal shrank below what was already read")
        if size == self._offset:
            if self._unterminated and repair:  # complete the last event before appending
                os.write(fd, b"\n")
                os.fsync(fd)
                self._offset += 1
                self._unterminated = False
            return []
        data = _read_at(fd, self._offset, size - self._offset)
        if self._unterminated:
            self._unterminated = False
            if data.startswith(b"\n"):
                self._offset += 1
                data = data[1:]
        end = data.rfind(b"\n") + 1
        complete, torn = data[:end], data[end:]
        events = []
        for raw in complete.split(b"\n")[:-1]:
            self._line += 1
            if not raw.strip():
                continue
            events.append(self._parse(raw, self._line))
        self._offset += end
        if torn and (last := self._intact(torn)) is not None:
            # A whole event whose newline was never written (a writer killed between the
            # two, or an editor): it was acknowledged, so it is kept, and completed.
            self._line += 1
            events.append(last)
            self._offset += len(torn)
            if repair:
                os.write(fd, b"\n")
                os.fsync(fd)
                self._offset += 1
            else:
                self._unterminated = True  # the newline may come later: skip it then
            return events
        if torn:
            where = f"{self.path}:{self._line + 1}"
            if repair:
                os.ftruncate(fd, self._offset)
                os.fsync(fd)
                message = f"{where}: cut off a torn last line ({len(torn)} bytes, never saved)"
            else:
                message = f"{where}: skipped a torn last line ({len(torn)} bytes, never saved)"
            warnings.warn(message, SessionWarning, stacklevel=4)
        return events

    def _parse(self, raw: bytes, line: int) -> Event:
        try:
            return parse_event(raw)
        except JournalError as exc:
            raise JournalError(f"{self.path}:{line}: {exc}") from exc
        except RecursionError:
            raise JournalError(f"{self.path}:{line}: the event is nested too deeply") from None

    def _intact(self, torn: bytes) -> Event | None:
        """The event a last line without its newline holds, if it is whole; else None."""
        try:
            return parse_event(torn)
        except (JournalError, RecursionError, ValueError):
            return None

    def read_new(self) -> list[Event]:
        """The events appended since the last read (all of them on the first call)."""
        if not self.path.exists():
            raise JournalError(f"{self.path}: no such session journal")
        with self._locked(write=False) as fd:
            return self._read_tail(fd, repair=False)

    def append(self, prepare: Callable[[list[Event]], Event]) -> Event:
        """Append one event, atomically with respect to other writers.

        Under an exclusive lock: read the events others appended, call
        ``prepare(new_events)`` (which applies them, checks the rules and returns the
        event to write, or raises to write nothing), write it as one line, fsync.
        """
        with self._locked() as fd:
            event = prepare(self._read_tail(fd, repair=True))
            line = (event.to_json() + "\n").encode("utf-8")
            view = memoryview(line)
            written = 0
            try:
                while written < len(line):
                    written += os.write(fd, view[written:])
                os.fsync(fd)
            except BaseException:
                if written:  # never leave half a line for the next writer
                    os.ftruncate(fd, self._offset)
                raise
            self._offset += len(line)
            self._line += 1
            return event


def _read_at(fd: int, offset: int, size: int) -> bytes:
    """``size`` bytes from ``offset`` (``os.pread`` is not on Windows; the lock is held)."""
    os.lseek(fd, offset, os.SEEK_SET)
    parts = []
    while size > 0:
        chunk = os.read(fd, size)
        if not chunk:
            break
        parts.append(chunk)
        size -= len(chunk)
    return b"".join(parts)
