"""A team session in real browsers: propagation, page load and resume with a 300-note board.

``pmanalytics session serve`` runs on a post-mortem whose session already holds 300 notes
(in group discussion, so every page shows them all). Twelve Playwright contexts open
their own join links (the facilitator and eleven participants; one Voilà kernel each).

- **page load**: from ``goto`` until the page's board shows the 300 notes, per page;
- **propagation**: one person adds a note; the time until every other page shows it
  (a MutationObserver in each page timestamps its arrival); repeated, 95th percentile;
- **resume**: reloading one page (a new kernel replays the journal) until the board is back.

Targets (issue 11): propagation p95 under 1 s with 12 participants, page load under 5 s,
resume under 2 s. Needs chromium (``/usr/bin/chromium``) and Playwright::

    PYTHONPATH=. .venv/bin/python benchmarks/bench_session_browser.py [--people 12] [--rounds 8]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import pmanalytics as pm  # noqa: E402
from pmanalytics.session import Session  # noqa: E402
from pmanalytics.session.serve import session_folder  # noqa: E402
from tests.browser.session_serve import serve  # noqa: E402

SECTIONS = ("went_well", "lessons_learned", "future_considerations", "ongoing_problem")
CHROMIUM = "/usr/bin/chromium"
WATCH = """text => {
  window.__seen = null;
  const check = () => {
    if (window.__seen === null && document.body.textContent.includes(text)) {
      window.__seen = Date.now(); observer.disconnect();
    }
  };
  const observer = new MutationObserver(check);
  observer.observe(document.body, {subtree: true, childList: true, characterData: true});
  check();
}"""


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def prepare(folder: Path, people: list[str], notes: int) -> Path:
    file = folder / "bench-team.md"
    pm.write(pm.PostMortem(id="bench-team", title="Benchmark review"), folder)
    (folder / "bench-team.md").exists() or sys.exit("the post-mortem was not written")
    session = Session.create(
        pm.read(file), session_folder(file), participants=people[1:], facilitator=people[0]
    )
    session.start_phase("group_discussion", by=people[0])
    for n in range(notes):
        session.add_item(SECTIONS[n % 4], f"Note {n} about alerting and deploys", by=people[n % 12])
    session.close()
    return file


def loaded(page: Any, notes: int) -> None:
    page.wait_for_function(
        "n => document.querySelectorAll('.pm-board .pm-item').length >= n",
        arg=notes,
        timeout=300_000,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=12)
    parser.add_argument("--notes", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument(
        "--warmup", type=float, default=5, help="seconds between the links and the first page"
    )
    args = parser.parse_args()
    print(
        f"machine: {os.cpu_count()} cores; {args.people} browsers; {args.notes} notes", flush=True
    )
    folder = Path(tempfile.mkdtemp(prefix="bench-session-browser-"))
    people = ["Fac", *[f"P{n}" for n in range(1, args.people)]]
    file = prepare(folder, people, args.notes)
    env = {"PMANALYTICS_DATA_DIR": str(folder / "data")}
    from playwright.sync_api import sync_playwright

    with serve(file, folder / "serve.log", env=env) as served, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        time.sleep(args.warmup)  # people open their links a little after they are sent
        pages: dict[str, Any] = {}
        loads = []
        for name in people:
            page = browser.new_context().new_page()
            start = time.perf_counter()
            page.goto(served.links[name], timeout=300_000)
            loaded(page, args.notes)
            loads.append(time.perf_counter() - start)
            pages[name] = page
        print(
            f"page load ({args.notes} notes): median {statistics.median(loads):.2f} s, "
            f"max {max(loads):.2f} s (each page opened in turn)"
        )
        delays: list[float] = []
        for round_ in range(args.rounds):
            writer = people[1 + round_ % (len(people) - 1)]
            text = f"Propagation check number {round_}"
            for name, page in pages.items():
                if name != writer:
                    page.evaluate(WATCH, text)
            page = pages[writer]
            page.get_by_placeholder("Write a note…").fill(text)
            sent = page.evaluate("() => Date.now()")
            page.get_by_role("button", name="Add item").click()
            deadline = time.monotonic() + 60
            pending = {n for n in pages if n != writer}
            while pending and time.monotonic() < deadline:
                for name in list(pending):
                    seen = pages[name].evaluate("() => window.__seen")
                    if seen is not None:
                        delays.append((seen - sent) / 1000)
                        pending.discard(name)
                time.sleep(0.05)
            if pending:
                print(f"round {round_}: {len(pending)} pages never showed the note")
        print(
            f"propagation to {len(people) - 1} other browsers: p50 "
            f"{statistics.median(delays):.2f} s, p95 {percentile(delays, 0.95):.2f} s, "
            f"max {max(delays):.2f} s ({len(delays)} arrivals)"
        )
        resumes = []
        for name in people[1:4]:
            page = pages[name]
            start = time.perf_counter()
            page.reload(timeout=300_000)
            loaded(page, args.notes)
            resumes.append(time.perf_counter() - start)
        print(f"resume (reload, {args.notes}+ notes): median {statistics.median(resumes):.2f} s")
        browser.close()


if __name__ == "__main__":
    main()
