"""Floors on the labelled evaluation of ``benchmarks/bench_themes.py`` (dfds labels, demo truth).

The figures themselves are printed by ``bench_themes.py evaluate`` and reported in the README;
these floors sit a little below them, so a change that makes the analysis worse fails here.
"""

from __future__ import annotations

from pathlib import Path

from benchmarks import bench_themes as bench


def test_dfds_labelled_floor(dfds_folder: Path) -> None:
    result = bench.evaluate_dfds(dfds_folder)
    recurring = result["recurring"]
    assert recurring["rows"] >= 1
    assert recurring["precision_at_5"] >= 0.8
    assert recurring["precision_at_10"] >= 0.7
    assert recurring["recall"] >= 0.2
    assert recurring["rows"] <= recurring["themes"] / 2
    assert result["themes"]["ami"] >= 0.2
    assert result["similar_top3"] >= 0.75


def test_demo_ground_truth_floor() -> None:
    result = bench.evaluate_demo(150, seed=2)
    assert result["themes"]["ari"] >= 0.8
    assert 5 <= result["themes"]["themes"] <= 10
    assert result["recurring"]["recall"] == 1.0
    assert result["similar_top3"] >= 0.5
