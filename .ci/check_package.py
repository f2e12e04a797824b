"""Build the sdist and wheel, install the wheel into a fresh virtual environment, smoke-test it.

The environment lives in a temporary folder and every command runs from there, with no
``PYTHONPATH``: what is tested is what ``pip install pmanalytics`` gives a user (package data,
the entry point, every public module), never the source tree. Run it with the project's
Python, which needs the ``build`` package (in the ``dev`` extra)::

    .venv/bin/python .ci/check_package.py            # or: make package
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import tempfile
import time
import venv
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

# Lists every non-underscore module of the installed package, imports each, prints them.
IMPORT_ALL = """
import importlib, pkgutil, sys
import pmanalytics
names = ["pmanalytics"]
for info in pkgutil.walk_packages(pmanalytics.__path__, "pmanalytics."):
    if not any(part.startswith("_") for part in info.name.split(".")):
        names.append(info.name)
for name in names:
    importlib.import_module(name)
print(pmanalytics.__file__)
print(pmanalytics.__version__)
print(" ".join(names))
"""


def run(command: list[str | Path], cwd: Path, env: dict[str, str]) -> str:
    started = time.monotonic()
    shown = " ".join("<script>" if "\n" in str(part) else str(part) for part in command)
    result = subprocess.run(
        [str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        sys.exit(
            f"FAILED ({result.returncode}): {shown}\n{result.stdout[-3000:]}{result.stderr[-3000:]}"
        )
    print(f"  ok ({time.monotonic() - started:5.1f} s): {shown}")
    return result.stdout


def check_sdist(sdist: Path) -> None:
    with tarfile.open(sdist) as archive:
        names = archive.getnames()
    root = names[0].split("/")[0]
    for needed in ("pyproject.toml", "README.md", "CHANGELOG.md", "pmanalytics/__init__.py"):
        if f"{root}/{needed}" not in names:
            sys.exit(f"FAILED: the sdist {sdist.name} lacks {needed}")


def check_wheel(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        (metadata,) = [n for n in names if n.endswith(".dist-info/METADATA")]
        extras = {
            line.split(":", 1)[1].strip()
            for line in archive.read(metadata).decode().splitlines()
            if line.startswith("Provides-Extra:")
        }
        (entry_points,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
        scripts = archive.read(entry_points).decode()
    if not {"notebook", "dev", "docs"} <= extras:
        sys.exit(f"FAILED: the wheel {wheel.name} declares the extras {sorted(extras)}")
    if "pmanalytics = pmanalytics.cli:main" not in scripts:
        sys.exit(f"FAILED: the wheel {wheel.name} has no `pmanalytics` command")
    board = ("pmanalytics/widgets/static/board.js", "pmanalytics/widgets/static/board.css")
    for needed in ("pmanalytics/py.typed", "pmanalytics/cli.py", *board):
        if needed not in names:
            sys.exit(f"FAILED: the wheel {wheel.name} lacks {needed}")
    if any(name.startswith(("tests/", "notebooks/", "data/")) for name in names):
        sys.exit(f"FAILED: the wheel {wheel.name} ships files from outside the package")


def main() -> int:
    started = time.monotonic()
    clean_env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    with tempfile.TemporaryDirectory(prefix="pmanalytics-package-") as scratch:
        work = Path(scratch)
        dist = work / "dist"
        print("building the sdist, then the wheel from it")
        run([sys.executable, "-m", "build", "--outdir", dist, REPO], cwd=work, env=clean_env)
        (sdist,) = dist.glob("*.tar.gz")
        (wheel,) = dist.glob("*.whl")
        check_sdist(sdist)
        check_wheel(wheel)

        print(f"installing {wheel.name} into a fresh virtual environment")
        env_dir = work / "venv"
        venv.create(env_dir, with_pip=True)
        bin_dir = env_dir / ("Scripts" if os.name == "nt" else "bin")
        python, command = bin_dir / "python", bin_dir / "pmanalytics"
        env = {**clean_env, "PMANALYTICS_CACHE_DIR": str(work / "cache")}
        run([python, "-m", "pip", "install", "--quiet", wheel], cwd=work, env=env)

        print("smoke tests, from outside the source tree")
        lines = run([python, "-c", IMPORT_ALL], cwd=work, env=env).splitlines()
        location, version, modules = lines[-3], lines[-2], lines[-1].split()
        if not Path(location).resolve().is_relative_to(env_dir.resolve()):
            sys.exit(f"FAILED: pmanalytics was imported from {location}, not the new environment")
        if version not in wheel.name:
            sys.exit(f"FAILED: the installed version {version} is not the wheel's ({wheel.name})")
        print(f"  imported {len(modules)} public modules: {' '.join(modules)}")
        if "--version" in run([command, "--help"], cwd=work, env=env):
            shown = run([command, "--version"], cwd=work, env=env)
            if version not in shown:
                sys.exit(f"FAILED: `pmanalytics --version` printed {shown!r}, not {version}")
        run([command, "demo", work / "corpus", "--incidents", "30", "--seed", "1"], work, env)
        run([command, "validate", work / "corpus"], cwd=work, env=env)
        report = work / "report.html"
        run(
            [command, "report", work / "corpus", "--html", report, "--as-of", "2026-10-31"],
            work,
            env,
        )
        if report.stat().st_size < 10_000 or b"plotly" not in report.read_bytes():
            sys.exit(f"FAILED: {report.name} does not look like the dashboard")
    print(f"the package installs and runs ({time.monotonic() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
