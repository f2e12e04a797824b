"""Live tracker APIs: Jira Cloud REST and GitHub REST, read with httpx.

Every request has a timeout; a timeout, a dropped connection or an answer of 429,
500, 502, 503 or 504 is retried a few times with a growing pause; anything else that
is not a success (401, 403, 404...) fails at once. Results are paged through to the
end. Credentials come from the environment and are never printed:

- Jira: ``JIRA_BASE_URL`` (``https://acme.atlassian.net``), ``JIRA_API_TOKEN`` and, for
  Jira Cloud's basic auth, ``JIRA_EMAIL`` (without it the token is sent as a bearer).
- GitHub: ``GITHUB_TOKEN``, and ``GITHUB_API_URL`` for GitHub Enterprise.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Any

import httpx

from .._http import HttpSettings, request
from ..errors import TrackerError
from ._ticket import Ticket
from .files import read_github_json, read_jira_json

__all__ = [
    "HttpSettings",
    "create_github_issue",
    "create_jira_issue",
    "fetch_github",
    "fetch_jira",
    "github_settings",
    "jira_settings",
]

_GITHUB_API = "https://api.github.com"


def _env(name: str, environ: Mapping[str, str]) -> str:
    value = environ.get(name, "").strip()
    if not value:
        raise TrackerError(f"the environment variable {name} is not set")
    return value


def jira_settings(
    environ: Mapping[str, str] | None = None, *, timeout: float = 10.0, retries: int = 2
) -> HttpSettings:
    """Jira settings from ``JIRA_BASE_URL``, ``JIRA_API_TOKEN`` and ``JIRA_EMAIL``."""
    env = os.environ if environ is None else environ
    base = _env("JIRA_BASE_URL", env).rstrip("/")
    token = _env("JIRA_API_TOKEN", env)
    email = env.get("JIRA_EMAIL", "").strip()
    headers = {"Accept": "application/json"}
    if email:
        return HttpSettings(base, headers, (email, token), timeout, retries)
    return HttpSettings(
        base, {**headers, "Authorization": f"Bearer {token}"}, None, timeout, retries
    )


def github_settings(
    environ: Mapping[str, str] | None = None, *, timeout: float = 10.0, retries: int = 2
) -> HttpSettings:
    """GitHub settings from ``GITHUB_TOKEN`` (and ``GITHUB_API_URL``)."""
    env = os.environ if environ is None else environ
    token = _env("GITHUB_TOKEN", env)
    base = (env.get("GITHUB_API_URL") or _GITHUB_API).rstrip("/")
    headers = {
        "Accept": "application/vnd.github+json",
        "Authorization": f"Bearer {token}",
        "X-GitHub-Api-Version": "2022-11-28",
    }
    return HttpSettings(base, headers, None, timeout, retries)


def _json_body(response: httpx.Response, where: str) -> Any:
    try:
        return response.json()
    except ValueError:
        raise TrackerError(f"{where}: the answer is not JSON") from None


def _client(settings: HttpSettings) -> httpx.Client:
    return httpx.Client(
        base_url=settings.base_url,
        headers=dict(settings.headers),
        auth=settings.auth,
        timeout=settings.timeout,
        follow_redirects=False,
    )


def fetch_jira(settings: HttpSettings, jql: str, *, page_size: int = 100) -> list[Ticket]:
    """Every issue matching ``jql``, paged through ``/rest/api/3/search/jql``.

    Follows ``nextPageToken`` (the current API) or ``startAt``/``total`` (the older
    ``/search``), and returns :class:`~pmanalytics.followup.trackers.Ticket` objects.
    """
    fields = "summary,status,resolution,assignee,duedate,resolutiondate,labels"
    issues: list[Any] = []
    params: dict[str, Any] = {"jql": jql, "fields": fields, "maxResults": page_size}
    with _client(settings) as client:
        for _ in range(10_000):
            response = request(client, settings, "GET", "/rest/api/3/search/jql", params=params)
            page = _json_body(response, "Jira search")
            batch = page.get("issues") if isinstance(page, dict) else None
            if not isinstance(batch, list):
                raise TrackerError("Jira search: the answer has no list 'issues'")
            issues.extend(batch)
            token = page.get("nextPageToken")
            if token and not page.get("isLast"):
                params = {**params, "nextPageToken": token}
            elif isinstance(page.get("total"), int) and len(issues) < page["total"] and batch:
                params = {**params, "startAt": len(issues)}
            else:
                break
    return read_jira_json({"issues": issues}, f"{settings.base_url} (Jira)", settings.base_url)


def fetch_github(settings: HttpSettings, repo: str) -> list[Ticket]:
    """Every issue (open and closed) of ``owner/repo``, following the ``Link: next`` pages."""
    if repo.count("/") != 1 or not all(repo.split("/")):
        raise TrackerError(f"'repo' must be owner/name, got {repo!r}")
    issues: list[Any] = []
    url: str | None = f"/repos/{repo}/issues"
    params: dict[str, Any] | None = {"state": "all", "per_page": 100}
    with _client(settings) as client:
        while url is not None:
            response = request(client, settings, "GET", url, params=params)
            page = _json_body(response, f"GitHub {repo}")
            if not isinstance(page, list):
                raise TrackerError(f"GitHub {repo}: the answer is not a list of issues")
            issues.extend(page)
            url = response.links.get("next", {}).get("url")
            params = None  # the next link carries them
    return read_github_json(issues, f"{settings.base_url}/repos/{repo}")


def create_jira_issue(
    settings: HttpSettings, project: str, title: str, labels: Iterable[str], due: str | None
) -> str:
    """Create a Jira task and return its browse URL."""
    fields: dict[str, Any] = {
        "project": {"key": project},
        "summary": title,
        "issuetype": {"name": "Task"},
        "labels": list(labels),
    }
    if due:
        fields["duedate"] = due
    with _client(settings) as client:
        response = request(client, settings, "POST", "/rest/api/3/issue", json={"fields": fields})
    key = _json_body(response, "Jira create").get("key")
    if not isinstance(key, str):
        raise TrackerError("Jira create: the answer names no issue key")
    return f"{settings.base_url}/browse/{key}"


def create_github_issue(
    settings: HttpSettings, repo: str, title: str, labels: Iterable[str], body: str
) -> str:
    """Create a GitHub issue and return its URL."""
    payload = {"title": title, "body": body, "labels": list(labels)}
    with _client(settings) as client:
        response = request(client, settings, "POST", f"/repos/{repo}/issues", json=payload)
    url = _json_body(response, "GitHub create").get("html_url")
    if not isinstance(url, str):
        raise TrackerError("GitHub create: the answer has no html_url")
    return url
