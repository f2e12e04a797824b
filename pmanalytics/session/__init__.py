"""Post-mortem sessions in pure Python: an event log, its rules, a journal on disk, templates.

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
>>> _ = s.cast_vote(item.data["item_id"], by="Ana")
>>> s.votes_left("Ana")
1
>>> _ = s.undo(by="Ana")
>>> s.votes_left("Ana")
2
"""

from ._session import PhaseStatus, Session, ThemeSummary, WrapUp, journal_path
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
from .events import EVENT_KINDS, Event
from .grouping import Suggestion, keyword_groups, suggest_groups
from .journal import Journal
from .rules import BlameWarning, blame_warnings, missing_plan
from .state import ActionState, ItemState, SessionSettings, SessionState, ThemeState
from .templates import (
    DEFAULT_TEMPLATE,
    PHASES,
    PRIME_DIRECTIVE,
    PhaseSpec,
    SectionSpec,
    Template,
    load_template,
    template_from_dict,
)

__all__ = [
    "DEFAULT_TEMPLATE",
    "EVENT_KINDS",
    "PHASES",
    "PRIME_DIRECTIVE",
    "ActionState",
    "BlameWarning",
    "Event",
    "ItemState",
    "Journal",
    "JournalError",
    "NotAllowedError",
    "PhaseSpec",
    "PhaseStatus",
    "RuleError",
    "SectionSpec",
    "Session",
    "SessionError",
    "SessionSettings",
    "SessionState",
    "SessionWarning",
    "Suggestion",
    "Template",
    "TemplateError",
    "ThemeState",
    "ThemeSummary",
    "UnknownIdError",
    "VoteBudgetError",
    "VotingClosedError",
    "WrapUp",
    "blame_warnings",
    "journal_path",
    "keyword_groups",
    "load_template",
    "missing_plan",
    "suggest_groups",
    "template_from_dict",
]
