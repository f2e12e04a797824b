"""The hostile-input suite: one folder mixing a good post-mortem with one of each hostile kind
(generated at test time, see ``_cases.py``), run through every entry point.

For each entry point: it returns within a time bound, nothing crashes, and nothing is dropped
in silence (every entry is loaded, an error row, or a reported skip); memory is bounded.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
import warnings
from pathlib import Path

import pandas as pd
import pytest

import pmanalytics as pm
from pmanalytics._errors import IngestError, PMError
from pmanalytics.cli import main
from pmanalytics.session import Session
from pmanalytics.session.errors import SessionWarning

from ._cases import CASES, GOOD

#: Seconds any one entry point may take over the whole hostile folder.
BOUND = 30


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> tuple[Path, list[str]]:
    folder = tmp_path_factory.mktemp("hostile")
    pm.write(GOOD, folder)
    names = ["good-one.md"]
    for make in CASES.values():
        names.extend(make(folder))
    return folder, names


@pytest.fixture(autouse=True)
def _own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PMANALYTICS_CACHE_DIR", str(tmp_path / "cache"))


def _timed(call):
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the cache warns about the non-UTF-8 name
        result = call()
    elapsed = time.perf_counter() - started
    assert elapsed < BOUND, f"took {elapsed:.1f} s"
    return result


def _accounted(folder: Path, names: list[str], corpus: pm.Corpus) -> None:
    loaded = set(corpus.sources["path"])
    reported = set(corpus.errors["path"]) | set(corpus.warnings["path"])
    real_loaded = {os.path.realpath(path) for path in loaded}
    missing = []
    for name in names:
        path = str(folder / name)
        if path in loaded or path in reported or os.path.realpath(path) in real_loaded:
            continue
        missing.append(name)
    assert missing == [], f"dropped in silence: {missing}"


def test_load_collects_every_entry_in_bounded_time(hostile):
    folder, names = hostile
    corpus = _timed(lambda: pm.load(folder))
    _accounted(folder, names, corpus)
    assert "good-one" in set(corpus.incidents["incident_id"])
    assert corpus.incidents["incident_id"].is_unique
    again = _timed(lambda: pm.load(folder))  # from the cache
    pd.testing.assert_frame_equal(corpus.incidents, again.incidents)
    pd.testing.assert_frame_equal(corpus.errors, again.errors)


def test_load_in_raise_mode_raises_one_ingest_error(hostile):
    folder, _ = hostile
    with pytest.raises(IngestError):
        _timed(lambda: pm.load(folder, errors="raise", cache=False))


def test_read_each_entry_gives_a_post_mortem_or_an_ingest_error(hostile):
    folder, names = hostile
    for name in names:
        path = folder / name
        if not os.path.lexists(path) or path.is_dir():
            continue
        try:
            found = _timed(lambda path=path: pm.read(path))
        except IngestError:
            continue
        assert isinstance(found, pm.PostMortem)


def test_validate_fails_cleanly(hostile, capsys):
    folder, _ = hostile
    assert _timed(lambda: main(["validate", str(folder)])) == 1
    assert "Traceback" not in capsys.readouterr().err


def test_stats_and_report_work(hostile, tmp_path, capsys):
    folder, _ = hostile
    assert _timed(lambda: main(["stats", str(folder)])) == 0
    html = tmp_path / "report.html"
    assert _timed(lambda: main(["report", str(folder), "--html", str(html)])) == 0
    assert html.stat().st_size > 1000
    capsys.readouterr()


def test_import_writes_only_what_loads_back(hostile, tmp_path, capsys):
    folder, _ = hostile
    target = tmp_path / "imported"
    assert _timed(lambda: main(["import", str(folder), "--to", str(target)])) == 1
    shown = capsys.readouterr()
    assert "Traceback" not in shown.out + shown.err
    written = sorted(target.glob("*.md"))
    assert "good-one.md" in {path.name for path in written}
    corpus = pm.load(target, cache=False)
    assert corpus.errors.empty
    assert len(corpus.incidents) == len(written)


def test_memory_is_bounded(hostile):
    folder, _ = hostile
    script = textwrap.dedent(
        f"""
        import resource, warnings
        warnings.simplefilter("ignore")
        import pmanalytics as pm
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        pm.load({str(folder)!r}, cache=False, workers=1)
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(after - before)
        """
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=env
    )
    assert done.returncode == 0, done.stderr
    grown_kib = int(done.stdout.strip().splitlines()[-1])
    assert grown_kib < 600 * 1024, f"loading grew the process by {grown_kib // 1024} MB"


# ----------------------------------------------------------------------------- journals


def _damaged_journals(good: bytes) -> dict[str, bytes]:
    first, *rest = good.split(b"\n")
    return {
        "empty": b"",
        "torn": good[: len(good) - 7],
        "garbage-line": good + b"not json at all\n",
        "binary": good + bytes(range(256)) + b"\n",
        "nul": good.replace(b'"', b"\x00", 1),
        "no-newline": good.rstrip(b"\n"),
        "deep": good + b'{"seq": 9, "data": ' + b"[" * 50_000 + b"]" * 50_000 + b"}\n",
        "huge-line": good + b'{"seq": 9, "kind": "item_added", "x": "' + b"a" * 5_000_000 + b'"}\n',
        "wrong-seq": good + first.replace(b'"seq":1', b'"seq":99') + b"\n",
        "wrong-types": good + json.dumps({"seq": "x", "kind": 5, "at": []}).encode() + b"\n",
        "not-utf8": good + b'{"seq": 3, "kind": "\xff\xfe"}\n',
        "only-second": b"\n".join(rest),
    }


def test_damaged_journals_open_or_raise_a_session_error(tmp_path):
    session = Session.create(GOOD, tmp_path / "origin", participants=["Ana"], facilitator="Cy")
    session.add_item("went_well", "Paging worked", by="Ana")
    good = session.path.read_bytes()
    for name, data in _damaged_journals(good).items():
        path = tmp_path / name / session.path.name
        path.parent.mkdir()
        path.write_bytes(data)
        started = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SessionWarning)
            try:
                opened = Session.open(path)
            except PMError:
                pass
            else:
                assert opened.events[0].kind == "session_created", name
        assert time.perf_counter() - started < 10, name
