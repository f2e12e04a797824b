"""Read post-mortems written elsewhere: Markdown templates, retro and tracker exports, JSON.

- One reader for everything (:func:`read_file`, :func:`read_files`,
  :func:`read_postmortem`): ``pmanalytics.load``, ``pmanalytics.read`` and
  :func:`import_sources` all read through it, so they agree.
- Markdown from other templates: the :mod:`~pmanalytics.ingest.markdown` importer
  (:func:`parse_markdown`, :func:`read_markdown`).
- Exports: the registry in :mod:`~pmanalytics.ingest.exports`, one
  :class:`ExportFormat` per format (Parabol, Jira, incident.io, PagerDuty), each
  with ``sniff`` / ``read`` / ``parse``; :func:`read_records_source` picks one.
  Records of any other shape: :func:`from_records` with a mapping.
- Many sources into a folder of canonical files: :func:`import_sources`, then
  :func:`write_imported` (what ``pmanalytics import SRC... --to FOLDER`` runs).
"""

from .._sections import SECTION_MAP, Part
from ._format import ExportFormat
from ._import import ImportSummary, import_sources, write_imported
from ._reader import FileRead, read_file, read_files, read_postmortem
from ._results import ImportProblem, ImportResult, attach_followups
from ._textio import DEFAULT_MAX_BYTES
from .exports import EXPORT_FORMATS, FORMATS, read_records_source, sniff_format
from .markdown import MarkdownImport, MarkdownReport, parse_markdown, read_markdown
from .records import derived, from_records

__all__ = [
    "DEFAULT_MAX_BYTES",
    "EXPORT_FORMATS",
    "FORMATS",
    "SECTION_MAP",
    "ExportFormat",
    "FileRead",
    "ImportProblem",
    "ImportResult",
    "ImportSummary",
    "MarkdownImport",
    "MarkdownReport",
    "Part",
    "attach_followups",
    "derived",
    "from_records",
    "import_sources",
    "parse_markdown",
    "read_file",
    "read_files",
    "read_markdown",
    "read_postmortem",
    "read_records_source",
    "sniff_format",
    "write_imported",
]
