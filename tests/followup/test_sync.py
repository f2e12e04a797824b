"""Sync against recorded tracker answers served on 127.0.0.1 (never the internet).

The fixtures in tests/fixtures/trackers have the shape of Jira Cloud's
``/rest/api/3/search/jql`` pages and GitHub's ``/repos/{repo}/issues`` pages.
"""

from __future__ import annotations

import json
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from werkzeug import Request, Response

from pmanalytics import Corpus, load, read
from pmanalytics.cli import main
from pmanalytics.followup import (
    FollowupError,
    SyncError,
    Ticket,
    TrackerError,
    plan_sync,
    read_tickets,
    sync,
    update_action,
)
from pmanalytics.followup.trackers import HttpSettings, create_jira_issue, fetch_github, fetch_jira
from pmanalytics.metrics import open_summary, time_to_close_summary, time_to_close_survival

from .conftest import AS_OF, TRACKERS, snapshot

JIRA_PAGES = [json.loads((TRACKERS / f"jira_search_page{n}.json").read_text()) for n in (1, 2)]
GITHUB_PAGES = [json.loads((TRACKERS / f"github_issues_page{n}.json").read_text()) for n in (1, 2)]
REPO = "acme/reliability"


def serve_jira(httpserver: Any, calls: list[Request] | None = None) -> None:
    def answer(request: Request) -> Response:
        if calls is not None:
            calls.append(request)
        if request.headers.get("Authorization", "").split(" ")[0] != "Basic":
            return Response("{}", status=401)
        second = request.args.get("nextPageToken") == JIRA_PAGES[0]["nextPageToken"]
        page = JIRA_PAGES[1] if second else JIRA_PAGES[0]
        return Response(json.dumps(page), content_type="application/json")

    httpserver.expect_request("/rest/api/3/search/jql", method="GET").respond_with_handler(answer)


def serve_github(httpserver: Any) -> None:
    def answer(request: Request) -> Response:
        if request.headers.get("Authorization") != "Bearer gh-test-token":
            return Response("{}", status=401)
        if request.args.get("page") == "2":
            return Response(json.dumps(GITHUB_PAGES[1]), content_type="application/json")
        following = httpserver.url_for(f"/repos/{REPO}/issues") + "?state=all&per_page=100&page=2"
        return Response(
            json.dumps(GITHUB_PAGES[0]),
            content_type="application/json",
            headers={"Link": f'<{following}>; rel="next", <{following}>; rel="last"'},
        )

    httpserver.expect_request(f"/repos/{REPO}/issues", method="GET").respond_with_handler(answer)


