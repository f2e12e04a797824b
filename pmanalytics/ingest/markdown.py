"""Import post-mortems written in Markdown from other templates.

Recognised out of the box (see :data:`SECTION_MAP`): the seed template's sections,
the Google SRE book template, PagerDuty and Atlassian style post-mortems, and
``## Stats`` lists such as ``- Time to detection: 64 minutes``. Headings are matched
tolerantly (case, punctuation, emoji, numbering, H1-H4, setext, close spellings).

Nothing is dropped: a section that is not understood is kept as raw text in
``extra["sections"]``, and every document gets a :class:`MarkdownReport` saying
which sections were recognised and what was left over.

Examples
--------
>>> text = '''# Checkout down
...
... ## Summary
... A bad config push.
...
... ## Timeline
... All times in UTC.
...
... | Time | Event |
... |---|---|
... | 2024-05-01 14:02 | Config pushed |
... | 2024-05-01 14:10 | Alert fired |
...
... ## Action Items
... - [x] Add a canary stage @ana
... '''
>>> result = parse_markdown(text, path="2024-05-01-checkout-down.md")
>>> pm = result.postmortem
>>> pm.id, pm.title, pm.time_to_detect
('2024-05-01-checkout-down', 'Checkout down', datetime.timedelta(seconds=480))
>>> pm.actions[0].title, pm.actions[0].status, pm.actions[0].owner
('Add a canary stage', 'done', 'ana')
>>> result.report.recognised
(('Summary', 'summary'), ('Timeline', 'timeline'), ('Action Items', 'actions'))
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from .._errors import IngestError, ModelError
from .._files import load_front_matter, split_front_matter, unix_lines
from .._ids import stable_id
from .._model import (
    POSTMORTEM_STATUSES,
    TEMPLATE_SECTIONS,
    PostMortem,
    as_aware,
    is_slug,
    slugify,
)
from .._sections import SECTION_MAP, Part, build_section_map, match_heading, normalise_heading
from ._exports import DEFAULT_MAX_BYTES, load_text
from ._md_actions import read_actions
from ._md_blocks import Block, Heading, Node, parse_blocks
from ._md_parts import TimelineReader, read_participants, read_stats
from ._md_time import date_in_name, parse_moment, stated_zone
from .records import Derived, FieldSource, derived, map_fields

__all__ = [
    "DEFAULT_MAX_BYTES",
    "SECTION_MAP",
    "MarkdownImport",
    "MarkdownReport",
    "parse_markdown",
    "read_markdown",
    "read_text",
]


_ITEM_SECTIONS = TEMPLATE_SECTIONS
_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _first(*keys: str) -> Derived:
    """The first of ``keys`` the front matter has a value for."""

    def pick(record: Mapping[str, Any]) -> Any:
        return next((record[k] for k in keys if record.get(k) not in (None, "", [])), None)

    return derived(pick, *keys)


def _every(*keys: str) -> Derived:
    """All values of ``keys``, as one list (comma-separated strings are split)."""

    def gather(record: Mapping[str, Any]) -> list[str] | None:
        values: list[str] = []
        for key in keys:
            value = record.get(key)
            items = value if isinstance(value, list) else re.split(r"\s*,\s*", str(value or ""))
            values.extend(str(v).strip() for v in items if str(v).strip())
        return list(dict.fromkeys(values)) or None

    return derived(gather, *keys)


#: How other tools' front matter maps onto the model (the records mapping mechanism).
FRONT_MATTER_MAPPING: dict[str, FieldSource] = {
    "id": _first("id", "slug"),
    "title": _first("title", "name"),
    "status": _first("status"),
    "severity": _first("severity", "sev"),
    "summary": _first("summary", "description", "what_happened"),
    "started_at": _first(
        "started_at", "start_time", "start", "start_date", "date", "incident_date", "began"
    ),
    "detected_at": _first("detected_at", "detection_time"),
    "mitigated_at": _first("mitigated_at"),
    "resolved_at": _first("resolved_at", "end_time", "end", "ended_at", "end_date"),
    "tags": _every("tags", "categories", "category", "keywords", "labels"),
    "services": _every(
        "services", "service", "product", "products", "components", "component", "systems"
    ),
    "teams": _every("teams", "team"),
}


@dataclass(frozen=True)
class MarkdownReport:
    """What the importer made of one document."""

    recognised: tuple[tuple[str, str], ...] = ()
    """(heading as written, part it was read as)."""
    leftover: tuple[str, ...] = ()
    """Headings not understood; their text is kept in ``extra["sections"]``."""
    notes: tuple[tuple[int | None, str], ...] = ()
    """(line, message) for things worth a look: timeline rows without a time, ragged rows..."""


@dataclass(frozen=True)
class MarkdownImport:
    """A post-mortem read from foreign Markdown, and the report on how it was read."""

    postmortem: PostMortem
    report: MarkdownReport


@dataclass
class _Segment:
    part: Part | None  # None: the preamble; kind "leftover": not understood
    heading: str
    level: int
    line: int
    nodes: list[Node] = field(default_factory=list)

    @property
    def text(self) -> str:
        chunks = []
        for node in self.nodes:
            chunks.append(
                f"{'#' * node.level} {node.text}" if isinstance(node, Heading) else node.text
            )
        return "\n\n".join(chunks).strip()


def read_markdown(
    path: str | Path,
    *,
    section_map: Mapping[str, str | Part] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> MarkdownImport:
    """Read one Markdown post-mortem in any supported template.

    Raises
    ------
    IngestError
        For files that are too large, binary, not UTF-8/UTF-16, empty, or whose
        front matter is broken; the message names the file, line and reason.
    """
    return parse_markdown(read_text(path, max_bytes), path=path, section_map=section_map)


def read_text(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """A text file's contents (UTF-8, or any Unicode with a byte-order mark), or IngestError."""
    text, problem = load_text(Path(path), max_bytes=max_bytes)
    if problem is not None or text is None:
        reason = problem.message if problem is not None else "cannot be read"
        raise IngestError(path, reason, problem.line if problem is not None else None)
    return text


