from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_CORPORA = REPO.parent / "shared" / "corpora"


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory, monkeypatch):
    """Every test gets its own corpus cache, never the user's."""
    monkeypatch.setenv("PMANALYTICS_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture(scope="session")
def dfds_folder() -> Path:
    folder = SHARED_CORPORA / "dfds-postmortems"
    if not folder.is_dir():
        pytest.fail(f"the shared corpus is missing: expected {folder} (see ../shared/corpora)")
    return folder
