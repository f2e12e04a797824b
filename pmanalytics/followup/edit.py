"""Change actions in their canonical files: complete, reopen, update, verify.

The lifecycle rule lives in :func:`transition`: closing an action (``done`` or
``wont_do``) records ``completed_at`` -- the time given, or the time of the change --
and reopening it clears ``completed_at`` and any verification. Every edit, from the
command line, the Python API or a tracker sync, goes through it.

A file is changed with a minimal diff: only the lines of the changed action in the
front matter are rewritten (in the canonical YAML form of that action), everything
else stays byte for byte. The new text is read back and must equal the intended
post-mortem before it is written, atomically.

Examples
--------
>>> import shutil, tempfile
>>> from pathlib import Path
>>> folder = Path(tempfile.mkdtemp())
>>> path = Path(shutil.copy("data/sample/2024-11-21-search-packet-loss-0001.md", folder))
>>> change = complete_action(path, "a-2", at="2025-01-05T10:00Z")
>>> change.after.status, change.after.completed_at.isoformat()
('done', '2025-01-05T10:00:00+00:00')
>>> reopen_action(path, "a-2").after.completed_at is None
True
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Final

import yaml

from .._atomic import atomic_write_text
from .._errors import IngestError, ModelError
from .._files import dumps, loads
from .._model import ACTION_STATUSES, Action, PostMortem, completion_time, is_open_status
from .._validate import check_choice, user_date
from .errors import FollowupError

__all__ = [
    "UNSET",
    "ActionChange",
    "FileEdit",
    "complete_action",
    "moment",
    "plan_edit",
    "reopen_action",
    "transition",
    "update_action",
    "verify_action",
    "with_fields",
]


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


#: "Leave this field as it is" (``None`` clears a field).
UNSET: Final = _Unset()
_CLOSED = ("done", "wont_do")
_ACTIONS_KEY = re.compile(r"actions\s*:\s*(#.*)?$")


def moment(value: object, name: str = "at") -> datetime:
    """A point in time from a datetime, a date (midnight UTC) or an ISO 8601 string.

    Naive times are read as UTC.

    Examples
    --------
    >>> moment("2025-01-05T10:00+01:00").isoformat()
    '2025-01-05T10:00:00+01:00'
    >>> moment("2025-01-05").isoformat()
    '2025-01-05T00:00:00+00:00'
    >>> moment("soon")
    Traceback (most recent call last):
    ...
    pmanalytics.followup.errors.FollowupError: 'at' must be a time (ISO 8601), got 'soon'
    """
    found: datetime | None = None
    if isinstance(value, datetime):
        found = value
    elif isinstance(value, date):
        found = datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        try:
            found = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            found = None
    if found is None:
        raise FollowupError(f"{name!r} must be a time (ISO 8601), got {value!r}")
    return found if found.tzinfo is not None else found.replace(tzinfo=UTC)


def with_fields(action: Action, **update: Any) -> Action:
    """``action`` with fields replaced, validated (FollowupError naming the problem).

    Examples
    --------
    >>> with_fields(Action(id="a1", title="T"), owner="ana").owner
    'ana'
    >>> with_fields(Action(id="a1", title="T"), status="later")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    pmanalytics.followup.errors.FollowupError: action 'a1' cannot be changed: status: ...
    """
    data = action.model_dump()
    data.update(update)
    try:
        return Action.model_validate(data)
    except ModelError as exc:
        raise FollowupError(f"action {action.id!r} cannot be changed: {exc}") from exc


def transition(
    action: Action,
    status: str,
    *,
    at: datetime | str | date | None = None,
    now: datetime | None = None,
) -> Action:
    """``action`` moved to ``status``, with the completion time kept consistent.

    Closing (``done``, ``wont_do``) sets ``completed_at`` to ``at``, or keeps the
    existing one when the action was already closed, or else the time ``now``;
    opening (``open``, ``in_progress``) clears ``completed_at`` and the verification.

    Examples
    --------
    >>> a = Action(id="a1", title="Add alert", created_at="2024-01-01T00:00Z")
    >>> done = transition(a, "done", at="2024-02-01T09:00Z")
    >>> done.status, done.completed_at.day
    ('done', 1)
    >>> transition(done, "done") is done
    True
    >>> transition(done, "open").completed_at is None
    True
    """
    check_choice("status", status, ACTION_STATUSES, error=FollowupError)
    completed: datetime | None
    if at is not None and not is_open_status(status):
        completed = moment(at)
    else:
        clock = now if now is not None else datetime.now(UTC)
        completed = completion_time(status, action.status, action.completed_at, clock)
    update: dict[str, Any] = {"status": status, "completed_at": completed}
    if status != "done":
        update |= {"verified_at": None, "verified_by": None}
    if all(getattr(action, key) == value for key, value in update.items()):
        return action
    return with_fields(action, **update)


@dataclass(frozen=True)
class ActionChange:
    """One action before and after a change, in one file."""

    path: Path
    incident_id: str
    before: Action
    after: Action

    @property
    def action_id(self) -> str:
        """The id of the changed action."""
        return self.after.id

    @property
    def fields(self) -> dict[str, tuple[Any, Any]]:
        """The changed fields as ``name -> (before, after)``."""
        old, new = self.before.model_dump(), self.after.model_dump()
        return {key: (old[key], new[key]) for key in new if old.get(key) != new[key]}

    def describe(self) -> str:
        """One line per changed field, e.g. ``pm/a-1: status open -> done``."""
        lines = []
        for key, (old, new) in self.fields.items():
            lines.append(f"{self.incident_id}/{self.action_id}: {key} {_show(old)} -> {_show(new)}")
        return "\n".join(lines)


def _show(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


@dataclass(frozen=True)
class FileEdit:
    """The planned new text of one canonical file, and the action changes it carries."""

    path: Path
    old_text: str
    new_text: str
    changes: tuple[ActionChange, ...]
    minimal: bool
    """True when only the changed actions' lines differ (False: the file was rewritten)."""

    def write(self) -> Path:
        """Write the new text atomically, unless the file changed since it was planned."""
        try:
            current = self.path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise FollowupError(f"{self.path}: cannot be read again: {exc}") from exc
        if current != self.old_text:
            raise FollowupError(f"{self.path}: changed while it was being edited; nothing written")
        return atomic_write_text(self.path, self.new_text)


