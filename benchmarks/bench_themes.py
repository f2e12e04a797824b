"""Speed and quality of pmanalytics.themes.

Speed (timed in a fresh process, peak memory = its max RSS)::

    .venv/bin/python benchmarks/bench_themes.py speed --notes 100000
    .venv/bin/python benchmarks/bench_themes.py speed --notes 300

Quality against any labelled CSV of (text, label), number of themes chosen automatically::

    .venv/bin/python benchmarks/bench_themes.py quality labelled.csv --text text --label label
    .venv/bin/python benchmarks/bench_themes.py quality --demo 300 --seed 1
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

import pandas as pd
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from pmanalytics import demo
from pmanalytics.themes import ThemeSuggester


def _notes(count: int, seed: int) -> list[str]:
    incidents = max(1, count // 28 + 1)
    texts: list[str] = []
    while len(texts) < count:
        corpus = demo.generate(incidents, seed)
        texts = [item.text for pm in corpus.postmortems for item in pm.items]
        incidents *= 2
    return texts[:count]


def _worker(path: str) -> None:
    texts = json.loads(Path(path).read_text(encoding="utf-8"))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    model = ThemeSuggester(random_state=0).fit(texts)
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "seconds": elapsed,
                "peak_kib": peak,
                "before_kib": before,
                "themes": model.n_themes_,
                "unassigned": float((model.labels_ < 0).mean()),
            }
        )
    )


def speed(count: int, seed: int) -> None:
    texts = _notes(count, seed)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "notes.json"
        path.write_text(json.dumps(texts), encoding="utf-8")
        out = subprocess.run(
            [sys.executable, __file__, "_worker", str(path)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    result = json.loads(out.strip().splitlines()[-1])
    print(f"machine: {os.cpu_count()} cores")
    print(f"notes: {count} (demo generator, all sections, seed {seed})")
    print(
        f"fit: {result['seconds']:.2f} s, {result['themes']} themes, "
        f"{result['unassigned']:.0%} unassigned"
    )
    print(
        f"peak memory (fitting process): {result['peak_kib'] / 1024:.0f} MiB "
        f"(of which {result['before_kib'] / 1024:.0f} MiB before fitting)"
    )


def quality(texts: list[str], labels: list[str]) -> None:
    model = ThemeSuggester(random_state=0).fit(texts)
    predicted = model.labels_
    # Unassigned notes count as singletons (one cluster each), so they are not rewarded.
    singletons = [p if p >= 0 else -(n + 2) for n, p in enumerate(predicted)]
    assigned = [n for n, p in enumerate(predicted) if p >= 0]
    print(
        f"notes: {len(texts)}, true labels: {len(set(labels))}, "
        f"themes chosen: {model.n_themes_} (threshold {model.distance_threshold_})"
    )
    print(
        f"all notes (unassigned as singletons): "
        f"NMI {normalized_mutual_info_score(labels, singletons):.3f}  "
        f"ARI {adjusted_rand_score(labels, singletons):.3f}"
    )
    if assigned:
        sub_true = [labels[n] for n in assigned]
        sub_pred = [int(predicted[n]) for n in assigned]
        print(
            f"assigned notes only ({len(assigned) / len(texts):.0%}): "
            f"NMI {normalized_mutual_info_score(sub_true, sub_pred):.3f}  "
            f"ARI {adjusted_rand_score(sub_true, sub_pred):.3f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="mode", required=True)
    s = sub.add_parser("speed")
    s.add_argument("--notes", type=int, default=100_000)
    s.add_argument("--seed", type=int, default=1)
    q = sub.add_parser("quality")
    q.add_argument("csv", nargs="?")
    q.add_argument("--text", default="text")
    q.add_argument("--label", default="label")
    q.add_argument("--demo", type=int, help="use the planted problems of a demo corpus")
    q.add_argument("--seed", type=int, default=1)
    w = sub.add_parser("_worker")
    w.add_argument("path")
    args = parser.parse_args()
    if args.mode == "_worker":
        _worker(args.path)
    elif args.mode == "speed":
        speed(args.notes, args.seed)
    elif args.demo:
        corpus = demo.generate(args.demo, args.seed)
        text = {(pm.id, i.id): i.text for pm in corpus.postmortems for i in pm.items}
        truth = corpus.ground_truth
        keys = zip(truth.incident_id, truth.item_id, strict=True)
        quality([text[key] for key in keys], list(truth.problem_id))
    else:
        if not args.csv:
            parser.error("give a CSV of (text, label) or --demo N")
        frame = pd.read_csv(args.csv, dtype=str, keep_default_na=False)
        quality(list(frame[args.text]), list(frame[args.label]))


if __name__ == "__main__":
    main()
