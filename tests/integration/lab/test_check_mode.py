# -*- coding: utf-8 -*-
# Copyright (c) 2026 entra.app_proxy maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""entra.app_proxy.site --check on fresh lab hosts: changes predicted, nothing touched, no tenant write."""
from __future__ import annotations

import pytest

HOSTS = ("win2022-clean", "win2022-oldconnector")
LAB_HOSTS = HOSTS  # the hosts module_lab resets
KEYS = ("registry", "files", "services", "packages", "firewall_rules", "proxy", "domain", "certificates")


@pytest.fixture(scope="module")
def lab(module_lab):
    before = {h: module_lab.state(h) for h in HOSTS}
    with module_lab.tenant_up() as admin:
        admin.reset(tokens=False, seed=False)
        run = module_lab.lifecycle("playbooks/site.yml", "--check", "--diff", "--limit", ",".join(HOSTS + ("localhost",)))
        yield {"before": before, "run": run, "tenant": admin.state(), "counts": admin.counts()}


def test_check_mode_predicts_changes(lab):
    for host in HOSTS:
        counts = lab["run"].recap.get(host)
        assert counts is not None and counts["failed"] == 0, lab["run"].output[-5000:]
        assert counts["changed"] > 0, host


def test_check_mode_touches_nothing(lab, module_lab):
    for host in HOSTS:
        after = module_lab.state(host)
        for key in KEYS:
            assert after.get(key) == lab["before"][host].get(key), "%s: %s changed in check mode" % (host, key)
    assert lab["tenant"]["connectors"] == []
    assert lab["counts"]["totals"]["graph_writes"] == 0
    assert lab["counts"]["totals"]["registrations"] == 0
    assert lab["counts"]["downloads_served"] == 0
