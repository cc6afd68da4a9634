# -*- coding: utf-8 -*-
# Copyright (c) 2026 entra.app_proxy maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""entra.app_proxy.site on the lab: first run, state read back, second run changed=0, -vvvv without secrets; then
entra.app_proxy.decommission on one of the hosts site installed (the file's last tests: it removes the connector)."""
from __future__ import annotations

import copy
import datetime
import json

import pytest

import labkit

PLAYBOOK = "playbooks/site.yml"
# Lab seeds that cannot become connectors (lab_expect_preflight: fail in the lab inventory).
PREFLIGHT_FAILURES = labkit.unfit_hosts()
# What a host that failed preflight must still have exactly as seeded.
UNTOUCHED_KEYS = ("registry", "files", "services", "packages", "firewall_rules", "proxy", "domain", "certificates")


@pytest.fixture(scope="module")
def lab(module_lab):
    seeded = module_lab.states()
    with module_lab.tenant_up() as admin:
        admin.reset(tokens=False, seed=False)
        first = module_lab.lifecycle(PLAYBOOK)
        state1, counts1, trips1 = admin.state(), admin.counts(), module_lab.roundtrips()
        hosts1 = {h: module_lab.state(h) for h in first.recap if h in seeded}
        second = module_lab.lifecycle(PLAYBOOK)
        state2, counts2, trips2 = admin.state(), admin.counts(), module_lab.roundtrips()
        yield {"admin": admin, "seeded": seeded, "first": first, "second": second, "hosts1": hosts1,
               "state1": state1, "state2": state2, "counts1": counts1, "counts2": counts2,
               "trips1": trips1, "trips2": trips2}


def good_hosts(lab):
    return sorted(h for h in lab["first"].recap if h in lab["seeded"] and h not in PREFLIGHT_FAILURES)


def test_only_the_unready_hosts_fail(lab):
    recap = lab["first"].recap
    assert set(lab["seeded"]) <= set(recap), lab["first"].output[-3000:]
    failed = {h for h, c in recap.items() if c["failed"] or c["unreachable"]}
    assert failed == PREFLIGHT_FAILURES & set(recap), lab["first"].output[-5000:]
    assert len(good_hosts(lab)) >= 4


def test_unready_hosts_are_left_unchanged(lab):
    for host in sorted(PREFLIGHT_FAILURES & set(lab["seeded"])):
        before, after = lab["seeded"][host], lab["hosts1"][host]
        for key in UNTOUCHED_KEYS:
            assert after.get(key) == before.get(key), "%s: %s changed" % (host, key)
        assert not labkit.connectors_by_machine(lab["state2"]).get(labkit.machine_name(host, after))


def test_connectors_registered_active_and_grouped(lab):
    state = lab["state1"]
    groups = {}
    for host in good_hosts(lab):
        machine = labkit.machine_name(host, lab["hosts1"][host])
        connector = labkit.active_connector(state, machine)
        assert connector is not None, "%s: no single active connector for %s in %s" % (
            host, machine, json.dumps(state["connectors"], indent=1))
        want = labkit.hostvars(host).get("app_proxy_connector_group")
        assert want and connector["group_name"].lower() == want.lower(), (host, connector)
        groups.setdefault(want, []).append(machine)
    # Two connector groups, each with at least two active connectors (HA).
    assert len(groups) == 2
    assert all(len(members) >= 2 for members in groups.values()), groups


def test_hosts_hold_the_trust_the_tenant_issued(lab):
    for host in good_hosts(lab):
        state = lab["hosts1"][host]
        thumbprint = labkit.trust_thumbprint(state)
        assert thumbprint, host
        cert = state.get("certificates", {}).get("LocalMachine\\My", {}).get(thumbprint.upper())
        assert cert and "connectorregistrationca" in cert["issuer"], (host, cert)
        # Installed in the new layout, services running and automatic.
        services = {s["name"].lower(): s for s in state["services"].values()} if isinstance(state["services"], dict) \
            else {s["name"].lower(): s for s in state["services"]}
        for name in ("wapcsvc", "wapcupdatersvc"):
            assert services[name]["state"] == "running" and services[name]["start_mode"] == "auto", (host, name)
        assert any(k.lower().endswith("microsoft entra private network connector\\registerconnector.ps1")
                   for k in state["files"]), host


def test_old_layout_host_moved_to_the_new_layout(lab):
    state = lab["hosts1"]["win2022-oldconnector"]
    files = [k.lower() for k in state["files"]]
    assert not any("microsoft aad app proxy connector\\applicationproxyconnectorservice.exe" in f for f in files)
    assert any("microsoft entra private network connector\\microsoftentraprivatenetworkconnectorservice.exe" in f
               for f in files)


def test_second_run_changes_nothing(lab):
    second = lab["second"]
    for host in good_hosts(lab):
        counts = second.recap[host]
        assert counts["changed"] == 0 and counts["failed"] == 0, (host, counts, second.output[-4000:])
        trips = lab["trips2"]["hosts"].get(host, {})
        assert trips.get("downloads", 0) == 0, (host, trips)
    c1, c2 = lab["counts1"]["totals"], lab["counts2"]["totals"]
    assert c2["graph_writes"] == c1["graph_writes"], "the second run wrote to Graph"
    assert lab["state2"]["registrations_succeeded"] == lab["state1"]["registrations_succeeded"]
    assert lab["counts2"]["downloads_served"] == lab["counts1"]["downloads_served"]


def test_second_run_reads_each_host_once(lab):
    """A no-change rerun reads each host once: the preflight's read is the one shared snapshot, which only the
    roles that change the host take again (domain_join after a join, connector after an install)."""
    for host in good_hosts(lab):
        by_module = lab["trips2"]["hosts"][host]["by_module"]
        assert by_module.get("entra.app_proxy.server_info") == 1, (host, by_module)
        assert lab["trips1"]["hosts"][host]["by_module"].get("entra.app_proxy.server_info", 0) >= 2, host
        # At most 2 round trips per host, the KCD host included: its preflight read (as SYSTEM) holds its own
        # AD account, which shows the group and the delegation in place, so the AD host (domain_join_ad_host,
        # the KCD host itself in the lab) is not asked (issue 8).
        assert sum(by_module.values()) <= 2, (host, by_module)
        assert not [m for m in by_module if m.startswith("microsoft.ad.")], (host, by_module)


def test_second_run_state_is_the_same(lab, module_lab):
    for host in good_hosts(lab):
        before = copy.deepcopy(lab["hosts1"][host])
        after = module_lab.state(host)
        for key in ("registry", "files", "services", "certificates", "firewall_rules"):
            assert after.get(key) == before.get(key), "%s: %s changed on the second run" % (host, key)


def test_verbose_run_leaks_no_secret(lab, tmp_path, module_lab):
    """-vvvv with a forced registration: neither the tokens issued nor any password appear."""
    admin = lab["admin"]
    cache = tmp_path / "msal_token_cache.json"
    before = admin.state()["registrations_succeeded"]
    run = module_lab.lifecycle(PLAYBOOK, "-vvvv", "--limit", "win2022-clean,localhost",
                               "-e", "connector_registration_force=true",
                               "-e", "app_proxy_token_cache=true", "-e", "app_proxy_token_cache_path=%s" % cache)
    assert run.recap.get("win2022-clean", {}).get("failed") == 0, run.output[-4000:]
    assert admin.state()["registrations_succeeded"] == before + 1, "the -vvvv run did not register"
    # the registration ran as win_powershell with the token as a sensitive parameter, in this -vvvv output
    assert "win_powershell" in run.output and "Register the connector with the tenant" in run.output

    data = json.loads(cache.read_text())
    tokens = [e["secret"] for kind in ("AccessToken", "RefreshToken") for e in data.get(kind, {}).values()]
    assert tokens, "no token was cached, so the check would prove nothing"
    secrets = tokens + [module_lab.tenant_password(), labkit.JOIN_PASSWORD]
    files = [module_lab.state_dir / ("%s.json" % h) for h in lab["seeded"]]
    for secret in secrets:
        assert secret and len(secret) >= 8
        assert secret not in run.output, "a secret appears in the -vvvv output"
        for path in files:
            assert secret not in path.read_text(), "a secret was written to %s" % path.name


def test_verify_reports_connector_errors_of_this_run_only(lab, module_lab):
    """An error event logged after the run began fails verify; an older one is history, not reported."""
    host = "win2022-clean"
    path = module_lab.state_dir / ("%s.json" % host)
    state = json.loads(path.read_text())
    now = datetime.datetime.now(datetime.timezone.utc)
    stamp = "%Y-%m-%dT%H:%M:%SZ"
    log = "Microsoft-Microsoft Entra private network-Connector/Admin"
    state["event_log"] = [
        {"log": log, "id": 1000, "level": 2, "time": (now - datetime.timedelta(days=2)).strftime(stamp),
         "message": "Connector re-registration failed: an old failure that was already fixed."},
        # Stamped a minute ahead so it falls inside the run that starts now, whatever the timing.
        {"log": log, "id": 1000, "level": 2, "time": (now + datetime.timedelta(minutes=1)).strftime(stamp),
         "message": "Connector re-registration failed: The Connector trust certificate expired."},
    ]
    path.write_text(json.dumps(state))
    try:
        run = module_lab.lifecycle(PLAYBOOK, "--limit", host + ",localhost")
    finally:
        state = json.loads(path.read_text())
        state.pop("event_log", None)
        path.write_text(json.dumps(state))
    assert run.recap.get(host, {}).get("failed") == 1, run.output[-4000:]
    assert "error event 1000" in run.output and "trust certificate expired" in run.output, run.output[-4000:]
    assert "an old failure that was already fixed" not in run.output


# ------------------------------------------------------------------ decommission, after the site tests above
DECOMMISSIONED = "win2022-proxy"
RULE_GROUP = "Microsoft Entra private network connector (entra.app_proxy)"


@pytest.fixture(scope="module")
def decommissioned(lab, module_lab):
    """decommission, twice, on a host the first site run installed (the tests above no longer need it)."""
    assert DECOMMISSIONED in good_hosts(lab), lab["first"].output[-4000:]
    installed = module_lab.state(DECOMMISSIONED)
    limit = ("--limit", "%s,localhost" % DECOMMISSIONED, "-e", "connector_decommission_remove_folders=true")
    run = module_lab.lifecycle("playbooks/decommission.yml", *limit)
    after = module_lab.state(DECOMMISSIONED)
    again = module_lab.lifecycle("playbooks/decommission.yml", *limit)
    return {"installed": installed, "run": run, "after": after, "again": again, "tenant": lab["admin"].state()}


def test_connector_and_updater_uninstalled(decommissioned):
    assert decommissioned["run"].recap[DECOMMISSIONED]["failed"] == 0, decommissioned["run"].output[-4000:]
    assert {"wapcsvc", "wapcupdatersvc"} <= labkit.service_names(decommissioned["installed"])
    assert not {"wapcsvc", "wapcupdatersvc"} & labkit.service_names(decommissioned["after"])
    files = [k.lower() for k in decommissioned["after"]["files"]]
    assert not any("microsoft entra private network connector" in f for f in files), "folders left behind"


def test_our_firewall_rules_and_proxy_settings_removed(decommissioned):
    def ours(state):
        rules = state.get("firewall_rules", {})
        values = rules.values() if isinstance(rules, dict) else rules
        return [r for r in values if r.get("group") == RULE_GROUP]

    assert ours(decommissioned["installed"]), "site created no firewall rule, so the check would prove nothing"
    assert ours(decommissioned["after"]) == []
    assert decommissioned["installed"].get("proxy") != decommissioned["after"].get("proxy")


def test_tenant_keeps_the_connector_and_says_so(decommissioned):
    machine = labkit.machine_name(DECOMMISSIONED, decommissioned["after"])
    assert labkit.connectors_by_machine(decommissioned["tenant"]).get(machine)
    assert "10 days" in decommissioned["run"].output


def test_second_decommission_changes_nothing(decommissioned):
    counts = decommissioned["again"].recap[DECOMMISSIONED]
    assert counts["failed"] == 0 and counts["changed"] == 0, decommissioned["again"].output[-3000:]
