"""The canonical post-mortem file: Markdown with YAML front matter.

Structured fields live in the front matter; the narrative (what happened, impact)
and the four sections live in the body, one bullet per item, so that a person can
read, edit and diff the file in any editor. An item's metadata (id, author, votes,
theme, ...) ends its last line as an HTML comment, invisible when rendered::

    ---
    id: 2024-03-01-api-outage
    title: API outage
    status: reviewed
    ...
    ---

    ## What happened

    A config push removed the API's route table.

    ## What went well

    - Paging reached the on-call engineer within two minutes. <!-- {"id": "i-1", "votes": 3} -->

:func:`dumps` checks every file it renders by reading it back; anything the body
cannot carry exactly (say, a summary that itself contains ``## headings``) is
written to the front matter instead, so the round trip is always lossless.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from ._atomic import atomic_write_text
from ._errors import IngestError, ModelError
from ._ids import case_clash, check_file_id, stable_id
from ._model import TEMPLATE_SECTIONS, Item, PostMortem, is_slug, slugify
from ._sections import CANONICAL_HEADINGS, IMPACT, SUMMARY, body_part
from ._yaml import load_front_matter

__all__ = ["dumps", "loads", "write"]

try:  # libyaml's C dumper; the pure-Python one is a slower fallback
    from yaml import CSafeDumper as _BaseDumper
except ImportError:  # pragma: no cover
    from yaml import SafeDumper as _BaseDumper  # type: ignore[assignment]

# Block structure is all we need; skipping inline parsing halves the parse time.
_MARKDOWN = MarkdownIt("commonmark").disable("inline")
_ITEM_META = re.compile(r"<!--\s*(\{[^<>]*\})\s*-->\s*")
_LIST_MARKER = re.compile(r"\s*(?:[-+*]|\d{1,9}[.)])(?:[ \t]+|$)")
_FRONT_KEY = re.compile(r"([A-Za-z_][\w-]*)\s*:")
_META_FIELDS = ("id", "author", "votes", "theme_id", "created_at", "extra")


# --------------------------------------------------------------------------- YAML


class _Dumper(_BaseDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_str(dumper: _Dumper, data: str) -> yaml.Node:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(tuple, _BaseDumper.represent_list)


def _yaml_dump(data: dict[str, Any]) -> str:
    return yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )


# --------------------------------------------------------------------------- writing


def dumps(pm: PostMortem) -> str:
    """Render a post-mortem as the text of its canonical file.

    Examples
    --------
    >>> from pmanalytics import PostMortem
    >>> text = dumps(PostMortem(id="pm-1", title="Disk full", summary="The disk filled up."))
    >>> print(text.split("## What happened")[1].strip().splitlines()[0])
    The disk filled up.
    >>> loads(text).title
    'Disk full'
    """
    if not isinstance(pm, PostMortem):
        raise TypeError(f"'pm' must be a PostMortem, got {type(pm).__name__}")
    pm = _revalidated(pm)
    front = _front_matter(pm)
    body_fields = {"summary": pm.summary, "impact": pm.impact.text}
    for name, text in body_fields.items():
        if text and not _fits_in_body(text):
            front = _with_text_in_front(front, name, text)
            body_fields[name] = ""
    text = _compose(front, body_fields, pm.items)
    _check_readable(text, pm.id)
    if _reads_back_equal(text, pm):
        return text
    # Something in the items (an odd heading, say) does not survive the body: keep all
    # items in the front matter, where YAML carries any text exactly.
    front["items"] = [_dump_record(item) for item in pm.items]
    text = _compose(front, body_fields, ())
    if not _reads_back_equal(text, pm):  # pragma: no cover - YAML carries everything
        raise ModelError(f"post-mortem {pm.id!r} cannot be written losslessly")
    return text


def write(pm: PostMortem, folder: str | Path) -> Path:
    """Write ``pm`` atomically to ``folder/<pm.id>.md`` and return the path.

    The file is written to a temporary name, flushed to disk and renamed over the
    target, so a reader (or a crash) never sees half a file.

    Examples
    --------
    >>> import tempfile
    >>> from pmanalytics import PostMortem
    >>> path = write(PostMortem(id="pm-1", title="Disk full"), tempfile.mkdtemp())
    >>> path.name
    'pm-1.md'
    >>> loads(path.read_text(encoding="utf-8")).id
    'pm-1'
    """
    target_dir = Path(folder)
    if target_dir.suffix == ".md":
        raise ValueError(f"'folder' must be a folder, got the file name {str(folder)!r}")
    if not isinstance(pm, PostMortem):
        raise TypeError(f"'pm' must be a PostMortem, got {type(pm).__name__}")
    name = f"{check_file_id(pm.id, 'post-mortem id', error=ModelError)}.md"
    text = dumps(pm)
    target_dir.mkdir(parents=True, exist_ok=True)
    clash = case_clash(target_dir, name)
    if clash is not None:
        raise ModelError(
            f"cannot write {name}: {target_dir} already has {clash}, which differs only in "
            "case (one file on Windows and macOS); rename one of the ids"
        )
    return atomic_write_text(target_dir / name, text)


def _revalidated(pm: PostMortem) -> PostMortem:
    """``pm`` checked again: ``model_copy(update=...)`` does not validate what it sets."""
    try:
        return PostMortem.model_validate(pm.model_dump())
    except ModelError as exc:
        raise ModelError(f"post-mortem cannot be written: {exc}", exc.locations) from exc


def _check_readable(text: str, identifier: str) -> None:
    """ModelError for a rendered file the loader would refuse (checked before writing)."""
    problem = None
    if "\x00" in text:
        problem = "its text holds a NUL character, which the loader refuses"
    elif text.count("\n") + 1 > MAX_LINES:
        problem = f"it would have more than {MAX_LINES:,} lines, which the loader refuses"
    else:
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            problem = (
                f"its text holds {text[exc.start]!r}, half of a character (a lone surrogate) "
                "that UTF-8 cannot store"
            )
    if problem is not None:
        raise ModelError(f"post-mortem {identifier!r} cannot be written: {problem}")


def _dump_record(record: Any) -> dict[str, Any]:
    data: dict[str, Any] = record.model_dump(exclude_defaults=True)
    extra = data.pop("extra", None)
    if extra:
        data["extra"] = extra
    return data


def _front_matter(pm: PostMortem) -> dict[str, Any]:
    front: dict[str, Any] = {
        "id": pm.id,
        "title": pm.title,
        "status": pm.status,
        "severity": _dump_record(pm.severity) if pm.severity else None,
        "services": list(pm.services),
        "teams": list(pm.teams),
        "tags": list(pm.tags),
        "started_at": pm.started_at,
        "detected_at": pm.detected_at,
        "mitigated_at": pm.mitigated_at,
        "resolved_at": pm.resolved_at,
    }
    impact = _dump_record(pm.impact)
    impact.pop("text", None)
    optional: dict[str, Any] = {
        "impact": impact,
        "review": _dump_record(pm.review),
        "participants": [_dump_record(p) for p in pm.participants],
        "timeline": [_dump_record(e) for e in pm.timeline],
        "themes": [_dump_record(t) for t in pm.themes],
        "actions": [_dump_record(a) for a in pm.actions],
        "links": [_dump_record(link) for link in pm.links],
        "extra": pm.extra,
    }
    front.update({key: value for key, value in optional.items() if value})
    return front


def _with_text_in_front(front: dict[str, Any], name: str, text: str) -> dict[str, Any]:
    front = dict(front)
    if name == "summary":
        front["summary"] = text
    else:
        front["impact"] = {**front.get("impact", {}), "text": text}
    return front


def _compose(front: dict[str, Any], body_fields: dict[str, str], items: tuple[Item, ...]) -> str:
    parts = ["---\n", _yaml_dump(front), "---\n"]
    parts.append(f"\n## {CANONICAL_HEADINGS[SUMMARY]}\n\n")
    if body_fields["summary"]:
        parts.append(body_fields["summary"] + "\n\n")
    parts.append(f"## {CANONICAL_HEADINGS[IMPACT]}\n\n")
    if body_fields["impact"]:
        parts.append(body_fields["impact"] + "\n\n")
    for section in TEMPLATE_SECTIONS:
        parts.append(f"## {CANONICAL_HEADINGS[section]}\n\n")
        parts.extend(_render_items([i for i in items if i.section == section], "###"))
    others = [i for i in items if i.section == "other"]
    for heading in dict.fromkeys(i.heading for i in others):
        parts.append(f"## {heading}\n\n")
        group = [i.model_copy(update={"heading": None}) for i in others if i.heading == heading]
        parts.extend(_render_items(group, "###"))
    return "".join(parts).rstrip("\n") + "\n"


def _render_items(items: list[Item], subheading_marker: str) -> Iterator[str]:
    current: str | None = None
    for item in items:
        if item.heading != current:
            current = item.heading
            yield f"{subheading_marker} {current}\n\n"
        yield _render_item(item)
    if items:
        yield "\n"


def _render_item(item: Item) -> str:
    first, *rest = item.text.split("\n")
    lines = ["- " + first] + [("  " + line) if line else "" for line in rest]
    meta = {name: getattr(item, name) for name in _META_FIELDS}
    meta = {k: v for k, v in meta.items() if v not in (None, 0, {})}
    if "created_at" in meta:
        meta["created_at"] = meta["created_at"].isoformat()
    # No '<' or '>' inside the comment: nothing in it can close it early, and the reader
    # finds it as the last '<!--' of the item.
    encoded = json.dumps(meta, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")
    lines[-1] += f" <!-- {encoded} -->"
    return "\n".join(lines) + "\n"


def _fits_in_body(text: str) -> bool:
    """True when ``text`` under a heading reads back as itself and nothing more."""
    probe = text + "\n\n## end\n"
    headings = [t for t in _MARKDOWN.parse(probe) if t.type == "heading_open" and t.level == 0]
    return (
        len(headings) == 1
        and headings[0].tag == "h2"
        and headings[0].map is not None
        and headings[0].map[0] == probe.count("\n") - 1
    )


def _reads_back_equal(text: str, pm: PostMortem) -> bool:
    try:
        return loads(text) == pm
    except IngestError:
        return False


# --------------------------------------------------------------------------- reading


def loads(text: str, *, path: str | Path | None = None) -> PostMortem:
    """Parse the text of a canonical post-mortem file.

    ``path`` is used in error messages, and its file name gives the id when the
    front matter has none. To read a file of any kind, use ``pmanalytics.read``.
    """
    if not isinstance(text, str):
        raise TypeError(f"'text' must be a str, got {type(text).__name__}")
    where = Path(path) if path is not None else Path("<text>")
    check_line_count(text, where)
    document = _Document.parse(text, where)
    data = document.to_model_data()
    try:
        return PostMortem.model_validate(data)
    except ModelError as exc:
        raise IngestError(where, str(exc), document.line_of(exc)) from exc


@dataclass
class _RawItem:
    section: str
    heading: str | None
    text: str
    line: int
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Document:
    """A canonical file split into its front matter and body parts, with line numbers."""

    path: Path
    front: dict[str, Any]
    front_text: str
    parts: dict[str, str]
    part_lines: dict[str, int]
    items: list[_RawItem]
    preamble: str
    title_heading: str | None

    @classmethod
    def parse(cls, text: str, path: Path) -> _Document:
        text = unix_lines(text)
        front_text, body, body_offset = split_front_matter(text, path)
        front = load_front_matter(front_text, path)
        document = cls(path, front, front_text, {}, {}, [], "", None)
        document._parse_body(body, body_offset)
        return document

    def _parse_body(self, body: str, offset: int) -> None:
        lines = body.split("\n")
        tokens = _MARKDOWN.parse(body)
        for region in _regions(tokens, len(lines)):
            heading = region.heading
            part = body_part(heading) if heading is not None else None
            raw = "\n".join(lines[region.start : region.end]).strip()
            if heading is None:
                self.preamble = raw
            elif region.level == 1 and part is None and not self.items and not self.parts:
                if self.title_heading is None:
                    self.title_heading = heading
                else:  # a second title-like heading: kept as written in the preamble
                    raw = f"# {heading}\n\n{raw}".strip()
                self.preamble = "\n\n".join(p for p in (self.preamble, raw) if p)
            elif part in (SUMMARY, IMPACT):
                if part in self.parts and raw:
                    raw = self.parts[part] + "\n\n" + raw
                self.parts[part] = raw
                self.part_lines.setdefault(part, offset + region.heading_line + 1)
            else:
                section, outer = (part, None) if part else ("other", heading)
                self.items.extend(_items_in(region.tokens, lines, section, outer, offset))

    def to_model_data(self) -> dict[str, Any]:
        data = dict(self.front)
        if "id" not in data:
            stem = self.path.stem
            data["id"] = stem if is_slug(stem) else slugify(stem)
        if "title" not in data and self.title_heading:
            data["title"] = self.title_heading
        preamble = self.preamble
        if self.title_heading and self.title_heading != data.get("title"):
            preamble = f"# {self.title_heading}\n\n{preamble}".strip()
        if preamble:
            extra = data.get("extra")
            extra = (
                dict(extra)
                if isinstance(extra, dict)
                else {}
                if extra is None
                else {"extra": extra}
            )
            data["extra"] = {**extra, "body_preamble": preamble}
        self._merge_part(data, "summary", self.parts.get(SUMMARY, ""))
        impact = data.get("impact")
        impact = dict(impact) if isinstance(impact, dict) else {}
        self._merge_part(impact, "text", self.parts.get(IMPACT, ""), "impact.text")
        if impact:
            data["impact"] = impact
        if self.items:
            front_items = data.get("items") or []
            if not isinstance(front_items, list):
                raise IngestError(
                    self.path, "'items' must be a list", self.front_lines.get("items")
                )
            data["items"] = list(front_items) + self._body_items(front_items)
        return data

    def _merge_part(self, target: dict[str, Any], key: str, body_text: str, name: str = "") -> None:
        if not body_text:
            return
        if target.get(key):
            field_name = name or key
            raise IngestError(
                self.path,
                f"{field_name} is given twice: in the front matter and in the body",
                self.front_lines.get(field_name.split(".")[0]),
            )
        target[key] = body_text

    def _body_items(self, front_items: list[Any]) -> list[dict[str, Any]]:
        taken = {str(i.get("id")) for i in front_items if isinstance(i, dict)}
        taken |= {str(raw.meta["id"]) for raw in self.items if "id" in raw.meta}
        result = []
        for raw in self.items:
            data: dict[str, Any] = {"section": raw.section, "text": raw.text, **raw.meta}
            if raw.heading is not None:
                data["heading"] = raw.heading
            if "id" not in data:
                data["id"] = stable_id("i", f"{raw.section}\n{raw.heading}\n{raw.text}", taken)
            result.append(data)
        return result

    @cached_property
    def front_lines(self) -> dict[str, int]:
        """The line of each top-level front-matter key (only needed for error messages)."""
        lines: dict[str, int] = {}
        for number, line in enumerate(self.front_text.split("\n"), start=2):
            key = _FRONT_KEY.match(line)
            if key:
                lines.setdefault(key.group(1), number)
        return lines

    def line_of(self, error: ModelError) -> int | None:
        """The line a validation problem points at, where it can be told."""
        for location in error.locations:
            if location and location[0] == "items" and len(location) > 1:
                index = location[1]
                front_count = len(self.front.get("items") or [])
                if isinstance(index, int) and index >= front_count:
                    body_index = index - front_count
                    if body_index < len(self.items):
                        return self.items[body_index].line
                return self.front_lines.get("items")
            if location and isinstance(location[0], str):
                return self.front_lines.get(location[0]) or self.part_lines.get(location[0])
        first_word = str(error).split(" ", 1)[0]
        return self.front_lines.get(first_word)


def check_line_count(text: str, path: str | Path) -> None:
    """IngestError when ``text`` has more than :data:`MAX_LINES` lines."""
    lines = text.count("\n") + 1
    if lines > MAX_LINES:
        raise IngestError(
            path,
            f"has {lines:,} lines, more than the {MAX_LINES:,} a post-mortem may have; "
            "it was not read: split it",
        )


def unix_lines(text: str) -> str:
    """Without a byte-order mark, and with ``\\n`` line ends only."""
    if text.startswith("\ufeff"):
        text = text.lstrip("\ufeff")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def split_front_matter(text: str, path: Path) -> tuple[str, str, int]:
    """Front matter text, body and the body's first line; IngestError when never closed."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        raise IngestError(
            path, "not a canonical post-mortem: it does not start with '---' front matter", 1
        )
    for number in range(1, len(lines)):
        if lines[number].rstrip() in ("---", "..."):
            front = "\n".join(lines[1:number])
            body = "\n".join(lines[number + 1 :])
            return front, body, number + 1
    raise IngestError(path, "the front matter opened on line 1 is never closed with '---'", 1)


