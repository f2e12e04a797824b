"""Vocabulary and phrase templates for :mod:`pmanalytics.demo`, read from package data.

The phrases live in ``vocabulary.yaml`` beside this module (shipped in the wheel),
read once with PyYAML's safe loader (the C one when available). This module turns
them into typed constants and fills templates.

Templates contain ``{slot}`` placeholders. A slot is filled from the incident's
context first (``svc``, ``other``, ``flow``, ...: one value per incident, so the
story stays coherent), then from :data:`FILL` (a fresh random pick each time).

The planted recurring problems (:data:`PROBLEMS`) have their own slots, so each
mention of a problem mixes a paraphrase template with synonym substitution: the
same problem never reads the same way twice, yet shares its content words. The
background templates avoid those content words on purpose.

Examples
--------
>>> PROBLEMS[0].id, len(SCENARIOS) > 10, TEAMS[0]
('recurring-dns-timeouts', True, 'checkout')
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import yaml

Vocab = Mapping[str, Sequence[str]]

#: The package-data file holding every phrase, next to this module.
VOCABULARY_FILE = "vocabulary.yaml"
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Scenario:
    """What kind of incident happened: text for the title, summary and timeline."""

    key: str
    titles: tuple[str, ...]
    triggers: tuple[str, ...]
    symptoms: tuple[str, ...]
    mitigations: tuple[str, ...]
    tags: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    """The services it can happen to; empty for any."""


@dataclass(frozen=True)
class Problem:
    """A recurring problem planted in several incidents, in ever-changing words.

    Every mention uses one of the problem's anchor words (its slots all carry one),
    so a text clusterer can group the mentions; templates and synonyms make sure
    they never all read the same.
    """

    id: str
    label: str
    rate: float
    """The share of incidents it turns up in."""
    category: str
    """Its theme category."""
    slots: dict[str, tuple[str, ...]]
    ongoing: tuple[str, ...]
    lessons: tuple[str, ...]
    future: tuple[str, ...]
    actions: tuple[tuple[str, str], ...]
    scenario: Scenario
    affinity: dict[str, float] = field(default_factory=dict)
    """Service -> weight (default 1) for the incidents it turns up in."""
    fix_works: bool = False
    """Whether the one action done about it stops it (it is not seen after the fix)."""


# --------------------------------------------------------------------------- loading


def load_vocabulary(text: str | None = None) -> dict[str, Any]:
    """The raw vocabulary: parsed ``text``, or the package's :data:`VOCABULARY_FILE`.

    Examples
    --------
    >>> load_vocabulary("fill: {tool: [Helm]}")
    {'fill': {'tool': ['Helm']}}
    >>> sorted(load_vocabulary())[:3]
    ['actions', 'background', 'communications']
    """
    if text is None:
        text = resources.files(__package__).joinpath(VOCABULARY_FILE).read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.load(text, Loader=_LOADER)
    return data


def _strings(values: Sequence[Any]) -> tuple[str, ...]:
    return tuple(str(value) for value in values)


def _pairs(values: Sequence[Sequence[Any]]) -> tuple[tuple[str, str], ...]:
    return tuple((str(first), str(second)) for first, second in values)


def _scenario(data: Mapping[str, Any]) -> Scenario:
    return Scenario(
        str(data["key"]),
        _strings(data["titles"]),
        _strings(data["triggers"]),
        _strings(data["symptoms"]),
        _strings(data["mitigations"]),
        _strings(data.get("tags", ())),
        _strings(data.get("services", ())),
    )


def _problem(data: Mapping[str, Any]) -> Problem:
    return Problem(
        id=str(data["id"]),
        label=str(data["label"]),
        rate=float(data["rate"]),
        category=str(data["category"]),
        slots={str(slot): _strings(words) for slot, words in data["slots"].items()},
        ongoing=_strings(data["ongoing"]),
        lessons=_strings(data["lessons"]),
        future=_strings(data["future"]),
        actions=_pairs(data["actions"]),
        scenario=_scenario(data["scenario"]),
        affinity={str(k): float(v) for k, v in data.get("affinity", {}).items()},
        fix_works=bool(data.get("fix_works", False)),
    )


_DATA = load_vocabulary()

# organisation
SERVICE_WEIGHTS: dict[str, float] = {k: float(v) for k, v in _DATA["service_weights"].items()}
SERVICE_TEAM: dict[str, str] = {k: str(v) for k, v in _DATA["service_team"].items()}
#: Services that usually suffer along with the key (its callers or dependencies).
RELATED: dict[str, tuple[str, ...]] = {k: _strings(v) for k, v in _DATA["related"].items()}
PEOPLE: dict[str, tuple[str, ...]] = {k: _strings(v) for k, v in _DATA["people"].items()}
TEAMS: tuple[str, ...] = tuple(PEOPLE)
TRACKER_KEYS: dict[str, str] = {k: str(v) for k, v in _DATA["tracker_keys"].items()}
# shared slots
FILL: dict[str, tuple[str, ...]] = {k: _strings(v) for k, v in _DATA["fill"].items()}
# scenarios and narrative bits
SCENARIOS: tuple[Scenario, ...] = tuple(_scenario(s) for s in _DATA["scenarios"])
DETECTIONS: tuple[str, ...] = _strings(_DATA["detections"])
ESCALATIONS: tuple[str, ...] = _strings(_DATA["escalations"])
COMMUNICATIONS: tuple[str, ...] = _strings(_DATA["communications"])
RESOLUTIONS: tuple[str, ...] = _strings(_DATA["resolutions"])
RESOLUTION_SENTENCES: tuple[str, ...] = _strings(_DATA["resolution_sentences"])
IMPACTS: tuple[str, ...] = _strings(_DATA["impacts"])
IMPACTS_INTERNAL: tuple[str, ...] = _strings(_DATA["impacts_internal"])
#: Theme category -> possible theme labels.
THEME_LABELS: dict[str, tuple[str, ...]] = {
    k: _strings(v) for k, v in _DATA["theme_labels"].items()
}
#: Section -> (theme category, template) pairs. ``[a|b]`` picks one alternative.
BACKGROUND: dict[str, tuple[tuple[str, str], ...]] = {
    k: _pairs(v) for k, v in _DATA["background"].items()
}
#: Theme category -> (action kind, title template).
ACTIONS: dict[str, tuple[tuple[str, str], ...]] = {
    k: _pairs(v) for k, v in _DATA["actions"].items()
}
#: The planted recurring problems.
PROBLEMS: tuple[Problem, ...] = tuple(_problem(p) for p in _DATA["problems"])
del _DATA

# --------------------------------------------------------------------------- filling

_SLOT = re.compile(r"\{(\w+)\}")
_CHOICE = re.compile(r"\[([^\[\]]*)\]")
_LOWER_WORD = re.compile(r"[a-z]+(?=[\s,.;:]|$)")


def fill(template: str, rng: random.Random, *vocabs: Vocab) -> str:
    """Pick one of each ``[a|b]``, fill each ``{slot}`` from the first vocabulary with it.

    The result is capitalised (see :func:`capitalise`).

    Examples
    --------
    >>> fill("{a} went [off|on]", random.Random(1), {"a": ("the pager",)})
    'The pager went off'
    """

    def choose(match: re.Match[str]) -> str:
        options: list[str] = match.group(1).split("|")
        return rng.choice(options)

    def pick(match: re.Match[str]) -> str:
        name = match.group(1)
        for vocab in vocabs:
            if name in vocab:
                return rng.choice(vocab[name])
        raise KeyError(f"no vocabulary for slot {name!r} in {template!r}")

    text = _SLOT.sub(pick, _CHOICE.sub(choose, template) if "[" in template else template)
    return capitalise(text)


def capitalise(text: str) -> str:
    """Upper-case the first letter when the text starts with an ordinary lower-case word.

    Names such as ``checkout-api`` or ``kube-dns`` are left alone.

    Examples
    --------
    >>> capitalise("the pager"), capitalise("kube-dns lookups")
    ('The pager', 'kube-dns lookups')
    """
    if _LOWER_WORD.match(text):
        return text[0].upper() + text[1:]
    return text
