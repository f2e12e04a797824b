"""The documentation site's sources (the build itself is `make docs`, strict, in `make test`)."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import nbformat
import yaml

import pmanalytics

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"

# Beside the repository in our own CI, but not in a user's clone.
OUTSIDE = re.compile(r"\.\./shared\b|shared/(?:reference|corpora)")


def _nav_pages(entries: list[object]) -> set[str]:
    pages: set[str] = set()
    for entry in entries:
        values = entry.values() if isinstance(entry, dict) else [entry]
        for value in values:
            pages |= _nav_pages(value) if isinstance(value, list) else {str(value)}
    return pages


def _texts_people_read() -> dict[str, str]:
    texts = {str(p.relative_to(REPO)): p.read_text(encoding="utf-8") for p in DOCS.rglob("*.md")}
    texts["CHANGELOG.md"] = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    for path in sorted((REPO / "notebooks").glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        texts[str(path.relative_to(REPO))] = "\n".join(cell.source for cell in notebook.cells)
    return texts


def test_nothing_people_read_points_outside_the_repository():
    texts = _texts_people_read()
    assert len(texts) > 10
    offenders = {name: OUTSIDE.findall(text) for name, text in texts.items()}
    assert not {name: found for name, found in offenders.items() if found}


def test_every_page_is_in_the_navigation_and_every_entry_exists():
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    nav = _nav_pages(config["nav"])
    pages = {str(p.relative_to(DOCS)) for p in DOCS.rglob("*.md")}
    assert pages - nav == set(), "pages missing from mkdocs.yml's nav"
    added_by_hooks = {f"notebooks/{p.name}" for p in (REPO / "notebooks").glob("*.ipynb")}
    added_by_hooks.add("changelog.md")
    assert nav - pages - added_by_hooks == set(), "nav entries without a page"
    assert {p for p in nav if p.startswith("notebooks/")} == added_by_hooks - {"changelog.md"}


def test_the_api_reference_covers_the_public_packages():
    documented = {
        line.removeprefix("::: ").strip()
        for page in (DOCS / "api").glob("*.md")
        for line in page.read_text(encoding="utf-8").splitlines()
        if line.startswith("::: ")
    }
    packages = {
        f"pmanalytics.{info.name}"
        for info in pkgutil.iter_modules(pmanalytics.__path__)
        if info.ispkg and not info.name.startswith("_")
    }
    assert {"pmanalytics"} | packages <= documented
    for name in documented:  # and every page documents a module that exists
        importlib.import_module(name)


def test_the_generated_tables_have_a_page_each():
    # docs/hooks.py replaces each marker by the table rendered from its definition in the code
    markers = {
        "<!-- generated: corpus-schema -->": "schema.md",
        "<!-- generated: heading-table -->": "importing.md",
    }
    hooks = (DOCS / "hooks.py").read_text(encoding="utf-8")
    for marker, page in markers.items():
        assert marker in hooks
        holders = [p.name for p in DOCS.rglob("*.md") if marker in p.read_text(encoding="utf-8")]
        assert holders == [page]


def test_the_readme_is_a_short_front_page_whose_links_resolve():
    readme = REPO / "README.md"
    text = readme.read_text(encoding="utf-8")
    assert len(text.encode("utf-8")) < 8 * 1024
    links = re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", text)
    assert links, "the README links into the docs"
    missing = [link for link in links if "://" not in link and not (REPO / link).exists()]
    assert missing == []
    for package in ("corpus", "ingest", "metrics", "themes", "session", "report", "dashboard"):
        assert f"| `{package}` |" in text, f"the architecture table names {package}"
