"""A :class:`Seat`: one member's place in a session, where every command acts as them.

The app holds a seat, never a name it could change: a seat comes from a valid key
(:meth:`pmanalytics.session.Session.seat`), or, for a session served without keys (one
person driving the notebook), from a name (:meth:`~pmanalytics.session.Session.seat_local`).
Commands take no ``by=``: the seat's member is the actor, and the fold's rules decide what
they may do (only the facilitator moves phases; participants change only their own notes).

Examples
--------
>>> import tempfile
>>> from pmanalytics import PostMortem
>>> from pmanalytics.session import Session
>>> s = Session.create(PostMortem(id="pm-1", title="Disk full"), tempfile.mkdtemp(),
...                    participants=["Ana"], facilitator="Cy")
>>> ana = s.seat_local("Ana")
>>> ana.add_item("went_well", "Paging worked").actor
'Ana'
>>> ana.next_phase()
Traceback (most recent call last):
...
pmanalytics.session.errors.NotAllowedError: phase_started: only the facilitator ('Cy') ...
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._session import Session
    from .view import BoardView

__all__ = ["SEAT_COMMANDS", "Seat"]

#: The session commands a seat offers, each acting as the seat's member.
SEAT_COMMANDS = frozenset(
    {
        "add_item",
        "edit_item",
        "remove_item",
        "move_item",
        "create_theme",
        "rename_theme",
        "merge_themes",
        "split_theme",
        "cast_vote",
        "withdraw_vote",
        "allow_votes_any_phase",
        "add_action",
        "edit_action",
        "start_phase",
        "end_phase",
        "next_phase",
        "previous_phase",
        "extend_phase",
        "set_auto_advance",
        "advance_if_due",
        "reveal",
        "undo",
    }
)


class Seat:
    """One member of a session; commands act as them (see the module's docs)."""

    def __init__(self, session: Session, name: str) -> None:
        self._session = session
        self._name = name

    @property
    def name(self) -> str:
        """Who this seat is."""
        return self._name

    @property
    def session(self) -> Session:
        """The session."""
        return self._session

    @property
    def is_facilitator(self) -> bool:
        """Whether this seat is the facilitator's."""
        return self._name == self._session.facilitator

    def votes_left(self) -> int:
        """How many votes this member can still cast."""
        return self._session.votes_left(self._name)

    def board(self) -> BoardView:
        """The board as this member may see it."""
        from .view import board_view

        return board_view(self._session.state, self._name)

    def __getattr__(self, command: str) -> Callable[..., Any]:
        if command not in SEAT_COMMANDS:
            raise AttributeError(f"a seat has no command {command!r}")
        method = getattr(self._session, command)
        name = self._name

        def act(*args: Any, **kwargs: Any) -> Any:
            if "by" in kwargs:
                raise TypeError("a seat acts as its own member: do not pass by=")
            return method(*args, by=name, **kwargs)

        return act

    def __repr__(self) -> str:
        role = "facilitator" if self.is_facilitator else "participant"
        return f"Seat({self._name!r}, {role})"
