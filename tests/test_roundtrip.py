"""The canonical file round trip is lossless."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

import pmanalytics as pm
from tests.conftest import examples
from tests.strategies import postmortems


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(postmortems())
def test_write_then_read_gives_an_equal_postmortem(tmp_path_factory, original):
    folder = tmp_path_factory.mktemp("pm")
    path = pm.write(original, folder)
    assert path.name == f"{original.id}.md"
    assert pm.read(path) == original
