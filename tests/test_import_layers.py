"""Nothing imports upward: the reading pipelines sit on the core, and ingest sits below corpus."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).parent.parent / "pmanalytics"
CORE = (
    "_atomic",
    "_discover",
    "_errors",
    "_files",
    "_ids",
    "_model",
    "_sections",
    "_validate",
    "_yaml",
)
FEATURES = {"corpus", "ingest", "metrics", "themes", "session", "widgets", "dashboard", "demo"}
FEATURES |= {"report", "checkin", "cli", "plots"}


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
