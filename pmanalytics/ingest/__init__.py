"""Import post-mortems written elsewhere: Markdown templates, retro and tracker exports, JSON.

- Markdown from other templates: :func:`parse_markdown`, :func:`read_markdown`
  (``pmanalytics.load`` uses them for every Markdown file that is not canonical).
- Records: :func:`from_records` with a mapping, and presets for Parabol, Jira,
  incident.io and PagerDuty exports (:func:`read_records_source` picks one).
- Many sources into a folder of canonical files: :func:`import_sources`, then
  :func:`write_imported` (what ``pmanalytics import SRC... --to FOLDER`` runs).
"""

from .._sections import SECTION_MAP, Part
from ._import import ImportSummary, import_sources, write_imported
from ._results import ImportProblem, ImportResult, attach_followups
from .markdown import MarkdownImport, MarkdownReport, parse_markdown, read_markdown
from .records import derived, from_records
from .sources import FORMATS, read_records_source, sniff_format

__all__ = [
    "FORMATS",
    "SECTION_MAP",
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
    "read_markdown",
    "read_records_source",
    "sniff_format",
    "write_imported",
]
