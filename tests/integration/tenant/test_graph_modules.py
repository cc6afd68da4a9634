"""Each Graph module through ansible-playbook: check mode, real run, rerun; state read back from the fake tenant."""
from __future__ import annotations

import pytest

G = "/beta/onPremisesPublishingProfiles/applicationProxy"


pytestmark = pytest.mark.usefixtures("clean_tenant")


def _membership(tenant_lab):
    state = tenant_lab.state()
    names = {g["id"]: g["name"] for g in state["groups"]}
    return {c["id"]: names[c["group_id"]] for c in state["connectors"]}


def test_connector_group_check_real_rerun(tenant_lab):
    before = tenant_lab.state()["groups"]

    check = tenant_lab.run("connector_group.yml", {"group_name": "Europe", "group_region": "eur"}, check=True)
    assert check.rc == 0, check.output
    assert check.results["group"]["changed"] is True
    assert check.results["group"]["diff"]["after"] == {"state": "present", "name": "Europe", "region": "eur"}
    assert tenant_lab.state()["groups"] == before

    real = tenant_lab.run("connector_group.yml", {"group_name": "Europe", "group_region": "eur"})
    assert real.rc == 0, real.output
    made = tenant_lab.group("Europe")
    assert made is not None and made["region"] == "eur" and made["isDefault"] is False
    assert real.results["group"]["group"]["id"] == made["id"]

    tenant_lab.admin.reset_counts()
    rerun = tenant_lab.run("connector_group.yml", {"group_name": "Europe", "group_region": "eur"})
    assert rerun.rc == 0, rerun.output
    assert rerun.results["group"]["changed"] is False
    assert tenant_lab.counts()["totals"]["graph_writes"] == 0
    assert [g for g in tenant_lab.state()["groups"] if g["name"] == "Europe"] == [made]


def test_region_change_refused_while_group_has_connectors(tenant_lab):
    tenant_lab.admin.seed(groups=[{"name": "Europe", "region": "eur"}],
                          connectors=[{"machineName": "eu1.contoso.example", "group": "Europe"}])

    run = tenant_lab.run("connector_group.yml", {"group_name": "Europe", "group_region": "nam"})

    assert run.rc == 2
    msg = run.results["group"]["msg"]
    assert msg.startswith("Cannot change the region of connector group 'Europe'")
    assert "eu1.contoso.example" in msg
    assert tenant_lab.group("Europe")["region"] == "eur"


def test_group_delete_rules_and_lifecycle(tenant_lab):
    tenant_lab.admin.seed(groups=[{"name": "Busy"}, {"name": "Spare"}],
                          connectors=[{"machineName": "busy1.contoso.example", "group": "Busy"}])

    default = tenant_lab.run("connector_group.yml", {"group_name": "Default", "group_state": "absent"})
    assert default.rc == 2
    assert "it is the tenant's default group" in default.results["group"]["msg"]

    busy = tenant_lab.run("connector_group.yml", {"group_name": "Busy", "group_state": "absent"})
    assert busy.rc == 2
    assert "busy1.contoso.example" in busy.results["group"]["msg"]
    assert tenant_lab.group("Busy") is not None

    check = tenant_lab.run("connector_group.yml", {"group_name": "Spare", "group_state": "absent"}, check=True)
    assert check.rc == 0 and check.results["group"]["changed"] is True
    assert tenant_lab.group("Spare") is not None

    real = tenant_lab.run("connector_group.yml", {"group_name": "Spare", "group_state": "absent"})
    assert real.rc == 0 and real.results["group"]["changed"] is True
    assert tenant_lab.group("Spare") is None

    rerun = tenant_lab.run("connector_group.yml", {"group_name": "Spare", "group_state": "absent"})
    assert rerun.rc == 0 and rerun.results["group"]["changed"] is False


