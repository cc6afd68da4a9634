# -*- coding: utf-8 -*-
# Copyright (c) 2026 entra.app_proxy maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""entra.app_proxy.preflight on the lab: read-only without --check, a complete report, unready hosts failed."""
from __future__ import annotations

import pytest

import labkit

# The read-only preflight fails the unfit hosts and those the site playbook's preflight would remediate
# (lab_expect_preflight: fail or remediate in the lab inventory).
UNREADY = labkit.unready_hosts()
KEYS = ("registry", "files", "services", "packages", "firewall_rules", "proxy", "domain", "certificates")


@pytest.fixture(scope="module")
def lab(module_lab):
    hosts = module_lab.seeded_hosts()
    before = {h: module_lab.state(h) for h in hosts}
    with module_lab.tenant_up() as admin:
        admin.reset(tokens=False, seed=False)
        run = module_lab.lifecycle("playbooks/preflight.yml")
        yield {"hosts": hosts, "before": before, "run": run, "counts": admin.counts()}


def test_unready_hosts_fail_and_the_rest_pass(lab):
    recap = lab["run"].recap
    failed = {h for h in lab["hosts"] if recap[h]["failed"]}
    assert failed == UNREADY & set(lab["hosts"]), lab["run"].output[-4000:]
    assert "is not ready" in lab["run"].output


def test_preflight_changes_nothing(lab, module_lab):
    for host in lab["hosts"]:
        assert lab["run"].recap[host]["changed"] == 0, host
        after = module_lab.state(host)
        for key in KEYS:
            assert after.get(key) == lab["before"][host].get(key), "%s: %s changed" % (host, key)
    totals = lab["counts"]["totals"]
    assert totals["graph_writes"] == 0 and totals["registrations"] == 0
