"""The suite's own rules (tests/conftest.py): shared data outside the repository, profiles."""

from __future__ import annotations

import pytest
from hypothesis import settings

from tests.conftest import HYPOTHESIS_PROFILE, examples, shared_corpus


def test_a_missing_shared_corpus_skips_on_a_fresh_clone(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"no-such-corpus.*CI runs these tests"):
        shared_corpus("no-such-corpus")


def test_a_missing_shared_corpus_fails_under_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=r"no-such-corpus.*CI must provide it"):
        shared_corpus("no-such-corpus")


def test_the_loaded_profile_is_the_announced_one():
    assert settings.default.max_examples == settings.get_profile(HYPOTHESIS_PROFILE).max_examples
    if HYPOTHESIS_PROFILE == "ci":
        assert examples(300) == 300
    else:
        assert examples(300) == 30 and examples(20) == 5
