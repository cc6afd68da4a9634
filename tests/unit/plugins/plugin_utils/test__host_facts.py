# Copyright (c) 2026 entra.app_proxy maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Replays the raw facts in tests/unit/fixtures/hosts through the controller-side decoding."""

from __future__ import annotations

import base64
import copy
import datetime
import json

import pytest

from ansible_collections.entra.app_proxy.plugins.plugin_utils import _host_facts
from recorded_hosts import FIXTURES, NOW, raw
from recorded_hosts import decoded as decode


@pytest.mark.parametrize("name", sorted(p.stem for p in FIXTURES.glob("*.json")))
def test_every_fixture_decodes_with_every_documented_key(name):
    result = decode(name)
    assert set(result) == {"connector", "services", "registration", "proxy", "firewall", "tls", "dotnet", "ie_esc",
                           "http2", "os", "domain", "password_protection_proxy", "reboot_pending",
                           "reboot_pending_reasons", "connector_errors", "ad_account"}
    assert result["registration"]["registered"] == (result["registration"]["state"] == "registered")
    assert result["reboot_pending"] == bool(result["reboot_pending_reasons"])


def test_machine_store_certificate_is_registered():
    r = decode("registered-machine-store")["registration"]
    assert r["state"] == "registered" and r["registered"] is True
    assert r["certificate_store"] == "LocalMachine\\My" and r["certificate_source"] == "machine"
    assert r["certificate_not_after"] == "2027-05-01T10:00:00Z"
    assert r["certificate_issuer"] == "CN=connectorregistrationca.msappproxy.net"
    assert r["is_in_user_store"] is False and r["certificate_expired"] is False


def test_registry_blob_of_the_network_service_store_decodes():
    """F1: the renewed certificate exists only as the Blob in HKU\\S-1-5-20; it must be found and parsed."""
    r = decode("renewed-registry-blob")["registration"]
    assert r["state"] == "registered"
    assert r["certificate_store"] == "NetworkService\\My" and r["certificate_source"] == "network_service_registry"
    assert r["is_in_user_store"] is True and r["certificate_not_after"] == "2027-03-01T00:00:00Z"


def test_profile_file_certificate_past_not_after_is_expired():
    r = decode("renewed-profile-file-expired")["registration"]
    assert r["state"] == "expired" and r["registered"] is False and r["certificate_expired"] is True
    assert r["certificate_source"] == "network_service_files"
    # The same host before NotAfter: the one trust function says registered.
    before = decode("renewed-profile-file-expired", now=datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc))
    assert before["registration"]["state"] == "registered"


def test_trust_settings_without_certificate_is_missing_and_no_file_is_not_registered():
    assert decode("firewall-stopped-leftovers")["registration"]["state"] == "missing"
    r = decode("clean-notconfigured")["registration"]
    assert r["state"] == "not_registered" and r["trust_settings_exists"] is False


def test_a_valid_copy_wins_over_an_expired_one():
    facts = raw("renewed-profile-file-expired")
    good = raw("renewed-registry-blob")["certificates"]["network_service_registry"][0]
    thumb = good["name"]
    facts["certificates"]["network_service_registry"] = [good]
    path = facts["layouts"]["new"]["trust_settings_file"]
    text = base64.b64decode(facts["files"][path]["content"]).decode()
    old = text.split("<Thumbprint>")[1].split("</Thumbprint>")[0]
    facts["certificates"]["network_service_files"][0]["name"] = thumb
    facts["files"][path]["content"] = base64.b64encode(text.replace(old, thumb).encode()).decode()
    assert _host_facts.decode(facts, NOW)["registration"]["certificate_source"] == "network_service_registry"


def test_unreadable_trust_settings_is_reported_not_fatal():
    facts = raw("registered-machine-store")
    facts["files"][facts["layouts"]["new"]["trust_settings_file"]]["content"] = base64.b64encode(b"<Connector").decode()
    r = _host_facts.decode(facts, NOW)["registration"]
    assert r["state"] == "missing" and "not well-formed" in r["trust_settings_error"]


@pytest.mark.parametrize("read, label", [(_host_facts.read_trust_settings, "TrustSettings.xml is "),
                                         (_host_facts.default_proxy_config, "")])
def test_xml_files_absent_or_broken(read, label):
    assert read(None)["exists"] is False and read(None)["error"] is None
    broken = read(b"<configuration>")
    assert broken["exists"] is True and broken["error"].startswith(label + "not well-formed XML: ")


