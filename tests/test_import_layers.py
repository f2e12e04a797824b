"""Nothing imports upward: the reading pipelines sit on the core, and ingest sits below corpus."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).parent.parent / "pmanalytics"
CORE = ("_atomic", "_discover", "_errors", "_files", "_html", "_ids", "_markdown", "_model")
CORE += ("_sections", "_validate", "_version", "_yaml", "_lazy", "_new")
FEATURES = {"corpus", "ingest", "metrics", "themes", "session", "widgets", "dashboard", "demo"}
FEATURES |= {"report", "checkin", "cli", "plots", "followup"}


def _imported(path: Path) -> set[str]:
    """The pmanalytics modules ``path`` imports, as dotted names below the package."""
    package = path.relative_to(PACKAGE).parent.parts
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(package[: len(package) - node.level + 1])
                target = [*base, *(node.module or "").split(".")]
                names = [".".join(p for p in target if p)]
                if not node.module:
                    names = [".".join([*base, alias.name]) for alias in node.names]
                found.update(names)
            elif node.module and node.module.startswith("pmanalytics."):
                found.add(node.module.removeprefix("pmanalytics."))
        elif isinstance(node, ast.Import):
            found.update(
                alias.name.removeprefix("pmanalytics.")
                for alias in node.names
                if alias.name.startswith("pmanalytics.")
            )
    return found


def test_the_core_imports_no_feature_package():
    for name in CORE:
        tops = {module.split(".")[0] for module in _imported(PACKAGE / f"{name}.py")}
        assert not tops & FEATURES, (name, tops & FEATURES)


def test_ingest_never_imports_the_corpus():
    for path in (PACKAGE / "ingest").rglob("*.py"):
        tops = {module.split(".")[0] for module in _imported(path)}
        assert "corpus" not in tops, path


def test_the_helper_sees_imports():
    # the check above can fail: the corpus does import ingest, and from the core
    tops = {m.split(".")[0] for p in (PACKAGE / "corpus").rglob("*.py") for m in _imported(p)}
    assert {"ingest", "_discover", "_model"} <= tops


def test_every_public_module_imports_without_fcntl():
    """Windows has no fcntl: every public module must import without it."""
    import subprocess
    import sys

    code = (
        "import sys, pkgutil, importlib; sys.modules['fcntl'] = None\n"
        "import pmanalytics\n"
        "names = [m.name for m in pkgutil.walk_packages(pmanalytics.__path__, 'pmanalytics.')\n"
        "         if not any(part.startswith('_') for part in m.name.split('.'))]\n"
        "for name in names: importlib.import_module(name)\n"
        "print(len(names))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=PACKAGE.parent, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) > 20  # the walk found the packages
