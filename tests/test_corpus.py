"""load() and the Corpus tables: schema, errors, duplicates, cache, parallel parsing."""

from __future__ import annotations

import hashlib
import json
import os
import time
import warnings
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pandas.testing as pdt
import pytest

import pmanalytics as pm
from pmanalytics import Action, Item, Participant, PostMortem, Theme, TimelineEvent
from pmanalytics.corpus import _load, cache as corpus_cache
from pmanalytics.corpus.schema import SCHEMA, TABLES, empty_frame

T0 = datetime(2024, 3, 1, 10, 0, tzinfo=UTC)


def _incident(number: int, **changes) -> PostMortem:
    base = dict(
        id=f"inc-{number:04d}",
        title=f"Incident {number}",
        status="reviewed",
        severity="SEV2",
        services=["checkout-api", "payments"],
        teams=["payments-team"],
        started_at=T0 + timedelta(days=number),
        detected_at=T0 + timedelta(days=number, minutes=12),
        mitigated_at=T0 + timedelta(days=number, minutes=30),
        resolved_at=T0 + timedelta(days=number, hours=2),
        impact={"text": "Checkout failed", "customers_affected": 100 + number, "minutes": 25.5},
        timeline=[
            TimelineEvent(at=T0 + timedelta(days=number), text="deploy", kind="trigger"),
            TimelineEvent(
                at=T0 + timedelta(days=number, minutes=12), text="page", kind="detection"
            ),
        ],
        participants=[Participant(name="ana", role="facilitator"), Participant(name="bo")],
        themes=[Theme(id="t1", label="Alerting", rank=1)],
        items=[
            Item(id="i1", section="went_well", text="Rollback was fast", votes=2, theme_id="t1"),
            Item(
                id="i2", section="ongoing_problem", text="Static thresholds", votes=3, theme_id="t1"
            ),
            Item(id="i3", section="lessons_learned", text="Canary too small", author="bo"),
        ],
        actions=[
            Action(
                id="a1",
                title="Dynamic thresholds",
                owner="ana",
                due=date(2024, 4, 1),
                status="done",
                created_at=T0 + timedelta(days=number),
                completed_at=T0 + timedelta(days=number, hours=5),
                addresses="t1",
            ),
            Action(id="a2", title="Bigger canary", owner="bo", due=date(2024, 4, 15)),
        ],
    )
    base.update(changes)
    return PostMortem(**base)


@pytest.fixture
def folder(tmp_path) -> Path:
    out = tmp_path / "pms"
    for number in range(5):
        pm.write(_incident(number), out)
    return out


def test_tables_follow_the_documented_schema(folder):
    corpus = pm.load(folder)
    for table in TABLES:
        frame = getattr(corpus, table)
        expected = empty_frame(table)
        assert list(frame.columns) == [c.name for c in SCHEMA[table]]
        assert dict(frame.dtypes) == dict(expected.dtypes), table
    assert str(corpus.incidents["started_at"].dtype) == "datetime64[us, UTC]"
    assert isinstance(corpus.items["section"].dtype, pd.CategoricalDtype)
    assert list(corpus.items["section"].cat.categories) == list(pm.ITEM_SECTIONS)


def test_one_row_per_entity_with_incident_id_on_every_child(folder):
    corpus = pm.load(folder)
    assert len(corpus.incidents) == 5
    assert corpus.incidents["incident_id"].is_unique
    for table, per_incident in [
        ("items", 3),
        ("actions", 2),
        ("timeline", 2),
        ("participants", 2),
        ("themes", 1),
    ]:
        frame = getattr(corpus, table)
        assert len(frame) == 5 * per_incident
        assert set(frame["incident_id"]) == set(corpus.incidents["incident_id"])


