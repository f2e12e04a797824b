"""Post-mortem sessions in pure Python: typed events, a pure fold, its rules, a journal, templates.

Where things live: the events in :mod:`~pmanalytics.session.events`, the state as the fold
``apply(state, event) -> state`` in :mod:`~pmanalytics.session.fold`, every rule in
:mod:`~pmanalytics.session.rules`, the journal on disk in :mod:`~pmanalytics.session.journal`,
and the commands in :class:`Session`.

No widget imports here: :mod:`pmanalytics.widgets` is a thin view over this package.

Examples
--------
>>> import tempfile
>>> from pmanalytics import PostMortem
>>> from pmanalytics.session import Session, SessionSettings
>>> pm = PostMortem(id="pm-1", title="Disk full")
>>> s = Session.create(pm, tempfile.mkdtemp(), participants=["Ana"], facilitator="Cy",
...                    settings=SessionSettings(votes_per_participant=2))
>>> item = s.add_item("lessons_learned", "Nothing alerted on disk usage", by="Ana")
>>> _ = s.allow_votes_any_phase(by="Cy")
>>> _ = s.cast_vote(item.data.item_id, by="Ana")
>>> s.votes_left("Ana")
1
>>> _ = s.undo(by="Ana")
>>> s.votes_left("Ana")
2
"""

from typing import TYPE_CHECKING

from .._lazy import exports

if TYPE_CHECKING:  # imported on first use (see __getattr__): `pmanalytics --help` stays fast
    from ._session import PhaseStatus, Session, ThemeSummary, VotedNote, WrapUp, journal_path
    from .analytics import SESSION_SCHEMA, session_tables
    from .errors import (
        JournalError,
        NotAllowedError,
        RuleError,
        SessionError,
        SessionWarning,
        TemplateError,
        UnknownIdError,
        VoteBudgetError,
        VotingClosedError,
    )
    from .events import EVENT_KINDS, Event, EventBase, make_event, parse_event
    from .facts import FactRow, facts_timeline, render_inline
    from .fold import apply, fold, start
    from .grouping import SuggestedTheme, ThemeSuggester
    from .identity import issue_keys, keys_path, who
    from .journal import Journal
    from .rules import PRIORITIES, BlameWarning, blame_warnings, missing_plan
    from .seat import Seat
    from .state import SessionSettings, SessionState, Setup
    from .templates import (
        DEFAULT_TEMPLATE,
        PHASES,
        PRIME_DIRECTIVE,
        PhaseSpec,
        SectionSpec,
        Template,
        fit_agenda,
        load_template,
        template_from_dict,
    )
    from .view import BoardView, CardView, board_view

__all__ = [
    "DEFAULT_TEMPLATE",
    "EVENT_KINDS",
    "PHASES",
    "PRIME_DIRECTIVE",
    "PRIORITIES",
    "SESSION_SCHEMA",
    "BlameWarning",
    "BoardView",
    "CardView",
    "Event",
    "EventBase",
    "FactRow",
    "Journal",
    "JournalError",
    "NotAllowedError",
    "PhaseSpec",
    "PhaseStatus",
    "RuleError",
    "Seat",
    "SectionSpec",
    "Session",
    "SessionError",
    "SessionSettings",
    "SessionState",
    "SessionWarning",
    "Setup",
    "SuggestedTheme",
    "Template",
    "TemplateError",
    "ThemeSuggester",
    "ThemeSummary",
    "UnknownIdError",
    "VoteBudgetError",
    "VotedNote",
    "VotingClosedError",
    "WrapUp",
    "apply",
    "blame_warnings",
    "board_view",
    "facts_timeline",
    "fit_agenda",
    "fold",
    "issue_keys",
    "journal_path",
    "keys_path",
    "load_template",
    "make_event",
    "missing_plan",
    "parse_event",
    "render_inline",
    "session_tables",
    "start",
    "template_from_dict",
    "who",
]

__getattr__, __dir__ = exports(
    __name__,
    {
        "._session": [
            "PhaseStatus",
            "Session",
            "ThemeSummary",
            "VotedNote",
            "WrapUp",
            "journal_path",
        ],
        ".analytics": ["SESSION_SCHEMA", "session_tables"],
        ".errors": [
            "JournalError",
            "NotAllowedError",
            "RuleError",
            "SessionError",
            "SessionWarning",
            "TemplateError",
            "UnknownIdError",
            "VoteBudgetError",
            "VotingClosedError",
        ],
        ".events": ["EVENT_KINDS", "Event", "EventBase", "make_event", "parse_event"],
        ".facts": ["FactRow", "facts_timeline", "render_inline"],
        ".fold": ["apply", "fold", "start"],
        ".grouping": ["SuggestedTheme", "ThemeSuggester"],
        ".identity": ["issue_keys", "keys_path", "who"],
        ".journal": ["Journal"],
        ".rules": ["PRIORITIES", "BlameWarning", "blame_warnings", "missing_plan"],
        ".seat": ["Seat"],
        ".state": ["SessionSettings", "SessionState", "Setup"],
        ".templates": [
            "DEFAULT_TEMPLATE",
            "PHASES",
            "PRIME_DIRECTIVE",
            "PhaseSpec",
            "SectionSpec",
            "Template",
            "fit_agenda",
            "load_template",
            "template_from_dict",
        ],
        ".view": ["BoardView", "CardView", "board_view"],
    },
)
