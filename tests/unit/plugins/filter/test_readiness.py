# -*- coding: utf-8 -*-
# Copyright: Contributors to the entra.app_proxy collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The readiness rules: each check passing, failing and remediated, the plan of the run, the fleet summary."""

from __future__ import annotations

import pytest

from ansible_collections.entra.app_proxy.plugins.filter.readiness import FilterModule
from ansible_collections.entra.app_proxy.plugins.plugin_utils._readiness import NETFX, SCHANNEL

FILTERS = FilterModule().filters()
readiness = FILTERS["readiness"]
fleet_readiness = FILTERS["fleet_readiness"]
readiness_lines = FILTERS["readiness_lines"]


def check(report, name):
    found = [c for c in report["checks"] if c["name"] == name]
    assert len(found) == 1, [c["name"] for c in report["checks"]]
    return found[0]


def names(report):
    return [c["name"] for c in report["checks"]]


def test_a_compliant_host_is_ready_and_nothing_is_fixed(server, net):
    report = readiness(server, net, host="conn01", remediate=True)
    assert report["ready"] is True and report["reboot_required"] is False
    assert all(c["ok"] and not c["remediated"] and c["fix"] == "" for c in report["checks"])
    assert report["remediation"] == {"tls12": [], "tls12_needs_restart": False, "http2": {}, "reboot": False}
    assert report["connector"] == {"installed": True, "layout": "new", "version": "1.5.4522.0", "registered": True,
                                   "registration_state": "registered"}
    assert names(report) == ["os", "dotnet", "tls12", "strong_crypto", "password_protection_proxy",
                             "existing_install", "outbound_proxy", "endpoints_https", "endpoints_crl",
                             "tls_inspection", "reboot"]
    assert report["host"] == "conn01"


@pytest.mark.parametrize("os_, ok, text", [
    ({"caption": "Microsoft Windows Server 2012 R2 Standard", "build": 9600, "product_type": 3}, False,
     "is older than Windows Server 2016"),
    ({"caption": "Microsoft Windows 11 Enterprise", "build": 22631, "product_type": 1}, False,
     "is not a Windows Server."),
    ({"caption": "Microsoft Windows Server 2016 Standard", "build": 14393, "product_type": 3}, True,
     "(build 14393)"),
    ({"caption": "Microsoft Windows Server 2022 Standard", "build": 20348, "product_type": 3,
      "installation_type": "Server Core"}, True, "Microsoft does not document Server Core"),
])
def test_os(server, net, os_, ok, text):
    server["os"] = os_
    report = readiness(server, net, remediate=True)
    c = check(report, "os")
    assert c["ok"] is ok and c["severity"] == "error" and text in c["detail"]
    assert report["ready"] is ok
    assert (c["fix"] == "") is ok
    if not ok:  # a host that can never run the connector is not changed
        server["tls"]["client_enabled"] = 0
        assert readiness(server, net, remediate=True)["remediation"]["tls12"] == []


@pytest.mark.parametrize("release, ok, text", [
    (394802, False, ".NET Framework 4.6.2 (Release 394802) is older than 4.7.2 (Release 461808)"),
    (461808, True, ".NET Framework 4.7.2 (Release 461808)."),
    (None, False, ".NET Framework older than 4.5 (Release 0)"),
])
def test_dotnet(server, net, release, ok, text):
    server["dotnet"]["release"] = release
    c = check(readiness(server, net), "dotnet")
    assert c["ok"] is ok and text in c["detail"]
    assert ("Install .NET Framework 4.8" in c["fix"]) is not ok


def test_tls12_explicitly_off_fails_without_remediation(server, net):
    server["tls"]["client_enabled"] = 0
    report = readiness(server, net, remediate=False)
    c = check(report, "tls12")
    assert not c["ok"] and not c["remediated"] and not report["ready"]
    assert "TLS 1.2\\Client Enabled is 0 (want 1)" in c["detail"]
    assert c["fix"].startswith("Run with prerequisites_remediate: true")
    assert report["remediation"]["tls12"] == []


