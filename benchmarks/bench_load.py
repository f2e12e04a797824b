"""Load benchmark: cold and warm ``pmanalytics.load`` against a bare reference parse.

Usage::

    python benchmarks/bench_load.py --incidents 10000

Generates a demo corpus (kept in benchmarks/out/ for reuse; --regenerate to redo it), then, in
one fresh measuring process: a bare reference parse of every file on one core (PyYAML's C
loader on the front matter plus markdown-it-py on the body, no model), a cold load (empty
cache), and a warm load (cache filled, nothing changed). Prints times, documents per second and
peak memory, with the machine's core count.

Targets (issue 2, on a 2-core machine, 10,000 post-mortems): cold load <= 12 s and <= 1.5x the
reference parse; warm load <= 1 s; peak memory <= 1.5 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _peak_mib(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux reports KiB


def reference_parse(files: list[Path]) -> None:
    """What any loader must at least do: read, YAML-load the front matter, parse the Markdown."""
    import yaml
    from markdown_it import MarkdownIt

    markdown = MarkdownIt("commonmark")
    for path in files:
        text = path.read_text(encoding="utf-8")
        body = text
        if text.startswith("---\n"):
            end = text.find("\n---\n", 4)
            yaml.load(text[4:end], Loader=yaml.CSafeLoader)
            body = text[end + 5 :]
        markdown.parse(body)


def measure(folder: Path) -> dict[str, float]:
    """Run in a fresh process so that peak memory belongs to the load alone."""
    import pmanalytics as pm

    files = sorted(folder.glob("*.md"))
    started = time.perf_counter()
    reference_parse(files)
    reference = time.perf_counter() - started

    with tempfile.TemporaryDirectory() as cache:
        started = time.perf_counter()
        cold = pm.load(folder, cache=cache, progress=False)
        cold_seconds = time.perf_counter() - started
        started = time.perf_counter()
        warm = pm.load(folder, cache=cache, progress=False)
        warm_seconds = time.perf_counter() - started
    assert len(cold.incidents) == len(warm.incidents) == len(files), "load lost files"
    assert len(cold.errors) == 0, cold.errors.head()
    return {
        "files": len(files),
        "items": len(cold.items),
        "reference_s": reference,
        "cold_s": cold_seconds,
        "warm_s": warm_seconds,
        "main_peak_mib": _peak_mib(resource.RUSAGE_SELF),
        "worker_peak_mib": _peak_mib(resource.RUSAGE_CHILDREN),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--incidents", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--regenerate", action="store_true", help="rewrite the corpus")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.measure:
        print(json.dumps(measure(args.measure)))
        return

    folder = HERE / "out" / f"corpus-{args.incidents}-seed{args.seed}"
    if args.regenerate or not (folder / ".complete").exists():
        print(f"generating {args.incidents} post-mortems into {folder} ...", flush=True)
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pmanalytics.cli",
                "demo",
                str(folder),
                "--incidents",
                str(args.incidents),
                "--seed",
                str(args.seed),
            ],
            check=True,
        )
        (folder / ".complete").touch()
        print(f"generated in {time.perf_counter() - started:.1f} s", flush=True)

    print_figures(run_measurement(folder))


def run_measurement(folder: Path) -> dict[str, float]:
    """Measure ``folder`` in a fresh process (see :func:`measure`)."""
    output = subprocess.run(
        [sys.executable, __file__, "--measure", str(folder)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result: dict[str, float] = json.loads(output.strip().splitlines()[-1])
    return result


def print_figures(r: dict[str, float]) -> None:
    cores = os.cpu_count()
    workers = cores or 1
    peak_total = r["main_peak_mib"] + workers * r["worker_peak_mib"]
    ratio = r["cold_s"] / r["reference_s"]
    print(f"machine: {cores} cores")
    print(f"corpus: {r['files']} post-mortems, {r['items']} items")
    print(f"reference parse (1 core, YAML C loader + markdown-it-py): {r['reference_s']:.2f} s")
    print(
        f"cold load:  {r['cold_s']:.2f} s  ({r['files'] / r['cold_s']:.0f} docs/s), "
        f"{ratio:.2f}x the reference   [target <= 12 s and <= 1.5x]"
    )
    print(
        f"warm load:  {r['warm_s']:.2f} s  ({r['files'] / r['warm_s']:.0f} docs/s)   "
        f"[target <= 1 s]"
    )
    print(
        f"peak memory: main {r['main_peak_mib']:.0f} MiB, largest worker "
        f"{r['worker_peak_mib']:.0f} MiB, bound for all {workers} workers + main "
        f"{peak_total:.0f} MiB   [target <= 1536 MiB]"
    )


if __name__ == "__main__":
    main()
