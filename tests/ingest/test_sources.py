"""One entry point for structured exports: format detection, dispatch, and bad input."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest

from pmanalytics.ingest import _textio, exports
from pmanalytics.ingest.exports import read_records_source, sniff_format

EXPORTS = Path(__file__).resolve().parents[1] / "fixtures" / "exports"
RETRO = EXPORTS / "ParabolRetrospective_Payments Team_2024-5-14.csv"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (RETRO.name, "parabol"),
        ("jira_followups.csv", "jira"),
        ("incidentio_export.json", "incidentio"),
        ("incidentio_follow_ups.json", "incidentio"),
        ("pagerduty_incidents.json", "pagerduty"),
    ],
)
def test_sniff_format_tells_each_export(name, expected):
    assert sniff_format(EXPORTS / name) == expected


def test_read_records_source_dispatches_to_the_preset():
    retro = read_records_source(RETRO)
    assert retro.postmortems[0].id == "parabolretrospective_payments-team_2024-5-14"
    tickets = read_records_source(EXPORTS / "jira_followups.csv", base_url="https://j.example")
    assert tickets.followups["pm2024-003"][0].link == "https://j.example/browse/OPS-101"
    incidents = read_records_source(str(EXPORTS / "pagerduty_incidents.json"))
    assert [pm.id for pm in incidents.postmortems] == ["pd-1234", "pd-1235", "pd-1236"]


def test_a_format_can_be_forced_and_must_be_known():
    forced = read_records_source(EXPORTS / "jira_followups.csv", format="parabol")
    assert forced.errors[0].message.startswith("is not a Parabol retrospective export")
    with pytest.raises(ValueError, match=r"'format' must be one of parabol, .*, None, got 'x'"):
        read_records_source(RETRO, format="x")


def test_an_unrecognised_csv_names_the_file_and_the_formats_read(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text("when,what\n2024-05-11,disk full\n")
    (error,) = read_records_source(path).errors
    assert (error.source, error.line) == (str(path), None)
    assert error.message.startswith(
        "is not an export of a known format (found CSV columns: when, what); "
        "the formats read are: Parabol retrospective CSV ('parabol'), Jira CSV"
    )
    assert "PagerDuty incidents JSON ('pagerduty')" in error.message
    assert sniff_format(path) is None


def test_an_unrecognised_json_is_an_error_row(tmp_path):
    path = tmp_path / "alerts.json"
    path.write_text(json.dumps({"alerts": [{"id": 1}]}))
    (error,) = read_records_source(path).errors
    assert "found a JSON object with keys: alerts" in error.message


def test_invalid_json_is_an_error_row_with_the_line_of_the_mistake(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{\n  "incidents": [\n    {"id": "P1",\n  ]\n}\n')
    (error,) = read_records_source(path).errors
    assert (error.source, error.line) == (str(path), 4)
    assert error.message.startswith("invalid JSON: ")


def test_a_binary_file_is_refused(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)))
    (error,) = read_records_source(path).errors
    assert error.message == ("looks like a binary file, not text (NUL byte at offset 5)")


def test_latin_1_text_is_refused_clearly_unless_the_encoding_is_given(tmp_path):
    path = tmp_path / "jira.csv"
    text = "Summary,Issue key,Assignee,Labels\nCafé alert,OPS-1,José,postmortem-pm-1\n"
    path.write_bytes(text.encode("latin-1"))
    (error,) = read_records_source(path).errors
    assert error.message.startswith("is not UTF-8 text (byte 0xe9 at offset 37)")
    assert "encoding='latin-1'" in error.message
    read = read_records_source(path, encoding="latin-1")
    (action,) = read.followups["pm-1"]
    assert (action.title, action.owner) == ("Café alert", "José")


def test_utf16_with_a_byte_order_mark_is_decoded(tmp_path):
    path = tmp_path / "jira.csv"
    shutil.copy(EXPORTS / "jira_followups.csv", path)
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))  # writes a BOM
    assert path.read_bytes()[:2] in (b"\xff\xfe", b"\xfe\xff")
    assert sniff_format(path) == "jira"
    assert (
        read_records_source(path).followups
        == read_records_source(EXPORTS / "jira_followups.csv").followups
    )


def test_empty_and_blank_files_are_error_rows(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    blank = tmp_path / "blank.json"
    blank.write_text("\n \n")
    assert read_records_source(empty).errors[0].message == "file is empty"
    assert read_records_source(blank).errors[0].message == "file is empty"


def test_missing_files_and_folders_are_error_rows(tmp_path):
    assert read_records_source(tmp_path / "nope.csv").errors[0].message == "no such file"
    assert read_records_source(tmp_path).errors[0].message == "is a folder, not a file"


def test_ragged_rows_are_error_rows_naming_the_csv_line_and_the_rest_import(tmp_path):
    path = tmp_path / "jira.csv"
    path.write_text(
        "Summary,Issue key,Labels\n"
        "First,OPS-1,postmortem-pm-1\n"
        "Too short,OPS-2\n"
        '"Multi\nline",OPS-3,postmortem-pm-1\n'
        "Too,long,OPS-4,postmortem-pm-1\n"
        "Trailing comma is fine,OPS-5,postmortem-pm-1,\n"
    )
    result = read_records_source(path)
    assert [a.id for a in result.followups["pm-1"]] == ["ops-1", "ops-3", "ops-5"]
    assert [(e.line, e.message) for e in result.errors] == [
        (3, "the row has 2 fields, the header has 3; the row was left out"),
        (6, "the row has 4 fields, the header has 3; the row was left out"),
    ]


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    path = tmp_path / "huge.json"
    with path.open("wb") as handle:  # a sparse file: large, yet nothing is written
        handle.truncate(_textio.DEFAULT_MAX_BYTES + 1)

    def no_reading(*args, **kwargs):
        raise AssertionError("the file was opened")

    monkeypatch.setattr(_textio, "open", no_reading, raising=False)
    (error,) = read_records_source(path).errors
    assert error.message == (
        "file is 50.0 MB (52,428,801 bytes), more than the limit of 50.0 MB (52,428,800 bytes) "
        "('max_bytes'); it was not read: split the export or pass a larger max_bytes"
    )
    assert sniff_format(path) is None


def test_the_size_limit_is_configurable():
    small = read_records_source(io.BytesIO(b"Summary,Issue key\nA,B\n"), max_bytes=10)
    assert small.errors[0].message.startswith(
        "file is larger than the limit of 10 bytes ('max_bytes'); it was not read"
    )
    with pytest.raises(ValueError, match="'max_bytes' must be an int >= 1, got 0"):
        read_records_source(RETRO, max_bytes=0)


def test_formats_lists_what_each_key_reads():
    assert list(exports.FORMATS) == ["parabol", "jira", "incidentio", "pagerduty"]


def test_a_cell_longer_than_the_csv_modules_default_limit_is_read(tmp_path):
    path = tmp_path / "jira.csv"
    description = "stack trace line\n" * 10_000  # 170,000 characters in one quoted cell
    path.write_text(
        f'Summary,Issue key,Labels,Description\nA,OPS-1,postmortem-pm-1,"{description}"\n'
        "B,OPS-2,postmortem-pm-1,\n"
    )
    result = read_records_source(path)
    assert result.errors == ()
    first, second = result.followups["pm-1"]
    assert first.extra["Description"] == description
    assert second.id == "ops-2"
