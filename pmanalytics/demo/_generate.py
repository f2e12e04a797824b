"""Generate a demo corpus and write it to disk (private; see :mod:`pmanalytics.demo`)."""

from __future__ import annotations

import math
import os
import random
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
from tqdm import tqdm

from .._atomic import atomic_write_text
from .._errors import ArgumentError
from .._files import write
from .._model import PostMortem
from .._validate import check_bool, check_int
from . import _vocabulary as txt
from ._build import WINDOW_DAYS, Incident, Spec, plant_problems, skeleton

__all__ = [
    "DEFAULT_END",
    "GROUND_TRUTH_COLUMNS",
    "GROUND_TRUTH_FILE",
    "PROBLEMS",
    "DemoCorpus",
    "generate",
    "read_ground_truth",
    "write_corpus",
]

#: The last day of the default two-year window. Fixed, so output never depends on "now".
DEFAULT_END = date(2026, 10, 31)
#: The ground-truth file written beside the post-mortems.
GROUND_TRUTH_FILE = "ground-truth.csv"
GROUND_TRUTH_COLUMNS = ("incident_id", "item_id", "section", "problem_id", "problem_label")
#: The planted recurring problems: ``(problem_id, problem_label)`` pairs.
PROBLEMS: tuple[tuple[str, str], ...] = tuple((p.id, p.label) for p in txt.PROBLEMS)

_PARALLEL_FROM = 500
_PROGRESS_FROM = 200

_T = TypeVar("_T")
_R = TypeVar("_R")


# --------------------------------------------------------------------------- corpus


@dataclass(frozen=True, eq=False)
class DemoCorpus:
    """Generated post-mortems and the ground truth of the problems planted in them.

    Attributes
    ----------
    postmortems : tuple of PostMortem
        In order of ``started_at``.
    ground_truth : pandas.DataFrame
        One row per planted item, with columns :data:`GROUND_TRUTH_COLUMNS`.
    seed : int
    start, end : datetime.date
        The window; ``end`` is also the "today" that statuses and overdue actions
        are relative to.
    """

    postmortems: tuple[PostMortem, ...]
    ground_truth: pd.DataFrame
    seed: int
    start: date
    end: date

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DemoCorpus):
            return NotImplemented
        return (self.seed, self.start, self.end, self.postmortems) == (
            other.seed,
            other.start,
            other.end,
            other.postmortems,
        ) and self.ground_truth.equals(other.ground_truth)

    @property
    def problems(self) -> pd.DataFrame:
        """Per planted problem: its label and how many incidents and items mention it."""
        truth = self.ground_truth
        rows = [
            {
                "problem_id": problem_id,
                "problem_label": label,
                "incidents": int(
                    truth.loc[truth["problem_id"] == problem_id, "incident_id"].nunique()
                ),
                "items": int((truth["problem_id"] == problem_id).sum()),
            }
            for problem_id, label in PROBLEMS
        ]
        return pd.DataFrame(rows)

    def ground_truth_csv(self) -> str:
        """The text of the ground-truth file: CSV with :data:`GROUND_TRUTH_COLUMNS`."""
        return _truth_csv(self.ground_truth)

    def write(
        self,
        folder: str | os.PathLike[str],
        *,
        progress: bool | None = None,
        workers: int | None = None,
    ) -> Path:
        """Write every post-mortem with :func:`pmanalytics.write`, plus the ground truth.

        Parameters
        ----------
        folder : path-like
            Created if missing. Files are ``<id>.md`` and :data:`GROUND_TRUTH_FILE`;
            other files in it are left alone.
        progress : bool, optional
            Show a progress bar on stderr; by default only for more than 200 files.
        workers : int, optional
            Processes to write with; by default one per available core from 500 files
            on, and a single process below that.

        Returns
        -------
        pathlib.Path
            The folder.

        Examples
        --------
        >>> import tempfile, pmanalytics
        >>> corpus = generate(4, seed=2)
        >>> folder = corpus.write(tempfile.mkdtemp())
        >>> pmanalytics.read(folder / f"{corpus.postmortems[0].id}.md") == corpus.postmortems[0]
        True
        """
        target = _check_folder(folder, "folder")
        count = len(self.postmortems)
        show = _check_progress(progress, count)
        processes = _check_workers(workers, count)
        target.mkdir(parents=True, exist_ok=True)
        with tqdm(total=count, desc="writing post-mortems", unit="file", disable=not show) as bar:
            if processes == 1:
                for pm in self.postmortems:
                    write(pm, target)
                    bar.update(1)
            else:
                chunks = _chunks(self.postmortems, processes)
                for done in _in_processes(_write_chunk, chunks, processes, str(target)):
                    bar.update(done)
        atomic_write_text(target / GROUND_TRUTH_FILE, self.ground_truth_csv())
        return target


