from __future__ import annotations

import pytest

from pmanalytics import Action, ModelError, PostMortem, dumps, loads


def test_a_verified_done_action_round_trips_through_its_file() -> None:
    action = Action(
        id="a1",
        title="Add a disk alert",
        status="done",
        completed_at="2024-05-01T10:00Z",
        verified_at="2024-06-01T09:00Z",
        verified_by="Sam Taylor",
    )
    pm = PostMortem(id="pm", title="Disk full", actions=[action])
    assert loads(dumps(pm)).actions[0] == action


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"status": "open", "verified_at": "2024-06-01T09:00Z"}, "only a done action"),
        ({"status": "done", "verified_by": "Sam"}, "verified_by needs verified_at"),
        (
            {
                "status": "done",
                "completed_at": "2024-06-02T00:00Z",
                "verified_at": "2024-06-01T09:00Z",
            },
            "verified_at 2024-06-01 09:00Z is before completed_at 2024-06-02 00:00Z",
        ),
        ({"status": "done", "verified_at": "2024-06-01T09:00Z", "verified_by": ""}, "verified_by"),
    ],
)
def test_verification_rules(fields: dict[str, str], message: str) -> None:
    with pytest.raises(ModelError, match=message):
        Action(id="a1", title="T", **fields)
