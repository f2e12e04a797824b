"""Files written for people respect the umask, and a replaced file keeps its mode."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from pmanalytics._atomic import atomic_write_text

pytestmark = pytest.mark.skipif(os.name != "posix", reason="permission bits are POSIX")


@pytest.fixture
def umask():
    """Set the process umask for one test, then put the old one back."""
    old = os.umask(0o022)
    os.umask(old)
    try:
        yield os.umask
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize(("mask", "expected"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_a_new_file_gets_0666_less_the_umask(umask, tmp_path, mask, expected):
    umask(mask)
    written = atomic_write_text(tmp_path / "pm.md", "hello")
    assert mode(written) == expected
    assert written.read_text() == "hello"


@pytest.mark.parametrize("kept", [0o644, 0o600, 0o640])
def test_replacing_a_file_keeps_its_mode(umask, tmp_path, kept):
    umask(0o077)  # a stricter umask must not tighten a file that already exists
    target = tmp_path / "report.html"
    target.write_text("old")
    target.chmod(kept)
    atomic_write_text(target, "new")
    assert mode(target) == kept
    assert target.read_text() == "new"


def test_no_temporary_file_is_left_behind(tmp_path):
    atomic_write_text(tmp_path / "a.md", "one")
    atomic_write_text(tmp_path / "a.md", "two")
    assert [p.name for p in tmp_path.iterdir()] == ["a.md"]


def test_the_umask_is_never_changed_by_a_write(umask, tmp_path):
    umask(0o027)
    threads = [
        threading.Thread(target=atomic_write_text, args=(tmp_path / f"{n}.md", "x"))
        for n in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert umask(0o027) == 0o027
    assert {mode(p) for p in tmp_path.iterdir()} == {0o640}


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "a.md"
    target.write_text("old")

    def broken_fsync(fd: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="disk full"):
        atomic_write_text(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.md"]
