"""Recurring problems across incidents, with the actions linked to them (private module).

The public API lives in :mod:`pmanalytics.themes`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from .._model import ITEM_SECTIONS
from .._validate import check_choice, check_int, check_number
from ._corpus_words import Corpus, check_corpus, corpus_stop_words
from ._errors import ThemeError
from ._estimator import ThemeSuggester

__all__ = ["RECURRING_COLUMNS", "recurring_problems"]

#: Columns of :func:`recurring_problems`, in order.
RECURRING_COLUMNS = (
    "theme",
    "label",
    "keywords",
    "incidents",
    "items",
    "incident_ids",
    "seen_at",
    "first_seen",
    "last_seen",
    "examples",
    "cohesion",
    "actions",
    "actions_done",
    "actions_open",
    "recurrences_after_done",
    "recurred_after_action_done",
    "no_action",
)


def _check_since(since: object) -> pd.Timestamp | None:
    if since is None:
        return None
    if not isinstance(since, str | date | datetime | pd.Timestamp):
        raise ThemeError(f"'since' must be a date, a datetime or an ISO string, got {since!r}")
    try:
        stamp = pd.Timestamp(since)
    except (ValueError, TypeError) as exc:
        raise ThemeError(f"'since' is not a date, got {since!r}") from exc
    if pd.isna(stamp):
        raise ThemeError(f"'since' is not a date, got {since!r}")
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def _check_sections(sections: object) -> tuple[str, ...]:
    if isinstance(sections, str) or not isinstance(sections, Sequence) or not sections:
        raise ThemeError(f"'sections' must be a non-empty tuple of section names, got {sections!r}")
    return tuple(
        check_choice("sections", section, ITEM_SECTIONS, error=ThemeError) for section in sections
    )


def recurring_problems(
    corpus: Corpus,
    sections: Sequence[str] = ("ongoing_problem",),
    since: date | datetime | str | None = None,
    *,
    min_incidents: int = 2,
    link_similarity: float = 0.5,
    random_state: int = 0,
    suggester: ThemeSuggester | None = None,
) -> pd.DataFrame:
    """One row per problem theme that recurs across incidents, with its actions and flags.

    The notes of ``sections`` (of incidents started on or after ``since``) are grouped
    by :class:`ThemeSuggester`, with the corpus's service and team names added to the
    stop-list; a theme recurs when its notes come from at least ``min_incidents``
    incidents.

    An action is *linked* to a theme when, in this order: its ``addresses`` names a
    note of the theme (same incident); or it names a per-incident theme most of whose
    notes are in the theme; or its title, placed in the same vector space, is nearest
    to this theme, fits it (see :meth:`ThemeSuggester.predict`) and has cosine
    similarity ``>= link_similarity`` to its centre. ``linked_by`` says which.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`RECURRING_COLUMNS`, most incidents first: ``label``,
        ``keywords``, ``incidents`` (count), ``items``, ``incident_ids`` and
        ``seen_at`` (each incident's start, oldest first), ``first_seen`` /
        ``last_seen``, ``examples`` (3 representative notes), ``cohesion``,
        ``actions`` (dicts: incident_id, action_id, title, status, completed_at,
        linked_by), ``actions_done``, ``actions_open``, ``recurrences_after_done``
        (incidents started after the first linked action was completed),
        ``recurred_after_action_done`` and ``no_action`` (no action linked at all).

    Examples
    --------
    >>> from pmanalytics import Corpus, demo
    >>> corpus = Corpus.from_postmortems(demo.generate(60, seed=1).postmortems)
    >>> table = recurring_problems(corpus)
    >>> list(table.columns[:4]), bool((table["incidents"] >= 2).all())
    (['theme', 'label', 'keywords', 'incidents'], True)
    """
    corpus = check_corpus(corpus)
    sections = _check_sections(sections)
    start = _check_since(since)
    check_int("min_incidents", min_incidents, minimum=1, error=ThemeError)
    threshold = check_number(
        "link_similarity", link_similarity, minimum=0, maximum=1, error=ThemeError
    )
    started = corpus.incidents.set_index("incident_id")["started_at"]
    items = corpus.items[corpus.items["section"].isin(sections)].copy()
    items["when"] = items["incident_id"].map(started)
    items["when"] = items["when"].fillna(items["created_at"])
    if start is not None:
        items = items[items["when"].notna() & (items["when"] >= start)]
    items = items[items["text"].fillna("").str.strip().str.len() > 0].reset_index(drop=True)
    if items.empty:
        return _empty_recurring()
    # Recurrence is about the same specific problem: word pairs, a fuller space and
    # the best-scoring cut keep lookalike problems apart.
    model = suggester or ThemeSuggester(
        ngram_range=(1, 2),
        n_components=100,
        silhouette_slack=0.05,
        stop_words=corpus_stop_words(corpus),
        random_state=random_state,
    )
    texts = [str(text) for text in items["text"]]
    items["theme"] = model.fit_predict(texts)
    links = _link_actions(corpus, items, model, threshold)
    rows = []
    for theme, description in model.themes_.set_index("theme").iterrows():
        members = items[items["theme"] == theme]
        per_incident = members.groupby("incident_id", sort=False)["when"].min().sort_values()
        if len(per_incident) < min_incidents:
            continue
        linked = links.get(int(str(theme)), [])
        done = [a["completed_at"] for a in linked if a["status"] == "done" and a["completed_at"]]
        first_done = min(done) if done else None
        after = int((per_incident > first_done).sum()) if first_done is not None else 0
        seen = per_incident.dropna()
        rows.append(
            {
                "theme": int(str(theme)),
                "label": description["label"],
                "keywords": list(description["keywords"]),
                "incidents": len(per_incident),
                "items": len(members),
                "incident_ids": list(per_incident.index),
                "seen_at": list(per_incident),
                "first_seen": seen.min() if len(seen) else pd.NaT,
                "last_seen": seen.max() if len(seen) else pd.NaT,
                "examples": [texts[n] for n in description["representative"]],
                "cohesion": description["cohesion"],
                "actions": linked,
                "actions_done": sum(a["status"] == "done" for a in linked),
                "actions_open": sum(a["status"] in ("open", "in_progress") for a in linked),
                "recurrences_after_done": after,
                "recurred_after_action_done": after > 0,
                "no_action": not linked,
            }
        )
    if not rows:
        return _empty_recurring()
    frame = pd.DataFrame(rows, columns=list(RECURRING_COLUMNS))
    frame = frame.sort_values(["incidents", "items", "theme"], ascending=[False, False, True])
    for column in ("first_seen", "last_seen"):
        frame[column] = pd.to_datetime(frame[column], utc=True)
    return frame.reset_index(drop=True)


def _empty_recurring() -> pd.DataFrame:
    frame = pd.DataFrame({column: [] for column in RECURRING_COLUMNS})
    for column in ("first_seen", "last_seen"):
        frame[column] = pd.to_datetime(frame[column], utc=True)
    return frame


def _link_actions(
    corpus: Corpus, items: pd.DataFrame, model: ThemeSuggester, threshold: float
) -> dict[int, list[dict[str, Any]]]:
    """Actions per theme: by ``addresses`` first, else by the similarity of their title."""
    actions = corpus.actions
    if actions.empty:
        return {}
    by_item = {
        (incident, item): int(theme)
        for incident, item, theme in zip(
            items["incident_id"], items["item_id"], items["theme"], strict=True
        )
        if theme >= 0
    }
    # A per-incident theme is linked to the recurring theme holding most of its notes.
    grouped = items[items["theme_id"].notna()].groupby(["incident_id", "theme_id"])["theme"]
    by_group: dict[tuple[str, str], int] = {}
    for group_key, values in grouped:
        top = values.value_counts()
        if top.index[0] >= 0 and top.iloc[0] * 2 >= len(values):
            by_group[(str(group_key[0]), str(group_key[1]))] = int(top.index[0])
    titles = [str(title) for title in actions["title"].fillna("")]
    similar = model.predict(titles) if model.n_themes_ else np.full(len(titles), -1)
    vectors = model.transform(titles) if model.n_themes_ else np.zeros((len(titles), 1))
    out: dict[int, list[dict[str, Any]]] = {}
    columns = ["incident_id", "action_id", "title", "status", "completed_at", "addresses"]
    records: list[dict[Any, Any]] = actions[columns].to_dict("records")
    for n, row in enumerate(records):
        addresses = row["addresses"]
        key = None if pd.isna(addresses) else (str(row["incident_id"]), str(addresses))
        theme, how = -1, ""
        if key is not None and key in by_item:
            theme, how = by_item[key], "addresses an item"
        elif key is not None and key in by_group:
            theme, how = by_group[key], "addresses a theme"
        elif similar[n] >= 0 and float(vectors[n] @ model.centroids_[similar[n]]) >= threshold:
            theme, how = int(similar[n]), "similar title"
        if theme < 0:
            continue
        completed = None if pd.isna(row["completed_at"]) else row["completed_at"]
        out.setdefault(theme, []).append(
            {
                "incident_id": str(row["incident_id"]),
                "action_id": str(row["action_id"]),
                "title": str(row["title"]),
                "status": str(row["status"]),
                "completed_at": completed,
                "linked_by": how,
            }
        )
    return out
