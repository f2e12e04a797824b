"""Digests: per owner (or team), what is overdue, due soon, newly done and newly overdue.

"Newly" means since the previous digest: each digest keeps the state of every action
(``open``, ``due_soon``, ``overdue``, ``done``, ``wont_do``) in a small JSON file beside
the corpus (:func:`state_path`), and the next one compares against it. The first digest,
with no state yet, counts the last ``due_within`` days as new.

A recipient has *news* when one of their actions changed state (or is new). Without
news the recipient gets a short "nothing new" note, or nothing (``on_nothing="skip"``).

Examples
--------
>>> from pmanalytics import Action, Corpus, PostMortem
>>> corpus = Corpus.from_postmortems([PostMortem(id="pm", title="T", teams=["sre"], actions=[
...     Action(id="a", title="Add alert", owner="ana", due="2024-01-10",
...            created_at="2024-01-01T00:00Z"),
...     Action(id="b", title="Fix <disk>", owner="bo", due="2024-01-18",
...            created_at="2024-01-01T00:00Z")])])
>>> first = build_digest(corpus, "2024-01-15")
>>> [(r.recipient, len(r.overdue), len(r.due_soon), r.has_news) for r in first.recipients]
[('ana', 1, 0, True), ('bo', 0, 1, True)]
>>> again = build_digest(corpus, "2024-01-15", state=first.state)
>>> [r.has_news for r in again.recipients]
[False, False]
>>> "&lt;disk&gt;" in first.recipients[1].html()
True
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from .. import metrics
from .._atomic import atomic_write_text
from .._validate import check_choice, check_int, user_date
from ..corpus import Corpus, load
from .backlog import review_backlog
from .errors import FollowupError

__all__ = [
    "Digest",
    "DigestEntry",
    "RecipientDigest",
    "build_digest",
    "load_state",
    "save_state",
    "state_path",
]

STATE_VERSION = 1
#: States a new action can appear in without being news.
_QUIET = ("open", "wont_do")


@dataclass(frozen=True)
class DigestEntry:
    """One action as a digest shows it."""

    incident_id: str
    action_id: str
    title: str
    owner: str | None
    team: str | None
    due: date | None
    days_overdue: int
    completed_at: datetime | None
    link: str | None

    @property
    def key(self) -> str:
        """``incident/action``: how the digest state names the action."""
        return f"{self.incident_id}/{self.action_id}"


@dataclass(frozen=True)
class BacklogEntry:
    """An incident still waiting for its reviewed post-mortem."""

    incident_id: str
    title: str
    age_days: int | None


@dataclass(frozen=True)
class RecipientDigest:
    """What one owner (or team) is told."""

    recipient: str
    by: str
    as_of: date
    since: date
    due_within: int
    overdue: tuple[DigestEntry, ...]
    due_soon: tuple[DigestEntry, ...]
    newly_done: tuple[DigestEntry, ...]
    newly_overdue: tuple[DigestEntry, ...]
    backlog: tuple[BacklogEntry, ...]
    has_news: bool

    @property
    def subject(self) -> str:
        """An e-mail subject line."""
        if not self.has_news:
            return f"Follow-up digest {self.as_of}: nothing new"
        return (
            f"Follow-up digest {self.as_of}: {len(self.overdue)} overdue, "
            f"{len(self.newly_done)} newly done"
        )

    def _parts(self) -> list[tuple[str, tuple[DigestEntry, ...]]]:
        return [
            ("Newly overdue", self.newly_overdue),
            ("Overdue", self.overdue),
            (f"Due in the next {self.due_within} days", self.due_soon),
            ("Newly done", self.newly_done),
        ]

    def markdown(self) -> str:
        """The digest as Markdown (also the plain-text e-mail part and the webhook text)."""
        lines = [f"# Follow-up digest for {_md(self.recipient)}, {self.as_of}", ""]
        if not self.has_news:
            lines += [f"Nothing new since {self.since}.", ""]
            lines += [f"Still overdue: {len(self.overdue)}; due soon: {len(self.due_soon)}."]
            return "\n".join(lines) + "\n"
        lines += [f"Changes since {self.since}.", ""]
        for heading, entries in self._parts():
            if not entries:
                continue
            lines += [f"## {heading} ({len(entries)})", ""]
            lines += [f"- {_entry_md(entry)}" for entry in entries]
            lines.append("")
        if self.backlog:
            lines += [f"## Post-mortems not yet reviewed ({len(self.backlog)})", ""]
            for one in self.backlog:
                lines.append(f"- {_md(one.title)} ({one.incident_id}), {one.age_days} days old")
            lines.append("")
        return "\n".join(lines).rstrip("\n") + "\n"

    def html(self) -> str:
        """The digest as a self-contained HTML e-mail body (inline styles; all text escaped)."""
        esc = html.escape
        style = "font-family:system-ui,-apple-system,Segoe UI,sans-serif;color:#1f2328"
        out = [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            f"<title>{esc(self.subject)}</title></head>",
            f'<body style="{style};max-width:42em;margin:1em auto">',
            f'<h1 style="font-size:1.3em">Follow-up digest for {esc(self.recipient)}, '
            f"{self.as_of}</h1>",
        ]
        if not self.has_news:
            out.append(f"<p>Nothing new since {self.since}.</p>")
            out.append(
                f"<p>Still overdue: {len(self.overdue)}; due soon: {len(self.due_soon)}.</p>"
            )
        else:
            out.append(f'<p style="color:#59636e">Changes since {self.since}.</p>')
            for heading, entries in self._parts():
                if not entries:
                    continue
                out.append(f'<h2 style="font-size:1.1em">{esc(heading)} ({len(entries)})</h2>')
                out.append("<ul>")
                out += [f"<li>{_entry_html(entry)}</li>" for entry in entries]
                out.append("</ul>")
            if self.backlog:
                out.append(
                    f'<h2 style="font-size:1.1em">Post-mortems not yet reviewed '
                    f"({len(self.backlog)})</h2><ul>"
                )
                for one in self.backlog:
                    out.append(
                        f"<li>{esc(one.title)} ({esc(one.incident_id)}), "
                        f"{one.age_days} days old</li>"
                    )
                out.append("</ul>")
        out.append("</body></html>")
        return "\n".join(out) + "\n"


def _md(text: str) -> str:
    """Text that Markdown shows as written (no links, emphasis or HTML from user text)."""
    for char in "\\`*_[]<>#|":
        text = text.replace(char, "\\" + char)
    return " ".join(text.split())


def _safe_link(link: str | None) -> str | None:
    return link if link and link.startswith(("https://", "http://")) else None


def _entry_facts(entry: DigestEntry) -> str:
    facts = [f"{entry.incident_id} / {entry.action_id}"]
    if entry.owner:
        facts.append(f"owner {entry.owner}")
    if entry.due is not None:
        facts.append(f"due {entry.due}")
    if entry.days_overdue:
        facts.append(f"{entry.days_overdue} days overdue")
    if entry.completed_at is not None:
        facts.append(f"done {entry.completed_at:%Y-%m-%d}")
    return ", ".join(facts)


def _entry_md(entry: DigestEntry) -> str:
    text = f"**{_md(entry.title)}** ({_md(_entry_facts(entry))})"
    link = _safe_link(entry.link)
    return f"{text} <{link}>" if link and not any(c in link for c in "<> ") else text


def _entry_html(entry: DigestEntry) -> str:
    title = html.escape(entry.title)
    link = _safe_link(entry.link)
    if link:
        title = f'<a href="{html.escape(link, quote=True)}">{title}</a>'
    return f"<strong>{title}</strong> ({html.escape(_entry_facts(entry))})"


@dataclass(frozen=True)
class Digest:
    """A digest for every recipient, and the state the next digest compares against."""

    as_of: date
    by: str
    recipients: tuple[RecipientDigest, ...]
    state: dict[str, Any]

    def to_send(self, on_nothing: str = "note") -> tuple[RecipientDigest, ...]:
        """The recipients to deliver to: all, or (``on_nothing="skip"``) those with news."""
        check_choice("on_nothing", on_nothing, ("note", "skip"), error=FollowupError)
        if on_nothing == "skip":
            return tuple(one for one in self.recipients if one.has_news)
        return self.recipients


def state_path(path: str | Path, by: str = "owner") -> Path:
    """Where the digest state of a corpus lives: ``.pmanalytics-digest-<by>.json`` beside it."""
    root = Path(path)
    folder = root if root.is_dir() else root.parent
    return folder / f".pmanalytics-digest-{by}.json"


def load_state(path: str | Path, by: str = "owner") -> dict[str, Any] | None:
    """The state of the previous digest, or None when there was none."""
    file = state_path(path, by)
    if not file.exists():
        return None
    try:
        state = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise FollowupError(f"{file}: the digest state cannot be read ({exc}); remove it") from exc
    if not isinstance(state, dict) or state.get("version") != STATE_VERSION:
        raise FollowupError(f"{file}: not a digest state file of version {STATE_VERSION}")
    return state


def save_state(path: str | Path, digest: Digest) -> Path:
    """Keep ``digest.state`` for the next digest (atomically)."""
    return atomic_write_text(
        state_path(path, digest.by), json.dumps(digest.state, indent=1, sort_keys=True) + "\n"
    )


def _state_of(row: Any, soon: pd.Timestamp) -> str:
    if row.state != "open":
        return str(row.state)
    if row.is_overdue:
        return "overdue"
    if pd.notna(row.due_date) and row.due_date <= soon:
        return "due_soon"
    return "open"


def _entry(row: Any) -> DigestEntry:
    def text(value: Any) -> str | None:
        return None if pd.isna(value) else str(value)

    return DigestEntry(
        incident_id=str(row.incident_id),
        action_id=str(row.action_id),
        title=str(row.title),
        owner=text(row.owner),
        team=text(row.team),
        due=None if pd.isna(row.due_date) else row.due_date.date(),
        days_overdue=int(row.days_overdue),
        completed_at=None if pd.isna(row.completed_at) else row.completed_at.to_pydatetime(),
        link=text(row.link),
    )


def build_digest(
    data: Corpus | str | Path,
    as_of: date | str,
    *,
    by: str = "owner",
    due_within: int = 7,
    state: dict[str, Any] | None = None,
) -> Digest:
    """Build the digest of every owner (or team) at ``as_of``.

    Parameters
    ----------
    data : Corpus or path
        The post-mortems.
    as_of : date
        The day of the digest.
    by : ``owner`` or ``team``
        Who gets a digest (an action's team is its incident's first team; team digests
        also list that team's post-mortems not yet reviewed).
    due_within : int
        Days ahead that count as "due soon" (7).
    state : dict, optional
        The previous digest's state (:func:`load_state`); None for a first digest.
    """
    day = user_date(as_of, error=FollowupError)
    check_choice("by", by, ("owner", "team"), error=FollowupError)
    check_int("due_within", due_within, minimum=0, error=FollowupError)
    corpus = data if isinstance(data, Corpus) else load(data)
    previous: dict[str, str] = dict(state["actions"]) if state else {}
    since = date.fromisoformat(state["as_of"]) if state else day - timedelta(days=due_within)
    status = metrics.action_status(corpus, day)
    soon = pd.Timestamp(day) + pd.Timedelta(days=due_within)
    fallback = "unassigned" if by == "owner" else "unknown"
    current: dict[str, str] = {}
    grouped: dict[str, list[tuple[str, DigestEntry]]] = {}
    for row in status.itertuples(index=False):
        entry = _entry(row)
        now_state = _state_of(row, soon)
        current[entry.key] = now_state
        recipient = (entry.owner if by == "owner" else entry.team) or fallback
        grouped.setdefault(recipient, []).append((now_state, entry))
    backlog = _backlog(corpus, day, fallback) if by == "team" else {}
    recipients = [
        _recipient(name, by, day, since, due_within, grouped[name], previous, state)
        for name in sorted(grouped)
    ]
    recipients = [replace(one, backlog=backlog.get(one.recipient, ())) for one in recipients]
    recipients = [one for one in recipients if _worth_sending(one)]
    new_state = {"version": STATE_VERSION, "as_of": day.isoformat(), "by": by, "actions": current}
    return Digest(day, by, tuple(recipients), new_state)


def _backlog(corpus: Corpus, day: date, fallback: str) -> dict[str, tuple[BacklogEntry, ...]]:
    found: dict[str, list[BacklogEntry]] = {}
    rows = review_backlog(corpus, day).to_dict("records")
    for row in rows:
        team = fallback if pd.isna(row["team"]) else str(row["team"])
        age = None if pd.isna(row["age_days"]) else int(row["age_days"])
        entry = BacklogEntry(str(row["incident_id"]), str(row["title"]), age)
        found.setdefault(team, []).append(entry)
    return {team: tuple(entries) for team, entries in found.items()}


def _worth_sending(one: RecipientDigest) -> bool:
    return bool(one.overdue or one.due_soon or one.newly_done or one.has_news or one.backlog)


def _recipient(
    recipient: str,
    by: str,
    day: date,
    since: date,
    due_within: int,
    rows: list[tuple[str, DigestEntry]],
    previous: dict[str, str],
    state: dict[str, Any] | None,
) -> RecipientDigest:
    since_stamp = pd.Timestamp(since, tz="UTC") + pd.Timedelta(days=1)

    def is_new(key: str, now_state: str, entry: DigestEntry) -> bool:
        if state is not None:
            before = previous.get(key)
            return before != now_state and not (before is None and now_state in _QUIET)
        if now_state == "done":
            return entry.completed_at is not None and entry.completed_at >= since_stamp
        if now_state == "overdue":
            return entry.due is not None and entry.due >= since
        return now_state == "due_soon"

    def by_state(name: str) -> tuple[DigestEntry, ...]:
        return tuple(entry for state_, entry in rows if state_ == name)

    def newly(name: str) -> tuple[DigestEntry, ...]:
        return tuple(e for s, e in rows if s == name and is_new(e.key, s, e))

    overdue = tuple(sorted(by_state("overdue"), key=lambda e: -e.days_overdue))
    due_soon = tuple(sorted(by_state("due_soon"), key=lambda e: (e.due or day, e.key)))
    news = any(is_new(e.key, s, e) for s, e in rows)
    return RecipientDigest(
        recipient=recipient,
        by=by,
        as_of=day,
        since=since,
        due_within=due_within,
        overdue=overdue,
        due_soon=due_soon,
        newly_done=newly("done"),
        newly_overdue=tuple(sorted(newly("overdue"), key=lambda e: -e.days_overdue)),
        backlog=(),
        has_news=news,
    )