def test_tls12_explicitly_off_is_fixed_and_needs_a_restart(server, net):
    server["tls"]["client_enabled"] = 0
    report = readiness(server, net, remediate=True)
    c = check(report, "tls12")
    assert c["ok"] and c["remediated"] and "take effect after a restart" in c["detail"]
    assert report["remediation"]["tls12"] == [{"path": SCHANNEL + "\\Client", "name": "Enabled", "data": 1}]
    assert report["remediation"]["tls12_needs_restart"] is True
    assert report["reboot_required"] is True
    assert "settings changed by this run" in check(report, "reboot")["detail"]


def test_tls12_absent_values_are_windows_defaults(server, net):
    for key in server["tls"]:
        server["tls"][key] = None
    report = readiness(server, net, remediate=True)
    c = check(report, "tls12")
    assert c["ok"] and c["remediated"] and "6 of Microsoft's 6 explicit values are not set" in c["detail"]
    assert "no restart is needed" in c["detail"]
    assert len(report["remediation"]["tls12"]) == 6 and report["remediation"]["tls12_needs_restart"] is False
    assert report["reboot_required"] is False


def test_strong_crypto_absent_is_a_warning_not_as_microsoft_documents(server, net):
    """F4: Windows PowerShell 5.1 runs the registration with TLS 1.0 unless these are set."""
    server["tls"]["sch_use_strong_crypto"] = None
    report = readiness(server, net, remediate=False)
    c = check(report, "strong_crypto")
    assert not c["ok"] and c["severity"] == "warning" and report["ready"]
    assert "Not as Microsoft documents: .NET v4.0.30319 SchUseStrongCrypto is absent" in c["detail"]
    assert "Windows PowerShell 5.1" in c["detail"] and NETFX in c["fix"]
    assert check(report, "tls12")["ok"]

    fixed = readiness(server, net, remediate=True)
    c = check(fixed, "strong_crypto")
    assert c["ok"] and c["remediated"] and c["fix"] == ""
    assert fixed["remediation"]["tls12"] == [{"path": NETFX, "name": "SchUseStrongCrypto", "data": 1}]


def test_https_failures_from_tls_off_are_not_network_failures_when_fixed(server, net, endpoint):
    server["tls"]["client_enabled"] = 0
    net["endpoints"][0] = endpoint("register.msappproxy.net", ok=False, tcp_ok=True)
    assert check(readiness(server, net, remediate=True), "endpoints_https")["ok"]
    c = check(readiness(server, net, remediate=False), "endpoints_https")
    assert not c["ok"] and "1 of 2 service and sign-in endpoints unreachable directly: register.msappproxy.net" in c[
        "detail"]


@pytest.mark.parametrize("build, value, kcd, listed, ok", [
    (17763, None, True, True, False),
    (17763, 0, True, True, True),
    (14393, None, True, False, None),
    (20348, None, False, False, None),
])
def test_http2(server, net, build, value, kcd, listed, ok):
    server["os"]["build"] = build
    server["http2"]["enable_default_http2"] = value
    report = readiness(server, net, kcd=kcd, remediate=False)
    assert ("http2" in names(report)) is listed
    if listed:
        c = check(report, "http2")
        assert c["ok"] is ok and report["ready"] is ok
        assert ("EnableDefaultHTTP2 is absent" in c["detail"]) is not ok


def test_http2_is_turned_off_by_the_run(server, net):
    server["os"]["build"] = 17763
    report = readiness(server, net, kcd=True, remediate=True)
    c = check(report, "http2")
    assert c["ok"] and c["remediated"] and "Turned off by this run" in c["detail"]
    assert report["remediation"]["http2"]["name"] == "EnableDefaultHTTP2"
    assert report["remediation"]["http2"]["data"] == 0
    assert report["reboot_required"] is True


def test_password_protection_proxy(server, net):
    server["password_protection_proxy"]["installed"] = True
    report = readiness(server, net, remediate=True)
    c = check(report, "password_protection_proxy")
    assert not c["ok"] and "Use another server" in c["fix"] and not report["ready"]


