"""Start ``pmanalytics session serve`` for browser tests and the browser benchmark."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
_LINK = re.compile(r"^(Facilitator|Participant) \((.+)\): (http://\S+)$")


@dataclass
class Served:
    """A running server: its join links by name, the facilitator, its log and folder.

    ``printed`` is what the command printed for the person serving (the links); ``log``
    is the server's log (stderr), where no key may appear.
    """

    links: dict[str, str]
    facilitator: str
    log: Path
    folder: Path
    printed: Path


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve(
    postmortem: Path, log: Path, *args: str, env: dict[str, str] | None = None
) -> Iterator[Served]:
    """Run the command until the server answers; yields the links it printed."""
    port = free_port()
    command = [sys.executable, "-m", "pmanalytics", "session", "serve", str(postmortem)]
    command += [*args, "--port", str(port)]
    environment = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    printed = log.with_suffix(".out")
    with log.open("wb") as errors, printed.open("wb") as output:
        process = subprocess.Popen(
            command, stdout=output, stderr=errors, cwd=postmortem.parent, env=environment
        )
        try:
            deadline = time.monotonic() + 120
            while "Voilà is running at" not in log.read_text(errors="replace"):
                if process.poll() is not None:
                    raise RuntimeError(f"serve exited early:\n{log.read_text()}")
                if time.monotonic() > deadline:
                    raise TimeoutError(f"serve did not start:\n{log.read_text()}")
                time.sleep(0.2)
            links: dict[str, str] = {}
            facilitator = ""
            folder = Path()
            for line in printed.read_text().splitlines():
                found = _LINK.match(line.strip())
                if found:
                    links[found.group(2)] = found.group(3)
                    if found.group(1) == "Facilitator":
                        facilitator = found.group(2)
                if line.startswith("Session folder: "):
                    folder = postmortem.parent / line.removeprefix("Session folder: ").strip()
            yield Served(links, facilitator, log, folder, printed)
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
