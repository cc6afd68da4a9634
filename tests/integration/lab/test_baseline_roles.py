# -*- coding: utf-8 -*-
# Copyright (c) 2026 entra.app_proxy maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The baseline roles (firewall, proxy, ie_esc, domain_join) on the lab.

Each role runs on the lab hosts it is meant for, through the lab harness (tests/lab/labkit.py): check mode first
(the host state file must not change), then a real run (the state file and the shared AD database
must hold the wanted settings), then a second run (changed=0). The ansible-test targets of the
four roles run on the lab too. The lab state lives in a private directory (LAB_STATE_DIR), so
these tests never disturb another lab run.
"""
from __future__ import annotations

import json
import re
import sys
import typing as t

import pytest

import labkit

NEW_DIR = r"C:\Program Files\Microsoft Entra private network connector"
NEW_CONFIG = NEW_DIR + r"\MicrosoftEntraPrivateNetworkConnectorService.exe.config"
NEW_UPDATER_CONFIG = NEW_DIR + r" Updater\MicrosoftEntraPrivateNetworkConnectorUpdaterService.exe.config"
OLD_DIR = r"C:\Program Files\Microsoft AAD App Proxy Connector"
OLD_CONFIG = OLD_DIR + r"\ApplicationProxyConnectorService.exe.config"
OLD_UPDATER_CONFIG = OLD_DIR + r" Updater\ApplicationProxyConnectorUpdaterService.exe.config"
NEW_KEY = r"HKLM:\SOFTWARE\Microsoft\Microsoft Entra private network connector"
OLD_KEY = r"HKLM:\SOFTWARE\Microsoft\Microsoft AAD App Proxy Connector"
ESC_ADMIN = r"HKLM:\SOFTWARE\Microsoft\Active Setup\Installed Components\{A509B1A7-37EF-4b3f-8CFC-4F3A74704073}"
ESC_USER = r"HKLM:\SOFTWARE\Microsoft\Active Setup\Installed Components\{A509B1A8-37EF-4b3f-8CFC-4F3A74704073}"
PROXY = "http://proxy.contoso.example:8080"
GROUP = "Microsoft Entra private network connector (entra.app_proxy)"
# A throwaway secret per test process; the tests check it never shows up in the output.
JOIN_PASSWORD = labkit.JOIN_PASSWORD


def install(layout: str) -> t.Callable[[t.Any], None]:
    """Set-up: the lab's installer model lays down a connector of one layout."""
    def fn(host: t.Any) -> None:
        from ansible_collections.lab.windows.plugins.module_utils import installers  # noqa: E402

        installers.install_layout(host, layout, "1.5.4522.0" if layout == "new" else "1.5.3437.0")
    return fn


def ok(run: labkit.Run, host: str) -> dict[str, int]:
    assert run.rc == 0, run.output[-4000:]
    assert run.recap[host]["failed"] == 0 and run.recap[host]["unreachable"] == 0, run.output[-4000:]
    return run.recap[host]


def reg(state: dict[str, t.Any], key: str, name: str) -> t.Any:
    entry = state["registry"].get(key.lower(), {}).get("values", {}).get(name.lower())
    return None if entry is None else entry["data"]


def text(state: dict[str, t.Any], path: str) -> str | None:
    entry = state["files"].get(path.lower())
    return None if entry is None else entry.get("text")


def restarts(state: dict[str, t.Any]) -> list[str]:
    return [e["name"] for e in state["history"] if e["event"] == "service_restart"]


@pytest.fixture(scope="module")
def lab(make_lab):
    return make_lab()


# ---------------------------------------------------------------------------------------- firewall
OUR_RULES = ["entra.app_proxy outbound - connector service", "entra.app_proxy outbound - updater service",
             "entra.app_proxy outbound - connector service (aad app proxy layout)",
             "entra.app_proxy outbound - updater service (aad app proxy layout)"]


def test_firewall_check_real_idempotent(lab):
    hosts = "win2022-clean,win2022-noport80"
    seeded = {h: lab.state(h)["firewall_rules"] for h in hosts.split(",")}
    check = lab.role(hosts, "firewall", None, "--check")
    for host in seeded:
        assert ok(check, host)["changed"] > 0
        assert lab.state(host)["firewall_rules"] == seeded[host], "check mode changed %s" % host

    first = lab.role(hosts, "firewall")
    for host in seeded:
        assert ok(first, host)["changed"] > 0
        rules = lab.state(host)["firewall_rules"]
        for name in OUR_RULES:
            rule = rules[name]
            assert (rule["direction"], rule["action"], rule["protocol"], rule["remoteport"]) == ("out", "allow", "tcp", "80,443")
            assert rule["group"] == GROUP and rule["enabled"] is True
        assert rules[OUR_RULES[0]]["program"] == NEW_DIR + r"\MicrosoftEntraPrivateNetworkConnectorService.exe"
        assert rules[OUR_RULES[2]]["program"] == OLD_DIR + r"\ApplicationProxyConnectorService.exe"
        assert "entra.app_proxy outbound - any program" not in rules
    # the corporate block rule of the port-80-blocked host is not ours and stays as seeded
    assert lab.state("win2022-noport80")["firewall_rules"]["block outbound http"] == seeded["win2022-noport80"]["block outbound http"]

    second = lab.role(hosts, "firewall")
    for host in seeded:
        assert ok(second, host)["changed"] == 0


