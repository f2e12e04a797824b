"""The ``pmanalytics`` command line: a thin layer over the library.

Run ``pmanalytics --help`` for the commands.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from ._errors import ArgumentError, IngestError, PMError
from ._validate import check_int, user_date
from ._version import __version__

if TYPE_CHECKING:  # the heavy libraries are imported by the commands that need them
    import pandas as pd

__all__ = ["main"]

#: The exit status of a command whose reader went away (``| head``): 128 + SIGPIPE.
SIGPIPE_STATUS = 141


def _positive_int(text: str) -> int:
    """An argparse type: an int >= 1 (checked by :func:`pmanalytics._validate.check_int`)."""
    try:
        value: object = int(text)
    except ValueError:
        value = text
    try:
        return check_int("--incidents", value, minimum=1)
    except ArgumentError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _day(option: str) -> Callable[[str], date]:
    """An argparse type: a day, by :func:`pmanalytics._validate.user_date`."""

    def day(text: str) -> date:
        try:
            return user_date(text, option)
        except ArgumentError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return day


_date = _day("--as-of")


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line on stderr (exit status 2)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="pmanalytics",
        description="Blameless incident post-mortems as data.",
        epilog="Run 'pmanalytics COMMAND --help' for the options of a command.",
    )
    parser.add_argument("--version", action="version", version=f"pmanalytics {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    new = commands.add_parser(
        "new",
        help="start a post-mortem from the template",
        description="Write a draft post-mortem from the template (front matter, the narrative "
        "and the four sections) to FOLDER/<date>-<slug of TITLE>.md and print its path. "
        "An existing file is never overwritten.",
    )
    new.add_argument(
        "title", metavar="TITLE", help="what people call the incident, e.g. 'Database failover'"
    )
    new.add_argument("--folder", type=Path, default=Path(), help="where to write it (.)")
    new.add_argument("--date", type=_day("--date"), help="YYYY-MM-DD (today, local time)")
    new.add_argument("--severity", help="e.g. SEV2 or P1")

    demo = commands.add_parser("demo", help="write a realistic generated corpus")
    demo.add_argument("out", type=Path, help="folder to write the post-mortems to")
    demo.add_argument("--incidents", type=_positive_int, default=120, help="how many (120)")
    demo.add_argument("--seed", type=int, default=7, help="random seed (7)")

    validate = commands.add_parser("validate", help="check post-mortem files; exit 1 on problems")
    validate.add_argument("paths", type=Path, nargs="+", help="files or folders")

    importer = commands.add_parser(
        "import",
        help="convert Markdown, CSV and JSON post-mortems into canonical files",
        description="Convert post-mortems from other templates and tools into canonical files. "
        "Markdown in any supported template; Parabol or Jira CSV; incident.io or PagerDuty "
        "JSON. Follow-ups (Jira tickets) join the incidents they name, including ones already "
        "in the target folder. Ids are stable: importing the same sources again changes nothing.",
    )
    importer.add_argument("sources", type=Path, nargs="+", help="files or folders")
    importer.add_argument("--to", type=Path, required=True, dest="folder", help="target folder")
    importer.add_argument(
        "--section-map",
        type=Path,
        help="YAML file of extra heading -> part entries (e.g. 'Oopsies: lessons_learned')",
    )

    stats = commands.add_parser("stats", help="counts and date range of a corpus")
    stats.add_argument("path", type=Path, nargs="+", help="files or folders")
    stats.add_argument("--json", action="store_true", help="print JSON instead of text")

    report = commands.add_parser(
        "report", help="write the trends and actions dashboard as one self-contained HTML file"
    )
    report.add_argument("path", type=Path, nargs="+", help="files or folders")
    report.add_argument("--html", type=Path, required=True, help="the HTML file to write")
    report.add_argument("--as-of", type=_date, default=None, help="YYYY-MM-DD (today, UTC)")

    actions = commands.add_parser("actions", help="list open (or overdue) actions")
    actions.add_argument("path", type=Path, nargs="+", help="files or folders")
    actions.add_argument("--overdue", action="store_true", help="only actions past their due")
    actions.add_argument("--as-of", type=_date, default=None, help="YYYY-MM-DD (today, UTC)")
    actions.add_argument("--csv", action="store_true", help="CSV instead of a text table")

    checkin = commands.add_parser(
        "checkin", help="Markdown check-in of a post-mortem's (or a team's) actions"
    )
    checkin.add_argument("path", type=Path, nargs="+", help="files or folders")
    which = checkin.add_mutually_exclusive_group(required=True)
    which.add_argument("--incident", help="a post-mortem id")
    which.add_argument("--team", help="a team: all its post-mortems")
    checkin.add_argument("--as-of", type=_date, default=None, help="YYYY-MM-DD (today, UTC)")
    from .followup.cli import register  # sync, digest, actions done|reopen|update|verify

    register(commands)
    from .dashboard.serve import register as register_dashboard  # dashboard serve

    register_dashboard(commands)
    from .session.serve import register as register_session  # session serve

    register_session(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status.

    Examples
    --------
    >>> main(["validate", "no/such/folder"])
    1

    Errors are one line on stderr: exit status 2 for a wrong argument, 1 for a failure.
    A reader that goes away (``pmanalytics actions . | head -1``) ends the command quietly
    with :data:`SIGPIPE_STATUS`.
    """
    try:
        status = _run(_parser().parse_args(argv))
        sys.stdout.flush()  # a closed pipe shows here, while it can still be handled
        return status
    except BrokenPipeError:
        _drop_stdout()
        return SIGPIPE_STATUS
    except KeyboardInterrupt:
        return 130  # 128 + SIGINT, quietly


