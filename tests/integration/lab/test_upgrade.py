# -*- coding: utf-8 -*-
# Copyright (c) 2026 entra.app_proxy maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""entra.app_proxy.upgrade on the lab: the old-layout host moves to the new layout, keeping its
registration, and the last active connector of a group is never taken down."""
from __future__ import annotations

import datetime
import json

import pytest

import labkit

PLAYBOOK = "playbooks/upgrade.yml"
HOST = "win2022-oldconnector"
LAB_HOSTS = (HOST,)  # the hosts module_lab resets
GROUP = "Lab West"


def _add_trust_certificate(module_lab: labkit.Lab, host: str) -> str:
    """Give the seeded old connector the certificate its TrustSettings.xml names (a registered connector)."""
    path = module_lab.state_dir / ("%s.json" % host)
    state = json.loads(path.read_text())
    thumbprint = labkit.trust_thumbprint(state).upper()
    not_after = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=90)).strftime(
        "%Y-%m-%dT%H:%M:%SZ")
    state.setdefault("certificates", {}).setdefault("LocalMachine\\My", {})[thumbprint] = {
        "thumbprint": thumbprint, "subject": "CN=seeded-connector",
        "issuer": "CN=connectorregistrationca.msappproxy.net", "not_after": not_after}
    path.write_text(json.dumps(state, indent=1))
    return thumbprint


@pytest.fixture(scope="module")
def lab(module_lab):
    thumbprint = _add_trust_certificate(module_lab, HOST)
    machine = labkit.machine_name(HOST, module_lab.state(HOST))
    with module_lab.tenant_up() as admin:
        admin.reset(tokens=False, seed=False)
        admin.seed(groups=[{"name": GROUP}],
                   connectors=[{"machineName": machine, "status": "active", "version": "1.5.3437.0", "group": GROUP}])
        yield {"admin": admin, "thumbprint": thumbprint, "machine": machine}


def _limit():
    return ("--limit", "%s,localhost" % HOST)


def test_refuses_the_last_active_connector_of_its_group(lab, module_lab):
    run = module_lab.lifecycle(PLAYBOOK, *_limit())
    assert run.recap[HOST]["failed"] == 1, run.output[-3000:]
    assert "last active connector" in run.output
    state = module_lab.state(HOST)
    assert any(k.lower().endswith("microsoft aad app proxy connector\\applicationproxyconnectorservice.exe")
               for k in state["files"]), "the refused host was changed"
    assert module_lab.roundtrips()["hosts"].get(HOST, {}).get("downloads", 0) == 0


def test_upgrades_old_layout_keeping_the_registration(lab, module_lab):
    admin = lab["admin"]
    admin.seed(connectors=[{"machineName": "west-peer.contoso.example", "status": "active", "group": GROUP}])
    registrations = admin.state()["registrations_succeeded"]

    run = module_lab.lifecycle(PLAYBOOK, *_limit())

    assert run.recap[HOST]["failed"] == 0, run.output[-4000:]
    assert run.recap[HOST]["changed"] > 0
    state = module_lab.state(HOST)
    files = [k.lower() for k in state["files"]]
    assert any(f.endswith("microsoft entra private network connector\\microsoftentraprivatenetworkconnectorservice.exe")
               for f in files)
    assert not any(f.endswith("microsoft aad app proxy connector\\applicationproxyconnectorservice.exe") for f in files)
    # The same trust certificate, no new registration, and the connector is still the active one of its group.
    assert labkit.trust_thumbprint(state).upper() == lab["thumbprint"]
    tenant = admin.state()
    assert tenant["registrations_succeeded"] == registrations
    connector = labkit.active_connector(tenant, lab["machine"])
    assert connector is not None and connector["group_name"] == GROUP


def test_second_upgrade_changes_nothing(lab, module_lab):
    run = module_lab.lifecycle(PLAYBOOK, *_limit())
    assert run.recap[HOST]["failed"] == 0 and run.recap[HOST]["changed"] == 0, run.output[-3000:]
    assert module_lab.roundtrips()["hosts"].get(HOST, {}).get("downloads", 0) == 0