def test_connector_layout_paths_versions_and_uninstall_entries():
    c = decode("registered-machine-store")["connector"]
    assert c["installed"] and c["layout"] == "new" and c["version"] == "1.5.4522.0"
    assert c["install_dir"] == r"C:\Program Files\Microsoft Entra private network connector"
    assert c["register_script"] == c["register_script_candidates"][0]
    assert len(c["register_script_candidates"]) == 2
    assert [(e["product"], e["layout"]) for e in c["uninstall_entries"]] == [("connector", "new"), ("updater", "new")]
    assert c["layouts_found"] == ["new"]
    assert c["layouts"]["old"]["service_exe"].endswith("ApplicationProxyConnectorService.exe")


def test_leftovers_of_both_layouts_are_reported():
    c = decode("firewall-stopped-leftovers")["connector"]
    assert not c["installed"] and c["layout"] == "none" and c["version"] is None
    assert c["layouts_found"] == ["new", "old"]  # a data folder of the new, an uninstall entry of the old
    assert c["uninstall_entries"][0]["layout"] == "old" and c["uninstall_entries"][0]["product"] == "updater"


def test_services_in_win_service_words():
    s = decode("renewed-registry-blob")["services"]
    assert s["connector"] == {"name": "WAPCSvc", "exists": True, "state": "running", "start_mode": "delayed",
                              "display_name": "Microsoft AAD App Proxy Connector"}
    assert decode("firewall-stopped-leftovers")["services"]["connector"]["state"] is None


def test_proxy_blobs_and_per_machine_policy():
    p = decode("registered-machine-store")["proxy"]
    assert p["winhttp_proxy"] == "proxy.contoso.com:8080" and p["winhttp_bypass"] == "<local>;*.contoso.com"
    # ProxySettingsPerUser=0: the machine's DefaultConnectionSettings, not the user's
    assert p["inet_proxy"] == "proxy.contoso.com:8080" and p["inet_auto_detect"] is False
    assert p["inet_per_machine"] is True
    assert p["connector_config"]["proxy_address"] == "http://proxy.contoso.com:8080"
    assert p["connector_config"]["bypass_on_local"] == "True" and p["updater_config"]["default_proxy_present"] is False
    assert p["use_default_proxy_for_backend_requests"] == {"new": 1, "old": None}
    first = p["config_files"][0]
    assert first["default_proxies"] == [{"attributes": {}, "children": [{"tag": "proxy", "attributes": {
        "proxyaddress": "http://proxy.contoso.com:8080", "bypassonlocal": "True", "usesystemdefault": "True"}}]}]
    q = decode("clean-notconfigured")["proxy"]
    assert q["inet_auto_config_url"] == "http://wpad.contoso.com/proxy.pac" and q["inet_auto_detect"] is True
    assert q["winhttp_proxy"] is None and q["connector_config"]["exists"] is False
    assert q["inet_per_machine"] is False


def test_config_file_bytes_are_decoded_by_their_declaration():
    """F12: a BOM-less UTF-8 file with non-ASCII text is read as UTF-8, and a UTF-16 one too."""
    facts = raw("renewed-registry-blob")
    path = facts["layouts"]["old"]["config_file"]
    assert _host_facts.decode(facts, NOW)["proxy"]["connector_config"]["error"] is None
    text = '<?xml version="1.0" encoding="utf-16"?><configuration><system.net><defaultProxy enabled="false" /></system.net></configuration>'
    facts["files"][path]["content"] = base64.b64encode(text.encode("utf-16")).decode()
    cfg = _host_facts.decode(facts, NOW)["proxy"]["connector_config"]
    assert cfg["enabled"] is False and cfg["default_proxy_present"] is True


def test_firewall_stopped_is_a_fact_not_a_failure():
    """S5."""
    f = decode("firewall-stopped-leftovers")["firewall"]
    assert f["available"] is False and "0x800706D9" in f["error"]
    assert f["rules"] == [] and f["default_outbound_action"] == {"domain": None, "private": None, "public": None}
    facts = raw("registered-machine-store")
    facts["services"]["firewall"]["state"] = "Stopped"
    f = _host_facts.decode(facts, NOW)["firewall"]
    assert f["available"] is False and "MpsSvc" in f["error"]


def test_firewall_rules_and_not_configured_outbound():
    f = decode("registered-machine-store")["firewall"]
    assert f["available"] and f["rules"][0]["direction"] == "out" and f["rules"][0]["protocol"] == "tcp"
    assert f["rules"][0]["profiles"] == ["domain", "private", "public"] and f["rules"][0]["remoteport"] == "80,443"
    # S6: NotConfigured is Windows' default outbound action, Allow, never an unknown word.
    assert decode("clean-notconfigured")["firewall"]["default_outbound_action"] == {
        "domain": "allow", "private": "block", "public": "allow"}


