from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "sample"
TRACKERS = REPO / "tests" / "fixtures" / "trackers"
AS_OF = "2026-11-02"  # after every incident and action of data/sample


@pytest.fixture()
def sample(tmp_path: Path) -> Path:
    """A private copy of data/sample that a test may change."""
    return Path(shutil.copytree(SAMPLE, tmp_path / "sample"))


@pytest.fixture()
def one_file(sample: Path) -> Path:
    return sample / "2024-11-21-search-packet-loss-0001.md"


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` and its bytes (to check that nothing changed)."""
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.fixture(scope="session")
def httpserver_listen_address() -> tuple[str, int]:
    """The fake tracker and webhook servers listen on the loopback address only."""
    return ("127.0.0.1", 0)
