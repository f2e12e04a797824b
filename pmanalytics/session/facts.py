"""Facts you can trust: the timeline as the session's facts panel shows it.

Post-mortems written by other teams hold timeline rows with only a time (read on the
incident's date, in the zone the document states), times that could not be read
(``14:??``: kept as written and flagged), rows copied from the template (``HH:mm |
Short event description.``: left out), and inline Markdown or HTML such as ``<br>``
(rendered safely: everything escaped, then a few constructs turned into markup).

Examples
--------
>>> from datetime import datetime, timezone
>>> from pmanalytics import PostMortem, TimelineEvent
>>> day = datetime(2024, 3, 13, tzinfo=timezone.utc)
>>> pm = PostMortem(id="p", title="t", timeline=[
...     TimelineEvent(at=day, text="Short event description.",
...                   extra={"time_known": False, "time_text": "2024-03-13 HH:mm"}),
...     TimelineEvent(at=day.replace(hour=15), text="Alert"),
...     TimelineEvent(at=day, text="Scaled down", extra={"time_known": False,
...                                                      "time_text": "2024-03-13 14:??"}),
...     TimelineEvent(at=day.replace(hour=10, minute=1), text="Node <br>NotReady")])
>>> [(r.at, r.flagged, r.html) for r in facts_timeline(pm)]  # doctest: +NORMALIZE_WHITESPACE
[('2024-03-13 10:01 UTC', False, 'Node <br>NotReady'),
 ('2024-03-13 14:?? (as written)', True, 'Scaled down'),
 ('2024-03-13 15:00 UTC', False, 'Alert')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from .._html import Markup, escape
from .._model import PostMortem, TimelineEvent

__all__ = ["FactRow", "facts_timeline", "is_placeholder", "render_inline"]


@dataclass(frozen=True)
class FactRow:
    """One timeline row as shown: its time (or the time as written), kind and safe HTML.

    ``flagged`` marks a time that could not be read: ``at`` then shows it as written.
    """

    at: str
    kind: str
    html: Markup
    flagged: bool


_PLACEHOLDER_STAMP = re.compile(r"\b(?:YYYY|MM|DD|HH|hh|mm|ss|XX:XX|xx:xx)\b")
_PLACEHOLDER_TEXTS = {
    "short event description",
    "event description",
    "description",
    "what happened",
    "...",
    "tbd",
}


def is_placeholder(event: TimelineEvent) -> bool:
    """Whether a timeline row is the template's example row rather than a fact.

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> from pmanalytics import TimelineEvent
    >>> at = datetime(2024, 1, 1, tzinfo=timezone.utc)
    >>> is_placeholder(TimelineEvent(at=at, text="Short event description.",
    ...                              extra={"time_known": False, "time_text": "HH:mm"}))
    True
    >>> is_placeholder(TimelineEvent(at=at, text="Alert fired"))
    False
    """
    stamp = str(event.extra.get("time_text") or "")
    text = event.text.strip().rstrip(".").strip().casefold()
    return bool(_PLACEHOLDER_STAMP.search(stamp)) or text in _PLACEHOLDER_TEXTS


_BR = re.compile(r"&lt;br\s*/?&gt;", re.IGNORECASE)
_CODE = re.compile(r"`([^`\n]+)`")
_STRONG = re.compile(r"\*\*([^*\n]+)\*\*")
_EM = re.compile(r"(?<![*\w])\*([^*\n]+)\*(?![*\w])")
_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^)\s&]+(?:&amp;[^)\s&]+)*)\)")


def render_inline(text: str) -> Markup:
    """Inline Markdown as safe HTML: escaped first, then ``<br>``, `code`, **strong**,
    *emphasis* and ``[links](https://...)`` turned into markup; nothing else passes.

    Examples
    --------
    >>> render_inline("OOM.<br>Caused **CrashLoopBackOff** in `hangfire`")
    'OOM.<br>Caused <strong>CrashLoopBackOff</strong> in <code>hangfire</code>'
    >>> render_inline("<script>x</script> [doc](javascript:alert(1))")
    '&lt;script&gt;x&lt;/script&gt; [doc](javascript:alert(1))'
    """
    html = str(escape(text))
    html = _BR.sub("<br>", html)
    html = _CODE.sub(r"<code>\1</code>", html)
    html = _STRONG.sub(r"<strong>\1</strong>", html)
    html = _EM.sub(r"<em>\1</em>", html)
    html = _LINK.sub(r'<a href="\2" target="_blank" rel="noopener noreferrer">\1</a>', html)
    return Markup(html.replace("\n", "<br>"))


_PARTIAL_HOUR = re.compile(r"(?<!\d)(\d{1,2})[:.h]\s*[?x]{1,2}", re.IGNORECASE)


def _order_key(event: TimelineEvent, previous: datetime | None) -> datetime:
    """Where a row sorts: its time; a time as written (``14:??``) at its hour when one can be
    read, else right after the row before it."""
    if event.extra.get("time_known", True) is not False:
        return event.at
    hour = _PARTIAL_HOUR.search(str(event.extra.get("time_text") or ""))
    if hour and int(hour.group(1)) < 24:
        return event.at.replace(hour=int(hour.group(1)), minute=0) + timedelta(minutes=59)
    return previous or event.at


def facts_timeline(pm: PostMortem) -> tuple[FactRow, ...]:
    """The timeline to show: ordered, times in the incident's stated zone, placeholders left
    out, unreadable times shown as written and flagged, text rendered safely."""
    keyed: list[tuple[datetime, int, FactRow]] = []
    previous: datetime | None = None
    for index, event in enumerate(pm.timeline):
        if is_placeholder(event):
            continue
        known = event.extra.get("time_known", True) is not False
        key = _order_key(event, previous)
        previous = key
        if known:
            at = event.at.strftime("%Y-%m-%d %H:%M %Z").strip()
        else:
            written = str(event.extra.get("time_text") or event.at.date().isoformat())
            at = f"{written} (as written)"
        keyed.append(
            (key, index, FactRow(at, event.kind or "", render_inline(event.text), not known))
        )
    keyed.sort(key=lambda row: (row[0], row[1]))
    return tuple(row for _, _, row in keyed)
