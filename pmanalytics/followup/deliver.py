"""Deliver digests: to a folder, by SMTP, or to a Slack-compatible incoming webhook.

Each function delivers the recipients it is given (see :meth:`Digest.to_send`) and
returns the names it delivered to; a failure raises
:class:`~pmanalytics.followup.DeliveryError` naming the recipient and the reason.
Credentials (``SMTP_USERNAME``/``SMTP_PASSWORD``, a webhook URL) are never printed.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from collections.abc import Iterable, Mapping
from email.message import EmailMessage
from pathlib import Path

import httpx

from .._atomic import atomic_write_text
from .._model import slugify
from ._http import HttpSettings, request
from .digest import RecipientDigest
from .errors import DeliveryError

__all__ = ["message", "to_folder", "to_smtp", "to_webhook"]


def to_folder(recipients: Iterable[RecipientDigest], folder: str | Path) -> list[Path]:
    """Write ``<recipient>.md`` and ``<recipient>.html`` per recipient into ``folder``.

    Examples
    --------
    >>> import tempfile
    >>> from pmanalytics.followup.digest import build_digest
    >>> digest = build_digest("data/sample", "2026-11-02", by="team")
    >>> paths = to_folder(digest.recipients, tempfile.mkdtemp())
    >>> sorted(p.name for p in paths)[:2]
    ['checkout.html', 'checkout.md']
    """
    target = Path(folder)
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DeliveryError(f"cannot create the folder {str(folder)!r}: {exc}") from exc
    written = []
    for one in recipients:
        stem = slugify(one.recipient, fallback="recipient")
        try:
            written.append(atomic_write_text(target / f"{stem}.md", one.markdown()))
            written.append(atomic_write_text(target / f"{stem}.html", one.html()))
        except OSError as exc:
            raise DeliveryError(f"cannot write the digest of {one.recipient!r}: {exc}") from exc
    return written


def message(one: RecipientDigest, sender: str, address: str) -> EmailMessage:
    """The e-mail for one recipient: Markdown as plain text, with the HTML alternative."""
    mail = EmailMessage()
    mail["Subject"] = one.subject
    mail["From"] = sender
    mail["To"] = address
    mail.set_content(one.markdown())
    mail.add_alternative(one.html(), subtype="html")
    return mail


def to_smtp(
    recipients: Iterable[RecipientDigest],
    addresses: Mapping[str, str],
    *,
    host: str,
    port: int = 25,
    sender: str,
    starttls: bool = False,
    timeout: float = 10.0,
    environ: Mapping[str, str] | None = None,
) -> tuple[list[str], list[str]]:
    """Send each recipient their digest by SMTP; returns ``(sent, without_address)``.

    ``addresses`` maps a recipient (owner or team name) to an e-mail address; a
    recipient without one is skipped and reported. ``SMTP_USERNAME`` and
    ``SMTP_PASSWORD`` in the environment log in (after STARTTLS when ``starttls``).
    """
    env = os.environ if environ is None else environ
    chosen = list(recipients)
    missing = [one.recipient for one in chosen if not addresses.get(one.recipient)]
    sendable = [one for one in chosen if addresses.get(one.recipient)]
    sent: list[str] = []
    if not sendable:
        return sent, missing
    try:
        with smtplib.SMTP(host, port, timeout=timeout) as smtp:
            if starttls:
                smtp.starttls(context=ssl.create_default_context())
            user, password = env.get("SMTP_USERNAME"), env.get("SMTP_PASSWORD")
            if user and password:
                smtp.login(user, password)
            for one in sendable:
                smtp.send_message(message(one, sender, addresses[one.recipient]))
                sent.append(one.recipient)
    except (OSError, smtplib.SMTPException) as exc:
        done = f" (sent to {', '.join(sent)} before)" if sent else ""
        raise DeliveryError(f"SMTP {host}:{port}: {type(exc).__name__}: {exc}{done}") from exc
    return sent, missing


def to_webhook(
    recipients: Iterable[RecipientDigest],
    url: str,
    *,
    timeout: float = 10.0,
    retries: int = 2,
    backoff: float = 0.5,
) -> list[str]:
    """Post each recipient's digest as ``{"text": markdown}`` to an incoming webhook."""
    if not url.startswith(("https://", "http://")):
        raise DeliveryError("the webhook URL must start with https:// or http://")
    headers = {"Content-Type": "application/json"}
    settings = HttpSettings(url, headers, None, timeout, retries, backoff)
    sent = []
    with httpx.Client(timeout=timeout) as client:
        for one in recipients:
            payload = {"text": one.markdown(), "username": "pmanalytics"}
            request(
                client,
                settings,
                "POST",
                url,
                json=payload,
                error=DeliveryError,
                shown="the webhook",
            )
            sent.append(one.recipient)
    return sent