def test_firewall_scope_legacy_and_absent(lab):
    host = "win2022-noport80"
    ok(lab.role(host, "firewall", {"firewall_scope": "any", "firewall_legacy_ports": True}), host)
    rules = lab.state(host)["firewall_rules"]
    assert not set(OUR_RULES) & set(rules), "switching the scope left per-program rules behind"
    assert rules["entra.app_proxy outbound - any program"]["remoteport"] == "80,443,5671,8080,9090-9091,9350,9352,10100-10120"
    assert rules["entra.app_proxy outbound - any program"]["program"] == "any"

    absent = lab.role(host, "firewall", {"firewall_state": "absent"})
    assert ok(absent, host)["changed"] > 0
    assert set(lab.state(host)["firewall_rules"]) == {"block outbound http"}
    assert ok(lab.role(host, "firewall", {"firewall_state": "absent"}), host)["changed"] == 0


def test_firewall_warns_when_outbound_blocked_and_scope_program(lab):
    """S4: per-program rules do not cover revocation checks by Network Service services; the role says so."""
    host = "win2022-clean"
    lab.edit(host, lambda h: h.state.update(firewall_policy="BlockInbound,BlockOutbound"))
    try:
        run = lab.role(host, "firewall")
        ok(run, host)
        flat = re.sub(r"\s+", " ", run.output)
        assert "WARNING: outbound traffic is blocked by default" in flat and "Set firewall_scope to any" in flat
        run = lab.role(host, "firewall", {"firewall_scope": "any"})
        ok(run, host)
        assert "Set firewall_scope to any" not in re.sub(r"\s+", " ", run.output)
    finally:
        lab.edit(host, lambda h: h.state.pop("firewall_policy"))
        ok(lab.role(host, "firewall"), host)


def test_firewall_bad_input_changes_nothing(lab):
    host = "win2022-clean"
    before = lab.state(host)["firewall_rules"]
    run = lab.role(host, "firewall", {"firewall_scope": "everything", "firewall_state": "absent"})
    assert run.rc != 0 and run.recap[host]["failed"] == 1
    assert "firewall_scope" in run.output and "everything" in run.output
    assert lab.state(host)["firewall_rules"] == before


def test_firewall_target(lab):
    ok(lab.target("win2022-noport80", "firewall"), "win2022-noport80")


def test_server_info_target(lab):
    ok(lab.target("win2022-noport80", "server_info"), "win2022-noport80")
    rules = lab.state("win2022-noport80")["firewall_rules"]
    assert "entra.app_proxy server_info test" not in rules and "another server_info test" not in rules


@pytest.mark.parametrize("host", ["win2022-clean", "win2022-proxy"])
def test_connectivity_test_target(lab, host):
    """Direct, and through the proxy a proxy-only host must use: the host measures, the action decides."""
    ok(lab.target(host, "connectivity_test"), host)


# ------------------------------------------------------------------------------------------- proxy
def test_proxy_machine_stage_before_install(lab):
    host = "win2022-proxy"  # its inventory sets app_proxy_outbound_proxy
    seeded = lab.state(host)
    check = lab.role(host, "proxy", {"proxy_stage": "machine"}, "--check")
    assert ok(check, host)["changed"] > 0
    assert lab.state(host)["proxy"] == seeded["proxy"]

    assert ok(lab.role(host, "proxy", {"proxy_stage": "machine"}), host)["changed"] > 0
    proxy = lab.state(host)["proxy"]
    assert proxy["winhttp"] == {"proxy": "proxy.contoso.example:8080", "bypass": ["<local>"]}
    assert proxy["inet"]["proxy"] == "proxy.contoso.example:8080" and proxy["inet"]["auto_detect"] is False
    assert ok(lab.role(host, "proxy", {"proxy_stage": "machine"}), host)["changed"] == 0

    # the connector stage before the install finds nothing to edit and creates nothing
    run = lab.role(host, "proxy", {"proxy_stage": "connector"})
    assert ok(run, host)["changed"] == 0
    assert "nothing to configure yet" in run.output
    assert text(lab.state(host), NEW_CONFIG) is None


