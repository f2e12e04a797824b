"""Text side of :mod:`pmanalytics.themes`: the stop-list, tokens, the word counter, keywords.

Private: the public API lives in :mod:`pmanalytics.themes`. :func:`count_vectorizer`
is the one place where notes become word counts, for the estimator and for
:func:`~pmanalytics.themes.similar_incidents` alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

from ._errors import ThemeError

__all__ = [
    "BOILERPLATE_STOP_WORDS",
    "MAX_VECTOR_CHARS",
    "class_tfidf",
    "clean_texts",
    "count_vectorizer",
    "name_tokens",
    "stop_words",
    "tokenize",
    "top_terms",
]

FloatArray = npt.NDArray[np.float64]

#: Words that appear in incident notes whatever the problem is, so they carry no theme:
#: the incident vocabulary itself, generic verbs and hedges, regions and the big vendors.
#: Deliberately generic; names from the corpus (services, teams) are added at run time.
_BOILERPLATE = """
    again ago also always amazon america anyone ap asia aws az azure bit cause caused causing
    central client clients cloud customer customers day days due east engineer engineers env
    environment eu europe every everyone few gcp get getting google got happen happened
    happening happens incident incidents issue issues just known like lot lots made make many
    microsoft month months mortem much need needed needs never new nobody north often old one
    outage outages people post postmortem problem problems prod product production products
    provider providers really recently region regions service services several somebody someone
    sometimes south still system systems team teams thing things time times today two unknown
    us user users vendor vendors way week weeks west whole year years yesterday yet zone zones
"""
BOILERPLATE_STOP_WORDS: frozenset[str] = frozenset(_BOILERPLATE.split())

# Notes longer than this are truncated for vectorising only (their text is kept whole).
MAX_VECTOR_CHARS = 20_000
_TOKEN = re.compile(r"(?u)\b\w\w+\b")


def _short(value: object) -> str:
    shown = repr(value)
    return shown if len(shown) <= 80 else shown[:77] + "..."


def clean_texts(texts: object, name: str) -> list[str]:
    """Check ``texts`` is a sequence of strings; return them stripped.

    Examples
    --------
    >>> clean_texts(["  a ", "b"], "X")
    ['a', 'b']
    >>> clean_texts("abc", "X")
    Traceback (most recent call last):
    ...
    pmanalytics.themes._errors.ThemeError: 'X' must be a sequence of str, not one str, got 'abc'
    """
    if isinstance(texts, str | bytes):
        raise ThemeError(f"{name!r} must be a sequence of str, not one str, got {_short(texts)}")
    if not isinstance(texts, Iterable):
        raise ThemeError(f"{name!r} must be a sequence of str, got {_short(texts)}")
    out = []
    for index, text in enumerate(texts):
        if not isinstance(text, str):
            raise ThemeError(f"{name}[{index}] must be a str, got {_short(text)}")
        out.append(text.strip())
    return out


def name_tokens(names: Iterable[object]) -> set[str]:
    """Lower-case word tokens of names (services, teams) to add to the stop-list.

    Examples
    --------
    >>> sorted(name_tokens(["checkout-api", "data_eng", None]))
    ['api', 'checkout', 'data_eng']
    """
    tokens: set[str] = set()
    for name in names:
        if isinstance(name, str):
            tokens.update(_TOKEN.findall(name.lower()))
    return tokens


def tokenize(text: str) -> list[str]:
    """Lower-case word tokens of two or more characters (no stemming: labels stay readable).

    Examples
    --------
    >>> tokenize("DNS-Lookups time out")
    ['dns', 'lookups', 'time', 'out']
    """
    return _TOKEN.findall(text.lower())


def stop_words(extra: Iterable[str] = ()) -> list[str]:
    """English stop words + :data:`BOILERPLATE_STOP_WORDS` + ``extra``, sorted."""
    words = set(ENGLISH_STOP_WORDS) | BOILERPLATE_STOP_WORDS
    words.update(word.lower() for word in extra)
    return sorted(words)


def count_vectorizer(
    stop: Sequence[str],
    ngram_range: tuple[int, int],
    *,
    min_df: int = 1,
    max_features: int | None = None,
) -> CountVectorizer:
    """An unfitted word counter: :func:`tokenize`, the stop-list ``stop``, float32 counts.

    Examples
    --------
    >>> counter = count_vectorizer(stop_words(), (1, 2))
    >>> counter.fit(["DNS lookups time out"]).get_feature_names_out().tolist()
    ['dns', 'dns lookups', 'lookups']
    """
    return CountVectorizer(
        tokenizer=tokenize,
        token_pattern=None,
        lowercase=False,
        stop_words=list(stop),
        ngram_range=ngram_range,
        min_df=min_df,
        max_features=max_features,
        dtype=np.float32,
    )


def class_tfidf(counts: sp.csr_matrix, labels: npt.NDArray[np.int64], n_classes: int) -> FloatArray:
    """Class-based TF-IDF: one row per class ``0..n_classes-1`` over the count matrix.

    Term frequency within a class, times ``log(1 + A / f_t)`` where ``A`` is the mean
    number of words per class (unassigned notes form one more class, so words common
    among them do not look distinctive) and ``f_t`` the term's frequency over all notes.
    """
    groups = np.where(labels < 0, n_classes, labels)
    indicator = sp.csr_matrix(
        (np.ones(len(groups)), (groups, np.arange(len(groups)))), shape=(n_classes + 1, len(groups))
    )
    per_class = np.asarray((indicator @ counts).todense(), dtype=np.float64)
    sizes = per_class.sum(axis=1, keepdims=True)
    tf = per_class / np.maximum(sizes, 1.0)
    frequency = per_class.sum(axis=0)
    present = sizes[:, 0] > 0
    average = float(sizes[present].mean()) if present.any() else 0.0
    idf = np.log1p(average / np.maximum(frequency, 1.0))
    scores: FloatArray = (tf * idf)[:n_classes]
    return scores


def top_terms(scores: FloatArray, vocabulary: Sequence[str], k: int = 8) -> tuple[str, ...]:
    """The ``k`` best-scoring terms; a word pair replaces the single words it contains.

    Examples
    --------
    >>> top_terms(np.array([0.9, 0.5, 0.4, 0.1]), ["dns", "dns lookups", "cluster", "x"], 2)
    ('dns lookups', 'cluster')
    """
    chosen: list[str] = []
    covered: set[str] = set()
    for index in np.argsort(-scores, kind="stable")[: k * 4]:
        if scores[index] <= 0:
            break
        term = vocabulary[index]
        words = term.split()
        if all(word in covered for word in words):
            continue
        if len(words) > 1:
            # A pair replaces the single words it contains, at the first one's place.
            inside = [n for n, chosen_term in enumerate(chosen) if chosen_term in words]
            if inside:
                chosen[inside[0]] = term
                chosen = [t for n, t in enumerate(chosen) if n not in inside[1:]]
                covered.update(words)
                continue
        if len(chosen) < k:
            chosen.append(term)
            covered.update(words)
    return tuple(chosen)
