"""Sync actions from their tracker tickets: status, owner, due date, completion time.

An action follows a ticket when its ``link`` names the ticket (its URL, or its key such
as ``OPS-7`` or ``acme/api#12``). A ticket whose labels name an incident
(``postmortem-<id>``) follows the action of that incident whose id is the ticket key
(as ``pmanalytics import`` names them) or whose title is the ticket's title; that
action gets the ticket's link.

The rules: only what differs is changed; no action is ever deleted or added; a ticket
that matches no action is reported; a ticket that matches two actions (or an action
matched by two tickets) is an error and nothing is changed. A ticket without an
assignee or due date leaves the action's owner or due date alone.

Examples
--------
>>> import shutil, tempfile
>>> from pmanalytics.followup.trackers import Ticket
>>> from pmanalytics.followup.edit import moment
>>> folder = shutil.copytree("data/sample", tempfile.mkdtemp() + "/pm")
>>> ticket = Ticket(key="IDN-1306", title="Tune alerts", status="done",
...                 tracker_status="Done", completed_at=moment("2025-01-10T12:00Z"))
>>> report = sync(folder, [ticket], dry_run=True)
>>> print(report.describe())  # doctest: +ELLIPSIS
would change 1 action(s) in 1 file(s):
  2024-11-21-search-packet-loss-0001/a-2: status in_progress -> done
  2024-11-21-search-packet-loss-0001/a-2: completed_at (none) -> 2025-01-10T12:00:00+00:00
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from .._errors import IngestError
from .._model import Action, PostMortem, is_open_status, slugify
from ..ingest import read_postmortem as read
from .edit import ActionChange, FileEdit, plan_edit, transition, with_fields
from .errors import FollowupError, SyncError
from .trackers import Ticket, link_keys

__all__ = [
    "NewTicket",
    "SyncReport",
    "Unmatched",
    "apply_ticket",
    "canonical_files",
    "create_missing",
    "plan_sync",
    "sync",
]


@dataclass(frozen=True)
class Unmatched:
    """A ticket no action follows, and why."""

    ticket: Ticket
    reason: str

    def __str__(self) -> str:
        return f"{self.ticket.key} ({self.ticket.where}): {self.reason}"


@dataclass(frozen=True)
class NewTicket:
    """An open action with no ticket: what ``--create`` would file."""

    path: Path
    incident_id: str
    action: Action

    def __str__(self) -> str:
        owner = f", owner {self.action.owner}" if self.action.owner else ""
        return f"{self.incident_id}/{self.action.id}: {self.action.title!r}{owner}"


@dataclass(frozen=True)
class SyncReport:
    """What a sync changed (or, with ``applied=False``, would change)."""

    edits: tuple[FileEdit, ...]
    unmatched: tuple[Unmatched, ...]
    without_ticket: tuple[NewTicket, ...]
    skipped: tuple[str, ...] = ()
    applied: bool = False
    tickets: int = 0
    matched: int = 0
    unknown_status: tuple[Ticket, ...] = ()
    """Matched tickets whose tracker status sync does not know: their action's status stays."""

    @property
    def changes(self) -> tuple[ActionChange, ...]:
        """Every changed action, file by file."""
        return tuple(change for edit in self.edits for change in edit.changes)

    def describe(self) -> str:
        """A plain-text account: the changes, then unmatched tickets and skipped files."""
        verb = "changed" if self.applied else "would change"
        files = len([edit for edit in self.edits if edit.changes])
        lines = [f"{verb} {len(self.changes)} action(s) in {files} file(s):"]
        if not self.changes:
            lines = [f"nothing to change: {self.matched} of {self.tickets} ticket(s) match actions"]
        lines += ["  " + line for c in self.changes for line in c.describe().split("\n")]
        if self.unmatched:
            lines.append(f"{len(self.unmatched)} ticket(s) match no action:")
            lines += [f"  {one}" for one in self.unmatched]
        if self.unknown_status:
            lines.append(f"{len(self.unknown_status)} ticket(s) with a status sync does not know:")
            lines += [
                f"  {t.key} ({t.where}): {t.tracker_status!r}, status left as is"
                for t in self.unknown_status
            ]
        if self.skipped:
            lines.append(f"{len(self.skipped)} file(s) skipped (not canonical post-mortems):")
            lines += [f"  {one}" for one in self.skipped]
        return "\n".join(lines)


