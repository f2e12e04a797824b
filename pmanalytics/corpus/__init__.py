"""The corpus: many post-mortems as tidy DataFrames (one row per entity).

- :func:`load` reads files and folders into a :class:`Corpus`, through the same
  reader as ``pmanalytics.read`` and ``pmanalytics.import_sources``
  (:func:`pmanalytics.ingest.read_file`), with a Parquet :mod:`.cache`.
- :mod:`.schema` says what every table and column is (:data:`SCHEMA`);
  :mod:`.rows` flattens a post-mortem into rows of those tables.
- :mod:`.filters` selects incidents and their rows (:class:`Filters`).

Examples
--------
>>> from pmanalytics.corpus import Corpus, SCHEMA
>>> Corpus().stats()["incidents"], list(SCHEMA)[:2]
(0, ['incidents', 'items'])
"""

from . import cache, filters, rows, schema
from ._corpus import Corpus
from ._load import load
from .filters import FilterError, Filters, filter_corpus, incident_mask
from .schema import SCHEMA, TABLES

__all__ = [
    "SCHEMA",
    "TABLES",
    "Corpus",
    "FilterError",
    "Filters",
    "cache",
    "filter_corpus",
    "filters",
    "incident_mask",
    "load",
    "rows",
    "schema",
]
