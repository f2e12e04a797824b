"""Similar incidents: "has this happened before?" (private; see :mod:`pmanalytics.themes`)."""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.preprocessing import normalize

from .._validate import check_int
from ._boilerplate import PLACE_NAMES
from ._corpus_words import Corpus, check_corpus, corpus_stop_words
from ._errors import ThemeError
from ._notes import real_incidents
from ._text import MAX_VECTOR_CHARS, count_vectorizer, stop_words as stop_word_list

__all__ = ["SIMILAR_COLUMNS", "similar_incidents"]

#: Columns of :func:`similar_incidents`, in order.
SIMILAR_COLUMNS = ("incident_id", "title", "started_at", "score", "shared_terms", "evidence")
# With this many incidents or more, a term in more than half of them is too generic to match on.
_GENERIC_FROM = 10
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")


def _documents(corpus: Corpus, incidents: pd.DataFrame) -> list[str]:
    """Each incident's whole text: title, summary, impact, every note, the timeline."""
    parts: dict[str, list[str]] = {str(i): [] for i in incidents["incident_id"]}
    for incident, text in zip(corpus.items["incident_id"], corpus.items["text"], strict=True):
        if str(incident) in parts and isinstance(text, str):
            parts[str(incident)].append(text)
    for incident, text in zip(corpus.timeline["incident_id"], corpus.timeline["text"], strict=True):
        if str(incident) in parts and isinstance(text, str):
            parts[str(incident)].append(text)
    documents = []
    for row in incidents.itertuples(index=False):
        head = [str(v) for v in (row.title, row.summary, row.impact) if isinstance(v, str)]
        documents.append("\n".join(head + parts[str(row.incident_id)])[: MAX_VECTOR_CHARS * 5])
    return documents


def _evidence(
    mine: str, theirs: str, counter: CountVectorizer, tfidf: TfidfTransformer
) -> dict[str, str]:
    """The sentence of each incident that the other shares most with."""
    left = [s.strip() for s in _SENTENCE.split(mine) if s.strip()]
    right = [s.strip() for s in _SENTENCE.split(theirs) if s.strip()]
    if not left or not right:
        return {"this": "", "other": ""}
    a = normalize(tfidf.transform(counter.transform(left)))
    b = normalize(tfidf.transform(counter.transform(right)))
    scores = np.asarray((a @ b.T).todense())
    i, j = np.unravel_index(int(scores.argmax()), scores.shape)
    return {"this": left[i][:300], "other": right[j][:300]}


def similar_incidents(
    corpus: Corpus,
    incident_id: str,
    k: int = 5,
    *,
    stop_words: Iterable[str] = (),
    ngram_range: tuple[int, int] = (1, 2),
) -> pd.DataFrame:
    """The ``k`` incidents most like one incident: "has this happened before?".

    Each incident is one document: its whole text (title, summary, impact, every note and the
    timeline), cleaned (no URLs, code or placeholders) and weighted by TF-IDF over words and
    pairs of adjacent words. Generic words weigh little: the boilerplate and corpus-name
    stop-list, place names (:data:`~pmanalytics.themes.PLACE_NAMES`), and, from 10 incidents
    on, any term in more than half of them. The score is cosine similarity; ``shared_terms``
    are the five terms contributing most to it, and ``evidence`` the pair of sentences (one of
    each incident, ``this`` and ``other``) that share most. Incidents sharing nothing, and
    template documents, are left out. ``stop_words`` and ``ngram_range`` are the vectoriser
    options of :class:`ThemeSuggester` (extra words to ignore; word n-grams, adjacent words only).

    Examples
    --------
    >>> from pmanalytics import Corpus, PostMortem
    >>> corpus = Corpus.from_postmortems([
    ...     PostMortem(id="a", title="Disk full on log volume"),
    ...     PostMortem(id="b", title="Log volume disk full again"),
    ...     PostMortem(id="c", title="Certificate expired")])
    >>> similar_incidents(corpus, "a")[["incident_id", "shared_terms"]].to_dict("records")
    [{'incident_id': 'b', 'shared_terms': ['log volume', 'disk full', 'volume', 'log', 'full']}]
    >>> similar_incidents(corpus, "a")["evidence"][0]
    {'this': 'Disk full on log volume', 'other': 'Log volume disk full again'}
    """
    corpus = check_corpus(corpus)
    check_int("k", k, minimum=1, error=ThemeError)
    if isinstance(stop_words, str):
        raise ThemeError(f"'stop_words' must be an iterable of words, got {stop_words!r}")
    low_high = ngram_range
    if (
        not isinstance(low_high, tuple)
        or len(low_high) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in low_high)
        or not 1 <= low_high[0] <= low_high[1] <= 3
    ):
        raise ThemeError(
            f"'ngram_range' must be (low, high) with 1 <= low <= high <= 3, got {low_high!r}"
        )
    every = [str(value) for value in corpus.incidents["incident_id"]]
    if not isinstance(incident_id, str) or incident_id not in every:
        raise ThemeError(f"'incident_id' is not an incident of this corpus, got {incident_id!r}")
    kept, _, _templates = real_incidents(corpus)
    incidents = corpus.incidents[
        corpus.incidents["incident_id"].isin([*list(kept["incident_id"]), incident_id])
    ].reset_index(drop=True)
    ids = [str(value) for value in incidents["incident_id"]]
    documents = _documents(corpus, incidents)
    stop = stop_word_list(corpus_stop_words(corpus) | set(PLACE_NAMES) | set(stop_words))
    counter = count_vectorizer(stop, ngram_range)
    if len(documents) >= _GENERIC_FROM:
        counter.set_params(max_df=0.5)
    try:
        counts = counter.fit_transform(documents)
    except ValueError:  # no words at all
        return pd.DataFrame({column: [] for column in SIMILAR_COLUMNS})
    tfidf = TfidfTransformer(sublinear_tf=True).fit(counts)
    weights = sp.csr_matrix(normalize(tfidf.transform(counts)))
    target = ids.index(incident_id)
    scores = np.asarray((weights @ weights[target].T).todense()).ravel()
    scores[target] = -1.0
    order = [n for n in np.argsort(-scores, kind="stable")[:k] if scores[n] > 0]
    vocabulary = counter.get_feature_names_out()
    rows = []
    for n in order:
        shared = weights[n].multiply(weights[target]).tocoo()
        best = shared.col[np.argsort(-shared.data, kind="stable")[:5]]
        rows.append(
            {
                "incident_id": ids[n],
                "title": incidents.at[n, "title"],
                "started_at": incidents.at[n, "started_at"],
                "score": round(float(scores[n]), 4),
                "shared_terms": [str(vocabulary[col]) for col in best],
                "evidence": _evidence(documents[target], documents[n], counter, tfidf),
            }
        )
    return pd.DataFrame(rows, columns=list(SIMILAR_COLUMNS))
