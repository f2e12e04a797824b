"""The errors of the follow-through feature: every one names what was wrong and echoes it."""

from __future__ import annotations

from .._errors import PMError

__all__ = ["DeliveryError", "FollowupError", "SyncError", "TrackerError"]


class FollowupError(PMError, ValueError):
    """An action could not be changed: unknown id, invalid value, unreadable file."""


class SyncError(FollowupError):
    """A sync cannot be applied safely (a ticket linked to two actions, say); nothing changed."""


class TrackerError(FollowupError):
    """A tracker export or API could not be read: malformed file, HTTP error, timeout."""


class DeliveryError(FollowupError):
    """A digest could not be delivered (SMTP or webhook failure, unwritable folder)."""
