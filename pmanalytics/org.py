"""The organisation: team hierarchy and service ownership, from a Backstage catalog.

Organisations think in a hierarchy (team → group → department) and already write it down in a
service catalog. :func:`read_org` reads Backstage ``catalog-info.yaml`` files (or a small
``org.yaml`` in the same shape) into an immutable :class:`Org`:

.. code-block:: yaml

    apiVersion: backstage.io/v1alpha1
    kind: Group
    metadata: {name: payments}
    spec: {type: team, parent: commerce}
    ---
    apiVersion: backstage.io/v1alpha1
    kind: Component
    metadata: {name: payments-api}
    spec: {owner: group:default/payments}

Only ``Group`` (``spec.parent``, ``spec.type``) and ``Component`` (``spec.owner``) entities
are read; other kinds are ignored. Owner and parent references may be written ``payments``,
``group:payments`` or ``group:default/payments``.

The counting rule of :func:`rollup`: an incident belongs to the teams it names (its
``teams`` column) and to the owners of the services it names (its ``services``); it then
counts **once** for each of those teams and once for each group above them, however many of
its teams sit under that group. An incident of ``payments`` and ``checkout``, both in
``commerce``, counts once for each team, once for ``commerce`` and once for the department.

Examples
--------
>>> org = Org.from_entities([
...     {"kind": "Group", "metadata": {"name": "eng"}, "spec": {"type": "department"}},
...     {"kind": "Group", "metadata": {"name": "sre"}, "spec": {"type": "team", "parent": "eng"}},
...     {"kind": "Component", "metadata": {"name": "k8s"}, "spec": {"owner": "group:sre"}},
... ])
>>> org.chain("sre"), org.owner("k8s"), org.services_of("eng")
(('sre', 'eng'), 'sre', ('k8s',))
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pandas as pd
import yaml

from ._errors import PMError

__all__ = ["ROLLUP_COLUMNS", "Org", "OrgError", "read_org", "rollup"]

#: The columns of :func:`rollup`.
ROLLUP_COLUMNS = ["group", "type", "parent", "depth", "incidents"]
#: The type given to a team an incident names that the catalog does not list.
NOT_IN_CATALOG = "not in catalog"


class OrgError(PMError, ValueError):
    """The catalog is inconsistent (an unknown parent, a cycle) or cannot be read."""


def _name(reference: object) -> str:
    """The entity name of a Backstage reference.

    Examples
    --------
    >>> _name("group:default/payments"), _name("group:payments"), _name("payments")
    ('payments', 'payments', 'payments')
    """
    text = str(reference).strip()
    return text.split(":", 1)[-1].rsplit("/", 1)[-1]


def _frozen(mapping: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class Org:
    """Groups with their parent and type, and services with their owning group."""

    parents: Mapping[str, str | None] = field(default_factory=lambda: _frozen({}))
    types: Mapping[str, str] = field(default_factory=lambda: _frozen({}))
    owners: Mapping[str, str] = field(default_factory=lambda: _frozen({}))

    @classmethod
    def from_entities(cls, entities: Iterable[Mapping[str, Any]]) -> Org:
        """The organisation described by catalog entities (parsed YAML documents).

        Raises :class:`OrgError` for a group whose parent is not a group of the catalog, for
        a cycle of parents, or for an entity without ``metadata.name``.
        """
        parents: dict[str, str | None] = {}
        types: dict[str, str] = {}
        owners: dict[str, str] = {}
        for entity in entities:
            kind = str(entity.get("kind", ""))
            if kind not in ("Group", "Component"):
                continue
            name = (entity.get("metadata") or {}).get("name")
            if not name:
                raise OrgError(f"a {kind} entity has no metadata.name: {dict(entity)!r}")
            spec = entity.get("spec") or {}
            if kind == "Group":
                parent = spec.get("parent")
                parents[str(name)] = _name(parent) if parent else None
                types[str(name)] = str(spec.get("type", "group"))
            elif spec.get("owner"):
                owners[str(name)] = _name(spec["owner"])
        for group, parent in parents.items():
            if parent is not None and parent not in parents:
                raise OrgError(f"group {group!r} has parent {parent!r}, which is not a Group")
        org = cls(_frozen(parents), _frozen(types), _frozen(owners))
        for group in parents:
            org.chain(group)  # raises on a cycle
        return org

    def chain(self, group: str) -> tuple[str, ...]:
        """``group`` and every group above it, nearest first (just ``group`` when unknown)."""
        seen = [group]
        parent = self.parents.get(group)
        while parent is not None:
            if parent in seen:
                raise OrgError(f"the parents of {group!r} form a cycle: {' → '.join(seen)}")
            seen.append(parent)
            parent = self.parents.get(parent)
        return tuple(seen)

    def owner(self, service: str) -> str | None:
        """The group owning ``service``, or None when the catalog does not list it."""
        return self.owners.get(service)

    def children(self, group: str) -> tuple[str, ...]:
        """The groups whose parent is ``group``, sorted."""
        return tuple(sorted(g for g, p in self.parents.items() if p == group))

    def services_of(self, group: str) -> tuple[str, ...]:
        """The services owned by ``group`` or any group below it, sorted."""
        return tuple(sorted(s for s, o in self.owners.items() if group in self.chain(o)))


def read_org(*paths: str | os.PathLike[str]) -> Org:
    """The organisation in catalog files: YAML files, or folders searched for ``*.yaml`` and
    ``*.yml`` (every document of every file; entities other than groups and components are
    ignored).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "org.yaml").write_text(
    ...     "kind: Group\\nmetadata: {name: sre}\\nspec: {type: team}\\n---\\n"
    ...     "kind: Component\\nmetadata: {name: k8s}\\nspec: {owner: sre}\\n")
    >>> read_org(folder).owners["k8s"]
    'sre'
    """
    files: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml"))
        elif path.is_file():
            files.append(path)
        else:
            raise OrgError(f"'paths' must be catalog files or folders, got {str(path)!r}")
    entities: list[Mapping[str, Any]] = []
    for file in files:
        try:
            documents = list(yaml.safe_load_all(file.read_text(encoding="utf-8")))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise OrgError(f"{file}: not readable YAML ({exc})") from None
        entities += [d for d in documents if isinstance(d, Mapping)]
    return Org.from_entities(entities)


def _listed(value: object) -> list[str]:
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value if v is not None and not pd.isna(v)]
    if hasattr(value, "tolist"):
        return _listed(value.tolist())
    return []


def rollup(incidents: pd.DataFrame, org: Org) -> pd.DataFrame:
    """Incidents per group at every level of the hierarchy (the counting rule is in the
    module's documentation: once per group, however many of its teams an incident names).

    Parameters
    ----------
    incidents : DataFrame
        With list columns ``teams`` and ``services`` (``Corpus.incidents``).
    org : Org

    Returns
    -------
    DataFrame
        :data:`ROLLUP_COLUMNS`: ``depth`` 0 for a group with no parent; teams the catalog does
        not list have type ``"not in catalog"``. Top of the hierarchy first, then by name.

    Examples
    --------
    >>> org = Org.from_entities([
    ...     {"kind": "Group", "metadata": {"name": "eng"}, "spec": {"type": "department"}},
    ...     {"kind": "Group", "metadata": {"name": "a"}, "spec": {"type": "team", "parent": "eng"}},
    ...     {"kind": "Group", "metadata": {"name": "b"}, "spec": {"type": "team", "parent": "eng"}},
    ... ])
    >>> frame = pd.DataFrame({"teams": [["a", "b"], ["a"]], "services": [[], []]})
    >>> rollup(frame, org)[["group", "incidents"]].values.tolist()
    [['eng', 2], ['a', 2], ['b', 1]]
    """
    counts: dict[str, int] = dict.fromkeys(org.parents, 0)
    for teams, services in zip(incidents["teams"], incidents["services"], strict=True):
        owners = [org.owner(s) for s in _listed(services)]
        named = set(_listed(teams)) | {o for o in owners if o is not None}
        groups = {group for team in named for group in org.chain(team)}
        for group in groups:
            counts[group] = counts.get(group, 0) + 1
    rows = []
    for group, count in counts.items():
        known = group in org.parents
        rows.append(
            {
                "group": group,
                "type": org.types.get(group, "group") if known else NOT_IN_CATALOG,
                "parent": org.parents.get(group),
                "depth": len(org.chain(group)) - 1,
                "incidents": count,
            }
        )
    frame = pd.DataFrame(rows, columns=ROLLUP_COLUMNS)
    frame = frame.sort_values(["depth", "group"], kind="stable").reset_index(drop=True)
    return frame.astype({"incidents": "int64", "depth": "int64"})
