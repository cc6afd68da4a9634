# -*- coding: utf-8 -*-
"""The simulated server_info answers in Windows' formats, and the collection's own decoding reads them."""
from __future__ import annotations

import datetime
import os
import re
import sys

import pytest

import labkit  # noqa: E402

sys.path.append(os.path.join(str(labkit.REPO), ".cache", "collections"))  # the built collection the lab runs (tools/setup.sh)

from ansible_collections.lab.windows.plugins.module_utils import seed  # noqa: E402
from ansible_collections.lab.windows.plugins.module_utils.host_state import HostState  # noqa: E402
from ansible_collections.lab.windows.plugins.module_utils.simulated import (  # noqa: E402
    entra_app_proxy_reboot_marker as marker, entra_app_proxy_server_info as sim)

from ansible_collections.entra.app_proxy.plugins.plugin_utils import _host_facts as host_facts  # noqa: E402
NOW = datetime.datetime.now(datetime.timezone.utc)
READS = host_facts.registry_reads()  # the tables the action plugin gives the module


def _host(tmp_path, certificate=None, name="win2022-oldconnector"):
    data = seed.load_seed(os.path.join(str(labkit.LAB), "states"), name)
    if certificate:
        data["layouts"] = [dict(data["layouts"][0], certificate=certificate)]
        data["layouts"][0].pop("trust_settings_thumbprint", None)
        data.get("state", {}).pop("certificates", None)
    return HostState(name, seed.build_state(name, data, str(tmp_path)), str(tmp_path))


def _decode(host):
    return host_facts.decode(sim.simulate(host, READS, False, False)["raw"], NOW)


@pytest.mark.parametrize("location, source", [("registry", "network_service_registry"),
                                              ("file", "network_service_files"),
                                              ("machine", "machine")])
def test_trust_certificate_in_each_store_decodes(tmp_path, location, source):
    host = _host(tmp_path, {"location": location})
    reg = _decode(host)["registration"]
    assert reg["state"] == "registered" and reg["certificate_source"] == source
    assert reg["is_in_user_store"] == (location != "machine")
    assert reg["certificate_not_after"] == "2030-01-01T00:00:00Z"


def test_expired_certificate_and_missing_certificate(tmp_path):
    host = _host(tmp_path, {"location": "registry", "not_after": "2025-01-01T00:00:00Z"})
    assert _decode(host)["registration"]["state"] == "expired"
    host.reg_delete_key(r"HKU:\S-1-5-20\Software\Microsoft\SystemCertificates")
    assert _decode(host)["registration"]["state"] == "missing"


def test_reads_what_it_is_given_as_windows_reads_it(tmp_path):
    """The simulation holds no read table of its own: it answers the places the arguments name, by path."""
    host = _host(tmp_path)
    host.reg_set_value(r"HKLM:\SOFTWARE\Lab\Probe", "Level", 7, "dword")
    args = {"registry_values": {"set": [r"HKLM:\SOFTWARE\Lab\Probe", "Level"],
                                "no_value": [r"HKLM:\SOFTWARE\Lab\Probe", "Other"],
                                "no_key": [r"HKLM:\SOFTWARE\Lab\Absent", "Level"]},
            "registry_keys": {"there": r"HKLM:\SOFTWARE\Lab\Probe", "gone": r"HKLM:\SOFTWARE\Lab\Absent"}}
    raw = sim.simulate(host, args, False, False)["raw"]
    assert set(raw["registry"]) == {"set", "no_value", "no_key"}
    assert raw["registry"]["set"] == {"path": r"HKLM:\SOFTWARE\Lab\Probe", "name": "Level", "key_exists": True,
                                      "kind": "DWord", "value": 7}
    assert raw["registry"]["no_value"]["key_exists"] is True and raw["registry"]["no_value"]["kind"] is None
    assert raw["registry"]["no_key"] == {"path": r"HKLM:\SOFTWARE\Lab\Absent", "name": "Level", "key_exists": False,
                                         "kind": None, "value": None}
    # the reboot marker is the module's own read (Get-RebootMarkerKey), whatever it is given
    assert raw["keys"] == {"there": True, "gone": False, "entra_app_proxy": False}
    with pytest.raises(Exception, match="null-valued expression"):
        sim.simulate(host, {}, False, False)


