# -*- coding: utf-8 -*-
# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""entra.app_proxy.site signs in before any change: with the registration scope refused, no host is touched."""
from __future__ import annotations

import pytest

PLAYBOOK = "playbooks/site.yml"
TOKEN = "POST /{tenant}/oauth2/v2.0/token"


@pytest.fixture(scope="module")
def lab(module_lab):
    seeded = module_lab.states()
    with module_lab.tenant_up() as admin:
        admin.reset(tokens=False, seed=False)
        yield admin, seeded


def test_refused_registration_consent_changes_no_host(lab, module_lab):
    admin, seeded = lab
    admin.add_fault(TOKEN, "refuse_consent", count=-1)
    try:
        run = module_lab.lifecycle(PLAYBOOK)
    finally:
        admin.clear_faults()

    assert run.rc != 0
    assert "AADSTS65002" in run.output and "client_id" in run.output, run.output[-3000:]
    # The run stops at the sign-in, and every host's state reads back exactly as seeded.
    assert seeded and run.recap and all(c["changed"] == 0 for c in run.recap.values()), run.recap
    for host, before in seeded.items():
        assert module_lab.state(host) == before, "%s changed although the sign-in failed" % host
    trips = module_lab.roundtrips()
    assert sum(h.get("modules", 0) for h in trips.get("hosts", {}).values()) == 0, trips
    state = admin.state()
    assert state["registrations_succeeded"] == 0 and admin.counts()["totals"]["graph_writes"] == 0
