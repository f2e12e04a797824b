"""HTML for every front end: one escape, one table builder, one duration format.

Every string a user typed goes through :func:`escape` before it reaches a page or a
widget. Text that is already HTML is marked as :class:`Markup`, so a builder such as
:func:`html_table` passes it through and escapes everything else. Control characters
(terminal escapes, carriage returns, bidirectional overrides) are made visible as
U+FFFD by :func:`visible_text`, which the Markdown escaper uses too.

Examples
--------
>>> escape('<script>alert("x")</script>')
'&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'
>>> print(html_table([("ana", Markup("<b>late</b>"))], ["owner", "note"]))
<table><thead><tr><th>owner</th><th>note</th></tr></thead><tbody>
<tr><td>ana</td><td><b>late</b></td></tr>
</tbody></table>
>>> format_duration(95)
'1 h 35 min'
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta

import pandas as pd

from ._errors import ArgumentError
from ._validate import check_int

__all__ = ["Markup", "escape", "format_duration", "html_paragraphs", "html_table", "visible_text"]


class Markup(str):
    """A string that is already safe HTML: :func:`escape` returns it unchanged.

    Build one only from escaped parts or from markup written in the code, never
    from user text.

    Examples
    --------
    >>> escape(Markup("<b>x</b>")), escape("<b>x</b>")
    ('<b>x</b>', '&lt;b&gt;x&lt;/b&gt;')
    """

    __slots__ = ()


# C0 controls except tab and newline, DEL, C1 controls, and the bidirectional
# embeddings, overrides and isolates ("Trojan Source").
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def visible_text(text: object) -> str:
    """``text`` as a string with control characters shown as U+FFFD and line ends as ``\\n``.

    A terminal escape (``ESC[31m``) or a carriage return can rewrite what a reader
    sees in a terminal or an editor; here it shows up as a replacement character.

    Examples
    --------
    >>> visible_text("ok\\x1b[31m red\\r\\nnext\\rover")
    'ok\\ufffd[31m red\\nnext\\nover'
    """
    line_ends = str(text).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROLS.sub("\ufffd", line_ends)


def escape(text: object) -> Markup:
    """``text`` as HTML text: ``& < > " '`` escaped (safe in attributes too).

    :class:`Markup` passes through unchanged; anything else is turned into a string
    first, with control characters made visible (:func:`visible_text`).

    Examples
    --------
    >>> escape("it's <b> & \\"q\\"")
    'it&#x27;s &lt;b&gt; &amp; &quot;q&quot;'
    >>> escape(3)
    '3'
    """
    if isinstance(text, Markup):
        return text
    return Markup(html.escape(visible_text(text), quote=True))


def html_paragraphs(text: object) -> Markup:
    """Text as ``<p>`` paragraphs: a blank line starts a new one, single line breaks reflow.

    This reads a written text the way Markdown does (post-mortem files are often wrapped
    at a fixed width), with every character escaped.

    Examples
    --------
    >>> html_paragraphs("One line\\nwrapped.\\n\\n  <b>Two</b>  ")
    '<p>One line\\nwrapped.</p>\\n<p>&lt;b&gt;Two&lt;/b&gt;</p>'
    >>> html_paragraphs("")
    ''
    """
    blocks = re.split(r"\n[ \t]*\n", visible_text(text))
    return Markup("\n".join(f"<p>{escape(b.strip())}</p>" for b in blocks if b.strip()))


def _cell(value: object) -> Markup:
    """One table cell's HTML: Markup kept, dates as ISO days, missing values empty."""
    if isinstance(value, Markup):
        return value
    missing = value is None or (pd.api.types.is_scalar(value) and pd.isna(value))  # type: ignore[call-overload]
    if missing:  # None, NaN, NaT, pd.NA
        return Markup("")
    if isinstance(value, pd.Timestamp | datetime):
        return escape(value.date().isoformat() if _is_midnight(value) else value.isoformat())
    if isinstance(value, date):
        return escape(value.isoformat())
    return escape(value)


def _is_midnight(value: datetime) -> bool:
    return (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0)


Rows = pd.DataFrame | Iterable[Sequence[object]] | Iterable[Mapping[str, object]]


def html_table(
    rows: Rows,
    columns: Sequence[str] | None = None,
    *,
    headers: Mapping[str, str] | None = None,
    css_class: str | None = None,
    limit: int | None = None,
) -> Markup:
    """An HTML table with every cell escaped (except :class:`Markup` cells).

    Parameters
    ----------
    rows : DataFrame, iterable of sequences, or iterable of mappings
        The rows. A DataFrame or mappings are read by column name; sequences by position.
    columns : sequence of str, optional
        The columns in order (and the header labels). Default: a DataFrame's columns;
        required for other rows.
    headers : mapping, optional
        A shown label for some columns, e.g. ``{"days_overdue": "days overdue"}``.
    css_class : str, optional
        The table's ``class`` attribute.
    limit : int, optional
        Show at most this many rows, then a line saying how many more there are.

    Returns
    -------
    Markup
        ``<table>`` with ``<thead>`` and ``<tbody>``, one row a line. Missing values
        (None, NaN, NaT) show empty, dates and midnight timestamps as ``YYYY-MM-DD``.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"owner": ["<ana>", None],
    ...                       "due": pd.to_datetime(["2024-01-02", None])})
    >>> print(html_table(frame, headers={"due": "due date"}, limit=1))
    <table><thead><tr><th>owner</th><th>due date</th></tr></thead><tbody>
    <tr><td>&lt;ana&gt;</td><td>2024-01-02</td></tr>
    </tbody></table><p>… and 1 more.</p>
    >>> html_table([{"a": 1}], ["a"], css_class="pm-table")[:24]
    '<table class="pm-table">'
    """
    if limit is not None:
        check_int("limit", limit, minimum=0)
    if isinstance(rows, pd.DataFrame):
        names = list(rows.columns if columns is None else columns)
        records: list[Sequence[object]] = list(rows[names].itertuples(index=False, name=None))
    else:
        if columns is None:
            raise ArgumentError("'columns' must be given unless 'rows' is a DataFrame, got None")
        names = list(columns)
        records = [
            [row.get(name) for name in names] if isinstance(row, Mapping) else row for row in rows
        ]
    labels = headers or {}
    head = "".join(f"<th>{escape(labels.get(name, name))}</th>" for name in names)
    shown = records if limit is None else records[:limit]
    body = "".join(
        "\n<tr>" + "".join(f"<td>{_cell(v)}</td>" for v in row) + "</tr>" for row in shown
    )
    attribute = f' class="{escape(css_class)}"' if css_class else ""
    more = len(records) - len(shown)
    tail = f"<p>… and {more} more.</p>" if more else ""
    return Markup(
        f"<table{attribute}><thead><tr>{head}</tr></thead><tbody>{body}\n</tbody></table>{tail}"
    )


def format_duration(value: timedelta | float | None) -> str:
    """A duration for people: ``"12 min"``, ``"1 h 05 min"``; ``"unknown"`` when missing.

    ``value`` is a ``timedelta`` or a number of minutes; it is rounded to the minute.
    A negative duration (a resolution recorded before the start) keeps its sign.

    Examples
    --------
    >>> from datetime import timedelta
    >>> format_duration(timedelta(minutes=78)), format_duration(12.4), format_duration(None)
    ('1 h 18 min', '12 min', 'unknown')
    >>> format_duration(-65), format_duration(float("nan"))
    ('-1 h 05 min', 'unknown')
    """
    if value is None:
        return "unknown"
    if isinstance(value, timedelta):
        minutes_float = value.total_seconds() / 60
    elif isinstance(value, int | float) and not isinstance(value, bool):
        minutes_float = float(value)
    else:
        raise ArgumentError(f"'value' must be a timedelta or a number of minutes, got {value!r}")
    if math.isnan(minutes_float):
        return "unknown"
    minutes = round(minutes_float)
    sign = "-" if minutes < 0 else ""
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours} h {rest:02d} min" if hours else f"{sign}{rest} min"
