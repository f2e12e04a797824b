"""Import benchmark: 10,000 post-mortems in other teams' Markdown templates.

Usage::

    python benchmarks/bench_import.py --incidents 10000

Renders demo post-mortems in three foreign templates (dfds, Google SRE, PagerDuty style;
see pmanalytics.demo.to_foreign_markdown) into benchmarks/out/, then measures exactly as
bench_load.py does: a bare reference parse (markdown-it-py on each file, one core), a cold
``pmanalytics.load`` (the Markdown importer on every file) and a warm reload.

Target (issue 3): the foundation's, cold import <= 1.5x the bare reference parse.
"""

from __future__ import annotations

import argparse
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from bench_load import HERE, print_figures, run_measurement

from pmanalytics import demo


def _write_share(args: tuple[Path, int, int, int, int]) -> int:
    folder, incidents, seed, first, step = args
    corpus = demo.generate(incidents, seed)
    for number in range(first, incidents, step):
        pm = corpus.postmortems[number]
        style = list(demo.FOREIGN_STYLES)[number % len(demo.FOREIGN_STYLES)]
        text = demo.to_foreign_markdown(pm, style)
        (folder / f"{pm.id}.md").write_text(text, encoding="utf-8")
    return len(range(first, incidents, step))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--incidents", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--regenerate", action="store_true", help="rewrite the corpus")
    args = parser.parse_args()

    folder = HERE / "out" / f"foreign-{args.incidents}-seed{args.seed}"
    if args.regenerate or not (folder / ".complete").exists():
        folder.mkdir(parents=True, exist_ok=True)
        print(f"rendering {args.incidents} foreign-template post-mortems into {folder} ...")
        started = time.perf_counter()
        shares = [(folder, args.incidents, args.seed, first, 2) for first in range(2)]
        with ProcessPoolExecutor(2) as pool:
            written = sum(pool.map(_write_share, shares))
        (folder / ".complete").touch()
        print(f"wrote {written} files in {time.perf_counter() - started:.1f} s")
    print_figures(run_measurement(folder))


if __name__ == "__main__":
    main()