def _run(args: argparse.Namespace) -> int:
    handlers = {"new": _new, "demo": _demo, "validate": _validate, "stats": _stats}
    handlers |= {"import": _import, "report": _report, "actions": _actions, "checkin": _checkin}
    try:
        if getattr(args, "run", None) is not None:  # commands that bring their own handler
            return int(args.run(args))
        if getattr(args, "followup", None) is not None:  # the follow-through commands
            return int(args.followup(args, handlers.get(args.command)))
        return handlers[args.command](args)
    except PMError as exc:
        _say(f"error: {exc}", error=True)
        return 2 if isinstance(exc, ArgumentError) else 1
    except BrokenPipeError:
        raise
    except OSError as exc:  # a file or folder the command cannot read or write
        _say(f"error: {exc}", error=True)
        return 1


def _drop_stdout() -> None:
    """After a closed pipe: send what is left to /dev/null, so the exit prints nothing."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # not a real file (a test's capture)
        pass


def _say(text: str, *, error: bool = False) -> None:
    """Print ``text`` with control characters made visible: user text cannot drive the terminal.

    Examples
    --------
    >>> _say("title: \x1b[2Jgone")
    title: \ufffd[2Jgone
    """
    if not (text.isascii() and text.replace("\n", "").replace("\t", "").isprintable()):
        from ._html import visible_text  # only text that needs it pays for the import

        text = visible_text(text)
    if error:
        text = " ".join(text.splitlines())
    print(text, file=sys.stderr if error else sys.stdout)


def _new(args: argparse.Namespace) -> int:
    from ._new import new_postmortem

    day = args.date if args.date is not None else date.today()  # the writer's own day
    _say(str(new_postmortem(args.title, args.folder, day, severity=args.severity)))
    return 0


def _demo(args: argparse.Namespace) -> int:
    from .demo import write_corpus

    folder = write_corpus(args.out, args.incidents, args.seed)
    print(f"wrote {args.incidents} post-mortems to {folder}")
    return 0


def _validate(args: argparse.Namespace) -> int:
    import pandas as pd

    from . import load

    corpus = load(args.paths, cache=False)
    for row in corpus.errors.to_dict("records"):
        where = row["path"] if pd.isna(row["line"]) else f"{row['path']}:{row['line']}"
        _say(f"{where}: {row['message']}")
    skipped = corpus.warnings[corpus.warnings["line"].isna()]  # whole files not loaded, and why
    for row in skipped.to_dict("records"):
        _say(f"{row['path']}: not loaded: {row['message']}")
    also = f"; {len(skipped)} file(s) not loaded (above)" if len(skipped) else ""
    if len(corpus.errors):
        _say(
            f"{len(corpus.errors)} problem(s); {len(corpus.incidents)} post-mortem(s) OK{also}",
            error=True,
        )
        return 1
    _say(f"{len(corpus.incidents)} post-mortem(s) OK{also}")
    return 0


def _import(args: argparse.Namespace) -> int:
    from .ingest import import_sources, write_imported

    section_map = _read_section_map(args.section_map) if args.section_map else None
    summary = write_imported(import_sources(args.sources, section_map=section_map), args.folder)
    for problem in summary.problems:
        _say(str(problem))
    for skipped in summary.skipped:
        _say(f"{skipped.source}: skipped: {skipped.message}")
    _say(str(summary), error=bool(summary.problems))
    return 1 if summary.problems else 0


def _read_section_map(path: Path) -> dict[str, str]:
    import yaml

    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise IngestError(path, f"cannot read the section map: {exc}") from exc
    if not isinstance(loaded, dict):
        raise IngestError(path, "the section map must be a mapping of heading: part")
    return {str(key): str(value) for key, value in loaded.items()}


def _stats(args: argparse.Namespace) -> int:
    import json

    from . import load

    stats = load(args.path).stats()
    _say(json.dumps(stats, default=str, indent=2) if args.json else _format_stats(stats))
    return 0


def _format_stats(stats: dict[str, Any]) -> str:
    first, last = stats["first_started_at"], stats["last_started_at"]
    span = f"{first:%Y-%m-%d} to {last:%Y-%m-%d}" if first is not None else "no dates"
    lines = [
        f"incidents     {stats['incidents']:>8}   ({span})",
        f"items         {stats['items']:>8}",
        f"themes        {stats['themes']:>8}",
        f"actions       {stats['actions']:>8}",
        f"timeline      {stats['timeline_events']:>8}",
        f"participants  {stats['participants']:>8}",
        f"errors        {stats['errors']:>8}",
        f"warnings      {stats['warnings']:>8}",
        f"services      {len(stats['services']):>8}   {', '.join(stats['services'])}",
        f"teams         {len(stats['teams']):>8}   {', '.join(stats['teams'])}",
    ]
    return "\n".join(lines)


def _as_of(args: argparse.Namespace) -> date:
    """The date given with --as-of, or today (UTC): the only place a "now" is read."""
    given: date | None = args.as_of
    return given if given is not None else datetime.now(UTC).date()


def _report(args: argparse.Namespace) -> int:
    from . import load
    from .dashboard import compute, write_report

    as_of = _as_of(args)
    target = write_report(args.html, compute(load(args.path), as_of))
    print(f"wrote {target} ({target.stat().st_size / 1e6:.1f} MB, as of {as_of})")
    return 0


#: Columns printed by ``pmanalytics actions``.
ACTION_COLUMNS = ["incident_id", "action_id", "title", "owner", "team", "status", "due_date"]
ACTION_COLUMNS += ["age_days", "days_overdue"]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells that a spreadsheet would run as a formula, prefixed with a quote.

    Examples
    --------
    >>> import pandas as pd
    >>> csv_safe(pd.DataFrame({"a": ["=SUM(A1)", "ok", "-1+2", "@x"], "n": [-1, 2, 3, 4]}))
    ...                                           # doctest: +NORMALIZE_WHITESPACE
              a  n
    0  '=SUM(A1) -1
    1        ok  2
    2     '-1+2  3
    3       '@x  4
    """
    import pandas as pd

    safe = frame.copy()
    for column in safe.columns:
        values = safe[column]
        if values.dtype == object or isinstance(values.dtype, pd.StringDtype):
            text = values.astype("string")
            risky = text.str.startswith(_FORMULA_START).fillna(False).astype(bool)
            safe[column] = text.where(~risky, "'" + text)
    return safe


def _actions(args: argparse.Namespace) -> int:
    from . import load, metrics

    as_of = _as_of(args)
    corpus = load(args.path)
    found = (metrics.overdue_actions if args.overdue else metrics.open_actions)(corpus, as_of)
    table = found[ACTION_COLUMNS].copy()
    table["due_date"] = table["due_date"].dt.strftime("%Y-%m-%d")
    if args.csv:
        _say(csv_safe(table).to_csv(index=False, lineterminator="\n").removesuffix("\n"))
        return 0
    what = "overdue" if args.overdue else "open"
    print(f"{len(table)} {what} action(s) as of {as_of}")
    if len(table):
        _say(table.to_string(index=False, max_colwidth=60))
    return 0


def _checkin(args: argparse.Namespace) -> int:
    from . import load
    from .checkin import checkin_markdown

    corpus = load(args.path)
    _say(checkin_markdown(corpus, _as_of(args), incident=args.incident, team=args.team))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