@pytest.mark.parametrize("registration, text", [
    ({"registered": True}, ", registered."),
    ({"registered": False, "trust_settings_exists": False}, ", not registered."),
    ({"registered": False, "certificate_expired": True, "trust_settings_exists": True}, "trust certificate expired"),
    ({"registered": False, "certificate_found": False, "trust_settings_exists": True}, "trust certificate missing"),
    ({"registered": False, "state": "expired"}, "trust certificate expired"),
])
def test_existing_install_names_the_trust_state(server, net, registration, text):
    server["registration"] = registration
    c = check(readiness(server, net), "existing_install")
    assert c["ok"] and c["severity"] == "info" and text in c["detail"]


def test_existing_install_old_layout_and_none(server, net):
    server["connector"].update(layout="old", version="1.5.3437.0", product_name="Microsoft AAD App Proxy Connector")
    assert "1.5.3437.0 (old layout)" in check(readiness(server, net), "existing_install")["detail"]
    assert "upgrades it in place" in check(readiness(server, net), "existing_install")["detail"]
    server["connector"]["installed"] = False
    assert check(readiness(server, net), "existing_install")["detail"] == "No connector installed."


def test_layouts_only_with_newer_server_info(server, net):
    assert "layouts" not in names(readiness(server, net))
    server["connector"]["layouts_found"] = ["new"]
    c = check(readiness(server, net), "layouts")
    assert c["ok"] and c["detail"] == "Only the new layout is on the host."


def test_layouts_leftovers_of_the_old_product_name_say_the_safe_fix(server, net):
    server["connector"]["layouts_found"] = ["new", "old"]
    server["connector"]["uninstall_entries"] = [
        {"key": "{OLD-CONNECTOR}", "display_name": "Microsoft AAD Application Proxy Connector",
         "display_version": "1.5.3437.0", "product": "connector", "layout": "old"},
        {"key": "{NEW-CONNECTOR}", "display_name": "Microsoft Entra private network connector",
         "display_version": "1.5.4522.0", "product": "connector", "layout": "new"},
    ]
    report = readiness(server, net)
    c = check(report, "layouts")
    assert not c["ok"] and c["severity"] == "warning" and report["ready"]
    assert "the old layout (Microsoft AAD App Proxy Connector) is on the host besides the installed new layout" in c[
        "detail"]
    assert "{OLD-CONNECTOR}" in c["detail"] and "{NEW-CONNECTOR}" not in c["detail"]
    assert "product_id '{OLD-CONNECTOR}'" in c["fix"] and "{NEW-CONNECTOR}" not in c["fix"]
    assert "Keep the new layout's files" in c["fix"]


def test_layouts_leftovers_without_an_install(server, net):
    server["connector"].update(installed=False, layout="none", layouts_found=["old"], uninstall_entries=[])
    c = check(readiness(server, net), "layouts")
    assert not c["ok"] and "with no connector installed" in c["detail"]
    assert c["fix"].startswith("Delete the leftover folders of the old layout")


@pytest.mark.parametrize("member, ok", [(True, True), (False, False)])
def test_domain_only_with_kcd(server, net, member, ok):
    server["domain"].update(member=member, name="contoso.com" if member else "WORKGROUP")
    assert "domain" not in names(readiness(server, net))
    c = check(readiness(server, net, kcd=True), "domain")
    assert c["ok"] is ok and c["severity"] == "warning"
    assert ("workgroup WORKGROUP" in c["detail"]) is not ok


def test_outbound_proxy(server, net):
    server["proxy"]["winhttp_proxy"] = "proxy.contoso.com:8080"
    c = check(readiness(server, net), "outbound_proxy")
    assert not c["ok"] and "Set app_proxy_outbound_proxy: http://proxy.contoso.com:8080" in c["fix"]
    c = check(readiness(server, net, outbound_proxy="http://proxy.contoso.com:8080"), "outbound_proxy")
    assert c["ok"] and "The connector is to use http://proxy.contoso.com:8080" in c["detail"]


def test_endpoint_checks_only_when_tested(server, net):
    report = readiness(server, {"skipped": True}, check_endpoints=False)
    assert not {"endpoints_https", "endpoints_crl", "tls_inspection"} & set(names(report))


