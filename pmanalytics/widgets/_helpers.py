"""Helpers of the session app: the theme suggester (imported late, warmed early) and
selection widgets whose options change without losing the selection."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import ipywidgets as w

from .._model import Item
from ..session import SuggestedTheme

__all__ = ["set_options", "short", "suggest_themes", "warm_suggester", "warmed"]


def suggest_themes(items: Sequence[Item]) -> Sequence[SuggestedTheme]:
    """:func:`pmanalytics.themes.suggest_themes`, imported on first use: it loads
    scikit-learn, which the app does not need until someone asks for suggestions."""
    from ..themes import suggest_themes as suggest

    return suggest(items)


_WARMED = threading.Event()


def warm_suggester() -> None:
    """Make the first "Suggest themes" answer at once: import the theme suggester
    (scikit-learn) here, in the calling thread, then run it once in a background thread.

    The import happens in the caller's thread on purpose: Python imports running in two
    threads at once can see each other's half-initialised modules.
    """
    if _WARMED.is_set():
        return
    _WARMED.set()
    from ..themes import suggest_themes as suggest

    texts = ("Disk alert came late", "Disk alert was noisy", "Runbook was stale")
    items = [Item(id=f"i-{n}", section="went_well", text=t) for n, t in enumerate(texts, 1)]
    threading.Thread(target=suggest, args=(items,), daemon=True, name="pm-warm").start()


def short(text: str, width: int = 60) -> str:
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1] + "…"


def set_options(widget: Any, options: list[tuple[str, str]]) -> None:
    """Replace a selection widget's options only when they changed, keeping the selection."""
    new = tuple(options)
    if tuple(widget.options) == new:
        return
    values = {value for _, value in new}
    if isinstance(widget, w.SelectMultiple):
        kept = tuple(v for v in widget.value if v in values)
        widget.options = new
        widget.value = kept
        return
    previous = widget.value
    widget.options = new
    if previous in values:
        widget.value = previous


def warmed() -> bool:
    """Whether :func:`warm_suggester` has started (in this kernel)."""
    return _WARMED.is_set()