def test_fqdn_from_the_primary_dns_suffix_like_setup():
    """S1: the suffix, not the AD domain, as ansible.windows.setup builds ansible_fqdn."""
    d = decode("firewall-stopped-leftovers")["domain"]
    assert d == {"member": True, "name": "corp.contoso.com", "fqdn": "conn02.contoso.net", "host_name": "conn02"}
    facts = raw("clean-notconfigured")
    facts["computer"].update(part_of_domain=False, domain="WORKGROUP", primary_dns_suffix="")
    assert _host_facts.decode(facts, NOW)["domain"]["fqdn"] == "conn01"


def test_reboot_reasons_cover_setup_join_rename_and_the_volatile_marker():
    """F5 and F11: the marker is a key (no boot time); rename and file renames are seen."""
    assert decode("renewed-profile-file-expired")["reboot_pending_reasons"] == ["entra.app_proxy"]
    assert decode("firewall-stopped-leftovers")["reboot_pending_reasons"] == ["pending_file_rename", "computer_rename"]
    facts = raw("clean-notconfigured")
    facts["keys"].update(component_based_servicing=True, windows_update=True, domain_join=True)
    facts["registry"]["server_manager_restart"].update(key_exists=True, kind="DWord", value=1)
    assert _host_facts.decode(facts, NOW)["reboot_pending_reasons"] == [
        "component_based_servicing", "windows_update", "server_manager", "domain_join"]
    # A moving boot time changes nothing now.
    facts = raw("renewed-profile-file-expired")
    facts["os"]["last_boot_filetime"] += 10_000_000 * 3
    assert _host_facts.decode(facts, NOW)["reboot_pending_reasons"] == ["entra.app_proxy"]


def test_timestamps_are_iso_utc_from_filetime():
    """F6: built on the controller, never in the host's culture."""
    r = decode("registered-machine-store")
    assert r["os"]["last_boot_time"] == "2026-11-27T06:00:00Z"
    assert r["connector_errors"] == [{"log": "Microsoft-Microsoft Entra private network-Connector/Admin",
                                      "provider": "Microsoft Entra private network connector", "id": 1000,
                                      "time": "2026-11-27T08:12:44Z",
                                      "message": "Connector re-registration failed: The Connector trust certificate expired."}]


def test_dword_values_and_os():
    r = decode("clean-notconfigured")
    assert r["tls"]["client_enabled"] == 0xFFFFFFFF and r["tls"]["server_enabled"] is None
    assert r["dotnet"]["release"] == 528449
    assert r["ie_esc"] == {"admin_is_installed": 1, "user_is_installed": 1, "admin_present": True, "user_present": True}
    assert r["os"] == {"caption": "Microsoft Windows Server 2022 Datacenter", "version": "10.0.20348", "build": 20348,
                       "installation_type": "Server", "product_type": 3, "computer_name": "CONN01",
                       "last_boot_time": "2026-11-27T06:00:00Z"}
    assert r["password_protection_proxy"] == {"installed": False, "service_name": "AzureADPasswordProtectionProxy"}


def test_decode_does_not_change_its_input():
    facts = raw("registered-machine-store")
    before = copy.deepcopy(facts)
    _host_facts.decode(facts, NOW)
    assert facts == before


def test_recording_replaces_url_credentials_and_keeps_the_rest():
    facts = raw("registered-machine-store")
    path = facts["layouts"]["new"]["config_file"]
    secret = '<configuration><system.net><defaultProxy><proxy proxyaddress="http://svc:S3cret!@proxy:8080" /></defaultProxy></system.net></configuration>'
    facts["files"][path]["content"] = base64.b64encode(secret.encode()).decode()
    facts["events"][0]["message"] = "failed through https://admin:pw@proxy.contoso.com"
    rec = _host_facts.recording(facts)
    text = json.dumps(rec)
    assert "S3cret" not in text and "admin:pw" not in text
    assert "http://REDACTED@proxy:8080" in base64.b64decode(rec["raw"]["files"][path]["content"]).decode()
    assert rec["raw"]["certificates"] == facts["certificates"]
    # a recording decodes like the host it came from
    assert _host_facts.decode(rec["raw"], NOW)["proxy"]["connector_config"]["proxy_address"] == "http://REDACTED@proxy:8080"


# ---------------------------------------------------------------------------------------- the host's AD account
def test_sid_in_its_binary_form_decodes():
    """[MS-DTYP] 2.4.2.2, written out by hand: S-1-5-32-560 (the Windows Authorization Access Group)."""
    # revision 1, 2 sub-authorities, authority 5 (NT), 32 (BUILTIN), 560
    data = bytes.fromhex("0102 000000000005 20000000 30020000")
    assert _host_facts.sid_string(data) == "S-1-5-32-560"
    with pytest.raises(ValueError):
        _host_facts.sid_string(data[:-1])


