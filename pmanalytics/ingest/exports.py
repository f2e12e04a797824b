"""The export registry: each format is one :class:`ExportFormat` (``sniff`` / ``read`` / ``parse``).

Known formats (:data:`EXPORT_FORMATS`, described in :data:`FORMATS`): ``"parabol"``
(Parabol retrospective CSV), ``"jira"`` (Jira CSV of follow-up tickets),
``"incidentio"`` (incident.io JSON) and ``"pagerduty"`` (PagerDuty incidents JSON).
A new format is a module with those three functions and one ``FORMAT`` object,
listed here. Bad input never raises: a file that is too large, binary, not UTF-8,
empty, invalid JSON or of no known format gives an
:class:`~pmanalytics.ingest.ImportResult` with an error row saying so.
"""

from __future__ import annotations

from typing import Any

from .._validate import check_choice
from . import incidentio, jira, pagerduty, parabol
from ._format import ExportFormat
from ._results import ImportProblem, ImportResult
from ._textio import DEFAULT_MAX_BYTES, Source, csv_header, load_json, load_text, source_name

__all__ = [
    "EXPORT_FORMATS",
    "FORMATS",
    "ExportFormat",
    "read_export",
    "read_records_source",
    "sniff_format",
]

#: The registry: every export format read, by key, in the order they are sniffed.
EXPORT_FORMATS: dict[str, ExportFormat] = {
    preset.FORMAT.key: preset.FORMAT for preset in (parabol, jira, incidentio, pagerduty)
}
#: The formats :func:`read_records_source` reads, and what each is.
FORMATS: dict[str, str] = {key: one.description for key, one in EXPORT_FORMATS.items()}


def sniff_format(path: Source, *, max_bytes: int = DEFAULT_MAX_BYTES) -> str | None:
    """The format of an export file (a key of :data:`FORMATS`), or None when it is none of them.

    Examples
    --------
    >>> import io
    >>> sniff_format(io.StringIO("Summary,Issue key,Status\\nAdd alert,OPS-1,Done\\n"))
    'jira'
    >>> sniff_format(io.StringIO('{"incidents": [{"id": "P1", "incident_number": 7}]}'))
    'pagerduty'
    >>> sniff_format(io.StringIO("just some notes")) is None
    True
    """
    text, problem = load_text(path, max_bytes=max_bytes)
    if problem is not None or text is None:
        return None
    found, _ = _detect(text)
    return found


def read_records_source(
    path: Source,
    format: str | None = None,
    *,
    name: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    encoding: str | None = None,
    **options: Any,
) -> ImportResult:
    """Read a structured export with the preset for its format (detected when None).

    Parameters
    ----------
    path : path or open file
        The export.
    format : str, optional
        One of :data:`FORMATS`; detected from the content when None.
    name : str, optional
        The name reported in error rows (and, for Parabol, the file name the id comes from).
    max_bytes : int
        Larger files are refused before they are read (default 50 MB).
    encoding : str, optional
        The text encoding when it is not UTF-8 (``"latin-1"``, ``"cp1252"``...).
    **options
        Passed to the preset's reader, e.g. ``base_url=`` for Jira.

    Examples
    --------
    >>> import io
    >>> result = read_records_source(io.StringIO("a,b\\n1,2\\n"), name="notes.csv")
    >>> print(result.errors[0])  # doctest: +ELLIPSIS
    notes.csv: is not an export of a known format (found CSV columns: a, b); ...
    """
    check_choice("format", format, (*FORMATS, None))
    return read_export(path, format, name=name, max_bytes=max_bytes, encoding=encoding, **options)[
        1
    ]


def read_export(
    path: Source,
    format: str | None = None,
    *,
    name: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    encoding: str | None = None,
    **options: Any,
) -> tuple[ExportFormat | None, ImportResult]:
    """:func:`read_records_source`, also saying which format was read (None when none).

    Examples
    --------
    >>> import io
    >>> found, result = read_export(io.StringIO("Summary,Issue key\\nAdd alert,OPS-1\\n"))
    >>> found.key, len(result.errors)
    ('jira', 1)
    """
    shown = source_name(path, name)
    text, problem = load_text(path, name=shown, max_bytes=max_bytes, encoding=encoding)
    if text is None:
        return None, ImportResult(errors=(problem,) if problem is not None else ())
    if format is None:
        format, problem = _detect(text, shown)
        if format is None:
            return None, ImportResult(errors=(problem,) if problem else ())
    found = EXPORT_FORMATS[format]
    return found, found.parse(text, name=shown, **options)


def _detect(text: str, shown: str = "<export>") -> tuple[str | None, ImportProblem | None]:
    """The format of an export's text, or the problem that says why there is none."""
    if text.lstrip()[:1] in ("{", "["):
        data, problem = load_json(text, shown)
        if problem is not None:
            return None, problem
        for one in EXPORT_FORMATS.values():
            if one.kind == "json" and one.sniff(data):
                return one.key, None
        return None, _unknown(shown, _json_shape(data))
    header = csv_header(text if ("," in text or "\n" in text) else text + "\n")
    if header is not None:
        for one in EXPORT_FORMATS.values():
            if one.kind == "csv" and one.sniff(header):
                return one.key, None
        shown_columns = ", ".join(header[:12]) + (", ..." if len(header) > 12 else "")
        return None, _unknown(shown, f"CSV columns: {shown_columns}")
    return None, _unknown(shown, "neither CSV nor JSON")


def _unknown(shown: str, found: str) -> ImportProblem:
    formats = ", ".join(f"{what} ({key!r})" for key, what in FORMATS.items())
    return ImportProblem(
        shown,
        None,
        f"is not an export of a known format (found {found}); the formats read are: "
        f"{formats}; pass format= to choose one",
    )


def _json_shape(data: Any) -> str:
    if isinstance(data, dict):
        keys = ", ".join(str(key) for key in list(data)[:12])
        return f"a JSON object with keys: {keys or 'none'}"
    if isinstance(data, list):
        return f"a JSON list of {len(data)} values" if data else "an empty JSON list"
    return f"a JSON {type(data).__name__}"
