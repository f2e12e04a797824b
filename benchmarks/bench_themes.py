"""Speed and quality of pmanalytics.themes.

Labelled evaluation, on the dfds post-mortems (hand-made labels in ``benchmarks/labels``) and on
the demo's planted problems: AMI/ARI of themes (number chosen automatically), precision of the top
5 and top 10 recurring problems, recall of the labelled recurrences, and the top-3 hit rate of
``similar_incidents``, all with default arguments::

    .venv/bin/python benchmarks/bench_themes.py evaluate --dfds ../shared/corpora/dfds-postmortems
    .venv/bin/python benchmarks/bench_themes.py evaluate --demo 300 --seed 1

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
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from sklearn.metrics import (
    adjusted_mutual_info_score,
    adjusted_rand_score,
    normalized_mutual_info_score,
)

import pmanalytics as pm
from pmanalytics import demo
from pmanalytics.themes import ThemeSuggester, ThemeWarning, recurring_problems, similar_incidents

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.labels import load_labels as labels


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


# --------------------------------------------------------------------------- labelled evaluation


def theme_agreement(texts: list[str], truth: list[str], sections: list[str]) -> dict[str, Any]:
    """AMI and ARI of automatic themes against labels (unassigned notes as singletons)."""
    model = ThemeSuggester(random_state=0).fit(texts, sections=sections)
    predicted = [int(p) if p >= 0 else -(n + 2) for n, p in enumerate(model.labels_)]
    return {
        "notes": len(texts),
        "true_themes": len(set(truth)),
        "themes": int(model.n_themes_),
        "ami": float(adjusted_mutual_info_score(truth, predicted)),
        "ari": float(adjusted_rand_score(truth, predicted)),
    }


def recurrence_scores(table: pd.DataFrame, truth: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Precision of the top 5 / top 10 rows and recall of the labelled recurrences."""
    matched = [labels.matching_recurrence(ids, truth) for ids in table["incident_ids"]]
    top5, top10 = matched[:5], matched[:10]
    return {
        "rows": len(table),
        "themes": int(table.attrs.get("themes", 0)),
        "precision_at_5": sum(m is not None for m in top5) / max(1, len(top5)),
        "precision_at_10": sum(m is not None for m in top10) / max(1, len(top10)),
        "recall": len({m for m in matched if m}) / max(1, len(truth)),
        "labelled": len(truth),
    }


def similar_hit_rate(corpus: pm.Corpus, truth: Sequence[dict[str, Any]], k: int = 3) -> float:
    """Share of labelled incidents with an incident sharing a labelled problem in their top k."""
    partners: dict[str, set[str]] = {}
    for rec in truth:
        for incident in rec["incidents"]:
            partners.setdefault(incident, set()).update(set(rec["incidents"]) - {incident})
    hits = [
        bool(set(similar_incidents(corpus, incident, k=k)["incident_id"]) & others)
        for incident, others in sorted(partners.items())
    ]
    return sum(hits) / max(1, len(hits))


def _recurring(corpus: pm.Corpus) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ThemeWarning)
        return recurring_problems(corpus)


def evaluate_dfds(folder: str | Path) -> dict[str, Any]:
    """Every figure on the dfds post-mortems against the hand-made labels."""
    corpus = pm.load(folder)
    problems = labels.validate(corpus)
    if problems:
        raise SystemExit("labels do not fit the corpus:\n" + "\n".join(problems))
    incidents = corpus.incidents["incident_id"]
    truth = labels.recurrences(incidents=incidents)
    strict = labels.recurrences(incidents=incidents, min_confidence="high")
    themes = labels.themes_for_items(corpus.items)
    labelled = corpus.items[themes.notna().to_numpy()]
    table = _recurring(corpus)
    return {
        "themes": theme_agreement(
            [str(t) for t in labelled["text"]],
            [str(t) for t in themes.dropna()],
            [str(s) for s in labelled["section"]],
        ),
        "recurring": recurrence_scores(table, truth),
        "recurring_high": recurrence_scores(table, strict),
        "similar_top3": similar_hit_rate(corpus, truth),
    }


def demo_truth(generated: demo.DemoCorpus) -> list[dict[str, Any]]:
    """The demo's planted problems as labelled recurrences."""
    truth = generated.ground_truth
    return [
        {"id": str(pid), "incidents": sorted(set(group["incident_id"]))}
        for pid, group in truth.groupby("problem_id")
    ]


def evaluate_demo(count: int, seed: int) -> dict[str, Any]:
    """Every figure on a demo corpus against its planted problems."""
    generated = demo.generate(count, seed)
    corpus = pm.Corpus.from_postmortems(generated.postmortems)
    truth = generated.ground_truth
    text = {(p.id, i.id): (i.text, i.section) for p in generated.postmortems for i in p.items}
    keys = list(zip(truth.incident_id, truth.item_id, strict=True))
    planted = demo_truth(generated)
    return {
        "themes": theme_agreement(
            [text[key][0] for key in keys],
            [str(p) for p in truth.problem_id],
            [text[key][1] for key in keys],
        ),
        "recurring": recurrence_scores(_recurring(corpus), planted),
        "similar_top3": similar_hit_rate(corpus, planted),
    }


def print_evaluation(name: str, result: dict[str, Any]) -> None:
    themes = result["themes"]
    print(f"== {name}")
    print(
        f"themes: {themes['notes']} labelled notes, {themes['true_themes']} labelled themes, "
        f"{themes['themes']} chosen: AMI {themes['ami']:.3f}  ARI {themes['ari']:.3f}"
    )
    for key, title in (("recurring", "all labels"), ("recurring_high", "high confidence")):
        if key in result:
            rec = result[key]
            print(
                f"recurring problems ({title}): {rec['rows']} rows of {rec['themes']} themes; "
                f"precision@5 {rec['precision_at_5']:.2f}  precision@10 "
                f"{rec['precision_at_10']:.2f}  recall {rec['recall']:.2f} "
                f"(of {rec['labelled']})"
            )
    print(f"similar_incidents top-3 hit rate: {result['similar_top3']:.2f}")


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
    e = sub.add_parser("evaluate")
    e.add_argument("--dfds", help="folder of the dfds post-mortems")
    e.add_argument("--demo", type=int, help="incidents of a demo corpus")
    e.add_argument("--seed", type=int, default=1)
    w = sub.add_parser("_worker")
    w.add_argument("path")
    args = parser.parse_args()
    if args.mode == "_worker":
        _worker(args.path)
    elif args.mode == "evaluate":
        if not (args.dfds or args.demo):
            parser.error("give --dfds FOLDER and/or --demo N")
        if args.dfds:
            print_evaluation("dfds post-mortems (hand-made labels)", evaluate_dfds(args.dfds))
        if args.demo:
            result = evaluate_demo(args.demo, args.seed)
            print_evaluation(f"demo ({args.demo} incidents, seed {args.seed})", result)
            print(
                "(demo precision counts only the 7 planted problems: the demo's background "
                "notes, written from templates, recur too and are not labelled)"
            )
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