def test_proxy_connector_stage_after_install(lab):
    host = "win2022-proxy"
    lab.edit(host, install("new"))
    seeded = lab.state(host)
    original = text(seeded, NEW_CONFIG)
    assert "system.net" not in original

    check = lab.role(host, "proxy", {"proxy_stage": "connector"}, "--check")
    assert ok(check, host)["changed"] > 0
    after_check = lab.state(host)
    assert after_check["files"] == seeded["files"] and restarts(after_check) == restarts(seeded)

    ok(lab.role(host, "proxy", {"proxy_stage": "connector"}), host)
    state = lab.state(host)
    for path in (NEW_CONFIG, NEW_UPDATER_CONFIG):
        xml = text(state, path)
        assert xml.count("<defaultProxy>") == 1
        assert '<proxy proxyaddress="%s" bypassonlocal="True" usesystemdefault="True" />' % PROXY in xml
        assert "<gcServer" in xml and 'key="TraceFilename"' in xml, "other elements must be kept"
        assert text(state, path + ".orig") == text(seeded, path), "the first change keeps the original"
    assert restarts(state)[-2:] == ["WAPCSvc", "WAPCUpdaterSvc"]

    second = lab.role(host, "proxy", {"proxy_stage": "connector"})
    assert ok(second, host)["changed"] == 0
    assert restarts(lab.state(host)) == restarts(state), "no restart when nothing changed"

    # bypass mode replaces the element; the copy stays the original
    ok(lab.role(host, "proxy", {"proxy_stage": "connector", "proxy_mode": "bypass"}), host)
    state = lab.state(host)
    xml = text(state, NEW_CONFIG)
    assert xml.count("<defaultProxy") == 1 and '<defaultProxy enabled="false" />' in xml and "proxyaddress" not in xml
    assert text(state, NEW_CONFIG + ".orig") == original


def test_proxy_old_layout_backend_value(lab):
    host = "win2022-oldconnector"
    seeded = lab.state(host)
    assert text(seeded, OLD_CONFIG) is not None and text(seeded, NEW_CONFIG) is None
    # all stages: the per-machine Internet Options policy belongs to the machine stage
    variables = {"proxy_stage": "all", "proxy_mode": "bypass", "proxy_backend_use_default_proxy": True}
    ok(lab.role(host, "proxy", variables), host)
    state = lab.state(host)
    for path in (OLD_CONFIG, OLD_UPDATER_CONFIG):
        assert '<defaultProxy enabled="false" />' in text(state, path)
    assert reg(state, OLD_KEY, "UseDefaultProxyForBackendRequests") == 1
    assert NEW_KEY.lower() not in state["registry"], "the role must not create the other layout's key"
    assert reg(state, r"HKLM:\SOFTWARE\Policies\Microsoft\Windows\CurrentVersion\Internet Settings",
               "ProxySettingsPerUser") == 0
    assert ok(lab.role(host, "proxy", variables), host)["changed"] == 0

    ok(lab.role(host, "proxy", {"proxy_stage": "connector", "proxy_mode": "system"}), host)
    state = lab.state(host)
    assert "defaultProxy" not in text(state, OLD_CONFIG)
    assert reg(state, OLD_KEY, "UseDefaultProxyForBackendRequests") is None


@pytest.mark.parametrize("url, reason", [
    ("http://someone:%s@proxy.contoso.example:8080" % JOIN_PASSWORD, "Proxy authentication is not supported"),
    ("https://proxy.contoso.example:8080", "starts with https://"),
    ("proxy.contoso.example:8080", "it has no scheme"),
    ("   ", "it is made only of spaces"),
    ("http://[2001:db8::1]", "it has no port"),
], ids=["credentials", "https", "no-scheme", "spaces", "ipv6-no-port"])  # fixed ids: the first URL holds a per-run password
def test_proxy_bad_url_fails_before_any_change(lab, url, reason):
    host = "win2022-clean"
    before = lab.state(host)
    run = lab.role(host, "proxy", {"app_proxy_outbound_proxy": url}, "-vvv")
    assert run.rc != 0 and run.recap[host]["failed"] == 1
    assert "proxy_url" in run.output
    assert re.sub(r"\s+", " ", reason) in re.sub(r"\s+", " ", run.output)
    assert JOIN_PASSWORD not in run.output
    after = lab.state(host)
    assert (after["proxy"], after["files"], after["registry"]) == (before["proxy"], before["files"], before["registry"])


def test_proxy_target(lab):
    ok(lab.target("win2022-clean", "proxy"), "win2022-clean")


# ------------------------------------------------------------------------------------------ ie_esc
def test_ie_esc_check_real_idempotent(lab):
    host = "win2022-clean"
    assert (reg(lab.state(host), ESC_ADMIN, "IsInstalled"), reg(lab.state(host), ESC_USER, "IsInstalled")) == (1, 1)
    assert ok(lab.role(host, "ie_esc", None, "--check"), host)["changed"] == 1
    assert (reg(lab.state(host), ESC_ADMIN, "IsInstalled"), reg(lab.state(host), ESC_USER, "IsInstalled")) == (1, 1)

    assert ok(lab.role(host, "ie_esc"), host)["changed"] == 1
    assert (reg(lab.state(host), ESC_ADMIN, "IsInstalled"), reg(lab.state(host), ESC_USER, "IsInstalled")) == (0, 0)
    assert ok(lab.role(host, "ie_esc"), host)["changed"] == 0

    assert ok(lab.role(host, "ie_esc", {"ie_esc_user_disabled": False}), host)["changed"] == 1
    assert (reg(lab.state(host), ESC_ADMIN, "IsInstalled"), reg(lab.state(host), ESC_USER, "IsInstalled")) == (0, 1)