def parse_markdown(
    text: str,
    *,
    path: str | Path | None = None,
    section_map: Mapping[str, str | Part] | None = None,
) -> MarkdownImport:
    """Parse the text of a Markdown post-mortem written from any supported template.

    Parameters
    ----------
    text : str
        The document.
    path : path-like, optional
        Used in messages; its name gives the id (and a date) when the text has none.
    section_map : mapping, optional
        Extra or different heading -> part entries, over :data:`SECTION_MAP`.
    """
    where = Path(path) if path is not None else Path("<text>")
    return _Importer(where, build_section_map(section_map)).run(text)


class _Importer:
    def __init__(self, path: Path, table: dict[str, Part]) -> None:
        self.path = path
        self.table = table
        self.notes: list[tuple[int | None, str]] = []
        self.data: dict[str, Any] = {}
        self.extra: dict[str, Any] = {}
        self.title: str | None = None
        self.start_day: date | None = None
        self.front_summary: str | None = None

    def run(self, text: str) -> MarkdownImport:
        text = unix_lines(text)
        if not text.strip():
            raise IngestError(self.path, "empty file", 1)
        front, body, offset = self._front_matter(text)
        self._map_front_matter(front)
        title, segments = self._segments(parse_blocks(body))
        self.title = title
        recognised, leftover = self._read_segments(segments, offset)
        if not recognised and not front:
            found = ", ".join(repr(s.heading) for s in segments if s.heading) or "none"
            raise IngestError(
                self.path,
                f"not a post-mortem: no front matter and no section this importer knows "
                f"(headings found: {found}; map yours with section_map=)",
                1,
            )
        self._finish_identity(title)
        if self.extra:
            self.data["extra"] = {**self.data.get("extra", {}), **self.extra}
        postmortem = self._validate()
        report = MarkdownReport(tuple(recognised), tuple(leftover), tuple(self.notes))
        return MarkdownImport(postmortem, report)

    # front matter ------------------------------------------------------------

    def _front_matter(self, text: str) -> tuple[dict[str, Any], str, int]:
        if text.split("\n", 1)[0].rstrip() != "---":
            return {}, text, 0
        front_text, body, offset = split_front_matter(text, self.path)
        return load_front_matter(front_text, self.path), body, offset

    def _map_front_matter(self, front: dict[str, Any]) -> None:
        if not front:
            return
        original = {key.casefold(): key for key in front}
        record = {key.casefold(): value for key, value in front.items()}
        values, _unused, problems = map_fields(record, FRONT_MATTER_MAPPING)
        for problem in problems:
            self.notes.append((None, f"front matter: {problem}"))
        used = {_chosen(source, record) for source in FRONT_MATTER_MAPPING.values()}
        used |= {
            key
            for source in FRONT_MATTER_MAPPING.values()
            if isinstance(source, Derived) and _gathers(source)
            for key in source.uses
        }
        failed = {p.split(":", 1)[0] for p in problems}
        for field_name, source in FRONT_MATTER_MAPPING.items():
            if field_name in failed or field_name not in values:
                used.discard(_chosen(source, record))
        for key, value in record.items():
            if key not in used:
                self.extra[original[key]] = value  # kept as written, empty values too
        identifier = values.get("id")
        if identifier is not None and not (isinstance(identifier, str) and is_slug(identifier)):
            values["id"] = slugify(str(identifier))
            self.extra["source_id"] = identifier
        status = values.get("status")
        if status is not None:
            known = _STATUS_WORDS.get(normalise_heading(str(status)))
            if known is None:
                self.extra["status"] = values.pop("status")
                self.notes.append(
                    (
                        None,
                        f"front matter: status {status!r} is not one of "
                        f"{', '.join(POSTMORTEM_STATUSES)}; kept in extra",
                    )
                )
            else:
                values["status"] = known
        start_key = _chosen(FRONT_MATTER_MAPPING["started_at"], record)
        if "started_at" in values and _is_day_only(record.get(start_key or "")):
            self.start_day = values.pop("started_at").date()  # the timeline may say more
        self.front_summary = values.pop("summary", None)
        self.data.update(values)

    # sections ----------------------------------------------------------------

    def _label_headings(self, nodes: list[Node]) -> list[Node]:
        """``**Impact:** text`` paragraphs, where the label names a part, become a heading."""
        result: list[Node] = []
        for node in nodes:
            found = _BOLD_LABEL.match(node.text) if isinstance(node, Block) else None
            if (
                found is not None
                and isinstance(node, Block)
                and node.kind == "paragraph"
                and normalise_heading(found["label"]) in self.table
            ):
                result.append(Heading(2, found["label"].strip(), node.start))
                if found["rest"].strip():
                    rest = found["rest"].strip()
                    result.append(Block("paragraph", node.start, node.end, rest))
            else:
                result.append(node)
        return result

    def _segments(self, nodes: list[Node]) -> tuple[str | None, list[_Segment]]:
        nodes = self._label_headings(nodes)
        title: str | None = None
        current = _Segment(None, "", 0, 0)
        segments = [current]
        for node in nodes:
            if not isinstance(node, Heading):
                current.nodes.append(node)
                continue
            part = match_heading(node.text, self.table)
            starting = len(segments) == 1 and not any(isinstance(n, Heading) for n in current.nodes)
            exact = normalise_heading(node.text) in self.table
            if title is None and starting and node.level == 1 and not exact:
                part = None  # "# Summary of the S3 disruption" is a title, not a section
            if title is None and part is None and starting and node.level <= 2:
                title = node.text
                continue
            if part is None and current.part is not None and node.level > current.level:
                current.nodes.append(node)
                continue
            current = _Segment(part or Part("leftover"), node.text, node.level, node.line)
            segments.append(current)
        return title, segments

    def _read_segments(self, segments: list[_Segment], offset: int) -> tuple[list[Any], list[str]]:
        recognised: list[tuple[str, str]] = []
        leftover: list[str] = []
        timeline_segments: list[_Segment] = []
        action_ids: set[str] = set()
        item_ids: set[str] = set()
        items: list[dict[str, Any]] = []
        summaries: list[str] = []
        for segment in segments:
            part = segment.part
            if part is None:
                if segment.text:
                    self.extra["preamble"] = segment.text
                continue
            kind = part.kind
            if kind == "leftover":
                leftover.append(segment.heading)
                if segment.text:
                    self.extra.setdefault("sections", {})[segment.heading] = segment.text
                continue
            recognised.append(
                (
                    segment.heading,
                    kind if not part.heading or kind == "other" else f"{kind}: {part.heading}",
                )
            )
            if kind == "summary":
                summaries.append(segment.text)
            elif kind == "impact":
                self.data.setdefault("impact", {})
                previous = self.data["impact"].get("text", "")
                self.data["impact"]["text"] = "\n\n".join(t for t in (previous, segment.text) if t)
            elif kind == "timeline":
                timeline_segments.append(segment)
            elif kind == "actions":
                actions, notes = read_actions(segment.nodes, action_ids)
                self.data.setdefault("actions", []).extend(actions)
                if notes:
                    self.extra.setdefault("actions_notes", []).extend(notes)
            elif kind == "stats":
                self._stats(read_stats(segment.nodes))
            elif kind == "participants":
                self.data.setdefault("participants", []).extend(read_participants(segment.nodes))
            elif kind != "ignore":
                items.extend(self._items(segment, part, offset, item_ids))
        if summaries:
            self.data["summary"] = "\n\n".join(s for s in summaries if s)
            if self.front_summary:
                self.extra["front_matter_summary"] = self.front_summary
        elif self.front_summary:
            self.data["summary"] = self.front_summary
        elif "preamble" in self.extra and "summary" not in self.data:
            self.data["summary"] = self.extra.pop("preamble")
        if items:
            self.data["items"] = items
        self._timeline(timeline_segments, offset)
        return recognised, leftover

    def _items(
        self, segment: _Segment, part: Part, offset: int, taken: set[str]
    ) -> list[dict[str, Any]]:
        section = part.kind if part.kind in _ITEM_SECTIONS else "other"
        base_heading = part.heading if section != "other" else (part.heading or segment.heading)
        heading = base_heading
        found: list[dict[str, Any]] = []
        for node in segment.nodes:
            if isinstance(node, Heading):
                sub = match_heading(node.text, self.table)
                if sub is not None and sub.kind in _ITEM_SECTIONS:
                    section, heading = sub.kind, sub.heading
                elif section == "other":
                    heading = f"{base_heading} / {node.text}"
                else:
                    heading = node.text
                continue
            if node.kind == "list":
                texts = [item.text_with_children() for item in node.items]
            elif node.kind == "table":
                texts = [" | ".join(cell for cell in row if cell) for row in node.rows]
            else:
                texts = [node.text]
            for text in texts:
                if not text.strip():
                    continue
                item: dict[str, Any] = {"section": section, "text": text}
                if section == "other" or heading:
                    item["heading"] = heading or segment.heading
                item["id"] = stable_id("i", f"{section}\n{item.get('heading')}\n{text}", taken)
                found.append(item)
        return found

    def _stats(self, stats: dict[str, Any]) -> None:
        if stats["raw"]:
            self.extra["stats"] = {**self.extra.get("stats", {}), **stats["raw"]}
        if stats["notes"]:
            self.extra.setdefault("stats_notes", []).extend(stats["notes"])
        for key in ("detect", "mitigate", "resolve"):
            if key in stats:
                self.extra.setdefault("_durations", {})[key] = stats[key]
        if "category" in stats:
            self.data["tags"] = list(dict.fromkeys([*self.data.get("tags", []), stats["category"]]))
        if "severity" in stats:
            self.data.setdefault("severity", stats["severity"])
        for key in ("services", "teams"):
            if key in stats:
                values = [v.strip() for v in re.split(r",|;", stats[key]) if v.strip()]
                self.data[key] = list(dict.fromkeys([*self.data.get(key, []), *values]))
        if "customers" in stats:
            self.data.setdefault("impact", {})["customers_affected"] = stats["customers"]

    # timeline and times ------------------------------------------------------

    def _default_date(self) -> date | None:
        if self.start_day is not None:
            return self.start_day
        started = self.data.get("started_at")
        if isinstance(started, datetime | date):
            return started if not isinstance(started, datetime) else started.date()
        if isinstance(started, str):
            moment = parse_moment(started, default_date=None, zone=None)
            if moment:
                return moment.at.date()
        titles = (str(self.data.get("title", "")), self.title or "", self.path.name)
        return next((day for day in map(date_in_name, titles) if day is not None), None)

    def _timeline(self, segments: list[_Segment], offset: int) -> None:
        zone = None
        for segment in segments:
            zone = stated_zone(segment.heading) or zone
        events: list[dict[str, Any]] = []
        for segment in segments:
            reader = TimelineReader(zone, self._default_date(), offset)
            result = reader.read(segment.nodes)
            events.extend(result.events)
            self.notes.extend(result.notes)
            if result.unparsed:
                self.extra.setdefault("timeline_unparsed", []).extend(result.unparsed)
        if events:
            self.data["timeline"] = events
        self._derive_times(events)

    def _derive_times(self, events: list[dict[str, Any]]) -> None:
        timed = [e for e in events if (e.get("extra") or {}).get("time_known", True)]
        durations = self.extra.pop("_durations", {})
        if "started_at" not in self.data:
            triggers = [e for e in timed if e["kind"] == "trigger"]
            first = (
                triggers[0] if triggers else (min(timed, key=lambda e: e["at"]) if timed else None)
            )
            if first is not None:
                self.data["started_at"] = first["at"]
            elif (durations or self.start_day) and self._default_date() is not None:
                day = self._default_date()
                assert day is not None
                self.data["started_at"] = datetime(day.year, day.month, day.day)
                self.extra["started_at_precision"] = "day"
        started = self.data.get("started_at")
        if not isinstance(started, datetime):
            return
        start = as_aware(started)
        # Stated durations beat times guessed from the timeline's words.
        for key, field_name in (
            ("detect", "detected_at"),
            ("mitigate", "mitigated_at"),
            ("resolve", "resolved_at"),
        ):
            if field_name not in self.data and key in durations:
                self.data[field_name] = started + durations[key]
        resolved = self.data.get("resolved_at")
        end = as_aware(resolved) if isinstance(resolved, datetime) else None
        for field_name, kind in (
            ("resolved_at", "resolution"),
            ("detected_at", "detection"),
            ("mitigated_at", "mitigation"),
        ):
            if field_name in self.data:
                continue
            matching = [
                as_aware(e["at"])
                for e in timed
                if e["kind"] == kind
                and as_aware(e["at"]) >= start
                and (end is None or field_name == "resolved_at" or as_aware(e["at"]) <= end)
            ]
            if matching:
                self.data[field_name] = matching[-1] if kind == "resolution" else matching[0]
                if kind == "resolution":
                    end = matching[-1]

    # identity and validation -------------------------------------------------

    def _finish_identity(self, title: str | None) -> None:
        stem = self.path.stem if self.path.name != "<text>" else ""
        if "id" not in self.data:
            self.data["id"] = (
                stem if stem and is_slug(stem) else slugify(stem or title or "untitled")
            )
        if "title" not in self.data:
            fallback = (
                re.sub(r"^\d{4}-\d{2}-\d{2}[-_ ]*", "", stem).replace("-", " ").replace("_", " ")
            )
            self.data["title"] = title or fallback.strip() or self.data["id"]
        elif title and title != self.data["title"]:
            self.extra["body_title"] = title

    def _validate(self) -> PostMortem:
        for attempt in range(4):
            try:
                return PostMortem.model_validate(self.data)
            except ModelError as exc:
                message = str(exc)
                dropped = self._drop_inconsistent_time(message)
                if dropped is None or attempt == 3:
                    raise IngestError(self.path, message) from exc
                self.notes.append((None, f"{dropped} dropped: {message}"))
        raise AssertionError("unreachable")  # pragma: no cover

    def _drop_inconsistent_time(self, message: str) -> str | None:
        for name in ("mitigated_at", "detected_at", "resolved_at"):
            if message.startswith(name) and name in self.data:
                self.extra[f"inconsistent_{name}"] = str(self.data.pop(name))
                return name
        return None


