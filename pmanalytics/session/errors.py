"""Errors and warnings of a post-mortem session; every error derives from PMError."""

from __future__ import annotations

from .._errors import PMError

__all__ = [
    "JournalError",
    "NotAllowedError",
    "RuleError",
    "SessionError",
    "SessionWarning",
    "TemplateError",
    "UnknownIdError",
    "VoteBudgetError",
    "VotingClosedError",
]


class SessionError(PMError):
    """Base class of session errors."""


class RuleError(SessionError, ValueError):
    """A change breaks a session rule; nothing was recorded."""


class NotAllowedError(RuleError):
    """The actor may not make this change (not their item, not the facilitator, ...)."""


class VoteBudgetError(RuleError):
    """The participant has no votes left."""


class VotingClosedError(RuleError):
    """Votes are cast in the prioritisation phase unless the facilitator allows otherwise."""


class UnknownIdError(RuleError):
    """An item, theme, action or participant the change names does not exist."""


class TemplateError(SessionError, ValueError):
    """A session template is invalid."""


class JournalError(SessionError):
    """A session journal cannot be read (a damaged line that is not the last one)."""


class SessionWarning(UserWarning):
    """Something worth knowing that did not stop the session (a torn last journal line)."""
