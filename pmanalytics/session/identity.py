"""Identity without accounts: one secret key per person, checked against hashes on disk.

Each member of a session gets a key (the secret in their join link). The session folder
keeps only the keys' SHA-256 hashes, in ``.<id>.session.keys.json`` beside the journal
(a hidden file: reading the folder's post-mortems skips it);
the keys themselves are never written there, nor into the post-mortem, the report or a
log. Whoever holds a valid key acts as that member and no one else
(:meth:`pmanalytics.session.Session.seat`); facilitator-only commands need the
facilitator's key, because the fold checks the actor a key maps to.

A key is derived from a secret of the person serving the session (``HMAC-SHA256`` of the
session's id and the member's name), so serving the same session again prints the same
links, and a key for one session is worthless for another.

Examples
--------
>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "pm-1.session.jsonl"
>>> keys = issue_keys(path, "e-1", ["Cy", "Ana"], facilitator="Cy", secret=b"s" * 32)
>>> who(path, keys["Ana"])
'Ana'
>>> who(path, keys["Ana"] + "x")
Traceback (most recent call last):
...
pmanalytics.session.errors.NotAllowedError: this link's key is not valid for this session: ...
>>> keys["Ana"] in keys_path(path).read_text()
False
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Sequence
from pathlib import Path

from .._atomic import atomic_write_text
from .errors import NotAllowedError, SessionError

__all__ = ["has_keys", "issue_keys", "key_for", "keys_path", "who"]


def keys_path(journal: str | Path) -> Path:
    """Where the key hashes of the session journaled in ``journal`` live (beside it).

    Examples
    --------
    >>> keys_path("pms/pm-1.session.jsonl").name
    '.pm-1.session.keys.json'
    """
    path = Path(journal)
    name = path.name.removesuffix(".jsonl")
    return path.with_name(f".{name}.keys.json")


def key_for(secret: bytes, session_id: str, name: str) -> str:
    """The key of ``name`` in the session ``session_id``: 22 URL-safe characters (128 bits).

    Examples
    --------
    >>> len(key_for(b"s" * 32, "e-1", "Ana")), key_for(b"s" * 32, "e-1", "Ana") == key_for(
    ...     b"s" * 32, "e-2", "Ana")
    (22, False)
    """
    if not isinstance(secret, bytes) or len(secret) < 16:
        raise SessionError("secret: must be 16 bytes or more")
    digest = hmac.new(secret, f"{session_id}\0{name}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:16]).decode("ascii").rstrip("=")


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def issue_keys(
    journal: str | Path,
    session_id: str,
    members: Sequence[str],
    *,
    facilitator: str,
    secret: bytes,
) -> dict[str, str]:
    """Each member's key; their hashes are (re)written beside the journal.

    Returns ``{name: key}``: show the keys to their holders (in join links), never store them.
    """
    keys = {name: key_for(secret, session_id, name) for name in members}
    data = {
        "version": 1,
        "session": session_id,
        "members": {
            name: {"sha256": _hash(key), "role": "facilitator" if name == facilitator else "member"}
            for name, key in keys.items()
        },
    }
    atomic_write_text(keys_path(journal), json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    return keys


def has_keys(journal: str | Path) -> bool:
    """Whether the session requires keys (it was served with join links)."""
    return keys_path(journal).exists()


def who(journal: str | Path, key: object) -> str:
    """The member whose key ``key`` is; :class:`NotAllowedError` otherwise.

    The error never echoes the key (it is a secret) nor lists the members.
    """
    path = keys_path(journal)
    try:
        members = json.loads(path.read_text(encoding="utf-8"))["members"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise SessionError(f"{path}: the session's key hashes cannot be read ({exc})") from None
    if isinstance(key, str) and key:
        digest = _hash(key)
        for name, entry in members.items():
            if isinstance(entry, dict) and hmac.compare_digest(str(entry.get("sha256")), digest):
                return str(name)
    raise NotAllowedError(
        "this link's key is not valid for this session: open the personal link you were given"
    )
