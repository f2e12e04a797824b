"""A tracker ticket as sync needs it, and the rules for naming one from an action's link."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ...ingest.jira import DEFAULT_INCIDENT_LABEL, STATUSES
from ...ingest.records import parse_date, parse_datetime
from ..errors import TrackerError

__all__ = ["Ticket", "action_status", "link_keys", "parse_day", "parse_time"]

_JIRA_KEY = re.compile(r"(?:^|/)(?P<key>[A-Za-z][A-Za-z0-9_]*-\d+)(?:[/?#]|$)")
_GITHUB_URL = re.compile(
    r"github\.com/(?P<repo>[\w.-]+/[\w.-]+)/(?:issues|pull)/(?P<number>\d+)", re.IGNORECASE
)
_GITHUB_REF = re.compile(r"^(?P<repo>[\w.-]+/[\w.-]+)#(?P<number>\d+)$")
#: Jira status categories (``fields.status.statusCategory.key``) -> action status.
CATEGORIES = {"new": "open", "indeterminate": "in_progress", "done": "done"}


@dataclass(frozen=True)
class Ticket:
    """One follow-up ticket: what sync reads from a tracker export or API.

    ``key`` is the tracker's own name for it (``OPS-7``, ``acme/api#12``); ``status``
    is already an action status (``open``, ``in_progress``, ``done``, ``wont_do``)
    and ``tracker_status`` the tracker's word for it.
    """

    key: str
    title: str
    status: str | None
    """None when the tracker's status is one sync does not know: the action's stays."""
    tracker_status: str
    url: str | None = None
    owner: str | None = None
    due: date | None = None
    completed_at: datetime | None = None
    labels: tuple[str, ...] = ()
    where: str = ""
    """Where it was read: ``file.csv:3`` or an API address."""

    @property
    def keys(self) -> frozenset[str]:
        """Every name an action's link may use for this ticket (see :func:`link_keys`)."""
        found = {self.key.casefold()}
        if self.url:
            found |= link_keys(self.url)
        return frozenset(found)

    @property
    def incident_ids(self) -> tuple[str, ...]:
        """Incidents named by ``postmortem-<id>`` (or ``incident-<id>``) labels."""
        found = []
        for label in self.labels:
            match = DEFAULT_INCIDENT_LABEL.match(label.strip())
            if match:
                found.append(match.group("id"))
        return tuple(dict.fromkeys(found))


def link_keys(link: str) -> frozenset[str]:
    """The ticket names in an action's link: the normalised URL and the ticket key.

    Examples
    --------
    >>> sorted(link_keys("https://acme.atlassian.net/browse/OPS-7"))
    ['acme.atlassian.net/browse/ops-7', 'ops-7']
    >>> sorted(link_keys("https://github.com/acme/api/issues/12"))
    ['acme/api#12', 'github.com/acme/api/issues/12']
    >>> sorted(link_keys("OPS-7"))
    ['ops-7']
    """
    text = link.strip()
    found: set[str] = set()
    bare = re.sub(r"^[a-z][a-z0-9+.-]*://", "", text, flags=re.IGNORECASE)
    bare = re.split(r"[?#]", bare, maxsplit=1)[0].rstrip("/") if "://" in text else bare
    if "://" in text:
        found.add(bare.casefold())
    github = _GITHUB_URL.search(text) or _GITHUB_REF.match(text)
    if github:
        found.add(f"{github.group('repo')}#{github.group('number')}".casefold())
        return frozenset(found)
    keys = list(_JIRA_KEY.finditer(bare))
    if keys:
        found.add(keys[-1].group("key").casefold())
    return frozenset(found)


def action_status(tracker_status: str, resolution: str = "", category: str = "") -> str | None:
    """The action status for a tracker status (Jira's table), or None when unknown.

    Examples
    --------
    >>> action_status("Done"), action_status("Closed", "Won't Do")
    ('done', 'wont_do')
    >>> action_status("Triage", "", "new"), action_status("Triage")
    ('open', None)
    """
    if STATUSES.get(_normal(resolution)) == "wont_do":
        return "wont_do"
    found = STATUSES.get(_normal(tracker_status))
    if found is None:
        found = CATEGORIES.get(_normal(category))
    return found


def _normal(text: str) -> str:
    return " ".join(text.replace("’", "'").casefold().split())


def parse_time(value: Any, where: str, name: str) -> datetime | None:
    """A timestamp from an export cell, None when empty; TrackerError naming the place."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return parse_datetime(value)
    except (ValueError, TypeError) as exc:
        raise TrackerError(f"{where}: {name}: {exc}") from None


def parse_day(value: Any, where: str, name: str) -> date | None:
    """A date from an export cell, None when empty; TrackerError naming the place."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return parse_date(value)
    except (ValueError, TypeError) as exc:
        raise TrackerError(f"{where}: {name}: {exc}") from None
