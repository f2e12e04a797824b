"""Template documents and placeholders: a blank post-mortem template is not an incident.

Pure functions; one home for the rule. A *placeholder* is template text standing for a value
still to fill in (``20xx-MM-DD``, ``yyyy``, ``PMyyyy-nnn``, ``XXX``, ``<service name>``,
``{{title}}``, ``[describe the impact]``); a *template prompt* is a line a template asks the
author to replace ("Incident Title", "Short event description"). A document is a template when
its name or title is a placeholder, or it has at least two placeholders or prompts and almost
no other text.

The theme functions exclude template documents; :func:`template_incidents` gives the ids and
the reasons so a loader can report them instead of loading them.

Examples
--------
>>> template_reasons("PMyyyy-nnn - Postmortem template", ["| 20xx-MM-DD HH:mm | Short event |"])
['placeholder in the name or title: PMyyyy-nnn', 'placeholder in the text: 20xx-MM-DD HH:mm']
>>> template_reasons("Disk full on the log volume", ["The disk filled up at 03:00."])
[]
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

__all__ = [
    "PLACEHOLDER",
    "TEMPLATE_PROMPTS",
    "strip_placeholders",
    "template_incidents",
    "template_reasons",
]

#: Text standing for a value still to fill in.
PLACEHOLDER = re.compile(
    r"(?ix)"
    r"(?:\b[a-z]{0,4}yyyy(?:[-_ ]?(?:nnn+|mm(?:-dd)?|\d+))?\b)"  # PMyyyy-nnn, yyyy-mm-dd
    r"|(?:\b(?:19|20)xx(?:[-/]mm(?:[-/]dd)?)?(?:\s+hh:mm(?::ss)?)?\b)"  # 20xx-MM-DD HH:mm
    r"|(?:\bmm[-/]dd\b)|(?:\bhh:mm(?::ss)?\b)"
    r"|(?:(?<![\w-])(?:XXX+|YYY+|ZZZ+|nnn+|TBD|TODO)(?![\w-]))"
    r"|(?:\{\{[^{}\n]{1,60}\}\})"
    r"|(?:<(?!https?:)[a-z][a-z _-]{2,40}>)"
    r"|(?:\[(?:insert|add|describe|enter|your|link to|name of)\b[^\]\n]{0,60}\])"
)
#: Lines a template asks the author to replace (compared case-insensitively, whole line).
TEMPLATE_PROMPTS: frozenset[str] = frozenset(
    {
        "incident title",
        "short event description",
        "someone fromtheteam (use initials)",
        "list of things that went well",
        "list of things that went wrong",
        "list of things that went well, for example",
        "list of things that went wrong, for example",
        "what happened",
        "describe what happened",
        "title",
        "summary",
        "lorem ipsum",
    }
)
_WORD = re.compile(r"\w+")


def strip_placeholders(text: str) -> str:
    """``text`` without placeholders.

    Examples
    --------
    >>> strip_placeholders("Restarted at 20xx-MM-DD HH:mm by <engineer name>")
    'Restarted at  by '
    """
    return PLACEHOLDER.sub("", text)


def _is_prompt(line: str) -> bool:
    cleaned = " ".join(line.strip(" -*|#:\t").casefold().split())
    return cleaned in TEMPLATE_PROMPTS or cleaned.rstrip(".:") in TEMPLATE_PROMPTS


def template_reasons(title: str, texts: Iterable[str]) -> list[str]:
    """Why a document with this name/title and these texts looks like a blank template.

    An empty list means it is a real document. ``title`` may be the file name or the title.
    """
    reasons: list[str] = []
    found = PLACEHOLDER.search(title or "")
    if found:
        reasons.append(f"placeholder in the name or title: {found.group(0)}")
    elif _is_prompt(title or ""):
        reasons.append(f"the title is a template prompt: {title.strip()}")
    placeholders: list[str] = []
    prompts = 0
    words = 0
    for text in texts:
        for line in str(text).splitlines():
            placeholders += [m.group(0) for m in PLACEHOLDER.finditer(line)]
            prompts += _is_prompt(line)
            words += len(_WORD.findall(strip_placeholders(line)))
    if placeholders and (reasons or len(placeholders) + prompts >= 2):
        reasons.append(f"placeholder in the text: {placeholders[0]}")
    if reasons and words > 400:  # a long real document that merely mentions a placeholder
        return []
    if not reasons and len(placeholders) + prompts >= 3 and words < 20 * (len(placeholders) + 1):
        reasons.append(f"{len(placeholders) + prompts} placeholders or prompts and little text")
    return reasons


def template_incidents(
    incidents: pd.DataFrame, items: pd.DataFrame | None = None
) -> dict[str, list[str]]:
    """Incident id -> reasons, for the incidents of a corpus that look like blank templates.

    Reads ``incident_id``, ``title``, ``summary`` and (when present) ``path`` of ``incidents``
    and the ``text`` of ``items``.

    Examples
    --------
    >>> frame = pd.DataFrame({"incident_id": ["pmyyyy-nnn-template", "pm-1"],
    ...                       "title": ["Incident Title", "Disk full"], "summary": ["", "x"]})
    >>> template_incidents(frame)  # doctest: +NORMALIZE_WHITESPACE
    {'pmyyyy-nnn-template': ['placeholder in the name or title: pmyyyy-nnn',
                             'the title is a template prompt: Incident Title']}
    """
    notes: dict[str, list[str]] = {}
    if items is not None and len(items):
        for incident, text in zip(items["incident_id"], items["text"], strict=True):
            if isinstance(text, str):
                notes.setdefault(str(incident), []).append(text)
    out: dict[str, list[str]] = {}
    paths = incidents["path"] if "path" in incidents else pd.Series([""] * len(incidents))
    for incident, title, summary, path in zip(
        incidents["incident_id"], incidents["title"], incidents["summary"], paths, strict=True
    ):
        name = str(path).replace("\\", "/").rsplit("/", 1)[-1] if isinstance(path, str) else ""
        texts = [str(summary) if isinstance(summary, str) else "", *notes.get(str(incident), [])]
        reasons = template_reasons(str(incident), texts) or template_reasons(name, texts)
        titled = str(title) if isinstance(title, str) else ""
        if _is_prompt(titled) and not any("title is" in r for r in reasons):
            reasons = [*reasons, f"the title is a template prompt: {titled.strip()}"]
            if len(reasons) == 1 and any(t.strip() for t in texts):
                reasons = []  # a real incident unluckily titled "Summary"
        if reasons:
            out[str(incident)] = reasons
    return out
