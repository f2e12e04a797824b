"""The session as data: a journal turned into rows of two tables, ``sessions`` and ``votes``.

How a review went lives only in its journal: who wrote how much, how votes spread, which
phases overran. :func:`session_tables` reads it into rows for a corpus (one row per phase
of each session; one row per voter and note), and :data:`SESSION_SCHEMA` documents the
columns as plain data (``(name, kind, doc)``, the kinds of
:class:`pmanalytics.corpus.schema.Column`).

Anonymity is respected: no row names an author; in a session that is anonymous as a whole,
``voter`` is left empty; counts of who wrote notes are totals, never per name.

Examples
--------
>>> import tempfile
>>> from pmanalytics import PostMortem
>>> from pmanalytics.session import Session
>>> s = Session.create(PostMortem(id="pm-1", title="Disk full"), tempfile.mkdtemp(),
...                    participants=["Ana", "Bo"], facilitator="Cy")
>>> _ = s.start_phase("group_discussion", by="Cy")
>>> note = s.add_item("went_well", "Paging worked", by="Ana", anonymous=True).data.item_id
>>> _ = s.start_phase("prioritisation", by="Cy")
>>> _ = s.cast_vote(note, by="Bo")
>>> tables = session_tables(s.path)
>>> [(r["phase"], r["notes"], r["anonymous_share"]) for r in tables["sessions"]][:2]
[('set_the_tone', 1, 1.0), ('review_facts', 1, 1.0)]
>>> [(v["voter"], v["item_id"], v["votes"]) for v in tables["votes"]]
[('Bo', 'i-1', 1)]
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from ._session import Session
from .templates import PHASES

__all__ = ["SESSION_SCHEMA", "session_tables"]

_PHASE_KEYS = tuple(key for key, _, _ in PHASES)

#: The columns of the two tables: ``{table: ((name, kind, doc), ...)}``.
SESSION_SCHEMA: dict[str, tuple[tuple[str, str | tuple[str, ...], str], ...]] = {
    "sessions": (
        ("incident_id", "string", "The post-mortem the session reviewed."),
        ("session_id", "string", "The session (its journal's first event id)."),
        ("phase", _PHASE_KEYS, "One phase of the agenda (one row per phase)."),
        ("phase_order", "int", "The phase's position in the agenda (1 is the first)."),
        ("planned_min", "float", "The phase's time box, minutes added during it included."),
        ("actual_min", "float", "Minutes the phase ran (all its runs); empty if never run."),
        ("overrun_min", "float", "actual_min - planned_min; positive when it overran."),
        ("facilitator", "string", "Who facilitated."),
        ("participants", "int", "People in the session, the facilitator included."),
        ("notes", "int", "Notes written in the session (not the post-mortem's own)."),
        ("people_with_notes", "int", "How many people wrote at least one note."),
        ("notes_per_person", "float", "notes / participants."),
        ("anonymous_share", "float", "Share of the session's notes posted anonymously."),
        ("votes", "int", "Votes in effect at the end (withdrawn and undone ones excluded)."),
        ("voters", "int", "How many people voted."),
        ("voted_notes", "int", "How many notes received votes."),
        ("top_note_vote_share", "float", "Share of the votes on the most-voted note."),
        ("started_at", "datetime", "When the first phase started."),
        ("ended_at", "datetime", "When the wrap-up ended (empty while running)."),
    ),
    "votes": (
        ("incident_id", "string", "The post-mortem the session reviewed."),
        ("session_id", "string", "The session."),
        ("voter", "string", "Who voted; empty in a session anonymous as a whole."),
        ("item_id", "string", "The note voted for (the `items` table's id)."),
        ("theme_id", "string", "The note's theme at the end, if any."),
        ("votes", "int", "How many of the voter's votes went to the note."),
    ),
}


def _minutes(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 60


def session_tables(source: Session | str | Path) -> dict[str, list[dict[str, Any]]]:
    """Rows of the ``sessions`` and ``votes`` tables for one session (journal or Session).

    Columns and their order follow :data:`SESSION_SCHEMA`.
    """
    session = source if isinstance(source, Session) else Session.open(source)
    state = session.state
    ids = {"incident_id": state.postmortem.id, "session_id": session.id}
    base = state.setup.base_item_ids
    mine = [i for i in state.items.values() if i.id not in base and state.can_see(i.id, None)]
    authors = {i.author for i in mine if i.author}
    anonymous = sum(state.is_anonymous(i.id) for i in mine)
    per_voter = {name: votes for name, votes in state.votes.items() if votes}
    per_note: dict[str, int] = {}
    for given in per_voter.values():
        for item_id, count in given.items():
            per_note[item_id] = per_note.get(item_id, 0) + count
    total_votes = sum(per_note.values())
    people = len(state.members)
    summary: dict[str, Any] = {
        "facilitator": state.facilitator,
        "participants": people,
        "notes": len(mine),
        "people_with_notes": len(authors),
        "notes_per_person": len(mine) / people if people else None,
        "anonymous_share": anonymous / len(mine) if mine else None,
        "votes": total_votes,
        "voters": len(per_voter),
        "voted_notes": len(per_note),
        "top_note_vote_share": max(per_note.values()) / total_votes if total_votes else None,
        "started_at": state.started_at,
        "ended_at": state.ended_at,
    }
    ran: dict[str, float] = {}
    for phase, began, ended in state.phase_log:
        ran[phase] = ran.get(phase, 0.0) + _minutes(began, ended or state.last_at)
    sessions = []
    for order, spec in enumerate(session.template.phases, start=1):
        planned = float(state.phase_minutes(spec.key))
        actual = ran.get(spec.key)
        row = {
            **ids,
            "phase": spec.key,
            "phase_order": order,
            "planned_min": planned,
            "actual_min": actual,
            "overrun_min": None if actual is None else actual - planned,
            **summary,
        }
        sessions.append(row)
    vote_rows: list[dict[str, Any]] = [
        {
            **ids,
            "voter": None if state.anonymous else name,
            "item_id": item_id,
            "theme_id": state.items[item_id].theme_id if item_id in state.items else None,
            "votes": count,
        }
        for name, mine_votes in per_voter.items()
        for item_id, count in mine_votes.items()
    ]
    if not isinstance(source, Session):
        session.close()
    return {"sessions": sessions, "votes": vote_rows}
