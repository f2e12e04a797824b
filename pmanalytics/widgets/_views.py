"""HTML for the session app's panels: pure functions of the session, all user text escaped.

The facts, themes, actions and wrap-up panels render the report's view model
(:func:`pmanalytics.report.report_data`), so the app shows what the report will say.
"""

from __future__ import annotations

from dataclasses import replace

from .._html import Markup, escape
from .._model import PostMortem
from ..report import (
    ReportData,
    TimelineRow,
    actions_fragment,
    facts_fragment,
    report_data,
    themes_fragment,
)
from ..session import PRIME_DIRECTIVE, BoardView, PhaseStatus, Session, facts_timeline

__all__ = [
    "actions_html",
    "agenda_html",
    "board_html",
    "countdown_text",
    "facts_html",
    "overrun_cue",
    "prime_directive_html",
    "themes_html",
    "votes_html",
    "wrap_up_html",
]

_CSS = """<style>
.pm-agenda{display:flex;flex-wrap:wrap;gap:.3rem;margin:.2rem 0}
.pm-phase{padding:.15rem .5rem;border-radius:1rem;background:#eef1f4;color:#57606a;font-size:.85em}
.pm-phase.pm-current{background:#0969da;color:#fff;font-weight:600}
.pm-phase.pm-done{text-decoration:line-through}
.pm-countdown{font-size:1.4em;font-weight:700;font-variant-numeric:tabular-nums}
.pm-overrun{color:#b42318}
.pm-board{display:grid;grid-template-columns:repeat(var(--pm-cols),minmax(10rem,1fr));gap:.6rem}
.pm-col{background:#f6f8fa;border-radius:.4rem;padding:.4rem;min-height:4rem}
.pm-col h4{margin:.1rem 0 .4rem 0}
.pm-item{background:#fff;border:1px solid #d0d7de;border-radius:.3rem;padding:.3rem .4rem;
margin:.3rem 0;white-space:pre-wrap;font-size:.9em}
.pm-item.pm-hl{border:2px solid #bf8700;background:#fff8c5}
.pm-meta{color:#57606a;font-size:.8em}
.pm-warn{color:#9a6700;font-size:.8em}
.pm-missing{color:#b42318;font-weight:600}
.pm-prime{font-size:1.2em;font-style:italic;border-left:4px solid #0969da;padding:.5rem 1rem}
.pm-table{border-collapse:collapse}.pm-table td,.pm-table th{border:1px solid #d0d7de;
padding:.2rem .4rem;text-align:left;vertical-align:top}
.pm-facts{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem;margin:.2rem 0}
.pm-facts dt{font-weight:600}.pm-facts dd{margin:0}
.pm-flag{color:#9a6700;font-weight:600}
.pm-private{border-style:dashed}
.pm-hidden{color:#57606a;font-style:italic;font-size:.85em}
</style>"""


def countdown_text(status: PhaseStatus) -> str:
    """``"07:30 left"``, or ``"+01:05 over"`` once the time box is exceeded.

    Examples
    --------
    >>> from pmanalytics.session import PhaseStatus
    >>> countdown_text(PhaseStatus("wrap_up", "Wrap-up", 7, 5, 310.0, -10.0, True))
    '+00:10 over'
    """
    if status.phase is None:
        return ""
    seconds = abs(int(status.remaining))
    text = f"{seconds // 60:02d}:{seconds % 60:02d}"
    return f"+{text} over" if status.overrun else f"{text} left"


def overrun_cue(status: PhaseStatus) -> str:
    """The overrun cue in words (not colour alone): ``"⏰ OVER TIME"`` once the box is exceeded.

    Examples
    --------
    >>> from pmanalytics.session import PhaseStatus
    >>> overrun_cue(PhaseStatus("wrap_up", "Wrap-up", 7, 5, 310.0, -10.0, True))
    '⏰ OVER TIME'
    """
    return "⏰ OVER TIME" if status.overrun else ""


def agenda_html(session: Session, status: PhaseStatus) -> str:
    """The agenda bar: every phase with its time box, the current one highlighted."""
    state = session.state
    total = sum(state.phase_minutes(p.key) for p in session.template.phases)
    parts = [_CSS, f'<div class="pm-agenda"><span class="pm-meta">Agenda · {total} min</span>']
    for index, phase in enumerate(session.template.phases):
        classes = "pm-phase"
        if index == status.index:
            classes += " pm-current"
        elif 0 <= index < status.index or (status.index < 0 and session.state.ended_at):
            classes += " pm-done"
        minutes = state.phase_minutes(phase.key)
        parts.append(f'<span class="{classes}">{escape(phase.title)} · {minutes} min</span>')
    parts.append("</div>")
    if status.phase is None:
        parts.append(f"<div><b>{escape(status.title)}</b></div>")
    else:
        css = "pm-countdown pm-overrun" if status.overrun else "pm-countdown"
        cue = overrun_cue(status)
        auto = " · auto-advance on" if state.auto_advance else ""
        parts.append(
            f"<div><b>{escape(status.title)}</b> ({status.minutes} min{auto}) "
            f'<span class="{css}" role="timer">{escape(countdown_text(status))}</span>'
            + (f' <b class="pm-overrun">{escape(cue)}</b>' if cue else "")
            + "</div>"
        )
    return "".join(parts)


def prime_directive_html() -> str:
    """The Retrospective Prime Directive, read when setting the tone."""
    return (
        f'{_CSS}<h3>The Prime Directive</h3><div class="pm-prime">{escape(PRIME_DIRECTIVE)}</div>'
        "<p>This is a blameless review: we look at systems and processes, not people.</p>"
    )


