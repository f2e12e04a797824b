"""Theme suggestions for a session's notes, and the facilitator's edits (private module).

The public API lives in :mod:`pmanalytics.themes`. The session takes
:func:`suggest_themes` as its suggester and :class:`ThemeSuggestion` as the one
suggestion type.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from .._model import Item
from .._validate import check_int
from ._encoders import Encoder
from ._errors import ThemeError
from ._estimator import ThemeSuggester

__all__ = [
    "ThemeSuggestion",
    "accept_theme",
    "merge_themes",
    "rename_theme",
    "split_theme",
    "suggest_themes",
]


@dataclass(frozen=True)
class ThemeSuggestion:
    """A proposed group of notes, for the facilitator to accept, rename, merge or split.

    Attributes
    ----------
    label : str
        A short label from the theme's distinctive terms (or the facilitator's name).
    item_ids : tuple of str
        The notes in the group: item ids, or positions ``"0"``, ``"1"``, ... for strings.
    keywords : tuple of str
        Distinctive terms, best first.
    representative : tuple of str
        The texts of its (up to) three most central notes.
    cohesion : float
        Mean cosine similarity of its notes to the group's centre, 0 to 1.
    representative_ids : tuple of str
        The ids of the representative notes, in the same order.
    accepted : bool
        True once the facilitator has accepted it.
    section : str
        The sections of its notes, most common first (empty for plain strings).
    """

    label: str
    item_ids: tuple[str, ...]
    keywords: tuple[str, ...]
    representative: tuple[str, ...]
    cohesion: float
    representative_ids: tuple[str, ...] = ()
    accepted: bool = False
    section: str = ""

    @property
    def size(self) -> int:
        """How many notes it groups."""
        return len(self.item_ids)


def suggest_themes(
    items: Sequence[Item] | Sequence[str],
    *,
    random_state: int = 0,
    n_themes: int | None = None,
    stop_words: Iterable[str] = (),
    ngram_range: tuple[int, int] = (1, 1),
    embedder: Encoder | str | os.PathLike[str] | None = None,
    merge_sections: bool = False,
) -> list[ThemeSuggestion]:
    """Propose themes for a session's notes, largest first; notes that fit none are left out.

    Parameters
    ----------
    items : sequence of Item or of str
        The notes. For strings, ``item_ids`` are their positions as strings.
    random_state : int
        Seed: the same notes always give the same suggestions.
    n_themes : int, optional
        Fix the number of themes; by default it is chosen automatically.
    stop_words, ngram_range, embedder, merge_sections
        As for :class:`ThemeSuggester`. Items from ``went_well`` never share a theme with
        problem notes unless ``merge_sections=True``.

    Returns
    -------
    list of ThemeSuggestion
        Empty when there are no notes, one note, or nothing alike.

    Raises
    ------
    ThemeError
        When ``items`` is not a sequence of Items or of strings, or a parameter is bad.

    Examples
    --------
    >>> from pmanalytics import Item
    >>> notes = [Item(id=f"i-{n}", section="ongoing_problem", text=text) for n, text in
    ...          enumerate(["Cert expired with no alert", "The cert expired, no alert fired",
    ...                     "No alert when a cert expired", "Coffee machine broke"])]
    >>> [s.item_ids for s in suggest_themes(notes)]
    [('i-0', 'i-1', 'i-2')]
    >>> suggest_themes([])
    []
    >>> suggest_themes("one string")
    Traceback (most recent call last):
    ...
    pmanalytics.themes._errors.ThemeError: 'items' must be a sequence of Items or of str, ...
    """
    texts, ids, sections = _texts_and_ids(items)
    model = ThemeSuggester(
        n_themes,
        min_theme_size=2,
        stop_words=stop_words,
        ngram_range=ngram_range,
        embedder=embedder,
        merge_sections=merge_sections,
        random_state=random_state,
    )
    labels = model.fit_predict(texts, sections=sections)
    out = []
    rows: list[dict[Any, Any]] = model.themes_.to_dict("records")
    for row in rows:
        members = tuple(ids[n] for n in range(len(ids)) if labels[n] == row["theme"])
        central: list[int] = list(row["representative"])
        out.append(
            ThemeSuggestion(
                label=str(row["label"]),
                item_ids=members,
                keywords=tuple(str(k) for k in row["keywords"]),
                representative=tuple(texts[n] for n in central),
                cohesion=float(row["cohesion"]),
                representative_ids=tuple(ids[n] for n in central),
                section=str(row["section"]),
            )
        )
    return out


def _texts_and_ids(items: object) -> tuple[list[str], list[str], list[str] | None]:
    if isinstance(items, str | bytes) or not isinstance(items, Sequence):
        shown = repr(items)
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        raise ThemeError(f"'items' must be a sequence of Items or of str, got {shown}")
    if all(isinstance(item, Item) for item in items):
        sections = [str(item.section) for item in items]
        return [item.text for item in items], [item.id for item in items], sections
    if all(isinstance(item, str) for item in items):
        return [str(item) for item in items], [str(n) for n in range(len(items))], None
    for n, item in enumerate(items):
        if not isinstance(item, Item | str):
            raise ThemeError(
                f"'items' must be a sequence of Items or of str, got {type(item).__name__} "
                f"at items[{n}]"
            )
    raise ThemeError("'items' must be all Items or all str, got a mix of both")


# --------------------------------------------------------------------------- facilitator edits


def _check_index(suggestions: Sequence[ThemeSuggestion], index: object, name: str) -> int:
    """A suggestion's position from an index (negative ones count from the end)."""
    count = len(suggestions)
    return check_int(name, index, minimum=-count, maximum=count - 1, error=ThemeError) % count