def test_values_the_lab_models_are_read_where_windows_keeps_them(tmp_path):
    host = _host(tmp_path, name="win2022-proxy")
    host.set_winhttp_proxy({"proxy": "proxy.contoso.example:8080", "bypass": []})
    registry = sim.simulate(host, READS, False, False)["raw"]["registry"]
    assert registry["winhttp_settings"]["kind"] == "Binary" and registry["inet_settings_user"]["kind"] == "Binary"
    assert registry["computer_name"]["value"] == registry["active_computer_name"]["value"] == host.hostname
    # a rename that waits: the pending name is in the registry, and it wins over the lab's host name
    host.reg_set_value(READS["registry_values"]["computer_name"][0], "ComputerName", "NEWNAME", "string")
    decoded = _decode(host)
    assert "computer_rename" in decoded["reboot_pending_reasons"]
    host.reg_set_value(READS["registry_values"]["installation_type"][0], "InstallationType", "Server Core", "string")
    assert _decode(host)["os"]["installation_type"] == "Server Core"


def test_registry_blob_is_a_serialized_store_element(tmp_path):
    host = _host(tmp_path, {"location": "registry"})
    raw = sim.simulate(host, READS, False, False)["raw"]
    blob = raw["certificates"]["network_service_registry"][0]["content"]
    import base64
    data = base64.b64decode(blob)
    assert data[:12] == (3).to_bytes(4, "little") + (1).to_bytes(4, "little") + (20).to_bytes(4, "little")


def test_boot_time_drifts_but_the_volatile_marker_holds_until_restart(tmp_path, monkeypatch):
    host = _host(tmp_path)
    boots = []
    for now in (1_000_000_000, 1_000_000_003):
        monkeypatch.setattr("time.time", lambda now=now: now)
        boots.append(sim.simulate(host, READS, False, False)["raw"]["os"]["last_boot_filetime"])
    assert boots[0] != boots[1]  # Win32_OperatingSystem.LastBootUpTime moves without a restart (F5)
    monkeypatch.undo()
    assert marker.simulate(host, {}, True, False)["changed"] and "entra.app_proxy" not in _decode(host)["reboot_pending_reasons"]
    assert marker.simulate(host, {}, False, False)["changed"]
    assert marker.simulate(host, {}, False, False)["changed"] is False
    assert "entra.app_proxy" in _decode(host)["reboot_pending_reasons"]
    host.reboot()
    assert "entra.app_proxy" not in _decode(host)["reboot_pending_reasons"]


def test_stopped_firewall_service_is_reported(tmp_path):
    host = _host(tmp_path)
    host.service_put({"name": "MpsSvc", "state": "stopped", "start_mode": "auto"})
    fw = _decode(host)["firewall"]
    assert fw["available"] is False and "0x800706D9" in fw["error"]


def test_uninstall_entries_and_layout(tmp_path):
    c = _decode(_host(tmp_path))["connector"]
    assert c["layout"] == "old" and c["layouts_found"] == ["old"]
    assert {(e["product"], e["layout"]) for e in c["uninstall_entries"]} == {("connector", "old"), ("updater", "old")}


def test_layout_table_matches_the_host_util():
    """The simulation stands in for _ConnectorHost.psm1: every product string of the util is in its table."""
    with open(os.path.join(str(labkit.REPO), "plugins", "module_utils", "_ConnectorHost.psm1"), encoding="utf-8") as f:
        util = f.read()
    table = util[util.index("$products = [ordered]@{"):util.index("$layouts = [ordered]@{}")]
    in_util = sorted(set(re.findall(r"'([^'$]+)'", table)))
    in_sim = sorted({v for p in sim._PRODUCTS.values() for v in p.values() if isinstance(v, str)}
                    | {n for p in sim._PRODUCTS.values() for g in p["uninstall_names"].values() for n in g})
    assert in_util == in_sim


