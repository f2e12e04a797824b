"""Session templates: the board's sections, the phases' time boxes and the vote budget.

The default template follows ``postmortem-template.txt``: four sections and eight
phases. A team can write its own in a small YAML file::

    name: Quick retro
    votes_per_participant: 5
    sections:
      - went_well
      - {id: lessons_learned, title: What we learned}
      - Where we got lucky          # a section of its own: stored as section 'other'
    time_boxes:                     # minutes; phases not named keep their default
      group_discussion: 15
      prioritisation: 3

A section outside the canonical four is stored on items as section ``other`` with
its title kept in ``heading``, so files, reports and DataFrames all keep it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from .._model import TEMPLATE_SECTIONS
from .._sections import CANONICAL_HEADINGS, body_part
from .._validate import check_int
from .errors import TemplateError

__all__ = [
    "DEFAULT_TEMPLATE",
    "PHASES",
    "PRIME_DIRECTIVE",
    "PhaseSpec",
    "SectionSpec",
    "Template",
    "fit_agenda",
    "load_template",
    "template_from_dict",
]

PRIME_DIRECTIVE = (
    "Regardless of what we discover, we understand and truly believe that everyone did the "
    "best job they could, given what they knew at the time, their skills and abilities, the "
    "resources available, and the situation at hand."
)

#: (key, title, default minutes), in session order.
PHASES: tuple[tuple[str, str, int], ...] = (
    ("set_the_tone", "Set the tone", 5),
    ("review_facts", "Review the facts", 10),
    ("individual_reflection", "Individual reflection", 10),
    ("group_discussion", "Group discussion", 20),
    ("theme_identification", "Theme identification", 8),
    ("prioritisation", "Prioritisation", 5),
    ("action_planning", "Action planning", 12),
    ("wrap_up", "Wrap-up", 5),
)
_PHASE_KEYS = tuple(key for key, _, _ in PHASES)


@dataclass(frozen=True)
class SectionSpec:
    """One board column: its key, shown title, and how its items are stored.

    ``section`` is the item's model section (one of the canonical four, or ``other``);
    ``heading`` is set for ``other`` sections and holds the team's own title.
    """

    key: str
    title: str
    section: str
    heading: str | None = None


@dataclass(frozen=True)
class PhaseSpec:
    """One phase of the session and its time box in minutes."""

    key: str
    title: str
    minutes: int


@dataclass(frozen=True)
class Template:
    """A session template: sections (board columns), phases and the vote budget.

    Examples
    --------
    >>> [s.key for s in DEFAULT_TEMPLATE.sections]
    ['went_well', 'lessons_learned', 'future_considerations', 'ongoing_problem']
    >>> DEFAULT_TEMPLATE.phase("group_discussion").minutes
    20
    >>> DEFAULT_TEMPLATE.votes_per_participant
    3
    """

    name: str = "Default"
    sections: tuple[SectionSpec, ...] = ()
    phases: tuple[PhaseSpec, ...] = ()
    votes_per_participant: int = 3
    _by_key: dict[str, SectionSpec] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_key.update({spec.key: spec for spec in self.sections})

    def section(self, key: str) -> SectionSpec:
        """The section with ``key``; :class:`TemplateError` naming the choices otherwise."""
        try:
            return self._by_key[key]
        except KeyError:
            choices = ", ".join(repr(s.key) for s in self.sections)
            message = f"section {key!r} is not in the template (one of {choices})"
            raise TemplateError(message) from None

    def section_for(self, section: str, heading: str | None) -> SectionSpec | None:
        """The column an item with this model section and heading belongs to, if any."""
        for spec in self.sections:
            if spec.section == section and spec.heading == heading:
                return spec
        for spec in self.sections:
            if spec.section == section and section != "other":
                return spec
        return None

    def phase(self, key: str) -> PhaseSpec:
        """The phase with ``key``; :class:`TemplateError` naming the choices otherwise."""
        for spec in self.phases:
            if spec.key == key:
                return spec
        raise TemplateError(f"phase {key!r} is unknown (one of {', '.join(_PHASE_KEYS)})")

    def with_time_boxes(self, minutes: Mapping[str, int]) -> Template:
        """A copy with some phases' time boxes changed."""
        _check_time_boxes(minutes)
        phases = tuple(replace(p, minutes=minutes.get(p.key, p.minutes)) for p in self.phases)
        return Template(self.name, self.sections, phases, self.votes_per_participant)

    def to_dict(self) -> dict[str, Any]:
        """Plain data, readable back with :func:`template_from_dict`."""
        return {
            "name": self.name,
            "votes_per_participant": self.votes_per_participant,
            "sections": [{"id": s.key, "title": s.title} for s in self.sections],
            "time_boxes": {p.key: p.minutes for p in self.phases},
        }