def _check_label(label: object) -> str:
    if not isinstance(label, str) or not label.strip() or "\n" in label.strip():
        raise ThemeError(f"'label' must be a non-empty single line, got {label!r}")
    return label.strip()


def accept_theme(suggestions: Sequence[ThemeSuggestion], index: int) -> list[ThemeSuggestion]:
    """A new list where suggestion ``index`` is accepted.

    Examples
    --------
    >>> s = ThemeSuggestion("dns", ("1", "2"), ("dns",), ("a", "b"), 0.8)
    >>> accept_theme([s], 0)[0].accepted, s.accepted
    (True, False)
    """
    position = _check_index(suggestions, index, "index")
    out = list(suggestions)
    out[position] = replace(out[position], accepted=True)
    return out


def rename_theme(
    suggestions: Sequence[ThemeSuggestion], index: int, label: str
) -> list[ThemeSuggestion]:
    """A new list where suggestion ``index`` is called ``label`` (a non-empty single line).

    Examples
    --------
    >>> s = ThemeSuggestion("dns", ("1", "2"), ("dns",), ("a", "b"), 0.8)
    >>> rename_theme([s], 0, "Cluster DNS")[0].label
    'Cluster DNS'
    """
    position = _check_index(suggestions, index, "index")
    out = list(suggestions)
    out[position] = replace(out[position], label=_check_label(label))
    return out


