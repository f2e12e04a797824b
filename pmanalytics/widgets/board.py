"""The card board: an anywidget whose browser side is plain JavaScript and CSS in this package.

The synced state is only plain data: ``view`` is :func:`pmanalytics.session.card_board.board_view`
for the person at the keyboard, ``message`` the outcome of the last command (a broken rule
shows there) and ``draft_nudges`` the blameless nudges for the note being written. Each drag
or click in the browser sends one message, ``{"cmd": ..., ...}``, and each message calls
exactly one :class:`~pmanalytics.session.Session` command, so undo, the journal, other
participants' screens and the rules behave as with the form-based app.

Examples
--------
>>> import tempfile
>>> from pmanalytics import PostMortem
>>> from pmanalytics.session import Session
>>> s = Session.create(PostMortem(id="pm-1", title="Disk full"), tempfile.mkdtemp(),
...                    participants=["Ana"], facilitator="Cy")
>>> board = BoardWidget(s)
>>> board.send_command({"cmd": "next_phase"})
>>> board.view["phase"]
'set_the_tone'
>>> board.send_command({"cmd": "add_item", "section": "went_well", "text": "Alerts fired"})
>>> board.message, board.view["cards"][0]["text"]
('Note i-1 added.', 'Alerts fired')
>>> board.send_command({"cmd": "vote", "target": "i-1"})
>>> print(board.message)
⛔ vote_cast: votes are cast in the prioritisation phase (now: set_the_tone); ...
>>> [e.kind for e in s.events]
['session_created', 'phase_started', 'item_added']
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import anywidget
import traitlets

from .._errors import PMError
from ..session import Session
from ..session.card_board import board_view, draft_nudges

__all__ = ["COMMANDS", "BoardWidget"]

_STATIC = Path(__file__).with_name("static")


def _text(message: Mapping[str, Any], name: str) -> str:
    value = message.get(name)
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def _ids(message: Mapping[str, Any], name: str) -> list[str]:
    value = message.get(name) or []
    return [str(one) for one in value] if isinstance(value, list) else [str(value)]


def _short(text: str, width: int = 40) -> str:
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1] + "…"


class BoardWidget(anywidget.AnyWidget):
    """The card board for one session, seen by ``viewer`` (default: the facilitator).

    Drive it from Python with :meth:`send_command` (what the browser sends), or by
    setting ``viewer``. ``on_change`` is called after every command (the app re-renders its
    other views); :meth:`poll` picks up other participants' events from the journal, every
    ``poll_every`` seconds in a kernel (``None``: the app's own ticker does it).
    """

    _esm = _STATIC / "board.js"
    _css = _STATIC / "board.css"

    view = traitlets.Dict().tag(sync=True)
    viewer = traitlets.Unicode("").tag(sync=True)
    message = traitlets.Unicode("").tag(sync=True)
    draft_nudges = traitlets.List(traitlets.Unicode()).tag(sync=True)
    #: Inside the form-based app: no agenda, phase buttons or facts of its own (the app has them).
    compact = traitlets.Bool(False).tag(sync=True)

    def __init__(
        self,
        session: Session,
        *,
        viewer: str | None = None,
        on_change: Callable[[], object] | None = None,
        poll_every: float | None = 0.5,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.session = session
        self.on_change = on_change
        self.viewer = viewer or session.facilitator
        #: The person this page acts as when it holds a participant's key: the browser
        #: cannot change it (``viewer`` is synced, so a page could try).
        self.fixed_viewer: str | None = None
        self.observe(lambda _: self.sync(), names="viewer")
        self.on_msg(self._on_message)
        self.sync()
        if poll_every:
            self._poll_from_kernel(poll_every)

    def _poll_from_kernel(self, seconds: float) -> None:
        """Re-read the journal every ``seconds`` from the kernel's event loop, so other
        participants' changes show with no click (there is no push between kernels).
        Outside a running loop (plain Python, tests) nothing is scheduled: call :meth:`poll`."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return

        def again() -> None:
            if self.comm is None:  # the widget was closed
                return
            try:
                self.poll()
            except PMError as exc:  # pragma: no cover - a journal damaged by someone else
                self.message = f"⛔ {exc}"
            loop.call_later(seconds, again)

        loop.call_later(seconds, again)

    @classmethod
    def for_app(cls, app: Any) -> BoardWidget:
        """The card board in a :class:`~pmanalytics.widgets.SessionApp`'s board slot.

        It acts as the app's "You are" choice, and the app re-renders after each command.
        """
        board = cls(
            app.session,
            viewer=app.actor.value,
            on_change=app.refresh,
            poll_every=None,
            compact=True,
        )
        if app.seat is not None:  # a participant's link: the board acts as that person only
            board.fixed_viewer = board.viewer = app.seat.name
            board.sync()
        app.actor.observe(lambda change: setattr(board, "viewer", change["new"]), names="value")
        app.children = [  # the HTML board's slot; the board has its own highlight picker
            board if child is app.board else child
            for child in app.children
            if child is not app.highlight
        ]
        return board

    # ---------------------------------------------------------------- python side

    def sync(self) -> None:
        """Send the board's view of the current session state to the browser."""
        self.view = board_view(self.session.state, self._by, self.session.now())

    def poll(self) -> int:
        """Read events other processes appended; re-sync when there were any."""
        found = self.session.refresh()
        if found:
            self.sync()
        return found

    def send_command(self, message: Mapping[str, Any]) -> None:
        """Handle one message as the browser sends it (``{"cmd": "vote", "target": "t-1"}``)."""
        self._on_message(self, dict(message), [])

    def _on_message(self, _: Any, message: Any, buffers: Any) -> None:
        if not isinstance(message, dict):
            return
        name = message.get("cmd")
        if name == "draft":  # a query, not a command: nothing is recorded
            self.draft_nudges = draft_nudges(self.session.state, _text(message, "text"))
            return
        if name == "poll":
            self.poll()
            return
        if name == "viewer":  # who is at this keyboard: a view setting, not a command
            chosen = _text(message, "name")
            if chosen in self.session.members and self.fixed_viewer is None:
                self.viewer = chosen
            return
        command = COMMANDS.get(str(name))
        if command is None:
            self.message = f"⛔ unknown board command {name!r}"
            return
        try:
            outcome = command(self, message)
        except (PMError, OSError) as exc:  # a broken rule, or a folder that cannot be written
            self.message = f"⛔ {exc}"
        else:
            self.message = outcome
            if name == "add_item":
                self.draft_nudges = []
        self.sync()
        if self.on_change is not None:
            self.on_change()

    # ---------------------------------------------------------------- commands

    @property
    def _by(self) -> str:
        return self.fixed_viewer or self.viewer

    def _group(self, message: Mapping[str, Any]) -> str:
        """A card dropped on another card: join its theme, or form a new one with it."""
        state = self.session.state
        card, target = _text(message, "item_id"), _text(message, "target")
        onto = state.items.get(target)
        if onto is not None and onto.theme_id:
            self.session.move_item(card, onto.theme_id, by=self._by)
            return f"Moved to “{state.themes[onto.theme_id].label}”."
        label = _text(message, "label") or (_short(onto.text) if onto else "New theme")
        event = self.session.create_theme(label, [target, card], by=self._by)
        return f"Grouped into a new theme “{event.data.label}”."

    def _vote(self, message: Mapping[str, Any], withdraw: bool) -> str:
        """A vote on a group goes to its first card (a theme's votes are its cards' votes);
        withdrawing takes back one of the voter's votes on the group's cards."""
        state = self.session.state
        target = _text(message, "target")
        if target in state.themes:
            cards = [i.id for i in state.theme_items(target)]
            if withdraw:
                mine = state.votes.get(self._by, {})
                cards = [i for i in cards if mine.get(i)] or cards
            target = cards[0] if cards else target
        if withdraw:
            self.session.withdraw_vote(target, by=self._by)
            return f"Vote withdrawn; {self.session.votes_left(self._by)} left."
        self.session.cast_vote(target, by=self._by)
        return f"Vote cast; {self.session.votes_left(self._by)} left."

    def _add_action(self, message: Mapping[str, Any]) -> str:
        due: str | date | None = _text(message, "due") or None
        event = self.session.add_action(
            _text(message, "title"),
            by=self._by,
            owner=_text(message, "owner") or None,
            due=due,
            theme_id=_text(message, "theme_id") or None,
        )
        return f"Action {event.data.action_id} added."


def _add_item(board: BoardWidget, m: Mapping[str, Any]) -> str:
    event = board.session.add_item(_text(m, "section"), _text(m, "text"), by=board._by)
    return f"Note {event.data.item_id} added."


def _split(board: BoardWidget, m: Mapping[str, Any]) -> str:
    label = _text(m, "label") or "New theme"
    board.session.split_theme(_text(m, "theme_id"), _ids(m, "item_ids"), label, by=board._by)
    return f"Split into a new theme “{label}”."


def _new_theme(board: BoardWidget, m: Mapping[str, Any]) -> str:
    label = _text(m, "label")
    board.session.create_theme(label, _ids(m, "item_ids"), by=board._by)
    return f"Theme “{label}” created."


def _move(board: BoardWidget, m: Mapping[str, Any]) -> str:
    theme = _text(m, "theme_id") or None
    board.session.move_item(_text(m, "item_id"), theme, by=board._by)
    return "Moved out of its theme." if theme is None else "Moved to the theme."


def _then(_: object, said: str) -> str:
    """``said``, once the command before it (its first argument) has run."""
    return said


#: Each board message and the one session command it calls.
COMMANDS: dict[str, Callable[[BoardWidget, Mapping[str, Any]], str]] = {
    "add_item": _add_item,
    "edit_item": lambda b, m: _then(
        b.session.edit_item(_text(m, "item_id"), _text(m, "text"), by=b._by), "Note saved."
    ),
    "remove_item": lambda b, m: _then(
        b.session.remove_item(_text(m, "item_id"), by=b._by), "Note removed."
    ),
    "group": lambda b, m: b._group(m),
    "move": _move,
    "new_theme": _new_theme,
    "split": _split,
    "rename": lambda b, m: _then(
        b.session.rename_theme(_text(m, "theme_id"), _text(m, "label"), by=b._by),
        "Theme renamed.",
    ),
    "merge": lambda b, m: _then(
        b.session.merge_themes([_text(m, "theme_id"), _text(m, "source")], by=b._by),
        "Themes merged.",
    ),
    "vote": lambda b, m: b._vote(m, withdraw=False),
    "unvote": lambda b, m: b._vote(m, withdraw=True),
    "add_action": lambda b, m: b._add_action(m),
    "next_phase": lambda b, m: _then(b.session.next_phase(by=b._by), ""),
    "previous_phase": lambda b, m: _then(b.session.previous_phase(by=b._by), ""),
    "undo": lambda b, m: _then(b.session.undo(by=b._by), "Undone."),
}