def plan_edit(path: str | Path, edits: Mapping[str, Callable[[Action], Action]]) -> FileEdit:
    """Plan changes to actions of one file: ``action id -> function(old) -> new``.

    Nothing is written; call :meth:`FileEdit.write`. An unknown action id, or a
    change the model refuses, raises :class:`FollowupError` naming it.
    """
    source = Path(path)
    try:
        text = source.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FollowupError(f"{source}: cannot be read: {exc}") from exc
    try:
        pm = loads(text, path=source)
    except IngestError as exc:
        raise FollowupError(f"not a canonical post-mortem file: {exc}") from exc
    known = {action.id: action for action in pm.actions}
    for action_id in edits:
        if action_id not in known:
            names = ", ".join(known) or "none"
            raise FollowupError(
                f"{source}: no action {action_id!r} in post-mortem {pm.id!r} (actions: {names})"
            )
    changes = []
    new_actions = []
    for action in pm.actions:
        new = edits[action.id](action) if action.id in edits else action
        if new != action:
            changes.append(ActionChange(source, pm.id, action, new))
        new_actions.append(new)
    if not changes:
        return FileEdit(source, text, text, (), True)
    try:
        new_pm = PostMortem.model_validate({**pm.model_dump(), "actions": new_actions})
    except ModelError as exc:
        raise FollowupError(f"{source}: the change breaks the post-mortem: {exc}") from exc
    new_text, minimal = _splice(text, new_pm, [c.action_id for c in changes])
    return FileEdit(source, text, new_text, tuple(changes), minimal)


def _edit_one(path: str | Path, action_id: str, edit: Callable[[Action], Action]) -> ActionChange:
    if not isinstance(action_id, str):
        raise FollowupError(f"'action_id' must be a str, got {action_id!r}")
    planned = plan_edit(path, {action_id: edit})
    if planned.changes:
        planned.write()
        return planned.changes[0]
    pm = loads(planned.old_text, path=planned.path)
    same = next(action for action in pm.actions if action.id == action_id)
    return ActionChange(planned.path, pm.id, same, same)


def complete_action(
    path: str | Path,
    action_id: str,
    *,
    at: datetime | date | str | None = None,
    status: str = "done",
) -> ActionChange:
    """Mark an action ``done`` (or ``wont_do``) in its file, recording ``completed_at``.

    ``at`` is when it was completed (default: now; an already closed action keeps its
    time unless ``at`` is given).
    """
    check_choice("status", status, _CLOSED, error=FollowupError)
    when = None if at is None else moment(at)
    return _edit_one(path, action_id, lambda action: transition(action, status, at=when))


def reopen_action(path: str | Path, action_id: str, *, status: str = "open") -> ActionChange:
    """Reopen an action (``open`` or ``in_progress``): clears completion and verification."""
    check_choice("status", status, ("open", "in_progress"), error=FollowupError)
    return _edit_one(path, action_id, lambda action: transition(action, status))


