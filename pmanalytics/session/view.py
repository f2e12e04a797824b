"""What one viewer may see of a session: the board's view model, a pure function of the state.

:func:`board_view` decides, in one place, which notes a viewer sees (their own private
notes, everyone's once revealed), how many private notes of others each column holds, whose
name shows on a note (never an anonymous note's author), which names can be highlighted,
and which nudges show (to the author only). The app renders a :class:`BoardView` and never
reads items itself.

Examples
--------
>>> import tempfile
>>> from pmanalytics import PostMortem
>>> from pmanalytics.session import Session
>>> s = Session.create(PostMortem(id="pm-1", title="Disk full"), tempfile.mkdtemp(),
...                    participants=["Ana", "Bo"], facilitator="Cy")
>>> _ = s.start_phase("individual_reflection", by="Cy")
>>> _ = s.add_item("went_well", "Paging worked", by="Ana")
>>> [c.text for c in board_view(s.state, "Ana").cards], board_view(s.state, "Bo").hidden
(['Paging worked'], {'went_well': 1})
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .state import SessionState

__all__ = ["BoardView", "CardView", "board_view"]


@dataclass(frozen=True)
class CardView:
    """One note as a viewer sees it; ``author`` is ``None`` for an anonymous note."""

    id: str
    column: str
    text: str
    author: str | None
    votes: int
    theme_id: str | None
    theme: str | None
    mine: bool
    anonymous: bool
    private: bool  # still private (only its author sees it)
    nudges: tuple[str, ...]  # blameless-language hints, for the author only


@dataclass(frozen=True)
class BoardView:
    """The board for one viewer: columns, visible cards, and others' private notes counted.

    ``names`` are the members whose (named) notes can be highlighted: an anonymous
    note is never among a name's notes, and an anonymous session lists no one.
    """

    viewer: str | None
    columns: tuple[tuple[str, str], ...]  # (key, title)
    cards: tuple[CardView, ...]
    hidden: dict[str, int] = field(default_factory=dict)  # column -> others' private notes
    names: tuple[str, ...] = ()

    @property
    def hidden_total(self) -> int:
        """How many private notes of others there are, in all."""
        return sum(self.hidden.values())

    def highlighted(self, name: str) -> tuple[str, ...]:
        """The ids of the cards to highlight for ``name`` (its named notes only)."""
        if name not in self.names:
            return ()
        return tuple(c.id for c in self.cards if c.author == name)


def board_view(state: SessionState, viewer: str | None) -> BoardView:
    """The board as ``viewer`` may see it (``None``: an outsider, such as a saved report)."""
    columns = {spec.key: spec.title for spec in state.template.sections}
    for item in state.items.values():
        columns.setdefault(state.column(item), item.heading or state.column(item))
    labels = {t.id: t.label for t in state.themes.values()}
    cards: list[CardView] = []
    hidden: dict[str, int] = {}
    named: set[str] = set()
    for item in state.items.values():
        column = state.column(item)
        if not state.can_see(item.id, viewer):
            hidden[column] = hidden.get(column, 0) + 1
            continue
        author = state.shown_author(item)
        mine = viewer is not None and item.author == viewer
        if author:
            named.add(author)
        cards.append(
            CardView(
                id=item.id,
                column=column,
                text=item.text,
                author=author,
                votes=item.votes,
                theme_id=item.theme_id,
                theme=labels.get(item.theme_id or ""),
                mine=mine,
                anonymous=state.is_anonymous(item.id),
                private=item.id in state.private,
                nudges=tuple(str(w) for w in state.warnings(item.id)) if mine else (),
            )
        )
    names = tuple(m for m in state.members if m in named)
    return BoardView(viewer, tuple(columns.items()), tuple(cards), hidden, names)
