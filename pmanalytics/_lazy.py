"""Names a package exports but imports on first use (PEP 562), so the command line starts fast.

``pmanalytics --help`` should not wait for pandas, pydantic or markdown-it; a package's
``__init__`` lists its public names here instead of importing them, and keeps the real
imports under ``if TYPE_CHECKING:`` for type checkers and readers.
"""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Callable, Iterable, Mapping
from typing import Any

__all__ = ["exports"]


def exports(
    package: str, where: Mapping[str, Iterable[str]], eager: Iterable[str] = ()
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """A package's ``__getattr__`` and ``__dir__`` for names imported on first use.

    Parameters
    ----------
    package
        The package's ``__name__``.
    where
        Relative module (``"._corpus"``) -> the names it provides; ``"read_postmortem as
        read"`` exports the module's ``read_postmortem`` as ``read``.
    eager
        The package's other public names (already imported), for ``dir()``.

    Returns
    -------
    tuple
        ``(__getattr__, __dir__)``. ``__getattr__`` also imports a public subpackage
        (``pmanalytics.metrics``) on attribute access, as an eager ``__init__`` would
        have done for the ones it imported.

    Examples
    --------
    >>> import json
    >>> getattr_, dir_ = exports("json", {".decoder": ["JSONDecodeError", "JSONDecoder as Dec"]})
    >>> getattr_("JSONDecodeError").__name__, getattr_("Dec").__name__, json.Dec.__name__
    ('JSONDecodeError', 'JSONDecoder', 'JSONDecoder')
    >>> getattr_("nothing_here")
    Traceback (most recent call last):
    ...
    AttributeError: module 'json' has no attribute 'nothing_here'
    >>> del json.Dec
    """
    home: dict[str, tuple[str, str]] = {}  # exported name -> (module, its name there)
    for module, names in where.items():
        for entry in names:
            source, _, name = entry.partition(" as ")
            home[name or source] = (module, source)
    listed = sorted(set(home) | set(eager))
    module_globals = sys.modules[package].__dict__
    clashes = {name for name, (module, _) in home.items() if name == module.rpartition(".")[2]}
    if clashes:  # e.g. `from .sync import sync`: importing the submodule must not hide `sync`
        sys.modules[package].__class__ = _keep_names(clashes)

    def __getattr__(name: str) -> Any:
        if name in home:
            module, source = home[name]
            value = getattr(importlib.import_module(module, package), source)
            module_globals[name] = value  # the next access is an ordinary attribute
            return value
        if not name.startswith("_"):
            try:
                return importlib.import_module(f".{name}", package)
            except ModuleNotFoundError as exc:
                if exc.name != f"{package}.{name}":
                    raise  # a missing dependency of a module that exists
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted(set(module_globals) | set(listed))

    return __getattr__, __dir__


def _keep_names(names: set[str]) -> type[types.ModuleType]:
    """A module class on which importing submodule ``x`` does not replace the exported ``x``."""

    class Package(types.ModuleType):
        def __setattr__(self, name: str, value: Any) -> None:
            if name in names and isinstance(value, types.ModuleType):
                return  # the exported name stays (or is imported on first use)
            super().__setattr__(name, value)

    return Package
