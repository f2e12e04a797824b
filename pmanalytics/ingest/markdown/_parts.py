"""Read the structured parts of foreign Markdown: timelines, action items, stats, attendees."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from ..._sections import normalise_heading
from ._blocks import Block, Heading, ListItem, Node, raw_cells
from ._time import ZONE_ALIASES, Moment, parse_duration, parse_moment, stated_zone

# --------------------------------------------------------------------------- timeline

_ZONE_HINT = r"(?:\s*\b(?:" + "|".join(sorted(ZONE_ALIASES, key=len, reverse=True)) + r")\b)?"
_CLOCK = r"\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?"
_STAMP = re.compile(
    r"^\W{0,3}?(?P<stamp>"
    r"(?:\d{4}-\d{1,2}-\d{1,2}(?:[ T,]+" + _CLOCK + r")?|" + _CLOCK + r")" + _ZONE_HINT + r")"
    r"(?:\s*[-–—]\s*(?P<until>" + _CLOCK + r"))?"  # a range: "10:05-10:30"
    r"(?P<close>\W{0,3}?)(?:\s*[-–—:|]\s*|\s+)(?P<rest>.+)$",
    re.IGNORECASE | re.DOTALL,
)
_SEPARATORS = (" - ", " – ", " — ", ": ", " | ")


def split_stamp(text: str) -> tuple[str, str] | None:
    """A leading date or time and the rest: ``14:02 UTC - alert`` or ``June 22, 2021: x``.

    Examples
    --------
    >>> split_stamp("June 22, 2021 11:50 PM - backups stop")
    ('June 22, 2021 11:50 PM', 'backups stop')
    >>> split_stamp("10:05-10:30 elevated 5xx")
    ('10:05', 'elevated 5xx')
    """
    text = text.strip()
    found = _STAMP.match(text)
    if found:
        return found["stamp"], found["rest"].strip()
    for separator in _SEPARATORS:
        index = text.find(separator)
        if 0 < index <= 40:
            head = text[:index].strip(" *_")
            if parse_moment(head, default_date=date(2000, 1, 1), zone=None) is not None:
                return head, text[index + len(separator) :].strip()
    return None


_KIND_WORDS_BY_EVENT = {
    "trigger": (
        r"\b(?:outage|incident|impact|problem)\s+(?:begins|began|starts|started)\b",
        r"^\W*trigger\b",
    ),
    "communication": (
        r"\bstatus\s*page\b",
        r"\bcustomers? (?:were )?notified\b",
        r"\bannounce",
    ),
    "resolution": (
        r"\b(?:outage|incident)\s+ends\b",
        r"^\W*resolution\b",
        r"(?<!not )(?<!not yet )(?<!un)\bresolved\b",
        r"\b(?:fully\s+)?recovered\b",
        r"\bback to normal\b",
        r"\ball systems (?:verified )?operational",
    ),
    "mitigation": (
        r"\bmitigat",
        r"\brolled?\s*back\b",
        r"\brollback\b",
        r"\breverted\b",
        r"\bworkaround",
        r"\bfail(?:ed)?\s*over\b",
        r"\brestored\b",
    ),
    "detection": (
        r"\bdetect",
        r"\balert(?:s|ed)?\b",
        r"\bpage[rd]?\b",
        r"\bnoticed\b",
        r"\breported\b",
        r"\bobserved?\b",
        r"\bbecame aware\b",
    ),
    "escalation": (r"\bescalat", r"\bincident (?:declared|commander)\b", r"\bsev\s*\d\b"),
}
#: The first rule whose words appear decides an event's kind (order matters).
_KIND_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile("|".join(words), re.IGNORECASE))
    for kind, words in _KIND_WORDS_BY_EVENT.items()
)


def event_kind(text: str) -> str | None:
    """Guess what a timeline entry marks from its words ("OUTAGE BEGINS", "alert fired").

    Examples
    --------
    >>> event_kind("**OUTAGE BEGINS** config pushed"), event_kind("Issue detected by alerts")
    ('trigger', 'detection')
    """
    for kind, pattern in _KIND_RULES:
        if pattern.search(text):
            return kind
    return None


@dataclass
class TimelineResult:
    events: list[dict[str, Any]] = field(default_factory=list)
    unparsed: list[str] = field(default_factory=list)
    notes: list[tuple[int | None, str]] = field(default_factory=list)


class TimelineReader:
    """Collects timeline entries from tables, bullets, lines and one heading per time."""

    def __init__(self, zone: tzinfo | None, default_date: date | None, offset: int) -> None:
        self.zone = zone
        self.current_date = default_date
        self.offset = offset
        self.last: datetime | None = None
        self.result = TimelineResult()

    def read(self, nodes: list[Node]) -> TimelineResult:
        for node in nodes:  # a zone stated on a line of its own applies to every entry
            if isinstance(node, Block) and node.kind == "paragraph":
                for line in node.text.split("\n"):
                    if split_stamp(line) is None and stated_zone(line):
                        self.zone = stated_zone(line)
        pending: Moment | None = None
        pending_text: list[str] = []
        for node in nodes:
            if isinstance(node, Heading):
                self._flush(pending, pending_text)
                pending, pending_text = self._moment(node.text), []
                if pending is None:
                    self.result.unparsed.append(node.text)
                    self.result.notes.append(
                        (self.offset + node.line + 1, f"timeline heading {node.text!r} has no time")
                    )
            elif pending is not None:
                pending_text.append(node.text)
            elif node.kind == "table":
                self._table(node)
            elif node.kind == "list":
                for item in _flatten(node.items):
                    self._line(item.text, self.offset + item.line + 1)
            else:
                for number, line in enumerate(node.text.split("\n")):
                    self._line(line, self.offset + node.start + number + 1, quiet=True)
        self._flush(pending, pending_text)
        return self.result

    def _moment(self, text: str) -> Moment | None:
        moment = parse_moment(text, default_date=self.current_date, zone=self.zone)
        if moment is None:
            return None
        if moment.has_date:
            self.current_date = moment.at.date()
        elif self.last is not None and moment.at < self.last - timedelta(hours=1):
            moment = Moment(moment.at + timedelta(days=1), False, moment.has_time)
            self.current_date = moment.at.date()
        self.last = moment.at
        return moment

    def _add(self, moment: Moment, text: str, extra: dict[str, Any] | None = None) -> None:
        text = text.strip()
        if not text:
            return
        event: dict[str, Any] = {"at": moment.at, "text": text, "kind": event_kind(text)}
        if not moment.has_time:
            event["extra"] = {"time_known": False}
        if extra:
            event.setdefault("extra", {}).update(extra)
        self.result.events.append(event)

    def _flush(self, pending: Moment | None, texts: list[str]) -> None:
        if pending is not None:
            self._add(pending, "\n\n".join(texts))

    def _table(self, block: Block) -> None:
        header = [normalise_heading(cell) for cell in block.header]
        zone = stated_zone(" ".join(block.header))
        if zone is not None:
            self.zone = zone
        time_col = _column(header, ("time", "date", "when", "timestamp", "utc"), 0)
        text_col = _column(
            header,
            ("event", "description", "what", "action", "activity", "details", "note", "update"),
            1 if len(header) > 1 else 0,
        )
        for row, line in zip(block.rows, block.row_lines, strict=False):
            number = self.offset + line + 1
            cells = row + [""] * (len(header) - len(row))
            extra_cells: list[str] = []
            if line in block.ragged:
                written = raw_cells_of(block, line)
                extra_cells = written[len(header) :]
                self.result.notes.append(
                    (number, f"table row has {len(written)} cells, its header {len(header)}")
                )
            stamp = cells[time_col] if time_col < len(cells) else ""
            moment = self._moment(stamp)
            text = cells[text_col] if text_col < len(cells) else ""
            others: dict[str, Any] = {
                block.header[i]: cells[i]
                for i in range(len(cells))
                if i not in (time_col, text_col) and i < len(block.header) and cells[i]
            }
            if extra_cells:
                others["extra_cells"] = extra_cells
            if not text.strip():
                text = " | ".join(str(v) for v in others.values() if isinstance(v, str))
            if moment is None:
                self.result.unparsed.append(" | ".join(cells + extra_cells))
                self.result.notes.append(
                    (number, f"timeline row without a date or time: {stamp!r}")
                )
                continue
            if not moment.has_time and stamp.strip():
                others["time_text"] = stamp.strip()
            self._add(moment, text, others or None)

    def _line(self, text: str, number: int, quiet: bool = False) -> None:
        text = text.strip()
        if not text:
            return
        parts = split_stamp(text)
        if parts is not None:
            moment = self._moment(parts[0])
            if moment is not None:
                rest = parts[1]
                if stated_zone(rest) and len(rest) < 40:
                    self.zone = stated_zone(rest)  # "2015-10-21 (all times UTC)"
                    return
                self._add(moment, rest)
                return
        if split_stamp(text) is None and stated_zone(text) and len(text) < 60:
            return  # "All times in UTC."
        alone = parse_moment(text, default_date=None, zone=self.zone)
        if alone is not None and alone.has_date and not alone.has_time and len(text) < 40:
            self.current_date = alone.at.date()  # "**February 22, 2022**" heads what follows
            return
        if self.result.events and quiet:
            self.result.events[-1]["text"] += "\n" + text
            return
        self.result.unparsed.append(text)
        what = "without a date" if _TIME_ONLY.search(text) else "without a time"
        self.result.notes.append((number, f"timeline entry {what}: {text[:60]!r}"))


_TIME_ONLY = re.compile(r"^\W*\d{1,2}:\d{2}")


def raw_cells_of(block: Block, line: int) -> list[str]:
    start = block.start
    return raw_cells(block.text.split("\n")[line - start]) if line >= start else []


def _column(header: list[str], words: tuple[str, ...], default: int) -> int:
    for index, cell in enumerate(header):
        if any(word in cell.split() for word in words):
            return index
    return default


def _flatten(items: list[ListItem]) -> list[ListItem]:
    out: list[ListItem] = []
    for item in items:
        out.append(item)
        out.extend(_flatten(item.children))
    return out


# --------------------------------------------------------------------------- stats, people

_STAT_KEYS = {
    "category": "category",
    "categories": "category",
    "type": "category",
    "time to detection": "detect",
    "time to detect": "detect",
    "detection time": "detect",
    "ttd": "detect",
    "time to mitigation": "mitigate",
    "time to mitigate": "mitigate",
    "ttm": "mitigate",
    "time to recovery": "resolve",
    "time to recover": "resolve",
    "time to resolve": "resolve",
    "time to resolution": "resolve",
    "ttr": "resolve",
    "duration": "resolve",
    "outage duration": "resolve",
    "severity": "severity",
    "sev": "severity",
    "services": "services",
    "service": "services",
    "affected services": "services",
    "team": "teams",
    "teams": "teams",
    "customers affected": "customers",
}


def _lines(node: Block) -> list[str]:
    """A block's entries: list items, table rows as ``cell: cell``, or lines."""
    if node.kind == "list":
        return [item.text for item in _flatten(node.items)]
    if node.kind == "table":
        return [": ".join(cell for cell in row if cell) for row in [node.header, *node.rows]]
    return node.text.split("\n")


