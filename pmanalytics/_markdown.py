"""Markdown for every report: one escaper for user text.

User text in a Markdown document must stay text: no raw HTML, no accidental emphasis,
links, headings, lists, block quotes, code or table columns. :func:`escape_md` makes it
so, for a paragraph (``one_line=False``, newlines kept) or for a table cell, heading or
list line (``one_line=True``, all whitespace folded to single spaces).

Examples
--------
>>> escape_md("# <b>Bo</b> | *did* `it`")
'\\\\# &lt;b&gt;Bo&lt;/b&gt; \\\\| \\\\*did\\\\* \\\\`it\\\\`'
"""

from __future__ import annotations

import html
import re

from ._html import visible_text

__all__ = ["escape_md"]

# Characters that start inline syntax anywhere in a line: backslash escapes, code,
# emphasis, links and images, table columns, headings, strikethrough, maths, attributes.
_SPECIAL = re.compile(r"([\\`*_\[\]{}|#~$])")
# What starts a block at the beginning of a line once the specials are escaped: a
# bullet or thematic break (- +), a setext underline (=), an ordered list (1. or 1)).
_LINE_START = re.compile(r"^([ \t]*)(?:([-+=])|(\d+)([.)]))", re.MULTILINE)


def _line_start(match: re.Match[str]) -> str:
    indent, marker, digits, dot = match.groups()
    if marker:
        return f"{indent}\\{marker}"
    return f"{indent}{digits}\\{dot}"


def escape_md(text: object, *, one_line: bool = False) -> str:
    """``text`` as literal Markdown: it renders as exactly the characters given.

    ``& < >`` become entities (no raw HTML can appear); Markdown punctuation is
    backslash-escaped; a line that would start a list, a thematic break or a setext
    heading gets its marker escaped; control characters show as U+FFFD.

    Parameters
    ----------
    text : object
        The text (anything else is turned into a string first).
    one_line : bool
        Fold every run of whitespace, newlines included, into one space: for table
        cells, headings and list lines.

    Examples
    --------
    >>> escape_md("a | b *c*\\nd", one_line=True)
    'a \\\\| b \\\\*c\\\\* d'
    >>> print(escape_md("- not a list\\n> not a quote\\n1. not a list"))
    \\- not a list
    &gt; not a quote
    1\\. not a list
    >>> escape_md("pm-3 (2024-03-01)")
    'pm-3 (2024-03-01)'
    """
    value = visible_text(text)
    if one_line:
        value = " ".join(value.split())
    value = _SPECIAL.sub(r"\\\1", html.escape(value, quote=False))
    return _LINE_START.sub(_line_start, value)
