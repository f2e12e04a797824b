"""Clustering for :mod:`pmanalytics.themes`: an average-linkage tree cut automatically.

Private: the public API lives in :mod:`pmanalytics.themes`.

The vectors (L2-normalised rows) are clustered by average linkage on cosine
distance. The tree is cut at a distance threshold chosen by silhouette over a grid
(:data:`THRESHOLDS`): among the thresholds whose silhouette is within
a relative slack of the best (``silhouette_slack``), the largest (the most parsimonious cut) is
kept, since silhouette is flat around its best on text and coarser themes are the
ones a facilitator can use. From 20 notes on, a cut that puts more than half of them in one
theme is not a candidate: when every cut of the grid does (dense embeddings sit close
together), the grid becomes the tree's own merge heights, and if every cut still does, the
finest is kept. Clusters smaller than the minimum theme size are not themes: their notes stay
unassigned (label -1).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform
from sklearn.metrics import silhouette_score

__all__ = ["THRESHOLDS", "Cut", "assign", "centroids", "cut_tree"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: Cosine-distance thresholds tried when the number of themes is chosen automatically.
THRESHOLDS: tuple[float, ...] = tuple(round(0.30 + 0.05 * step, 2) for step in range(14))
#: From this many notes on, an automatic cut with one theme holding more than
#: :data:`GIANT_SHARE` of them is rejected.
GIANT_FROM = 20
GIANT_SHARE = 0.5
#: The distance between notes that must never share a theme (above every cut).
APART = 2.0
#: Threshold used when silhouette is undefined for every cut (e.g. all notes identical).
DEFAULT_THRESHOLD = 0.7


@dataclass(frozen=True)
class Cut:
    """Labels of one cut (``-1`` for notes in no theme) and how the cut was chosen."""

    labels: IntArray
    threshold: float
    silhouettes: dict[float, float]


def cut_tree(
    vectors: FloatArray,
    min_size: int,
    n_themes: int | None,
    slack: float = 0.5,
    *,
    groups: IntArray | None = None,
) -> Cut:
    """Cluster ``vectors`` (unit rows) and return themes numbered by size, largest first.

    Notes of different ``groups`` (e.g. went-well and problem notes) never share a theme.
    """
    count = len(vectors)
    if count < 2:
        return Cut(np.full(count, -1, dtype=np.int64), DEFAULT_THRESHOLD, {})
    distances = np.clip(1.0 - vectors @ vectors.T, 0.0, 2.0)
    np.fill_diagonal(distances, 0.0)
    distances = (distances + distances.T) / 2.0
    if groups is not None:
        distances[groups[:, None] != groups[None, :]] = APART
    tree = linkage(squareform(distances, checks=False), method="average")
    if n_themes is not None:
        threshold = _threshold_for_count(tree, min_size, n_themes)
        scores: dict[float, float] = {}
    else:
        scores, largest = _score(tree, distances, THRESHOLDS)
        if count >= GIANT_FROM and not any(v <= GIANT_SHARE for v in largest.values()):
            # Dense vectors (embeddings) sit close together: cut at the tree's own heights.
            heights = tree[:, 2][tree[:, 2] < APART]
            if len(heights):
                grid = tuple(
                    float(h) + 1e-9 for h in np.quantile(heights, np.linspace(0.5, 0.99, 25))
                )
                scores, largest = _score(tree, distances, grid)
        if count >= GIANT_FROM:
            # A cut that puts more than half the notes in one theme is no theme suggestion
            # (dense embeddings do that at any coarse cut): keep to the cuts that do not.
            fair = {t: v for t, v in scores.items() if largest[t] <= GIANT_SHARE}
            if fair:
                scores = fair
            elif scores:
                finest = min(scores, key=lambda t: (largest[t], t))
                scores = {finest: scores[finest]}
        threshold = _parsimonious(scores, slack)
    raw = fcluster(tree, threshold, criterion="distance")
    labels = _themes_only(raw, min_size, n_themes)
    return Cut(labels, threshold, scores)


def _score(
    tree: FloatArray, distances: FloatArray, thresholds: tuple[float, ...]
) -> tuple[dict[float, float], dict[float, float]]:
    """Silhouette of each threshold's cut (when defined) and its largest theme's share."""
    count = len(distances)
    scores: dict[float, float] = {}
    largest: dict[float, float] = {}
    for threshold in thresholds:
        raw = fcluster(tree, threshold, criterion="distance")
        clusters = len(np.unique(raw))
        largest[threshold] = float(np.bincount(raw).max()) / count
        if 1 < clusters < count:
            scores[threshold] = float(silhouette_score(distances, raw, metric="precomputed"))
    return scores, largest


def _parsimonious(scores: dict[float, float], slack: float) -> float:
    if not scores:
        return DEFAULT_THRESHOLD
    best = max(scores.values())
    floor = best - slack * abs(best)
    return max(threshold for threshold, score in scores.items() if score >= floor)


def _themes_only(raw: npt.NDArray[np.int32], min_size: int, keep: int | None) -> IntArray:
    values, first, sizes = np.unique(raw, return_index=True, return_counts=True)
    order = sorted(
        (int(-size), int(start), int(value))
        for value, start, size in zip(values, first, sizes, strict=True)
        if size >= min_size
    )
    if keep is not None:
        order = order[:keep]
    mapping = {value: number for number, (_, _, value) in enumerate(order)}
    return np.array([mapping.get(int(value), -1) for value in raw], dtype=np.int64)


def _threshold_for_count(tree: FloatArray, min_size: int, n_themes: int) -> float:
    """The largest merge height whose cut gives closest to ``n_themes`` themes."""
    heights = np.unique(np.round(tree[:, 2], 9))
    heights = heights[heights < APART]
    if len(heights) > 400:
        heights = np.unique(np.quantile(heights, np.linspace(0, 1, 400)))
    best: tuple[int, float] = (10**9, DEFAULT_THRESHOLD)
    for height in heights:
        threshold = float(height) + 1e-9
        raw = fcluster(tree, threshold, criterion="distance")
        sizes = np.bincount(raw)
        themes = int((sizes >= min_size).sum())
        gap = abs(themes - n_themes)
        if gap < best[0] or (gap == best[0] and themes >= n_themes):
            best = (gap, threshold)
    return best[1]


def centroids(vectors: FloatArray, labels: IntArray, n_themes: int) -> FloatArray:
    """Unit-length mean vector of each theme (rows ``0..n_themes-1``)."""
    out = np.zeros((n_themes, vectors.shape[1]), dtype=np.float64)
    for theme in range(n_themes):
        members = vectors[labels == theme]
        if len(members):
            mean = members.mean(axis=0)
            norm = float(np.linalg.norm(mean))
            out[theme] = mean / norm if norm > 0 else mean
    return out


def assign(vectors: FloatArray, centres: FloatArray, floors: FloatArray) -> IntArray:
    """Nearest theme by cosine, or -1 when below that theme's own loosest member."""
    if not len(centres) or not len(vectors):
        return np.full(len(vectors), -1, dtype=np.int64)
    labels = np.empty(len(vectors), dtype=np.int64)
    for start in range(0, len(vectors), 20_000):
        chunk = vectors[start : start + 20_000] @ centres.T
        best = chunk.argmax(axis=1)
        score = chunk[np.arange(len(chunk)), best]
        labels[start : start + len(chunk)] = np.where(score >= floors[best], best, -1)
    return labels
