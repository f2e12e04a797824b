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

from .._template_docs import PLACEHOLDER
from ._boilerplate import BOILERPLATE_STOP_WORDS, boilerplate_pattern
from ._errors import ThemeError

__all__ = [
    "BOILERPLATE_STOP_WORDS",
    "CONTRACTIONS",
    "MAX_VECTOR_CHARS",
    "Analyzer",
    "class_tfidf",
    "clean_text",
    "clean_texts",
    "count_vectorizer",
    "name_tokens",
    "stop_words",
    "tokenize",
    "top_terms",
]

FloatArray = npt.NDArray[np.float64]

# Notes longer than this are truncated for vectorising only (their text is kept whole).
MAX_VECTOR_CHARS = 20_000
# A word, with a contraction kept whole ("didn't", "team's"): never "didn" and "t".
_TOKEN = re.compile(r"(?u)\b\w+(?:'\w+)*\b")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'"})

#: Contractions: whole tokens that say nothing about a problem.
CONTRACTIONS: frozenset[str] = frozenset(
    [
        "ain't",
        "aren't",
        "can't",
        "couldn't",
        "didn't",
        "doesn't",
        "don't",
        "hadn't",
        "hasn't",
        "haven't",
        "he'd",
        "he'll",
        "he's",
        "i'd",
        "i'll",
        "i'm",
        "i've",
        "isn't",
        "it'd",
        "it'll",
        "it's",
        "let's",
        "mightn't",
        "mustn't",
        "needn't",
        "shan't",
        "she'd",
        "she'll",
        "she's",
        "shouldn't",
        "that's",
        "there's",
        "they'd",
        "they'll",
        "they're",
        "they've",
        "wasn't",
        "we'd",
        "we'll",
        "we're",
        "weren't",
        "we've",
        "what's",
        "who's",
        "won't",
        "wouldn't",
        "you'd",
        "you'll",
        "you're",
        "you've",
    ]
)


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


_URL = re.compile(r"(?i)\b(?:https?://|ftp://|www\.)[^\s<>()\[\]\"']+")
_MD_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
_MD_LINK = re.compile(r"\[([^\]\n]*)\]\([^)\n]*\)")
_FENCED = re.compile(r"(?s)```.*?(?:```|$)|~~~.*?(?:~~~|$)")
_INLINE_CODE = re.compile(r"`[^`\n]*`")
_PATHLIKE = re.compile(r"(?<!\w)(?:[\w.-]+/){2,}[\w.-]*|\b[\w-]+(?:\.[\w-]+){2,}\b")
_BOILERPLATE_PHRASES = boilerplate_pattern()


def clean_text(text: str) -> str:
    """The words of a note: no URLs, Markdown links or images, code, paths, placeholders or
    boilerplate phrases; link text is kept, typographic apostrophes become ``'``.

    Examples
    --------
    >>> clean_text("See [the runbook](https://x.org/wiki/a) and `kubectl get po`, 20xx-MM-DD")
    'See the runbook and  , '
    >>> clean_text("It didn\u2019t alert. We apologise for any inconvenience.")
    "It didn't alert. ."
    """
    text = text.translate(_APOSTROPHES)
    text = _FENCED.sub(" ", text)
    text = _MD_IMAGE.sub(" ", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _URL.sub(" ", text)
    text = _INLINE_CODE.sub(" ", text)
    text = _PATHLIKE.sub(" ", text)
    text = PLACEHOLDER.sub("", text)
    text = _BOILERPLATE_PHRASES.sub("", text)
    return text


def tokenize(text: str) -> list[str]:
    """Lower-case word tokens of a cleaned note (see :func:`clean_text`), contractions whole.

    No stemming, so labels stay readable. A possessive ``'s`` is dropped; single letters and
    numbers other than three-digit status codes (``503``) are not words.

    Examples
    --------
    >>> tokenize("DNS-Lookups didn't time out; the team's 503s, 42 and https://x.io")
    ['dns', 'lookups', "didn't", 'time', 'out', 'the', 'team', '503s', 'and']
    """
    out = []
    for token in _TOKEN.findall(clean_text(text).lower()):
        if token.endswith("'s") and token not in CONTRACTIONS:
            token = token[:-2]
        if len(token) < 2 or token[0] == "_":
            continue
        if token.isdigit() and not (len(token) == 3 and token[0] in "45"):
            continue
        out.append(token)
    return out


# Words of scikit-learn's English stop-list that name things in incident notes ("disk full").
_CONTENT_WORDS = frozenset(
    [
        "back",
        "bill",
        "bottom",
        "call",
        "computer",
        "detail",
        "empty",
        "fill",
        "find",
        "fire",
        "found",
        "front",
        "full",
        "interest",
        "move",
        "name",
        "part",
        "show",
        "side",
        "top",
    ]
)


def stop_words(extra: Iterable[str] = ()) -> list[str]:
    """English stop words, contractions, :data:`BOILERPLATE_STOP_WORDS` and ``extra``, sorted."""
    words = (set(ENGLISH_STOP_WORDS) - _CONTENT_WORDS) | BOILERPLATE_STOP_WORDS | CONTRACTIONS
    words.update(word.lower() for word in extra)
    return sorted(words)


class Analyzer:
    """Terms of a note: words not in the stop-list, and n-grams of words *adjacent in the text*.

    Stop words break a phrase rather than being skipped, so "the catch went wrong" gives no
    pair "catch went"... unless those words really stand side by side.

    Examples
    --------
    >>> Analyzer(stop_words(), (1, 2))("The alert didn't fire: disk full, logs not rotated")
    ['alert', 'fire', 'disk', 'full', 'logs', 'rotated', 'disk full']
    """

    def __init__(self, stop: Iterable[str], ngram_range: tuple[int, int]) -> None:
        self.stop = frozenset(stop)
        self.ngram_range = ngram_range

    def __call__(self, text: str) -> list[str]:
        low, high = self.ngram_range
        terms: list[str] = []
        for run in self.runs(text):
            for size in range(low, high + 1):
                terms += [" ".join(run[n : n + size]) for n in range(len(run) - size + 1)]
        if low == 1 and high > 1:  # single words first, then pairs: readable doctest order
            terms.sort(key=lambda term: term.count(" "))
        return terms

    def runs(self, text: str) -> list[list[str]]:
        """Maximal runs of adjacent non-stop words (a clause or punctuation ends a run)."""
        runs: list[list[str]] = []
        for clause in re.split(r"[.,;:!?()\[\]|\n\u2013\u2014]+|\s-\s", text):
            run: list[str] = []
            for token in tokenize(clause):
                if token in self.stop or "'" in token:
                    if run:
                        runs.append(run)
                    run = []
                else:
                    run.append(token)
            if run:
                runs.append(run)
        return runs


def count_vectorizer(
    stop: Sequence[str],
    ngram_range: tuple[int, int],
    *,
    min_df: int = 1,
    max_features: int | None = None,
) -> CountVectorizer:
    """An unfitted word counter over :class:`Analyzer` terms, float32 counts.

    Examples
    --------
    >>> counter = count_vectorizer(stop_words(), (1, 2))
    >>> counter.fit(["DNS lookups time out"]).get_feature_names_out().tolist()
    ['dns', 'dns lookups', 'lookups']
    """
    return CountVectorizer(
        analyzer=Analyzer(stop, ngram_range),
        lowercase=False,
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