#: The most lines a post-mortem's Markdown may have: reading costs time and memory in
#: proportion (about 5 s and 400 MB at the limit), so a runaway file is refused.
MAX_LINES = 50_000


@dataclass(frozen=True)
class _Region:
    """The body between two top-level h1/h2 headings (or before the first)."""

    heading: str | None
    level: int
    heading_line: int
    start: int  # first line after the heading
    end: int  # first line of the next heading
    tokens: list[Token]


def _regions(tokens: list[Token], line_count: int) -> list[_Region]:
    """Split the body at top-level h1/h2 headings, in document order."""
    starts = [0] + [
        index
        for index, token in enumerate(tokens)
        if token.type == "heading_open" and token.level == 0 and token.tag in ("h1", "h2")
    ]
    regions = []
    for number, index in enumerate(starts):
        following = starts[number + 1] if number + 1 < len(starts) else len(tokens)
        end = line_count
        if following < len(tokens) and tokens[following].map is not None:
            end = tokens[following].map[0]  # type: ignore[index]
        if number == 0:
            regions.append(_Region(None, 0, 0, 0, end, tokens[0:following]))
            continue
        heading = tokens[index]
        first, after = heading.map or (0, 0)
        text = tokens[index + 1].content.strip()
        # skip the heading's own three tokens (open, inline, close)
        regions.append(
            _Region(text, int(heading.tag[1]), first, after, end, tokens[index + 3 : following])
        )
    return regions