def facts_html(pm: PostMortem) -> str:
    """The facts panel: the report's facts, what happened, impact, and the timeline as
    :func:`pmanalytics.session.facts_timeline` shows it (ordered, placeholders left out,
    unreadable times flagged, Markdown rendered safely).

    Examples
    --------
    >>> from pmanalytics import PostMortem
    >>> panel = facts_html(PostMortem(id="p", title="Disk <full>", summary="It filled up."))
    >>> "<h3>Disk &lt;full&gt;</h3>" in panel, "It filled up." in panel
    (True, True)
    """
    data = report_data(pm)
    rows = tuple(
        TimelineRow(
            Markup(f'<span class="pm-flag" title="time not read">⚑ {escape(r.at)}</span>')
            if r.flagged
            else r.at,
            r.kind,
            r.html,  # already safe HTML: the table passes it through
        )
        for r in facts_timeline(pm)
    )
    trusted = replace(data, timeline=rows)
    return f"{_CSS}<h3>{escape(data.title)}</h3>{facts_fragment(trusted, level=4)}"


def board_html(view: BoardView, highlight: str = "") -> str:
    """The board as one viewer sees it (:func:`pmanalytics.session.board_view`): one column
    per section; ``highlight`` marks a member's named notes; others' private notes counted.
    """
    marked = set(view.highlighted(highlight)) if highlight else set()
    cells: dict[str, list[str]] = {key: [] for key, _ in view.columns}
    for card in view.cards:
        meta: list[str] = []
        if card.author:
            meta.append(escape(card.author))
        elif card.anonymous:
            meta.append("anonymous")
        if card.private:
            meta.append("private until revealed")
        if card.votes:
            meta.append(f"{card.votes} ▲")
        if card.theme:
            meta.append(f"⬡ {escape(card.theme)}")
        warn = ""
        if card.nudges:
            hint = " ".join(card.nudges)
            warn = f'<div class="pm-warn" title="{escape(hint)}">⚠ reframe: {escape(hint)}</div>'
        classes = "pm-item" + (" pm-hl" if card.id in marked else "")
        classes += " pm-private" if card.private else ""
        cells[card.column].append(
            f'<div class="{classes}" data-item="{escape(card.id)}">'
            f'{escape(card.text)}<div class="pm-meta">{escape(card.id)} · {" · ".join(meta)}</div>'
            f"{warn}</div>"
        )
    body = "".join(
        f'<div class="pm-col"><h4>{escape(title)} ({len(cells[key])})</h4>'
        + (
            f'<div class="pm-hidden">+ {view.hidden[key]} private note(s) by others</div>'
            if view.hidden.get(key)
            else ""
        )
        + f"{''.join(cells[key])}</div>"
        for key, title in view.columns
    )
    return f'{_CSS}<div class="pm-board" style="--pm-cols:{len(view.columns)}">{body}</div>'


def votes_html(session: Session) -> str:
    """Each member's remaining votes."""
    state = session.state
    parts = [
        f"{escape(name)}: <b>{state.votes_left(name)}</b>/{state.votes_per_participant}"
        for name in state.members
    ]
    return "<div><b>Votes left</b> — " + " · ".join(parts) + "</div>"


def themes_html(session: Session) -> str:
    """Themes by priority with their ids, votes and item counts."""
    data = report_data(session)
    if not data.themes:
        return "<p>No themes yet.</p>"
    return f"{_CSS}{themes_fragment(data, ids=True)}"


def _actions(data: ReportData) -> str:
    if not data.actions:
        return "<p>No actions yet.</p>"
    return f"{_CSS}{actions_fragment(data, ids=True)}"


def actions_html(session: Session) -> str:
    """The actions with their ids, flagging missing owners and due dates."""
    return _actions(report_data(session))


def wrap_up_html(session: Session) -> str:
    """The themes by priority, the actions, and what still lacks an owner or a deadline.

    Examples
    --------
    >>> import tempfile
    >>> from pmanalytics import PostMortem
    >>> s = Session.create(PostMortem(id="pm-1", title="Disk full"), tempfile.mkdtemp(),
    ...                    participants=["Ana"], facilitator="Cy")
    >>> _ = s.add_action("Add <alert>", by="Cy")
    >>> panel = wrap_up_html(s)
    >>> "Add &lt;alert&gt;: <span class='pm-missing'>missing owner and due</span>" in panel
    True
    >>> "Actions (0 of 1 planned)" in panel
    True
    """
    data = report_data(session)
    themes = "".join(
        f"<li>{escape(t.label)} — {t.votes} votes, {t.items} items</li>" for t in data.themes
    )
    voted = "".join(
        f"<li>{escape(n.text)} — {n.votes} votes <span class='pm-meta'>(no theme)</span></li>"
        for n in session.wrap_up().unthemed_voted
    )
    flagged = "".join(
        f"<li>{escape(a.title)}: "
        f"<span class='pm-missing'>missing {' and '.join(a.missing)}</span></li>"
        for a in data.unplanned
    )
    planned = len(data.actions) - len(data.unplanned)
    return (
        f"{_CSS}<h3>Themes by priority</h3><ol>{themes or '<li>No themes.</li>'}</ol>"
        + (f"<h4>Voted notes without a theme</h4><ul>{voted}</ul>" if voted else "")
        + f"<h3>Actions ({planned} of {len(data.actions)} planned)</h3>{_actions(data)}"
        + (f"<h4>Not planned yet</h4><ul>{flagged}</ul>" if flagged else "")
    )
