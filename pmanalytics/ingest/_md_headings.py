"""The heading table lives in :mod:`pmanalytics._sections`; re-exported for the importer."""

from .._sections import (
    PART_KINDS,
    SECTION_MAP,
    Part,
    build_section_map,
    match_heading,
    section_map_markdown,
)

__all__ = [
    "PART_KINDS",
    "SECTION_MAP",
    "Part",
    "build_section_map",
    "match_heading",
    "section_map_markdown",
]
