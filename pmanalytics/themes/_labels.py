"""Names for themes, not word lists: an extractive phrase from the theme's own notes (private).

A theme's label is a short clause taken from one of its most central notes: the clause (of the
few most central notes) that holds most of the theme's distinctive words, cut to a window of at
most :data:`MAX_WORDS` words around them. Being a piece of a note, it never joins words that
were not adjacent, and it never holds a URL (notes are cleaned first, see ``clean_text``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ._text import clean_text, tokenize

__all__ = ["MAX_WORDS", "phrase_label"]

#: The most words a label has.
MAX_WORDS = 8
_CLAUSE = re.compile(r"(?<=[.;!?])\s+|\n+|\s[-\u2013\u2014]\s|:\s|\(|\)")
_NEGATIONS = frozenset({"no", "not", "never", "without", "nobody", "nothing", "none", "lack"})
_EDGE = " \t-*#>|,.;:!?\"'`_~"


def _weights(keywords: Sequence[str]) -> dict[str, float]:
    weights: dict[str, float] = {}
    for rank, keyword in enumerate(keywords):
        for word in keyword.split():
            weights[word] = max(weights.get(word, 0.0), 1.0 / (1.0 + 0.5 * rank))
    return weights


def _window(words: list[str], weights: dict[str, float], stop: frozenset[str]) -> list[str]:
    def gain(word: str) -> float:
        return sum(weights.get(token, 0.0) for token in tokenize(word))

    cut = len(words) > MAX_WORDS
    if cut:
        scores = [gain(word) for word in words]
        best = max(
            range(len(words) - MAX_WORDS + 1),
            key=lambda start: (sum(scores[start : start + MAX_WORDS]), -start),
        )
        words = words[best : best + MAX_WORDS]

    def empty(word: str) -> bool:
        tokens = tokenize(word)
        return not tokens or all(token in stop for token in tokens)

    while words and empty(words[-1]):
        words = words[:-1]
    while cut and words and empty(words[0]) and words[0].casefold() not in _NEGATIONS:
        words = words[1:]
    return words


def phrase_label(
    texts: Sequence[str], keywords: Sequence[str], stop: Sequence[str] = (), candidates: int = 5
) -> str:
    """A short phrase from ``texts`` (most central first) that holds most of ``keywords``.

    Examples
    --------
    >>> notes = ["No version lock on the Flux component. It broke twice.",
    ...          "Flux was bumped without a version lock"]
    >>> phrase_label(notes, ["version lock", "flux"])
    'No version lock on the Flux component'
    >>> phrase_label(["See https://example.org/wiki/Runbook"], ["runbook"])
    'See'
    >>> phrase_label([], ["x"])
    ''
    """
    weights = _weights(keywords)
    stopped = frozenset(stop)
    best: tuple[float, int, str] | None = None
    for rank, text in enumerate(texts[:candidates]):
        for clause in _CLAUSE.split(clean_text(text)):
            words = [word.strip(_EDGE) for word in clause.split()]
            words = _window([word for word in words if word], weights, stopped)
            if not words:
                continue
            tokens = set(tokenize(" ".join(words)))
            score = sum(weights.get(token, 0.0) for token in tokens) / (1.0 + 0.15 * rank)
            score -= 0.02 * len(words)
            phrase = " ".join(words)
            key = (score, -rank, phrase)
            if best is None or key[:2] > best[:2]:
                best = key
    if best is None:
        return ""
    phrase = best[2]
    return phrase[:1].upper() + phrase[1:]
