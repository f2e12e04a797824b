"""What the cross-incident functions take from a :class:`~pmanalytics.Corpus` (private).

The checked corpus itself, and its service and team names as stop words: they say
where a problem happened, not what it was.
"""

from __future__ import annotations

from ..corpus import Corpus
from ._errors import ThemeError
from ._text import name_tokens

__all__ = ["Corpus", "check_corpus", "corpus_stop_words"]


def check_corpus(corpus: object) -> Corpus:
    """``corpus`` if it is a :class:`~pmanalytics.Corpus`, else :class:`ThemeError`."""
    if not isinstance(corpus, Corpus):
        raise ThemeError(f"'corpus' must be a pmanalytics.Corpus, got {type(corpus).__name__}")
    return corpus


def corpus_stop_words(corpus: Corpus) -> set[str]:
    """Service and team names of the corpus, as tokens: they name where, not what."""
    incidents = corpus.incidents
    names = list(incidents["services"].explode().dropna()) + list(
        incidents["teams"].explode().dropna()
    )
    return name_tokens(names)