def _items_in(
    tokens: list[Token], lines: list[str], section: str, outer: str | None, offset: int
) -> Iterator[_RawItem]:
    heading = outer
    for index, token in enumerate(tokens):
        if token.map is None:
            continue
        start, end = token.map
        if token.level == 0 and token.type == "heading_open":
            inner = tokens[index + 1].content.strip()
            heading = inner if outer is None else f"{outer} / {inner}"
        elif token.level == 1 and token.type == "list_item_open":
            yield _raw_item(lines[start:end], section, heading, offset + start + 1, listed=True)
        elif (
            token.level == 0
            and token.nesting >= 0
            and token.type
            not in (
                "bullet_list_open",
                "ordered_list_open",
                "heading_open",
            )
        ):
            yield _raw_item(lines[start:end], section, heading, offset + start + 1, listed=False)


def _raw_item(
    lines: list[str], section: str, heading: str | None, line: int, *, listed: bool
) -> _RawItem:
    lines = list_item_lines(lines) if listed else list(lines)
    while lines and not lines[-1].strip():
        lines.pop()
    meta: dict[str, Any] = {}
    if lines:
        last = lines[-1]
        start = last.rfind("<!--")
        found = _ITEM_META.fullmatch(last, start) if start >= 0 else None
        if found:
            try:
                decoded = json.loads(found.group(1))
            except json.JSONDecodeError:
                decoded = None
            if isinstance(decoded, dict):
                meta = decoded
                lines[-1] = last[:start].rstrip(" ")
    return _RawItem(section, heading, "\n".join(lines), line, meta)


def list_item_lines(lines: list[str]) -> list[str]:
    """A list item's source lines without its marker and without the item's indent."""
    if not lines:
        return []
    marker = _LIST_MARKER.match(lines[0])
    width = marker.end() if marker else 0
    return [lines[0][width:]] + [_dedent(text, width) for text in lines[1:]]


def _dedent(line: str, width: int) -> str:
    if line.startswith(" " * width):
        return line[width:]
    if line.startswith("\t"):
        return line[1:]
    return line.lstrip(" ")
