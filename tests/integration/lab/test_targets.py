# -*- coding: utf-8 -*-
# Copyright (c) 2026 entra.app_proxy maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ansible-test style targets of the connector lifecycle (tests/integration/targets/*), run on a fresh
lab host with the fake tenant. Their own asserts read the state back (server_info, connector_info)."""
from __future__ import annotations

import pytest

import labkit

HOST = "win2022-clean"
LAB_HOSTS = (HOST,)  # the hosts module_lab resets
TARGETS = labkit.REPO / "tests" / "integration" / "targets"


@pytest.fixture(scope="module")
def tenant(module_lab):
    with module_lab.tenant_up() as admin:
        admin.reset(tokens=False, seed=False)
        yield admin


@pytest.mark.parametrize("target", ["connector_registration", "connector", "verify"])
def test_target(tenant, tmp_path, target, module_lab):
    playbook = tmp_path / ("%s.yml" % target)
    playbook.write_text(
        "- hosts: %s\n  gather_facts: false\n  roles:\n    - role: %s\n" % (HOST, TARGETS / target))
    run = module_lab.lifecycle(str(playbook), "--limit", "%s,localhost" % HOST)
    counts = run.recap.get(HOST)
    assert counts is not None and counts["failed"] == 0, run.output[-5000:]
    assert counts["ok"] > 5
