"""Similar incidents: "has this happened before?" (private; see :mod:`pmanalytics.themes`)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.preprocessing import normalize

from .._validate import check_int
from ._corpus_words import Corpus, check_corpus, corpus_stop_words
from ._errors import ThemeError
from ._text import MAX_VECTOR_CHARS, count_vectorizer, stop_words

__all__ = ["SIMILAR_COLUMNS", "similar_incidents"]

#: Columns of :func:`similar_incidents`, in order.
SIMILAR_COLUMNS = ("incident_id", "title", "started_at", "score", "shared_terms")


def similar_incidents(corpus: Corpus, incident_id: str, k: int = 5) -> pd.DataFrame:
    """The ``k`` incidents most like one incident: "has this happened before?".

    Each incident is one document (title, summary and every note), weighted by
    TF-IDF over words and word pairs with the boilerplate and corpus-name stop-list;
    the score is cosine similarity and ``shared_terms`` the five terms contributing
    most to it. Incidents sharing nothing are left out.

    Examples
    --------
    >>> from pmanalytics import Corpus, PostMortem
    >>> corpus = Corpus.from_postmortems([
    ...     PostMortem(id="a", title="Disk full on log volume"),
    ...     PostMortem(id="b", title="Log volume disk full again"),
    ...     PostMortem(id="c", title="Certificate expired")])
    >>> similar_incidents(corpus, "a")[["incident_id", "shared_terms"]].to_dict("records")
    [{'incident_id': 'b', 'shared_terms': ['log volume', 'disk full', 'volume', 'log', 'full']}]
    """
    corpus = check_corpus(corpus)
    check_int("k", k, minimum=1, error=ThemeError)
    incidents = corpus.incidents.reset_index(drop=True)
    ids = [str(value) for value in incidents["incident_id"]]
    if not isinstance(incident_id, str) or incident_id not in ids:
        raise ThemeError(f"'incident_id' is not an incident of this corpus, got {incident_id!r}")
    notes = corpus.items.groupby("incident_id")["text"].agg(
        lambda texts: "\n".join(str(t) for t in texts.dropna())
    )
    documents = [
        f"{title}\n{summary}\n{notes.get(iid, '')}"[: MAX_VECTOR_CHARS * 5]
        for iid, title, summary in zip(
            ids, incidents["title"].fillna(""), incidents["summary"].fillna(""), strict=True
        )
    ]
    counter = count_vectorizer(stop_words(corpus_stop_words(corpus)), (1, 2))
    try:
        counts = counter.fit_transform(documents)
    except ValueError:  # no words at all
        return pd.DataFrame({column: [] for column in SIMILAR_COLUMNS})
    weights = normalize(TfidfTransformer(sublinear_tf=True).fit_transform(counts)).tocsr()
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
            }
        )
    return pd.DataFrame(rows, columns=list(SIMILAR_COLUMNS))