def read_stats(nodes: list[Node]) -> dict[str, Any]:
    """``- Key: value`` lines or a two-column table: durations, category, severity, services.

    Every line is kept raw too (``raw``; lines without a key in ``notes``).
    """
    found: dict[str, Any] = {"raw": {}, "notes": []}
    for node in nodes:
        if not isinstance(node, Block):
            continue
        for line in _lines(node):
            key, sep, value = line.partition(":")
            if not sep:
                if line.strip():
                    found["notes"].append(line.strip())
                continue
            key_text, value = key.strip(" *_"), re.sub(r"\[\^\w+\]", "", value).strip(" *_.")
            found["raw"][key_text] = value
            meaning = _STAT_KEYS.get(normalise_heading(key_text))
            if meaning in ("detect", "mitigate", "resolve"):
                duration = parse_duration(value)
                if duration is not None:
                    found[meaning] = duration
            elif meaning == "customers":
                digits = re.sub(r"[^\d]", "", value)
                if digits:
                    found["customers"] = int(digits)
            elif meaning and value:
                found[meaning] = value
    return found


_ROLE_WORDS = {
    "facilitator": "facilitator",
    "incident commander": "responder",
    "ic": "responder",
    "responders": "responder",
    "observers": "observer",
    "attendees": "participant",
    "participants": "participant",
    "scribe": "scribe",
    "note taker": "scribe",
    "responder": "responder",
    "on call": "responder",
    "observer": "observer",
}