# --------------------------------------------------------------------------- public API


def generate(n_incidents: int, seed: int, *, start: date | None = None) -> DemoCorpus:
    """Make ``n_incidents`` realistic post-mortems over two years, deterministically.

    Parameters
    ----------
    n_incidents : int
        How many incidents, at least 1.
    seed : int
        A non-negative int; the same ``(n_incidents, seed, start)`` always gives the
        same corpus; nothing depends on the clock or the machine.
    start : datetime.date, optional
        The first day of the two-year window; by default the window ends on
        :data:`DEFAULT_END` (2026-10-31).

    Returns
    -------
    DemoCorpus

    Raises
    ------
    pmanalytics.ArgumentError
        When a parameter is invalid (a ``ValueError``); the message names it and echoes
        the value.

    Examples
    --------
    >>> corpus = generate(30, seed=7)
    >>> first = corpus.postmortems[0]
    >>> first.id.endswith("-0001"), 10 <= len(first.items) <= 60, 2 <= len(first.actions) <= 10
    (True, True, True)
    >>> corpus == generate(30, seed=7)
    True
    >>> generate(0, seed=7)
    Traceback (most recent call last):
    ...
    pmanalytics._errors.ArgumentError: 'n_incidents' must be an int >= 1, got 0
    """
    plan = _plan(n_incidents, seed, start)
    postmortems: list[PostMortem] = []
    truth: list[tuple[str, ...]] = []
    for spec in plan.specs:
        pm, rows = _build(plan, spec)
        postmortems.append(pm)
        truth.extend(rows)
    return DemoCorpus(tuple(postmortems), _truth_frame(truth), seed, plan.start, plan.end)


def write_corpus(
    out_folder: str | os.PathLike[str],
    n_incidents: int,
    seed: int,
    *,
    start: date | None = None,
    progress: bool | None = None,
    workers: int | None = None,
) -> Path:
    """Generate a corpus (see :func:`generate`) straight into ``out_folder``.

    Every post-mortem becomes a canonical ``<id>.md`` file (written atomically with
    :func:`pmanalytics.write`) and the ground truth a separate :data:`GROUND_TRUTH_FILE`;
    the files are byte-for-byte those of ``generate(n_incidents, seed).write(out_folder)``.
    From 500 incidents on, each worker process builds and writes its own share, so
    nothing large is sent between processes.

    Parameters
    ----------
    out_folder : path-like
        Created if missing.
    n_incidents, seed, start
        As for :func:`generate`.
    progress : bool, optional
        Show a progress bar on stderr; by default only for more than 200 incidents.
    workers : int, optional
        Processes to use; by default one per available core from 500 incidents on.

    Returns
    -------
    pathlib.Path
        The folder.

    Examples
    --------
    >>> import tempfile, pmanalytics
    >>> folder = write_corpus(tempfile.mkdtemp(), 3, seed=1)
    >>> sorted(p.name for p in folder.iterdir())[-1]
    'ground-truth.csv'
    >>> len([pmanalytics.read(p) for p in folder.glob("*.md")])
    3
    """
    target = _check_folder(out_folder, "out_folder")
    plan = _plan(n_incidents, seed, start)
    show = _check_progress(progress, n_incidents)
    processes = _check_workers(workers, n_incidents)
    if processes == 1:
        return generate(n_incidents, seed, start=start).write(target, progress=show, workers=1)
    target.mkdir(parents=True, exist_ok=True)
    truth: dict[int, list[tuple[str, ...]]] = {}
    chunks = _chunks(plan.specs, processes)
    with tqdm(total=n_incidents, desc="writing post-mortems", unit="file", disable=not show) as bar:
        for first, rows, count in _in_processes(_build_chunk, chunks, processes, plan, str(target)):
            truth[first] = rows
            bar.update(count)
    frame = _truth_frame([row for first in sorted(truth) for row in truth[first]])
    atomic_write_text(target / GROUND_TRUTH_FILE, _truth_csv(frame))
    return target


