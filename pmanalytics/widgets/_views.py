"""HTML for the session app's panels: pure functions of the session, all user text escaped."""

from __future__ import annotations

from datetime import timedelta
from html import escape

from .._model import PostMortem
from ..session import PRIME_DIRECTIVE, PhaseStatus, Session
from ..session.rules import missing_plan

__all__ = [
    "agenda_html",
    "board_html",
    "countdown_text",
    "facts_html",
    "prime_directive_html",
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
</style>"""


def _h(text: object) -> str:
    return escape(str(text), quote=True)


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
        parts.append(f'<span class="{classes}">{_h(phase.title)} · {phase.minutes} min</span>')
    parts.append("</div>")
    if status.phase is None:
        parts.append(f"<div><b>{_h(status.title)}</b></div>")
    else:
        css = "pm-countdown pm-overrun" if status.overrun else "pm-countdown"
        parts.append(
            f"<div><b>{_h(status.title)}</b> ({status.minutes} min) "
            f'<span class="{css}">{_h(countdown_text(status))}</span></div>'
        )
    return "".join(parts)


def prime_directive_html() -> str:
    """The Retrospective Prime Directive, read when setting the tone."""
    return (
        f'{_CSS}<h3>The Prime Directive</h3><div class="pm-prime">{_h(PRIME_DIRECTIVE)}</div>'
        "<p>This is a blameless review: we look at systems and processes, not people.</p>"
    )


def _duration(value: timedelta | None) -> str:
    if value is None:
        return "unknown"
    minutes = round(value.total_seconds() / 60)
    return f"{minutes // 60} h {minutes % 60:02d} min" if minutes >= 60 else f"{minutes} min"


def facts_html(pm: PostMortem) -> str:
    """The facts panel: summary, impact, time to detect and resolve, the timeline table."""
    rows = "".join(
        f"<tr><td>{_h(e.at.strftime('%Y-%m-%d %H:%M %Z'))}</td><td>{_h(e.kind or '')}</td>"
        f"<td>{_h(e.text)}</td></tr>"
        for e in pm.timeline
    )
    impact = pm.impact.text or ""
    if pm.impact.customers_affected is not None:
        impact += f" ({pm.impact.customers_affected} customers affected)"
    return (
        f"{_CSS}<h3>{_h(pm.title)}</h3>"
        f"<p><b>What happened.</b> {_h(pm.summary or 'Not written yet.')}</p>"
        f"<p><b>Impact.</b> {_h(impact.strip() or 'Not written yet.')}</p>"
        f"<p><b>Time to detect:</b> {_duration(pm.time_to_detect)} · "
        f"<b>time to resolve:</b> {_duration(pm.time_to_resolve)}</p>"
        + (
            '<table class="pm-table"><tr><th>time</th><th>kind</th><th>what happened</th></tr>'
            f"{rows}</table>"
            if rows
            else "<p>No timeline yet.</p>"
        )
    )


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
        meta = []
        if item.author and not state.anonymous:
            meta.append(_h(item.author))
        if item.votes:
            meta.append(f"{item.votes} ▲")
        if item.theme_id in labels:
            meta.append(f"⬡ {_h(labels[item.theme_id])}")
        warn = ""
        nudges = state.warnings(item.id)
        if nudges:
            hint = " ".join(str(w) for w in nudges)
            warn = f'<div class="pm-warn" title="{_h(hint)}">⚠ reframe: {_h(hint)}</div>'
        cells[state.column(item)].append(
            f'<div class="pm-item{" pm-hl" if mine else ""}" data-item="{_h(item.id)}">'
            f'{_h(item.text)}<div class="pm-meta">{_h(item.id)} · {" · ".join(meta)}</div>'
            f"{warn}</div>"
        )
    body = "".join(
        f'<div class="pm-col"><h4>{_h(title)} ({len(cells[key])})</h4>{"".join(cells[key])}</div>'
        for key, title in columns.items()
    )
    return f'{_CSS}<div class="pm-board" style="--pm-cols:{len(columns)}">{body}</div>'


def votes_html(session: Session) -> str:
    """Each member's remaining votes."""
    state = session.state
    parts = [
        f"{_h(name)}: <b>{state.votes_left(name)}</b>/{state.votes_per_participant}"
        for name in state.members
    ]
    return "<div><b>Votes left</b> — " + " · ".join(parts) + "</div>"


def themes_html(session: Session) -> str:
    """Themes with their votes and item counts."""
    rows = "".join(
        f"<tr><td>{_h(t.id)}</td><td>{_h(t.label)}</td><td>{t.votes}</td>"
        f"<td>{len(t.item_ids)}</td></tr>"
        for t in session.theme_summaries()
    )
    if not rows:
        return "<p>No themes yet.</p>"
    return (
        f'{_CSS}<table class="pm-table"><tr><th>id</th><th>theme</th><th>votes</th>'
        f"<th>items</th></tr>{rows}</table>"
    )


def actions_html(session: Session) -> str:
    """The actions, flagging missing owners and due dates."""
    state = session.state
    labels = {t.id: t.label for t in state.themes.values()}
    rows = []
    for a in state.actions.values():
        missing = missing_plan(a.owner, a.due, a.status)
        owner = '<span class="pm-missing">missing owner</span>' if "owner" in missing else ""
        owner = _h(a.owner) if a.owner else owner
        due = '<span class="pm-missing">missing due date</span>' if "due" in missing else ""
        due = a.due.isoformat() if a.due else due
        theme = _h(labels.get(a.addresses or "", a.addresses or ""))
        rows.append(
            f"<tr><td>{_h(a.id)}</td><td>{_h(a.title)}</td><td>{owner}</td><td>{due}</td>"
            f"<td>{_h(a.priority or '')}</td><td>{theme}</td></tr>"
        )
    if not rows:
        return "<p>No actions yet.</p>"
    return (
        f'{_CSS}<table class="pm-table"><tr><th>id</th><th>action</th><th>owner</th><th>due</th>'
        f"<th>priority</th><th>theme</th></tr>{''.join(rows)}</table>"
    )


def wrap_up_html(session: Session) -> str:
    """Top themes by votes, the actions, and what still lacks an owner or a deadline."""
    summary = session.wrap_up()
    themes = "".join(
        f"<li>{_h(t.label)} — {t.votes} votes, {len(t.item_ids)} items</li>"
        for t in summary.top_themes
    )
    flagged = "".join(
        f"<li>{_h(a.title)}: <span class='pm-missing'>missing {' and '.join(m)}</span></li>"
        for a, m in summary.unplanned
    )
    planned = len(summary.actions) - len(summary.unplanned)
    return (
        f"{_CSS}<h3>Top themes</h3><ol>{themes or '<li>No themes.</li>'}</ol>"
        f"<h3>Actions ({planned} of {len(summary.actions)} planned)</h3>{actions_html(session)}"
        + (f"<h4>Not planned yet</h4><ul>{flagged}</ul>" if flagged else "")
    )
