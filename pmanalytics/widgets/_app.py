"""The facilitator app: a thin ipywidgets view over :class:`pmanalytics.session.Session`.

Every button calls one session command; the rules live in the session (what each phase
shows and the priority vocabulary included, in :mod:`pmanalytics.session.rules`), and a
broken rule shows as a red message. Widgets hold only plain values (strings, dates, tuples
of ids).
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ipywidgets as w

from .. import report
from .._errors import PMError
from .._html import escape as _h
from .._model import ACTION_KINDS, ACTION_STATUSES
from ..session import PRIORITIES, Seat, Session, ThemeSuggester, board_view
from ..session.rules import board_shown, panels
from ._helpers import set_options, short, suggest_themes, warm_suggester, warmed
from ._views import (
    actions_html,
    agenda_html,
    board_html,
    facts_html,
    prime_directive_html,
    themes_html,
    votes_html,
    wrap_up_html,
)

__all__ = ["SessionApp"]


class SessionApp(w.VBox):  # type: ignore[misc]
    """The session app for one member; display it in a cell.

    With ``key`` (the secret from a join link) the app acts only as that key's member:
    "You are" shows them and cannot be changed, and facilitator-only controls show only on
    the facilitator's link. A session served with keys opens nothing without a valid one.
    Without keys (one person driving the notebook), "You are" chooses who acts.

    Drive it from Python by setting widget values and calling ``.click()`` on buttons.
    ``suggester`` proposes themes (default: :func:`pmanalytics.themes.suggest_themes`).

    Examples
    --------
    >>> import tempfile
    >>> from pmanalytics import PostMortem
    >>> from pmanalytics.session import Session
    >>> s = Session.create(PostMortem(id="pm-1", title="Disk full"), tempfile.mkdtemp(),
    ...                    participants=["Ana"], facilitator="Cy")
    >>> app = SessionApp(s)
    >>> app.actor.value = "Ana"
    >>> app.item_text.value = "Disk alerts were clear"
    >>> app.add_item_button.click()
    >>> [i.text for i in s.state.items.values()]
    ['Disk alerts were clear']
    """

    def __init__(
        self,
        session: Session,
        *,
        key: str | None = None,
        report_dir: str | Path | None = None,
        suggester: ThemeSuggester = suggest_themes,
        live_interval: float = 0.1,
    ) -> None:
        self.session = session
        self.suggester = suggester
        self.report_dir = str(report_dir or session.folder)
        self.live_interval = live_interval
        if suggester is suggest_themes and not warmed():  # warm it while people read
            warm_suggester()
        self.seat: Seat | None = None
        self.denied = ""
        if key is not None or session.needs_keys:
            try:
                self.seat = session.seat(key or "")
            except PMError as exc:
                self.denied = str(exc)
        members = [self.seat.name] if self.seat else list(session.members)
        layout_wide = w.Layout(width="auto")
        # header and agenda
        self.actor = w.Dropdown(
            options=members,
            value=self.seat.name if self.seat else session.facilitator,
            description="You are",
            disabled=self.seat is not None,
        )
        self.highlight = w.ToggleButtons(
            options=[("nobody", ""), *[(m, m) for m in members]],
            value="",
            description="Highlight",
            style={"button_width": "auto"},
        )
        self.agenda = w.HTML()
        self.prev_button = w.Button(description="Previous phase", icon="arrow-left")
        self.next_button = w.Button(description="Next phase", icon="arrow-right")
        self.undo_button = w.Button(description="Undo", icon="undo")
        self.extend_button = w.Button(description="+2 min", icon="clock-o")
        self.reveal_button = w.Button(description="Reveal notes", icon="eye")
        self.auto_advance = w.Checkbox(description="Auto-advance", indent=False)
        self.ticker = w.Play(
            value=0, min=0, max=10**9, interval=1000, playing=False, show_repeat=False
        )
        self.ticker.layout.display = "none"
        self.message = w.HTML()
        # panels
        self.prime_directive = w.HTML(prime_directive_html())
        self.facts = w.HTML(facts_html(session.state.postmortem))
        self.board = w.HTML()
        sections = [(spec.title, spec.key) for spec in session.template.sections]
        self.item_section = w.Dropdown(options=sections, description="Section")
        self.item_text = w.Textarea(
            placeholder="Write a note…", layout=w.Layout(width="40em"), continuous_update=True
        )
        self.item_anonymous = w.Checkbox(description="Post anonymously", indent=False)
        self.nudge = w.HTML()
        self.add_item_button = w.Button(description="Add item", button_style="primary")
        self.item_choice = w.Dropdown(options=[], description="Item")
        self.edit_text = w.Textarea(placeholder="New text", layout=w.Layout(width="40em"))
        self.edit_item_button = w.Button(description="Save edit")
        self.remove_item_button = w.Button(description="Remove item", button_style="warning")
        # themes
        self.theme_items = w.SelectMultiple(
            options=[], description="Items", rows=8, layout=layout_wide
        )
        self.theme_label = w.Text(description="Label", placeholder="Theme label")
        self.group_button = w.Button(description="Group into theme")
        self.theme_choice = w.Dropdown(options=[], description="Theme")
        self.rename_button = w.Button(description="Rename theme")
        self.split_button = w.Button(description="Split off selected")
        self.merge_choice = w.SelectMultiple(options=[], description="Merge", rows=4)
        self.merge_button = w.Button(description="Merge themes")
        self.suggest_button = w.Button(description="Suggest themes", icon="lightbulb-o")
        self.apply_suggestions_button = w.Button(description="Apply suggestions", disabled=True)
        self.suggestions = w.HTML()
        self.suggested: list[tuple[str, tuple[str, ...]]] = []
        self.themes_table = w.HTML()
        # votes
        self.vote_item = w.Dropdown(options=[], description="Item")
        self.vote_button = w.Button(description="Vote", icon="thumbs-up")
        self.withdraw_button = w.Button(description="Withdraw vote")
        self.allow_votes = w.Checkbox(description="Allow voting in any phase", indent=False)
        self.votes_left = w.HTML()
        # actions
        self.action_choice = w.Dropdown(options=[("New action", "")], description="Action")
        self.action_title = w.Text(description="Title", layout=w.Layout(width="40em"))
        self.action_owner = w.Combobox(options=members, description="Owner", ensure_option=False)
        self.action_due = w.DatePicker(description="Due")
        self.action_priority = w.Dropdown(options=["", *PRIORITIES], description="Priority")
        self.action_theme = w.Dropdown(options=[("none", "")], description="Theme")
        self.action_kind = w.Dropdown(options=["", *ACTION_KINDS], description="Kind")
        self.action_status = w.Dropdown(options=list(ACTION_STATUSES), description="Status")
        self.action_link = w.Text(description="Ticket", placeholder="https://… or KEY-123")
        self.action_button = w.Button(description="Add action", button_style="primary")
        self.actions_table = w.HTML()
        # wrap-up
        self.wrap_up = w.HTML()
        self.save_button = w.Button(description="Save post-mortem", icon="save")
        self.export_button = w.Button(description="Export report", icon="file")
        self.download = w.HTML()
        self._wire()
        self.item_panel = w.VBox(
            [
                w.HBox([self.item_section, self.item_anonymous, self.add_item_button]),
                self.item_text,
                self.nudge,
                w.HBox([self.item_choice, self.edit_item_button, self.remove_item_button]),
                self.edit_text,
            ]
        )
        self.theme_panel = w.VBox(
            [
                w.HBox([self.suggest_button, self.apply_suggestions_button]),
                self.suggestions,
                self.theme_items,
                w.HBox([self.theme_label, self.group_button]),
                w.HBox([self.theme_choice, self.rename_button, self.split_button]),
                w.HBox([self.merge_choice, self.merge_button]),
                self.themes_table,
            ]
        )
        self.vote_panel = w.VBox(
            [
                self.votes_left,
                w.HBox([self.vote_item, self.vote_button, self.withdraw_button]),
                self.allow_votes,
            ]
        )
        self.action_panel = w.VBox(
            [
                self.action_choice,
                self.action_title,
                w.HBox([self.action_owner, self.action_due]),
                w.HBox([self.action_priority, self.action_theme]),
                w.HBox([self.action_kind, self.action_status]),
                self.action_link,
                self.action_button,
                self.themes_table,
                self.actions_table,
            ]
        )
        self.wrap_up_panel = w.VBox(
            [self.wrap_up, w.HBox([self.save_button, self.export_button]), self.download]
        )
        self.phase_area = w.VBox()
        self.facilitator_controls = w.HBox(
            [
                self.prev_button,
                self.next_button,
                self.extend_button,
                self.reveal_button,
                self.auto_advance,
            ]
        )
        title = w.HTML(f"<h2>Post-mortem session: {_h(session.state.postmortem.title)}</h2>")
        if self.denied:
            self.message.value = f'<div style="color:#b42318">⛔ {_h(self.denied)}</div>'
            super().__init__([title, self.message])
            return
        if self.seat is not None and not self.seat.is_facilitator:
            self.facilitator_controls.layout.display = "none"
            self.allow_votes.layout.display = "none"
        super().__init__(
            [
                title,
                w.HBox([self.actor, self.facilitator_controls, self.undo_button]),
                self.agenda,
                self.ticker,
                self.message,
                self.phase_area,
                self.highlight,
                self.board,
            ]
        )
        self._seen = -1
        session.refresh()  # a kernel started ahead of its page opened the session earlier
        # -- card board: an anywidget in the board's slot when installed; the forms stay --
        try:
            from .board import BoardWidget

            self.card_board: Any = BoardWidget.for_app(self)
        except ImportError:  # pragma: no cover - anywidget missing: the HTML board stays
            self.card_board = None
        self.refresh()
        self._kernel_ticks()

    # ---------------------------------------------------------------- wiring

    def _wire(self) -> None:
        buttons: dict[w.Button, Callable[[], object]] = {
            self.next_button: lambda: self.session.next_phase(by=self.by),
            self.prev_button: lambda: self.session.previous_phase(by=self.by),
            self.undo_button: lambda: self.session.undo(by=self.by),
            self.add_item_button: self._add_item,
            self.edit_item_button: lambda: self.session.edit_item(
                self.item_choice.value, self.edit_text.value, by=self.by
            ),
            self.remove_item_button: lambda: self.session.remove_item(
                self.item_choice.value, by=self.by
            ),
            self.group_button: lambda: self.session.create_theme(
                self.theme_label.value, list(self.theme_items.value), by=self.by
            ),
            self.rename_button: lambda: self.session.rename_theme(
                self.theme_choice.value, self.theme_label.value, by=self.by
            ),
            self.split_button: lambda: self.session.split_theme(
                self.theme_choice.value,
                list(self.theme_items.value),
                self.theme_label.value,
                by=self.by,
            ),
            self.merge_button: lambda: self.session.merge_themes(
                list(self.merge_choice.value), by=self.by
            ),
            self.suggest_button: self._suggest,
            self.apply_suggestions_button: self._apply_suggestions,
            self.vote_button: lambda: self.session.cast_vote(self.vote_item.value, by=self.by),
            self.withdraw_button: lambda: self.session.withdraw_vote(
                self.vote_item.value, by=self.by
            ),
            self.action_button: self._save_action,
            self.save_button: self._save,
            self.export_button: self._export,
            self.extend_button: lambda: self.session.extend_phase(2, by=self.by),
            self.reveal_button: lambda: self.session.reveal(by=self.by),
        }
        for button, command in buttons.items():
            button.on_click(lambda _, command=command: self._run(command))
        self.highlight.observe(lambda _: self._render_board(), names="value")
        self.actor.observe(lambda _: self.refresh(), names="value")  # without keys only
        self.allow_votes.observe(self._on_allow_votes, names="value")
        self.action_choice.observe(self._on_action_choice, names="value")
        self.item_choice.observe(self._on_item_choice, names="value")
        self.item_text.observe(lambda _: self._show_nudge(), names="value")
        self.auto_advance.observe(self._on_auto_advance, names="value")
        self.ticker.observe(lambda _: self.tick(), names="value")

    @property
    def by(self) -> str:
        """Who acts: the link's member, or (without keys) the one chosen in "You are"."""
        if self.seat is not None:
            return self.seat.name
        return str(self.actor.value)

    def _run(self, command: Callable[[], object]) -> None:
        try:
            result = command()
        except (PMError, OSError) as exc:  # a broken rule, or a folder that cannot be written
            self.message.value = f'<div style="color:#b42318">⛔ {_h(exc)}</div>'
        else:
            self.message.value = result if isinstance(result, str) else ""
        self.refresh()
        self._start_ticker()

    def _kernel_ticks(self) -> None:
        """Watch the journal from the kernel's event loop and push changes to the browser.

        Every ``live_interval`` seconds the journal's size is checked (one ``stat``); when
        another browser's kernel appended to it, the new events are folded in and the
        views' traits change, which the widget protocol pushes to this browser. The
        countdown is redrawn once a second. Outside a running loop (plain Python, tests)
        nothing is scheduled: call :meth:`tick` yourself."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        beats = max(1, round(1.0 / self.live_interval))
        count = [0]

        def tick_again() -> None:
            if self.comm is None:  # the widget was closed
                return
            count[0] += 1
            try:
                if self._journal_size() != self._seen or count[0] % beats == 0:
                    self.tick()
            finally:
                loop.call_later(self.live_interval, tick_again)

        loop.call_later(self.live_interval, tick_again)

    def _journal_size(self) -> int:
        try:
            return self.session.path.stat().st_size
        except OSError:  # pragma: no cover - the folder was removed under the app
            return -1

    def _start_ticker(self) -> None:
        # The browser's Play widget starts ticking when `playing` turns true under its view;
        # a click proves the view exists, so restart the ticker then.
        self.ticker.playing = False
        self.ticker.playing = self.session.state.phase is not None

    # ---------------------------------------------------------------- commands

    def _add_item(self) -> str:
        event = self.session.add_item(
            self.item_section.value,
            self.item_text.value,
            by=self.by,
            anonymous=bool(self.item_anonymous.value),
        )
        self.item_text.value = ""
        self.item_anonymous.value = False
        item_id = event.data.item_id
        if item_id in self.session.state.private:
            return f"Added {item_id} (private until the facilitator reveals the notes)."
        return f"Added {item_id}."

    def _show_nudge(self) -> None:
        """The blameless nudge while writing, before posting: reword, or post anyway."""
        found = self.session.check_draft(self.item_text.value)
        if not found:
            self.nudge.value = ""
            self.add_item_button.description = "Add item"
            return
        hints = "<br>".join(_h(str(one)) for one in found)
        self.nudge.value = (
            f'<div class="pm-warn" style="color:#9a6700">⚠ Before you post: {hints}<br>'
            "Reword it, or post it anyway.</div>"
        )
        self.add_item_button.description = "Post anyway"

    def _suggest(self) -> str:
        self.suggest_button.description = "Suggesting…"  # sent to the browser at once
        self.suggest_button.disabled = True
        try:
            found = self.session.suggest_themes(self.suggester)
        finally:
            self.suggest_button.description = "Suggest themes"
            self.suggest_button.disabled = False
        self.suggested = [(str(s.label), tuple(s.item_ids)) for s in found]
        self.apply_suggestions_button.disabled = not self.suggested
        items = self.session.state.items
        rows = [
            f"<li><b>{_h(label)}</b>: "
            + "; ".join(_h(short(items[i].text, 40)) for i in ids if i in items)
            + "</li>"
            for label, ids in self.suggested
        ]
        self.suggestions.value = f"<ul>{''.join(rows)}</ul>" if rows else "<p>No groups found.</p>"
        return f"{len(self.suggested)} theme(s) suggested."

    def _apply_suggestions(self) -> str:
        made = 0
        for label, ids in self.suggested:
            present = [i for i in ids if i in self.session.state.items]
            if present:
                self.session.create_theme(label, present, by=self.by)
                made += 1
        self.suggested = []
        self.suggestions.value = ""
        self.apply_suggestions_button.disabled = True
        return f"Created {made} theme(s)."

    def _save_action(self) -> str:
        fields: dict[str, Any] = {
            "owner": self.action_owner.value or None,
            "due": self.action_due.value,
            "priority": self.action_priority.value or None,
            "theme_id": self.action_theme.value or None,
            "kind": self.action_kind.value or None,
            "status": self.action_status.value,
            "link": self.action_link.value.strip() or None,
        }
        action = self.session.state.actions.get(self.action_choice.value or "")
        if action is None:
            title = self.action_title.value
            event = self.session.add_action(title, by=self.by, **fields)
            self._clear_action_form()
            return f"Added {event.data.action_id}."
        themes = self.session.state.themes
        shown = {  # what the form showed: only what the facilitator changed is sent
            "title": action.title,
            "owner": action.owner,
            "due": action.due,
            "priority": action.priority,
            "theme_id": action.addresses if action.addresses in themes else None,
            "kind": action.kind,
            "status": action.status,
            "link": action.link,
        }
        fields["title"] = self.action_title.value
        changes = {name: value for name, value in fields.items() if value != shown[name]}
        if not changes:
            return f"No change to {action.id}."
        self.session.edit_action(action.id, by=self.by, **changes)
        return f"Saved {action.id}."

    def _save(self) -> str:
        path = self.session.save()
        return f"Saved {_h(path)}."

    def _export(self) -> str:
        """The report as a download in the browser (a data: link), and as a file beside
        the session."""
        page = report.to_html(self.session)
        name = f"{self.session.state.postmortem.id}.report.html"
        encoded = base64.b64encode(page.encode("utf-8")).decode("ascii")
        self.download.value = (
            f'<a class="pm-download" download="{_h(name)}" '
            f'href="data:text/html;charset=utf-8;base64,{encoded}">⬇ Download {_h(name)}</a>'
        )
        report.export(self.session, self.report_dir)
        return "The report is ready: use the download link below."

    def _on_auto_advance(self, change: dict[str, Any]) -> None:
        if change["new"] == self.session.state.auto_advance:
            return
        self._run(lambda: self.session.set_auto_advance(change["new"], by=self.by))

    def _on_allow_votes(self, change: dict[str, Any]) -> None:
        if change["new"] == self.session.state.allow_votes_any_phase:
            return
        self._run(lambda: self.session.allow_votes_any_phase(change["new"], by=self.by))

    def _on_action_choice(self, change: dict[str, Any]) -> None:
        action = self.session.state.actions.get(change["new"] or "")
        self.action_button.description = "Save action" if action else "Add action"
        if action is None:  # a new action starts from an empty form
            self._clear_action_form()
            return
        self.action_title.value = action.title
        self.action_kind.value = action.kind or ""
        self.action_status.value = action.status
        self.action_link.value = action.link or ""
        self.action_owner.value = action.owner or ""
        self.action_due.value = action.due
        priority, theme = action.priority or "", action.addresses or ""
        if priority not in self.action_priority.options:  # keep priorities the list lacks
            self.action_priority.options = [*self.action_priority.options, priority]
        self.action_priority.value = priority
        self.action_theme.value = theme if theme in self.session.state.themes else ""

    def _clear_action_form(self) -> None:
        self.action_title.value = self.action_owner.value = ""
        self.action_due.value = None
        self.action_priority.value = self.action_theme.value = ""
        self.action_kind.value = self.action_link.value = ""
        self.action_status.value = "open"

    def _on_item_choice(self, change: dict[str, Any]) -> None:
        item = self.session.state.items.get(change["new"] or "")
        self.edit_text.value = item.text if item else ""

    # ---------------------------------------------------------------- rendering

    def tick(self) -> None:
        """Pick up other processes' events and update the countdown (called every second)."""
        try:
            changed = self.session.refresh()
        except PMError as exc:  # pragma: no cover - a damaged journal written by someone else
            self.message.value = f'<div style="color:#b42318">⛔ {_h(exc)}</div>'
            changed = 0
        if self.seat is not None and self.seat.is_facilitator:
            try:
                if self.session.advance_if_due(by=self.by) is not None:
                    changed += 1
            except PMError as exc:  # pragma: no cover - a rule stopped the move
                self.message.value = f'<div style="color:#b42318">⛔ {_h(exc)}</div>'
        if changed or self._journal_size() != self._seen:  # or another app on this session
            self.refresh()
        else:
            self.agenda.value = agenda_html(self.session, self.session.phase_status())

    def _render_board(self) -> None:
        """The board slot: the one place that draws the board (swap it for another view)."""
        view = board_view(self.session.state, self.by)
        set_options(self.highlight, [("nobody", ""), *[(m, m) for m in view.names]])
        self.board.value = board_html(view, self.highlight.value)

    def refresh(self) -> None:
        """Re-render every view from the session state."""
        session, state = self.session, self.session.state
        self._seen = self._journal_size()
        status = session.phase_status()
        self.agenda.value = agenda_html(session, status)
        self._render_board()
        visible = [i for i in state.items.values() if state.can_see(i.id, self.by)]
        items = [(f"{i.id}: {short(i.text)}", i.id) for i in visible]
        set_options(self.item_choice, items)
        set_options(self.vote_item, items)
        set_options(self.theme_items, items)
        themes = [(f"{t.label} ({t.id})", t.id) for t in state.themes.values()]
        set_options(self.theme_choice, themes)
        set_options(self.merge_choice, themes)
        set_options(self.action_theme, [("none", ""), *themes])
        actions = [(f"{a.id}: {short(a.title, 40)}", a.id) for a in state.actions.values()]
        set_options(self.action_choice, [("New action", ""), *actions])
        self.allow_votes.value = state.allow_votes_any_phase
        self.auto_advance.value = state.auto_advance
        self.reveal_button.disabled = not state.private
        self.votes_left.value = votes_html(session)
        shown = panels(state.phase, ended=state.ended_at is not None)
        if "themes" in shown or "actions" in shown:
            self.themes_table.value = themes_html(session)
        if "actions" in shown:
            self.actions_table.value = actions_html(session)
        if "wrap_up" in shown:
            self.wrap_up.value = wrap_up_html(session)
        widgets = {
            "prime_directive": self.prime_directive,
            "facts": self.facts,
            "items": self.item_panel,
            "themes": self.theme_panel,
            "votes": self.vote_panel,
            "actions": self.action_panel,
            "wrap_up": self.wrap_up_panel,
        }
        children = [widgets[name] for name in shown]
        if list(self.phase_area.children) != children:
            self.phase_area.children = children
        self.board.layout.display = "" if board_shown(state.phase) else "none"
        self.highlight.layout.display = self.board.layout.display
        if self.card_board is not None:  # -- card board
            self.card_board.sync()
