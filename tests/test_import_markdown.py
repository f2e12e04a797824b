"""The Markdown importer: real post-mortems from another team, and each supported template."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pandas as pd
import pytest

import pmanalytics as pm
from pmanalytics.ingest.markdown import parse_markdown, read_markdown

FIXTURES = Path(__file__).parent / "fixtures" / "markdown"


# --------------------------------------------------------------------------- the dfds corpus


def _documents(folder: Path) -> list[Path]:
    """Every post-mortem in the shared corpus: all files but its LICENSE and SOURCE.md."""
    return sorted(p for p in folder.iterdir() if p.name not in ("LICENSE", "SOURCE.md"))


@pytest.fixture(scope="module")
def dfds(dfds_folder, tmp_path_factory) -> pm.Corpus:
    cache = tmp_path_factory.mktemp("cache")
    return pm.load(_documents(dfds_folder), cache=cache, templates=True)


def test_every_dfds_document_imports_with_zero_errors(dfds, dfds_folder):
    documents = _documents(dfds_folder)
    assert len(documents) == 40  # the post-mortems and their blank template
    assert [p for p in documents if p.suffix != ".md"]  # files without the extension, too
    assert dfds.errors.empty, dfds.errors.to_string()
    assert len(dfds.incidents) == 40
    assert set(dfds.sources["format"]) == {"markdown"}
    # loading the folder itself reads every post-mortem, with or without the extension, and
    # reports what it leaves out and why: the repository's documents and the blank template
    folder = pm.load(dfds_folder, cache=False)
    assert folder.errors.empty, folder.errors.to_string()
    assert len(folder.incidents) == len(documents) - 1
    left_out = {
        Path(p).name: m
        for p, m in zip(folder.warnings["path"], folder.warnings["message"], strict=True)
    }
    assert "repository document" in left_out["LICENSE"]
    assert "repository document" in left_out["SOURCE.md"]
    assert "blank template" in left_out["PMyyyy-nnn - Postmortem template.md"]


def test_dfds_pm2021_005_facts(dfds):
    incident_id = "pm2021-005-all-services-returning-503-in-kubernetes"
    row = dfds.incidents.set_index("incident_id").loc[incident_id]
    assert row["title"] == "All services returning 503 in Kubernetes"
    assert row["time_to_detect_min"] == 8
    assert row["time_to_resolve_min"] == 25
    assert row["started_at"] == pd.Timestamp("2021-06-22 08:21", tz="UTC")
    assert row["tags"] == ["Kubernetes"]
    timeline = dfds.timeline[dfds.timeline["incident_id"] == incident_id]
    assert len(timeline) == 7
    first, last = timeline.iloc[0], timeline.iloc[-1]
    assert (first["at"], first["text"]) == (
        pd.Timestamp("2021-06-22 08:21", tz="UTC"),
        "VPC CNI replaced by the pipeline",
    )
    assert last["text"] == "Target groups reattached to the ALB by the pipeline (resolved)"
    assert last["kind"] == "resolution"
    actions = dfds.actions[dfds.actions["incident_id"] == incident_id]["title"].tolist()
    assert actions == [
        "Revert to default of 300 seconds for de-registration delay on the ALBs",
        "Update roll-over script to temporarily set de-registration delay to zero on ALBs "
        "prior to roll-over",
        "Create ingress test suite",
    ]
    items = dfds.items[dfds.items["incident_id"] == incident_id]
    assert (items["section"] == "lessons_learned").sum() == 4
    factors = items[items["heading"] == "Contributing factors"]["text"].tolist()
    assert factors[1] == "Replacement of essential network component."
    people = dfds.participants[dfds.participants["incident_id"] == incident_id]["name"]
    assert people.tolist() == ["RF", "PW", "RR", "AN", "EC", "SD", "WC"]
    source = dfds.sources.set_index("incident_id").loc[incident_id]
    assert "Stats -> stats" in source["recognised"] and source["leftover"] == []


def test_dfds_zones_hours_and_nested_actions(dfds_folder):
    folder = dfds_folder
    # "All times in CET." in January: UTC+1
    kiam = read_markdown(folder / "PM2020-002 - KIAM service disruption on Hellman.md").postmortem
    assert kiam.timeline[0].at == datetime(2020, 1, 21, 15, 36, tzinfo=timezone(timedelta(hours=1)))
    assert kiam.timeline[0].text == "Certificate for KIAM server expires"
    # "Time to detection: 7 hours"; nested action bullets keep their parent
    ami = read_markdown(folder / "PM2022-009 - Bad AWS EKS AMI causing Kubernetes issues")
    assert ami.postmortem.time_to_detect == timedelta(hours=7)
    parent, child = ami.postmortem.actions[0], ami.postmortem.actions[1]
    assert parent.title == "Improve coverage of readiness/liveness probes"
    assert child.extra["parent"] == parent.id
    # a typo'd heading is still recognised; an unparseable time is reported, not fatal
    adsync = read_markdown(folder / "PM2020-003 - Postmortem for ADSync migration.md")
    assert (14, "timeline row without a date or time: '20202-01-16 12:00'") in adsync.report.notes


def test_dfds_totals_are_plausible(dfds):
    # what the importer read from 40 documents (printed in the closing note of the issue)
    assert len(dfds.incidents) == 40
    assert len(dfds.items) >= 200 and len(dfds.actions) >= 120 and len(dfds.timeline) >= 350
    with_times = dfds.incidents["time_to_resolve_min"].notna().sum()
    assert with_times >= 28


# --------------------------------------------------------------------------- templates


def test_google_sre_template():
    result = read_markdown(FIXTURES / "google-sre-shakespeare.md")
    p = result.postmortem
    assert p.title == "Shakespeare Sonnet++ Postmortem (incident #465)"
    assert p.summary.startswith("Shakespeare Search down for 66 minutes")
    assert p.impact.text == "Estimated 1.21B queries lost, no revenue impact."
    assert p.started_at == datetime(2015, 10, 21, 14, 54, tzinfo=UTC)  # OUTAGE BEGINS
    assert p.detected_at == datetime(2015, 10, 21, 14, 55, tzinfo=UTC)  # pager storm
    assert p.mitigated_at == datetime(2015, 10, 21, 15, 20, tzinfo=UTC)  # OUTAGE MITIGATED
    assert p.resolved_at == datetime(2015, 10, 21, 16, 0, tzinfo=UTC)  # OUTAGE ENDS
    by_heading = {(i.section, i.heading) for i in p.items}
    assert ("went_well", None) in by_heading
    assert ("lessons_learned", "What went wrong") in by_heading
    assert ("lessons_learned", "Where we got lucky") in by_heading
    assert {"Root Causes", "Trigger", "Resolution", "Detection"} <= {
        i.heading for i in p.items if i.section == "other"
    }
    actions = {a.title: a for a in p.actions}
    playbook = actions["Update playbook with instructions for responding to cascading failure"]
    assert (playbook.status, playbook.kind, playbook.owner, playbook.link) == (
        "done",
        "mitigate",
        "jennifer",
        None,
    )
    flux = actions["Use flux capacitor to balance load between clusters"]
    assert (flux.status, flux.kind, flux.link) == ("open", "prevent", "Bug 5554823")
    assert "**Date:** 2015-10-21" in p.extra["preamble"]
    assert result.report.leftover == ()


def test_pagerduty_atlassian_style():
    result = read_markdown(FIXTURES / "pagerduty-style.md")
    p = result.postmortem
    pst = timezone(timedelta(hours=-7))  # "All times in PST" in March, after the DST switch
    assert p.started_at == datetime(2024, 3, 12, 14, 10, tzinfo=pst)
    assert p.time_to_detect == timedelta(minutes=9)
    assert p.time_to_resolve == timedelta(minutes=47)
    assert [e.kind for e in p.timeline] == [
        None,
        "detection",
        "escalation",
        "mitigation",
        "resolution",
    ]
    headings = {i.heading for i in p.items}
    assert {"Contributing factors", "Detection", "Response", "Recovery", "Five whys"} <= headings
    actions = {a.title: a for a in p.actions}
    assert actions["Give the shared config file an owner"].status == "done"
    assert actions["Give the shared config file an owner"].owner == "dana"
    assert actions["Give the shared config file an owner"].due == date(2024, 3, 20)
    assert actions["Run load tests against three pods"].owner == "Lee"
    assert actions["Run load tests against three pods"].due == date(2024, 4, 15)
    assert actions["Alert on pool saturation"].status == "done"  # struck through
    canary = actions["Add a canary stage"]
    assert (canary.status, canary.link) == (
        "in_progress",
        "https://jira.example.com/browse/PAY-881",
    )
    assert (p.participants[0].name, p.participants[0].role) == ("Dana Whitfield", "facilitator")
    assert p.summary.count("\n\n") == 1  # Overview and What happened, in order


def test_seed_template_with_setext_emoji_numbering_and_h4():
    result = read_markdown(FIXTURES / "seed-template-headings.md")
    p = result.postmortem
    assert p.title == "Payment webhooks delayed"
    assert p.summary.startswith("Webhook deliveries queued")
    sections = [i.section for i in p.items]
    assert sections == [
        "went_well",
        "went_well",
        "lessons_learned",
        "future_considerations",
        "ongoing_problem",
    ]
    [action] = p.actions
    assert (action.title, action.owner, action.due) == (
        "Add a queue-age alert",
        "mo",
        date(2025, 2, 1),
    )


def test_one_heading_per_time_with_a_stated_zone_and_midnight_rollover():
    p = read_markdown(FIXTURES / "timeline-per-heading.md").postmortem
    pst = timezone(timedelta(hours=-8))
    assert [e.at for e in p.timeline] == [
        datetime(2018, 2, 22, 16, 30, tzinfo=pst),
        datetime(2018, 2, 22, 16, 32, tzinfo=pst),
        datetime(2018, 2, 22, 16, 45, tzinfo=pst),
        datetime(2018, 2, 22, 23, 50, tzinfo=pst),
        datetime(2018, 2, 23, 0, 20, tzinfo=pst),
    ]
    assert p.timeline[1].text == "Health checks start failing; pager fires."


def test_other_tools_front_matter_is_mapped_and_the_rest_kept():
    result = read_markdown(FIXTURES / "other-tool-front-matter.md")
    p = result.postmortem
    assert p.title == "Search index corruption"
    assert p.started_at == datetime(2023, 7, 4, 7, 15, tzinfo=UTC)
    assert p.time_to_resolve == timedelta(hours=4, minutes=25)
    assert p.tags == ("search", "data", "elasticsearch", "snapshot")
    assert p.services == ("search-api",)
    assert p.summary == "A snapshot restore overwrote the live index."
    assert p.extra["company"] == "Example Corp" and p.extra["reviewers"] == ["ana", "bo"]
    assert result.report.leftover == ("Appendix: raw logs",)
    assert "09:15 restore started" in p.extra["sections"]["Appendix: raw logs"]


def test_timeline_bullets_with_time_only_use_the_date_in_the_file_name():
    text = "# DNS outage\n\n## Timeline\n\n- 14:02 UTC - alert fired\n- 14:30 UTC - resolved\n"
    p = parse_markdown(text, path="2018-02-22-dns-outage.md").postmortem
    assert p.id == "2018-02-22-dns-outage"
    assert [(e.at, e.text) for e in p.timeline] == [
        (datetime(2018, 2, 22, 14, 2, tzinfo=UTC), "alert fired"),
        (datetime(2018, 2, 22, 14, 30, tzinfo=UTC), "resolved"),
    ]
    assert p.time_to_resolve == timedelta(minutes=28)


def test_section_map_overrides_the_table():
    text = "# X\n\n## Oopsies\n\n- we forgot the cert\n"
    with pytest.raises(pm.IngestError, match="no section this importer knows"):
        parse_markdown(text)
    p = parse_markdown(text, section_map={"Oopsies": "lessons_learned"}).postmortem
    assert [(i.section, i.text) for i in p.items] == [("lessons_learned", "we forgot the cert")]
    with pytest.raises(ValueError, match=r"section_map\['Oopsies'\] must be one of"):
        parse_markdown(text, section_map={"Oopsies": "nonsense"})


def test_load_passes_section_map_and_keys_the_cache_on_it(tmp_path):
    folder = tmp_path / "pms"
    folder.mkdir()
    (folder / "a.md").write_text("# A\n\n## Oopsies\n\n- x\n\n## Summary\n\ns\n", encoding="utf-8")
    cache = tmp_path / "cache"
    plain = pm.load(folder, cache=cache)
    mapped = pm.load(folder, cache=cache, section_map={"oopsies": "went_well"})
    assert plain.items.empty and plain.sources["leftover"].iloc[0] == ["Oopsies"]
    assert mapped.items["section"].tolist() == ["went_well"]


def test_importing_is_deterministic(tmp_path):
    first = read_markdown(FIXTURES / "pagerduty-style.md").postmortem
    second = read_markdown(FIXTURES / "pagerduty-style.md").postmortem
    assert first == second
    assert [a.id for a in first.actions] == [a.id for a in second.actions]


def test_an_imported_post_mortem_writes_and_reads_back_canonically(tmp_path):
    imported = read_markdown(FIXTURES / "google-sre-shakespeare.md").postmortem
    path = pm.write(imported, tmp_path)
    assert pm.read(path) == imported
    [source] = pm.load(tmp_path, cache=False).sources["format"]
    assert source == "canonical"


def test_front_matter_goes_through_the_records_mapping_and_keeps_what_it_cannot_read():
    result = parse_markdown(
        "---\ntitle: A\ndate: 2024-05-01\nend: not a date\nid: INC 42\n---\n\n## Summary\n\nx\n"
    )
    p = result.postmortem
    assert (p.id, p.started_at) == ("inc-42", datetime(2024, 5, 1, tzinfo=UTC))
    assert p.resolved_at is None
    assert p.extra == {"source_id": "INC 42", "end": "not a date", "started_at_precision": "day"}
    [(line, message)] = result.report.notes
    assert line is None
    assert message.startswith("front matter: resolved_at: cannot read a date and time from")


def test_front_matter_keys_any_case_unused_aliases_and_statuses_are_kept():
    text = (
        "---\nTitle: Disk full\nname: db-disk\nDate: 2023-03-14\nstatus: Complete\n"
        "reviewer:\nsummary: From the front matter.\n---\n\n## Summary\n\nFrom the body.\n\n"
        "## Timeline\n\nAll times in AEDT.\n\n- 09:15 disk alert fired\n- 10:00 resolved\n"
    )
    result = parse_markdown(text)
    p = result.postmortem
    assert p.title == "Disk full" and p.status == "reviewed"
    assert p.extra["name"] == "db-disk" and p.extra["reviewer"] is None
    assert p.summary == "From the body."
    assert p.extra["front_matter_summary"] == "From the front matter."
    # a date-only front-matter date gives the day; the timeline gives the times, in AEDT
    aedt = timezone(timedelta(hours=11))
    assert p.started_at == datetime(2023, 3, 14, 9, 15, tzinfo=aedt)
    assert p.time_to_resolve == timedelta(minutes=45)
    odd = parse_markdown("---\ntitle: t\nstatus: Blocked\n---\n\n## Summary\n\nx\n")
    assert odd.postmortem.status == "draft" and odd.postmortem.extra["status"] == "Blocked"
    assert "status 'Blocked' is not one of" in odd.report.notes[0][1]


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # a range is not a UTC offset
        (["- 10:05-10:30 elevated 5xx", "- 10:40 resolved"], [(10, 5), (10, 40)]),
        # "est." in prose and "in IST" in an entry are not zone statements
        (
            [
                "- 10:00 deploy",
                "- 10:20 rollback started, recovery time est. 20 minutes",
                "- 10:25 Handed over to the team in IST",
            ],
            [(10, 0), (10, 20), (10, 25)],
        ),
        # month-name and slash dates, and a date line heading the entries below it
        (
            ["- June 22, 2021 11:50 PM - backups stop", "- June 23, 2021 00:10 - noticed"],
            [(23, 50), (0, 10)],
        ),
        (["**February 22, 2022**", "", "- 13:42 deploy", "- 13:50 alert"], [(13, 42), (13, 50)]),
    ],
)
def test_timeline_lines_in_many_shapes(lines, expected):
    text = "# Outage\n\n## Timeline\n\n" + "\n".join(lines) + "\n"
    p = parse_markdown(text, path="2024-05-01-outage.md").postmortem
    assert [(e.at.hour, e.at.minute) for e in p.timeline] == expected
    assert {e.at.utcoffset() for e in p.timeline} == {timedelta(0)}
    assert "timeline_unparsed" not in p.extra


def test_a_date_in_the_h1_title_dates_a_time_only_timeline():
    p = parse_markdown("# 2019-07-02 WAF outage\n\n## Timeline\n\n- 13:42 deploy\n").postmortem
    assert p.timeline[0].at == datetime(2019, 7, 2, 13, 42, tzinfo=UTC)
    assert p.title == "2019-07-02 WAF outage"


def test_an_h1_that_starts_with_a_section_word_is_the_title():
    text = "# Summary of the Amazon S3 Service Disruption\n\nIntro.\n\n## Impact\n\nBig.\n"
    p = parse_markdown(text).postmortem
    assert p.title == "Summary of the Amazon S3 Service Disruption"
    assert p.summary == "Intro." and p.impact.text == "Big."


@pytest.mark.parametrize(
    ("bullet", "title", "owner", "status", "link"),
    [
        ("Add owner-tag validation", "Add owner-tag validation", None, None, None),
        ("Pause the nightly job (@maria)", "Pause the nightly job", "maria", None, None),
        (
            "[INFRA-9](https://jira.example.com/INFRA-9) Add health check",
            "INFRA-9 Add health check",
            None,
            None,
            "https://jira.example.com/INFRA-9",
        ),
        ("**Investigate** cache warming", "Investigate cache warming", None, None, None),
        ("Done-ness criteria for rollouts", "Done-ness criteria for rollouts", None, None, None),
        (
            "Patch the proxy, see https://vendor.example.com/issues/1.",
            "Patch the proxy, see",
            None,
            None,
            "https://vendor.example.com/issues/1",
        ),
        ("**Monitor disks**: add an alert at 85%", "Monitor disks", None, None, None),
    ],
)
def test_action_bullets_are_read_without_mangling(bullet, title, owner, status, link):
    text = f"# X\n\n## Action items\n\nWe will track these in Jira:\n\n- {bullet}\n"
    result = parse_markdown(text)
    [action] = result.postmortem.actions
    assert (action.title, action.owner, action.link) == (title, owner, link)
    assert action.status == (status or "open")
    assert result.postmortem.extra["actions_notes"] == ["We will track these in Jira:"]


def test_action_table_keeps_what_it_cannot_map():
    text = (
        "# X\n\n## Action items\n\n| Action | Status | Due |\n|---|---|---|\n"
        "| Rotate keys | Blocked on vendor | Q3 2023 |\n"
    )
    [action] = parse_markdown(text).postmortem.actions
    assert action.status == "open" and action.due is None
    assert action.extra == {"status_text": "Blocked on vendor", "due_text": "Q3 2023"}


def test_event_kinds_and_participants_with_roles():
    text = (
        "# X\n\n## Timeline\n\n- 2024-01-01 10:00 Status page updated\n"
        "- 2024-01-01 10:05 Rolled back; errors not yet resolved\n"
        "- 2024-01-01 10:30 Errors resolved\n\n"
        "## Attendees\n\n- Incident Commander: Maria Lopez\n- Tom (scribe), Ana\n"
    )
    p = parse_markdown(text).postmortem
    assert [e.kind for e in p.timeline] == ["communication", "mitigation", "resolution"]
    assert p.resolved_at == datetime(2024, 1, 1, 10, 30, tzinfo=UTC)
    assert [(x.name, x.role) for x in p.participants] == [
        ("Maria Lopez", "responder"),
        ("Tom", "scribe"),
        ("Ana", "participant"),
    ]


def test_bold_labels_of_known_parts_act_as_headings():
    text = (
        "# Shakespeare Sonnet++ Postmortem\n\n**Date:** 2015-10-21\n\n"
        "**Summary:** Search down for 66 minutes.\n\n**Impact:** 1.21B queries lost.\n\n"
        "**Root Causes:** A resource leak under load.\n"
    )
    p = parse_markdown(text).postmortem
    assert p.summary == "Search down for 66 minutes."
    assert p.impact.text == "1.21B queries lost."
    assert [(i.heading, i.text) for i in p.items] == [
        ("Root Causes", "A resource leak under load.")
    ]
    assert p.extra["preamble"] == "**Date:** 2015-10-21"
