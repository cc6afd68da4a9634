# -*- coding: utf-8 -*-
# Copyright (c) 2026 entra.app_proxy maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The README's main job on the lab (tools/lab.sh): site twice, checked, and a summary.

1. reset the lab hosts, start the fake tenant;
2. run entra.app_proxy.site: every host that passes preflight must end registered, active and in its
   group, and only the hosts the lab marks as failing preflight may fail;
3. run it again: changed=0 everywhere, no download, no registration, no Graph write;
4. check the applications of lifecycle/lab_vars.yml: published in their groups, the Kerberos one with its SPN in the
   tenant AND on the KCD host's computer account in AD (one variable, both halves of KCD);
5. print per-host results, the tenant's groups and connectors, each application's external URL, group and
   single sign-on mode (admin view) and round trips per host.

Exit status 0 only when every check passed.
"""
from __future__ import annotations

import sys

import yaml

import labkit

PLAYBOOK = "playbooks/site.yml"


def check_first_run(lab: labkit.Lab, run: labkit.Run, state: dict, problems: list[str]) -> set[str]:
    hosts = set(run.recap)
    failed = run.failed_hosts()
    # the seeds that cannot become connectors: lab_expect_preflight: fail in the lab inventory
    expected = labkit.unfit_hosts() & hosts
    if not hosts:
        problems.append("first run: no PLAY RECAP (rc %d)" % run.rc)
        return set()
    if failed != expected:
        problems.append("first run: failed hosts %s, expected exactly %s" % (sorted(failed), sorted(expected)))
    good = hosts - failed
    for host in sorted(good):
        host_file = lab.state(host)
        machine = labkit.machine_name(host, host_file)
        connector = labkit.active_connector(state, machine)
        if connector is None:
            problems.append("%s: the tenant has no single active connector for %s" % (host, machine))
            continue
        want = labkit.hostvars(host).get("app_proxy_connector_group")
        if want and (connector["group_name"] or "").lower() != want.lower():
            problems.append("%s: connector in group %s, expected %s" % (host, connector["group_name"], want))
        if not labkit.trust_thumbprint(host_file):
            problems.append("%s: no TrustSettings.xml on the host" % host)
    for host in sorted(expected):
        if labkit.connectors_by_machine(state).get(labkit.machine_name(host, lab.state(host))):
            problems.append("%s failed preflight but the tenant has a connector for it" % host)
    return good


KCD_HOST = "win2019-kcd"


def lab_applications() -> list[dict]:
    return yaml.safe_load(labkit.LAB_VARS.read_text()).get("app_proxy_applications") or []


def check_applications(lab: labkit.Lab, state: dict, problems: list[str]) -> None:
    published = {a["displayName"]: a for a in state.get("published", [])}
    for wanted in lab_applications():
        app = published.get(wanted["name"])
        if app is None or not app.get("externalUrl"):
            problems.append("application %s was not published" % wanted["name"])
            continue
        if (app["connectorGroup"] or "").lower() != wanted["connector_group"].lower():
            problems.append("application %s is in group %s, expected %s"
                            % (wanted["name"], app["connectorGroup"], wanted["connector_group"]))
        want_sso = "onPremisesKerberos" if wanted.get("kerberos_spn") else "none"
        if app["singleSignOnMode"] != want_sso or app["kerberosServicePrincipalName"] != wanted.get("kerberos_spn"):
            problems.append("application %s has single sign-on %s/%s, expected %s/%s" % (
                wanted["name"], app["singleSignOnMode"], app["kerberosServicePrincipalName"], want_sso,
                wanted.get("kerberos_spn")))
    spns = [a["kerberos_spn"] for a in lab_applications() if a.get("kerberos_spn")]
    account = kcd_account(lab)
    delegated = (account or {}).get("attributes", {}).get("msds-allowedtodelegateto", [])
    if spns and sorted(delegated) != sorted(spns):
        problems.append("%s may delegate to %s in AD, expected %s" % (KCD_HOST, delegated, spns))


def publish_requests(counts1: dict, counts2: dict) -> int:
    """Graph requests of the application endpoints made by the second run."""
    keys = [k for k in counts2["endpoints"] if "/applications" in k or "servicePrincipals" in k or "/domains" in k]
    return sum(counts2["endpoints"][k] - counts1["endpoints"].get(k, 0) for k in keys)


def kcd_account(lab: labkit.Lab) -> dict | None:
    if not lab.path("_domains.json").exists():
        return None
    return lab.domains().get("contoso.example", {}).get("computers", {}).get(KCD_HOST)


def check_second_run(run: labkit.Run, before: dict, after: dict, trips: dict, good: set[str],
                     problems: list[str], notes: list[str]) -> None:
    for host in sorted(good):
        counts = run.recap.get(host)
        if counts is None or counts["failed"] or counts["changed"]:
            problems.append("second run: %s reported %s, expected changed=0 failed=0" % (host, counts))
        host_trips = trips["hosts"].get(host, {})
        if host_trips.get("downloads", 0):
            problems.append("second run: %s downloaded the installer again" % host)
        if host_trips.get("modules", 0) > 10:
            # DESIGN.md section 8 budget; tests/benchmarks/site_scale.py enforces it, the main job reports it.
            notes.append("second run: %s made %d round trips (budget 10): %s" % (
                host, host_trips["modules"], ", ".join("%s %d" % (m.split(".")[-1], n) for m, n in
                                                       sorted(host_trips.get("by_module", {}).items()))))
    if after["registrations_succeeded"] != before["registrations_succeeded"]:
        problems.append("second run registered connectors again")
    writes = labkit.graph_writes(after["counts"]) - labkit.graph_writes(before["counts"])
    if writes:
        problems.append("second run made %d Graph writes" % writes)


def summary(lab: labkit.Lab, first: labkit.Run, second: labkit.Run, state: dict, trips1: dict, trips2: dict) -> str:
    lines = ["", "== hosts (first run / second run) =="]
    for host in sorted(first.recap):
        c1, c2 = first.recap[host], second.recap.get(host, {})
        status = "FAILED (left unchanged)" if c1["failed"] or c1["unreachable"] else "ok"
        lines.append("  %-22s %-24s changed %s/%s  round trips %s/%s" % (
            host, status, c1["changed"], c2.get("changed", "-"),
            trips1["hosts"].get(host, {}).get("modules", 0), trips2["hosts"].get(host, {}).get("modules", 0)))
    lines.append("== tenant (fake tenant admin view) ==")
    by_group: dict[str, list[str]] = {}
    names = {g["id"]: g["name"] for g in state["groups"]}
    for c in state["connectors"]:
        by_group.setdefault(names.get(c.get("group_id"), "?"), []).append(
            "%s (%s, %s)" % (c["machineName"], c["status"], c.get("version") or "?"))
    for group in sorted(names.values()):
        lines.append("  %-20s %s" % (group, ", ".join(sorted(by_group.get(group, []))) or "-"))
    lines.append("  registrations: %s, installer downloads: %s" % (
        state["registrations_succeeded"], state.get("installer", {}).get("downloads")))
    lines.append("== published applications (fake tenant admin view) ==")
    for app in sorted(state.get("published", []), key=lambda a: a["displayName"]):
        sso = app["singleSignOnMode"] or "none"
        if app.get("kerberosServicePrincipalName"):
            sso += " (SPN %s)" % app["kerberosServicePrincipalName"]
        lines.append("  %-20s %-48s group %-10s single sign-on %s" % (
            app["displayName"], app["externalUrl"], app["connectorGroup"], sso))
    account = kcd_account(lab)
    if account:
        lines.append("  KCD: %s may delegate to %s (AD msDS-AllowedToDelegateTo)" % (
            KCD_HOST, ", ".join(account.get("attributes", {}).get("msds-allowedtodelegateto", [])) or "nothing"))
    return "\n".join(lines)


def main() -> int:
    problems: list[str] = []
    notes: list[str] = []
    lab = labkit.Lab()
    lab.reset()
    with lab.tenant_up() as admin:
        admin.reset_counts()
        first = lab.lifecycle(PLAYBOOK)
        print(first.output)
        trips1 = lab.roundtrips()
        state1 = admin.state()
        counts1 = admin.counts()
        good = check_first_run(lab, first, state1, problems)
        check_applications(lab, state1, problems)

        second = lab.lifecycle(PLAYBOOK)
        print(second.output)
        trips2 = lab.roundtrips()
        state2 = admin.state()
        counts2 = admin.counts()
        check_second_run(second, dict(state1, counts=counts1), dict(state2, counts=counts2), trips2, good, problems,
                         notes)
        apps = len(lab_applications())
        app_requests = publish_requests(counts1, counts2)
        if app_requests > 3 * apps:
            problems.append("second run: %d Graph requests for %d applications (budget 3 each)" % (app_requests, apps))
    print(summary(lab, first, second, state2, trips1, trips2))
    print("  second run: %d Graph requests for %d applications (budget %d), no write" % (app_requests, apps, 3 * apps))
    for note in notes:
        print("TARGET MISSED: " + note)
    if problems:
        print("\nLAB FAILED:")
        for p in problems:
            print("  - " + p)
        return 1
    print("\nLAB PASSED: %d hosts registered and grouped, %d applications published, second run changed=0."
          % (len(good), len(lab_applications())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
