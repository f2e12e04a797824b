"""The Makefile: `make lab` and `make dashboard` really serve (as root too); `make test`."""

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


def test_make_test_runs_the_thorough_profile_and_the_strict_docs_build():
    if shutil.which("make") is None:
        pytest.fail("make is not installed: the README's commands need it")
    dry_run = subprocess.run(
        ["make", "--no-print-directory", "-n", "-W", "pyproject.toml", "test"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "HYPOTHESIS_PROFILE=ci" in dry_run and "-m pytest" in dry_run
    assert "mkdocs build --strict" in dry_run
    assert "--quiet" not in dry_run.split("mkdocs build", 1)[1].splitlines()[0]
    assert "pip install --quiet -e '.[notebook,dev,docs]'" in dry_run


def test_ci_runs_make_test_then_the_packaging_check():
    script = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert script.index("make test") < script.index("make package")
    dry_run = subprocess.run(
        ["make", "--no-print-directory", "-n", "package"], cwd=REPO, capture_output=True, text=True
    )
    assert ".ci/check_package.py" in dry_run.stdout
