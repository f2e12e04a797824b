"""Where follow-up tickets come from: tracker exports and live tracker APIs.

Each source gives :class:`Ticket` objects; :mod:`pmanalytics.followup.sync` matches them
to actions.
"""

from ._ticket import Ticket, link_keys
from .files import FORMATS, read_tickets, read_tickets_text, sniff
from .live import (
    HttpSettings,
    create_github_issue,
    create_jira_issue,
    fetch_github,
    fetch_jira,
    github_settings,
    jira_settings,
)

__all__ = [
    "FORMATS",
    "HttpSettings",
    "Ticket",
    "create_github_issue",
    "create_jira_issue",
    "fetch_github",
    "fetch_jira",
    "github_settings",
    "jira_settings",
    "link_keys",
    "read_tickets",
    "read_tickets_text",
    "sniff",
]
