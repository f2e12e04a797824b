"""One reader: the same input gives the same answer through load, read and import."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

import pmanalytics as pm
from pmanalytics.corpus import TABLES

EXPORTS = Path(__file__).parent / "fixtures" / "exports"
# Tables that describe a post-mortem's content (sources, warnings and errors are about files).
CONTENT = [table for table in TABLES if table not in ("sources", "warnings", "errors")]


def _every_file(dfds_folder: Path) -> list[Path]:
    """Every file of the shared dfds corpus (its LICENSE and SOURCE.md too) and every export."""
    return sorted(dfds_folder.iterdir()) + sorted(EXPORTS.iterdir())


def _problems_of_load(corpus: pm.Corpus) -> list[tuple[str, int | None, str]]:
    return [
        (path, None if pd.isna(line) else int(line), message)
        for path, line, message in corpus.errors[["path", "line", "message"]].itertuples(
            index=False
        )
    ]


def _assert_same_answer(path: Path) -> None:
    imported = pm.import_sources([path])
    corpus = pm.load([path], cache=False, templates=True)  # read and import keep templates

    # The same post-mortems: read back one by one, and as rows of the tables.
    loaded = [corpus.get(incident_id) for incident_id in corpus.incidents["incident_id"]]
    assert loaded == list(imported.postmortems), path.name
    expected = pm.Corpus.from_postmortems(imported.postmortems)
    for table in CONTENT:
        got = getattr(corpus, table).drop(columns=["path"], errors="ignore")
        want = getattr(expected, table).drop(columns=["path"], errors="ignore")
        pd.testing.assert_frame_equal(got, want, obj=f"{path.name}: {table}")

    # The same problems, each with its file and line.
    problems = [(p.source, p.line, p.message) for p in imported.errors]
    assert _problems_of_load(corpus) == problems, path.name

    # pm.read gives the one post-mortem, or raises with the first problem.
    if len(imported.postmortems) == 1 and not problems:
        assert pm.read(path) == imported.postmortems[0], path.name
        return
    with pytest.raises(pm.IngestError) as caught:
        pm.read(path)
    if problems:
        source, line, message = problems[0]
        assert str(caught.value) == f"{source}{'' if line is None else f':{line}'}: {message}"
    else:
        assert "not one: read it with pmanalytics.load" in str(caught.value)


def test_load_read_and_import_agree_on_every_dfds_file_and_export(dfds_folder):
    files = _every_file(dfds_folder)
    assert len(files) == 42 + 7  # 40 post-mortems, LICENSE, SOURCE.md; the export fixtures
    for path in files:
        _assert_same_answer(path.resolve())


def test_a_retro_csv_is_a_post_mortem_through_load_as_through_import():
    retro = (EXPORTS / "ParabolRetrospective_Payments Team_2024-5-14.csv").resolve()
    corpus = pm.load([retro], cache=False)
    assert corpus.errors.empty
    assert corpus.sources["format"].tolist() == ["parabol"]
    [incident_id] = corpus.incidents["incident_id"]
    assert [pm_.id for pm_ in pm.import_sources([retro]).postmortems] == [incident_id]
    assert pm.read(retro).id == incident_id


def test_pm_read_opens_every_dfds_post_mortem(dfds_folder):
    documents = [p for p in dfds_folder.iterdir() if p.name not in ("LICENSE", "SOURCE.md")]
    assert len(documents) == 40
    read = [pm.read(path) for path in documents]
    assert len({p.id for p in read}) == 40
    filled = [p for p in read if p.id != "pmyyyy-nnn-postmortem-template"]  # the blank one
    assert len(filled) == 39
    assert all(p.title and (p.summary or p.timeline or p.items) for p in filled)


def test_folders_agree_and_an_id_read_twice_is_one_error_row_through_both(tmp_path, dfds_folder):
    folder = tmp_path / "mixed"
    folder.mkdir()
    for name in ("incidentio_export.json", "pagerduty_incidents.json", "jira_followups.csv"):
        shutil.copy(EXPORTS / name, folder / name)
    written = pm.write(pm.PostMortem(id="pm-1", title="Disk full"), folder)
    written.rename(folder / "a.md")
    shutil.copy(folder / "a.md", folder / "b.md")  # the same incident id a second time
    shutil.copy(next(dfds_folder.glob("*.md")), folder / "c.md")
    (folder / "ground-truth.csv").write_text("id,label\n1,x\n", encoding="utf-8")  # no export

    imported = pm.import_sources([folder])
    corpus = pm.load(folder, cache=False)
    assert sorted(corpus.incidents["incident_id"]) == sorted(p.id for p in imported.postmortems)
    assert _problems_of_load(corpus) == [(p.source, p.line, p.message) for p in imported.errors]
    [(path, _, message)] = [row for row in _problems_of_load(corpus) if "duplicate" in row[2]]
    assert path.endswith("b.md")
    assert message.startswith("duplicate incident id ")
    assert message.endswith("a.md; this one was left out")
    # follow-ups without their incident: kept by import, a warning row in load
    followups = sum(len(actions) for actions in imported.followups.values())
    assert followups > 0
    assert corpus.warnings["message"].str.contains("was not attached").sum() == followups
    # the CSV of no known format, found in a folder, is skipped by both; named, it is a problem
    named = pm.load([folder / "ground-truth.csv"], cache=False)
    assert named.errors["message"].str.contains("not an export of a known format").all()
    assert len(named.errors) == 1