def canonical_files(path: str | Path) -> list[Path]:
    """The ``.md`` files of a file or folder (recursively, hidden folders left out)."""
    root = Path(path)
    if root.is_file():
        return [root]
    if not root.is_dir():
        raise FollowupError(f"'path' must be a post-mortem file or folder, got {str(path)!r}")
    return sorted(
        one
        for one in root.rglob("*.md")
        if not any(part.startswith(".") for part in one.relative_to(root).parts)
    )


def apply_ticket(action: Action, ticket: Ticket, *, now: datetime | None = None) -> Action:
    """``action`` updated from ``ticket``: status and completion, owner, due date, link.

    Examples
    --------
    >>> a = Action(id="a1", title="Add alert", owner="ana", link="OPS-7")
    >>> t = Ticket(key="OPS-7", title="Add alert", status="in_progress",
    ...            tracker_status="In Progress", owner="Bo Chen")
    >>> new = apply_ticket(a, t)
    >>> new.status, new.owner
    ('in_progress', 'Bo Chen')
    >>> apply_ticket(new, t) == new
    True
    """
    new = action
    closed = ticket.status is not None and not is_open_status(ticket.status)
    closed_at = ticket.completed_at if closed else None
    if ticket.status is not None and (
        ticket.status != action.status or (closed_at and closed_at != action.completed_at)
    ):
        new = transition(new, ticket.status, at=closed_at, now=now)
    update: dict[str, object] = {}
    if ticket.owner and ticket.owner != new.owner:
        update["owner"] = ticket.owner
    if ticket.due and ticket.due != new.due:
        update["due"] = ticket.due
    if new.link is None:
        update["link"] = ticket.url or ticket.key
    return with_fields(new, **update) if update else new


@dataclass
class _Index:
    postmortems: dict[str, tuple[Path, PostMortem]] = field(default_factory=dict)
    by_key: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))
    skipped: list[str] = field(default_factory=list)

    @classmethod
    def build(cls, path: str | Path) -> _Index:
        index = cls()
        for file in canonical_files(path):
            try:
                pm = read(file)
            except IngestError as exc:
                index.skipped.append(str(exc))
                continue
            if pm.id in index.postmortems:
                other = index.postmortems[pm.id][0]
                raise SyncError(f"post-mortem id {pm.id!r} is in two files: {other} and {file}")
            index.postmortems[pm.id] = (file, pm)
            for action in pm.actions:
                for key in link_keys(action.link) if action.link else ():
                    index.by_key[key].append((pm.id, action.id))
        return index

    def match(self, ticket: Ticket) -> tuple[list[tuple[str, str]], str]:
        """The actions following ``ticket`` (by link, then label), or why there is none."""
        found = {ref for key in ticket.keys for ref in self.by_key.get(key, ())}
        if found:
            return sorted(found), ""
        if not ticket.incident_ids:
            return [], "no action links to it, and no label names a post-mortem"
        reasons = []
        for incident in ticket.incident_ids:
            entry = self.postmortems.get(incident) or self.postmortems.get(slugify(incident))
            if entry is None:
                reasons.append(f"its label names post-mortem {incident!r}, which is not here")
                continue
            pm = entry[1]
            title = _normal(ticket.title)
            hits = [
                (pm.id, a.id)
                for a in pm.actions
                if a.id == slugify(ticket.key) or (a.link is None and _normal(a.title) == title)
            ]
            if hits:
                return hits, ""
            reasons.append(f"no action of {pm.id} has its link, its key as id or its title")
        return [], "; ".join(reasons)


def _normal(text: str) -> str:
    return " ".join(text.casefold().split())