_BOLD_LABEL = re.compile(
    r"^\*\*(?P<label>[^*\n]{2,40}?)\s*:?\s*\*\*\s*:?\s*(?P<rest>.*)$", re.DOTALL
)

_STATUS_WORDS = {
    "draft": "draft",
    "wip": "draft",
    "in progress": "draft",
    "work in progress": "draft",
    "in review": "in_review",
    "in_review": "in_review",
    "review": "in_review",
    "under review": "in_review",
    "reviewed": "reviewed",
    "complete": "reviewed",
    "completed": "reviewed",
    "final": "reviewed",
    "published": "reviewed",
    "approved": "reviewed",
    "closed": "closed",
    "done": "closed",
    "resolved": "closed",
}


def _chosen(source: FieldSource, record: Mapping[str, Any]) -> str | None:
    """Which of a ``_first`` source's keys gave the value (None for other sources)."""
    if isinstance(source, Derived) and not _gathers(source):
        return next((k for k in source.uses if record.get(k) not in (None, "", [])), None)
    return None


def _gathers(source: FieldSource) -> bool:
    return isinstance(source, Derived) and getattr(source.func, "__name__", "") == "gather"


def _is_day_only(value: Any) -> bool:
    if isinstance(value, datetime):
        return False
    if isinstance(value, date):
        return True
    return isinstance(value, str) and ":" not in value