def test_crl_endpoints_blocked(server, net, endpoint):
    net["endpoints"][2] = endpoint("crl.microsoft.com", 80, ok=False)
    net["proxy_used"] = "http://proxy.contoso.com:8080"
    report = readiness(server, net)
    c = check(report, "endpoints_crl")
    assert not c["ok"] and not report["ready"]
    assert "1 of 2 certificate revocation (CRL/OCSP) endpoints unreachable on port 80 through the proxy" in c["detail"]
    assert c["fix"] == ("Allow outbound TCP 80 from the host (and the Network Service account) to crl.microsoft.com"
                        " and let the proxy tunnel to port 80.")
    assert check(report, "endpoints_https")["ok"]


def test_tls_inspection(server, net):
    net["endpoints"][0].update(tls_inspection_suspected=True, tls_issuer="CN=Contoso Inspection CA")
    net["endpoints"][1].update(tls_inspection_suspected=True, tls_issuer="CN=Contoso Inspection CA")
    report = readiness(server, net)
    c = check(report, "tls_inspection")
    assert not c["ok"] and c["severity"] == "warning" and report["ready"]
    assert "issued by CN=Contoso Inspection CA." in c["detail"]


def test_stopped_firewall_service_is_reported_not_a_crash(server, net):
    server["firewall"] = {"available": False, "error": "The MpsSvc service is stopped", "rules": [],
                          "default_outbound_action": {}}
    report = readiness(server, net)
    c = check(report, "firewall")
    assert not c["ok"] and c["severity"] == "warning" and report["ready"]
    assert "The MpsSvc service is stopped" in c["detail"] and "Start-Service MpsSvc" in c["fix"]
    server["firewall"]["available"] = True
    assert check(readiness(server, net), "firewall")["ok"]


def test_reboot_pending_and_allowed(server, net):
    server.update(reboot_pending=True, reboot_pending_reasons=["windows_update"])
    report = readiness(server, net, remediate=True)
    c = check(report, "reboot")
    assert not c["ok"] and "A restart is pending (windows_update)." in c["detail"] and report["reboot_required"]
    report = readiness(server, net, remediate=True, reboot_allowed=True)
    c = check(report, "reboot")
    assert c["ok"] and c["remediated"] and report["remediation"]["reboot"] and not report["reboot_required"]


def test_fleet_summary_and_lines(server, net):
    ready = readiness(server, net, host="a")
    server["dotnet"]["release"] = 394802
    server["tls"]["sch_use_strong_crypto"] = None
    unready = readiness(server, net, host="b")
    fleet = fleet_readiness([ready, unready], ["a", "b", "c"])
    assert fleet == {"hosts": 3, "ready": ["a"], "not_ready": {"b": ["dotnet"]}, "no_report": ["c"],
                     "reboot_required": [], "failed_checks": {"dotnet": 1}, "warnings": {"strong_crypto": 1}}
    assert readiness_lines(fleet) == [
        "Fleet: 1 of 3 host(s) ready for the connector.", "NOT READY b: dotnet",
        "NO REPORT c: failed or unreachable before its checks ran", "Failed check dotnet: 1 host(s)",
        "Warning strong_crypto: 1 host(s)"]
    lines = readiness_lines(unready)
    assert lines[0] == "b: NOT READY" and any(line.startswith("[FAIL] dotnet: ") for line in lines)
    assert any(line.startswith("[WARN] strong_crypto: ") for line in lines)
    assert "    fix: Install .NET Framework 4.8 (at least 4.7.2) and restart the host, then run again." in lines
    failure = readiness_lines(unready, failures=True)
    assert failure[0].startswith("b is not ready") and len(failure) == 3
    assert failure[1].startswith("- dotnet: ") and "Fix: Install .NET Framework 4.8" in failure[1]


def test_lines_say_would_fix_in_check_mode(server, net):
    server["tls"]["client_enabled"] = 0
    report = readiness(server, net, remediate=True)
    assert any(line.startswith("[WOULD FIX] tls12:") for line in readiness_lines(report, check_mode=True))
    assert any(line.startswith("[FIXED] tls12:") for line in readiness_lines(report))
