"""What an export format is to the registry: one object with ``sniff``, ``read`` and ``parse``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from ._results import ImportResult

__all__ = ["ExportFormat"]


@dataclass(frozen=True)
class ExportFormat:
    """One export format: how to tell it, and how to read it.

    Attributes
    ----------
    key : str
        Its name in :data:`pmanalytics.ingest.FORMATS` (``"parabol"``, ``"jira"``...).
    description : str
        What it is, for people.
    kind : {"csv", "json"}
        The text it is written in.
    sniff : callable
        True for a CSV header (list of column names) or parsed JSON of this format
        (a path or open file works too).
    read : callable
        A path or open file -> :class:`~pmanalytics.ingest.ImportResult`.
    parse : callable
        The export's text (keyword ``name=`` for messages) -> ``ImportResult``.
    """

    key: str
    description: str
    kind: Literal["csv", "json"]
    sniff: Callable[[Any], bool]
    read: Callable[..., ImportResult]
    parse: Callable[..., ImportResult]

    def __repr__(self) -> str:
        return f"ExportFormat({self.key!r}: {self.description})"
