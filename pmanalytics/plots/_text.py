"""User text on figures: escaped, since plotly's labels and hover texts accept some HTML."""

from __future__ import annotations

import html
from collections.abc import Iterable


def escaped(value: object) -> str:
    """One value as safe label text.

    Examples
    --------
    >>> escaped("<b>x</b> & y")
    '&lt;b&gt;x&lt;/b&gt; &amp; y'
    """
    return html.escape(str(value), quote=False)


def escaped_all(values: Iterable[object]) -> list[str]:
    """Every value as safe label text."""
    return [escaped(value) for value in values]
