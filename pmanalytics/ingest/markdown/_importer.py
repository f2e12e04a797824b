"""The Markdown importer's engine: sections, items, timeline, times, identity, validation."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..._errors import IngestError, ModelError
from ..._files import split_front_matter, unix_lines
from ..._ids import stable_id
from ..._model import TEMPLATE_SECTIONS, PostMortem, as_aware, is_slug, slugify
from ..._sections import Part, match_heading, normalise_heading
from ..._yaml import load_front_matter
from ._actions import read_actions
from ._blocks import Block, Heading, Node, parse_blocks
from ._front import read_front_matter
from ._parts import TimelineReader, read_participants, read_stats
from ._report import MarkdownImport, MarkdownReport
from ._time import date_in_name, parse_moment, stated_zone


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


class Importer:
    """Reads one foreign Markdown document into a post-mortem (see :func:`parse_markdown`)."""

    def __init__(self, path: Path, table: dict[str, Part]) -> None:
        self.path = path
        self.table = table
        self.notes: list[tuple[int | None, str]] = []
        self.data: dict[str, Any] = {}
        self.extra: dict[str, Any] = {}
        self.title: str | None = None
        self.start_day: date | None = None
        self.front_summary: str | None = None
        self.text = ""

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
        self.text = text
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
        found = read_front_matter(front)
        self.notes.extend(found.notes)
        self.extra.update(found.extra)
        self.start_day = found.start_day
        self.front_summary = found.summary
        self.data.update(found.values)

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
        section = part.kind if part.kind in TEMPLATE_SECTIONS else "other"
        base_heading = part.heading if section != "other" else (part.heading or segment.heading)
        heading = base_heading
        found: list[dict[str, Any]] = []
        for node in segment.nodes:
            if isinstance(node, Heading):
                sub = match_heading(node.text, self.table)
                if sub is not None and sub.kind in TEMPLATE_SECTIONS:
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
            elif (durations or self.start_day) and (day := self._default_date()) is not None:
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
                    raise IngestError(self.path, message, self._line_of(exc)) from exc
                self.notes.append((None, f"{dropped} dropped: {message}"))
        raise AssertionError("unreachable")  # pragma: no cover

    def _line_of(self, error: ModelError) -> int | None:
        """The line of the first bad value, when it is written in the document as such."""
        cause = error.__cause__
        if not isinstance(cause, ValidationError):
            return None
        for problem in cause.errors():
            value = problem.get("input")
            if isinstance(value, bool) or not isinstance(value, str | int | float):
                continue
            written = str(value)
            if len(written) < 3:  # too short to find reliably
                continue
            found = self.text.find(written)
            if found >= 0:
                return self.text.count("\n", 0, found) + 1
        return None

    def _drop_inconsistent_time(self, message: str) -> str | None:
        for name in ("mitigated_at", "detected_at", "resolved_at"):
            if message.startswith(name) and name in self.data:
                self.extra[f"inconsistent_{name}"] = str(self.data.pop(name))
                return name
        return None


_BOLD_LABEL = re.compile(
    r"^\*\*(?P<label>[^*\n]{2,40}?)\s*:?\s*\*\*\s*:?\s*(?P<rest>.*)$", re.DOTALL
)
