"""What the session expects of a theme suggester, which the caller passes in.

The session never imports a clustering library: the app passes
:func:`pmanalytics.themes.suggest_themes`, a test passes a function of its own. Any callable
that takes the board's items and returns objects with ``.label`` and ``.item_ids`` (such as
:class:`pmanalytics.themes.ThemeSuggestion`) will do.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from .._model import Item

__all__ = ["SuggestedTheme", "ThemeSuggester"]


class SuggestedTheme(Protocol):
    """A suggested theme: a label and the ids of the items it groups."""

    @property
    def label(self) -> str: ...

    @property
    def item_ids(self) -> tuple[str, ...]: ...


class ThemeSuggester(Protocol):
    """Suggests themes for a list of items (deterministically, for the same items)."""

    def __call__(self, items: Sequence[Item], /) -> Sequence[SuggestedTheme]: ...
