"""The one HTML helper module and the one Markdown escaper, fed hostile text.

The Markdown escaper is checked against a real CommonMark renderer (markdown-it, with
tables and strikethrough on): whatever the user typed must come back as the same text,
with no element of its own.
"""

from __future__ import annotations

import html as stdlib_html
from datetime import date, timedelta

import pandas as pd
import pytest
from hypothesis import given, strategies as st
from markdown_it import MarkdownIt

from pmanalytics import PMError
from pmanalytics._html import (
    Markup,
    escape,
    format_duration,
    html_paragraphs,
    html_table,
    visible_text,
)
from pmanalytics._markdown import escape_md

MD = MarkdownIt("commonmark").enable(["table", "strikethrough"])

HOSTILE = [
    "<script>alert(1)</script>",
    "\"quoted\" and 'single' & <img src=x onerror=alert(1)>",
    "```\nfenced\n```",
    "`code` and ``more``",
    "a | b || c",
    "# heading",
    "## heading",
    "- bullet",
    "+ bullet",
    "* bullet",
    "> quote",
    "1. ordered",
    "2) ordered",
    "---",
    "===",
    "[link](http://example.com) ![img](x.png) <http://example.com>",
    "*em* _em_ **strong** __strong__ ~~gone~~ $x^2$",
    "back\\slash\\",
    "&amp; &lt; &#60; &copy;",
]


def rendered_text(markdown: str) -> str:
    """The text markdown-it shows for a paragraph, or fail if it made any other element."""
    out = MD.render(markdown)
    assert out.startswith("<p>") and out.endswith("</p>\n"), out
    inner = out[3:-5]
    assert "<" not in inner, out  # no element inside the paragraph
    return stdlib_html.unescape(inner)


def rendered_cell(cell: str) -> str:
    out = MD.render(f"| head |\n| --- |\n| {cell} |")
    body = out.split("<tbody>\n<tr>\n<td>", 1)[1]
    text, rest = body.split("</td>\n", 1)
    assert rest == "</tr>\n</tbody>\n</table>\n", out  # one cell, one row: no extra column
    assert "<" not in text, out
    return stdlib_html.unescape(text)


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_renders_as_itself_in_a_paragraph_and_a_table_cell(text):
    assert rendered_text(escape_md(text, one_line=True)) == " ".join(text.split())
    assert rendered_cell(escape_md(text, one_line=True)) == " ".join(text.split())


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_keeps_its_lines_in_a_paragraph(text):
    markdown = escape_md(text)
    assert rendered_text(markdown).splitlines() == [line.strip() for line in text.splitlines()]


def test_every_line_of_a_block_is_escaped_not_only_the_first():
    text = "fine\n- bullet\n# heading\n> quote\n12. item\n===\n```"
    out = MD.render(escape_md(text))
    assert out.count("<p>") == 1 and "<li>" not in out and "<h" not in out
    assert "<blockquote>" not in out and "<pre>" not in out and "<hr" not in out


def test_newlines_in_a_table_cell_are_folded():
    assert escape_md("one\ntwo\r\nthree\tfour  five", one_line=True) == "one two three four five"
    assert rendered_cell(escape_md("a\n| b", one_line=True)) == "a | b"


def test_terminal_escapes_and_bidi_overrides_are_made_visible():
    hostile = "ok\x1b[2J\x1b]0;pwned\x07 \u202eevil\r\x00end"
    for out in (escape_md(hostile), escape_md(hostile, one_line=True), escape(hostile)):
        assert not any(ch in out for ch in "\x1b\x07\x00\r\u202e")
        assert "\ufffd" in out
    assert visible_text("tab\tand\nnewline stay") == "tab\tand\nnewline stay"


def test_escape_md_is_not_the_identity_for_markdown_specials():
    assert escape_md("a*b") == "a\\*b"
    assert escape_md("<b>") == "&lt;b&gt;"
    assert escape_md(42) == "42"


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=60))
def test_any_one_line_text_renders_as_itself(text):
    expected = " ".join(visible_text(text).split())
    if not expected:
        return
    assert rendered_text(escape_md(text, one_line=True)) == expected
    assert rendered_cell(escape_md(text, one_line=True)) == expected


