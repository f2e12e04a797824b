"""HTTP for the follow-through feature: one request with a timeout and retries."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from .errors import FollowupError, TrackerError

__all__ = ["HttpSettings", "request"]

_RETRY_STATUS = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class HttpSettings:
    """Where a tracker is and how to talk to it."""

    base_url: str
    headers: Mapping[str, str]
    auth: tuple[str, str] | None = None
    timeout: float = 10.0
    retries: int = 2
    backoff: float = 0.5
    """Seconds before the first retry; doubled for each next one."""

    def __repr__(self) -> str:  # never show credentials
        return f"HttpSettings(base_url={self.base_url!r}, timeout={self.timeout})"


def request(
    client: httpx.Client,
    settings: HttpSettings,
    method: str,
    url: str,
    *,
    params: Mapping[str, Any] | None = None,
    json: Any = None,
    error: type[FollowupError] = TrackerError,
    shown: str | None = None,
) -> httpx.Response:
    """One request with retries; TrackerError naming the address and what went wrong."""
    shown = shown or url.split("?")[0]
    attempts = settings.retries + 1
    problem = ""
    for attempt in range(attempts):
        if attempt:
            time.sleep(settings.backoff * 2 ** (attempt - 1))
        try:
            response = client.request(method, url, params=params, json=json)
        except httpx.TimeoutException:
            problem = f"timed out after {settings.timeout:g} s"
            continue
        except httpx.TransportError as exc:
            problem = f"cannot connect ({type(exc).__name__}: {exc})"
            continue
        if response.status_code in _RETRY_STATUS:
            problem = f"HTTP {response.status_code} {response.reason_phrase}"
            continue
        if response.is_success:
            return response
        raise error(f"{method} {shown}: {_refusal(response)}")
    tries = "once" if attempts == 1 else f"{attempts} times"
    raise error(f"{method} {shown}: {problem} (tried {tries})")


def _refusal(response: httpx.Response) -> str:
    code = response.status_code
    why = {
        401: "authentication failed: check the token",
        403: "access denied: the token lacks permission",
        404: "not found: check the address, project or repository",
    }.get(code, "refused")
    return f"HTTP {code} {response.reason_phrase}, {why}"