def test_ie_esc_is_a_no_op_without_the_keys(lab):
    host = "win2016-net462"

    def core(h: t.Any) -> None:  # Server Core has no IE ESC components
        h.reg_delete_key(ESC_ADMIN)
        h.reg_delete_key(ESC_USER)

    lab.edit(host, core)
    before = lab.state(host)["registry"]
    run = lab.role(host, "ie_esc")
    assert ok(run, host)["changed"] == 0
    assert "is not on this host" in run.output
    assert lab.state(host)["registry"] == before


SHARED_READ_THEN = [
    {"name": "Read the host as the prerequisites role does", "entra.app_proxy.server_info": {}, "register": "read"},
    {"name": "Share the read", "ansible.builtin.set_fact": {"app_proxy_server_info": "{{ read }}"}},
]


@pytest.mark.parametrize("host, core", [("win2022-clean", False), ("win2016-net462", True)])
def test_ie_esc_decides_from_the_shared_read(rt_lab, host, core):
    """With the shared server_info read the role reads no key itself: it writes where a key exists and differs."""
    lab = rt_lab
    if core:
        lab.edit(host, lambda h: (h.reg_delete_key(ESC_ADMIN), h.reg_delete_key(ESC_USER)))
    before = lab.state(host)["registry"]
    run = lab.play(host, SHARED_READ_THEN + [{"ansible.builtin.include_role": {"name": "entra.app_proxy.ie_esc"}}],
                   roles=False)
    trips = roundtrips(lab)[host]["by_module"]
    assert "ansible.windows.win_reg_stat" not in trips, trips
    if core:
        assert ok(run, host)["changed"] == 0 and "is not on this host" in run.output
        assert lab.state(host)["registry"] == before and trips == {"entra.app_proxy.server_info": 1}
    else:
        assert ok(run, host)["changed"] == 1
        assert (reg(lab.state(host), ESC_ADMIN, "IsInstalled"), reg(lab.state(host), ESC_USER, "IsInstalled")) == (0, 0)
        assert trips == {"entra.app_proxy.server_info": 1, "ansible.windows.win_regedit": 2}


def test_ie_esc_target(lab):
    ok(lab.target("win2022-clean", "ie_esc"), "win2022-clean")


# ------------------------------------------------------------------------------------- domain_join
JOIN_VARS = {"domain_join_username": "CONTOSO\\lab-join", "domain_join_password": JOIN_PASSWORD,
             "domain_join_ad_host": "win2019-kcd", "domain_join_kcd_mode": "classic",
             "domain_join_kcd_spns": ["http/intranet.contoso.example", "HTTP/intranet"]}


def test_domain_join_without_kcd_does_nothing(lab):
    host = "win2022-clean"
    before = lab.state(host)["domain"]
    run = lab.role(host, "domain_join", JOIN_VARS)
    assert ok(run, host)["changed"] == 0
    assert "Kerberos Constrained Delegation is not wanted" in re.sub(r"\s+", " ", run.output)
    assert lab.state(host)["domain"] == before


def test_domain_join_and_classic_kcd(lab):
    host = "win2019-kcd"  # its inventory sets app_proxy_kcd_enabled and app_proxy_domain_name
    seeded, ad_before = lab.state(host), lab.domain("contoso.example")
    check = lab.role(host, "domain_join", JOIN_VARS, "--check", "--diff")
    assert ok(check, host)["changed"] > 0
    assert "has not finished joining" in check.output
    assert lab.state(host)["domain"] == seeded["domain"] and lab.domain("contoso.example") == ad_before

    first = lab.role(host, "domain_join", JOIN_VARS, "--diff", "-vv")
    assert ok(first, host)["changed"] > 0
    assert JOIN_PASSWORD not in first.output
    assert "+        - http/intranet.contoso.example" in first.output, "--diff shows the SPNs added"
    state = lab.state(host)
    assert state["domain"]["joined"] and state["domain"]["dns_domain_name"] == "contoso.example"
    assert state["boot"]["boot_count"] > seeded["boot"].get("boot_count", 0), "the join reboots in the play"
    assert not state["boot"].get("pending")
    ad = lab.domain("contoso.example")
    account = ad["computers"]["win2019-kcd"]
    assert account["attributes"]["msds-allowedtodelegateto"] == JOIN_VARS["domain_join_kcd_spns"]
    # the join's WORKSTATION_TRUST_ACCOUNT (4096) plus TRUSTED_TO_AUTH_FOR_DELEGATION (16777216)
    assert account["attributes"]["useraccountcontrol"] == ["16781312"]
    assert account["dn"] in authorization_group(ad)["members"]

    second = lab.role(host, "domain_join", JOIN_VARS)
    assert ok(second, host)["changed"] == 0
    assert lab.domain("contoso.example") == ad