def test_values_are_hand_checkable(folder):
    corpus = pm.load(folder)
    first = corpus.incidents.set_index("incident_id").loc["inc-0000"]
    assert first["time_to_detect_min"] == 12
    assert first["time_to_mitigate_min"] == 30
    assert first["time_to_resolve_min"] == 120
    assert first["severity"] == "SEV2" and first["severity_rank"] == 2
    assert first["services"] == ["checkout-api", "payments"] and first["service"] == "checkout-api"
    assert first["customers_affected"] == 100 and first["impact_min"] == 25.5
    assert first["started_at"] == pd.Timestamp("2024-03-01 10:00", tz="UTC")
    assert first["item_count"] == 3 and first["action_count"] == 2
    themes = corpus.themes.set_index("incident_id").loc["inc-0000"]
    assert themes["item_count"] == 2 and themes["votes"] == 5
    actions = corpus.actions[corpus.actions["incident_id"] == "inc-0000"].set_index("action_id")
    assert actions.loc["a1", "time_to_close_min"] == 300
    assert pd.isna(actions.loc["a2", "time_to_close_min"])
    assert actions.loc["a2", "due_date"] == pd.Timestamp("2024-04-15")
    assert actions.loc["a1", "status"] == "done"


def test_broken_files_become_error_rows_and_the_rest_load(folder):
    (folder / "bad-yaml.md").write_text("---\ntitle: [unclosed\n---\n", encoding="utf-8")
    (folder / "bad-times.md").write_text(
        "---\ntitle: t\nstarted_at: 2024-01-01T10:00Z\nresolved_at: 2024-01-01T09:00Z\n---\n",
        encoding="utf-8",
    )
    (folder / "binary.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (folder / "latin1.md").write_bytes("---\ntitle: caf\xe9\n---\n".encode("latin-1"))
    corpus = pm.load(folder)
    assert len(corpus.incidents) == 5
    errors = corpus.errors.set_index(corpus.errors["path"].map(lambda p: Path(p).name))
    assert set(errors.index) == {"bad-yaml.md", "bad-times.md", "binary.md", "latin1.md"}
    assert errors.loc["bad-times.md", "line"] == 4
    assert errors.loc["bad-times.md", "message"] == (
        "resolved_at 2024-01-01 09:00Z is before started_at 2024-01-01 10:00Z"
    )
    assert "not valid YAML" in errors.loc["bad-yaml.md", "message"]
    assert "looks like a binary file" in errors.loc["binary.md", "message"]
    assert "not UTF-8" in errors.loc["latin1.md", "message"]
    assert errors.loc["latin1.md", "line"] == 2
    with pytest.raises(
        pm.IngestError, match=r"bad-times\.md:4: resolved_at 2024-01-01 09:00Z is before"
    ):
        pm.load(folder, errors="raise")


def test_duplicate_ids_are_reported_not_merged(folder):
    copy = folder / "zz-copy.md"
    copy.write_text((folder / "inc-0001.md").read_text(encoding="utf-8"), encoding="utf-8")
    corpus = pm.load(folder)
    assert len(corpus.incidents) == 5
    assert (corpus.items["incident_id"] == "inc-0001").sum() == 3  # not doubled
    [message] = corpus.errors["message"]
    assert message.startswith("duplicate incident id 'inc-0001': already loaded from ")
    assert corpus.errors["path"].iloc[0].endswith("zz-copy.md")


def _count_parses(monkeypatch) -> list[str]:
    parsed: list[str] = []
    real_read = _load.read_file

    def counting_read(path, **options):
        parsed.append(Path(path).name)
        return real_read(path, **options)

    monkeypatch.setattr(_load, "read_file", counting_read)
    return parsed


def _assert_same(a: pm.Corpus, b: pm.Corpus) -> None:
    for table in TABLES:
        pdt.assert_frame_equal(getattr(a, table), getattr(b, table))


def _age(*paths: Path, seconds: int = 60) -> None:
    """Date files in the past: the cache re-parses files changed just before it was written."""
    past = time.time() - seconds
    for path in paths:
        os.utime(path, (past, past))


def test_cache_reuses_unchanged_files_and_reparses_changed_ones_alone(
    folder, tmp_path, monkeypatch
):
    cache = tmp_path / "cache"
    _age(*folder.iterdir())
    cold = pm.load(folder, cache=cache, workers=1)
    parsed = _count_parses(monkeypatch)
    warm = pm.load(folder, cache=cache, workers=1)
    assert parsed == []
    _assert_same(cold, warm)

    pm.write(_incident(2, title="Renamed"), folder)
    (folder / "inc-0004.md").unlink()
    pm.write(_incident(9), folder)
    _age(folder / "inc-0002.md", folder / "inc-0009.md", seconds=30)
    changed = pm.load(folder, cache=cache, workers=1)
    assert sorted(parsed) == ["inc-0002.md", "inc-0009.md"]
    parsed.clear()
    pm.load(folder, cache=cache, workers=1)
    assert parsed == []
    fresh = pm.load(folder, cache=False, workers=1)
    _assert_same(changed, fresh)
    assert "Renamed" in set(changed.incidents["title"])
    assert "inc-0004" not in set(changed.items["incident_id"])


def test_a_corrupt_cache_is_rebuilt_never_trusted(folder, tmp_path):
    cache = tmp_path / "cache"
    cold = pm.load(folder, cache=cache)
    [generation] = [p for p in next(cache.iterdir()).iterdir() if p.is_dir()]
    (generation / "items.parquet").write_bytes(b"not parquet at all")
    with pytest.warns(UserWarning, match="ignoring the corpus cache"):
        rebuilt = pm.load(folder, cache=cache)
    _assert_same(cold, rebuilt)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _assert_same(cold, pm.load(folder, cache=cache))  # and the rebuilt cache is good


def _resign(generation, table):
    """Record a rewritten cache file's hash and rows in meta.json, as a crafted cache would."""
    meta_path = generation / "meta.json"
    meta = json.loads(meta_path.read_text())
    data = (generation / f"{table}.parquet").read_bytes()
    rows = len(pd.read_parquet(generation / f"{table}.parquet"))
    meta["files"][table] = {"rows": rows, "sha256": hashlib.sha256(data).hexdigest()}
    meta_path.write_text(json.dumps(meta))


def test_a_cache_pointing_at_unknown_files_is_rejected(folder, tmp_path):
    cache = tmp_path / "cache"
    cold = pm.load(folder, cache=cache)
    [generation] = [p for p in next(cache.iterdir()).iterdir() if p.is_dir()]
    items = pd.read_parquet(generation / "items.parquet")
    items["_file"] = 999
    items.to_parquet(generation / "items.parquet", index=False)
    _resign(generation, "items")  # a consistent meta.json: the index check must catch it
    with pytest.warns(UserWarning, match="names files the manifest does not have"):
        _assert_same(cold, pm.load(folder, cache=cache))


def test_cache_location_is_configurable_and_can_be_disabled(folder, tmp_path, monkeypatch):
    root = tmp_path / "env-cache"
    monkeypatch.setenv("PMANALYTICS_CACHE_DIR", str(root))
    pm.load(folder)
    assert any(root.rglob("CURRENT"))
    other = tmp_path / "off"
    monkeypatch.setenv("PMANALYTICS_CACHE_DIR", str(other))
    pm.load(folder, cache=False)
    assert not other.exists()


def test_parallel_parsing_gives_the_same_tables(tmp_path):
    out = tmp_path / "many"
    for number in range(_load._PARALLEL_FROM + 20):
        pm.write(_incident(number), out)
    (out / "broken.md").write_text("nothing", encoding="utf-8")
    serial = pm.load(out, cache=False, workers=1)
    parallel = pm.load(out, cache=False, workers=2)
    _assert_same(serial, parallel)
    assert len(parallel.incidents) == _load._PARALLEL_FROM + 20 and len(parallel.errors) == 1


def test_progress_bar_on_request(folder, capsys):
    pm.load(folder, cache=False, progress=True)
    assert "Parsing post-mortems" in capsys.readouterr().err
    pm.load(folder, cache=False)
    assert "Parsing post-mortems" not in capsys.readouterr().err


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="'errors' must be one of collect, raise, got 'ignore'"):
        pm.load(".", errors="ignore")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="'workers' must be an int >= 1, got 0"):
        pm.load(".", workers=0)
    with pytest.raises(pm.IngestError, match="no such file or folder"):
        pm.load("does/not/exist")


