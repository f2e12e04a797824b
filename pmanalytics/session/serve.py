"""``pmanalytics session serve``: one command serves a team's review in their browsers.

::

    pmanalytics session serve POSTMORTEM [--participants a,b,c] [--facilitator NAME]
                                         [--minutes 45] [--host 127.0.0.1] [--port 8866]
                                         [--session-dir DIR]

It reads ``POSTMORTEM`` (any file :func:`pmanalytics.read` reads: a canonical file or
another team's Markdown), opens or creates its session, prints one join link per person,
and serves ``notebooks/01-run-a-postmortem-session.ipynb`` with Voilà (one kernel per
page; they share the session through its journal on disk).

**Where the session lives.** By default in ``<post-mortem's folder>/.pmanalytics/sessions/
<file name without suffix>/``: the journal (``<id>.session.jsonl``), the key hashes
(``.<id>.session.keys.json``), and, from the wrap-up on, the saved post-mortem and the
report. The folder is stable, so running the command again resumes the same session and
prints the same links; it is hidden, so reading the post-mortems' folder skips it.
``--session-dir`` (or ``PMANALYTICS_SESSION_DIR``) puts it elsewhere.

**Who is who.** Each link carries a per-person key (``?key=...``); the app acts only as
that person, and only the facilitator's link moves phases. The keys are derived from a
secret of the person serving (``<user data dir>/pmanalytics/serve.secret``, created once
with mode 0600; ``PMANALYTICS_DATA_DIR`` moves it) and never written into the session
folder, the post-mortem, the report or the server's log (it is scrubbed). A missing
``--facilitator`` is the post-mortem's, else the user running the command.

**Time.** ``--minutes 45`` fits the agenda's time boxes to the slot when the session is
created (each box scaled, rounded to whole minutes; the command prints how).
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import re
import secrets
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from .errors import SessionError

if TYPE_CHECKING:  # the session core loads when a session is served, not when `--help` runs
    from .._model import PostMortem
    from ._session import Session

__all__ = [
    "NOTEBOOK",
    "ServedSession",
    "join_links",
    "prepare",
    "register",
    "scrub",
    "session_folder",
    "user_secret",
]

#: The notebook the command serves (the app, driven by environment variables).
NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "01-run-a-postmortem-session.ipynb"

#: The environment variables the notebook reads (set by the command).
ENV_POSTMORTEM = "PMANALYTICS_POSTMORTEM"
ENV_SESSION_DIR = "PMANALYTICS_SESSION_DIR"


def session_folder(postmortem_file: str | Path) -> Path:
    """The default, stable folder of the session on a post-mortem file.

    Examples
    --------
    >>> session_folder("reviews/PM2024-001 - Nodes.md").as_posix()
    'reviews/.pmanalytics/sessions/PM2024-001 - Nodes'
    """
    path = Path(postmortem_file)
    return path.parent / ".pmanalytics" / "sessions" / path.stem


def _data_dir() -> Path:
    given = os.environ.get("PMANALYTICS_DATA_DIR")
    if given:
        return Path(given)
    import platformdirs

    return Path(platformdirs.user_data_dir("pmanalytics", appauthor=False))


def user_secret() -> bytes:
    """The serving user's secret (created once, readable by them only): keys derive from it."""
    path = _data_dir() / "serve.secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32))
    secret = bytes.fromhex(path.read_text().strip())
    if len(secret) < 16:
        raise SessionError(f"{path}: the secret is too short; delete the file to make a new one")
    return secret


def join_links(base_url: str, keys: dict[str, str]) -> dict[str, str]:
    """One link per person: the server's address with their key.

    Examples
    --------
    >>> join_links("http://127.0.0.1:8866/", {"Ana B": "k1"})
    {'Ana B': 'http://127.0.0.1:8866/?key=k1'}
    """
    return {name: f"{base_url}?key={quote(key)}" for name, key in keys.items()}


_KEY = re.compile(r"(key=)[^&\s'\"]+")


def scrub(text: str) -> str:
    """``text`` with every ``key=...`` value replaced: what the server's log may show.

    Examples
    --------
    >>> scrub("GET /?key=abc123&x=1 200")
    'GET /?key=<redacted>&x=1 200'
    """
    return _KEY.sub(r"\1<redacted>", text)


@dataclass(frozen=True)
class ServedSession:
    """A session ready to serve: the session, its folder, its keys, and what to tell people."""

    session: Session
    folder: Path
    keys: dict[str, str]
    resumed: bool
    agenda_note: str


def _names(text: str | None) -> list[str] | None:
    if text is None:
        return None
    names = [n.strip() for n in text.split(",") if n.strip()]
    if not names:
        raise SessionError(f"--participants: give names separated by commas, got {text!r}")
    return names


