"""Markdown as a flat list of headings and blocks, with list trees and table cells.

markdown-it-py does the parsing (CommonMark plus GFM tables and strikethrough);
this module only arranges its tokens into the shapes the importer walks:
headings, paragraphs, lists (as trees of items with their raw text), tables (as
rows of cell texts) and other blocks kept as raw text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token

from ..._files import list_item_lines

_MARKDOWN = MarkdownIt("commonmark").enable(["table", "strikethrough"]).disable("inline")
_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


@dataclass
class Heading:
    """A heading at the top level of the document (any level, ATX or setext)."""

    level: int
    text: str
    line: int  # 0-based line in the body


@dataclass
class ListItem:
    """One list item: its own text (without sub-lists) and its sub-items."""

    text: str
    line: int
    children: list[ListItem] = field(default_factory=list)

    def text_with_children(self) -> str:
        """The item's text with its sub-items below it as nested bullets."""
        lines = [self.text]
        for child in self.children:
            first, *rest = child.text_with_children().split("\n")
            lines.append("- " + first)
            lines.extend("  " + line if line else "" for line in rest)
        return "\n".join(lines).strip()


@dataclass
class Block:
    """A top-level block: ``paragraph``, ``list``, ``table`` or ``raw`` (code, quote, html...)."""

    kind: str
    start: int
    end: int
    text: str
    items: list[ListItem] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    row_lines: list[int] = field(default_factory=list)
    ragged: list[int] = field(default_factory=list)  # lines whose cell count differs


Node = Heading | Block


def parse_blocks(body: str) -> list[Node]:
    """The document's top-level headings and blocks, in order.

    Examples
    --------
    >>> nodes = parse_blocks("# Title\\n\\n- a\\n  - b\\n\\n| T | E |\\n|---|---|\\n| 1 | x |\\n")
    >>> [type(n).__name__ for n in nodes]
    ['Heading', 'Block', 'Block']
    >>> nodes[1].items[0].text, nodes[1].items[0].children[0].text
    ('a', 'b')
    >>> nodes[2].header, nodes[2].rows
    (['T', 'E'], [['1', 'x']])
    """
    lines = body.split("\n")
    tokens = _MARKDOWN.parse(body)
    nodes: list[Node] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        close = _closing_index(tokens, index)
        if token.level == 0 and token.map is not None:
            start, end = token.map
            raw = "\n".join(lines[start:end]).strip("\n")
            if token.type == "heading_open":
                nodes.append(Heading(int(token.tag[1]), tokens[index + 1].content.strip(), start))
            elif token.type in ("bullet_list_open", "ordered_list_open"):
                items = _list_items(tokens[index + 1 : close], lines)
                nodes.append(Block("list", start, end, raw, items=items))
            elif token.type == "table_open":
                nodes.append(_table(tokens[index:close], lines, start, end, raw))
            elif token.type == "paragraph_open":
                nodes.append(Block("paragraph", start, end, raw))
            else:
                nodes.append(Block("raw", start, end, raw))
        index = close + 1
    return nodes


def _closing_index(tokens: list[Token], index: int) -> int:
    if tokens[index].nesting != 1:
        return index
    depth = 0
    for position in range(index, len(tokens)):
        depth += tokens[position].nesting
        if depth == 0:
            return position
    return len(tokens) - 1


def _list_items(tokens: list[Token], lines: list[str]) -> list[ListItem]:
    """Items of one list (tokens between its open and close), nested lists as children."""
    items: list[ListItem] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type == "list_item_open" and token.map is not None:
            close = _closing_index(tokens, index)
            inner = tokens[index + 1 : close]
            start, end = token.map
            own_end = end
            children: list[ListItem] = []
            position = 0
            while position < len(inner):
                child = inner[position]
                child_close = _closing_index(inner, position)
                if (
                    child.type in ("bullet_list_open", "ordered_list_open")
                    and child.map is not None
                    and child.level == token.level + 1
                ):
                    own_end = min(own_end, child.map[0])
                    children.extend(_list_items(inner[position + 1 : child_close], lines))
                position = child_close + 1
            items.append(ListItem(_item_text(lines[start:own_end]), start, children))
            index = close + 1
        else:
            index += 1
    return items


def _item_text(lines: list[str]) -> str:
    return "\n".join(list_item_lines(lines)).strip()


def _table(tokens: list[Token], lines: list[str], start: int, end: int, raw: str) -> Block:
    header: list[str] = []
    rows: list[list[str]] = []
    row_lines: list[int] = []
    current: list[str] | None = None
    in_head = False
    for index, token in enumerate(tokens):
        if token.type == "thead_open":
            in_head = True
        elif token.type == "thead_close":
            in_head = False
        elif token.type == "tr_open":
            current = []
            if not in_head and token.map is not None:
                row_lines.append(token.map[0])
        elif token.type in ("th_open", "td_open") and current is not None:
            inline = tokens[index + 1]
            current.append(inline.content.strip() if inline.type == "inline" else "")
        elif token.type == "tr_close" and current is not None:
            if in_head:
                header = current
            else:
                rows.append(current)
            current = None
    ragged = [
        line
        for line in row_lines
        if _cell_count(lines[line]) != len(header) and lines[line].strip()
    ]
    return Block(
        "table", start, end, raw, header=header, rows=rows, row_lines=row_lines, ragged=ragged
    )


def _cell_count(line: str) -> int:
    cells = _UNESCAPED_PIPE.split(line.strip())
    if cells and cells[0] == "":
        cells = cells[1:]
    if cells and cells[-1].strip() == "":
        cells = cells[:-1]
    return len(cells)


def raw_cells(line: str) -> list[str]:
    """The cells of a table row as written, for rows with more cells than the header."""
    cells = [cell.strip() for cell in _UNESCAPED_PIPE.split(line.strip())]
    if cells and cells[0] == "":
        cells = cells[1:]
    if cells and cells[-1] == "":
        cells = cells[:-1]
    return cells