def authorization_group(ad: dict[str, t.Any]) -> dict[str, t.Any]:
    """The lab forest is German: the builtin group is found by its well-known SID only."""
    [group] = [g for g in ad["groups"].values() if g["sid"] == "S-1-5-32-560"]
    assert group["name"] == "Windows-Autorisierungszugriffsgruppe"
    return group


def test_protocol_transition_keeps_the_other_flags(lab):
    """F9: the flag is ORed into userAccountControl; a disabled account stays disabled."""
    host = "win2019-kcd"  # joined by the test above
    lab.edit_domains(lambda db: db["contoso.example"]["computers"]["win2019-kcd"]["attributes"].update(useraccountcontrol=["4098"]))
    assert ok(lab.role(host, "domain_join", JOIN_VARS), host)["changed"] == 1
    account = lab.domain("contoso.example")["computers"]["win2019-kcd"]
    assert account["attributes"]["useraccountcontrol"] == [str(4096 | 2 | 16777216)]
    assert account["enabled"] is False
    assert ok(lab.role(host, "domain_join", JOIN_VARS), host)["changed"] == 0


def test_delegation_without_the_privilege_fails_with_the_fix(lab):
    """Windows refuses delegation settings to an account without SeEnableDelegationPrivilege."""
    host = "win2019-kcd"
    lab.edit_domains(lambda db: db["contoso.example"]["computers"]["win2019-kcd"]["attributes"].pop("msds-allowedtodelegateto"))
    ad_before = lab.domain("contoso.example")
    variables = dict(JOIN_VARS, domain_join_ad_username="CONTOSO\\lab-helpdesk", domain_join_ad_password=JOIN_PASSWORD)
    run = lab.role(host, "domain_join", variables)
    assert run.rc != 0 and run.recap[host]["failed"] == 1, run.output
    assert "SeEnableDelegationPrivilege" in run.output and "domain_join_ad_username" in run.output
    assert JOIN_PASSWORD not in run.output
    assert lab.domain("contoso.example") == ad_before
    assert ok(lab.role(host, "domain_join", JOIN_VARS), host)["changed"] == 1


def test_resource_based_delegation(lab):
    host = "win2019-kcd"  # joined by the test above
    variables = dict(JOIN_VARS, domain_join_kcd_mode="resource_based", domain_join_rbcd_account="WEB01$")
    assert ok(lab.role(host, "domain_join", variables), host)["changed"] == 1
    ad = lab.domain("contoso.example")
    connector = ad["computers"]["win2019-kcd"]
    assert [d.lower().rstrip("$") for d in ad["computers"]["web01"]["delegates"]] in (
        [connector["dn"].lower()], [connector["sam_account_name"].lower().rstrip("$")])
    assert ok(lab.role(host, "domain_join", variables), host)["changed"] == 0


def modules_run(lab: labkit.Lab, host: str) -> dict[str, int]:
    """Module executions per module on one host since the last call (the simulator's count)."""
    counted = lab.roundtrips()["hosts"].get(host, {}).get("by_module", {})
    lab.report_path.unlink(missing_ok=True)
    return counted


def own_read_then_domain_join(lab: labkit.Lab, host: str, become: bool) -> labkit.Run:
    """server_info's read of the host's own AD account (as the prerequisites role shares it), then the role."""
    read: dict[str, t.Any] = {"name": "Read the host and its own AD account", "register": "own_read",
                              "entra.app_proxy.server_info": {"ad_account": True}}
    if become:
        read.update(become=True, become_method="ansible.builtin.runas", become_user="SYSTEM")
    role = {"name": "Run domain_join", "ansible.builtin.include_role": {"name": "entra.app_proxy.domain_join"},
            "vars": dict(JOIN_VARS, domain_join_server_info="{{ own_read }}")}
    keep = {"name": "Keep the read for the test", "delegate_to": "localhost", "connection": "local", "changed_when": False,
            "ansible.builtin.copy": {"content": "{{ own_read.ad_account | to_json }}", "dest": str(lab.path("own_read.json"))}}
    modules_run(lab, host)
    return lab.play(host, [read, keep, role], roles=False)


def own_read(lab: labkit.Lab) -> dict[str, t.Any]:
    return json.loads(lab.path("own_read.json").read_text())


def test_kcd_rerun_asks_the_ad_host_nothing_when_the_own_read_shows_it_in_place(lab):
    """Issue 8: read as SYSTEM, the host's own account decides; a compliant rerun is the one read."""
    host = "win2019-kcd"  # joined, in the group, classic delegation set by the tests above
    variables = dict(JOIN_VARS)
    ad_before = lab.domain("contoso.example")
    run = own_read_then_domain_join(lab, host, become=True)
    assert ok(run, host)["changed"] == 0
    account = own_read(lab)
    assert account["found"] and account["error"] is None and account["sam_account_name"] == "WIN2019-KCD$"
    assert "S-1-5-32-560" in account["token_groups"]
    assert [s.lower() for s in account["allowed_to_delegate_to"]] == [s.lower() for s in variables["domain_join_kcd_spns"]]
    assert modules_run(lab, host) == {"entra.app_proxy.server_info": 1}
    assert lab.domain("contoso.example") == ad_before


