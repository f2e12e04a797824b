"""How fast the trends and actions dashboard is on a large corpus.

    .venv/bin/python benchmarks/bench_dashboard.py --incidents 10000

Targets: every figure built in <= 3 s; a filter change re-rendered in <= 1 s; the HTML export
<= 8 MB. The corpus is generated in memory (pmanalytics.demo), not timed; its actions are topped up
to --actions with copies of random ones (new ids).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import tempfile
import time
from pathlib import Path

import pandas as pd

from pmanalytics import Corpus, demo
from pmanalytics.dashboard import Dashboard, build_figures, compute


def _best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def _top_up(corpus: Corpus, target: int, seed: int) -> Corpus:
    """Copies of random actions (new ids) until there are ``target`` actions."""
    actions = corpus.actions
    missing = target - len(actions)
    if missing <= 0:
        return corpus
    extra = actions.sample(missing, replace=True, random_state=seed).reset_index(drop=True)
    suffix = pd.Series([f"-x{n}" for n in range(missing)], dtype="string")
    extra["action_id"] = extra["action_id"] + suffix
    return dataclasses.replace(corpus, actions=pd.concat([actions, extra], ignore_index=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=10_000)
    parser.add_argument("--actions", type=int, default=60_000, help="top up to this many")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    print(f"machine: {os.cpu_count()} cores")
    generated = demo.generate(args.incidents, seed=args.seed)
    corpus = _top_up(Corpus.from_postmortems(generated.postmortems), args.actions, args.seed)
    as_of = generated.end
    print(f"corpus: {len(corpus.incidents)} incidents, {len(corpus.actions)} actions")

    compute_s = _best(lambda: compute(corpus, as_of), args.repeat)
    data = compute(corpus, as_of)
    figures_s = _best(lambda: build_figures(data), args.repeat)
    print(
        f"every figure (metrics {compute_s:.2f} s + figures {figures_s:.2f} s): "
        f"{compute_s + figures_s:.2f} s   [target <= 3 s]"
    )

    board = Dashboard(corpus, as_of=as_of)
    choices = list(board.services.options)
    changes = []
    for n in range(max(args.repeat, 3)):
        start = time.perf_counter()
        board.services.value = (choices[n % len(choices)],)  # the observer re-renders
        changes.append(time.perf_counter() - start)
    start = time.perf_counter()
    board._on_reset()
    changes.append(time.perf_counter() - start)
    print(
        f"filter change re-render (widgets, {len(changes)} changes): "
        f"median {statistics.median(changes):.2f} s, max {max(changes):.2f} s   [target <= 1 s]"
        f"\n  each: {', '.join(f'{t:.2f}' for t in changes)} s (the last back to all incidents)"
    )

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.html"
        start = time.perf_counter()
        board.to_html(path)
        export_s = time.perf_counter() - start
        size = path.stat().st_size
    print(f"HTML export: {size / 1e6:.2f} MB in {export_s:.2f} s   [target <= 8 MB]")


if __name__ == "__main__":
    main()
