"""The result of an import: post-mortems, follow-ups waiting for their incident, error rows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from .._errors import ModelError
from .._ids import duplicate_ids
from .._model import Action, PostMortem

__all__ = ["ImportProblem", "ImportResult", "Origin", "attach_followups"]


@dataclass(frozen=True)
class ImportProblem:
    """One record (or file) that could not be imported: where, and why.

    ``line`` is the CSV line a row starts on, the 1-based index in a JSON array,
    or None when it is not known.
    """

    source: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        return f"{where}: {self.message}"


Origin = tuple[str, int | None]


@dataclass(frozen=True, repr=False)
class ImportResult:
    """What an import produced: post-mortems, follow-ups for incidents, and error rows.

    ``followups`` maps an incident id to actions that belong to it but came
    without it (Jira tickets for post-mortems kept as Markdown files, say):
    attach them with :meth:`attach_followups`. ``origins`` and
    ``followup_origins`` remember where each came from, for error messages;
    ``aliases`` maps other ids a source gives an incident (incident.io's internal
    id, say) to its post-mortem id, so that follow-ups naming it that way attach.

    Examples
    --------
    >>> from pmanalytics import Action, PostMortem
    >>> result = ImportResult(followups={"pm-1": (Action(id="a-1", title="Add alert"),)})
    >>> updated, errors = result.attach_followups({"pm-1": PostMortem(id="pm-1", title="Outage")})
    >>> [a.id for a in updated["pm-1"].actions], errors
    (['a-1'], ())
    """

    postmortems: tuple[PostMortem, ...] = ()
    followups: dict[str, tuple[Action, ...]] = field(default_factory=dict)
    errors: tuple[ImportProblem, ...] = ()
    origins: dict[str, Origin] = field(default_factory=dict)
    followup_origins: dict[tuple[str, str], Origin] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    #: Files found in a folder and deliberately not read (a repository's README, a CSV that
    #: is no known export, a link leading outside the folder), each with the reason.
    skipped: tuple[ImportProblem, ...] = ()

    def __repr__(self) -> str:
        actions = sum(len(group) for group in self.followups.values())
        return (
            f"ImportResult(postmortems={len(self.postmortems)}, followups={actions}, "
            f"errors={len(self.errors)})"
        )

    def merged_with(self, other: ImportResult) -> ImportResult:
        """Both results in one. A post-mortem id seen in both is an error row, never merged.

        The rule for duplicate ids is :func:`pmanalytics._ids.duplicate_ids`, as in ``load``.

        Follow-ups for the same incident are combined; one with the same id replaces the
        earlier one.

        Examples
        --------
        >>> from pmanalytics import PostMortem
        >>> one = ImportResult(postmortems=(PostMortem(id="a", title="A"),))
        >>> print(one.merged_with(one).errors[0].message)
        duplicate incident id 'a': already loaded from <records>; this one was left out
        """
        if not isinstance(other, ImportResult):
            raise TypeError(f"'other' must be an ImportResult, got {type(other).__name__}")
        unknown: Origin = ("<records>", None)
        origins = {pm.id: self.origins.get(pm.id, unknown) for pm in self.postmortems}
        incoming = [(pm, other.origins.get(pm.id, unknown)) for pm in other.postmortems]
        entries = [(pm_id, _where(origin)) for pm_id, origin in origins.items()]
        entries += [(pm.id, _where(origin)) for pm, origin in incoming]
        left_out = duplicate_ids(entries)
        postmortems = list(self.postmortems)
        errors = list(self.errors) + list(other.errors)
        for index, (pm, (source, line)) in enumerate(incoming, start=len(origins)):
            if index in left_out:
                errors.append(ImportProblem(source, line, left_out[index]))
            else:
                postmortems.append(pm)
                origins.setdefault(pm.id, other.origins.get(pm.id, unknown))
        followups = {key: tuple(actions) for key, actions in self.followups.items()}
        for key, actions in other.followups.items():
            followups[key] = _upsert(followups.get(key, ()), actions)
        return ImportResult(
            postmortems=tuple(postmortems),
            followups=followups,
            errors=tuple(errors),
            origins=origins,
            followup_origins={**self.followup_origins, **other.followup_origins},
            aliases={**self.aliases, **other.aliases},
            skipped=self.skipped + other.skipped,
        )

    def attach_followups(
        self, postmortems: Mapping[str, PostMortem] | Iterable[PostMortem] | None = None
    ) -> tuple[dict[str, PostMortem], tuple[ImportProblem, ...]]:
        """Attach :attr:`followups` to the post-mortems they name (default: this result's own).

        See :func:`attach_followups`.
        """
        targets = self.postmortems if postmortems is None else postmortems
        return attach_followups(
            targets, self.followups, origins=self.followup_origins, aliases=self.aliases
        )


def attach_followups(
    postmortems: Mapping[str, PostMortem] | Iterable[PostMortem],
    followups: Mapping[str, Iterable[Action]],
    *,
    origins: Mapping[tuple[str, str], Origin] | None = None,
    aliases: Mapping[str, str] | None = None,
) -> tuple[dict[str, PostMortem], tuple[ImportProblem, ...]]:
    """Add follow-up actions to the post-mortems they belong to.

    An incident id matches a post-mortem id exactly, ignoring case, through
    ``aliases`` (other id -> post-mortem id), or as the start of exactly one id
    (``pm2024-003`` matches ``pm2024-003-disk-full``). Attaching is
    idempotent: an action whose id the post-mortem already has replaces it in
    place, new ones are appended. Follow-ups naming no post-mortem are error rows.

    Returns
    -------
    (dict, tuple)
        Every post-mortem given (updated where follow-ups were attached), keyed as
        given (by id for a plain iterable), and the error rows.

    Examples
    --------
    >>> from pmanalytics import Action, PostMortem
    >>> pm = PostMortem(id="pm2024-003-disk-full", title="Disk full")
    >>> done, errors = attach_followups([pm], {"PM2024-003": [Action(id="ops-1", title="Alert")]})
    >>> done["pm2024-003-disk-full"].actions[0].id, errors
    ('ops-1', ())
    >>> again, _ = attach_followups(done, {"pm2024-003": [Action(id="ops-1", title="Alert!")]})
    >>> [a.title for a in again["pm2024-003-disk-full"].actions]
    ['Alert!']
    """
    if isinstance(postmortems, Mapping):
        result = dict(postmortems)
    else:
        result = {pm.id: pm for pm in postmortems}
    origins = origins or {}
    keys_by_id = {pm.id.casefold(): key for key, pm in result.items()}
    other_names = {alias.casefold(): pm_id for alias, pm_id in (aliases or {}).items()}
    errors: list[ImportProblem] = []
    for incident_id, actions in followups.items():
        actions = tuple(actions)
        key = _find_incident(other_names.get(incident_id.casefold(), incident_id), keys_by_id)
        if key is None:
            for action in actions:
                source, line = origins.get((incident_id, action.id), ("<followups>", None))
                errors.append(
                    ImportProblem(
                        source,
                        line,
                        f"follow-up {action.id!r} names incident {incident_id!r}, which is not "
                        f"among the {len(result)} post-mortems given",
                    )
                )
            continue
        pm = result[key]
        merged = _upsert(pm.actions, actions)
        try:
            data = pm.model_dump()
            data["actions"] = [action.model_dump() for action in merged]
            result[key] = PostMortem.model_validate(data)
        except ModelError as exc:
            source, line = origins.get((incident_id, actions[0].id), ("<followups>", None))
            errors.append(
                ImportProblem(source, line, f"cannot attach to {pm.id!r}: {one_line(exc)}")
            )
    return result, tuple(errors)


def _where(origin: Origin) -> str:
    source, line = origin
    return source if line is None else f"{source}:{line}"


def _find_incident(incident_id: str, keys_by_id: Mapping[str, str]) -> str | None:
    wanted = incident_id.casefold()
    if wanted in keys_by_id:
        return keys_by_id[wanted]
    starting = [key for pm_id, key in keys_by_id.items() if pm_id.startswith(wanted + "-")]
    return starting[0] if len(starting) == 1 else None


def _upsert(current: Iterable[Action], new: Iterable[Action]) -> tuple[Action, ...]:
    actions = list(current)
    position = {action.id: index for index, action in enumerate(actions)}
    for action in new:
        if action.id in position:
            actions[position[action.id]] = action
        else:
            position[action.id] = len(actions)
            actions.append(action)
    return tuple(actions)


def with_more_errors(problems: Iterable[ImportProblem], result: ImportResult) -> ImportResult:
    """``result`` with more error rows, all ordered by source and line (file-level rows first)."""
    errors = [*problems, *result.errors]
    errors.sort(key=lambda error: (error.source, error.line or 0))
    return replace(result, errors=tuple(errors))


def one_line(error: Exception) -> str:
    return "; ".join(line for line in str(error).splitlines() if line.strip())
