"""pmanalytics: blameless incident post-mortems as DataFrames, sessions and dashboards.

Examples
--------
>>> import pmanalytics as pm
>>> corpus = pm.load("data/")                                 # doctest: +SKIP
>>> corpus.incidents.groupby("severity").size()               # doctest: +SKIP
"""

from ._errors import ArgumentError, IngestError, ModelError, PMError
from ._files import dumps, loads, write
from ._model import (
    ACTION_KINDS,
    ACTION_STATUSES,
    ITEM_SECTIONS,
    PARTICIPANT_ROLES,
    POSTMORTEM_STATUSES,
    TIMELINE_KINDS,
    Action,
    Impact,
    Item,
    Link,
    Participant,
    PostMortem,
    Review,
    Severity,
    Theme,
    TimelineEvent,
    slugify,
)
from ._version import __version__
from .corpus import Corpus, load
from .ingest import from_records, import_sources
from .ingest import read_postmortem as read

__all__ = [
    "ACTION_KINDS",
    "ACTION_STATUSES",
    "ITEM_SECTIONS",
    "PARTICIPANT_ROLES",
    "POSTMORTEM_STATUSES",
    "TIMELINE_KINDS",
    "Action",
    "ArgumentError",
    "Corpus",
    "Impact",
    "IngestError",
    "Item",
    "Link",
    "ModelError",
    "PMError",
    "Participant",
    "PostMortem",
    "Review",
    "Severity",
    "Theme",
    "TimelineEvent",
    "__version__",
    "dumps",
    "from_records",
    "import_sources",
    "load",
    "loads",
    "read",
    "slugify",
    "write",
]