def read_participants(nodes: list[Node]) -> list[dict[str, str]]:
    """Attendees from bullets, lines or a table; a role in brackets or as ``Role: Name``."""
    people: list[dict[str, str]] = []
    seen: set[str] = set()
    for node in nodes:
        if not isinstance(node, Block):
            continue
        lines = _lines(node)[1:] if node.kind == "table" else _lines(node)
        for line in lines:
            role = "participant"
            head, sep, rest = line.partition(":")
            if sep and normalise_heading(head) in _ROLE_WORDS:
                role, line = _ROLE_WORDS[normalise_heading(head)], rest
            elif sep and normalise_heading(rest) in _ROLE_WORDS:  # a table row: name: role
                role, line = _ROLE_WORDS[normalise_heading(rest)], head
            for chunk in re.split(r",|;|\band\b", line):
                name, this_role = chunk.strip(" *_-"), role
                bracket = re.search(r"[(\[](?P<role>[^)\]]+)[)\]]", name)
                if bracket:
                    this_role = _ROLE_WORDS.get(normalise_heading(bracket["role"]), role)
                    name = (name[: bracket.start()] + name[bracket.end() :]).strip(" -–—:")
                if name and "\n" not in name and name not in seen:
                    seen.add(name)
                    people.append({"name": name, "role": this_role})
    return people
