"""Card board speed in Chromium: drag a card onto another until every participant's board
shows the new group, with 300 notes on the board. Target: p95 under 1 s.

Each participant is a Chromium page running the board's JavaScript against its own
BoardWidget and Session on one shared journal (as separate kernels would be), re-reading the
journal every ``--poll-ms`` (the board's kernel default is 500 ms). All the Python sides
run in this one process, so their work is serialised: a pessimistic set-up.

    .venv/bin/python benchmarks/bench_board_browser.py [--notes 300] [--people 3] [--drags 30]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pmanalytics as pm
from pmanalytics.session import Session, SessionSettings
from pmanalytics.widgets.board import BoardWidget

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # the page harness lives with the browser tests

from tests.browser.board_harness import open_board, settle  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

SECTIONS = ("went_well", "lessons_learned", "future_considerations", "ongoing_problem")


def prepare(folder: Path, notes: int, people: list[str]) -> Session:
    session = Session.create(
        pm.PostMortem(id="bench-board", title="Board benchmark"),
        folder,
        participants=people,
        facilitator="Fac",
        settings=SessionSettings(votes_per_participant=3),
    )
    for _ in range(3):
        session.next_phase(by="Fac")
    for n in range(notes):
        who = people[n % len(people)]
        session.add_item(SECTIONS[n % 4], f"Note {n}: what made step {n} easy to miss", by=who)
    for _ in range(2):
        session.next_phase(by="Fac")  # theme identification
    return session


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--notes", type=int, default=300)
    parser.add_argument("--people", type=int, default=3, help="boards open (the dragger's too)")
    parser.add_argument("--drags", type=int, default=30)
    parser.add_argument("--poll-ms", type=int, default=500)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"machine: {os.cpu_count()} cores, load average {load}; chromium: {CHROMIUM}")
    folder = Path(tempfile.mkdtemp(prefix="bench-board-"))
    people = [f"Person {n}" for n in range(max(args.people, 2))]
    first = prepare(folder, args.notes, people)
    sessions = [first] + [Session.open(first.path) for _ in range(args.people - 1)]
    samples: list[float] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        pages = []
        for n, session in enumerate(sessions):
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            viewer = "Fac" if n == 0 else people[n % len(people)]
            board = BoardWidget(session, viewer=viewer, poll_every=None)
            pages.append(open_board(context, board, poll_ms=args.poll_ms))
        dragger = pages[0]
        for k in range(1, args.drags + 1):
            card, target = f"i-{2 * k}", f"i-{2 * k - 1}"
            start = time.perf_counter()
            dragger.locator(f'[data-card="{card}"]').drag_to(
                dragger.locator(f'[data-card="{target}"]')
            )
            for page in pages:
                page.wait_for_function(
                    'id => document.querySelector(`[data-theme="${id}"]`) !== null',
                    arg=f"t-{k}",
                    timeout=30_000,
                )
            samples.append(time.perf_counter() - start)
            settle(dragger)
        browser.close()
    themes = len(Session.open(first.path).state.themes)
    assert themes == args.drags, f"expected {args.drags} themes in the journal, got {themes}"
    print(
        f"{args.notes} notes, {args.people} boards, poll {args.poll_ms} ms, {args.drags} drags: "
        f"median {statistics.median(samples) * 1000:.0f} ms, "
        f"p95 {percentile(samples, 0.95) * 1000:.0f} ms, max {max(samples) * 1000:.0f} ms "
        f"(target p95 < 1000 ms); load average after: {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
