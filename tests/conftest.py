"""Suite-wide fixtures and rules.

- **Hypothesis profiles.** ``dev`` (the default) runs few examples so that a property test
  gives an answer in seconds while you work; ``ci`` is the thorough one, selected by
  ``make test`` (``HYPOTHESIS_PROFILE=ci``) and whenever ``CI`` is set. The pytest header says
  which one runs. A test that needs more examples than the default asks for them with
  :func:`examples`, which scales its number down under ``dev``.
- **Data that lives outside the repository** (``../shared/corpora``) is reached only through
  :func:`shared_corpus` (or the ``dfds_folder`` fixture): a missing folder skips the test with
  a clear message on a fresh clone, and fails it under CI (``CI`` set), where it must be there.
  The browser tests follow the same rule for chromium.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

REPO = Path(__file__).resolve().parents[1]
SHARED_CORPORA = REPO.parent / "shared" / "corpora"

# ----------------------------------------------------------------------------- Hypothesis

#: Examples per property test under the thorough profile (Hypothesis' own default).
THOROUGH_EXAMPLES = 100
#: Under the fast profile, a test runs this fraction of its thorough number of examples.
DEV_FRACTION = 10

settings.register_profile("ci", max_examples=THOROUGH_EXAMPLES, print_blob=True)
settings.register_profile("dev", max_examples=THOROUGH_EXAMPLES // DEV_FRACTION)


def _profile_name() -> str:
    chosen = os.environ.get("HYPOTHESIS_PROFILE")
    if chosen:
        return chosen
    return "ci" if os.environ.get("CI") else "dev"


HYPOTHESIS_PROFILE = _profile_name()
settings.load_profile(HYPOTHESIS_PROFILE)


def examples(thorough: int) -> int:
    """``thorough`` examples under the ``ci`` profile; a tenth of them (at least 5) otherwise.

    Use it where a property test asks for more examples than the profile's default:
    ``@settings(max_examples=examples(300))``.
    """
    if HYPOTHESIS_PROFILE == "ci":
        return thorough
    return max(5, thorough // DEV_FRACTION)


def pytest_report_header() -> str:
    profile = settings.get_profile(HYPOTHESIS_PROFILE)
    hint = " (thorough)" if HYPOTHESIS_PROFILE == "ci" else " (fast; `make test` runs ci)"
    return (
        f"hypothesis profile: {HYPOTHESIS_PROFILE}{hint}, "
        f"max_examples={profile.max_examples} by default"
    )


# ----------------------------------------------------------------------------- shared data


def shared_corpus(name: str) -> Path:
    """The folder ``../shared/corpora/<name>``, or skip (fail under ``CI``) when it is absent.

    The shared corpora are real post-mortems kept beside the repository, not in it: a fresh
    clone does not have them, CI does.
    """
    folder = SHARED_CORPORA / name
    if not folder.is_dir():
        message = (
            f"the shared corpus {name!r} is not beside the repository "
            f"(expected ../shared/corpora/{name})"
        )
        if os.environ.get("CI"):
            pytest.fail(f"{message}: CI must provide it")
        pytest.skip(f"{message}; CI runs these tests")
    return folder


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory, monkeypatch):
    """Every test gets its own corpus cache, never the user's."""
    monkeypatch.setenv("PMANALYTICS_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture(scope="session")
def dfds_folder() -> Path:
    """Another team's real post-mortems (40 Markdown files), through :func:`shared_corpus`."""
    return shared_corpus("dfds-postmortems")
