"""One regression test (or a few) per defect of issue 16, each failing on the code before it.

Defect 11 (umask) is covered by ``tests/test_atomic.py``; defect 16 (terminal escapes)
belongs to the command line's own tests.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
import tracemalloc
import warnings
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import pmanalytics as pm
from pmanalytics import metrics, report
from pmanalytics._errors import IngestError, ModelError
from pmanalytics.cli import main
from pmanalytics.corpus import _load
from pmanalytics.ingest import import_sources, write_imported
from pmanalytics.report import ReportError
from pmanalytics.session import Session
from pmanalytics.session.errors import JournalError, SessionWarning
from pmanalytics.session.journal import Journal

from ._cases import GOOD, alias_bomb, front


def _folder(tmp_path: Path, **files: str) -> Path:
    folder = tmp_path / "pms"
    folder.mkdir()
    pm.write(GOOD, folder)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _errors(corpus: pm.Corpus) -> dict[str, tuple[int | None, str]]:
    return {
        Path(row.path).name: (None if pd.isna(row.line) else int(row.line), row.message)
        for row in corpus.errors.itertuples()
    }


# ----------------------------------------------------------------------------- 1 int64


@pytest.mark.parametrize(
    ("text", "field"),
    [
        (front("impact:\n  customers_affected: 100000000000000000000000"), "customers_affected"),
        (front("severity:\n  label: SEV1\n  rank: 99999999999999999999"), "severity.rank"),
        (
            "---\nid: bad\ntitle: B\n---\n\n## What went well\n\n- a <!-- "
            '{"id": "i-1", "votes": 100000000000000000000} -->\n',
            "votes",
        ),
        ("# Bad\n\n## Stats\n\nCustomers affected: 100000000000000000000000\n", "customers"),
    ],
    ids=["impact", "rank", "votes", "stats-line"],
)
def test_1_an_integer_beyond_int64_is_that_files_error_row_with_its_line(tmp_path, text, field):
    folder = _folder(tmp_path, **{"bad.md": text})
    corpus = pm.load(folder, cache=False)
    assert corpus.incidents["incident_id"].tolist() == ["good-one"]
    line, message = _errors(corpus)["bad.md"]
    assert field in message and "9223372036854775807" in message
    assert line is not None
    assert main(["validate", str(folder)]) == 1
    assert main(["stats", str(folder)]) == 0


def test_1_import_refuses_an_integer_beyond_int64(tmp_path, capsys):
    folder = _folder(tmp_path)
    source = tmp_path / "src.md"
    source.write_text("# Big\n\n## Stats\n\nCustomers affected: 100000000000000000000000\n")
    target = tmp_path / "out"
    assert main(["import", str(source), "--to", str(target)]) == 1
    shown = capsys.readouterr()
    assert "customers_affected" in shown.out + shown.err
    assert not list(target.glob("*.md"))
    del folder


def test_1_a_sum_of_votes_beyond_int64_is_refused():
    items = [
        pm.Item(id=f"i{n}", section="went_well", text="t", votes=2**62, theme_id="t")
        for n in range(2)
    ]
    with pytest.raises(ModelError, match="votes add up to"):
        pm.PostMortem(id="v", title="V", items=items, themes=[pm.Theme(id="t", label="T")])


# ----------------------------------------------------------------------------- 2, 9, 19 entries


def test_2_dangling_links_and_loops_are_error_rows(tmp_path):
    folder = _folder(tmp_path)
    os.symlink(folder / "nowhere.md", folder / "dangling.md")
    os.symlink(folder / "loop.md", folder / "loop.md")
    corpus = pm.load(folder, cache=False)
    errors = _errors(corpus)
    assert "a symbolic link to nothing" in errors["dangling.md"][1]
    assert "cannot be followed" in errors["loop.md"][1]
    assert corpus.incidents["incident_id"].tolist() == ["good-one"]


def test_2_9_an_unreadable_sub_folder_is_reported_not_dropped(tmp_path, monkeypatch):
    folder = _folder(tmp_path)
    locked = folder / "locked"
    locked.mkdir()
    pm.write(GOOD.model_copy(update={"id": "hidden-away"}), locked)
    real_scandir = os.scandir

    def scandir(path):  # root ignores permissions: simulate a folder it cannot enter
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    corpus = pm.load(folder, cache=False)
    _, message = _errors(corpus)["locked"]
    assert "folder cannot be read (permission denied)" in message
    assert main(["validate", str(folder)]) == 1  # never "OK"
    result = import_sources([folder])
    assert any("folder cannot be read" in problem.message for problem in result.errors)


def test_2_a_file_deleted_during_a_load_is_an_error_row(tmp_path, monkeypatch):
    folder = _folder(tmp_path)
    real = _load.discover

    def discover(inputs):  # the file vanishes between discovery and reading
        found = real(inputs)
        return type(found)({**found.files, folder / "gone.md": False}, found.skipped)

    monkeypatch.setattr(_load, "discover", discover)
    corpus = pm.load(folder, cache=tmp_path / "cache")
    assert _errors(corpus)["gone.md"][1] == "no such file"


@pytest.mark.parametrize("kind", ["fifo", "named-fifo"])
def test_3_a_fifo_never_blocks(tmp_path, kind):
    folder = _folder(tmp_path)
    os.mkfifo(folder / "pipe.md")
    outcome: dict[str, object] = {}

    def run() -> None:
        if kind == "fifo":
            outcome["corpus"] = pm.load(folder, cache=False)
            return
        for name, reader in (("import", import_sources), ("read", pm.read)):
            try:  # named: refused before anything is read
                reader(folder / "pipe.md")
            except IngestError as exc:
                outcome[name] = str(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(30)
    assert not worker.is_alive(), "blocked on a FIFO"
    if kind == "fifo":
        corpus = outcome["corpus"]
        assert isinstance(corpus, pm.Corpus)
        assert "FIFO" in _errors(corpus)["pipe.md"][1]
    else:
        assert "FIFO" in str(outcome["import"]) and "FIFO" in str(outcome["read"])


def test_19_symlinks_are_followed_inside_the_folder_only(tmp_path):
    folder = _folder(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    pm.write(GOOD.model_copy(update={"id": "from-outside"}), outside)
    inside = folder / "sub"
    inside.mkdir()
    pm.write(GOOD.model_copy(update={"id": "in-sub"}), inside)
    os.symlink("/etc/passwd", folder / "passwd.md")
    os.symlink(outside, folder / "outside-link")
    os.symlink(inside, folder / "sub-link")
    os.symlink(folder / "good-one.md", folder / "zz-again.md")
    corpus = pm.load(folder, cache=False)
    assert sorted(corpus.incidents["incident_id"]) == ["good-one", "in-sub"]
    assert corpus.errors.empty
    warnings_table = corpus.warnings
    warned = dict(
        zip(
            warnings_table["path"].map(lambda p: Path(p).name),
            warnings_table["message"],
            strict=True,
        )
    )
    assert "outside the folder being loaded" in warned["passwd.md"]
    assert "outside the folder being loaded" in warned["outside-link"]
    assert "read once" in warned["zz-again.md"]
    assert "root:" not in corpus.warnings["message"].str.cat()  # /etc/passwd was never read


# ----------------------------------------------------------------------------- 4 YAML


def test_4_an_alias_bomb_is_refused_in_bounded_time_and_memory(tmp_path):
    folder = _folder(tmp_path, **{"bomb.md": front(alias_bomb(9))})
    tracemalloc.start()
    started = time.perf_counter()
    corpus = pm.load(folder, cache=False)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert "YAML aliases" in _errors(corpus)["bomb.md"][1]
    assert elapsed < 10 and peak < 100 * 1024**2


def test_4_a_modest_alias_still_works(tmp_path):
    text = "---\nid: ok\ntitle: T\nservices: &s [api, db]\ntags: *s\n---\n"
    folder = _folder(tmp_path, **{"ok.md": text})
    corpus = pm.load(folder, cache=False)
    assert corpus.errors.empty
    assert list(corpus.incidents.set_index("incident_id").loc["ok", "tags"]) == ["api", "db"]


# ----------------------------------------------------------------------------- 5, 13 import


@pytest.mark.parametrize(
    ("name", "text", "reason"),
    [
        ("feb30.md", front("started_at: 2024-02-30"), "2024-02-30"),
        ("year0.md", front("date: 0000-01-01"), "year 0"),
        (
            "io.json",
            json.dumps(
                {
                    "incidents": [
                        {
                            "id": "01H",
                            "reference": "INC-9",
                            "incident_status": {},
                            "name": "ok",
                            "summary": "a\u0000b",
                        }
                    ]
                }
            ),
            "NUL",
        ),
    ],
    ids=["impossible-date", "year-0", "nul-in-export"],
)
def test_5_13_import_reports_a_bad_input_and_writes_nothing_unreadable(
    tmp_path, capsys, name, text, reason
):
    source = tmp_path / "src"
    source.mkdir()
    (source / name).write_text(text, encoding="utf-8")
    pm.write(GOOD, source)
    target = tmp_path / "out"
    assert main(["import", str(source), "--to", str(target)]) == 1
    shown = capsys.readouterr()
    assert reason in shown.out + shown.err and "Traceback" not in shown.out + shown.err
    for written in target.glob("*.md"):  # whatever was written loads back
        pm.read(written)
    assert (target / "good-one.md").exists()


def test_5_impossible_dates_are_error_rows_with_their_line(tmp_path):
    folder = _folder(tmp_path, **{"bad.md": "---\nid: bad\ntitle: B\ndate: 2024-02-30\n---\n"})
    line, message = _errors(pm.load(folder, cache=False))["bad.md"]
    assert line == 4 and "2024-02-30" in message and "unexpected" not in message


def test_5_a_lone_surrogate_in_json_is_replaced_not_a_crash(tmp_path):
    source = tmp_path / "io.json"
    source.write_text(
        '{"incidents": [{"id": "01H", "reference": "INC-1", "incident_status": {}, '
        '"name": "cut \\ud83d"}]}'
    )
    summary = write_imported(import_sources([source]), tmp_path / "out")
    assert summary.problems == () and len(summary.new) == 1
    assert pm.read(tmp_path / "out" / f"{summary.new[0]}.md").title == "cut \ufffd"


def test_5_import_is_all_or_nothing_per_source(tmp_path):
    source = tmp_path / "io.json"
    incidents = [
        {"id": "01A", "reference": "INC-1", "incident_status": {}, "name": "fine"},
        {"id": "01B", "reference": "INC-2", "incident_status": {}, "name": "x", "summary": "\0"},
    ]
    source.write_text(json.dumps({"incidents": incidents}))
    summary = write_imported(import_sources([source]), tmp_path / "out")
    assert summary.new == ()
    assert not list((tmp_path / "out").glob("*.md"))
    assert any("all or nothing" in p.message for p in summary.problems)


# ----------------------------------------------------------------------------- 6 follow-ups


def test_6_a_joined_follow_up_goes_into_the_existing_file_whatever_its_name(tmp_path):
    target = tmp_path / "pms"
    target.mkdir()
    (target / "2024-old-name.md").write_text(pm.dumps(GOOD))
    tickets = tmp_path / "jira.csv"
    tickets.write_text(
        "Summary,Issue key,Status,Labels\nAdd alert,OPS-1,Done,postmortem-good-one\n"
    )
    summary = write_imported(import_sources([tickets]), target)
    assert summary.updated == ("good-one",)
    assert sorted(p.name for p in target.glob("*.md")) == ["2024-old-name.md"]
    corpus = pm.load(target, cache=False)
    assert corpus.errors.empty and corpus.actions["action_id"].tolist() == ["ops-1"]


# ----------------------------------------------------------------------------- 7 dates


def test_7_a_date_outside_1677_2262_works_through_report_and_stats(tmp_path):
    text = front("started_at: 0225-03-01T00:00Z", "ancient")
    folder = _folder(tmp_path, **{"ancient.md": text})
    corpus = pm.load(folder, cache=False)
    assert corpus.errors.empty
    assert corpus.incidents["started_at"].min().year == 225
    assert len(metrics.incident_counts(corpus, "quarter"))
    assert main(["stats", str(folder)]) == 0
    assert main(["report", str(folder), "--html", str(tmp_path / "r.html")]) == 0


def test_7_a_time_past_year_9999_in_utc_is_an_error_naming_field_and_value(tmp_path):
    folder = _folder(tmp_path, **{"late.md": front("resolved_at: 9999-12-31T23:00-05:00")})
    line, message = _errors(pm.load(folder, cache=False))["late.md"]
    assert line == 4 and "resolved_at" in message and "9999-12-31T23:00:00-05:00" in message


def test_7_1628_loads(tmp_path):
    folder = _folder(tmp_path, **{"vasa.md": front("started_at: 1628-08-10T15:00Z", "vasa")})
    corpus = pm.load(folder, cache=False)
    assert corpus.errors.empty
    assert str(corpus.incidents["started_at"].dtype) == "datetime64[us, UTC]"


# ----------------------------------------------------------------------------- 8, 12, 18 cache


def test_8_a_file_name_that_is_not_utf8_does_not_crash_a_cached_load(tmp_path):
    folder = _folder(tmp_path)
    with open(os.fsencode(folder) + b"/caf\xe9.md", "wb") as handle:
        handle.write(pm.dumps(GOOD.model_copy(update={"id": "cafe"})).encode())
    with pytest.warns(UserWarning, match="not valid UTF-8"):
        corpus = pm.load(folder, cache=tmp_path / "cache")
    assert sorted(corpus.incidents["incident_id"]) == ["cafe", "good-one"]


def _generation(cache: Path) -> Path:
    [folder] = list(cache.iterdir())
    [generation] = [p for p in folder.iterdir() if p.is_dir()]
    return generation


def _resign(generation: Path, table: str) -> None:
    meta = json.loads((generation / "meta.json").read_text())
    data = (generation / f"{table}.parquet").read_bytes()
    rows = pq.ParquetFile(generation / f"{table}.parquet").metadata.num_rows
    meta["files"][table] = {"rows": rows, "sha256": hashlib.sha256(data).hexdigest()}
    (generation / "meta.json").write_text(json.dumps(meta))


def _craft(generation: Path, table: str, change, resign: bool = True) -> None:
    frame = pd.read_parquet(generation / f"{table}.parquet")
    change(frame).to_parquet(generation / f"{table}.parquet", index=False)
    if resign:
        _resign(generation, table)


@pytest.mark.parametrize(
    ("table", "change", "resign", "reason"),
    [
        ("items", lambda f: f.assign(created_at=f["created_at"].astype(str)), True, "column"),
        ("incidents", lambda f: f.assign(customers_affected=1.5), True, "column"),
        ("incidents", lambda f: f.assign(severity_rank=f["severity_rank"].astype(str)), 1, "col"),
        (
            "incidents",
            lambda f: f.assign(incident_id=pd.array([None] * len(f), dtype="string")),
            True,
            "without incident_id",
        ),
        ("actions", lambda f: f.iloc[:0], False, "hash"),
        ("incidents", lambda f: f.assign(title="crafted"), False, "hash"),
    ],
    ids=["text-timestamps", "float-count", "text-number", "null-ids", "emptied", "title"],
)
def test_12_a_damaged_cache_is_refused_and_rebuilt(tmp_path, table, change, resign, reason):
    folder = _folder(tmp_path)
    pm.write(
        GOOD.model_copy(
            update={
                "id": "two",
                "items": (pm.Item(id="i1", section="went_well", text="t"),),
                "actions": (pm.Action(id="a1", title="Fix"),),
            }
        ),
        folder,
    )
    cache = tmp_path / "cache"
    cold = pm.load(folder, cache=cache)
    _craft(_generation(cache), table, change, bool(resign))
    with pytest.warns(UserWarning, match=reason):
        again = pm.load(folder, cache=cache)
    pd.testing.assert_frame_equal(cold.incidents, again.incidents)
    pd.testing.assert_frame_equal(cold.actions, again.actions)


def test_12_a_cache_claiming_very_many_rows_is_refused_before_reading(tmp_path):
    folder = _folder(tmp_path)
    cache = tmp_path / "cache"
    pm.load(folder, cache=cache)
    generation = _generation(cache)
    frame = pd.read_parquet(generation / "items.parquet")
    rows = 3_000_000
    big = pa.table(
        {
            name: pa.nulls(rows, type=pa.Table.from_pandas(frame).schema.field(name).type)
            for name in frame.columns
        }
    )
    pq.write_table(big, generation / "items.parquet")
    _resign(generation, "items")
    assert (generation / "items.parquet").stat().st_size < 2_000_000
    tracemalloc.start()
    with pytest.warns(UserWarning, match="more than the sources can give|bound"):
        pm.load(folder, cache=cache)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 150 * 1024**2


def test_12_an_edit_keeping_size_and_mtime_is_not_served_stale(tmp_path):
    folder = _folder(tmp_path)
    path = folder / "good-one.md"
    cache = tmp_path / "cache"
    old = path.stat()
    os.utime(path, ns=(old.st_atime_ns, old.st_mtime_ns - 10_000_000_000))  # long settled
    pm.load(folder, cache=cache)
    stamp = path.stat()
    text = path.read_text()
    path.write_text(text.replace("Disk full on the primary", "Disk FULL on the primary"))
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert path.stat().st_size == stamp.st_size
    assert pm.load(folder, cache=cache).incidents["title"].tolist() == ["Disk FULL on the primary"]


def test_18_concurrent_loads_do_not_race_on_the_cache(tmp_path):
    folder = _folder(tmp_path)
    for number in range(30):
        pm.write(GOOD.model_copy(update={"id": f"pm-{number}"}), folder)
    cache = tmp_path / "cache"
    caught: list[str] = []
    results: list[int] = []

    def run() -> None:
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            for _ in range(3):
                results.append(len(pm.load(folder, cache=cache, workers=1).incidents))
        caught.extend(str(w.message) for w in seen)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert results == [31] * 12
    assert caught == []


# ----------------------------------------------------------------------------- 10, 17 sessions


def test_10_a_failed_save_after_a_commit_warns_and_the_event_is_recorded_once(
    tmp_path, monkeypatch
):
    session = Session.create(GOOD, tmp_path, participants=["Ana"], facilitator="Cy")
    session.start_phase("wrap_up", by="Cy")

    def failing_write(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("pmanalytics.session._session.write", failing_write)
    with pytest.warns(SessionWarning, match="was recorded"):
        event = session.add_item("went_well", "Paging worked", by="Ana")
    kinds = [e.kind for e in Session.open(session.path).events]
    assert kinds.count("item_added") == 1 and event.kind == "item_added"


def test_10_a_read_only_journal_can_be_viewed(tmp_path, monkeypatch):
    session = Session.create(GOOD, tmp_path, participants=["Ana"], facilitator="Cy")
    session.add_item("went_well", "Paging worked", by="Ana")
    real_open = os.open

    def read_only(path, flags, *args):  # root ignores modes: simulate a read-only file
        if str(path).endswith(".jsonl") and flags & (os.O_RDWR | os.O_WRONLY):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", read_only)
    monkeypatch.setattr("filelock.FileLock.acquire", _denied)
    reopened = Session.open(session.path)
    assert [e.kind for e in reopened.events][-1] == "item_added"


def _denied(*args, **kwargs):
    raise PermissionError(13, "Permission denied")


def test_17_a_line_too_deep_to_parse_is_a_journal_error(tmp_path, monkeypatch):
    session = Session.create(GOOD, tmp_path, participants=["Ana"], facilitator="Cy")
    with open(session.path, "ab") as handle:
        handle.write(b'{"seq": 2, "data": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n")
    with pytest.raises(JournalError, match=":2:"):  # pydantic's own depth limit
        Session.open(session.path)

    def too_deep(raw):  # a parser that recurses (as Python's json does) overflows the stack
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr("pmanalytics.session.journal.parse_event", too_deep)
    with pytest.raises(JournalError, match=r":1: the event is nested too deeply"):
        Journal(session.path).read_new()


def test_17_an_intact_last_event_without_its_newline_is_kept(tmp_path):
    session = Session.create(GOOD, tmp_path, participants=["Ana"], facilitator="Cy")
    session.add_item("went_well", "Paging worked", by="Ana")
    data = session.path.read_bytes()
    session.path.write_bytes(data.rstrip(b"\n"))  # acknowledged, newline lost
    journal = Journal(session.path)
    assert [e.kind for e in journal.read_new()][-1] == "item_added"
    reopened = Session.open(session.path)
    reopened.add_item("went_well", "Rollback was quick", by="Ana")
    events = Session.open(session.path).events
    texts = [getattr(e.data, "text", None) for e in events if e.kind == "item_added"]
    assert texts == ["Paging worked", "Rollback was quick"]


# ----------------------------------------------------------------------------- 14 size


def test_14_a_runaway_markdown_file_is_refused_fast(tmp_path):
    bullets = "".join(f"- item {n}\n" for n in range(60_000))
    folder = _folder(tmp_path, **{"huge.md": front("") + "\n## What went well\n\n" + bullets})
    started = time.perf_counter()
    corpus = pm.load(folder, cache=False)
    assert time.perf_counter() - started < 5
    assert "more than the 50,000" in _errors(corpus)["huge.md"][1]


def test_14_a_runaway_csv_is_cut_at_the_row_limit_with_an_error_row(tmp_path):
    rows = "".join(f"Fix {n},OPS-{n},Done,postmortem-good-one\n" for n in range(20_001))
    source = tmp_path / "big.csv"
    source.write_text("Summary,Issue key,Status,Labels\n" + rows)
    started = time.perf_counter()
    result = import_sources([source])
    assert time.perf_counter() - started < 20
    assert any("more than 20,000 rows" in problem.message for problem in result.errors)
    assert sum(len(actions) for actions in result.followups.values()) == 20_000


# ----------------------------------------------------------------------------- 15, 19 ids


@pytest.mark.parametrize("bad", ["../escaped", "a/b", "x\x00y", "CON", "lpt1.report", "end."])
def test_15_19_writers_refuse_ids_that_would_leave_their_folder(tmp_path, bad):
    smuggled = GOOD.model_copy(update={"id": bad})
    target = tmp_path / "deep" / "folder"
    with pytest.raises(ModelError, match="cannot write a file for post-mortem id"):
        pm.write(smuggled, target)
    with pytest.raises(ReportError, match="cannot write a file for post-mortem id"):
        report.export(smuggled, target)
    assert not (tmp_path / "deep" / "escaped.md").exists()
    assert not (tmp_path / "deep" / "escaped.report.html").exists()
    assert not target.exists() or not list(target.iterdir())


def test_15_model_copy_cannot_smuggle_an_invalid_value_past_write(tmp_path):
    smuggled = GOOD.model_copy(update={"title": "two\nlines"})
    with pytest.raises(ModelError, match="post-mortem cannot be written: title"):
        pm.write(smuggled, tmp_path)


def test_19_ids_differing_only_in_case(tmp_path):
    folder = _folder(tmp_path, **{"zz.md": "---\nid: GOOD-ONE\ntitle: Shouting\n---\n"})
    corpus = pm.load(folder, cache=False)
    assert corpus.incidents["incident_id"].tolist() == ["good-one"]
    assert "but for case" in _errors(corpus)["zz.md"][1]
    with pytest.raises(ModelError, match="differs only in case"):
        pm.write(GOOD.model_copy(update={"id": "Good-One"}), folder)


def test_19_import_refuses_an_id_windows_reserves(tmp_path):
    source = tmp_path / "con.md"
    source.write_text("---\nid: CON\ntitle: Reserved\n---\n")
    summary = write_imported(import_sources([source]), tmp_path / "out")
    assert summary.new == ()
    assert "Windows reserves" in summary.problems[0].message


def test_19_duplicate_yaml_keys_are_refused_with_the_line(tmp_path):
    folder = _folder(tmp_path, **{"dup.md": "---\nid: dup\ntitle: A\ntitle: B\n---\n"})
    line, message = _errors(pm.load(folder, cache=False))["dup.md"]
    assert line == 4 and "'title' is given twice" in message


def test_19_a_nul_after_the_first_8_kib_is_refused(tmp_path):
    text = front("summary: ok") + "x" * 9000 + "\n\x00\n"
    folder = _folder(tmp_path, **{"nul.md": text})
    line, message = _errors(pm.load(folder, cache=False))["nul.md"]
    assert "NUL" in message and line == text.count("\n", 0, text.index("\x00")) + 1


def test_19_unexpected_errors_get_the_line_of_the_bad_value(tmp_path):
    text = "# Title\n\n## Summary\n\nx\n\n## Stats\n\nCustomers affected: 10000000000000000000000\n"
    folder = _folder(tmp_path, **{"stats.md": text})
    line, _ = _errors(pm.load(folder, cache=False))["stats.md"]
    assert line == 9
