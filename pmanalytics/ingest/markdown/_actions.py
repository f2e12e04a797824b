"""Action items in foreign Markdown: tables and bullets, with their status, owner and due date."""

from __future__ import annotations

import re
from typing import Any

from ..._ids import stable_id
from ..._sections import normalise_heading
from ._blocks import Block, Heading, ListItem, Node
from ._time import parse_moment

_STATUS_MARKERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "done",
        re.compile(
            r"^\s*\[[xX]\]\s*|\((?:done|completed?|fixed)\)|\[(?:done|completed?)\]"
            r"|\*\*(?:done|completed?)\*\*|^\s*(?:done|completed?)\s*(?::|\s[-–—])\s*|✅|✔️?",
            re.IGNORECASE,
        ),
    ),
    (
        "wont_do",
        re.compile(
            r"\((?:won'?t\s*(?:do|fix)|wontfix|cancell?ed|dropped)\)"
            r"|\*\*(?:won'?t\s*(?:do|fix)|cancell?ed)\*\*",
            re.IGNORECASE,
        ),
    ),
    (
        "in_progress",
        re.compile(
            r"\((?:in[ -]progress|wip|started|ongoing)\)"
            r"|\*\*(?:in[ -]progress|wip)\*\*",
            re.IGNORECASE,
        ),
    ),
    (
        "open",
        re.compile(
            r"^\s*\[ \]\s*|\((?:todo|to do|open|not started)\)|\*\*(?:todo|to do)\*\*"
            r"|^\s*todo\s*(?::|\s[-–—])\s*",
            re.IGNORECASE,
        ),
    ),
)
_STATUS_WORDS = {
    "done": "done",
    "complete": "done",
    "completed": "done",
    "fixed": "done",
    "closed": "done",
    "resolved": "done",
    "todo": "open",
    "to do": "open",
    "open": "open",
    "not started": "open",
    "in progress": "in_progress",
    "started": "in_progress",
    "wip": "in_progress",
    "won t do": "wont_do",
    "wont do": "wont_do",
    "won t fix": "wont_do",
    "cancelled": "wont_do",
    "canceled": "wont_do",
    "dropped": "wont_do",
}
_KIND_WORDS = {
    "prevent": "prevent",
    "prevention": "prevent",
    "preventive": "prevent",
    "mitigate": "mitigate",
    "mitigation": "mitigate",
    "detect": "detect",
    "detection": "detect",
    "monitoring": "detect",
    "alerting": "detect",
    "process": "process",
    "repair": "mitigate",
    "investigate": "other",
    "other": "other",
}
_OWNER = re.compile(
    r"(?:^|(?<=[\s(\[]))@(?P<handle>[\w.\-]*\w)"
    r"|\b(?:owner|assignee|owned by)\s*(?::|=|\s[-–—]\s)\s*(?P<name>[^,;()\]\n]+)",
    re.IGNORECASE,
)
_MARKDOWN_LINK = re.compile(r"\[(?P<text>[^\]]+)\]\((?P<url>https?://[^)\s]+)\)")
_DUE = re.compile(
    r"\b(?:due(?:\s+(?:date|by|on))?|deadline|by)\s*[:=]?\s*(?P<date>\d{4}-\d{1,2}-\d{1,2}"
    r"|[A-Z][a-z]{2,8}\.? \d{1,2}(?:st|nd|rd|th)?,? \d{4}|\d{1,2} [A-Z][a-z]{2,8} \d{4})",
    re.IGNORECASE,
)
_URL = re.compile(r"https?://[^\s)>\]]+")
_STRUCK = re.compile(r"^\s*~~(?P<text>.+?)~~\s*$", re.DOTALL)
_BOLD_LEAD = re.compile(
    r"^\s*\*\*(?P<title>[^*]+?)(?::\*\*|\*\*\s*(?::|\s[-–—]))\s*(?P<rest>.*)$", re.DOTALL
)


def read_actions(nodes: list[Node], taken: set[str]) -> tuple[list[dict[str, Any]], list[str]]:
    """Action items from tables, bullet lists and paragraphs, markers read and removed.

    Returns the actions and the section's other text (sub-headings, an introduction
    such as "We will track these in Jira:", quotes, code), kept for ``extra``.
    """
    actions: list[dict[str, Any]] = []
    notes: list[str] = []
    for node in nodes:
        if isinstance(node, Heading):
            notes.append(f"{'#' * node.level} {node.text}")
        elif node.kind == "table":
            actions.extend(_table_actions(node, taken))
        elif node.kind == "list":
            for item in node.items:
                actions.extend(_list_actions(item, None, taken))
        elif node.kind == "paragraph" and not node.text.rstrip().endswith(":"):
            action = action_from_text(node.text, taken)
            if action:
                actions.append(action)
        else:
            notes.append(node.text)
    return actions, notes


def _list_actions(item: ListItem, parent: str | None, taken: set[str]) -> list[dict[str, Any]]:
    action = action_from_text(item.text, taken)
    found: list[dict[str, Any]] = []
    if action is not None:
        if parent is not None:
            action.setdefault("extra", {})["parent"] = parent
        found.append(action)
    for child in item.children:
        found.extend(_list_actions(child, action["id"] if action else parent, taken))
    return found


