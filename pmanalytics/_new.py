"""Start a new post-mortem from the template: ``pmanalytics new TITLE``.

The file is what the canonical writer (:func:`pmanalytics.dumps`, as :func:`pmanalytics.write`
uses it) makes of a draft: the front matter with the fields to fill in, then the narrative
headings and the template's four sections, empty. The writer leaves out empty lists; a new
file shows ``timeline: []`` and ``actions: []`` so a person editing it sees where they go
(the next save by the toolkit drops them again while they are empty).
"""

from __future__ import annotations

import contextlib
from datetime import date
from pathlib import Path

from ._atomic import atomic_write_text
from ._errors import ArgumentError, ModelError, PMError
from ._files import dumps
from ._model import PostMortem, slugify
from ._validate import user_date

__all__ = ["PLACEHOLDERS", "PostMortemExistsError", "draft", "new_postmortem", "template_text"]

#: Front-matter lists a new file shows empty, so that a person sees where they go.
PLACEHOLDERS = ("timeline", "actions")


class PostMortemExistsError(PMError, FileExistsError):
    """The new post-mortem's file already exists; it is left as it is."""


def draft(title: str, day: date | str, *, severity: str | None = None) -> PostMortem:
    """A draft post-mortem titled ``title``, with the id ``<day>-<slug of title>``.

    Parameters
    ----------
    title
        One line, as people will call the incident.
    day
        The day the post-mortem is about (the incident's day), ``YYYY-MM-DD``.
    severity
        A label such as ``SEV2`` or ``P1`` (optional).

    Raises
    ------
    ArgumentError
        When the title, day or severity is not acceptable; the message names it.

    Examples
    --------
    >>> pm = draft("Database failover!", "2026-12-02", severity="SEV2")
    >>> pm.id, pm.title, pm.status, pm.severity.rank
    ('2026-12-02-database-failover', 'Database failover!', 'draft', 2)
    >>> draft(" ", "2026-12-02")
    Traceback (most recent call last):
    ...
    pmanalytics._errors.ArgumentError: title: must not be empty
    """
    when = user_date(day, "day")
    try:
        return PostMortem(
            id=slugify(f"{when.isoformat()} {title}"), title=title, severity=severity or None
        )
    except ModelError as exc:
        raise ArgumentError(str(exc)) from None


def template_text(pm: PostMortem) -> str:
    """The canonical text of ``pm`` with the empty :data:`PLACEHOLDERS` shown.

    Examples
    --------
    >>> from pmanalytics import loads
    >>> pm = draft("Disk full", "2026-12-02")
    >>> text = template_text(pm)
    >>> text.split("---")[1].splitlines()[-2:]
    ['timeline: []', 'actions: []']
    >>> loads(text) == pm
    True
    """
    text = dumps(pm)
    end = text.index("\n---\n", 3) + 1  # the end of the front matter
    shown = text[:end].splitlines()
    empty = [
        f"{name}: []\n"
        for name in PLACEHOLDERS
        if not any(line.startswith(f"{name}:") for line in shown)
    ]
    return text[:end] + "".join(empty) + text[end:]


def new_postmortem(
    title: str, folder: str | Path, day: date | str, *, severity: str | None = None
) -> Path:
    """Write :func:`draft` to ``folder/<id>.md``, never over an existing file; the path.

    Raises
    ------
    PostMortemExistsError
        When ``folder/<id>.md`` exists already (it is not touched).
    ArgumentError
        When the title, day or severity is not acceptable.

    Examples
    --------
    >>> import tempfile
    >>> from pmanalytics import read
    >>> folder = tempfile.mkdtemp()
    >>> path = new_postmortem("Database failover", folder, "2026-12-02")
    >>> path.name, read(path).title
    ('2026-12-02-database-failover.md', 'Database failover')
    >>> new_postmortem("Database failover", folder, "2026-12-02")
    Traceback (most recent call last):
    ...
    pmanalytics._new.PostMortemExistsError: ... exists already: not overwritten
    """
    pm = draft(title, day, severity=severity)
    target = Path(folder) / f"{pm.id}.md"
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        target.open("xb").close()  # claim the name: of two writers, one gets it
    except FileExistsError:
        raise PostMortemExistsError(f"{str(target)!r} exists already: not overwritten") from None
    try:
        return atomic_write_text(target, template_text(pm))
    except BaseException:
        with contextlib.suppress(OSError):
            target.unlink()
        raise
