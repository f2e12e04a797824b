"""Session speed: user actions with 300 items on the board, and replaying a 5,000-event journal.

Each user action is measured end to end through the app: the state change, the journal write
(fsync included) and the view update. Targets: <= 50 ms per action, <= 0.5 s replay.

    .venv/bin/python benchmarks/bench_session.py
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pmanalytics as pm
from pmanalytics.session import Session, SessionSettings
from pmanalytics.widgets import SessionApp

SECTIONS = ("went_well", "lessons_learned", "future_considerations", "ongoing_problem")
PEOPLE = [f"Person {n}" for n in range(8)]


def timed(action: Callable[[], object], repeat: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000, max(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=300)
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-session-"))
    print(f"machine: {os.cpu_count()} cores")

    postmortem = pm.PostMortem(id="bench-actions", title="Benchmark")
    session = Session.create(
        postmortem,
        folder,
        participants=PEOPLE,
        facilitator="Fac",
        settings=SessionSettings(votes_per_participant=10**6, allow_votes_any_phase=True),
    )
    for n in range(args.items):
        session.add_item(SECTIONS[n % 4], f"Item {n} about alerting and deploys", by=PEOPLE[n % 8])
    session.start_phase("prioritisation", by="Fac")
    app = SessionApp(session)
    app.actor.value = PEOPLE[0]
    print(f"board: {len(session.state.items)} items")

    counter = iter(range(10**9))

    def add_item() -> None:
        app.item_text.value = f"New note {next(counter)}"
        app.add_item_button.click()

    def vote() -> None:
        app.vote_item.value = "i-1"
        app.vote_button.click()

    def edit() -> None:
        app.item_choice.value = "i-1"
        app.edit_text.value = f"Edited {next(counter)}"
        app.edit_item_button.click()

    def undo() -> None:
        app.undo_button.click()

    for name, action in (("add item", add_item), ("vote", vote), ("edit item", edit)):
        median, worst = timed(action, args.repeat)
        print(f"{name:<10} median {median:6.1f} ms, max {worst:6.1f} ms   [target <= 50 ms]")
    median, worst = timed(undo, 5)
    print(f"{'undo':<10} median {median:6.1f} ms, max {worst:6.1f} ms   [target <= 50 ms]")

    replay = Session.create(
        postmortem.model_copy(update={"id": "bench-replay"}),
        folder,
        participants=PEOPLE,
        facilitator="Fac",
        settings=SessionSettings(votes_per_participant=10**6, allow_votes_any_phase=True),
    )
    journal = replay.path
    lines = journal.read_text().splitlines()
    # write the journal directly (no fsync per event) to build it quickly, then replay it
    from pmanalytics.session import apply, make_event

    builder = Session.open(journal)
    state = builder.state
    new_lines = []
    kinds = ("item_added", "vote_cast", "item_edited", "theme_created", "item_moved")
    for n in range(args.events - 1):
        kind = kinds[n % 5] if state.items else "item_added"
        by = PEOPLE[n % 8]
        item_ids = list(state.items)
        target = item_ids[n % len(item_ids)] if item_ids else ""
        own = [i for i in item_ids if state.items[i].author == by] or [target]
        data: dict[str, object] = {
            "item_added": {"item_id": state.next_id("i"), "section": SECTIONS[n % 4],
                           "text": f"Item {n} about alerting and deploys"},
            "vote_cast": {"item_id": target},
            "item_edited": {"item_id": own[-1], "text": f"Edited {n}"},
            "theme_created": {"theme_id": state.next_id("t"), "label": f"Theme {n}",
                              "item_ids": item_ids[-3:]},
            "item_moved": {"item_id": target, "theme_id": None},
        }[kind]  # fmt: skip
        if kind == "item_edited" and state.items[own[-1]].author != by:
            by = "Fac"
        event = make_event(state.last_seq + 1, kind, builder.now(), by, data)
        state = apply(state, event)
        new_lines.append(event.to_json())
    journal.write_text("\n".join(lines + new_lines) + "\n")
    start = time.perf_counter()
    reopened = Session.open(journal)
    elapsed = time.perf_counter() - start
    print(
        f"replay:    {len(reopened.events)} events in {elapsed:.3f} s "
        f"({len(reopened.events) / elapsed:,.0f} events/s)   [target <= 0.5 s]"
    )


if __name__ == "__main__":
    main()
