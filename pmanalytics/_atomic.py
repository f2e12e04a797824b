"""Atomic file writes: a temporary file beside the target, fsync, then rename.

Files are written for people: a new file gets the mode any other program would give it
(``0o666`` less the umask), and a replaced file keeps its mode. The umask is applied by the
operating system when the temporary file is created (``os.open`` with mode ``0o666``), so it is
never read or changed here, and concurrent threads cannot race on it.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path

#: The mode a new file asks for; the process umask is taken off it by the operating system.
NEW_FILE_MODE = 0o666
_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half.

    A new file is created with mode ``0o666 & ~umask``, like ``open(path, "w")`` would; a file
    that is replaced keeps its permission bits.

    Examples
    --------
    >>> import os, stat, tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> atomic_write_bytes(target, b"hello").read_bytes()
    b'hello'
    >>> target.chmod(0o640)
    >>> oct(stat.S_IMODE(atomic_write_bytes(target, b"again").stat().st_mode))
    '0o640'
    """
    target = Path(path)
    fd, tmp_path = _create_beside(target)
    try:
        with os.fdopen(fd, "wb") as handle:
            _keep_mode(target, handle.fileno(), tmp_path)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_path, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_path)
        raise
    fsync_directory(target.parent)
    return target


def atomic_write_text(path: str | Path, text: str) -> Path:
    """Write ``text`` as UTF-8 with :func:`atomic_write_bytes`."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def _create_beside(target: Path) -> tuple[int, Path]:
    """Create a new hidden temporary file next to ``target``; the umask applies to its mode."""
    for _ in range(100):
        candidate = target.parent / f".{target.name}.{secrets.token_hex(6)}.tmp"
        try:
            return os.open(candidate, _FLAGS, NEW_FILE_MODE), candidate
        except FileExistsError:
            continue
    raise FileExistsError(f"could not create a temporary file beside {target}")


def _keep_mode(target: Path, fd: int, tmp_path: Path) -> None:
    """Give the temporary file ``target``'s permission bits when ``target`` already exists."""
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        return
    if hasattr(os, "fchmod"):
        os.fchmod(fd, mode)
    else:  # pragma: no cover - Windows has no fchmod
        os.chmod(tmp_path, mode)


def fsync_directory(folder: Path) -> None:
    """Make a new or renamed entry in ``folder`` durable (where directories can be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
