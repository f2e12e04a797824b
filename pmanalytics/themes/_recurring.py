"""Recurring problems across incidents, with the actions linked to them (private module).

The public API lives in :mod:`pmanalytics.themes`.
"""

from __future__ import annotations

import math
import os
import warnings
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.preprocessing import normalize

from .._model import ITEM_SECTIONS
from .._validate import check_bool, check_choice, check_int, check_number
from ._corpus_words import Corpus, check_corpus, corpus_stop_words
from ._encoders import Encoder
from ._errors import ThemeError, ThemeWarning
from ._estimator import ThemeSuggester
from ._notes import problem_notes
from ._text import MAX_VECTOR_CHARS, count_vectorizer, stop_words as stop_word_list

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
    "specificity",
    "score",
    "evidence",
    "parts",
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
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    return stamp.as_unit("us")


def _check_sections(sections: object) -> tuple[str, ...]:
    if isinstance(sections, str) or not isinstance(sections, Sequence) or not sections:
        raise ThemeError(f"'sections' must be a non-empty tuple of section names, got {sections!r}")
    return tuple(
        check_choice("sections", section, ITEM_SECTIONS, error=ThemeError) for section in sections
    )


def recurring_problems(
    corpus: Corpus,
    sections: Sequence[str] | None = None,
    since: date | datetime | str | None = None,
    *,
    min_incidents: int = 2,
    min_similarity: float = 0.12,
    link_similarity: float = 0.5,
    random_state: int = 0,
    suggester: ThemeSuggester | None = None,
    stop_words: Iterable[str] = (),
    ngram_range: tuple[int, int] = (1, 2),
    embedder: Encoder | str | os.PathLike[str] | None = None,
    include_templates: bool = False,
) -> pd.DataFrame:
    """One row per specific problem that recurs across incidents, with its evidence and actions.

    **Which notes.** ``ongoing_problem`` notes when the corpus has any; otherwise, per
    document, its problem-like parts (contributing factors, what went wrong, root causes,
    lessons learned, ...) and, for a document with none, its summary's paragraphs. ``sections``
    fixes the item sections instead. Template documents and notes repeated verbatim in 3 or more
    incidents are left out (``include_templates=True`` keeps template documents). The parts used
    are in ``frame.attrs["parts"]`` and in each row's ``parts``; a :class:`ThemeWarning` says so
    when the fallback was used.

    **Which groups.** The notes (of incidents started on or after ``since``) are grouped into
    themes by :class:`ThemeSuggester` (word pairs, a 100-dimension space and the best-scoring cut,
    the corpus's service and team names as stop words). A theme is a *recurring problem* when
    its notes come from at least ``min_incidents`` incidents **and** its notes from different
    incidents share specific words: their mean TF-IDF cosine similarity (``specificity``) is at
    least ``min_similarity`` (0.12, chosen on the labelled dfds post-mortems and the demo's
    planted problems). Most themes are expected not to recur; ``frame.attrs["themes"]`` is how
    many themes there were. Rows are ranked by ``score`` = specificity x log2(1 + incidents),
    then by incidents and cohesion.

    **Actions.** An action is *linked* to a theme when, in this order: its ``addresses`` names a
    note of the theme (same incident: ``addresses an item``); or it names a per-incident theme
    most of whose notes are in the theme (``addresses a theme``); or the note it addresses, or
    else its title, placed in the same vector space, is nearest to this theme, fits it (see
    :meth:`ThemeSuggester.predict`) and has cosine similarity ``>= link_similarity`` to its
    centre (``addresses a similar note``, ``similar title``). ``linked_by`` says which.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`RECURRING_COLUMNS`, best first: ``label`` (a phrase from its notes),
        ``keywords``, ``incidents`` (count), ``items``, ``incident_ids`` and ``seen_at`` (each
        incident's start, oldest first), ``first_seen`` / ``last_seen``, ``examples`` (3
        representative notes), ``cohesion``, ``specificity``, ``score``, ``evidence`` (per
        incident: ``incident_id``, ``item_id``, ``part``, ``text`` of the note that put it
        there), ``parts`` (the parts its notes came from), ``actions`` (dicts: incident_id,
        action_id, title, status, completed_at, linked_by), ``actions_done``,
        ``actions_open``, ``recurrences_after_done`` (incidents started after the first linked
        action was completed), ``recurred_after_action_done`` and ``no_action``.

    Examples
    --------
    >>> from pmanalytics import Corpus, demo
    >>> corpus = Corpus.from_postmortems(demo.generate(60, seed=1).postmortems)
    >>> table = recurring_problems(corpus)
    >>> list(table.columns[:4]), bool((table["incidents"] >= 2).all())
    (['theme', 'label', 'keywords', 'incidents'], True)
    >>> table.attrs["themes"] >= len(table)
    True
    """
    corpus = check_corpus(corpus)
    if sections is not None:
        sections = _check_sections(sections)
    start = _check_since(since)
    check_int("min_incidents", min_incidents, minimum=1, error=ThemeError)
    floor = check_number("min_similarity", min_similarity, minimum=0, maximum=1, error=ThemeError)
    threshold = check_number(
        "link_similarity", link_similarity, minimum=0, maximum=1, error=ThemeError
    )
    check_bool("include_templates", include_templates, error=ThemeError)
    chosen = problem_notes(corpus, sections, include_templates)
    started = corpus.incidents.set_index("incident_id")["started_at"]
    items = chosen.notes.copy()
    items["when"] = items["incident_id"].map(started)
    items["when"] = _as_utc_us(items["when"].fillna(items["created_at"]))
    if start is not None:
        items = items[items["when"].notna() & (items["when"] >= start)]
    items = items.reset_index(drop=True)
    parts: dict[str, int] = {
        str(part): int(count) for part, count in items["part"].value_counts(sort=False).items()
    }
    attrs: dict[str, Any] = {
        "parts": parts,
        "fallback": chosen.fallback,
        "template_incidents": chosen.templates,
        "template_notes": chosen.repeated,
        "themes": 0,
    }
    if chosen.fallback and len(items):
        shown = ", ".join(f"{part} ({count})" for part, count in parts.items())
        warnings.warn(
            f"recurring_problems: no ongoing_problem notes, so it read each document's "
            f"problem-like parts: {shown}",
            ThemeWarning,
            stacklevel=2,
        )
    if items.empty:
        return _empty_recurring(attrs)
    stop = corpus_stop_words(corpus) | set(stop_words)
    model = suggester or ThemeSuggester(
        ngram_range=ngram_range,
        n_components=100,
        silhouette_slack=0.05,
        stop_words=stop,
        embedder=embedder,
        random_state=random_state,
    )
    texts = [str(text) for text in items["text"]]
    items["theme"] = model.fit_predict(texts)
    attrs["themes"] = int(model.n_themes_)
    specific = _specific_vectors(texts, stop)
    links = _link_actions(corpus, items, model, threshold)
    rows = []
    for theme, description in model.themes_.set_index("theme").iterrows():
        members = items[items["theme"] == theme]
        per_incident = members.groupby("incident_id", sort=False)["when"].min().sort_values()
        if len(per_incident) < min_incidents:
            continue
        specificity, evidence = _evidence(members, specific, list(per_incident.index))
        if specificity < floor:
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
                "specificity": round(specificity, 4),
                "score": round(specificity * math.log2(1 + len(per_incident)), 4),
                "evidence": evidence,
                "parts": list(dict.fromkeys(str(p) for p in members["part"])),
                "actions": linked,
                "actions_done": sum(a["status"] == "done" for a in linked),
                "actions_open": sum(a["status"] in ("open", "in_progress") for a in linked),
                "recurrences_after_done": after,
                "recurred_after_action_done": after > 0,
                "no_action": not linked,
            }
        )
    if not rows:
        return _empty_recurring(attrs)
    frame = pd.DataFrame(rows, columns=list(RECURRING_COLUMNS))
    frame = frame.sort_values(
        ["score", "incidents", "cohesion", "theme"], ascending=[False, False, False, True]
    )
    for column in ("first_seen", "last_seen"):
        frame[column] = _as_utc_us(frame[column])
    frame = frame.reset_index(drop=True)
    frame.attrs.update(attrs)
    return frame