def test_kcd_own_read_without_become_falls_back_to_the_ad_host(lab):
    """Without become the read meets the double hop: an error fact, and the AD host's read decides as before."""
    host = "win2019-kcd"
    ad_before = lab.domain("contoso.example")
    run = own_read_then_domain_join(lab, host, become=False)
    assert ok(run, host)["changed"] == 0
    account = own_read(lab)
    assert account["found"] is False and "An operations error occurred." in account["error"]
    assert modules_run(lab, host) == {"entra.app_proxy.server_info": 1, "microsoft.ad.object_info": 1}
    assert lab.domain("contoso.example") == ad_before


def test_kcd_own_read_showing_drift_writes_what_the_ad_host_reads(lab):
    """A difference in the host's read hands over to the AD host's read, which decides the writes."""
    host = "win2019-kcd"

    def drift(ad: dict[str, t.Any]) -> None:
        account = ad["computers"]["win2019-kcd"]
        authorization_group(ad)["members"].remove(account["dn"])
        account["attributes"]["msds-allowedtodelegateto"] = ["http/intranet.contoso.example"]

    uac = lab.domain("contoso.example")["computers"]["win2019-kcd"]["attributes"]["useraccountcontrol"]
    lab.edit_domains(lambda domains: drift(domains["contoso.example"]))
    run = own_read_then_domain_join(lab, host, become=True)
    assert ok(run, host)["changed"] == 2
    assert "S-1-5-32-560" not in own_read(lab)["token_groups"]
    assert modules_run(lab, host) == {
        "entra.app_proxy.server_info": 1, "microsoft.ad.object_info": 1, "microsoft.ad.group": 1, "microsoft.ad.computer": 1}
    ad = lab.domain("contoso.example")
    account = ad["computers"]["win2019-kcd"]
    assert account["dn"] in authorization_group(ad)["members"]
    assert sorted(account["attributes"]["msds-allowedtodelegateto"]) == sorted(JOIN_VARS["domain_join_kcd_spns"])
    assert account["attributes"]["useraccountcontrol"] == uac, "userAccountControl was in place: not written"
    run = own_read_then_domain_join(lab, host, become=True)
    assert ok(run, host)["changed"] == 0
    assert modules_run(lab, host) == {"entra.app_proxy.server_info": 1}


def test_domain_join_bad_input_fails_before_any_change(lab):
    host = "win2019-kcd"
    ad_before = lab.domain("contoso.example")
    run = lab.role(host, "domain_join", dict(JOIN_VARS, domain_join_kcd_spns=["not an spn"]))
    assert run.rc != 0 and "domain_join_kcd_spns" in run.output
    run = lab.role(host, "domain_join", dict(JOIN_VARS, domain_join_ad_host="no-such-host"))
    assert run.rc != 0 and "domain_join_ad_host" in run.output
    assert JOIN_PASSWORD not in run.output
    assert lab.domain("contoso.example") == ad_before


def test_domain_join_target(lab):
    lab.reset()
    run = lab.target("win2019-kcd", "domain_join", "-e", "domain_join_test_domain=contoso.example",
                     "-e", "domain_join_test_username=CONTOSO\\lab-join", "-e", "domain_join_test_password=" + JOIN_PASSWORD,
                     "-e", "domain_join_test_ad_host=win2019-kcd", "-e", "domain_join_test_spn=http/intranet.contoso.example")
    ok(run, "win2019-kcd")
    assert lab.state("win2019-kcd")["domain"]["joined"]


# ------------------------------------------------------------------------ interfaces (no lab needed)
@pytest.mark.parametrize("role", ["firewall", "proxy", "ie_esc", "domain_join"])
def test_role_interface_is_documented(role):
    """argument_specs, defaults/main.yml, vars/main.yml and the README describe the same variables."""
    import yaml

    base = labkit.REPO / "roles" / role
    options = yaml.safe_load((base / "meta" / "argument_specs.yml").read_text())["argument_specs"]["main"]["options"]
    defaults_text = (base / "defaults" / "main.yml").read_text()
    defaults = yaml.safe_load(defaults_text)
    internal = yaml.safe_load((base / "vars" / "main.yml").read_text())
    readme = (base / "README.md").read_text()
    assert readme.count("| variable | type | default | description |") == 1, "one generated table, no hand-made one"
    table = readme.split("<!-- BEGIN ARGUMENT SPECS (generated by tools/role_readme.py) -->")[1].split("<!-- END ARGUMENT SPECS -->")[0]
    assert not re.search(r"\b(O|V|C|M|E)\(", table), "documentation markup is rendered"
    assert set(options) == set(defaults), "argument_specs and defaults/main.yml differ"
    lines = defaults_text.splitlines()
    for name, spec in options.items():
        assert name.startswith(role + "_"), name
        assert {"type", "description"} <= set(spec) and "default" in spec, name
        assert name.startswith(role + "_")
        row = [ln for ln in table.splitlines() if ln.startswith("| `%s` |" % name)]
        assert len(row) == 1, "%s is not in the README table" % name
        assert "| %s |" % spec["type"] in row[0] or "| %s of " % spec["type"] in row[0], name
        for choice in spec.get("choices", []):
            assert "`%s`" % choice in row[0], (name, choice)
        index = next(i for i, ln in enumerate(lines) if ln.startswith(name + ":"))
        assert lines[index - 1].startswith("#"), "%s has no comment in defaults/main.yml" % name
        if "{{" not in str(defaults[name]):
            assert defaults[name] == spec["default"], "%s: defaults/main.yml and argument_specs differ" % name
    assert all(k.startswith("__%s_" % role) for k in internal), "internal variables must be __%s_*" % role


