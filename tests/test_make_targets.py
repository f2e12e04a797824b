"""The README's main command, `make lab`, really starts JupyterLab (as root too)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

from tests.browser.conftest import free_port, wait_for_port

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("target", ["lab", "dashboard"])
def test_make_target_serves_on_localhost(target, tmp_path):
    if shutil.which("make") is None:
        pytest.fail("make is not installed: the README's commands need it")
    port = free_port()
    variable = "LAB_PORT" if target == "lab" else "DASHBOARD_PORT"
    command = ["make", "--no-print-directory", target, f"{variable}={port}"]
    if target == "lab":
        command.append("LAB_ARGS=--no-browser")
    log = tmp_path / "server.log"
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            cwd=REPO,
            stdout=output,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
        try:
            wait_for_port(port, process, timeout=120)
        except (RuntimeError, TimeoutError) as exc:
            pytest.fail(f"`make {target}` did not serve: {exc}\n{log.read_text()[-2000:]}")
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
