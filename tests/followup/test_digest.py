"""Digests delivered to a local SMTP server (aiosmtpd) and a local webhook, both on 127.0.0.1."""

from __future__ import annotations

import email
import json
import socket
from collections.abc import Iterator
from datetime import date
from email.message import Message
from email.policy import default
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from aiosmtpd.controller import Controller

from pmanalytics import Action, Corpus, PostMortem, load
from pmanalytics.cli import main
from pmanalytics.followup import DeliveryError, FollowupError, complete_action
from pmanalytics.followup.deliver import to_webhook
from pmanalytics.followup.digest import build_digest, load_state, state_path
from pmanalytics.metrics import action_status

from .conftest import AS_OF, snapshot


class Inbox:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.content, policy=default))
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture()
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture()
def hook(httpserver: Any) -> tuple[list[dict[str, Any]], str]:
    posts: list[dict[str, Any]] = []

    def receive(request: Any) -> Any:
        from werkzeug import Response

        posts.append(json.loads(request.data))
        return Response("ok")

    httpserver.expect_request("/services/T0/B0/secret", method="POST").respond_with_handler(receive)
    return posts, httpserver.url_for("/services/T0/B0/secret")


def _expected_by_team(folder: Path, as_of: str) -> dict[str, tuple[set[str], set[str]]]:
    """team -> (overdue action keys, due-soon keys), straight from metrics.action_status."""
    status = action_status(load(folder, cache=False), as_of)
    found: dict[str, tuple[set[str], set[str]]] = {}
    for row in status.to_dict("records"):
        key = f"{row['incident_id']} / {row['action_id']}"
        overdue, soon = found.setdefault(str(row["team"]), (set(), set()))
        if row["is_overdue"]:
            overdue.add(key)
        elif row["is_open"] and not pd.isna(row["due_date"]):
            days = (row["due_date"].date() - date.fromisoformat(as_of)).days
            soon.update([key] if 0 <= days <= 7 else [])
    return found


def _section(text: str, heading: str) -> str:
    if heading not in text:
        return ""
    return text.split(heading, 1)[1].split("\n## ", 1)[0]


