"""Build-time parts of the documentation site (MkDocs hooks, named in mkdocs.yml).

- Pages may hold a marker such as ``<!-- generated: corpus-schema -->``; it is replaced by
  the table rendered from the definition in the code, so the site cannot drift from it.
- The notebooks in ``notebooks/`` and the repository's ``CHANGELOG.md`` are added to the site
  from where they live (mkdocs-jupyter executes the notebooks during the build).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

from pmanalytics._sections import section_map_markdown

# Where the generated tables come from: the only lines to change if these functions move.
from pmanalytics.corpus.schema import schema_markdown

REPO = Path(__file__).resolve().parents[1]
# The docstrings cross-reference in Sphinx's way (:func:`name`); the site shows the name.
SPHINX_ROLE = re.compile(r":(?:class|func|meth|data|attr|mod|exc|obj):<code>~?([^<]*)</code>")
PLOTLY_RENDERER = "plotly_mimetype+notebook"

GENERATED: dict[str, Callable[[], str]] = {
    "<!-- generated: corpus-schema -->": schema_markdown,
    "<!-- generated: heading-table -->": section_map_markdown,
}


def on_config(config: Any) -> Any:
    # Figures in the executed notebooks carry plotly.js along, so the pages work offline;
    # the kernels that mkdocs-jupyter starts inherit this.
    os.environ["PLOTLY_RENDERER"] = PLOTLY_RENDERER
    # mkdocs-jupyter caches executed notebooks by their own text only: keep its cache in a
    # folder named after everything else their outputs depend on, and drop older folders.
    jupyter = config["plugins"]["mkdocs-jupyter"].config
    base = Path(jupyter["cache_dir"])
    if not base.is_absolute():
        base = REPO / base
    current = base / _inputs_digest()
    if base.is_dir():
        for old in base.iterdir():
            if old != current:
                shutil.rmtree(old) if old.is_dir() else old.unlink()
    jupyter["cache_dir"] = str(current)
    return config


def _inputs_digest() -> str:
    """A digest of the code, the data and this file: what the notebooks' outputs depend on."""
    digest = hashlib.sha256(PLOTLY_RENDERER.encode())
    for folder in ("pmanalytics", "data"):
        for path in sorted((REPO / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(REPO)).encode())
                digest.update(path.read_bytes())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()[:16]


@event_priority(100)  # before mkdocs-jupyter looks for notebooks among the files
def on_files(files: Files, config: Any) -> Files:
    for path in sorted((REPO / "notebooks").glob("*.ipynb")):
        # A plain File rooted at the repository (mkdocs-jupyter reads it from src_dir/src_uri).
        files.append(
            File(
                f"notebooks/{path.name}",
                src_dir=str(REPO),
                dest_dir=config["site_dir"],
                use_directory_urls=config["use_directory_urls"],
            )
        )
    files.append(File.generated(config, "changelog.md", abs_src_path=str(REPO / "CHANGELOG.md")))
    return files


def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    for marker, render in GENERATED.items():
        if marker in markdown:
            markdown = markdown.replace(marker, render())
    if "<!-- generated:" in markdown:
        raise ValueError(f"{page.file.src_uri}: a generated-table marker names no known table")
    return markdown


WIDGET_NOTE = (
    '<div class="admonition note"><p class="admonition-title">Interactive widgets</p>'
    "<p>The apps in this notebook are ipywidgets: they need a running kernel, so they show in "
    "JupyterLab (<code>make lab</code>) or under Voila (<code>make dashboard</code>), not on "
    "this page. The guides show screenshots of them.</p></div>"
)


def on_page_content(html: str, page: Any, config: Any, files: Files) -> str:
    html = SPHINX_ROLE.sub(lambda m: f"<code>{_shown(m.group(0), m.group(1))}</code>", html)
    if (
        page.file.src_uri.endswith(".ipynb")
        and '<script type="application/vnd.jupyter.widget-view+json">' in html
    ):
        html = WIDGET_NOTE + html
    return html


def _shown(role: str, target: str) -> str:
    """Sphinx's ``~`` shows only the last part of a dotted name."""
    return target.rsplit(".", 1)[-1] if "<code>~" in role else target
