# -*- coding: utf-8 -*-
# Copyright (c) 2026 entra.app_proxy maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""entra.app_proxy.decommission on the lab: connector and updater gone, our firewall rules and proxy
settings removed, the tenant keeps the connector (no delete API), and a rerun changes nothing."""
from __future__ import annotations

import pytest

import labkit

HOST = "win2022-proxy"
LAB_HOSTS = (HOST,)  # the hosts module_lab resets
RULE_GROUP = "Microsoft Entra private network connector (entra.app_proxy)"


@pytest.fixture(scope="module")
def lab(module_lab):
    with module_lab.tenant_up() as admin:
        admin.reset(tokens=False, seed=False)
        site = module_lab.lifecycle("playbooks/site.yml", "--limit", "%s,localhost" % HOST)
        assert site.recap[HOST]["failed"] == 0, site.output[-4000:]
        installed = module_lab.state(HOST)
        run = module_lab.lifecycle("playbooks/decommission.yml", "--limit", "%s,localhost" % HOST,
                                   "-e", "connector_decommission_remove_folders=true")
        after = module_lab.state(HOST)
        again = module_lab.lifecycle("playbooks/decommission.yml", "--limit", "%s,localhost" % HOST,
                                     "-e", "connector_decommission_remove_folders=true")
        yield {"admin": admin, "installed": installed, "run": run, "after": after, "again": again,
               "tenant": admin.state()}


def _services(state):
    values = state["services"].values() if isinstance(state["services"], dict) else state["services"]
    return {s["name"].lower() for s in values}


def test_connector_and_updater_uninstalled(lab):
    assert lab["run"].recap[HOST]["failed"] == 0, lab["run"].output[-4000:]
    assert {"wapcsvc", "wapcupdatersvc"} <= _services(lab["installed"])
    assert not {"wapcsvc", "wapcupdatersvc"} & _services(lab["after"])
    files = [k.lower() for k in lab["after"]["files"]]
    assert not any("microsoft entra private network connector" in f for f in files), "folders left behind"


def test_our_firewall_rules_and_proxy_settings_removed(lab):
    def ours(state):
        rules = state.get("firewall_rules", {})
        values = rules.values() if isinstance(rules, dict) else rules
        return [r for r in values if r.get("group") == RULE_GROUP]

    assert ours(lab["installed"]), "site created no firewall rule, so the check would prove nothing"
    assert ours(lab["after"]) == []
    assert lab["installed"].get("proxy") != lab["after"].get("proxy")


def test_tenant_keeps_the_connector_and_says_so(lab):
    machine = labkit.machine_name(HOST, lab["after"])
    assert labkit.connectors_by_machine(lab["tenant"]).get(machine)
    assert "10 days" in lab["run"].output


def test_second_decommission_changes_nothing(lab):
    counts = lab["again"].recap[HOST]
    assert counts["failed"] == 0 and counts["changed"] == 0, lab["again"].output[-3000:]


OLD_HOST = "win2022-oldconnector"


def test_decommission_removes_a_version_the_current_installer_does_not_own(make_lab):
    """S2: the lab's current installer is a newer version than the old-layout connector installed here, and
    a bundle's /uninstall removes only its own version; the Add/Remove Programs entries remove both products."""
    module_lab = make_lab(OLD_HOST)
    installed = module_lab.state(OLD_HOST)
    assert {"wapcsvc", "wapcupdatersvc"} <= _services(installed)
    with module_lab.tenant_up():
        run = module_lab.lifecycle("playbooks/decommission.yml", "--limit", "%s,localhost" % OLD_HOST)
    assert run.recap[OLD_HOST]["failed"] == 0, run.output[-4000:]
    after = module_lab.state(OLD_HOST)
    assert not {"wapcsvc", "wapcupdatersvc"} & _services(after)
    assert not [p for p in after["packages"].values() if "connector" in p["name"].lower()], after["packages"]
    uninstalled = [e for e in after["history"] if e["event"] == "uninstall"]
    assert sorted((e["product"], e["layout"]) for e in uninstalled) == [("connector", "old"), ("updater", "old")]
    assert after["downloads"]["count"] == installed["downloads"]["count"], "no installer is fetched to uninstall"