def test_files_and_folders_can_be_mixed_and_hidden_folders_are_skipped(folder):
    hidden = folder / ".git"
    hidden.mkdir()
    (hidden / "junk.md").write_text("junk", encoding="utf-8")
    (folder / "notes.txt").write_text("not markdown", encoding="utf-8")
    corpus = pm.load([folder, folder / "inc-0001.md"])
    assert len(corpus.incidents) == 5 and len(corpus.errors) == 0


def test_corpus_get_and_stats(folder):
    corpus = pm.load(folder)
    assert corpus.get("inc-0003") == _incident(3)
    with pytest.raises(KeyError, match="no incident 'nope'"):
        corpus.get("nope")
    stats = corpus.stats()
    assert stats["incidents"] == 5 and stats["actions"] == 10 and stats["errors"] == 0
    assert stats["first_started_at"] == pd.Timestamp("2024-03-01 10:00", tz="UTC")
    assert stats["last_started_at"] == pd.Timestamp("2024-03-05 10:00", tz="UTC")
    assert stats["services"] == ["checkout-api", "payments"]
    assert repr(corpus).startswith("Corpus(incidents=5, items=15,")


def test_from_postmortems_matches_load(folder):
    loaded = pm.load(folder)
    built = pm.Corpus.from_postmortems(_incident(n) for n in range(5))
    for table in TABLES:
        if table == "sources":
            continue  # built in memory: there are no files
        a, b = getattr(loaded, table), getattr(built, table)
        if "path" in a.columns:
            a, b = a.drop(columns="path"), b.drop(columns="path")
        pdt.assert_frame_equal(a, b)


