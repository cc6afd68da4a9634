# -*- coding: utf-8 -*-
# Copyright: Contributors to the entra.app_proxy collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The tenant-connector filters: one matching rule (FQDN or short name, active wins) and the verify checks."""

from __future__ import annotations

import pytest

from ansible_collections.entra.app_proxy.plugins.filter.connectors import FilterModule
from ansible_collections.entra.app_proxy.plugins.module_utils._connector_match import (
    connector_for_host,
    index_by_machine_name,
    match_machine_name,
)

FILTERS = FilterModule().filters()


def conn(name, status="active", cid=None, group="Europe"):
    return {"id": cid or "%s-%s" % (name, status), "machine_name": name, "status": status, "version": "1.5.4522.0",
            "group": {"id": "g-" + group, "name": group} if group else None}


TENANT = [conn("CONN01.contoso.com", "inactive", "old"), conn("conn01.contoso.com", "active", "new"),
          conn("conn02.corp.contoso.com"), conn("conn03.contoso.com", "inactive", group="Americas")]


def test_index_by_lower_case_name_active_wins_in_either_order():
    index = FILTERS["connector_index"](TENANT)
    assert sorted(index) == ["conn01.contoso.com", "conn02.corp.contoso.com", "conn03.contoso.com"]
    assert index["conn01.contoso.com"]["id"] == "new"
    assert FILTERS["connector_index"](list(reversed(TENANT)))["conn01.contoso.com"]["id"] == "new"
    assert FILTERS["connector_index"](None) == {}


@pytest.mark.parametrize("fqdn, host_name, want", [
    ("conn01.contoso.com", None, "new"),
    ("CONN01.CONTOSO.COM", "conn01", "new"),
    # S1: the FQDN from a primary DNS suffix differs from Graph's name; the short name finds it.
    ("conn02.contoso.com", "CONN02", "conn02.corp.contoso.com-active"),
    ("conn02.contoso.com", None, "conn02.corp.contoso.com-active"),
    ("conn09.contoso.com", "conn09", None),
    ("", None, None),
])
def test_find_connector_by_fqdn_or_short_name(fqdn, host_name, want):
    found = FILTERS["find_connector"](TENANT, fqdn, host_name)
    assert found.get("id") == want


def test_fqdn_wins_over_a_short_name_match():
    tenant = [conn("conn01.other.example", cid="other"), conn("conn01.contoso.com", "inactive", cid="mine")]
    assert FILTERS["find_connector"](tenant, "conn01.contoso.com", "conn01")["id"] == "mine"


def test_the_graph_modules_share_the_rule():
    graph = [{"machineName": "conn01.contoso.com", "status": "inactive"},
             {"machineName": "Conn01.Contoso.com", "status": "active"}]
    assert len(match_machine_name(graph, " conn01 ")) == 2
    assert match_machine_name(graph, "conn01.contoso") == []
    assert connector_for_host(graph, "conn01.contoso.com")["status"] == "active"
    assert index_by_machine_name(graph)["conn01.contoso.com"]["status"] == "active"


SERVER = {
    "connector": {"trust_settings_file": "C:\\ProgramData\\x\\Config\\TrustSettings.xml"},
    "services": {"connector": {"name": "WAPCSvc", "exists": True, "state": "running", "start_mode": "auto"},
                 "updater": {"name": "WAPCUpdaterSvc", "exists": True, "state": "running", "start_mode": "delayed"}},
    "registration": {"registered": True},
    "domain": {"fqdn": "CONN01.contoso.com"},
    "connector_errors": [],
}


def verify(server=None, connectors="tenant", **kwargs):
    return FILTERS["verify_host"](server or SERVER, TENANT if connectors == "tenant" else connectors, **kwargs)


def test_verify_a_healthy_connector():
    report = verify(host="conn01", expected_group="europe", events_since="2026-11-27T10:00:00Z")
    assert report["ok"] and report["problems"] == []
    assert report["services"] == {"WAPCSvc": "running/auto", "WAPCUpdaterSvc": "running/delayed"}
    assert report["tenant_status"] == "active" and report["connector_id"] == "new" and report["group"] == "Europe"
    assert report["machine_name"] == "conn01.contoso.com" and report["registration_state"] == "registered"
    assert report["errors_since"] == "2026-11-27T10:00:00Z"


def test_verify_services():
    server = dict(SERVER, services={
        "connector": {"name": "WAPCSvc", "exists": True, "state": "stopped", "start_mode": "auto"},
        "updater": {"name": "WAPCUpdaterSvc", "exists": False}})
    report = verify(server)
    assert report["problems"] == ["service WAPCSvc is not running with automatic start (stopped/auto)",
                                  "service WAPCUpdaterSvc is not installed"]


@pytest.mark.parametrize("registration, text", [
    ({"registered": False, "certificate_expired": True, "trust_settings_exists": True}, ", certificate expired)"),
    ({"registered": False, "state": "missing"}, ", certificate missing)"),
    ({"registered": False}, "TrustSettings.xml)"),
])
def test_verify_trust(registration, text):
    report = verify(dict(SERVER, registration=registration))
    assert not report["ok"] and len(report["problems"]) == 1
    assert report["problems"][0].startswith("the host holds no valid trust certificate (C:\\ProgramData")
    assert report["problems"][0].endswith(text)


def test_verify_tenant_status_and_group():
    assert verify(dict(SERVER, domain={"fqdn": "conn09.contoso.com"}))["problems"] == [
        "the tenant lists no connector for conn09.contoso.com"]
    report = verify(dict(SERVER, domain={"fqdn": "conn03.contoso.com"}), expected_group="Europe")
    assert report["problems"] == ["the tenant lists the connector as inactive",
                                  "the connector is in group Americas, not Europe"]
    assert report["tenant_status"] == "inactive"


def test_verify_host_only_without_the_tenant_list():
    report = verify(dict(SERVER, domain={"fqdn": "conn09.contoso.com"}), connectors=None, expected_group="Europe")
    assert report["ok"] and report["tenant_status"] == "missing"


def test_verify_error_events_are_problems():
    event = {"id": 1000, "log": "Microsoft-Microsoft Entra private network-Connector/Admin",
             "time": "2026-11-27T10:01:00Z", "message": "Connector re-registration failed: " + "x" * 300}
    report = verify(dict(SERVER, connector_errors=[event]))
    assert not report["ok"] and report["errors"] == [event]
    problem = report["problems"][0]
    assert problem.startswith("error event 1000 in Microsoft-Microsoft Entra private network-Connector/Admin at "
                              "2026-11-27T10:01:00Z: Connector re-registration failed: ")
    assert problem.endswith("...") and len(problem) < 300


def test_verify_groups_counts_active_connectors_ignoring_case():
    groups = FILTERS["verify_groups"](TENANT, ["europe", "Americas", "europe", None, ""], min_active=2)
    assert groups == [{"group": "Americas", "active": 0, "ok": False}, {"group": "europe", "active": 2, "ok": True}]
    assert FILTERS["verify_groups"](TENANT, [], 2) == []
