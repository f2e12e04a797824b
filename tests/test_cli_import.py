"""`pmanalytics import`: many formats into canonical files, idempotently."""

from __future__ import annotations

from pathlib import Path

import pmanalytics as pm
from pmanalytics.cli import main

FIXTURES = Path(__file__).parent / "fixtures"

JIRA = "\n".join(
    [
        "Summary,Issue key,Status,Assignee,Created,Resolved,Due Date,Priority,Labels,Labels",
        "Add a queue-age alert,OPS-7,Done,Mo Ahmed,02/Feb/25 09:00 AM,05/Feb/25 04:30 PM,"
        "10/Feb/25,High,postmortem-payment-webhooks,alerting",
        "Give autoscaling an owner,OPS-8,In Progress,Ana Lima,02/Feb/25 09:05 AM,,01/Mar/25,"
        "Medium,postmortem-payment-webhooks,",
        "",
    ]
)

WEBHOOKS = """# Payment webhooks delayed

## Summary

Webhook deliveries queued for two hours.

## Lessons learned

- Scaling to zero should need a second approval.
"""


def test_import_then_reimport_changes_nothing(tmp_path, capsys):
    out = tmp_path / "out"
    sources = [str(FIXTURES / "markdown"), str(FIXTURES / "exports" / "pagerduty_incidents.json")]
    first = main(["import", *sources, "--to", str(out)])
    captured = capsys.readouterr()
    files = sorted(p.name for p in out.glob("*.md"))
    assert len(files) >= 7
    assert "google-sre-shakespeare.md" in files
    # the PagerDuty fixture has one bad record: reported, the rest imported, exit 1
    assert first == 1 and "cannot read a date and time from 'not a time'" in captured.out
    before = {p.name: p.read_bytes() for p in out.glob("*.md")}
    assert main(["import", *sources, "--to", str(out)]) == 1
    summary = capsys.readouterr().err.strip().splitlines()[-1]
    assert summary.startswith(f"0 new, 0 updated, {len(files)} unchanged")
    assert {p.name: p.read_bytes() for p in out.glob("*.md")} == before
    corpus = pm.load(out, cache=False)
    assert corpus.errors.empty and len(corpus.incidents) == len(files)
    assert set(corpus.sources["format"]) == {"canonical"}


def test_jira_follow_ups_join_incidents_already_in_the_folder(tmp_path, capsys):
    source = tmp_path / "src"
    source.mkdir()
    (source / "payment-webhooks.md").write_text(WEBHOOKS, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["import", str(source), "--to", str(out)]) == 0
    assert (
        capsys.readouterr()
        .out.strip()
        .endswith(f"1 new, 0 updated, 0 unchanged post-mortem(s) in {out}; 0 problem(s)")
    )
    tickets = tmp_path / "jira.csv"
    tickets.write_text(JIRA, encoding="utf-8")
    assert main(["import", str(tickets), "--to", str(out)]) == 0
    assert "0 new, 1 updated" in capsys.readouterr().out
    webhooks = pm.read(out / "payment-webhooks.md")
    actions = {a.id: a for a in webhooks.actions}
    assert actions["ops-7"].status == "done" and actions["ops-7"].owner == "Mo Ahmed"
    assert actions["ops-8"].status == "in_progress"
    assert [i.text for i in webhooks.items] == ["Scaling to zero should need a second approval."]
    assert main(["import", str(tickets), "--to", str(out)]) == 0
    assert "0 new, 0 updated, 1 unchanged" in capsys.readouterr().out


def test_section_map_file(tmp_path, capsys):
    source = tmp_path / "doc.md"
    source.write_text("# Doc\n\n## Oopsies\n\n- forgot the cert\n", encoding="utf-8")
    mapping = tmp_path / "map.yaml"
    mapping.write_text("Oopsies: lessons_learned\n", encoding="utf-8")
    assert main(["import", str(source), "--to", str(tmp_path / "out")]) == 1
    assert "not a post-mortem" in capsys.readouterr().out
    out = tmp_path / "out2"
    assert main(["import", str(source), "--to", str(out), "--section-map", str(mapping)]) == 0
    assert pm.read(out / "doc.md").items[0].section == "lessons_learned"


def test_import_names_every_file_it_skips(tmp_path, capsys):
    source = tmp_path / "src"
    source.mkdir()
    (source / "db.md").write_text("# DB down\n\n## Summary\n\nThe disk filled.\n")
    (source / "README.md").write_text("# About this folder\n")
    (source / "notes.csv").write_text("a,b\n1,2\n")
    result = pm.import_sources([source])
    assert [pm_.id for pm_ in result.postmortems] == ["db"]
    assert result.errors == ()
    skipped = {Path(p.source).name: p.message for p in result.skipped}
    assert "repository document" in skipped["README.md"]
    assert "not an export of a known format" in skipped["notes.csv"]
    assert main(["import", str(source), "--to", str(tmp_path / "out")]) == 0
    out = capsys.readouterr()
    assert "README.md: skipped: a repository document" in out.out + out.err
    assert "2 file(s) skipped" in out.out + out.err
