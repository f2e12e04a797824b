"""Hand-made labels for the dfds post-mortems: recurring problems and note themes.

The labels live next to this file (``dfds_recurrences.yaml``, ``dfds_note_themes.csv``); how they
were decided is in ``README.md``. The post-mortems themselves are not in the repository: load them
with ``pmanalytics.load(<dfds-postmortems folder>)`` and check the labels against them with
:func:`validate`, which must return an empty list.

    >>> recs = recurrences()
    >>> all(len(r["incidents"]) >= 2 for r in recs)
    True
    >>> sorted(note_themes().columns)[:3]
    ['heading', 'incident_id', 'section']
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from pmanalytics import Corpus

HERE = Path(__file__).resolve().parent
RECURRENCES_FILE = HERE / "dfds_recurrences.yaml"
NOTE_THEMES_FILE = HERE / "dfds_note_themes.csv"

#: Confidence levels of a labelled recurrence, strongest first.
CONFIDENCE = ("high", "medium")

#: The theme vocabulary of ``dfds_note_themes.csv`` (definitions are in README.md).
THEMES = (
    "alert-quality",
    "architecture-limits",
    "capacity-limits",
    "certificate-expiry",
    "change-process",
    "config-drift",
    "credentials-access",
    "cross-team-coordination",
    "incident-response",
    "knowledge-gaps",
    "misconfiguration",
    "monitoring-gaps",
    "other",
    "production-experiments",
    "reliability-prioritisation",
    "resource-starvation",
    "runbook-gaps",
    "staffing-hours",
    "supply-chain-security",
    "testing-gaps",
    "unpinned-versions",
    "upgrade-breaking-changes",
    "upstream-defects",
    "workload-isolation",
    "workload-resilience",
)

#: Length of ``text_prefix``: the first this many characters of a note's text.
PREFIX_LENGTH = 60

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_NOTE_COLUMNS = ("incident_id", "section", "text_prefix", "theme", "heading")


def _document(path: str | Path | None) -> dict[str, Any]:
    with open(RECURRENCES_FILE if path is None else path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    if not isinstance(data, dict):
        raise ValueError(f"{path or RECURRENCES_FILE}: expected a mapping at the top level")
    return data


def not_loaded_by_default(path: str | Path | None = None) -> list[str]:
    """Incident ids in the labels that ``pmanalytics.load(folder)`` does not load.

    >>> not_loaded_by_default()
    ['pm2022-009-bad-aws-eks-ami-causing-kubernetes-issues']
    """
    return [str(i) for i in _document(path).get("not_loaded_by_default") or []]


def recurrences(
    path: str | Path | None = None,
    *,
    incidents: Iterable[str] | None = None,
    min_confidence: str = "medium",
) -> list[dict[str, Any]]:
    """The labelled recurring problems, as dicts (``id``, ``name``, ``confidence``, ``incidents``,
    ``evidence``, optionally ``broader``).

    Parameters
    ----------
    path
        The YAML file; the dfds labels next to this module by default.
    incidents
        If given, keep only these incident ids (e.g. those a corpus loaded) and drop recurrences
        left with fewer than two incidents.
    min_confidence
        ``"medium"`` (all) or ``"high"`` (only the strongest labels).

    Examples
    --------
    >>> strict = recurrences(min_confidence="high")
    >>> 0 < len(strict) < len(recurrences())
    True
    >>> ids = [i for r in recurrences() for i in r["incidents"] if i.startswith("pm2021-00")]
    >>> any(r["id"] == "unpinned-component-versions" for r in recurrences(incidents=ids))
    True
    """
    if min_confidence not in CONFIDENCE:
        raise ValueError(f"min_confidence must be one of {CONFIDENCE}, got {min_confidence!r}")
    allowed = CONFIDENCE[: CONFIDENCE.index(min_confidence) + 1]
    keep = None if incidents is None else set(incidents)
    out: list[dict[str, Any]] = []
    for rec in _document(path).get("recurrences") or []:
        if rec.get("confidence") not in allowed:
            continue
        members = [i for i in rec["incidents"] if keep is None or i in keep]
        if len(members) < 2:
            continue
        evidence = {i: q for i, q in (rec.get("evidence") or {}).items() if i in members}
        out.append({**rec, "incidents": members, "evidence": evidence})
    return out


def not_recurrences(
    path: str | Path | None = None, *, incidents: Iterable[str] | None = None
) -> list[dict[str, Any]]:
    """Tempting pairs that share words but not the problem (``incidents``, ``why``).

    >>> all(len(p["incidents"]) == 2 for p in not_recurrences())
    True
    """
    keep = None if incidents is None else set(incidents)
    pairs = _document(path).get("not_recurrences") or []
    return [p for p in pairs if keep is None or all(i in keep for i in p["incidents"])]


def note_themes(path: str | Path | None = None) -> pd.DataFrame:
    """The labelled notes: ``incident_id``, ``section``, ``text_prefix``, ``theme``, ``heading``.

    ``text_prefix`` is the first 60 characters of the note's text as ``pmanalytics.load`` gives it
    (whitespace kept); ``heading`` is the post-mortem heading the note sits under.

    >>> frame = note_themes()
    >>> bool(frame["theme"].isin(THEMES).all())
    True
    """
    return pd.read_csv(NOTE_THEMES_FILE if path is None else path, dtype=str, keep_default_na=False)


def themes_for_items(items: pd.DataFrame, themes: pd.DataFrame | None = None) -> pd.Series:
    """The labelled theme of each row of ``corpus.items`` (``<NA>`` where a note is unlabelled).

    Rows are matched on ``incident_id`` and the first 60 characters of ``text``.
    """
    labels = note_themes() if themes is None else themes
    lookup = {
        (row.incident_id, row.text_prefix): row.theme for row in labels.itertuples(index=False)
    }
    keys = zip(items["incident_id"], items["text"].astype(str).str[:PREFIX_LENGTH], strict=True)
    return pd.Series([lookup.get(k, pd.NA) for k in keys], index=items.index, dtype="string")


def matching_recurrence(
    incident_ids: Iterable[str],
    labelled: Sequence[dict[str, Any]] | None = None,
    *,
    min_share: float = 0.5,
) -> str | None:
    """The labelled recurrence a predicted group of incidents matches, or ``None``.

    A prediction matches a label when at least two of its incidents are in that label and they make
    up at least ``min_share`` of the prediction (so one huge group cannot match everything). Of
    several matching labels the one sharing the most incidents wins.

    >>> flux = ["pm2021-002-flux-version-bump-causing-component-downtime",
    ...         "pm2021-003-flux-version-bump-causing-component-downtime"]
    >>> matching_recurrence(flux) is not None
    True
    >>> matching_recurrence(flux[:1]) is None
    True
    """
    predicted = set(incident_ids)
    best: tuple[int, str] | None = None
    for rec in recurrences() if labelled is None else labelled:
        shared = len(predicted & set(rec["incidents"]))
        fits = shared >= 2 and shared >= min_share * len(predicted)
        if fits and (best is None or shared > best[0]):
            best = (shared, str(rec["id"]))
    return None if best is None else best[1]


def _check_recurrences(doc: dict[str, Any], known: set[str], unloaded: set[str]) -> list[str]:
    problems: list[str] = []
    recs = doc.get("recurrences") or []
    ids = [str(r.get("id")) for r in recs]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(f"recurrence id {dup!r} is used more than once")

    def unknown(where: str, incident: str) -> None:
        if incident not in known and incident not in unloaded:
            problems.append(f"{where}: incident {incident!r} is not in the corpus")

    for rec in recs:
        rid = str(rec.get("id"))
        if not _SLUG.match(rid):
            problems.append(f"recurrence id {rid!r} is not a slug")
        if not str(rec.get("name") or "").strip():
            problems.append(f"{rid}: no name")
        if rec.get("confidence") not in CONFIDENCE:
            problems.append(f"{rid}: confidence {rec.get('confidence')!r} not in {CONFIDENCE}")
        members = list(rec.get("incidents") or [])
        if len(set(members)) < 2 or len(set(members)) != len(members):
            problems.append(f"{rid}: needs at least 2 distinct incidents, got {members}")
        evidence = rec.get("evidence") or {}
        if set(evidence) != set(members):
            problems.append(f"{rid}: evidence must quote exactly its incidents")
        for incident, quote in evidence.items():
            if not str(quote).strip() or len(str(quote).split()) >= 20:
                problems.append(f"{rid}: quote for {incident!r} must have 1-19 words")
        for incident in members:
            unknown(rid, incident)
        broader = rec.get("broader")
        if broader is not None:
            wider = [r for r in recs if r.get("id") == broader]
            if not wider or not set(members) <= set(wider[0].get("incidents") or []):
                problems.append(f"{rid}: broader {broader!r} must exist and contain its incidents")
    for n, pair in enumerate(doc.get("not_recurrences") or []):
        members = list(pair.get("incidents") or [])
        if len(set(members)) != 2 or not str(pair.get("why") or "").strip():
            problems.append(f"not_recurrences[{n}]: needs two incidents and a why")
        for incident in members:
            unknown(f"not_recurrences[{n}]", incident)
    return problems


def _check_notes(themes: pd.DataFrame, items: pd.DataFrame, unloaded: set[str]) -> list[str]:
    missing = [c for c in _NOTE_COLUMNS if c not in themes.columns]
    if missing:
        return [f"note themes: missing columns {missing}"]
    problems: list[str] = []
    known = set(items["incident_id"])
    prefixes = items.assign(_p=items["text"].astype(str).str[:PREFIX_LENGTH])
    counts = prefixes.groupby(["incident_id", "_p"]).size()
    for n, row in enumerate(themes.itertuples(index=False), start=2):
        where = f"note themes line {n}"
        if row.theme not in THEMES:
            problems.append(f"{where}: theme {row.theme!r} is not in the vocabulary")
        if row.incident_id not in known:
            if row.incident_id not in unloaded:
                problems.append(f"{where}: incident {row.incident_id!r} is not in the corpus")
            continue
        found = int(counts.get((row.incident_id, row.text_prefix), 0))
        if found != 1:
            problems.append(f"{where}: text_prefix {row.text_prefix!r} matches {found} notes")
    duplicated = themes.duplicated(["incident_id", "text_prefix"])
    for n in duplicated[duplicated].index:
        problems.append(f"note themes line {n + 2}: labelled twice")
    return problems


def validate(
    corpus: Corpus,
    recurrences_path: str | Path | None = None,
    themes_path: str | Path | None = None,
) -> list[str]:
    """Problems with the labels against a loaded dfds corpus; an empty list means they fit.

    Every labelled incident id must be one the corpus has (ids listed under
    ``not_loaded_by_default`` may be absent), every recurrence well formed, and every
    ``text_prefix`` must match exactly one note of its incident.
    """
    doc = _document(recurrences_path)
    known = set(corpus.incidents["incident_id"])
    unloaded = set(not_loaded_by_default(recurrences_path)) - known
    problems = _check_recurrences(doc, known, unloaded)
    problems += _check_notes(note_themes(themes_path), corpus.items, unloaded)
    return problems
