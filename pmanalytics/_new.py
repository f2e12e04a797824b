"""Start a new post-mortem from the template: ``pmanalytics new TITLE``.

The file is what the canonical writer (:func:`pmanalytics.write`) makes of a draft: the
front matter with the fields to fill in, then the narrative headings and the template's
four sections, empty. Timeline, actions and the rest join the front matter as they are
added (by hand, by a session or by an import).
"""

from __future__ import annotations

import contextlib
from datetime import date
from pathlib import Path

from ._errors import ArgumentError, ModelError, PMError
from ._files import write
from ._model import PostMortem, slugify
from ._validate import user_date

__all__ = ["PostMortemExistsError", "draft", "new_postmortem"]


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
    made = [] if target.parent.is_dir() else [target.parent]
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        target.open("xb").close()  # claim the name: of two writers, one gets it
    except FileExistsError:
        raise PostMortemExistsError(f"{str(target)!r} exists already: not overwritten") from None
    try:
        return write(pm, target.parent)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            target.unlink()
            for one in made:
                one.rmdir()
        if isinstance(exc, ValueError) and not isinstance(exc, PMError):
            raise ArgumentError(str(exc)) from None  # e.g. a folder named like a file
        raise
