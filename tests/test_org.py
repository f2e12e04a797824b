"""The organisation from a Backstage catalog, and incidents rolled up its hierarchy."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pmanalytics import PMError
from pmanalytics.org import NOT_IN_CATALOG, Org, OrgError, read_org, rollup

CATALOG = Path(__file__).parent / "fixtures" / "backstage"


@pytest.fixture(scope="module")
def org():
    return read_org(CATALOG)


def test_the_catalog_gives_three_levels_and_service_owners(org):
    assert org.chain("payments") == ("payments", "commerce", "engineering")
    assert org.chain("sre") == ("sre", "platform", "engineering")
    assert org.types["engineering"] == "department" and org.types["checkout"] == "team"
    assert dict(org.owners) == {"payments-api": "payments", "cart": "checkout", "k8s": "sre"}
    assert org.children("commerce") == ("checkout", "payments")
    assert org.services_of("commerce") == ("cart", "payments-api")
    assert org.services_of("engineering") == ("cart", "k8s", "payments-api")
    with pytest.raises(TypeError):
        org.owners["k8s"] = "someone"  # immutable


def test_incidents_roll_up_once_per_group_as_computed_by_hand(org):
    incidents = pd.DataFrame(
        {
            "teams": [["payments"], ["payments", "checkout"], [], ["sre"], ["nightshift"]],
            "services": [["payments-api"], ["cart"], ["k8s"], ["cart"], []],
        }
    )
    # By hand: 1 -> payments; 2 -> payments, checkout; 3 -> sre (owner of k8s);
    # 4 -> sre, checkout (owner of cart); 5 -> nightshift (not in the catalog).
    # commerce: 1, 2, 4 (2 once although two of its teams); platform: 3, 4; engineering: 1-4.
    expected = {
        "engineering": 4,
        "commerce": 3,
        "platform": 2,
        "payments": 2,
        "checkout": 2,
        "sre": 2,
        "nightshift": 1,
    }
    table = rollup(incidents, org)
    assert dict(zip(table["group"], table["incidents"], strict=True)) == expected
    assert table["group"].tolist()[:3] == ["engineering", "nightshift", "commerce"]
    row = table.set_index("group")
    assert row.loc["commerce", "type"] == "group" and row.loc["commerce", "parent"] == "engineering"
    assert row.loc["payments", "depth"] == 2
    assert row.loc["nightshift", "type"] == NOT_IN_CATALOG


def test_a_rollup_over_no_incidents_lists_every_group_at_zero(org):
    table = rollup(pd.DataFrame({"teams": [], "services": []}), org)
    assert len(table) == 6 and table["incidents"].sum() == 0


@pytest.mark.parametrize(
    ("entities", "message"),
    [
        ([{"kind": "Group", "metadata": {"name": "a"}, "spec": {"parent": "nowhere"}}],
         "group 'a' has parent 'nowhere', which is not a Group"),
        ([{"kind": "Group", "metadata": {"name": "a"}, "spec": {"parent": "b"}},
          {"kind": "Group", "metadata": {"name": "b"}, "spec": {"parent": "a"}}],
         "form a cycle"),
        ([{"kind": "Component", "spec": {"owner": "a"}}], "has no metadata.name"),
    ],
)  # fmt: skip
def test_an_inconsistent_catalog_is_reported(entities, message):
    with pytest.raises(PMError, match=message):
        Org.from_entities(entities)


def test_unreadable_catalogs_are_reported(tmp_path):
    (tmp_path / "bad.yaml").write_text("kind: [unclosed\n", encoding="utf-8")
    with pytest.raises(OrgError, match="not readable YAML"):
        read_org(tmp_path)
    with pytest.raises(OrgError, match="'paths' must be catalog files or folders"):
        read_org(tmp_path / "missing.yaml")