def merge_themes(
    suggestions: Sequence[ThemeSuggestion], indices: Sequence[int], label: str | None = None
) -> list[ThemeSuggestion]:
    """A new list where the suggestions at ``indices`` become one, at the first one's place.

    Notes keep their order; keywords and representative notes are interleaved, best
    first; cohesion is the size-weighted mean (an estimate: it is not recomputed).
    The label is ``label``, or the first one's.

    Examples
    --------
    >>> a = ThemeSuggestion("dns", ("1",), ("dns",), ("x",), 0.8)
    >>> b = ThemeSuggestion("resolver", ("2", "3"), ("resolver",), ("y",), 0.5)
    >>> merged = merge_themes([a, b], [0, 1], label="DNS")
    >>> merged[0].label, merged[0].item_ids, merged[0].keywords, merged[0].cohesion
    ('DNS', ('1', '2', '3'), ('dns', 'resolver'), 0.6)
    """
    if isinstance(indices, str) or not isinstance(indices, Sequence) or len(indices) < 2:
        raise ThemeError(f"'indices' must name at least two suggestions, got {indices!r}")
    positions = sorted({_check_index(suggestions, index, "indices") for index in indices})
    if len(positions) < 2:
        raise ThemeError(f"'indices' must name at least two different suggestions, got {indices!r}")
    parts = [suggestions[p] for p in positions]
    ids = tuple(dict.fromkeys(i for part in parts for i in part.item_ids))
    size = sum(part.size for part in parts)
    cohesion = sum(part.cohesion * part.size for part in parts) / size if size else 0.0
    merged = ThemeSuggestion(
        label=_check_label(label) if label is not None else parts[0].label,
        item_ids=ids,
        keywords=_interleave([part.keywords for part in parts], 8),
        representative=_interleave([part.representative for part in parts], 3),
        cohesion=round(cohesion, 4),
        representative_ids=_interleave([part.representative_ids for part in parts], 3),
        accepted=False,
        section=", ".join(
            dict.fromkeys(name for part in parts for name in part.section.split(", ") if name)
        ),
    )
    out = [s for n, s in enumerate(suggestions) if n not in positions[1:]]
    out[positions[0]] = merged
    return out


def split_theme(
    suggestions: Sequence[ThemeSuggestion],
    index: int,
    item_ids: Sequence[str],
    label: str | None = None,
) -> list[ThemeSuggestion]:
    """A new list where the notes ``item_ids`` leave suggestion ``index`` for a new one after it.

    The new suggestion keeps the keywords (they are not recomputed) and is called
    ``label``, or the old label with " (split)". Both keep only their own
    representative notes.

    Examples
    --------
    >>> s = ThemeSuggestion("dns", ("1", "2", "3"), ("dns",), ("a", "b"), 0.8, ("1", "3"))
    >>> [(t.label, t.item_ids, t.representative) for t in split_theme([s], 0, ["3"], "ndots")]
    [('dns', ('1', '2'), ('a',)), ('ndots', ('3',), ('b',))]
    """
    position = _check_index(suggestions, index, "index")
    old = suggestions[position]
    if isinstance(item_ids, str) or not isinstance(item_ids, Sequence):
        raise ThemeError(f"'item_ids' must be a sequence of item ids, got {item_ids!r}")
    moving = set(item_ids)
    unknown = sorted(moving - set(old.item_ids))
    if unknown:
        raise ThemeError(f"'item_ids' must be notes of suggestion {position}, got {unknown!r}")
    if not moving or moving == set(old.item_ids):
        raise ThemeError(
            f"'item_ids' must name some but not all notes of suggestion {position}, "
            f"got {list(item_ids)!r}"
        )

    def part(ids: set[str], name: str) -> ThemeSuggestion:
        pairs = [
            (rid, text)
            for rid, text in zip(old.representative_ids, old.representative, strict=False)
            if rid in ids
        ]
        return ThemeSuggestion(
            label=name,
            item_ids=tuple(i for i in old.item_ids if i in ids),
            keywords=old.keywords,
            representative=tuple(text for _, text in pairs),
            cohesion=old.cohesion,
            representative_ids=tuple(rid for rid, _ in pairs),
            accepted=False,
            section=old.section,
        )

    staying = set(old.item_ids) - moving
    new_label = _check_label(label) if label is not None else f"{old.label} (split)"
    out = list(suggestions)
    out[position : position + 1] = [part(staying, old.label), part(moving, new_label)]
    return out


def _interleave(groups: Sequence[tuple[str, ...]], limit: int) -> tuple[str, ...]:
    out: list[str] = []
    for rank in range(max((len(g) for g in groups), default=0)):
        for group in groups:
            if rank < len(group) and group[rank] not in out:
                out.append(group[rank])
    return tuple(out[:limit])
