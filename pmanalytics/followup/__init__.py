"""Follow-through after the room: close and update actions, sync them from trackers, digests.

- Edit actions in their canonical files with a minimal diff: :func:`complete_action`,
  :func:`reopen_action`, :func:`update_action`, :func:`verify_action`.
- Sync status, owner, due date and completion time from tracker tickets: :func:`sync`,
  with tickets from :func:`read_tickets` (Jira CSV/JSON, GitHub JSON, Linear CSV) or the
  live APIs (:func:`~pmanalytics.followup.trackers.fetch_jira`, ``fetch_github``).
- Per-recipient digests of what is overdue, due soon and newly done: :func:`build_digest`,
  delivered with :func:`to_folder`, :func:`to_smtp` or :func:`to_webhook`.
- The review backlog and the time from incident to review: :func:`review_backlog`,
  :func:`review_lag`.
"""

from typing import TYPE_CHECKING

from .._lazy import exports
from .errors import DeliveryError, FollowupError, SyncError, TrackerError

if TYPE_CHECKING:  # the names below are imported on first use (see __getattr__)
    from .backlog import review_backlog, review_lag, review_lag_summary
    from .deliver import to_folder, to_smtp, to_webhook
    from .digest import Digest, DigestEntry, RecipientDigest, build_digest, load_state, save_state
    from .edit import (
        UNSET,
        ActionChange,
        FileEdit,
        complete_action,
        plan_edit,
        reopen_action,
        transition,
        update_action,
        verify_action,
    )
    from .sync import (
        NewTicket,
        SyncReport,
        Unmatched,
        apply_ticket,
        create_missing,
        plan_sync,
        sync,
    )
    from .trackers import Ticket, read_tickets

__all__ = [
    "UNSET",
    "ActionChange",
    "DeliveryError",
    "Digest",
    "DigestEntry",
    "FileEdit",
    "FollowupError",
    "NewTicket",
    "RecipientDigest",
    "SyncError",
    "SyncReport",
    "Ticket",
    "TrackerError",
    "Unmatched",
    "apply_ticket",
    "build_digest",
    "complete_action",
    "create_missing",
    "load_state",
    "plan_edit",
    "plan_sync",
    "read_tickets",
    "reopen_action",
    "review_backlog",
    "review_lag",
    "review_lag_summary",
    "save_state",
    "sync",
    "to_folder",
    "to_smtp",
    "to_webhook",
    "transition",
    "update_action",
    "verify_action",
]

__getattr__, __dir__ = exports(  # imported on first use: a fast `pmanalytics --help`
    __name__,
    {
        ".backlog": ["review_backlog", "review_lag", "review_lag_summary"],
        ".deliver": ["to_folder", "to_smtp", "to_webhook"],
        ".digest": [
            "Digest",
            "DigestEntry",
            "RecipientDigest",
            "build_digest",
            "load_state",
            "save_state",
        ],
        ".edit": [
            "UNSET",
            "ActionChange",
            "FileEdit",
            "complete_action",
            "plan_edit",
            "reopen_action",
            "transition",
            "update_action",
            "verify_action",
        ],
        ".sync": [
            "NewTicket",
            "SyncReport",
            "Unmatched",
            "apply_ticket",
            "create_missing",
            "plan_sync",
            "sync",
        ],
        ".trackers": ["Ticket", "read_tickets"],
    },
    eager=__all__,
)
