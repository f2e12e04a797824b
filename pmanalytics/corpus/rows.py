"""Flatten post-mortems into the column lists that :mod:`._schema` turns into tables."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

from .._model import PostMortem
from ..ingest import FileRead
from .schema import FILE_COLUMN, SCHEMA, build_frame

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_DATE = date(1970, 1, 1)
_MICROSECOND = timedelta(microseconds=1)


def _micros(moment: datetime | None) -> int | None:
    return None if moment is None else (moment - _EPOCH) // _MICROSECOND


def _date_micros(day: date | None) -> int | None:
    return None if day is None else (day - _EPOCH_DATE).days * 86_400_000_000


def _minutes(span: timedelta | None) -> float | None:
    return None if span is None else span.total_seconds() / 60


class RowBuffer:
    """Column lists for every table, filled one post-mortem (or error) at a time."""

    def __init__(self) -> None:
        self.columns: dict[str, dict[str, list[Any]]] = {
            table: defaultdict(list) for table in SCHEMA
        }

    def _add(self, table: str, file_index: int, **values: Any) -> None:
        columns = self.columns[table]
        for name, value in values.items():
            columns[name].append(value)
        columns[FILE_COLUMN].append(file_index)

    def add_error(self, file_index: int, path: str, message: str, line: int | None) -> None:
        """Record a file that could not be loaded."""
        self._add("errors", file_index, path=path, line=line, message=message)

    def add_file(self, file_index: int, found: FileRead) -> None:
        """Record what one file gave: its post-mortems, how they were read, and its problems."""
        path = found.path
        for problem in found.problems:  # its source is the file, or a part of it
            self.add_error(file_index, problem.source, problem.message, problem.line)
        report = found.report
        recognised = [f"{heading} -> {part}" for heading, part in report.recognised]
        for pm in found.postmortems:
            self.add(pm, file_index, path)
            self._add(
                "sources",
                file_index,
                incident_id=pm.id,
                path=path,
                format=found.format,
                recognised=recognised,
                leftover=list(report.leftover),
            )
        for line, message in report.notes:
            self._add("warnings", file_index, path=path, line=line, message=message)
        for incident_id, actions in found.result.followups.items():
            for action in actions:
                _, line = found.result.followup_origins.get((incident_id, action.id), (path, None))
                message = (
                    f"follow-up {action.id!r} for incident {incident_id!r} was not attached: "
                    "load reads post-mortems; attach follow-ups with `pmanalytics import`"
                )
                self._add("warnings", file_index, path=path, line=line, message=message)

    def add(self, pm: PostMortem, file_index: int, path: str) -> None:
        """Record one post-mortem and all its parts."""
        incident = pm.id
        theme_items: dict[str, int] = defaultdict(int)
        theme_votes: dict[str, int] = defaultdict(int)
        for position, item in enumerate(pm.items):
            self._add(
                "items",
                file_index,
                incident_id=incident,
                item_id=item.id,
                position=position,
                section=item.section,
                heading=item.heading,
                text=item.text,
                author=item.author,
                votes=item.votes,
                theme_id=item.theme_id,
                created_at=_micros(item.created_at),
            )
            if item.theme_id is not None:
                theme_items[item.theme_id] += 1
                theme_votes[item.theme_id] += item.votes
        for theme in pm.themes:
            self._add(
                "themes",
                file_index,
                incident_id=incident,
                theme_id=theme.id,
                label=theme.label,
                rank=theme.rank,
                item_count=theme_items[theme.id],
                votes=theme_votes[theme.id],
            )
        for action in pm.actions:
            closing = None
            if action.completed_at and action.created_at:
                closing = action.completed_at - action.created_at
            self._add(
                "actions",
                file_index,
                incident_id=incident,
                action_id=action.id,
                title=action.title,
                owner=action.owner,
                due_date=_date_micros(action.due),
                status=action.status,
                priority=action.priority,
                kind=action.kind,
                created_at=_micros(action.created_at),
                completed_at=_micros(action.completed_at),
                time_to_close_min=_minutes(closing),
                link=action.link,
                addresses=action.addresses,
            )
        for position, event in enumerate(pm.timeline):
            self._add(
                "timeline",
                file_index,
                incident_id=incident,
                position=position,
                at=_micros(event.at),
                text=event.text,
                kind=event.kind,
            )
        for participant in pm.participants:
            self._add(
                "participants",
                file_index,
                incident_id=incident,
                name=participant.name,
                role=participant.role,
            )
        self._add(
            "incidents",
            file_index,
            incident_id=incident,
            title=pm.title,
            status=pm.status,
            severity=pm.severity.label if pm.severity else None,
            severity_rank=pm.severity.rank if pm.severity else None,
            services=list(pm.services),
            teams=list(pm.teams),
            tags=list(pm.tags),
            service=pm.services[0] if pm.services else None,
            team=pm.teams[0] if pm.teams else None,
            started_at=_micros(pm.started_at),
            detected_at=_micros(pm.detected_at),
            mitigated_at=_micros(pm.mitigated_at),
            resolved_at=_micros(pm.resolved_at),
            time_to_detect_min=_minutes(pm.time_to_detect),
            time_to_mitigate_min=_minutes(pm.time_to_mitigate),
            time_to_resolve_min=_minutes(pm.time_to_resolve),
            customers_affected=pm.impact.customers_affected,
            impact_min=pm.impact.minutes,
            summary=pm.summary,
            impact=pm.impact.text,
            review_date=_date_micros(pm.review.held_on),
            facilitator=pm.review.facilitator,
            review_duration_min=pm.review.duration_minutes,
            item_count=len(pm.items),
            action_count=len(pm.actions),
            path=path,
        )

    def frames(self) -> dict[str, Any]:
        """The tables built so far, each with its ``_file`` column."""
        result = {}
        for table, columns in self.columns.items():
            if FILE_COLUMN not in columns:
                columns[FILE_COLUMN] = []
            result[table] = build_frame(table, columns)
        return result