def test_files_changed_just_before_the_cache_was_written_are_parsed_again(
    folder, tmp_path, monkeypatch
):
    cache = tmp_path / "cache"
    pm.load(folder, cache=cache, workers=1)  # the files are seconds old: they may change again
    parsed = _count_parses(monkeypatch)
    pm.load(folder, cache=cache, workers=1)
    assert len(parsed) == 5


def test_a_cache_written_by_other_code_is_rebuilt(folder, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    _age(*folder.iterdir())
    pm.load(folder, cache=cache, workers=1)
    monkeypatch.setattr(corpus_cache, "_code_version", lambda: "other-code")
    parsed = _count_parses(monkeypatch)
    pm.load(folder, cache=cache, workers=1)
    assert len(parsed) == 5


def test_cache_path_with_a_tilde_is_expanded(folder, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    pm.load(folder, cache="~/pm-cache")
    assert (tmp_path / "home" / "pm-cache").is_dir()
    assert not (tmp_path / "~").exists()


def test_get_uses_the_options_the_corpus_was_loaded_with(tmp_path):
    doc = tmp_path / "pms" / "doc.md"
    doc.parent.mkdir()
    doc.write_text("# Doc\n\n## Oopsies\n\n- forgot the cert\n", encoding="utf-8")
    corpus = pm.load(doc.parent, cache=False, section_map={"Oopsies": "lessons_learned"})
    assert corpus.get("doc").items[0].section == "lessons_learned"


def test_bad_paths_and_cache_arguments_are_named():
    with pytest.raises(ValueError, match="'paths' must be a path or a list of paths, got None"):
        pm.load(None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="'cache' must be True, False or a folder, got 3"):
        pm.load(".", cache=3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="'workers' must be an int >= 1, got True"):
        pm.load(".", workers=True)
    with pytest.raises(ValueError, match="'section_map' must be a mapping"):
        pm.load(".", section_map="Oopsies")  # type: ignore[arg-type]
