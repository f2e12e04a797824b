"""Front matter: safe YAML with the limits a post-mortem needs (see ``docs/guarantees.md``).

The safe loader builds no objects, but YAML still allows what a post-mortem must not
have: aliases that expand a few hundred bytes into billions of values, keys given
twice (the last silently wins), dates that do not exist, nesting without end. Each is
refused here with the line, as an :class:`~pmanalytics.IngestError`, before anything
is built.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ._errors import IngestError

try:  # libyaml's C loader; the pure-Python one is a slower fallback
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]

__all__ = ["MAX_FRONT_MATTER_DEPTH", "MAX_FRONT_MATTER_VALUES", "load_front_matter"]

#: The most values front matter may hold, each alias counted as the values it repeats:
#: a "billion laughs" document of a few hundred bytes is refused before it is built.
MAX_FRONT_MATTER_VALUES = 100_000
#: The deepest nesting of lists and mappings front matter may have.
MAX_FRONT_MATTER_DEPTH = 64
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


def load_front_matter(text: str, path: Path) -> dict[str, Any]:
    """Front matter as a dict of str keys (safe YAML); IngestError naming the line.

    Refused, with the line: invalid YAML, a key given twice in one mapping, an
    impossible date (``2024-02-30``), nesting deeper than
    :data:`MAX_FRONT_MATTER_DEPTH`, an alias that refers to itself, and aliases that
    expand to more than :data:`MAX_FRONT_MATTER_VALUES` values.

    Examples
    --------
    >>> load_front_matter("title: A\\ntitle: B", Path("x.md"))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    pmanalytics._errors.IngestError: x.md:3: front matter: the key 'title' is given twice ...
    """
    loader = _SafeLoader(text)
    try:
        try:
            node = loader.get_single_node()
            if node is None:
                return {}
            _check_nodes(node, path, loader)
            data = loader.construct_document(node)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 2 if mark is not None else None
            problem = getattr(exc, "problem", None) or str(exc)
            raise IngestError(path, f"front matter is not valid YAML: {problem}", line) from exc
        except RecursionError:
            raise IngestError(path, "front matter is nested too deeply to read", 2) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise IngestError(
            path, f"front matter must be a mapping of fields, got a {type(data).__name__}", 2
        )
    return {str(key): value for key, value in data.items()}


def _check_nodes(top: yaml.Node, path: Path, loader: Any) -> None:
    """Refuse what YAML allows but a post-mortem must not have (see load_front_matter)."""
    sizes: dict[int, int] = {}  # node -> values it stands for, aliases expanded
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, int, bool]] = [(top, 0, False)]
    while stack:
        node, depth, done = stack.pop()
        key = id(node)
        children: list[yaml.Node] = []
        if isinstance(node, yaml.MappingNode):
            children = [part for pair in node.value for part in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        if done:
            open_nodes.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in children)
            if sizes[key] > MAX_FRONT_MATTER_VALUES:
                raise IngestError(
                    path,
                    f"front matter holds more than {MAX_FRONT_MATTER_VALUES:,} values once its "
                    "YAML aliases are expanded; it was not read",
                    _line(node),
                )
            continue
        if key in sizes:
            continue
        if key in open_nodes:
            raise IngestError(
                path, "front matter refers to itself through a YAML alias", _line(node)
            )
        if depth > MAX_FRONT_MATTER_DEPTH:
            raise IngestError(
                path,
                f"front matter is nested more than {MAX_FRONT_MATTER_DEPTH} levels deep",
                _line(node),
            )
        if isinstance(node, yaml.MappingNode):
            _check_keys(node, path)
        elif isinstance(node, yaml.ScalarNode) and node.tag == _TIMESTAMP_TAG:
            try:
                loader.construct_yaml_timestamp(node)
            except (ValueError, OverflowError) as exc:
                raise IngestError(
                    path,
                    f"front matter: {node.value!r} is not a valid date or time ({exc})",
                    _line(node),
                ) from None
        open_nodes.add(key)
        stack.append((node, depth, True))
        stack.extend((child, depth + 1, False) for child in children)


def _check_keys(node: yaml.MappingNode, path: Path) -> None:
    seen: dict[tuple[str, str], int] = {}
    for key_node, _ in node.value:
        if not isinstance(key_node, yaml.ScalarNode) or key_node.value == "<<":
            continue
        line = _line(key_node)
        name = (key_node.tag, key_node.value)
        if name in seen:
            raise IngestError(
                path,
                f"front matter: the key {key_node.value!r} is given twice "
                f"(lines {seen[name]} and {line})",
                line,
            )
        seen[name] = line


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 2  # the front matter starts on line 2