# ----------------------------------------------------------------------------------- round trips
BASELINE_HOSTS = ["win2022-clean", "win2022-oldconnector", "win2022-proxy", "win2019-kcd"]
# The site playbook's order; the connector stage gets the read explicitly (its default is {} because the
# site playbook installs the connector in between, which this play does not).
BASELINE = [
    {"role": "entra.app_proxy.prerequisites", "vars": {"prerequisites_fleet_summary": False}},
    {"role": "entra.app_proxy.firewall"},
    {"role": "entra.app_proxy.proxy", "vars": {"proxy_stage": "machine"}},
    {"role": "entra.app_proxy.ie_esc"},
    {"role": "entra.app_proxy.domain_join", "vars": JOIN_VARS},
    {"role": "entra.app_proxy.proxy", "vars": {"proxy_stage": "connector", "proxy_server_info": "{{ app_proxy_server_info }}"}},
]


def roundtrips(lab: labkit.Lab) -> dict[str, dict[str, t.Any]]:
    return lab.roundtrips()["hosts"]


@pytest.fixture()
def rt_lab(simlab):
    return simlab


def test_compliant_rerun_round_trips(rt_lab):
    """prerequisites + the four baseline roles: a compliant rerun costs only the preflight's two reads."""
    lab, hosts = rt_lab, ",".join(BASELINE_HOSTS)
    # as after the site playbook: a connector is installed (the connector stage trusts a read only then)
    lab.edit("win2022-clean", install("new"))
    lab.edit("win2022-proxy", install("new"))
    first = lab.play(hosts, BASELINE)
    for host in BASELINE_HOSTS:
        ok(first, host)

    # with the shared read (the default)
    after = lab.play(hosts, BASELINE)
    report = roundtrips(lab)
    for host in BASELINE_HOSTS:
        assert ok(after, host)["changed"] == 0, host
    assert report["win2022-clean"]["by_module"] == {"entra.app_proxy.server_info": 1, "entra.app_proxy.connectivity_test": 1}
    assert report["win2022-oldconnector"]["modules"] == 2, report["win2022-oldconnector"]
    # server_info returns the defaultProxy elements of each .exe.config, so no win_xml probe runs
    assert report["win2022-proxy"]["by_module"] == {
        "entra.app_proxy.server_info": 1, "entra.app_proxy.connectivity_test": 1}
    # the join is not sent again, and the preflight's read (as SYSTEM) of the host's own AD account shows
    # the group and the delegation in place, so the AD host is not asked (issue 8); no connector on this
    # host, so the connector stage reads the host once for the .exe.config files
    assert report["win2019-kcd"]["by_module"] == {
        "entra.app_proxy.server_info": 2, "entra.app_proxy.connectivity_test": 1}
    after_counts = {h: report[h]["modules"] for h in BASELINE_HOSTS}

    # without it (each role on its own reads the host, as before the shared read existed)
    before = lab.play(hosts, BASELINE, "-e", '{"app_proxy_server_info": {}}')
    report = roundtrips(lab)
    for host in BASELINE_HOSTS:
        assert ok(before, host)["changed"] == 0, host
    before_counts = {h: report[h]["modules"] for h in BASELINE_HOSTS}
    # the firewall role reads the host once itself, and sends no rule: they all match that read
    assert "community.windows.win_firewall_rule" not in report["win2022-clean"]["by_module"]
    assert "ansible.windows.win_command" not in report["win2022-clean"]["by_module"]
    for host in BASELINE_HOSTS:
        assert after_counts[host] < before_counts[host], (host, after_counts, before_counts)
    print("round trips per host, compliant rerun: before %s, after %s" % (before_counts, after_counts))


