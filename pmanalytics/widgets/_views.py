"""HTML for the session app's panels: pure functions of the session, all user text escaped.

The facts, themes, actions and wrap-up panels render the report's view model
(:func:`pmanalytics.report.report_data`), so the app shows what the report will say.
"""

from __future__ import annotations

from .._html import escape
from .._model import PostMortem
from ..report import ReportData, actions_fragment, facts_fragment, report_data, themes_fragment
from ..session import PRIME_DIRECTIVE, PhaseStatus, Session

__all__ = [
    "actions_html",
    "agenda_html",
    "board_html",
    "countdown_text",
    "facts_html",
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


def agenda_html(session: Session, status: PhaseStatus) -> str:
    """The agenda bar: every phase with its time box, the current one highlighted."""
    parts = [_CSS, '<div class="pm-agenda">']
    for index, phase in enumerate(session.template.phases):
        classes = "pm-phase"
        if index == status.index:
            classes += " pm-current"
        elif 0 <= index < status.index or (status.index < 0 and session.state.ended_at):
            classes += " pm-done"
        parts.append(f'<span class="{classes}">{escape(phase.title)} · {phase.minutes} min</span>')
    parts.append("</div>")
    if status.phase is None:
        parts.append(f"<div><b>{escape(status.title)}</b></div>")
    else:
        css = "pm-countdown pm-overrun" if status.overrun else "pm-countdown"
        parts.append(
            f"<div><b>{escape(status.title)}</b> ({status.minutes} min) "
            f'<span class="{css}">{escape(countdown_text(status))}</span></div>'
        )
    return "".join(parts)


def prime_directive_html() -> str:
    """The Retrospective Prime Directive, read when setting the tone."""
    return (
        f'{_CSS}<h3>The Prime Directive</h3><div class="pm-prime">{escape(PRIME_DIRECTIVE)}</div>'
        "<p>This is a blameless review: we look at systems and processes, not people.</p>"
    )


def facts_html(pm: PostMortem) -> str:
    """The facts panel: the report's facts, what happened, impact and timeline.

    Examples
    --------
    >>> from pmanalytics import PostMortem
    >>> panel = facts_html(PostMortem(id="p", title="Disk <full>", summary="It filled up."))
    >>> "<h3>Disk &lt;full&gt;</h3>" in panel, "It filled up." in panel
    (True, True)
    """
    data = report_data(pm)
    return f"{_CSS}<h3>{escape(data.title)}</h3>{facts_fragment(data, level=4)}"


def board_html(session: Session, highlight: str = "") -> str:
    """The board: one column per template section; ``highlight`` marks someone's items."""
    state = session.state
    columns = {spec.key: spec.title for spec in session.template.sections}
    for item in state.items.values():
        column = state.column(item)
        columns.setdefault(column, item.heading or column)
    cells: dict[str, list[str]] = {key: [] for key in columns}
    labels = {t.id: t.label for t in state.themes.values()}
    for item in state.items.values():
        mine = bool(highlight) and item.author == highlight and not state.anonymous
        meta: list[str] = []
        if item.author and not state.anonymous:
            meta.append(escape(item.author))
        if item.votes:
            meta.append(f"{item.votes} ▲")
        if item.theme_id in labels:
            meta.append(f"⬡ {escape(labels[item.theme_id])}")
        warn = ""
        nudges = state.warnings(item.id)
        if nudges:
            hint = " ".join(str(w) for w in nudges)
            warn = f'<div class="pm-warn" title="{escape(hint)}">⚠ reframe: {escape(hint)}</div>'
        cells[state.column(item)].append(
            f'<div class="pm-item{" pm-hl" if mine else ""}" data-item="{escape(item.id)}">'
            f'{escape(item.text)}<div class="pm-meta">{escape(item.id)} · {" · ".join(meta)}</div>'
            f"{warn}</div>"
        )
    body = "".join(
        f'<div class="pm-col"><h4>{escape(title)} ({len(cells[key])})</h4>'
        f"{''.join(cells[key])}</div>"
        for key, title in columns.items()
    )
    return f'{_CSS}<div class="pm-board" style="--pm-cols:{len(columns)}">{body}</div>'


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
    flagged = "".join(
        f"<li>{escape(a.title)}: "
        f"<span class='pm-missing'>missing {' and '.join(a.missing)}</span></li>"
        for a in data.unplanned
    )
    planned = len(data.actions) - len(data.unplanned)
    return (
        f"{_CSS}<h3>Themes by priority</h3><ol>{themes or '<li>No themes.</li>'}</ol>"
        f"<h3>Actions ({planned} of {len(data.actions)} planned)</h3>{_actions(data)}"
        + (f"<h4>Not planned yet</h4><ul>{flagged}</ul>" if flagged else "")
    )