@pytest.fixture()
def trackers_env(httpserver: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("JIRA_BASE_URL", httpserver.url_for("/").rstrip("/"))
    monkeypatch.setenv("JIRA_EMAIL", "sre@example.com")
    monkeypatch.setenv("JIRA_API_TOKEN", "jira-test-token")
    monkeypatch.setenv("GITHUB_API_URL", httpserver.url_for("/").rstrip("/"))
    monkeypatch.setenv("GITHUB_TOKEN", "gh-test-token")
    return httpserver


@pytest.fixture()
def trackers(trackers_env: Any) -> Any:
    """The recorded Jira and GitHub answers, served locally."""
    serve_jira(trackers_env)
    serve_github(trackers_env)
    return trackers_env


# --------------------------------------------------------------------------- expected states
# Read straight from the recorded answers, independently of the code under test.

JIRA_WORDS = {"Done": "done", "Closed": "done", "In Progress": "in_progress", "Reopened": "open"}


def _stamp(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text.replace("Z", "+00:00"))


def expected_states(folder: Path) -> dict[tuple[str, str], dict[str, Any]]:
    """(incident, action) -> the fields the recorded tickets say it should have."""
    pms = [read(path) for path in sorted(folder.glob("*.md"))]
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for issue in JIRA_PAGES[0]["issues"] + JIRA_PAGES[1]["issues"]:
        fields = issue["fields"]
        hits = [
            (pm, a) for pm in pms for a in pm.actions
            if a.link and a.link.endswith("/browse/" + issue["key"])
        ]  # fmt: skip
        if not hits:
            continue
        ((pm, action),) = hits
        resolution = (fields["resolution"] or {}).get("name")
        status = "wont_do" if resolution == "Won't Do" else JIRA_WORDS[fields["status"]["name"]]
        closed = _stamp(fields["resolutiondate"]) if status in ("done", "wont_do") else None
        if status in ("done", "wont_do") and closed is None:
            closed = action.completed_at
        found[(pm.id, action.id)] = {
            "status": status,
            "completed_at": closed,
            "owner": fields["assignee"]["displayName"],
            "due": date.fromisoformat(fields["duedate"]),
        }
    for issue in GITHUB_PAGES[0] + GITHUB_PAGES[1]:
        if "pull_request" in issue:
            continue
        label = issue["labels"][0]["name"].removeprefix("postmortem-")
        hits = [
            (pm, a) for pm in pms if pm.id == label for a in pm.actions if a.title == issue["title"]
        ]
        if not hits:
            continue
        ((pm, action),) = hits
        status = {"completed": "done", "not_planned": "wont_do", None: "open"}[
            issue["state_reason"]
        ]
        milestone = issue["milestone"]
        found[(pm.id, action.id)] = {
            "status": status,
            "completed_at": _stamp(issue["closed_at"]),
            "owner": issue["assignee"]["login"] if issue["assignee"] else action.owner,
            "due": _stamp(milestone["due_on"]).date() if milestone else action.due,
            "link": issue["html_url"],
        }
    return found


def expected_corpus(folder: Path) -> Corpus:
    states = expected_states(folder)
    pms = []
    for path in sorted(folder.glob("*.md")):
        pm = read(path)
        actions = [a.model_copy(update=states.get((pm.id, a.id), {})) for a in pm.actions]
        pms.append(pm.model_copy(update={"actions": tuple(actions)}))
    return Corpus.from_postmortems(pms)


# --------------------------------------------------------------------------- done when


def test_sync_from_recorded_jira_and_github_moves_the_dashboard_as_the_tickets_say(
    sample: Path, trackers: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    base = load(sample, cache=False)
    before = open_summary(base, AS_OF)
    curve_before = time_to_close_survival(base, AS_OF)
    states = expected_states(sample)
    assert len(states) == 9  # six Jira tickets and three GitHub issues name an action
    want = expected_corpus(sample)

    assert main(["sync", str(sample), "--from", "jira", "--jql", "labels = postmortem"]) == 0
    jira_out = capsys.readouterr().out
    assert main(["sync", str(sample), "--from", f"github:{REPO}"]) == 0
    github_out = capsys.readouterr().out
    assert "OPS-9999" in jira_out and "no action links to it" in jira_out
    assert f"{REPO}#45" in github_out and "'2099-01-01-not-here', which is not here" in github_out
    assert f"{REPO}#43" not in github_out  # a pull request, not an issue

    after_corpus = load(sample, cache=False)
    after = open_summary(after_corpus, AS_OF)
    assert after == open_summary(want, AS_OF)
    # the counts move exactly by the tickets that closed or reopened an action
    was = base.actions.set_index(["incident_id", "action_id"])["status"].astype(str)
    closed = ("done", "wont_do")
    closes = sum(1 for k, s in states.items() if was[k] not in closed and s["status"] in closed)
    reopens = sum(1 for k, s in states.items() if was[k] in closed and s["status"] not in closed)
    assert (closes, reopens) == (5, 1)
    assert after["open"] == before["open"] - closes + reopens
    assert after["overdue"] != before["overdue"]
    pd.testing.assert_frame_equal(
        time_to_close_survival(after_corpus, AS_OF), time_to_close_survival(want, AS_OF)
    )
    pd.testing.assert_frame_equal(
        time_to_close_summary(after_corpus, AS_OF), time_to_close_summary(want, AS_OF)
    )
    assert not time_to_close_survival(after_corpus, AS_OF).equals(curve_before)

    # running the sync again changes nothing
    files = snapshot(sample)
    assert main(["sync", str(sample), "--from", "jira", "--jql", "labels = postmortem"]) == 0
    assert main(["sync", str(sample), "--from", f"github:{REPO}"]) == 0
    out = capsys.readouterr().out
    assert out.count("nothing to change") == 2
    assert snapshot(sample) == files


# --------------------------------------------------------------------------- from files


def test_sync_from_files_dry_run_then_apply(
    sample: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = snapshot(sample)
    export = str(TRACKERS / "linear_export.csv")
    assert main(["sync", str(sample), "--from", export, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("would change 2 action(s) in 2 file(s):")
    assert "2024-11-21-search-packet-loss-0001/a-2: status in_progress -> done" in out
    assert "ENG-77" in out and "match no action" in out
    assert snapshot(sample) == files
    assert main(["sync", str(sample), "--from", export]) == 0
    assert capsys.readouterr().out.startswith("changed 2 action(s) in 2 file(s):")
    action = next(a for a in read(sample / "2024-12-15-search-backlog-0009.md").actions
                  if a.id == "a-1")  # fmt: skip
    assert action.status == "wont_do" and action.completed_at == _stamp("2025-06-01T10:00:00Z")


def test_gh_cli_export_links_label_matched_actions(sample: Path) -> None:
    report = sync(sample, read_tickets(TRACKERS / "gh_issue_list.json"))
    changed = {(c.incident_id, c.action_id): c.after for c in report.changes}
    pickup = changed[("2025-04-09-checkout-api-traffic-surge-0028", "a-1")]
    assert pickup.link == "https://github.com/acme/reliability/issues/41"
    assert pickup.status == "done"
    assert sync(sample, read_tickets(TRACKERS / "gh_issue_list.json")).changes == ()


def test_a_ticket_with_an_unknown_status_updates_the_rest_and_is_reported(sample: Path) -> None:
    ticket = Ticket(key="IDN-1306", title="x", status=None, tracker_status="Parked", owner="Bo")
    report = sync(sample, [ticket])
    (change,) = report.changes
    assert change.fields == {"owner": ("Uma Krishnan", "Bo")}
    assert "'Parked', status left as is" in report.describe()


# --------------------------------------------------------------------------- bad input


def test_a_ticket_linked_to_two_actions_is_an_error_that_changes_nothing(sample: Path) -> None:
    other = sample / "2024-11-25-payments-vendor-outage-0002.md"
    update_action(other, "a-2", link="https://tracker.example.com/browse/IDN-1306")
    files = snapshot(sample)
    with pytest.raises(SyncError, match=r"ticket IDN-1306 is linked to 2 actions: .*0001/a-2"):
        sync(sample, read_tickets(TRACKERS / "jira_search_page1.json"))
    assert snapshot(sample) == files
    assert main(["sync", str(sample), "--from", str(TRACKERS / "jira_search_page1.json")]) == 1
    assert snapshot(sample) == files


def test_an_action_followed_by_two_tickets_is_an_error(sample: Path) -> None:
    files = snapshot(sample)
    tickets = [
        Ticket(key="IDN-1306", title="a", status="done", tracker_status="Done"),
        Ticket(
            key="acme/x#1",
            title="b",
            status="open",
            tracker_status="open",
            url="https://tracker.example.com/browse/IDN-1306",
        ),
    ]
    with pytest.raises(SyncError, match="is linked to 2 tickets: IDN-1306, acme/x#1"):
        sync(sample, tickets)
    assert snapshot(sample) == files


def test_a_ticket_closed_before_its_action_existed_is_refused(sample: Path) -> None:
    files = snapshot(sample)
    early = Ticket(
        key="IDN-1306",
        title="a",
        status="done",
        tracker_status="Done",
        completed_at=_stamp("2024-01-01T00:00:00Z"),
    )
    with pytest.raises(SyncError, match=r"IDN-1306 .* cannot be applied .* before created_at"):
        sync(sample, [early])
    assert snapshot(sample) == files


def test_a_malformed_export_is_an_error_that_changes_nothing(
    sample: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = snapshot(sample)
    assert main(["sync", str(sample), "--from", str(TRACKERS / "jira_bad_row.csv")]) == 1
    assert "jira_bad_row.csv:3: the row has 3 fields" in capsys.readouterr().err
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(JIRA_PAGES[0])[:-40], encoding="utf-8")
    assert main(["sync", str(sample), "--from", str(broken)]) == 1
    assert "not valid JSON" in capsys.readouterr().err
    assert snapshot(sample) == files


@pytest.mark.parametrize(("status", "shown"), [(401, "authentication failed"), (404, "not found")])
def test_a_refusing_server_is_an_error_that_changes_nothing(
    sample: Path, trackers_env: Any, capsys: pytest.CaptureFixture[str], status: int, shown: str
) -> None:
    trackers_env.expect_request("/rest/api/3/search/jql").respond_with_data("no", status=status)
    trackers_env.expect_request(f"/repos/{REPO}/issues").respond_with_data("no", status=status)
    files = snapshot(sample)
    assert main(["sync", str(sample), "--from", "jira", "--jql", "project = IDN"]) == 1
    assert f"HTTP {status}" in capsys.readouterr().err
    assert main(["sync", str(sample), "--from", f"github:{REPO}"]) == 1
    err = capsys.readouterr().err
    assert f"HTTP {status}" in err and shown in err and "test-token" not in err
    assert snapshot(sample) == files
    assert len(trackers_env.log) == 2  # refusals are not retried


def test_a_server_error_is_retried_then_reported(trackers_env: Any) -> None:
    trackers_env.expect_request("/rest/api/3/search/jql").respond_with_data("oops", status=500)
    settings = HttpSettings(trackers_env.url_for("/").rstrip("/"), {}, ("a", "b"), 5.0, 2, 0.0)
    with pytest.raises(TrackerError, match=r"HTTP 500 .*tried 3 times"):
        fetch_jira(settings, "project = IDN")
    assert len(trackers_env.log) == 3


def test_a_passing_server_error_is_retried_away(trackers_env: Any) -> None:
    calls: list[Request] = []
    trackers_env.expect_ordered_request("/rest/api/3/search/jql").respond_with_data("", status=503)
    serve_jira(trackers_env, calls)
    settings = HttpSettings(trackers_env.url_for("/").rstrip("/"), {}, ("a", "b"), 5.0, 2, 0.0)
    tickets = fetch_jira(settings, "project = IDN")
    assert len(tickets) == 7 and len(calls) == 2  # two pages after one 503


def test_a_server_that_times_out_is_reported(sample: Path, trackers_env: Any) -> None:
    def slow(request: Request) -> Response:
        time.sleep(0.6)
        return Response("[]", content_type="application/json")

    trackers_env.expect_request(f"/repos/{REPO}/issues").respond_with_handler(slow)
    settings = HttpSettings(trackers_env.url_for("/").rstrip("/"), {}, None, 0.2, 1, 0.0)
    files = snapshot(sample)
    with pytest.raises(TrackerError, match=r"timed out after 0.2 s \(tried 2 times\)"):
        fetch_github(settings, REPO)
    assert snapshot(sample) == files


def test_live_sources_need_their_settings(
    sample: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    assert main(["sync", str(sample), "--from", f"github:{REPO}"]) == 1
    assert "GITHUB_TOKEN is not set" in capsys.readouterr().err
    monkeypatch.setenv("JIRA_BASE_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("JIRA_API_TOKEN", "t")
    assert main(["sync", str(sample), "--from", "jira"]) == 1
    assert "needs --jql" in capsys.readouterr().err


# --------------------------------------------------------------------------- --create


def test_create_lists_actions_without_a_ticket_and_creates_them_with_yes(
    sample: Path, trackers_env: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    path = sample / "2025-04-09-checkout-api-traffic-surge-0028.md"
    missing = [a.id for a in read(path).actions if a.is_open and a.link is None]
    assert missing
    trackers_env.expect_request(f"/repos/{REPO}/issues", method="GET").respond_with_json([])
    created: list[dict[str, Any]] = []

    def create(request: Request) -> Response:
        created.append(request.get_json())
        url = f"https://github.com/{REPO}/issues/{100 + len(created)}"
        return Response(json.dumps({"html_url": url}), status=201, content_type="application/json")

    trackers_env.expect_request(f"/repos/{REPO}/issues", method="POST").respond_with_handler(create)
    before = path.read_bytes()
    assert main(["sync", str(path), "--from", f"github:{REPO}", "--create"]) == 0
    out = capsys.readouterr().out
    assert f"would create {len(missing)} ticket(s)" in out and created == []
    assert path.read_bytes() == before
    assert main(["sync", str(path), "--from", f"github:{REPO}", "--create", "--yes"]) == 0
    assert len(created) == len(missing)
    assert {tuple(c["labels"]) for c in created} == {("postmortem-" + read(path).id,)}
    links = {a.id: a.link for a in read(path).actions}
    assert sorted(links[one] for one in missing) == sorted(
        f"https://github.com/{REPO}/issues/{100 + n}" for n in range(1, len(missing) + 1)
    )


def test_plan_sync_rejects_a_path_that_is_not_there(tmp_path: Path) -> None:
    with pytest.raises(FollowupError, match="'path' must be a post-mortem file or folder"):
        plan_sync(tmp_path / "nowhere", [])


def test_the_older_jira_search_pages_by_start_at(trackers_env: Any) -> None:
    issues = JIRA_PAGES[0]["issues"] + JIRA_PAGES[1]["issues"]

    def answer(request: Request) -> Response:
        start = int(request.args.get("startAt", "0"))
        page = {"startAt": start, "maxResults": 3, "total": len(issues)}
        page["issues"] = issues[start : start + 3]
        return Response(json.dumps(page), content_type="application/json")

    trackers_env.expect_request("/rest/api/3/search/jql").respond_with_handler(answer)
    settings = HttpSettings(trackers_env.url_for("/").rstrip("/"), {}, None, 5.0, 0, 0.0)
    tickets = fetch_jira(settings, "project = IDN", page_size=3)
    assert [t.key for t in tickets] == [issue["key"] for issue in issues]
    assert len(trackers_env.log) == 3


def test_creating_a_jira_ticket(trackers_env: Any) -> None:
    bodies: list[dict[str, Any]] = []

    def create(request: Request) -> Response:
        bodies.append(request.get_json())
        return Response('{"id": "10100", "key": "OPS-500"}', status=201)

    trackers_env.expect_request("/rest/api/3/issue", method="POST").respond_with_handler(create)
    settings = HttpSettings(trackers_env.url_for("/").rstrip("/"), {}, ("a", "b"), 5.0, 0, 0.0)
    url = create_jira_issue(settings, "OPS", "Add an alert", ["postmortem-pm-1"], "2025-01-31")
    assert url == trackers_env.url_for("/browse/OPS-500")
    assert bodies[0]["fields"]["project"] == {"key": "OPS"}
    assert bodies[0]["fields"]["labels"] == ["postmortem-pm-1"]
    assert bodies[0]["fields"]["duedate"] == "2025-01-31"
