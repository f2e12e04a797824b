"""pmanalytics: blameless incident post-mortems as DataFrames, sessions and dashboards.

Examples
--------
>>> import pmanalytics as pm
>>> corpus = pm.load("data/")                                 # doctest: +SKIP
>>> corpus.incidents.groupby("severity").size()               # doctest: +SKIP
"""

from typing import TYPE_CHECKING

from ._errors import ArgumentError, IngestError, ModelError, PMError
from ._lazy import exports
from ._version import __version__

if TYPE_CHECKING:  # the names below are imported on first use (see __getattr__)
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
    from .corpus import Corpus, load
    from .ingest import from_records, import_sources, read_postmortem as read

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

__getattr__, __dir__ = exports(  # the rest is imported on first use: a fast `pmanalytics --help`
    __name__,
    {
        ".corpus": ["Corpus", "load"],
        "._files": ["dumps", "loads", "write"],
        ".ingest": ["from_records", "import_sources", "read_postmortem as read"],
        "._model": [
            "ACTION_KINDS",
            "ACTION_STATUSES",
            "ITEM_SECTIONS",
            "PARTICIPANT_ROLES",
            "POSTMORTEM_STATUSES",
            "TIMELINE_KINDS",
            "Action",
            "Impact",
            "Item",
            "Link",
            "Participant",
            "PostMortem",
            "Review",
            "Severity",
            "Theme",
            "TimelineEvent",
            "slugify",
        ],
    },
    eager=__all__,
)