def update_action(
    path: str | Path,
    action_id: str,
    *,
    owner: str | _Unset | None = UNSET,
    due: date | str | _Unset | None = UNSET,
    link: str | _Unset | None = UNSET,
    priority: str | _Unset | None = UNSET,
) -> ActionChange:
    """Change an action's owner, due date, link or priority (``None`` clears one).

    Examples
    --------
    >>> import shutil, tempfile
    >>> from pathlib import Path
    >>> path = Path(shutil.copy("data/sample/2024-11-21-search-packet-loss-0001.md",
    ...                         tempfile.mkdtemp()))
    >>> update_action(path, "a-2", owner="Ana Kovac", due="2025-03-01").fields["owner"]
    ('Uma Krishnan', 'Ana Kovac')
    """
    update: dict[str, Any] = {}
    for name, value in (("owner", owner), ("link", link), ("priority", priority)):
        if value is UNSET:
            continue
        if value is not None and not isinstance(value, str):
            raise FollowupError(f"{name!r} must be a str or None, got {value!r}")
        update[name] = value
    if due is not UNSET:
        update["due"] = None if due is None else user_date(due, "due", error=FollowupError)
    if not update:
        raise FollowupError("nothing to update: give owner, due, link or priority")
    return _edit_one(path, action_id, lambda action: with_fields(action, **update))


def verify_action(
    path: str | Path, action_id: str, *, by: str, at: datetime | date | str | None = None
) -> ActionChange:
    """Record that a done action's fix was checked to work, by whom and when (default now)."""
    if not isinstance(by, str) or not by.strip():
        raise FollowupError(f"'by' must name who verified the fix, got {by!r}")
    when = moment(at) if at is not None else datetime.now(UTC)

    def verify(action: Action) -> Action:
        if action.status != "done":
            raise FollowupError(
                f"action {action.id!r} is {action.status!r}; only a done action can be verified"
            )
        return with_fields(action, verified_at=when, verified_by=by)

    return _edit_one(path, action_id, verify)


# --------------------------------------------------------------------------- the splice


def _splice(text: str, new_pm: PostMortem, changed: list[str]) -> tuple[str, bool]:
    """``text`` with only the changed actions' front-matter lines replaced.

    Falls back to the whole canonical file when the actions cannot be found line by
    line (flow-style YAML, say); the second value says which happened.
    """
    canonical = dumps(new_pm)
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text[len(bom) :].replace("\r\n", "\n").split("\n")
    target = _action_entries(lines)
    rendered = _action_entries(canonical.split("\n"))
    if target is None or rendered is None:
        return canonical, False
    indent, spans = target
    _, canonical_spans = rendered
    canonical_lines = canonical.split("\n")
    # replace from the last entry backwards so earlier spans keep their positions
    for action_id in sorted(changed, key=lambda one: -spans.get(one, (-1, -1))[0]):
        if action_id not in spans or action_id not in canonical_spans:
            return canonical, False
        start, end = spans[action_id]
        c_start, c_end = canonical_spans[action_id]
        pad = " " * indent
        lines[start:end] = [pad + line if line else line for line in canonical_lines[c_start:c_end]]
    result = bom + newline.join(lines)
    try:
        same = loads(result) == new_pm
    except IngestError:
        same = False
    return (result, True) if same else (canonical, False)


def _action_entries(lines: list[str]) -> tuple[int, dict[str, tuple[int, int]]] | None:
    """The list indent and, per action id, the lines ``[start, end)`` of its YAML entry."""
    if not lines or lines[0].rstrip() != "---":
        return None
    close = next((n for n in range(1, len(lines)) if lines[n].rstrip() in ("---", "...")), None)
    if close is None:
        return None
    head = next((n for n in range(1, close) if _ACTIONS_KEY.match(lines[n])), None)
    if head is None:
        return None
    starts: list[int] = []
    indent = -1
    end = close
    for number in range(head + 1, close):
        line = lines[number]
        stripped = line.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        width = len(line) - len(stripped)
        if indent < 0:
            if not stripped.startswith("-"):
                return None
            indent = width
        if width < indent or (width == indent and not stripped.startswith("-")):
            end = number
            break
        if width == indent:
            starts.append(number)
    spans: dict[str, tuple[int, int]] = {}
    for position, start in enumerate(starts):
        stop = starts[position + 1] if position + 1 < len(starts) else end
        while stop > start + 1 and not lines[stop - 1].strip():
            stop -= 1
        block = "\n".join(line[indent:] for line in lines[start:stop])
        try:
            entry = yaml.safe_load(block)
        except yaml.YAMLError:
            return None
        if not (isinstance(entry, list) and len(entry) == 1 and isinstance(entry[0], dict)):
            return None
        spans[str(entry[0].get("id"))] = (start, stop)
    return indent, spans