def test_drift_is_still_found_with_the_shared_read(rt_lab):
    """Skipping on the shared read must not hide drift: check mode reports it, a real run fixes it."""
    lab, hosts = rt_lab, "win2022-clean,win2022-proxy"
    ok(lab.play(hosts, BASELINE[:5]), "win2022-clean")

    def drift(h: t.Any) -> None:
        rule = dict(h.firewall_rule_get(OUR_RULES[0]), remoteport="443")
        h.firewall_rule_put(rule)
        h.firewall_rule_delete(OUR_RULES[3])
        h.reg_set_value(ESC_ADMIN, "IsInstalled", 1, "dword")

    lab.edit("win2022-clean", drift)
    lab.edit("win2022-proxy", lambda h: h.set_winhttp_proxy({"proxy": "other.contoso.example:3128", "bypass": ["<local>"]}))
    drifted = {h: lab.state(h) for h in hosts.split(",")}

    check = lab.play(hosts, BASELINE[:5], "--check")
    assert ok(check, "win2022-clean")["changed"] == 2  # the rule task (two rules) and the IE ESC task
    assert ok(check, "win2022-proxy")["changed"] == 1  # the WinHTTP proxy
    for host, state in drifted.items():
        after = lab.state(host)
        assert (after["firewall_rules"], after["registry"], after["proxy"]) == (
            state["firewall_rules"], state["registry"], state["proxy"]), "check mode changed %s" % host

    ok(lab.play(hosts, BASELINE[:5]), "win2022-clean")
    clean = lab.state("win2022-clean")
    assert clean["firewall_rules"][OUR_RULES[0]]["remoteport"] == "80,443"
    assert OUR_RULES[3] in clean["firewall_rules"]
    assert reg(clean, ESC_ADMIN, "IsInstalled") == 0
    assert lab.state("win2022-proxy")["proxy"]["winhttp"]["proxy"] == "proxy.contoso.example:8080"


# ------------------------------------------------------------------- connector installer on a share
SHARE_INSTALLER = r"\\fs01\software\MicrosoftEntraPrivateNetworkConnectorInstaller.exe"


def test_installer_on_a_file_share_is_copied_as_the_computer_account(rt_lab):
    """F8: over WinRM a UNC path is unreachable without become (no credential delegation); the role
    copies the installer as SYSTEM, then checks and installs the local copy."""
    lab, host = rt_lab, "win2022-clean"
    lab.edit(host, lambda h: h.file_write(SHARE_INSTALLER, "FAKE-MS-CONNECTOR-INSTALLER version=1.5.4892.0\n"))
    install = {"name": "Install from the share", "ansible.builtin.include_role": {
        "name": "entra.app_proxy.connector", "tasks_from": "install"},
        "vars": {"connector_installer_source": "path", "connector_installer_path": SHARE_INSTALLER}}
    run = lab.play(host, [install], roles=False)
    ok(run, host)
    state = lab.state(host)
    assert text(state, r"C:\Windows\Temp\MicrosoftEntraPrivateNetworkConnectorInstaller.exe").startswith(
        "FAKE-MS-CONNECTOR-INSTALLER version=1.5.4892.0")
    assert state["files"][(NEW_DIR + r"\MicrosoftEntraPrivateNetworkConnectorService.exe").lower()]["version"] == "1.5.4892.0"
    assert [e for e in state["history"] if e["event"] == "install"][-1]["version"] == "1.5.4892.0"


def test_unc_path_is_unreachable_without_become(rt_lab):
    """The lab is as strict as WinRM: the same share read without become finds no file."""
    lab, host = rt_lab, "win2022-clean"
    lab.edit(host, lambda h: h.file_write(SHARE_INSTALLER, "FAKE-MS-CONNECTOR-INSTALLER version=1.5.4892.0\n"))
    task = {"name": "Check the signature on the share", "entra.app_proxy.installer_signature": {"path": SHARE_INSTALLER},
            "register": "sig"}
    show = {"name": "Show", "ansible.builtin.debug": {"msg": "exists={{ sig.exists }}"}}
    become = dict(task, become=True, become_method="ansible.builtin.runas", become_user="SYSTEM")
    run = lab.play(host, [task, show], roles=False)
    ok(run, host)
    assert "exists=False" in run.output
    run = lab.play(host, [become, show], roles=False)
    ok(run, host)
    assert "exists=True" in run.output


def test_role_readme_renders_markup():
    sys.path.insert(0, str(labkit.REPO / "tools"))
    from role_readme import render_markup  # noqa: E402

    assert render_markup("O(a=b), V(x), C(y), M(ns.c.m#module), RV(r), E(HOME), I(i), B(b)") == \
        "`a=b`, `x`, `y`, `ns.c.m`, `r`, `$HOME`, *i*, **b**"
    assert render_markup("L(the doc,https://example.org/x) U(https://example.org)") == \
        "[the doc](https://example.org/x) <https://example.org>"
    assert render_markup("TLS (1.2) and NOTE(x)") == "TLS (1.2) and NOTE(x)"


@pytest.mark.parametrize("version", ["1.5-beta", "1"])
def test_connector_bad_min_version_fails_before_any_change(lab, version):
    """The role refuses a minimum version it could not compare, with the fix, before it reads or signs in."""
    host = "win2022-clean"
    before = lab.state(host)
    run = lab.role(host, "connector", {"connector_min_version": version})
    assert run.rc != 0 and run.recap[host]["failed"] == 1
    assert "connector_min_version must be a version such as 1.5.3829.0, got %s." % version in run.output
    assert lab.state(host) == before
