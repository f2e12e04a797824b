"""``pmanalytics dashboard serve PATH``: the dashboard notebook as a web app over any folder.

Notebooks take their data folder and as-of date from one code cell tagged ``parameters``
(papermill's convention): ``DATA = "../data/sample"`` and ``AS_OF = "2026-10-31"``. To serve
another folder, :func:`with_parameters` adds a cell tagged ``injected-parameters`` right after
it, setting new values (the notebook's own defaults stay visible above); the copy is written to
a temporary folder and served with Voila on 127.0.0.1 (``--ip`` for another address).

Only the standard library (and :mod:`pmanalytics._validate`) is imported here, so registering
the command costs nothing (the package's ``__init__`` loads its modules on first use).
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from .._errors import ArgumentError
from .._validate import user_date

__all__ = [
    "DEFAULT_PORT",
    "NOTEBOOK",
    "find_notebook",
    "register",
    "serve",
    "voila_command",
    "with_parameters",
    "write_parametrised",
]

#: The dashboard notebook, in the repository's notebooks/ folder.
NOTEBOOK = "04-action-dashboard.ipynb"
DEFAULT_PORT = 8866
PARAMETERS_TAG = "parameters"
INJECTED_TAG = "injected-parameters"

_FALLBACK_SOURCE = [
    "from pmanalytics import load\nfrom pmanalytics.dashboard import Dashboard",
    'DATA = "."\nAS_OF = None',
    "Dashboard(load(DATA), as_of=AS_OF).widget",
]


def _tags(cell: Mapping[str, Any]) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def with_parameters(notebook: Mapping[str, Any], values: Mapping[str, object]) -> dict[str, Any]:
    """A copy of ``notebook`` with a cell setting ``values`` after its ``parameters`` cell.

    Any earlier injected cell is replaced, as papermill does. Values are written as Python
    literals (``repr``), so strings, numbers, ``None`` and lists round-trip.

    Examples
    --------
    >>> cell = {"cell_type": "code", "metadata": {"tags": ["parameters"]},
    ...         "source": 'DATA = "../data/sample"', "outputs": [], "execution_count": None}
    >>> result = with_parameters({"cells": [cell]}, {"DATA": "/srv/pm", "AS_OF": None})
    >>> result["cells"][1]["source"], result["cells"][1]["metadata"]["tags"]
    ("DATA = '/srv/pm'\\nAS_OF = None", ['injected-parameters'])
    """
    result = copy.deepcopy(dict(notebook))
    cells = [cell for cell in result["cells"] if INJECTED_TAG not in _tags(cell)]
    where = next((i for i, c in enumerate(cells) if PARAMETERS_TAG in _tags(c)), None)
    if where is None:
        raise ValueError("the notebook has no cell tagged 'parameters'")
    source = "\n".join(f"{name} = {value!r}" for name, value in values.items())
    injected: dict[str, Any] = {
        "id": INJECTED_TAG,
        "cell_type": "code",
        "execution_count": None,
        "metadata": {"tags": [INJECTED_TAG]},
        "outputs": [],
        "source": source,
    }
    cells.insert(where + 1, injected)
    result["cells"] = cells
    return result


def find_notebook() -> dict[str, Any]:
    """The dashboard notebook of the repository, or a minimal one when it is not there
    (an installed package carries no notebooks)."""
    path = Path(__file__).resolve().parents[2] / "notebooks" / NOTEBOOK
    if path.is_file():
        loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return loaded
    cells: list[dict[str, Any]] = [
        {"id": f"cell-{n}", "cell_type": "code", "execution_count": None, "outputs": [],
         "source": source, "metadata": {"tags": [PARAMETERS_TAG]} if "DATA =" in source else {}}
        for n, source in enumerate(_FALLBACK_SOURCE)
    ]  # fmt: skip
    kernel = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return {"cells": cells, "metadata": {"kernelspec": kernel}, "nbformat": 4, "nbformat_minor": 5}


def write_parametrised(
    folder: str | os.PathLike[str],
    data: str | os.PathLike[str],
    as_of: date | None,
    notebook: Mapping[str, Any] | None = None,
) -> Path:
    """Write the dashboard notebook for ``data`` and ``as_of`` (today, UTC, when None) into
    ``folder``; returns its path. ``data`` is made absolute: the copy lives elsewhere."""
    day = as_of if as_of is not None else datetime.now(UTC).date()
    values = {"DATA": str(Path(data).resolve()), "AS_OF": day.isoformat()}
    result = with_parameters(notebook if notebook is not None else find_notebook(), values)
    target = Path(folder) / NOTEBOOK
    target.write_text(json.dumps(result, indent=1, ensure_ascii=False), encoding="utf-8")
    return target


#: Front-end extensions Voila should not load: the dashboard draws its own charts (plotly's
#: renderer is megabytes and fails in Voila), and jupytext's fails to start in Voila.
UNUSED_EXTENSIONS = ("jupyterlab-plotly", "jupyterlab-jupytext")


def voila_command(notebook: Path, *, ip: str = "127.0.0.1", port: int = DEFAULT_PORT) -> list[str]:
    """The command line that serves ``notebook`` with Voila.

    Examples
    --------
    >>> voila_command(Path("nb.ipynb"), port=9000)[3:6]
    ['nb.ipynb', '--no-browser', '--port=9000']
    """
    return [
        sys.executable,
        "-m",
        "voila",
        str(notebook),
        "--no-browser",
        f"--port={port}",
        f"--Voila.ip={ip}",
        "--show_tracebacks=True",
        f"--VoilaConfiguration.extension_denylist={list(UNUSED_EXTENSIONS)!r}",
        # A kernel that has already run the notebook waits for the next visitor: the page
        # shows in seconds, not after loading and computing (one spare kernel in memory).
        "--preheat_kernel=True",
    ]


def serve(
    data: str | os.PathLike[str],
    as_of: date | None = None,
    *,
    ip: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    run: Callable[[list[str], Path], int] | None = None,
) -> int:
    """Serve the dashboard over ``data`` until interrupted; returns Voila's exit status.

    ``run`` runs the command in a folder (tests pass a stand-in; by default a subprocess).
    """
    folder = Path(data)
    if not folder.exists():
        print(f"error: {folder} does not exist", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="pmanalytics-dashboard-") as work:
        notebook = write_parametrised(work, folder, as_of)
        command = voila_command(notebook, ip=ip, port=port)
        print(
            f"serving the dashboard over {folder.resolve()} on http://{ip}:{port}/ (Ctrl-C stops)"
        )
        return (run or _run)(command, Path(work))


def _run(command: list[str], cwd: Path) -> int:
    """Run Voila until it ends; stopping this process (Ctrl-C or SIGTERM) stops Voila too."""
    process = subprocess.Popen(command, cwd=cwd)
    previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        return process.wait()
    except (KeyboardInterrupt, SystemExit):
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def _exit_on_sigterm(_signal: int, _frame: object) -> None:
    raise SystemExit(0)


def register(commands: Any) -> None:
    """Add ``dashboard serve`` to the subcommands of the ``pmanalytics`` parser."""
    dashboard = commands.add_parser("dashboard", help="serve the dashboard as a web app (Voila)")
    verbs = dashboard.add_subparsers(dest="dashboard_command", required=True, metavar="VERB")
    command = verbs.add_parser(
        "serve",
        help="serve the trends and actions dashboard over a folder of post-mortems",
        description="Serve notebooks/04 as a web app with Voila, over PATH and as of a date.",
    )
    command.add_argument("path", type=Path, help="the folder of post-mortems")
    command.add_argument("--as-of", type=_day, default=None, help="YYYY-MM-DD (today, UTC)")
    command.add_argument("--ip", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    command.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"({DEFAULT_PORT})")
    command.set_defaults(run=_serve_args)


def _day(text: str) -> date:
    try:
        return user_date(text, "--as-of")
    except ArgumentError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _serve_args(args: argparse.Namespace) -> int:
    return serve(args.path, args.as_of, ip=args.ip, port=args.port)
