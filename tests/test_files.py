"""Canonical files: readable by people, hand-editable, safe, atomic."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import pmanalytics as pm
from pmanalytics import IngestError, Item, PostMortem

HAND_WRITTEN = """\
---
title: Checkout latency after deploy
started_at: 2024-05-01 14:02
services: checkout-api
custom_field: keep me
---

# Checkout latency after deploy

Some context a person wrote before the first section.

## What happened

A deploy doubled query load.

It lasted an hour.

## What went well

- Rollback took 4 minutes.
- Dashboards showed the spike
  straight away.

## Lessons Learned

- Load tests skip the checkout path.

### What went wrong

- The canary was too small.

## Contributing factors

A paragraph, not a list.

## What is an ongoing problem

1. Alert thresholds are static.
"""


def _read_canonical(path: Path) -> PostMortem:
    """The canonical reader alone (``pm.read`` sends files it does not own to the importer)."""
    return pm.loads(path.read_text(encoding="utf-8"), path=path)


def test_a_hand_written_file_reads_with_derived_ids_and_nothing_lost(tmp_path):
    path = tmp_path / "checkout-latency.md"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    p = _read_canonical(path)
    assert p.id == "checkout-latency"  # from the file name
    assert p.services == ("checkout-api",)
    assert p.summary == "A deploy doubled query load.\n\nIt lasted an hour."
    assert p.extra["custom_field"] == "keep me"
    assert p.extra["body_preamble"] == "Some context a person wrote before the first section."
    got = [(i.section, i.heading, i.text) for i in p.items]
    assert got == [
        ("went_well", None, "Rollback took 4 minutes."),
        ("went_well", None, "Dashboards showed the spike\nstraight away."),
        ("lessons_learned", None, "Load tests skip the checkout path."),
        ("lessons_learned", "What went wrong", "The canary was too small."),
        ("ongoing_problem", None, "Alert thresholds are static."),
        ("other", "Contributing factors", "A paragraph, not a list."),
    ]
    assert len({i.id for i in p.items}) == 6
    assert _read_canonical(path) == p  # derived ids are stable
    # Writing it back and reading again keeps everything.
    assert pm.read(pm.write(p, tmp_path / "out")) == p


def test_derived_item_ids_do_not_change_when_other_items_are_added(tmp_path):
    path = tmp_path / "a.md"
    path.write_text("---\ntitle: t\n---\n\n## What went well\n\n- one\n- two\n", encoding="utf-8")
    before = {i.text: i.id for i in pm.read(path).items}
    path.write_text(
        "---\ntitle: t\n---\n\n## What went well\n\n- zero\n- one\n- two\n", encoding="utf-8"
    )
    after = {i.text: i.id for i in pm.read(path).items}
    assert after["one"] == before["one"] and after["two"] == before["two"]


def test_the_written_file_is_readable_markdown(tmp_path):
    p = PostMortem(
        id="api-outage",
        title="API outage",
        summary="The API was down.",
        items=[Item(id="i1", section="went_well", text="Paging worked", author="ana", votes=2)],
    )
    text = pm.write(p, tmp_path).read_text(encoding="utf-8")
    assert text.startswith("---\nid: api-outage\ntitle: API outage\n")
    for heading in (
        "What happened",
        "Impact",
        "What went well",
        "Lessons learned",
        "Future considerations",
        "What is an ongoing problem",
    ):
        assert f"\n## {heading}\n" in text
    assert '\n- Paging worked <!-- {"id": "i1", "author": "ana", "votes": 2} -->\n' in text
    assert "\nitems:" not in text  # items live in the body, not the front matter


def test_text_the_body_cannot_carry_goes_to_the_front_matter(tmp_path):
    p = PostMortem(id="a", title="t", summary="Intro\n\n## Not a section\n\nmore")
    text = pm.dumps(p)
    assert "summary: |-" in text
    assert pm.loads(text) == p


def test_yaml_is_loaded_safely(tmp_path):
    path = tmp_path / "evil.md"
    path.write_text(
        "---\ntitle: !!python/object/apply:os.system ['echo pwned']\n---\n", encoding="utf-8"
    )
    with pytest.raises(IngestError, match=r"evil\.md:2: front matter is not valid YAML"):
        pm.read(path)


@pytest.mark.parametrize(
    ("text", "where", "reason"),
    [
        ("no front matter\n", ":1:", "does not start with '---' front matter"),
        ("---\ntitle: t\n", ":1:", "never closed"),
        ("---\n- a list\n---\n", ":2:", "front matter must be a mapping"),
        ("---\ntitle: t\nstatus: nope\n---\n", ":3:", "status: Input should be"),
        (
            "---\ntitle: t\nstarted_at: 2024-01-01T10:00Z\nresolved_at: 2024-01-01T09:00Z\n---\n",
            ":4:",
            "resolved_at 2024-01-01 09:00Z is before started_at 2024-01-01 10:00Z",
        ),
        (
            "---\ntitle: t\nsummary: x\n---\n\n## What happened\n\ny\n",
            ":3:",
            "summary is given twice",
        ),
        (
            '---\ntitle: t\n---\n\n## What went well\n\n- ok\n- x\n  <!-- {"votes": -2} -->\n',
            ":8:",
            "votes",
        ),
        ("---\ntitle: t\n---\n", ":", "id: must be a filename-safe slug"),
    ],
)
def test_read_errors_name_the_file_line_and_reason(tmp_path, text, where, reason):
    path = tmp_path / ("bad name!.md" if "slug" in reason else "bad.md")
    path.write_text(text, encoding="utf-8")
    if "slug" in reason:
        # The id is derived from the file name when absent, so a bad name still loads.
        assert pm.read(path).id == "bad-name"
        return
    with pytest.raises(IngestError) as caught:
        _read_canonical(path)
    message = str(caught.value)
    assert message.startswith(str(path) + where), message
    assert reason in message


def test_not_utf8_is_an_ingest_error(tmp_path):
    path = tmp_path / "latin1.md"
    path.write_bytes("---\ntitle: caf\xe9\n---\n".encode("latin-1"))
    with pytest.raises(IngestError, match="not UTF-8"):
        pm.read(path)


def test_write_is_atomic_and_leaves_no_temporary_file_on_failure(tmp_path, monkeypatch):
    first = PostMortem(id="a", title="first")
    path = pm.write(first, tmp_path)

    def broken_replace(src, dst):
        raise OSError("disk gone")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk gone"):
        pm.write(PostMortem(id="a", title="second"), tmp_path)
    monkeypatch.undo()
    assert pm.read(path).title == "first"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.md"]


def test_write_rejects_a_file_name_for_the_folder(tmp_path):
    with pytest.raises(ValueError, match="'folder' must be a folder"):
        pm.write(PostMortem(id="a", title="t"), tmp_path / "a.md")


def test_dumps_rejects_other_objects():
    with pytest.raises(TypeError, match="'pm' must be a PostMortem, got dict"):
        pm.dumps({"id": "a"})  # type: ignore[arg-type]


def test_crlf_and_bom_files_read(tmp_path):
    path = Path(tmp_path / "win.md")
    path.write_bytes(
        "\ufeff---\r\ntitle: t\r\n---\r\n\r\n## What went well\r\n\r\n- ok\r\n".encode()
    )
    assert [i.text for i in pm.read(path).items] == ["ok"]


def test_a_second_h1_before_the_sections_is_kept(tmp_path):
    path = tmp_path / "two.md"
    path.write_text(
        "---\ntitle: T\n---\n\n# First\n\nintro\n\n# Second\n\nmore\n\n## What went well\n\n- ok\n",
        encoding="utf-8",
    )
    p = pm.read(path)
    assert p.extra["body_preamble"] == "# First\n\nintro\n\n# Second\n\nmore"
    assert pm.read(pm.write(p, tmp_path / "out")) == p


def test_the_canonical_headings_cover_exactly_the_template_sections():
    from pmanalytics._model import TEMPLATE_SECTIONS
    from pmanalytics._sections import CANONICAL_HEADINGS, IMPACT, SUMMARY, body_part

    assert list(CANONICAL_HEADINGS) == [SUMMARY, IMPACT, *TEMPLATE_SECTIONS]
    assert all(body_part(heading) == part for part, heading in CANONICAL_HEADINGS.items())