def action_from_text(text: str, taken: set[str], **known: Any) -> dict[str, Any] | None:
    """One action from a bullet or cell: status, owner, due date and link read from the text.

    Examples
    --------
    >>> a = action_from_text("[x] Add disk alert @ana due 2024-05-01", set())
    >>> a["title"], a["status"], a["owner"], a["due"]
    ('Add disk alert', 'done', 'ana', '2024-05-01')
    """
    status = known.pop("status", None)
    struck = _STRUCK.match(text)
    if struck:
        text, status = struck["text"], status or "done"
    for name, pattern in _STATUS_MARKERS:
        if pattern.search(text):
            status = status or name
            text = pattern.sub(" ", text)
    extra: dict[str, Any] = {}
    owner = known.pop("owner", None)
    found_owner = _OWNER.search(text)
    if found_owner:
        owner = owner or (found_owner["handle"] or found_owner["name"]).strip()
        text = text[: found_owner.start()] + " " + text[found_owner.end() :]
    due = known.pop("due", None)
    found_due = _DUE.search(text)
    if found_due:
        due = due or _iso_day(found_due["date"])
        text = text[: found_due.start()] + " " + text[found_due.end() :]
    link = known.pop("link", None)
    markdown_link = _MARKDOWN_LINK.search(text)
    if markdown_link:
        link = link or markdown_link["url"]
        text = text[: markdown_link.start()] + markdown_link["text"] + text[markdown_link.end() :]
    url = _URL.search(text)
    if url:
        link = link or url.group(0).rstrip(".,;:!?")
        text = text[: url.start()] + text[url.end() :]
    text = re.sub(r"\(\s*\)|\[\s*\]", " ", text.replace("~~", ""))
    bold = _BOLD_LEAD.match(text)
    if bold and bold["rest"].strip():
        title, details = bold["title"], bold["rest"].strip()
    else:
        first, _, rest = text.strip().partition("\n")
        title, details = first, rest.strip()
    title = re.sub(r"\s{2,}", " ", re.sub(r"\*\*|__", "", title)).strip(" \t-–—:;,.*_")
    if not title:
        return None
    if details:
        extra["details"] = details
    action: dict[str, Any] = {"id": stable_id("a", title, taken), "title": title, **known}
    for key, value in (("status", status), ("owner", owner), ("due", due), ("link", link)):
        if value:
            action[key] = value
    if extra:
        action["extra"] = {**action.get("extra", {}), **extra}
    return action


def _iso_day(text: str) -> str | None:
    moment = parse_moment(text, default_date=None, zone=None)
    return moment.at.date().isoformat() if moment and moment.has_date else None


def _table_actions(block: Block, taken: set[str]) -> list[dict[str, Any]]:
    header = [normalise_heading(cell) for cell in block.header]

    def col(*words: str) -> int | None:
        for index, cell in enumerate(header):
            if any(word in cell.split() or cell == word for word in words):
                return index
        return None

    title_col = col("action", "item", "task", "description", "title", "summary", "what")
    columns = {
        "kind": col("type", "kind", "category"),
        "owner": col("owner", "owners", "assignee", "who", "responsible"),
        "link": col("bug", "ticket", "issue", "link", "jira", "tracking"),
        "status": col("status", "state", "done"),
        "due": col("due", "deadline", "eta", "by"),
        "priority": col("priority", "prio", "severity"),
    }
    title_col = 0 if title_col is None else title_col
    actions = []
    for row in block.rows:
        cells = row + [""] * (len(header) - len(row))
        known: dict[str, Any] = {}
        for key, index in columns.items():
            if index is None or index == title_col or index >= len(cells) or not cells[index]:
                continue
            value = cells[index]
            marker = _status_in(value)
            if marker:
                known.setdefault("status", marker)
                value = _strip_markers(value)
            if not value or normalise_heading(value) in ("n a", "na", "none", "tbd"):
                continue
            if key == "kind":
                kind = _KIND_WORDS.get(normalise_heading(value))
                known["kind"] = kind or "other"
                if kind is None:
                    known.setdefault("extra", {})["type"] = value
            elif key == "status":
                word = _STATUS_WORDS.get(normalise_heading(value))
                known.setdefault("status", word or "open")
                if word is None:
                    known.setdefault("extra", {})["status_text"] = value
            elif key == "due":
                known["due"] = _iso_day(value)
                if known["due"] is None:
                    known.setdefault("extra", {})["due_text"] = value
            elif key == "owner":
                known["owner"] = value.lstrip("@").strip()
            else:
                known[key] = value
        extras = {
            block.header[i]: cells[i]
            for i in range(min(len(cells), len(block.header)))
            if i != title_col and i not in columns.values() and cells[i]
        }
        if extras:
            known.setdefault("extra", {}).update(extras)
        action = action_from_text(cells[title_col], taken, **known)
        if action:
            actions.append(action)
    return actions


def _status_in(text: str) -> str | None:
    word = normalise_heading(text)
    if word in ("done", "todo", "to do"):
        return _STATUS_WORDS[word]
    for name, pattern in _STATUS_MARKERS:
        if pattern.search(text):
            return name
    return None


def _strip_markers(text: str) -> str:
    for _, pattern in _STATUS_MARKERS:
        text = pattern.sub(" ", text)
    text = text.strip()
    return "" if normalise_heading(text) in ("done", "todo", "to do") else text
