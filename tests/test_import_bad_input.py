"""Bad input never crashes or hangs a load: each bad file is one clear row, the rest load."""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
import pytest

import pmanalytics as pm

GOOD = "# Fine\n\n## Summary\n\nAll good.\n\n## Lessons learned\n\n- one\n"


def _load(tmp_path: Path, name: str, content: bytes, **options):
    folder = tmp_path / "in"
    folder.mkdir(exist_ok=True)
    (folder / "good.md").write_text(GOOD, encoding="utf-8")
    (folder / name).write_bytes(content)
    corpus = pm.load(folder, cache=False, **options)
    assert corpus.incidents["incident_id"].tolist().count("good") == 1  # the rest still loads
    return corpus


def _only_error(corpus: pm.Corpus, name: str) -> tuple[int | None, str]:
    assert len(corpus.errors) == 1, corpus.errors.to_string()
    row = corpus.errors.iloc[0]
    assert Path(row["path"]).name == name
    line = None if pd.isna(row["line"]) else int(row["line"])
    return line, row["message"]


@pytest.mark.parametrize(
    ("content", "line", "reason"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", None, "looks like a binary file"),
        ("# Café\n\n## Summary\n\ncafé crème\n".encode("latin-1"), 1, "is not UTF-8 text"),
        (b"", None, "file is empty"),
        (b"   \n\n", None, "file is empty"),
        (b"---\ntitle: never closed\n\n## Summary\n\nx\n", 1, "never closed"),
        (
            b"---\ntitle: !!python/object/apply:os.system ['touch /tmp/pwned']\n---\n",
            2,
            "front matter is not valid YAML",
        ),
        (b"---\n- a\n- list\n---\n", 2, "front matter must be a mapping"),
        (b"just some words\n", 1, "not a post-mortem"),
    ],
    ids=[
        "binary",
        "latin-1",
        "empty",
        "blank",
        "unterminated",
        "python-yaml",
        "list-yaml",
        "prose",
    ],
)
def test_each_bad_file_is_one_clear_error_row(tmp_path, content, line, reason):
    corpus = _load(tmp_path, "bad.md", content)
    got_line, message = _only_error(corpus, "bad.md")
    assert reason in message
    assert got_line == line
    assert not Path("/tmp/pwned").exists()


def test_utf16_with_a_bom_is_decoded(tmp_path):
    corpus = _load(tmp_path, "wide.md", "# Wide\n\n## Summary\n\nnaïve ☃\n".encode("utf-16"))
    assert corpus.errors.empty
    assert "naïve ☃" in corpus.incidents.set_index("incident_id").loc["wide", "summary"]


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.md").write_text(GOOD, encoding="utf-8")
    huge = folder / "huge.md"
    limit = 50 * 1024 * 1024
    with huge.open("wb") as handle:  # sparse: over 50 MB without writing it
        handle.truncate(limit + 1)
    started = time.perf_counter()
    corpus = pm.load(folder, cache=False)
    assert time.perf_counter() - started < 30
    _, message = _only_error(corpus, "huge.md")
    assert message.startswith("file is 50.0 MB (52,428,801 bytes), more than the limit of 50.0 MB")
    assert "pass a larger max_bytes" in message
    small = pm.load(folder, cache=False, max_bytes=10)
    assert len(small.errors) == 2
    assert "more than the limit of 10 bytes" in small.errors["message"].iloc[0]
    with pytest.raises(ValueError, match="'max_bytes' must be an int >= 1, got 0"):
        pm.load(folder, max_bytes=0)


def test_ragged_tables_and_unparseable_dates_load_with_warnings(tmp_path):
    text = (
        "# Ragged\n\n## Timeline\n\n| Time | Event |\n|---|---|\n"
        "| 2024-01-01 10:00 | start | surplus cell |\n"
        "| 2024-01-01 10:05 |\n"
        "| someday soon | what time was it? |\n"
        "| 2024-01-01 10:30 | resolved |\n"
    )
    corpus = _load(tmp_path, "ragged.md", text.encode())
    assert corpus.errors.empty
    events = corpus.timeline[corpus.timeline["incident_id"] == "ragged"]
    assert events["text"].tolist() == ["start", "resolved"]
    warnings = corpus.warnings[["line", "message"]].values.tolist()
    assert warnings == [
        [7, "table row has 3 cells, its header 2"],
        [8, "table row has 1 cells, its header 2"],
        [9, "timeline row without a date or time: 'someday soon'"],
    ]
    p = corpus.get("ragged")
    assert p.timeline[0].extra["extra_cells"] == ["surplus cell"]  # nothing dropped
    assert p.extra["timeline_unparsed"] == ["someday soon | what time was it?"]


def test_a_pathological_document_does_not_hang(tmp_path):
    nasty = ("- " * 2000 + "x\n") + ("|" * 5000 + "\n") + ("[" * 10000) + ("*" * 10000) + "\n"
    text = "# Nasty\n\n## Lessons learned\n\n" + nasty
    started = time.perf_counter()
    corpus = _load(tmp_path, "nasty.md", text.encode())
    assert time.perf_counter() - started < 30
    assert corpus.errors.empty