def _default() -> Template:
    sections = tuple(SectionSpec(key, CANONICAL_HEADINGS[key], key) for key in TEMPLATE_SECTIONS)
    phases = tuple(PhaseSpec(key, title, minutes) for key, title, minutes in PHASES)
    return Template("Default", sections, phases, 3)


DEFAULT_TEMPLATE = _default()


def _check_time_boxes(minutes: Mapping[str, Any]) -> None:
    for key, value in minutes.items():
        if key not in _PHASE_KEYS:
            raise TemplateError(f"time_boxes: phase {key!r} is unknown (one of {_PHASE_KEYS})")
        check_int(f"time_boxes.{key}", value, minimum=1, maximum=600, error=TemplateError)


def _section_spec(entry: Any, index: int) -> SectionSpec:
    if isinstance(entry, str):
        entry = {"id": entry} if entry in TEMPLATE_SECTIONS else {"title": entry}
    if not isinstance(entry, dict):
        raise TemplateError(f"sections[{index}]: must be a name or a mapping, got {entry!r}")
    unknown = set(entry) - {"id", "title"}
    if unknown:
        raise TemplateError(f"sections[{index}]: unknown keys {sorted(unknown)}, got {entry!r}")
    key, title = entry.get("id"), entry.get("title")
    if title is not None and (not isinstance(title, str) or not title.strip() or "\n" in title):
        raise TemplateError(f"sections[{index}].title: must be one line of text, got {title!r}")
    if key is None:
        if title is None:
            raise TemplateError(f"sections[{index}]: needs an id or a title, got {entry!r}")
        part = body_part(title)
        key = part if part in TEMPLATE_SECTIONS else None
    if key is not None and key in TEMPLATE_SECTIONS:
        return SectionSpec(key, (title or CANONICAL_HEADINGS[key]).strip(), key)
    if key is not None and (not isinstance(key, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", key)):
        raise TemplateError(
            f"sections[{index}].id: must be lower_case letters, digits and '_', got {key!r}"
        )
    if title is None:
        raise TemplateError(f"sections[{index}]: a section of your own needs a title: {entry!r}")
    title = title.strip()
    key = key or re.sub(r"[^a-z0-9]+", "_", title.casefold()).strip("_") or f"section_{index}"
    if not key[0].isalpha():
        key = f"s_{key}"
    return SectionSpec(key, title, "other", title)


def template_from_dict(data: Mapping[str, Any]) -> Template:
    """Build a template from plain data (the parsed YAML); unnamed parts keep their defaults.

    Examples
    --------
    >>> t = template_from_dict({"sections": ["went_well", "Where we got lucky"],
    ...                         "time_boxes": {"wrap_up": 3}, "votes_per_participant": 5})
    >>> [(s.key, s.section, s.heading) for s in t.sections]
    [('went_well', 'went_well', None), ('where_we_got_lucky', 'other', 'Where we got lucky')]
    >>> t.phase("wrap_up").minutes, t.votes_per_participant
    (3, 5)
    """
    if not isinstance(data, Mapping):
        raise TemplateError(f"a template must be a mapping, got {data!r}")
    unknown = set(data) - {"name", "sections", "time_boxes", "votes_per_participant"}
    if unknown:
        raise TemplateError(f"unknown template keys {sorted(unknown)}")
    name = data.get("name", "Custom")
    if not isinstance(name, str) or not name.strip():
        raise TemplateError(f"name: must be text, got {name!r}")
    votes = data.get("votes_per_participant", DEFAULT_TEMPLATE.votes_per_participant)
    check_int("votes_per_participant", votes, minimum=0, maximum=100, error=TemplateError)
    raw_sections = data.get("sections")
    if raw_sections is None:
        sections = DEFAULT_TEMPLATE.sections
    else:
        if not isinstance(raw_sections, list) or not raw_sections:
            raise TemplateError(f"sections: must be a non-empty list, got {raw_sections!r}")
        sections = tuple(_section_spec(entry, i) for i, entry in enumerate(raw_sections))
    seen: set[str] = set()
    for spec in sections:
        if spec.key in seen:
            raise TemplateError(f"sections: {spec.key!r} is given twice")
        seen.add(spec.key)
    boxes = data.get("time_boxes") or {}
    if not isinstance(boxes, Mapping):
        raise TemplateError(f"time_boxes: must map phase to minutes, got {boxes!r}")
    template = Template(name.strip(), sections, DEFAULT_TEMPLATE.phases, votes)
    return template.with_time_boxes(boxes)


def fit_agenda(template: Template, minutes: int) -> tuple[Template, str]:
    """The template with its time boxes scaled to fill a slot of ``minutes``, and how.

    Every phase's time box is multiplied by ``minutes / total`` and rounded so that the
    boxes add up to ``minutes`` exactly (largest remainders first); each keeps at least
    one minute, so a slot needs one minute per phase or more.

    Examples
    --------
    >>> fitted, how = fit_agenda(DEFAULT_TEMPLATE, 45)
    >>> sum(p.minutes for p in fitted.phases), [p.minutes for p in fitted.phases]
    (45, [3, 6, 6, 12, 5, 3, 7, 3])
    >>> how.split(":")[0]
    'Agenda fitted to 45 min from 75 min'
    """
    phases = template.phases
    check_int("minutes", minutes, minimum=len(phases), maximum=24 * 60, error=TemplateError)
    total = sum(p.minutes for p in phases)
    factor = minutes / total
    exact = [p.minutes * factor for p in phases]
    boxes = [max(1, int(x)) for x in exact]
    order = sorted(range(len(phases)), key=lambda i: (-(exact[i] - int(exact[i])), i))
    step = 0
    while sum(boxes) != minutes:
        i = order[step % len(order)]
        if sum(boxes) < minutes:
            boxes[i] += 1
        elif boxes[i] > 1:
            boxes[i] -= 1
        step += 1
    fitted = template.with_time_boxes({p.key: m for p, m in zip(phases, boxes, strict=True)})
    changes = ", ".join(f"{p.title} {p.minutes}→{m}" for p, m in zip(phases, boxes, strict=True))
    how = (
        f"Agenda fitted to {minutes} min from {total} min: every time box × {factor:.2f}, "
        f"rounded to whole minutes ({changes})"
    )
    return fitted, how


def load_template(path: str | Path) -> Template:
    """Read a template from a YAML file (safe loader); errors name the file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.yaml"
    >>> _ = p.write_text("sections: [went_well, Luck]\\nvotes_per_participant: 2\\n")
    >>> [s.title for s in load_template(p).sections]
    ['What went well', 'Luck']
    """
    source = Path(path)
    try:
        data = yaml.safe_load(source.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise TemplateError(f"{source}: not valid YAML: {exc}") from exc
    try:
        return template_from_dict(data or {})
    except TemplateError as exc:
        raise TemplateError(f"{source}: {exc}") from exc
