"""The follow-through commands: ``actions done|reopen|update|verify``, ``sync``, ``digest``.

:func:`register` adds them to the ``pmanalytics`` parser; each sets ``followup`` on the
parsed arguments to its handler, called as ``handler(args, default)`` where ``default``
is the command's own handler (the ``actions`` listing, for ``actions`` without a verb).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Collection, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import FollowupError

if TYPE_CHECKING:
    from .edit import ActionChange
    from .sync import NewTicket, SyncReport
    from .trackers import Ticket

__all__ = ["register"]

Handler = Callable[[argparse.Namespace], int]
VERBS = ("done", "reopen", "update", "verify")
_EDIT_OPTIONS = ("at", "owner", "due", "link", "priority", "by", "status")
_WEBHOOK_ENV = "PMANALYTICS_WEBHOOK_URL"


def register(commands: Any) -> None:
    """Add the follow-through commands to the subcommands of the ``pmanalytics`` parser."""
    actions = commands.choices.get("actions")
    if actions is not None:
        _extend_actions(actions)
    _add_sync(commands)
    _add_digest(commands)


def _extend_actions(actions: argparse.ArgumentParser) -> None:
    actions.usage = (
        "pmanalytics actions PATH... [--overdue] [--as-of DATE] [--csv]\n"
        "       pmanalytics actions done FILE ACTION_ID [--at TIME] [--status done|wont_do]\n"
        "       pmanalytics actions reopen FILE ACTION_ID [--status open|in_progress]\n"
        "       pmanalytics actions update FILE ACTION_ID [--owner NAME] [--due DATE] "
        "[--link URL] [--priority P]\n"
        "       pmanalytics actions verify FILE ACTION_ID --by NAME [--at TIME]"
    )
    group = actions.add_argument_group(
        "changing one action (done, reopen, update, verify); 'none' clears a field"
    )
    group.add_argument("--at", help="when it was done or verified (ISO 8601; default now)")
    group.add_argument("--owner", help="the new owner")
    group.add_argument("--due", help="the new due date (YYYY-MM-DD)")
    group.add_argument("--link", help="the ticket or URL the action follows")
    group.add_argument("--priority", help="the new priority")
    group.add_argument("--by", help="who verified the fix (verify)")
    group.add_argument("--status", help="done|wont_do (done) or open|in_progress (reopen)")
    actions.set_defaults(followup=_actions)


def _actions(args: argparse.Namespace, listing: Handler | None) -> int:
    words = [str(one) for one in args.path]
    given = [f"--{name}" for name in _EDIT_OPTIONS if getattr(args, name) is not None]
    if words[0] not in VERBS:
        if given:
            raise FollowupError(
                f"{', '.join(given)} change one action: use 'pmanalytics actions "
                f"done|reopen|update|verify FILE ACTION_ID {given[0]} ...'"
            )
        if listing is None:  # pragma: no cover - the listing is always registered
            raise FollowupError("no listing command")
        return listing(args)
    verb = words[0]
    if len(words) != 3:
        raise FollowupError(f"usage: pmanalytics actions {verb} FILE ACTION_ID (got {words[1:]})")
    path, action_id = words[1], words[2]
    allowed = {
        "done": {"--at", "--status"},
        "reopen": {"--status"},
        "update": {"--owner", "--due", "--link", "--priority"},
        "verify": {"--by", "--at"},
    }[verb]
    wrong = [one for one in given if one not in allowed]
    if wrong:
        raise FollowupError(f"'actions {verb}' takes {', '.join(sorted(allowed))}, not {wrong[0]}")
    change = _edit(verb, path, action_id, args)
    _print_change(change)
    return 0


def _edit(verb: str, path: str, action_id: str, args: argparse.Namespace) -> ActionChange:
    from .edit import UNSET, complete_action, reopen_action, update_action, verify_action

    if verb == "done":
        return complete_action(path, action_id, at=args.at, status=args.status or "done")
    if verb == "reopen":
        return reopen_action(path, action_id, status=args.status or "open")
    if verb == "verify":
        if args.by is None:
            raise FollowupError("'actions verify' needs --by NAME: who checked the fix works")
        return verify_action(path, action_id, by=args.by, at=args.at)
    fields: dict[str, Any] = {}
    for name in ("owner", "due", "link", "priority"):
        value = getattr(args, name)
        if value is not None:
            fields[name] = None if value.strip().casefold() in ("none", "") else value
    if not fields:
        raise FollowupError("'actions update' needs --owner, --due, --link or --priority")
    return update_action(
        path,
        action_id,
        owner=fields.get("owner", UNSET),
        due=fields.get("due", UNSET),
        link=fields.get("link", UNSET),
        priority=fields.get("priority", UNSET),
    )


def _print_change(change: ActionChange) -> None:
    text = change.describe()
    if text:
        print(text)
    else:
        print(f"{change.incident_id}/{change.action_id}: no change")


# --------------------------------------------------------------------------- sync


def _add_sync(commands: Any) -> None:
    parser = commands.add_parser(
        "sync",
        help="update actions from their tracker tickets (Jira, GitHub, Linear)",
        description="Update status, owner, due date and completion time of the actions whose "
        "link (or a postmortem-<id> label) names a ticket. SOURCE is an export file (Jira CSV "
        "or search JSON, GitHub issue JSON, Linear CSV), 'jira' (live: JIRA_BASE_URL, "
        "JIRA_API_TOKEN, JIRA_EMAIL and --jql) or 'github:OWNER/REPO' (live: GITHUB_TOKEN). "
        "Only what differs changes; no action is deleted.",
    )
    parser.add_argument("path", type=Path, help="a post-mortem file or folder")
    parser.add_argument("--from", dest="source", required=True, help="export file or live API")
    parser.add_argument(
        "--format",
        choices=_Formats(),
        metavar="FORMAT",
        help="the export format: %(choices)s (told from content)",
    )
    parser.add_argument("--base-url", help="Jira's address, for ticket links of a CSV export")
    parser.add_argument("--jql", help="which Jira issues to read (live Jira)")
    parser.add_argument("--dry-run", action="store_true", help="print what would change")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per request (10)")
    parser.add_argument(
        "--create", action="store_true", help="list actions without a ticket (to create)"
    )
    parser.add_argument("--yes", action="store_true", help="with --create: create the tickets")
    parser.add_argument("--project", help="with --create and Jira: the project key")
    parser.set_defaults(followup=_sync)


class _Formats(Collection[str]):
    """The tracker export formats, read from :mod:`.trackers.files` only when ``sync`` runs.

    Importing the trackers at parser build time would make every command (and ``--help``)
    wait for the importers.

    Examples
    --------
    >>> "jira-csv" in _Formats(), "word" in _Formats()
    (True, False)
    """

    def __contains__(self, value: object) -> bool:
        return value in self._all()

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())

    @staticmethod
    def _all() -> tuple[str, ...]:
        from .trackers.files import FORMATS

        return FORMATS


def _tickets(args: argparse.Namespace) -> list[Ticket]:
    from .trackers import fetch_github, fetch_jira, github_settings, jira_settings, read_tickets

    source: str = args.source
    if source == "jira":
        if not args.jql:
            raise FollowupError("'--from jira' needs --jql, e.g. --jql 'project = OPS'")
        return fetch_jira(jira_settings(timeout=args.timeout), args.jql)
    if source.startswith("github:"):
        return fetch_github(github_settings(timeout=args.timeout), source.split(":", 1)[1])
    return read_tickets(source, format=args.format, base_url=args.base_url)


def _sync(args: argparse.Namespace, _: Handler | None) -> int:
    from .sync import sync

    tickets = _tickets(args)
    now = datetime.now(UTC)
    report = sync(args.path, tickets, dry_run=args.dry_run, now=now)
    print(report.describe())
    if args.create:
        _create(args, report)
    return 0


def _create(args: argparse.Namespace, report: SyncReport) -> None:
    missing = report.without_ticket
    if not args.yes or args.dry_run or not missing:
        print(f"would create {len(missing)} ticket(s) for open actions without one:")
        for one in missing:
            print(f"  {one}")
        if missing:
            print("run again with --create --yes to create them (live 'jira' or 'github:' only)")
        return
    from .sync import create_missing

    create = _creator(args)
    changes = create_missing(report, create)
    print(f"created {len(changes)} ticket(s):")
    for change in changes:
        print(f"  {change.incident_id}/{change.action_id}: {change.after.link}")


def _creator(args: argparse.Namespace) -> Callable[[NewTicket], str]:
    from .trackers import create_github_issue, create_jira_issue, github_settings, jira_settings

    source: str = args.source
    if source == "jira":
        if not args.project:
            raise FollowupError("creating Jira tickets needs --project KEY")
        jira = jira_settings(timeout=args.timeout)
        return lambda one: create_jira_issue(
            jira,
            args.project,
            one.action.title,
            [f"postmortem-{one.incident_id}"],
            one.action.due.isoformat() if one.action.due else None,
        )
    if source.startswith("github:"):
        repo = source.split(":", 1)[1]
        github = github_settings(timeout=args.timeout)
        return lambda one: create_github_issue(
            github,
            repo,
            one.action.title,
            [f"postmortem-{one.incident_id}"],
            f"Follow-up {one.action.id} of post-mortem {one.incident_id}.",
        )
    raise FollowupError("--create --yes needs a live source: --from jira or --from github:REPO")


# --------------------------------------------------------------------------- digest


def _add_digest(commands: Any) -> None:
    parser = commands.add_parser(
        "digest",
        help="per owner or team: overdue, due soon, newly done and newly overdue actions",
        description="Build a digest per recipient and deliver it to a folder, by SMTP or to a "
        "Slack-compatible webhook. Changes are counted since the previous delivered digest "
        "(state in .pmanalytics-digest-<by>.json beside the corpus). Without a delivery "
        "option the digests are printed and the state is left alone.",
    )
    parser.add_argument("path", type=Path, help="a post-mortem file or folder")
    parser.add_argument("--as-of", help="YYYY-MM-DD (today, UTC)")
    parser.add_argument("--by", choices=("owner", "team"), default="owner", help="(owner)")
    parser.add_argument("--due-within", type=int, default=7, help="days that are 'soon' (7)")
    parser.add_argument(
        "--nothing-new",
        choices=("note", "skip"),
        default="note",
        help="without changes: send a short note, or nothing (note)",
    )
    parser.add_argument("--to-folder", type=Path, help="write <recipient>.md and .html here")
    parser.add_argument("--smtp", help="HOST[:PORT] to send e-mail through")
    parser.add_argument("--starttls", action="store_true", help="use STARTTLS with --smtp")
    parser.add_argument("--mail-from", help="the sender address (with --smtp)")
    parser.add_argument(
        "--addresses", type=Path, help="YAML of recipient: e-mail address (with --smtp)"
    )
    parser.add_argument(
        "--webhook",
        nargs="?",
        const="",
        help=f"post to a Slack-compatible webhook (URL, or from ${_WEBHOOK_ENV})",
    )
    parser.set_defaults(followup=_digest)


def _digest(args: argparse.Namespace, _: Handler | None) -> int:
    from .deliver import to_folder, to_smtp, to_webhook
    from .digest import build_digest, load_state, save_state

    as_of = args.as_of or datetime.now(UTC).date().isoformat()
    state = load_state(args.path, args.by)
    digest = build_digest(args.path, as_of, by=args.by, due_within=args.due_within, state=state)
    chosen = digest.to_send(args.nothing_new)
    delivered = False
    if args.to_folder is not None:
        paths = to_folder(chosen, args.to_folder)
        print(f"wrote {len(paths)} file(s) to {args.to_folder}")
        delivered = True
    if args.smtp:
        sent, missing = to_smtp(chosen, _addresses(args), **_smtp_target(args))
        print(f"e-mailed {len(sent)} recipient(s)")
        for name in missing:
            print(f"no address for {name!r}: not e-mailed", file=sys.stderr)
        delivered = True
    if args.webhook is not None:
        url = args.webhook or os.environ.get(_WEBHOOK_ENV, "")
        if not url:
            raise FollowupError(f"--webhook needs a URL or ${_WEBHOOK_ENV}")
        print(f"posted {len(to_webhook(chosen, url))} digest(s) to the webhook")
        delivered = True
    if not delivered:
        for one in chosen:
            print(one.markdown())
        return 0
    if not chosen:
        print("nothing new: nothing sent")
    save_state(args.path, digest)
    return 0


def _smtp_target(args: argparse.Namespace) -> dict[str, Any]:
    if not args.mail_from:
        raise FollowupError("--smtp needs --mail-from ADDRESS")
    host, _, port = str(args.smtp).rpartition(":")
    if not host or not port.isdigit():
        host, port = str(args.smtp), "25"
    return {"host": host, "port": int(port), "sender": args.mail_from, "starttls": args.starttls}


def _addresses(args: argparse.Namespace) -> dict[str, str]:
    import yaml

    if args.addresses is None:
        raise FollowupError("--smtp needs --addresses FILE (YAML of recipient: address)")
    try:
        loaded = yaml.safe_load(args.addresses.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise FollowupError(f"{args.addresses}: cannot read the addresses: {exc}") from exc
    if not isinstance(loaded, dict):
        raise FollowupError(f"{args.addresses}: must be a mapping of recipient: address")
    return {str(key): str(value) for key, value in loaded.items()}