def test_digest_by_team_over_smtp_and_webhook_then_nothing_new(
    sample: Path, smtp: tuple[Inbox, int], hook: tuple[list[dict[str, Any]], str],
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    inbox, port = smtp
    posts, url = hook
    expected = _expected_by_team(sample, AS_OF)
    teams = sorted(t for t, (overdue, soon) in expected.items() if overdue or soon)
    addresses = sample.parent / "addresses.yaml"
    addresses.write_text("".join(f"{t}: {t}@example.com\n" for t in teams), encoding="utf-8")
    args = ["digest", str(sample), "--as-of", AS_OF, "--by", "team", "--smtp", f"127.0.0.1:{port}"]
    args += ["--mail-from", "pm@example.com", "--addresses", str(addresses), "--webhook", url]
    assert main(args) == 0
    assert sorted(m["To"] for m in inbox.messages) == [f"{t}@example.com" for t in teams]
    for message in inbox.messages:
        team = message["To"].split("@")[0]
        plain = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        overdue, soon = expected[team]
        listed = _section(plain, "## Overdue")
        assert {k for k in overdue if f"({k}," in listed} == overdue
        assert listed.count("\n- ") == len(overdue)
        assert _section(plain, "## Due in the next 7 days").count("\n- ") == len(soon)
        assert f"{len(overdue)} overdue" in message["Subject"]
        assert html.startswith("<!DOCTYPE html>") and "<script" not in html
    assert sorted(p["text"].split("\n")[0] for p in posts) == [
        f"# Follow-up digest for {t}, {AS_OF}" for t in teams
    ]
    assert state_path(sample, "team").exists()
    assert load_state(sample, "team")["as_of"] == AS_OF
    assert "secret" not in capsys.readouterr().out

    # a second digest with no changes: a short "nothing new" note ...
    inbox.messages.clear()
    posts.clear()
    assert main(args) == 0
    assert len(inbox.messages) == len(teams) and len(posts) == len(teams)
    assert all("nothing new" in m["Subject"] for m in inbox.messages)
    assert all(p["text"].split("\n")[2].startswith("Nothing new since") for p in posts)
    # ... or nothing at all
    inbox.messages.clear()
    posts.clear()
    assert main([*args, "--nothing-new", "skip"]) == 0
    assert inbox.messages == [] and posts == []
    assert "nothing new: nothing sent" in capsys.readouterr().out


def test_a_completed_action_is_newly_done_in_the_next_digest(sample: Path, tmp_path: Path) -> None:
    out = tmp_path / "digests"
    args = ["digest", str(sample), "--as-of", AS_OF, "--to-folder", str(out), "--nothing-new"]
    assert main([*args, "skip"]) == 0
    first = snapshot(out)
    assert "zoe-martin.md" in first
    path = sample / "2024-12-05-data-pipeline-bad-config-0006.md"
    assert "Publish an incident commander rota" in _section(
        (out / "zoe-martin.md").read_text(encoding="utf-8"), "## Overdue"
    )
    complete_action(path, "a-5", at=f"{AS_OF}T09:00:00Z")
    for stale in out.iterdir():
        stale.unlink()
    assert main([*args, "skip"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["zoe-martin.html", "zoe-martin.md"]
    text = (out / "zoe-martin.md").read_text(encoding="utf-8")
    done = _section(text, "## Newly done")
    assert "Publish an incident commander rota" in done and done.count("\n- ") == 1
    assert "Publish an incident commander rota" not in _section(text, "## Overdue")


def test_newly_overdue_counts_from_the_previous_digest() -> None:
    corpus = Corpus.from_postmortems(
        [
            PostMortem(
                id="pm",
                title="T",
                actions=[
                    Action(id="a", title="Add alert", owner="ana", due="2024-01-20"),
                    Action(id="b", title="Runbook", owner="ana", due="2024-01-05"),
                    Action(id="c", title="Old", owner="ana", due="2023-12-01"),
                ],
            )
        ]
    )
    first = build_digest(corpus, "2024-01-10")
    # the first digest counts the last 7 days as new: b became overdue then, c long before
    assert [e.action_id for e in first.recipients[0].newly_overdue] == ["b"]
    assert [e.action_id for e in first.recipients[0].overdue] == ["c", "b"]
    later = build_digest(corpus, "2024-01-25", state=first.state)
    (ana,) = later.recipients
    assert [e.action_id for e in ana.newly_overdue] == ["a"]
    assert [e.action_id for e in ana.overdue] == ["c", "b", "a"]  # most overdue first
    assert ana.since.isoformat() == "2024-01-10"


def test_user_text_is_escaped_in_html_and_markdown() -> None:
    hostile = '<img src=x onerror="alert(1)"> [click](javascript:alert(1))'
    corpus = Corpus.from_postmortems(
        [
            PostMortem(
                id="pm",
                title="T",
                actions=[
                    Action(
                        id="a",
                        title=hostile,
                        owner="<b>ana</b>",
                        due="2024-01-02",
                        link="javascript:alert(1)",
                    )
                ],
            )
        ]
    )
    (one,) = build_digest(corpus, "2024-01-05").recipients
    page = one.html()
    assert "<img" not in page and "<b>ana" not in page
    assert "<a " not in page  # the link is not http(s): it is not made a link
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page
    assert "\\[click\\]" in one.markdown() and "\\<img" in one.markdown()


def test_bad_digest_arguments_and_failed_deliveries(
    sample: Path, httpserver: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(FollowupError, match="'by' must be one of owner, team"):
        build_digest(sample, AS_OF, by="service")
    with pytest.raises(FollowupError, match="'as_of' must be a date"):
        build_digest(sample, "soon")
    httpserver.expect_request("/hook").respond_with_data("gone", status=404)
    digest = build_digest(sample, AS_OF, by="team")
    with pytest.raises(DeliveryError, match="POST the webhook: HTTP 404"):
        to_webhook(digest.recipients, httpserver.url_for("/hook"), retries=0)
    files = snapshot(sample)
    args = ["digest", str(sample), "--as-of", AS_OF, "--webhook", httpserver.url_for("/hook")]
    assert main(args) == 1
    assert "HTTP 404" in capsys.readouterr().err
    assert snapshot(sample) == files  # no state saved after a failed delivery
    port = _free_port()  # nothing listens there
    addresses = sample.parent / "a.yaml"
    addresses.write_text("checkout: c@example.com\n", encoding="utf-8")
    smtp = ["--smtp", f"127.0.0.1:{port}", "--mail-from", "pm@example.com"]
    assert main(["digest", str(sample), "--by", "team", *smtp, "--addresses", str(addresses)]) == 1
    assert "SMTP 127.0.0.1" in capsys.readouterr().err
    assert not state_path(sample, "team").exists()
