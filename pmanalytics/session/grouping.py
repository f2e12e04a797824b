"""Theme suggestions for the board: the clustering of :mod:`pmanalytics.themes` when it is
installed, otherwise a simple grouping of items that share a keyword."""

from __future__ import annotations

import importlib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from .._model import Item

__all__ = ["Suggestion", "keyword_groups", "suggest_groups"]

_STOPWORD_TEXT = """
about above after again against also because been before being below between both but could
did does doing down during each few from further have having here into its itself just more
most much never only other over same should some such than that their them then there these
they this those through under until very was were what when where which while who whom why
will with would your yours we our ours the and for not are can had has how all any out off too
own once nor it's didn't wasn't isn't don't doesn't
"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_WORD = re.compile(r"[^\W\d_][\w'-]{3,}", re.UNICODE)


@dataclass(frozen=True)
class Suggestion:
    """A suggested theme: a label and the ids of the items it groups."""

    label: str
    item_ids: tuple[str, ...]


def _keywords(text: str) -> set[str]:
    words = set()
    for word in _WORD.findall(text.casefold()):
        word = word.strip("'-")
        if word in _STOPWORDS or len(word) < 4:
            continue
        if word.endswith("s") and not word.endswith("ss") and len(word) > 4:
            word = word[:-1]
        words.add(word)
    return words


def keyword_groups(items: Sequence[Item], *, min_size: int = 2) -> list[Suggestion]:
    """Group items that share a keyword, most shared keyword first; each item in one group.

    Examples
    --------
    >>> from pmanalytics import Item
    >>> items = [Item(id="i-1", section="lessons_learned", text="Certificate expiry unmonitored"),
    ...          Item(id="i-2", section="ongoing_problem", text="Nobody tracks certificates"),
    ...          Item(id="i-3", section="went_well", text="Paging was fast")]
    >>> keyword_groups(items)
    [Suggestion(label='Certificate', item_ids=('i-1', 'i-2'))]
    """
    words = {item.id: _keywords(item.text) for item in items}
    left = [item.id for item in items]
    groups: list[Suggestion] = []
    while True:
        counts = Counter(word for key in left for word in words[key])
        best = [(n, w) for w, n in counts.items() if n >= min_size]
        if not best:
            return groups
        _, word = max(best, key=lambda pair: (pair[0], len(pair[1]), [-ord(c) for c in pair[1]]))
        members = tuple(key for key in left if word in words[key])
        groups.append(Suggestion(word.capitalize(), members))
        left = [key for key in left if key not in members]


def suggest_groups(items: Sequence[Item], *, n_themes: int | None = None) -> list[Suggestion]:
    """Suggested themes for ``items``: ``pmanalytics.themes.suggest_themes`` if present.

    Falls back to :func:`keyword_groups` when that module is not installed.

    Examples
    --------
    >>> suggest_groups([])
    []
    """
    if not items:
        return []
    try:
        module = importlib.import_module("pmanalytics.themes")
        suggest = module.suggest_themes
    except (ImportError, AttributeError):
        return keyword_groups(items)
    found = suggest(items, random_state=0, n_themes=n_themes)
    return [Suggestion(str(s.label), tuple(s.item_ids)) for s in found if s.item_ids]