# --------------------------------------------------------------------------- HTML


@pytest.mark.parametrize("text", HOSTILE)
def test_html_escape_leaves_no_markup(text):
    out = escape(text)
    assert "<" not in out and ">" not in out and '"' not in out and "'" not in out
    assert stdlib_html.unescape(out) == text


def test_html_paragraphs_split_on_blank_lines_and_escape_everything():
    text = '<script>x</script>\nstill one\n \t\n\n"two" \x1b[0m\r\n\r\nthree'
    assert html_paragraphs(text) == (
        "<p>&lt;script&gt;x&lt;/script&gt;\nstill one</p>\n"
        "<p>&quot;two&quot; \ufffd[0m</p>\n<p>three</p>"
    )
    assert html_paragraphs(" \n\n ") == ""


def test_markup_passes_through_escape_and_tables():
    assert escape(Markup("<b>x</b>")) == "<b>x</b>"
    table = html_table([(Markup("<i>ok</i>"), "<i>no</i>")], ["a", "b"])
    assert "<td><i>ok</i></td><td>&lt;i&gt;no&lt;/i&gt;</td>" in table


def test_html_table_from_rows_mappings_and_frames():
    columns = ["owner", "due", "days"]
    rows = [("<ana>", date(2024, 1, 2), 3), ("bo", None, float("nan"))]
    mappings = [dict(zip(columns, row, strict=True)) for row in rows]
    frame = pd.DataFrame(mappings).astype({"due": "datetime64[ns]"})
    expected = (
        "<table><thead><tr><th>owner</th><th>due</th><th>days</th></tr></thead><tbody>\n"
        "<tr><td>&lt;ana&gt;</td><td>2024-01-02</td><td>3</td></tr>\n"
        "<tr><td>bo</td><td></td><td></td></tr>\n</tbody></table>"
    )
    assert html_table(rows, columns) == expected
    assert html_table(mappings, columns) == expected
    assert html_table(frame) == expected.replace("<td>3</td>", "<td>3.0</td>")


def test_html_table_shows_pandas_missing_values_empty():
    frame = pd.DataFrame({"owner": pd.array(["ana", None], dtype="string")})
    assert "<tr><td></td></tr>" in html_table(frame)
    assert html_table([(pd.NA, pd.NaT, [1, 2])], ["a", "b", "c"]).count("<td></td>") == 2


def test_html_table_headers_class_and_limit():
    frame = pd.DataFrame({"days_overdue": [5, 4, 3]})
    out = html_table(frame, headers={"days_overdue": "days <overdue>"}, css_class='x"y', limit=2)
    assert out.startswith('<table class="x&quot;y"><thead><tr><th>days &lt;overdue&gt;</th>')
    assert out.count("<tr>") == 3 and out.endswith("<p>… and 1 more.</p>")
    assert html_table(frame, ["days_overdue"], limit=0).count("<tr>") == 1


def test_html_table_argument_checks_name_the_parameter():
    with pytest.raises(PMError, match="'limit' must be an int >= 0, got -1"):
        html_table([], ["a"], limit=-1)
    with pytest.raises(PMError, match="'columns' must be given"):
        html_table([(1,)])


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "unknown"),
        (float("nan"), "unknown"),
        (0, "0 min"),
        (12.4, "12 min"),
        (59.6, "1 h 00 min"),
        (60, "1 h 00 min"),
        (125, "2 h 05 min"),
        (timedelta(minutes=90), "1 h 30 min"),
        (timedelta(days=2, minutes=1), "48 h 01 min"),
        (-5, "-5 min"),
        (timedelta(minutes=-65), "-1 h 05 min"),
    ],
)
def test_format_duration(value, text):
    assert format_duration(value) == text


def test_format_duration_rejects_other_types():
    with pytest.raises(PMError, match="'value' must be a timedelta or a number of minutes"):
        format_duration("12")  # type: ignore[arg-type]
    with pytest.raises(PMError):
        format_duration(True)
