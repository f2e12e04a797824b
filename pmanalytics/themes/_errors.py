"""The error of :mod:`pmanalytics.themes` (private; import it from there)."""

from __future__ import annotations

from .._errors import PMError

__all__ = ["ThemeError"]


class ThemeError(PMError, ValueError):
    """Bad input to the theme functions; the message names the parameter and the value."""
