"""The error of :mod:`pmanalytics.themes` (private; import it from there)."""

from __future__ import annotations

from .._errors import PMError

__all__ = ["ThemeError", "ThemeWarning"]


class ThemeError(PMError, ValueError):
    """Bad input to the theme functions; the message names the parameter and the value."""


class ThemeWarning(UserWarning):
    """Something a reader of theme results should know (e.g. which parts of the documents
    :func:`~pmanalytics.themes.recurring_problems` read)."""