def _as_utc_us(values: pd.Series) -> pd.Series:
    """Timestamps as microsecond UTC (so a post-mortem from 1628 fits)."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        converted: pd.Series = values.dt.tz_convert("UTC").astype("datetime64[us, UTC]")
        return converted
    stamps = [
        pd.NaT
        if value is None or pd.isna(value)
        else (
            pd.Timestamp(value).tz_localize("UTC")
            if pd.Timestamp(value).tzinfo is None
            else pd.Timestamp(value).tz_convert("UTC")
        ).as_unit("us")
        for value in values
    ]
    return pd.Series(stamps, index=values.index, dtype="datetime64[us, UTC]")


def _specific_vectors(texts: list[str], stop: set[str]) -> sp.csr_matrix:
    """Unit TF-IDF rows over words and adjacent pairs: the words notes share, not topics."""
    counter = count_vectorizer(stop_word_list(stop), (1, 2))
    try:
        counts = counter.fit_transform([text[:MAX_VECTOR_CHARS] for text in texts])
    except ValueError:
        return sp.csr_matrix((len(texts), 1))
    weights = TfidfTransformer(sublinear_tf=True).fit_transform(counts)
    return sp.csr_matrix(normalize(weights))


def _evidence(
    members: pd.DataFrame, vectors: sp.csr_matrix, order: list[str]
) -> tuple[float, list[dict[str, Any]]]:
    """Mean similarity of notes from different incidents, and per incident (in ``order``) the
    note most like the other incidents' notes."""
    index = members.index.to_numpy()
    sims = np.asarray((vectors[index] @ vectors[index].T).todense(), dtype=np.float64)
    incidents = members["incident_id"].astype(str).to_numpy()
    cross = incidents[:, None] != incidents[None, :]
    specificity = float(sims[cross].mean()) if cross.any() else 0.0
    support = np.where(cross, sims, 0.0).sum(axis=1)
    evidence = []
    for incident in order:
        mine = np.flatnonzero(incidents == incident)
        best = mine[np.argmax(support[mine])]
        row = members.iloc[best]
        evidence.append(
            {
                "incident_id": str(incident),
                "item_id": str(row["item_id"]),
                "part": str(row["part"]),
                "text": str(row["text"]),
            }
        )
    return specificity, evidence


def _empty_recurring(attrs: dict[str, Any] | None = None) -> pd.DataFrame:
    frame = pd.DataFrame({column: [] for column in RECURRING_COLUMNS})
    for column in ("first_seen", "last_seen"):
        frame[column] = _as_utc_us(frame[column])
    frame.attrs.update(attrs or {})
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
    # A note the action addresses that was not grouped (another section, or unassigned):
    # placed in the same space, like a title.
    texts = {
        (str(incident), str(item)): str(text)
        for incident, item, text in zip(
            corpus.items["incident_id"], corpus.items["item_id"], corpus.items["text"], strict=True
        )
    }
    addressed = [
        texts.get((str(incident), str(target)), "") if not pd.isna(target) else ""
        for incident, target in zip(actions["incident_id"], actions["addresses"], strict=True)
    ]
    note_theme = model.predict(addressed) if model.n_themes_ else np.full(len(titles), -1)
    note_vectors = model.transform(addressed) if model.n_themes_ else vectors
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
        elif (
            note_theme[n] >= 0
            and float(note_vectors[n] @ model.centroids_[note_theme[n]]) >= threshold
        ):
            theme, how = int(note_theme[n]), "addresses a similar note"
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
