"""Hypothesis strategies that build random valid post-mortems."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from hypothesis import strategies as st

from pmanalytics import (
    ACTION_KINDS,
    ACTION_STATUSES,
    PARTICIPANT_ROLES,
    POSTMORTEM_STATUSES,
    TIMELINE_KINDS,
    Action,
    Item,
    Participant,
    PostMortem,
    Theme,
    TimelineEvent,
)
from pmanalytics._ids import file_id_problem

# Unicode text without surrogates or control characters other than newline and tab,
# with Markdown's special characters and emoji over-represented.
_MARKDOWN_BITS = st.sampled_from(
    [
        "#",
        "## ",
        "- ",
        "* ",
        "1. ",
        "> ",
        "`",
        "```",
        "~~~",
        "|",
        "<!--",
        "-->",
        "<b>",
        "\\",
        "[x]",
        "**",
        "_",
        "---",
        "===",
        "    ",
        "\t",
        "\n",
        "\n\n",
        "🎉",
        "👩🏽‍💻",
        "é",
        "中文",
        "&amp;",
    ]
)
_CHARS = st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\u2028\u2029\x85")
_FRAGMENT = st.one_of(st.text(_CHARS, min_size=1, max_size=12), _MARKDOWN_BITS)
text = st.lists(_FRAGMENT, min_size=1, max_size=8).map("".join).map(str.strip).filter(bool)
line = text.map(lambda s: " ".join(s.split())).filter(bool)
slugs = st.from_regex(r"[a-z0-9][a-z0-9._-]{0,20}", fullmatch=True).filter(lambda s: ".." not in s)
#: Post-mortem ids a writer accepts as file names (no trailing dot, no reserved device name).
file_ids = slugs.filter(lambda s: file_id_problem(s) is None)

_ZONES = st.sampled_from(
    [UTC, timezone(timedelta(hours=-8)), timezone(timedelta(hours=5, minutes=30))]
)
timestamps = st.builds(
    lambda base, zone: base.replace(tzinfo=zone),
    st.datetimes(min_value=datetime(2015, 1, 1), max_value=datetime(2030, 1, 1)),
    _ZONES,
)
json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False),
    line,
)
extras = st.dictionaries(
    slugs.map(lambda s: "x_" + s.replace(".", "_")),
    st.recursive(
        json_scalars,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(slugs, inner, max_size=3),
        max_leaves=6,
    ),
    max_size=3,
)


@st.composite
def postmortems(draw: Any) -> PostMortem:
    started = draw(st.one_of(st.none(), timestamps))
    after = (
        (lambda: st.none())
        if started is None
        else (
            lambda: st.one_of(
                st.none(), st.timedeltas(timedelta(0), timedelta(days=3)).map(lambda d: started + d)
            )
        )
    )
    detected, mitigated = draw(after()), draw(after())
    resolved = draw(after())
    if mitigated and resolved and resolved < mitigated:
        resolved = mitigated
    themes = draw(
        st.lists(
            st.builds(Theme, id=slugs, label=line, rank=st.none() | st.integers(1, 9)),
            max_size=3,
            unique_by=lambda t: t.id,
        )
    )
    theme_ids = [t.id for t in themes]
    items = draw(
        st.lists(
            st.builds(
                Item,
                id=slugs,
                section=st.sampled_from(
                    ["went_well", "lessons_learned", "future_considerations", "ongoing_problem"]
                ),
                text=text,
                heading=st.none() | line,
                author=st.none() | line,
                votes=st.integers(0, 12),
                theme_id=st.none() | (st.sampled_from(theme_ids) if theme_ids else st.none()),
                created_at=st.none() | timestamps,
                extra=extras,
            )
            | st.builds(Item, id=slugs, section=st.just("other"), text=text, heading=line),
            max_size=8,
            unique_by=lambda i: i.id,
        )
    )
    targets = theme_ids + [i.id for i in items]
    actions = draw(
        st.lists(
            st.builds(
                Action,
                id=slugs,
                title=text,
                owner=st.none() | line,
                due=st.none() | st.dates(date(2015, 1, 1), date(2030, 1, 1)),
                status=st.sampled_from(ACTION_STATUSES),
                priority=st.none() | st.sampled_from(["P1", "P2", "high"]),
                kind=st.none() | st.sampled_from(ACTION_KINDS),
                link=st.none() | st.just("https://tracker.example/T-1"),
                addresses=st.none() | (st.sampled_from(targets) if targets else st.none()),
                extra=extras,
            ),
            max_size=4,
            unique_by=lambda a: a.id,
        )
    )
    return PostMortem(
        id=draw(file_ids),
        title=draw(line),
        status=draw(st.sampled_from(POSTMORTEM_STATUSES)),
        severity=draw(st.none() | st.sampled_from(["SEV1", "SEV2", "minor"])),
        services=draw(st.lists(line, max_size=3)),
        teams=draw(st.lists(line, max_size=2)),
        tags=draw(st.lists(line, max_size=2)),
        started_at=started,
        detected_at=detected,
        mitigated_at=mitigated,
        resolved_at=resolved,
        summary=draw(st.just("") | text),
        impact={
            "text": draw(st.just("") | text),
            "customers_affected": draw(st.none() | st.integers(0, 10**6)),
        },
        timeline=draw(
            st.lists(
                st.builds(
                    TimelineEvent,
                    at=timestamps,
                    text=text,
                    kind=st.none() | st.sampled_from(TIMELINE_KINDS),
                ),
                max_size=4,
            )
        ),
        participants=draw(
            st.lists(
                st.builds(Participant, name=line, role=st.sampled_from(PARTICIPANT_ROLES)),
                max_size=3,
            )
        ),
        review={
            "held_on": draw(st.none() | st.dates()),
            "duration_minutes": draw(st.none() | st.integers(0, 200)),
        },
        items=items,
        themes=themes,
        actions=actions,
        links=draw(st.lists(st.just("https://status.example/incident/1"), max_size=1)),
        extra=draw(extras),
    )
