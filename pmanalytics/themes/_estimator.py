"""The :class:`ThemeSuggester` estimator behind :mod:`pmanalytics.themes` (private module)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.preprocessing import normalize

from .._validate import check_bool, check_int, check_number
from . import _clustering as clu
from ._encoders import Encoder, load_sentence_encoder
from ._errors import ThemeError
from ._labels import phrase_label
from ._text import (
    MAX_VECTOR_CHARS,
    class_tfidf,
    clean_texts,
    count_vectorizer,
    stop_words,
    top_terms,
)

__all__ = ["ThemeSuggester"]

FloatArray = npt.NDArray[np.float64]
# The largest vocabulary kept, however many notes there are.
_MAX_FEATURES = 200_000
IntArray = npt.NDArray[np.int64]


# --------------------------------------------------------------------------- estimator


class ThemeSuggester(ClusterMixin, BaseEstimator):  # type: ignore[misc]
    """Group short notes into themes; a scikit-learn estimator.

    It follows scikit-learn's conventions: the constructor only stores its
    parameters, :meth:`fit` checks them, fitted attributes end in ``_``, and it
    works with ``sklearn.base.clone``, ``get_params`` and ``set_params``. Its input
    is a sequence of str (like ``CountVectorizer``), not a numeric array.

    Parameters
    ----------
    n_themes : int, optional
        Fix the number of themes; by default it is chosen by silhouette.
    min_theme_size : int
        The fewest notes a theme may have; smaller groups stay unassigned (-1).
    ngram_range : tuple of int
        Word n-grams for TF-IDF; single words by default, so that notes about the
        same thing in different phrasing meet.
    stop_words : iterable of str
        Words to ignore on top of English stop words and
        :data:`BOILERPLATE_STOP_WORDS` (for example the corpus's service names).
    n_components : int, optional
        Dimensions kept by truncated SVD; by default 1.5 x the square root of the
        number of notes, from 10 to 100 (a low-rank space groups by topic).
    silhouette_slack : float
        How far below the best silhouette a coarser cut may score and still be
        chosen (relative, 0 to 1). Silhouette favours many tight groups on short
        text; the default 0.5 prefers broader themes, 0 the best-scoring cut.
    max_sample : int
        Above this many notes, the tree is built on a random sample of this size and
        the other notes are assigned to the nearest theme (or to none).
    embedder : Encoder, str or path, optional
        Use sentence embeddings instead of TF-IDF + SVD: an object with
        ``encode(list[str]) -> array``, or a local sentence-transformers model (a
        folder, or an installed package shipping one). Nothing is downloaded.
        Keywords still come from TF-IDF.
    merge_sections : bool
        By default notes from positive sections (``went_well``) and from problem sections
        (everything else) never share a theme, whatever their words; ``True`` lets them. Only
        used when :meth:`fit` is given ``sections``.
    random_state : int
        Seed for the SVD and the sample: the same input always gives the same themes.

    Attributes
    ----------
    labels_ : ndarray of int
        Theme of each note, ``-1`` for none.
    n_themes_ : int
    themes_ : pandas.DataFrame
        One row per theme: ``theme``, ``label`` (a short phrase from its notes), ``keywords``
        (its distinctive terms, separately), ``section`` (its notes' sections, most common
        first, joined by ``", "``; empty when no sections were given), ``size``,
        ``cohesion``, ``representative`` (positions of its 3 most central notes).
    similarity_ : ndarray of float
        Each note's cosine similarity to its theme's centre (NaN when unassigned).
    centroids_ : ndarray
        Unit-length centre of each theme in the vector space.
    distance_threshold_ : float
        Where the tree was cut.
    silhouettes_ : dict of float to float
        Silhouette of each threshold tried (empty when ``n_themes`` was fixed).

    Examples
    --------
    >>> notes = ["cert expired", "the cert expired silently", "cert expired again", "hello"]
    >>> model = ThemeSuggester(min_theme_size=2).fit(notes)
    >>> model.labels_.tolist(), model.themes_["label"].tolist()
    ([0, 0, 0, -1], ['The cert expired silently'])
    """

    def __init__(
        self,
        n_themes: int | None = None,
        *,
        min_theme_size: int = 2,
        ngram_range: tuple[int, int] = (1, 1),
        stop_words: Iterable[str] = (),
        n_components: int | None = None,
        silhouette_slack: float = 0.5,
        max_sample: int = 3000,
        embedder: Encoder | str | os.PathLike[str] | None = None,
        merge_sections: bool = False,
        random_state: int = 0,
    ) -> None:
        self.n_themes = n_themes
        self.min_theme_size = min_theme_size
        self.ngram_range = ngram_range
        self.stop_words = stop_words
        self.n_components = n_components
        self.silhouette_slack = silhouette_slack
        self.max_sample = max_sample
        self.embedder = embedder
        self.merge_sections = merge_sections
        self.random_state = random_state

    def set_params(self, **params: Any) -> ThemeSuggester:
        """Set constructor parameters (scikit-learn convention); unknown names are refused."""
        unknown = sorted(set(params) - set(self.get_params()))
        if unknown:
            raise ThemeError(f"unknown parameter {unknown[0]!r} for ThemeSuggester")
        super().set_params(**params)
        return self

    def __sklearn_tags__(self) -> Any:
        """Tags for scikit-learn: the input is a sequence of strings, not a 2-D array."""
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        return tags

    # ----------------------------------------------------------------- fitting

    def fit(
        self, X: Sequence[str], y: object = None, sections: Sequence[str] | None = None
    ) -> ThemeSuggester:
        """Find themes among the notes ``X`` (a sequence of str).

        ``sections`` (one per note, optional) keeps went-well notes and problem notes apart
        (see ``merge_sections``) and describes each theme's section.
        """
        texts = clean_texts(X, "X")
        self._validate()
        self.sections_ = _check_sections(sections, len(texts))
        groups = (
            None
            if self.merge_sections or self.sections_ is None
            else np.array([s in _POSITIVE for s in self.sections_], dtype=np.int64)
        )
        self.texts_ = texts
        self._fit_vectors(texts)
        vectors = self.vectors_
        usable = np.flatnonzero(np.linalg.norm(vectors, axis=1) > 0)
        rng = np.random.default_rng(self.random_state)
        sample = usable
        if len(usable) > self.max_sample:
            sample = np.sort(rng.choice(usable, self.max_sample, replace=False))
        cut = clu.cut_tree(
            vectors[sample],
            self.min_theme_size,
            self.n_themes,
            float(self.silhouette_slack),
            groups=None if groups is None else groups[sample],
        )
        n_themes = int(cut.labels.max()) + 1 if len(cut.labels) else 0
        labels = np.full(len(texts), -1, dtype=np.int64)
        labels[sample] = cut.labels
        centres = clu.centroids(vectors[sample], cut.labels, n_themes)
        floors = np.array(
            [float((vectors[sample][cut.labels == t] @ centres[t]).min()) for t in range(n_themes)]
        )
        rest = np.setdiff1d(usable, sample, assume_unique=True)
        labels[rest] = clu.assign(vectors[rest], centres, floors)
        if groups is not None and len(rest) and n_themes:
            theme_group = np.array(
                [np.bincount(groups[sample][cut.labels == t]).argmax() for t in range(n_themes)]
            )
            moved = labels[rest]
            wrong = (moved >= 0) & (theme_group[np.maximum(moved, 0)] != groups[rest])
            labels[rest[wrong]] = -1
        self.labels_ = labels
        self.n_themes_ = n_themes
        self.distance_threshold_ = cut.threshold
        self.silhouettes_ = cut.silhouettes
        self.centroids_ = clu.centroids(vectors, labels, n_themes)
        self.floors_ = floors
        self._describe(texts)
        return self

    def fit_predict(
        self, X: Sequence[str], y: object = None, sections: Sequence[str] | None = None
    ) -> IntArray:
        """Fit and return :attr:`labels_`."""
        labels: IntArray = self.fit(X, sections=sections).labels_
        return labels

    def transform(self, X: Sequence[str]) -> FloatArray:
        """Unit-length vectors of new notes in the fitted space (zero rows for empty ones)."""
        self._check_fitted()
        return self._vectors(clean_texts(X, "X"))

    def predict(self, X: Sequence[str]) -> IntArray:
        """The theme of new notes: the nearest theme, or -1 when they fit none."""
        vectors = self.transform(X)
        labels = clu.assign(vectors, self.centroids_, self.floors_)
        labels[np.linalg.norm(vectors, axis=1) == 0] = -1
        return labels

    # ----------------------------------------------------------------- internals

    def _validate(self) -> None:
        if self.n_themes is not None:
            check_int("n_themes", self.n_themes, minimum=1, error=ThemeError)
        check_int("min_theme_size", self.min_theme_size, minimum=1, error=ThemeError)
        if self.n_components is not None:
            check_int("n_components", self.n_components, minimum=2, error=ThemeError)
        check_int("max_sample", self.max_sample, minimum=2, error=ThemeError)
        check_number(
            "silhouette_slack", self.silhouette_slack, minimum=0, maximum=1, error=ThemeError
        )
        low_high = self.ngram_range
        if (
            not isinstance(low_high, tuple)
            or len(low_high) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in low_high)
            or not 1 <= low_high[0] <= low_high[1] <= 3
        ):
            raise ThemeError(
                f"'ngram_range' must be (low, high) with 1 <= low <= high <= 3, got {low_high!r}"
            )
        if isinstance(self.stop_words, str):
            raise ThemeError(f"'stop_words' must be an iterable of words, got {self.stop_words!r}")
        check_int("random_state", self.random_state, error=ThemeError)
        check_bool("merge_sections", self.merge_sections, error=ThemeError)

    def _fit_vectors(self, texts: list[str]) -> None:
        clipped = [text[:MAX_VECTOR_CHARS] for text in texts]
        self.stop_words_ = stop_words(self.stop_words)
        self.counter_: CountVectorizer | None = None
        self.counts_ = sp.csr_matrix((len(texts), 0))
        frequent = len(texts) >= 50
        for min_df in (2, 1) if frequent else (1,):
            counter = count_vectorizer(
                self.stop_words_, self.ngram_range, min_df=min_df, max_features=_MAX_FEATURES
            )
            try:
                self.counts_ = counter.fit_transform(clipped).tocsr()
            except ValueError:  # nothing but stop words: no vocabulary at all
                continue
            self.counter_ = counter
            break
        self.tfidf_ = (
            TfidfTransformer(sublinear_tf=True).fit(self.counts_) if self.counter_ else None
        )
        # Labels read better with word pairs ("dns lookups"), whatever the vectors use.
        self.label_counter_, self.label_counts_ = self.counter_, self.counts_
        if self.counter_ is not None and self.ngram_range[1] < 2:
            pairs = count_vectorizer(
                self.stop_words_,
                (self.ngram_range[0], 2),
                min_df=self.counter_.min_df,
                max_features=_MAX_FEATURES,
            )
            self.label_counts_ = pairs.fit_transform(clipped).tocsr()
            self.label_counter_ = pairs
        self.svd_: TruncatedSVD | None = None
        self.encoder_: Encoder | None = None
        if self.embedder is not None:
            if isinstance(self.embedder, str | os.PathLike):  # str has an .encode too
                self.encoder_ = load_sentence_encoder(self.embedder)
            elif isinstance(self.embedder, Encoder):
                self.encoder_ = self.embedder
            else:
                raise ThemeError(
                    "'embedder' must have an encode(list[str]) method or be a local model, "
                    f"got {self.embedder!r}"
                )
            self.vectors_ = self._vectors(texts)
            return
        if self.tfidf_ is not None:
            weights = self.tfidf_.transform(self.counts_)
            wanted = self.n_components or _auto_components(weights.shape[0])
            components = min(wanted, weights.shape[1] - 1, weights.shape[0] - 1)
            if components >= 2 and weights.shape[0] > 3:
                self.svd_ = TruncatedSVD(components, random_state=self.random_state)
                with np.errstate(invalid="ignore", divide="ignore"):  # identical notes
                    self.svd_.fit(weights)
        self.vectors_ = self._vectors(texts)

    def _vectors(self, texts: list[str]) -> FloatArray:
        if self.encoder_ is not None:
            return _encode(self.encoder_, texts)
        if self.counter_ is None or self.tfidf_ is None:
            return np.zeros((len(texts), 1))
        counts = self.counter_.transform([text[:MAX_VECTOR_CHARS] for text in texts])
        weights = self.tfidf_.transform(counts)
        if self.svd_ is None:
            dense: FloatArray = np.asarray(weights.todense(), dtype=np.float64)
        else:
            dense = np.asarray(self.svd_.transform(weights), dtype=np.float64)
            dense[np.asarray(counts.sum(axis=1)).ravel() == 0] = 0.0
        return np.asarray(normalize(dense), dtype=np.float64)

    def _describe(self, texts: list[str]) -> None:
        labels, vectors, n_themes = self.labels_, self.vectors_, self.n_themes_
        similarity = np.full(len(texts), np.nan)
        rows = []
        vocabulary: list[str] = []
        scores = np.zeros((n_themes, 0))
        if self.label_counter_ is not None and n_themes:
            vocabulary = list(self.label_counter_.get_feature_names_out())
            scores = class_tfidf(self.label_counts_, labels, n_themes)
        for theme in range(n_themes):
            members = np.flatnonzero(labels == theme)
            sims = vectors[members] @ self.centroids_[theme]
            similarity[members] = sims
            representative: list[int] = []
            seen: set[str] = set()
            for index in members[np.argsort(-sims, kind="stable")]:
                if texts[index] not in seen:
                    representative.append(int(index))
                    seen.add(texts[index])
                if len(representative) == 3:
                    break
            keywords = top_terms(scores[theme], vocabulary) if vocabulary else ()
            central = [texts[n] for n in members[np.argsort(-sims, kind="stable")][:8]]
            label = phrase_label(list(dict.fromkeys(central)), keywords, self.stop_words_)
            label = label or _label(keywords) or _first_words(texts[representative[0]])
            section = ""
            if self.sections_ is not None:
                counts = pd.Series([self.sections_[n] for n in members]).value_counts()
                section = ", ".join(str(name) for name in counts.index)
            rows.append(
                {
                    "theme": theme,
                    "label": label,
                    "keywords": list(keywords),
                    "section": section,
                    "size": len(members),
                    "cohesion": round(float(np.clip(sims.mean(), 0.0, 1.0)), 4),
                    "representative": representative,
                }
            )
        columns = ["theme", "label", "keywords", "section", "size", "cohesion", "representative"]
        self.themes_ = pd.DataFrame(rows, columns=columns)
        self.similarity_ = similarity

    def _check_fitted(self) -> None:
        if not hasattr(self, "labels_"):
            raise ThemeError("this ThemeSuggester is not fitted yet: call fit(X) first")


#: Sections whose notes say what went right: never in one theme with problem notes by default.
_POSITIVE = frozenset({"went_well"})


def _check_sections(sections: object, count: int) -> list[str] | None:
    if sections is None:
        return None
    if isinstance(sections, str) or not isinstance(sections, Sequence | np.ndarray | pd.Series):
        raise ThemeError(f"'sections' must be a sequence of section names, got {sections!r}")
    out = ["" if s is None or (isinstance(s, float) and np.isnan(s)) else str(s) for s in sections]
    if len(out) != count:
        raise ThemeError(f"'sections' must have one entry per note ({count}), got {len(out)}")
    return out


def _encode(encoder: Encoder, texts: list[str]) -> FloatArray:
    """Unit-length embeddings of ``texts``; empty texts get zero rows."""
    present = [n for n, text in enumerate(texts) if text]
    encoded = np.asarray(encoder.encode([texts[n] for n in present]), dtype=np.float64)
    if encoded.ndim != 2 or encoded.shape[0] != len(present):
        raise ThemeError(
            f"'embedder' must return one row per text, got shape {encoded.shape} "
            f"for {len(present)} texts"
        )
    out = np.zeros((len(texts), encoded.shape[1] if len(present) else 1))
    if present:
        out[present] = normalize(encoded)
    return out


def _auto_components(notes: int) -> int:
    """SVD dimensions for ``notes`` notes: few enough that notes about one topic in
    different words meet, more for larger (and so more varied) collections."""
    return max(10, min(100, int(1.5 * notes**0.5)))


def _label(keywords: Sequence[str], count: int = 3) -> str:
    """Up to ``count`` keywords that share no word, joined by commas."""
    chosen: list[str] = []
    used: set[str] = set()
    for keyword in keywords:
        words = set(keyword.split())
        if not words & used:
            chosen.append(keyword)
            used |= words
        if len(chosen) == count:
            break
    return ", ".join(chosen)


def _first_words(text: str, count: int = 6) -> str:
    words = text.split()
    return " ".join(words[:count]) + (" ..." if len(words) > count else "")