def test_connector_group_member_check_real_rerun(tenant_lab):
    made = tenant_lab.admin.seed(
        groups=[{"name": "Europe", "region": "eur"}],
        connectors=[{"machineName": "eu1.contoso.example"},
                    {"machineName": "eu2.contoso.example", "status": "inactive"},   # reinstalled server:
                    {"machineName": "eu2.contoso.example", "status": "active"}])    # the active one is used
    eu1, eu2_old, eu2_new = (c["id"] for c in made["connectors"])
    start = _membership(tenant_lab)
    names = ["EU1.contoso.example", "eu2"]

    check = tenant_lab.run("connector_group_member.yml", {"member_names": names, "member_group": "Europe"}, check=True)
    assert check.rc == 0, check.output
    assert check.results["member"]["changed"] is True
    assert set(check.results["member"]["diff"]["after"]["connectors"].values()) == {"Europe"}
    assert _membership(tenant_lab) == start

    real = tenant_lab.run("connector_group_member.yml", {"member_names": names, "member_group": "Europe"})
    assert real.rc == 0, real.output
    after = _membership(tenant_lab)
    assert (after[eu1], after[eu2_new], after[eu2_old]) == ("Europe", "Europe", "Default")

    tenant_lab.admin.reset_counts()
    rerun = tenant_lab.run("connector_group_member.yml", {"member_names": names, "member_group": "Europe"})
    assert rerun.rc == 0, rerun.output
    assert rerun.results["member"]["changed"] is False
    assert tenant_lab.counts()["totals"]["graph_writes"] == 0
    assert _membership(tenant_lab) == after


def test_member_of_missing_group_fails_without_change(tenant_lab):
    tenant_lab.admin.seed(connectors=[{"machineName": "eu1.contoso.example"}])
    start = _membership(tenant_lab)

    run = tenant_lab.run("connector_group_member.yml", {"member_names": ["eu1.contoso.example"], "member_group": "Nowhere"})

    assert run.rc == 2
    assert run.results["member"]["msg"] == ("Connector group 'Nowhere' does not exist. Create it first with "
                                            "entra.app_proxy.connector_group.")
    assert _membership(tenant_lab) == start


def test_info_modules_match_the_tenant(tenant_lab):
    made = tenant_lab.admin.seed(
        groups=[{"name": "Europe", "region": "eur"}, {"name": "Asia", "region": "asia"}],
        connectors=[{"machineName": "eu1.contoso.example", "group": "Europe"},
                    {"machineName": "eu2.contoso.example", "group": "Europe", "status": "inactive"},
                    {"machineName": "as1.contoso.example", "group": "Asia"},
                    {"machineName": "lone.contoso.example"}])
    state = tenant_lab.state()
    group_names = {g["id"]: g["name"] for g in state["groups"]}

    run = tenant_lab.run("info.yml", {"info_machine_name": "as1", "info_group": "europe"})

    assert run.rc == 0, run.output
    listed = {c["id"]: c for c in run.results["all_connectors"]["connectors"]}
    assert set(listed) == {c["id"] for c in state["connectors"]}
    for connector in state["connectors"]:
        want = {"id": connector["group_id"], "name": group_names[connector["group_id"]]}
        assert listed[connector["id"]]["group"] == want
        assert listed[connector["id"]]["status"] == connector["status"]
    assert [c["id"] for c in run.results["one_connector"]["connectors"]] == [made["connectors"][2]["id"]]
    assert [c["machine_name"] for c in run.results["group_connectors"]["connectors"]] == ["eu1.contoso.example"]

    groups = {g["name"]: g for g in run.results["all_groups"]["groups"]}
    assert set(groups) == {"Default", "Europe", "Asia"}
    assert (groups["Europe"]["connector_count"], groups["Europe"]["active_connector_count"]) == (2, 1)
    assert groups["Asia"]["region"] == "asia" and groups["Default"]["is_default"] is True
    assert [c["machine_name"] for c in groups["Default"]["connectors"]] == ["lone.contoso.example"]
