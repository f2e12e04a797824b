"""Command-line start-up benchmark: each command as a whole process, wall time.

Usage::

    python benchmarks/bench_cli.py --runs 10
    python benchmarks/bench_cli.py --source OTHER_CHECKOUT   # e.g. before a change

Runs ``python -m pmanalytics ...`` (the package found on ``--source``, default this
repository) ``--runs`` times per command after one warm-up run, and prints the median and
the 90th percentile of the wall time, the median CPU time (steadier on a shared machine)
and the machine's core count. The small folder is five post-mortems copied from
data/sample into a temporary folder. A command that fails (for example one a
checkout does not have yet) is reported with its exit status instead of a time.

Target (issue 15): ``--help`` and ``--version`` under 0.5 s as a whole process.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SAMPLE = HERE.parent / "data" / "sample"
SMALL = 5


def commands(small: Path, scratch: Path, incident: str) -> dict[str, list[str]]:
    """The measured commands, by label; ``{n}`` in an argument is replaced by the run number."""
    return {
        "--help": ["--help"],
        "--version": ["--version"],
        "new": ["new", "Database failover {n}", "--folder", str(scratch)],
        f"validate ({SMALL} files)": ["validate", str(small)],
        f"actions ({SMALL} files)": ["actions", str(small), "--as-of", "2025-06-01"],
        f"checkin ({SMALL} files)": ["checkin", str(small), "--incident", incident],
    }


def run_once(source: Path, argv: list[str], cwd: Path) -> tuple[float, float, int]:
    """Wall time and CPU time (user + system) in seconds, and the exit status, of
    ``python -m pmanalytics *argv``.

    ``cwd`` must not hold a ``pmanalytics`` package: ``-m`` would import that one. The CPU
    time is the steadier figure on a shared machine; the wall time is what a person waits.
    """
    env = dict(os.environ, PYTHONPATH=str(source))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "pmanalytics", *argv],
        env=env,
        cwd=cwd,
        capture_output=True,
        check=False,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu, done.returncode


def p90(values: list[float]) -> float:
    """The 90th percentile (nearest rank).

    Examples
    --------
    >>> p90([float(n) for n in range(1, 11)])
    9.0
    """
    ranked = sorted(values)
    return ranked[max(0, -(-9 * len(ranked) // 10) - 1)]


def measure(source: Path, runs: int) -> list[tuple[str, str]]:
    """Rows of (command, figures) for every command."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        small, scratch = Path(tmp) / "small", Path(tmp) / "new"
        small.mkdir()
        files = sorted(SAMPLE.glob("20*.md"))[:SMALL]
        for one in files:
            shutil.copy(one, small / one.name)
        for label, argv in commands(small, scratch, files[0].stem).items():
            walls, cpus, status = [], [], 0
            for number in range(runs + 1):  # the first run warms the caches
                wall, cpu, status = run_once(source, [a.format(n=number) for a in argv], Path(tmp))
                if status != 0:
                    break
                if number:
                    walls.append(wall)
                    cpus.append(cpu)
            figures = (
                f"median {statistics.median(walls):.3f} s   p90 {p90(walls):.3f} s   "
                f"(CPU median {statistics.median(cpus):.3f} s)"
                if status == 0
                else f"failed (exit status {status})"
            )
            rows.append((label, figures))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10, help="timed runs per command (10)")
    parser.add_argument(
        "--source", type=Path, default=HERE.parent, help="folder holding the pmanalytics package"
    )
    args = parser.parse_args()
    print(
        f"pmanalytics CLI, {args.runs} runs per command, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )
    for label, figures in measure(args.source.resolve(), args.runs):
        print(f"  {label:<22} {figures}")


if __name__ == "__main__":
    main()