def plan_sync(
    path: str | Path, tickets: Iterable[Ticket], *, now: datetime | None = None
) -> SyncReport:
    """What :func:`sync` would change; nothing is written.

    Raises
    ------
    SyncError
        When a ticket matches two actions, an action is matched by two tickets, a
        ticket is listed twice, or a ticket's state cannot be applied.
    """
    tickets = list(tickets)
    index = _Index.build(path)
    when = now if now is not None else datetime.now(UTC)
    seen: dict[str, Ticket] = {}
    follows: dict[tuple[str, str], list[Ticket]] = defaultdict(list)
    unmatched: list[Unmatched] = []
    problems: list[str] = []
    for ticket in tickets:
        if not isinstance(ticket, Ticket):
            raise SyncError(f"'tickets' must hold Ticket objects, got {ticket!r:.80}")
        if ticket.key in seen:
            problems.append(f"ticket {ticket.key} is listed twice ({ticket.where})")
        seen[ticket.key] = ticket
        refs, reason = index.match(ticket)
        if len(refs) > 1:
            shown = ", ".join(f"{pm}/{action}" for pm, action in refs)
            problems.append(f"ticket {ticket.key} is linked to {len(refs)} actions: {shown}")
        elif refs:
            follows[refs[0]].append(ticket)
        else:
            unmatched.append(Unmatched(ticket, reason))
    for (pm_id, action_id), many in follows.items():
        if len(many) > 1:
            keys = ", ".join(t.key for t in many)
            problems.append(f"action {pm_id}/{action_id} is linked to {len(many)} tickets: {keys}")
    if problems:
        raise SyncError("nothing was changed: " + "; ".join(problems))
    edits = []
    by_file: dict[str, dict[str, Ticket]] = defaultdict(dict)
    for (pm_id, action_id), (ticket,) in follows.items():
        by_file[pm_id][action_id] = ticket
    for pm_id in sorted(by_file):
        file = index.postmortems[pm_id][0]
        plan = {
            action_id: _applier(ticket, when, pm_id) for action_id, ticket in by_file[pm_id].items()
        }
        edits.append(plan_edit(file, plan))
    followed = set(follows)
    without = tuple(
        NewTicket(file, pm.id, action)
        for file, pm in index.postmortems.values()
        for action in pm.actions
        if action.is_open and action.link is None and (pm.id, action.id) not in followed
    )
    return SyncReport(
        edits=tuple(edit for edit in edits if edit.changes),
        unmatched=tuple(unmatched),
        without_ticket=without,
        skipped=tuple(index.skipped),
        tickets=len(tickets),
        matched=len(follows),
        unknown_status=tuple(t for (many) in follows.values() for t in many if t.status is None),
    )


def _applier(ticket: Ticket, now: datetime, pm_id: str) -> Callable[[Action], Action]:
    def apply(action: Action) -> Action:
        try:
            return apply_ticket(action, ticket, now=now)
        except FollowupError as exc:
            raise SyncError(
                f"nothing was changed: ticket {ticket.key} ({ticket.where}) cannot be applied "
                f"to {pm_id}/{action.id}: {exc}"
            ) from exc

    return apply


def _linker(url: str) -> Callable[[Action], Action]:
    return lambda action: with_fields(action, link=url)


def sync(
    path: str | Path,
    tickets: Iterable[Ticket],
    *,
    dry_run: bool = False,
    now: datetime | None = None,
) -> SyncReport:
    """Update the actions under ``path`` from ``tickets``; see the module for the rules.

    Every file is planned (and checked) before any is written; ``dry_run`` writes
    nothing. ``now`` is the completion time for tickets closed at an unknown time.
    """
    report = plan_sync(path, tickets, now=now)
    if dry_run:
        return report
    for edit in report.edits:
        edit.write()
    return replace(report, applied=True)


def create_missing(
    report: SyncReport, create: Callable[[NewTicket], str]
) -> tuple[ActionChange, ...]:
    """File a ticket for each action of ``report.without_ticket`` and link it.

    ``create`` files one ticket and returns its URL (see
    :func:`~pmanalytics.followup.trackers.create_github_issue`). Each action's file is
    updated as soon as its ticket exists, so a failure part-way loses no link.
    """
    changes: list[ActionChange] = []
    for one in report.without_ticket:
        url = create(one)
        edit = plan_edit(one.path, {one.action.id: _linker(url)})
        edit.write()
        changes.extend(edit.changes)
    return tuple(changes)