def test_winhttp_proxy_stored_with_its_scheme_is_used_as_is(tmp_path):
    """F12: netsh winhttp accepts http://p:8080; server_info reports it as is, and connectivity_test reaches
    through it when it is passed as its proxy."""
    from ansible_collections.lab.windows.plugins.module_utils.simulated import entra_app_proxy_connectivity_test as ct
    host = _host(tmp_path, name="win2022-proxy")
    host.set_winhttp_proxy({"proxy": "http://proxy.contoso.example:8080", "bypass": []})
    winhttp = _decode(host)["proxy"]["winhttp_proxy"]
    args = {"endpoints": [{"host": "login.microsoftonline.com", "port": 443, "tls": True}], "proxy": winhttp,
            "timeout": 5, "trusted_issuers": ["Microsoft", "DigiCert"]}
    (raw,) = ct.simulate(host, args, False, False)["raw"]["endpoints"]
    assert raw["tcp_connected"] and raw["proxy_status_line"].startswith("HTTP/1.1 200") and raw["tls_policy_errors"] == "None", raw
    assert _decode(host)["proxy"]["winhttp_proxy"] == "http://proxy.contoso.example:8080"


def test_own_ad_account_read_fails_where_windows_fails_and_reads_the_lab_forest(tmp_path):
    """ad_account: no domain on a workgroup host, the double hop without become, a DC that does not answer;
    as SYSTEM the computer object in Windows' binary forms, which the collection's decoding reads."""
    import shutil

    shutil.copy(os.path.join(str(labkit.LAB), "states", "_domains.json"), str(tmp_path / "_domains.json"))
    host = _host(tmp_path, name="win2019-kcd")
    host.become = True

    def read():
        return host_facts.decode(sim.simulate(host, dict(READS, ad_account=True), False, False)["raw"], NOW)

    assert sim.simulate(host, READS, False, False)["raw"]["ad_account"] is None
    assert read()["ad_account"]["error"] == sim.NO_DOMAIN
    host.set_domain({"joined": True, "dns_domain_name": "contoso.example"})
    with host.ad("contoso.example") as ad:
        ad["computers"]["win2019-kcd"] = {
            "name": "WIN2019-KCD", "sam_account_name": "WIN2019-KCD$", "dn": "CN=WIN2019-KCD,CN=Computers,DC=contoso,DC=example",
            "sid": "S-1-5-21-1004336348-1177238915-682003330-1200", "spn": [], "delegates": [], "enabled": False,
            "attributes": {"useraccountcontrol": [str(0x80001002)], "msds-allowedtodelegateto": ["http/intranet"]}}
    account = read()["ad_account"]
    assert account["found"] and account["error"] is None
    assert account["sid"] == "S-1-5-21-1004336348-1177238915-682003330-1200"
    assert account["user_account_control"] == 0x80001002 and account["allowed_to_delegate_to"] == ["http/intranet"]
    assert account["token_groups"] == ["S-1-5-21-1004336348-1177238915-682003330-515"]
    with host.ad("contoso.example") as ad:  # nested: a group in the authorization group counts too (transitive)
        ad["groups"]["connectors"] = {"name": "Connectors", "dn": "CN=Connectors,DC=contoso,DC=example",
                                      "sid": "S-1-5-21-1004336348-1177238915-682003330-1300",
                                      "members": [ad["computers"]["win2019-kcd"]["dn"]]}
        next(g for g in ad["groups"].values() if g["sid"] == "S-1-5-32-560")["members"].append("CN=Connectors,DC=contoso,DC=example")
    assert set(read()["ad_account"]["token_groups"]) >= {"S-1-5-32-560", "S-1-5-21-1004336348-1177238915-682003330-1300"}
    forest = (tmp_path / "_domains.json").read_text()
    host.become = False
    assert read()["ad_account"] == dict(account, found=False, error=sim.DOUBLE_HOP, distinguished_name=None,
                                        sam_account_name=None, sid=None, user_account_control=None,
                                        allowed_to_delegate_to=[], token_groups=[])
    host.become = True
    host.state["network"]["domains"] = []
    assert read()["ad_account"]["error"] == sim.SERVER_DOWN
    assert (tmp_path / "_domains.json").read_text() == forest, "a read changes nothing in AD"