def read_ground_truth(folder: str | os.PathLike[str]) -> pd.DataFrame:
    """Read the ground-truth file written beside a demo corpus.

    Examples
    --------
    >>> import tempfile
    >>> folder = write_corpus(tempfile.mkdtemp(), 5, seed=3)
    >>> read_ground_truth(folder).equals(generate(5, seed=3).ground_truth)
    True
    """
    return pd.read_csv(Path(folder) / GROUND_TRUTH_FILE, dtype=str, keep_default_na=False)


# --------------------------------------------------------------------------- building


@dataclass(frozen=True)
class _Plan:
    """Everything decided for the corpus as a whole, before any incident is written up."""

    seed: int
    start: date
    end: date
    width: int
    specs: tuple[Spec, ...]


def _plan(n_incidents: int, seed: int, start: date | None) -> _Plan:
    check_int("n_incidents", n_incidents, minimum=1)
    check_int("seed", seed, minimum=0)
    if start is None:
        start = DEFAULT_END - timedelta(days=WINDOW_DAYS - 1)
    elif not isinstance(start, date) or isinstance(start, datetime):
        raise ArgumentError(f"'start' must be a date (not a datetime), got {start!r}")
    master = random.Random(f"pmanalytics-demo:{seed}")
    specs = skeleton(master, n_incidents, start)
    plant_problems(master, specs)
    end = start + timedelta(days=WINDOW_DAYS - 1)
    return _Plan(seed, start, end, max(4, len(str(n_incidents))), tuple(specs))


def _build(plan: _Plan, spec: Spec) -> tuple[PostMortem, list[tuple[str, ...]]]:
    # Each incident has its own generator, so it comes out the same in any process.
    rng = random.Random(f"pmanalytics-demo:{plan.seed}:{spec.index}")
    data, rows = Incident(rng, spec, plan.end, plan.width).build()
    return PostMortem.model_validate(data), rows


def _truth_frame(rows: list[tuple[str, ...]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(GROUND_TRUTH_COLUMNS), dtype=str)


def _truth_csv(frame: pd.DataFrame) -> str:
    return str(frame.to_csv(index=False, lineterminator="\n"))


def _chunks(values: Sequence[_T], processes: int) -> list[Sequence[_T]]:
    size = max(20, math.ceil(len(values) / (processes * 12)))
    return [values[i : i + size] for i in range(0, len(values), size)]


def _in_processes(
    function: Callable[..., _R], chunks: list[Sequence[_T]], processes: int, *args: Any
) -> Iterator[_R]:
    """``function(chunk, *args)`` for every chunk in a process pool, as they finish."""
    with ProcessPoolExecutor(max_workers=processes) as pool:
        futures = [pool.submit(function, chunk, *args) for chunk in chunks]
        for future in as_completed(futures):
            yield future.result()


def _write_chunk(postmortems: Sequence[PostMortem], folder: str) -> int:
    for pm in postmortems:
        write(pm, folder)
    return len(postmortems)


def _build_chunk(
    specs: Sequence[Spec], plan: _Plan, folder: str
) -> tuple[int, list[tuple[str, ...]], int]:
    truth: list[tuple[str, ...]] = []
    for spec in specs:
        pm, rows = _build(plan, spec)
        write(pm, folder)
        truth.extend(rows)
    return specs[0].index, truth, len(specs)


# --------------------------------------------------------------------------- validation


def _check_folder(folder: object, name: str) -> Path:
    if not isinstance(folder, str | os.PathLike) or not os.fspath(folder):
        raise ArgumentError(f"{name!r} must be a path to a folder, got {folder!r}")
    path = Path(folder)
    if path.exists() and not path.is_dir():
        raise ArgumentError(f"{name!r} must be a folder, got the file {os.fspath(folder)!r}")
    return path


def _check_progress(progress: object, count: int) -> bool:
    if progress is None:
        return count > _PROGRESS_FROM
    return check_bool("progress", progress)


def _check_workers(workers: object, count: int) -> int:
    if workers is None:
        if count < _PARALLEL_FROM:
            return 1
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
        return max(1, min(cores or os.cpu_count() or 1, 16))
    return check_int("workers", workers, minimum=1)
