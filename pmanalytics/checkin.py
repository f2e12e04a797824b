"""Follow-up check-ins: where each action of a post-mortem (or of a team's) stands.

:func:`checkin_table` computes it (plain data); :func:`checkin_markdown` renders it as
Markdown ready to paste into a meeting invite. ``pmanalytics checkin PATH --incident ID`` (or
``--team TEAM``) prints the same.

Examples
--------
>>> from pmanalytics import Action, Corpus, PostMortem
>>> def note(text):
...     return [{"id": "i-1", "section": "ongoing_problem", "text": text}]
>>> corpus = Corpus.from_postmortems([
...     PostMortem(id="pm-1", title="Disk full", teams=["sre"], started_at="2024-01-01T00:00Z",
...         items=note("Debug logs fill the disk"), actions=[Action(id="a-1",
...         title="Rotate logs", owner="ana", due="2024-01-15", addresses="i-1",
...         created_at="2024-01-02T00:00Z")]),
...     PostMortem(id="pm-2", title="Disk full again", started_at="2024-02-01T00:00Z",
...         items=note("The disk filled with debug logs again"))])
>>> checkin_table(corpus, "2024-03-01", incident="pm-1")[
...     ["action_id", "owner", "days_overdue", "recurred", "recurrence"]].values.tolist()
... # doctest: +NORMALIZE_WHITESPACE
[['a-1', 'ana', 46, True, 'pm-2 (2024-02-01, same problem: Debug logs fill the disk)']]
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from . import metrics
from ._errors import PMError
from ._markdown import escape_md
from ._validate import user_date
from .corpus import Corpus

__all__ = ["CheckinError", "checkin_markdown", "checkin_table"]

COLUMNS = (
    "incident_id",
    "action_id",
    "title",
    "owner",
    "status",
    "due_date",
    "days_overdue",
    "recurred",
    "recurrence",
)


class CheckinError(PMError, ValueError):
    """A check-in was asked for an unknown incident or team, with both or neither, or with a
    date that is not one."""


def _select(corpus: Corpus, incident: str | None, team: str | None) -> list[str]:
    if (incident is None) == (team is None):
        raise CheckinError(
            f"give exactly one of 'incident' or 'team', got incident={incident!r}, team={team!r}"
        )
    incidents = corpus.incidents
    if incident is not None:
        if not (incidents["incident_id"] == incident).any():
            raise CheckinError(f"'incident' {incident!r} is not in this corpus")
        return [incident]
    hits = incidents["teams"].map(lambda teams: team in list(teams))
    if not hits.any():
        known = sorted({str(t) for t in incidents["teams"].explode().dropna()})
        raise CheckinError(f"'team' {team!r} has no post-mortems; teams: {', '.join(known)}")
    return [str(i) for i in incidents.loc[hits, "incident_id"]]


def checkin_table(
    corpus: Corpus,
    as_of: date | str,
    *,
    incident: str | None = None,
    team: str | None = None,
) -> pd.DataFrame:
    """Each action of one post-mortem, or of all a team's, and where it stands at ``as_of``.

    Parameters
    ----------
    corpus : Corpus
    as_of : date, datetime or "YYYY-MM-DD"
        The day of the check-in (a datetime means its own calendar day); an action's
        status and days overdue are those of :meth:`pmanalytics.Action.state_at` then.
    incident : str, optional
        A post-mortem's id.
    team : str, optional
        A team: every post-mortem that lists it.

    Returns
    -------
    DataFrame
        ``incident_id``, ``action_id``, ``title``, ``owner``, ``status`` (at ``as_of``),
        ``due_date``, ``days_overdue``, ``recurred`` (an incident of the recurring problem the
        action addresses started since it was done, or since it was created while it is not
        done; see :func:`pmanalytics.metrics.action_recurrence`: never "any later incident on
        the same service") and ``recurrence`` (which, in words), most overdue first within each
        incident.
    """
    day = user_date(as_of, error=CheckinError)
    ids = _select(corpus, incident, team)
    status = metrics.action_status(corpus, day)
    status = status[status["incident_id"].isin(ids)]
    recurrence = metrics.action_recurrence(corpus, day)
    merged = status.merge(recurrence, on=["incident_id", "action_id"], how="left")

    def words(row: pd.Series) -> str:
        if pd.isna(row["recurrence"]):
            return ""
        return (
            f"{row['recurrence']} ({row['recurrence_at']:%Y-%m-%d}, same problem: {row['problem']})"
        )

    recurred_words = merged.apply(words, axis=1) if len(merged) else pd.Series(dtype=object)
    table = pd.DataFrame(
        {
            "incident_id": merged["incident_id"].astype("string"),
            "action_id": merged["action_id"].astype("string"),
            "title": merged["title"].astype("string"),
            "owner": merged["owner"].astype("string"),
            # the status as of the check-in day; "in progress" when still open then
            "status": merged["state"]
            .astype(object)
            .mask(
                (merged["state"] == "open") & (merged["status"] == "in_progress"),
                "in_progress",
            ),
            "due_date": merged["due_date"],
            "days_overdue": merged["days_overdue"].astype("int64"),
            "recurred": merged["recurred"].fillna(False).astype(bool),
            "recurrence": pd.Series(recurred_words, dtype="string").reindex(merged.index),
        }
    )
    order = {incident_id: n for n, incident_id in enumerate(ids)}
    table = table.assign(_order=table["incident_id"].map(order))
    table = table.sort_values(["_order", "days_overdue"], ascending=[True, False], kind="stable")
    return table.drop(columns="_order").reset_index(drop=True)[list(COLUMNS)]


def checkin_markdown(
    corpus: Corpus,
    as_of: date | str,
    *,
    incident: str | None = None,
    team: str | None = None,
) -> str:
    """The check-in as Markdown: a heading, a one-line tally and a table per post-mortem.

    Examples
    --------
    >>> from pmanalytics import Action, Corpus, PostMortem
    >>> corpus = Corpus.from_postmortems([PostMortem(id="pm-1", title="Disk full",
    ...     actions=[Action(id="a-1", title="Add alert", owner="ana", due="2024-01-15")])])
    >>> print(checkin_markdown(corpus, "2024-01-20", incident="pm-1"))
    # Follow-up check-in: pm-1
    <BLANKLINE>
    As of 2024-01-20: 1 action, 1 open, 1 overdue, 0 whose problem recurred since.
    <BLANKLINE>
    ## pm-1 — Disk full
    <BLANKLINE>
    | action | owner | status | due | days overdue | recurred since |
    | --- | --- | --- | --- | ---: | --- |
    | Add alert | ana | open | 2024-01-15 | 5 | no |
    <BLANKLINE>
    """
    day = user_date(as_of, error=CheckinError)
    table = checkin_table(corpus, day, incident=incident, team=team)
    subject = incident if incident is not None else f"team {team}"
    open_ = int((~table["status"].isin(["done", "wont_do"])).sum())
    overdue = int((table["days_overdue"] > 0).sum())
    recurred = int(table["recurred"].sum())
    plural = "" if len(table) == 1 else "s"
    lines = [
        f"# Follow-up check-in: {escape_md(subject, one_line=True)}",
        "",
        f"As of {day.isoformat()}: {len(table)} action{plural}, {open_} open, {overdue} overdue, "
        f"{recurred} whose problem recurred since.",
        "",
    ]
    titles = corpus.incidents.set_index("incident_id")["title"]
    ids = _select(corpus, incident, team)
    for incident_id in ids:
        rows = table[table["incident_id"] == incident_id]
        heading = f"{incident_id} — {titles[incident_id]}"
        lines.append(f"## {escape_md(heading, one_line=True)}")
        lines.append("")
        if rows.empty:
            lines += ["No actions.", ""]
            continue
        lines.append("| action | owner | status | due | days overdue | recurred since |")
        lines.append("| --- | --- | --- | --- | ---: | --- |")
        for row in rows.to_dict("records"):
            due = "" if pd.isna(row["due_date"]) else row["due_date"].strftime("%Y-%m-%d")
            owner = "—" if pd.isna(row["owner"]) else escape_md(row["owner"], one_line=True)
            since = escape_md(row["recurrence"], one_line=True) if row["recurred"] else "no"
            cells = [escape_md(row["title"], one_line=True), owner, str(row["status"]), due]
            cells += [str(row["days_overdue"]), since]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)