def prepare(
    postmortem_file: str | Path,
    *,
    participants: Sequence[str] | None = None,
    facilitator: str | None = None,
    minutes: int | None = None,
    folder: str | Path | None = None,
    secret: bytes | None = None,
) -> ServedSession:
    """Open the session on ``postmortem_file`` (or create it) and issue everyone's key."""
    from .. import read

    source = Path(postmortem_file)
    from ._session import Session, journal_path
    from .state import SessionSettings
    from .templates import DEFAULT_TEMPLATE, fit_agenda

    pm: PostMortem = read(source)
    target = Path(folder) if folder is not None else session_folder(source)
    path = journal_path(target, pm.id)
    resumed = path.exists() and path.stat().st_size > 0
    note = ""
    if resumed:
        session = Session.open(path)
        if minutes is not None:
            total = sum(p.minutes for p in session.template.phases)
            note = f"Resumed: the agenda keeps its {total} min (--minutes applies to new sessions)"
    else:
        if facilitator is None and not pm.review.facilitator:
            named = [p.name for p in pm.participants if p.role == "facilitator"]
            facilitator = named[0] if named else getpass.getuser()
        if minutes is not None:
            _, note = fit_agenda(DEFAULT_TEMPLATE, minutes)
        session = Session.create(
            pm,
            target,
            participants=participants,
            facilitator=facilitator,
            settings=SessionSettings(minutes=minutes),
        )
    keys = session.issue_keys(secret if secret is not None else user_secret())
    return ServedSession(session, target, keys, resumed, note)


class _ScrubKeys(logging.Filter):
    """Scrubs keys from every record a handler writes (URLs in access logs)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "key=" in message:
            record.msg, record.args = scrub(message), None
        return True


def _scrub_logs() -> None:
    factory = logging.getLogRecordFactory()

    def make(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        _ScrubKeys().filter(record)
        return record

    logging.setLogRecordFactory(make)


def _serve(args: argparse.Namespace) -> int:
    notebook = Path(args.notebook) if args.notebook else NOTEBOOK
    if not notebook.exists():
        raise SessionError(f"the session notebook is missing: {notebook}")
    folder = args.session_dir or os.environ.get(ENV_SESSION_DIR) or None
    served = prepare(
        args.postmortem,
        participants=_names(args.participants),
        facilitator=args.facilitator,
        minutes=args.minutes,
        folder=folder,
    )
    session = served.session
    shown_host = args.host if args.host not in ("0.0.0.0", "::") else "localhost"
    base = f"http://{shown_host}:{args.port}/"
    links = join_links(base, served.keys)
    state = session.state
    print(
        f"{'Resuming' if served.resumed else 'Starting'} the session on {state.postmortem.title!r}"
    )
    print(f"Session folder: {served.folder}")
    if served.agenda_note:
        print(served.agenda_note)
    print(f"Facilitator ({session.facilitator}): {links[session.facilitator]}")
    for name in state.participants:
        print(f"Participant ({name}): {links[name]}")
    print("Each link is personal: send each person their own. Ctrl-C stops the server.")
    sys.stdout.flush()
    os.environ[ENV_POSTMORTEM] = str(Path(args.postmortem).resolve())
    os.environ[ENV_SESSION_DIR] = str(served.folder.resolve())
    session.close()
    _scrub_logs()
    from voila.app import Voila  # type: ignore[import-untyped]

    argv = [
        str(notebook),
        "--no-browser",
        f"--port={args.port}",
        f"--Voila.ip={args.host}",
        "--Voila.port_retries=0",  # the printed links name this port: never another
        "--Voila.tornado_settings={'disable_check_xsrf': True}",
    ]
    Voila.launch_instance(argv=argv)
    return 0


def register(commands: Any) -> None:
    """Add ``session serve`` to the subcommands of the ``pmanalytics`` parser."""
    group = commands.add_parser("session", help="run a post-mortem session with the team")
    verbs = group.add_subparsers(dest="session_command", required=True, metavar="VERB")
    serve = verbs.add_parser(
        "serve",
        help="serve the session app to the team's browsers (one join link each)",
        description=__doc__.split("\n\n")[2] if __doc__ else None,
    )
    serve.add_argument("postmortem", type=Path, help="any post-mortem file pmanalytics reads")
    serve.add_argument("--participants", help="names separated by commas (default: its own)")
    serve.add_argument("--facilitator", help="who runs it (default: its own, else you)")
    serve.add_argument("--minutes", type=int, help="fit the agenda to a slot (new sessions)")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (127.0.0.1)")
    serve.add_argument("--port", type=int, default=8866, help="port (8866)")
    serve.add_argument("--session-dir", type=Path, help="where the session lives (see docs)")
    serve.add_argument("--notebook", type=Path, help=argparse.SUPPRESS)
    serve.set_defaults(followup=lambda args, _handler: _serve(args))