def test_own_ad_account_read_as_system_decodes():
    account = decode("kcd-ad-account-system")["ad_account"]
    assert account == {
        "found": True, "error": None, "distinguished_name": "CN=CONN01,OU=Connectors,DC=contoso,DC=com",
        "sam_account_name": "CONN01$", "sid": "S-1-5-21-1004336348-1177238915-682003330-1108",
        "user_account_control": 0x1001000,
        "allowed_to_delegate_to": ["http/intranet.contoso.com", "HTTP/intranet"],
        "token_groups": ["S-1-5-21-1004336348-1177238915-682003330-515", "S-1-5-32-560"]}


def test_user_account_control_with_the_high_bit_is_unsigned():
    data = raw("kcd-ad-account-system")
    data["ad_account"]["attributes"]["userAccountControl"] = [-2147479552]  # 0x80001000 as ADSI's Int32
    assert _host_facts.decode(data, NOW)["ad_account"]["user_account_control"] == 0x80001000


def test_failed_ad_read_is_a_fact_with_nothing_guessed():
    data = raw("kcd-ad-account-system")
    data["ad_account"] = {"error": 'Exception calling "FindOne" with "0" argument(s): "An operations error occurred."',
                          "found": False, "attributes": {}}
    account = _host_facts.decode(data, NOW)["ad_account"]
    assert account["found"] is False and "operations error" in account["error"]
    assert account["token_groups"] == [] and account["user_account_control"] is None and account["sid"] is None


def test_malformed_sid_makes_the_read_unusable_not_the_module():
    data = raw("kcd-ad-account-system")
    data["ad_account"]["attributes"]["tokenGroups"] = [base64.b64encode(b"\x01\x05\x00").decode()]
    account = _host_facts.decode(data, NOW)["ad_account"]
    assert account["found"] is False and "malformed" in account["error"]


def test_without_the_ad_read_there_is_no_account():
    assert decode("registered-machine-store")["ad_account"] is None


def test_per_user_internet_options_read_as_system_are_unknown():
    """Under become HKCU is SYSTEM's hive, so its proxy is not the connecting user's: say unknown, not a value."""
    proxy = decode("kcd-ad-account-system")["proxy"]
    assert proxy["inet_proxy"] is None and proxy["inet_auto_detect"] is None
    data = raw("kcd-ad-account-system")
    del data["identity"]  # read as the connecting user: the same bytes are that user's settings
    assert _host_facts.decode(data, NOW)["proxy"]["inet_proxy"] == "proxy.system.example:3128"
    data["identity"] = "S-1-5-18"
    data["registry"]["proxy_settings_per_user"].update(key_exists=True, kind="DWord", value=0)
    data["registry"]["inet_settings_machine"] = dict(data["registry"]["inet_settings_user"])
    assert _host_facts.decode(data, NOW)["proxy"]["inet_proxy"] == "proxy.system.example:3128"  # per machine: HKLM


class _Reads(dict):
    """A slot table that notes every slot the decoder asks for."""

    def __init__(self, data, asked):
        super().__init__(data)
        self.asked = asked

    def get(self, key, default=None):
        self.asked.add(key)
        return super().get(key, default)

    def __getitem__(self, key):
        self.asked.add(key)
        return super().__getitem__(key)


@pytest.mark.parametrize("name", sorted(p.stem for p in FIXTURES.glob("*.json")))
def test_every_slot_the_decoder_reads_is_in_the_read_table(name):
    facts = raw(name)
    values, keys = set(), set()
    facts["registry"] = _Reads(facts["registry"], values)
    facts["keys"] = _Reads(facts["keys"], keys)
    _host_facts.decode(facts, NOW)
    assert values <= set(_host_facts.REGISTRY_VALUES)
    # the reboot marker's slot is the module's own read (Get-RebootMarkerKey in _ConnectorHost.psm1)
    assert keys <= set(_host_facts.REGISTRY_KEYS) | {"entra_app_proxy"}
    # and a recorded host holds the slots of the table, each read where the table says
    assert {slot: [facts["registry"][slot]["path"], facts["registry"][slot]["name"]] for slot in facts["registry"]} == \
        _host_facts.registry_reads()["registry_values"]
    assert set(facts["keys"]) == set(_host_facts.REGISTRY_KEYS) | {"entra_app_proxy"}


def test_every_slot_of_the_read_table_is_decoded():
    """No read without a reader: over the per-user and the per-machine proxy policy, the decoder asks for every slot."""
    values, keys = set(), set()
    for policy in (0, None):
        facts = raw("registered-machine-store")
        facts["registry"]["proxy_settings_per_user"].update(kind="DWord" if policy is not None else None, value=policy)
        facts["registry"] = _Reads(facts["registry"], values)
        facts["keys"] = _Reads(facts["keys"], keys)
        _host_facts.decode(facts, NOW)
    assert values == set(_host_facts.REGISTRY_VALUES)
    assert keys == set(_host_facts.REGISTRY_KEYS) | {"entra_app_proxy"}
