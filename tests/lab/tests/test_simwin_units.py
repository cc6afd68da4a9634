"""In-process tests of the simulator's parts: argument checks, HostState, installers, simulations."""
from __future__ import annotations

import copy
import os

import pytest

import labkit  # noqa: E402

from ansible_collections.lab.windows.plugins.module_utils import argcheck, installers, seed  # noqa: E402
from ansible_collections.lab.windows.plugins.module_utils.host_state import (  # noqa: E402
    HostState, SimulatedFailure, norm_reg_path)
from ansible_collections.lab.windows.plugins.module_utils.simulated import (  # noqa: E402
    ansible_windows_win_regedit as regedit, ansible_windows_win_service as service,
    community_windows_win_xml as win_xml, microsoft_ad_membership as membership)


def _host(tmp_path, name="win2022-clean"):
    state = seed.build_state(name, seed.load_seed(os.path.join(str(labkit.LAB), "states"), name), str(tmp_path))
    return HostState(name, state, str(tmp_path))


def _validator(options, rules=None, legacy=False, name="win_test"):
    return argcheck.Validator(name, options, rules or {}, legacy=legacy)


OPTS = {
    "name": {"type": "str", "required": True, "aliases": ["key"]},
    "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
    "count": {"type": "int"},
    "enabled": {"type": "bool"},
    "items": {"type": "list", "elements": "int"},
    "password": {"type": "str", "no_log": True},
    "sub": {"type": "dict", "suboptions": {"a": {"type": "str", "required": True}, "b": {"type": "int", "default": 2}}},
}


def test_argcheck_defaults_aliases_types():
    v = _validator(OPTS)
    out = v.validate({"key": "x", "count": "3", "enabled": "yes", "items": "1,2", "sub": {"a": "z"},
                      "_ansible_check_mode": True})
    assert out["name"] == "x" and out["state"] == "present" and out["count"] == 3 and out["enabled"] is True
    assert out["items"] == [1, 2] and out["sub"] == {"a": "z", "b": 2} and out["password"] is None
    assert "_ansible_check_mode" not in out


@pytest.mark.parametrize("params,msg", [
    ({"name": "x", "bogus": 1, "other": 2},
     "Unsupported parameters for (win_test) module: bogus, other. Supported parameters include: count, enabled, "
     "items, key, name, password, state, sub"),
    ({}, "missing required arguments: name"),
    ({"name": "x", "state": "gone"}, "value of state must be one of: present, absent. Got no match for: gone"),
    ({"name": "x", "count": "three"},
     "argument for count is of type System.String and we were unable to convert to int: Input string was not in a correct format."),
    ({"name": "x", "enabled": "maybe"},
     "argument for enabled is of type System.String and we were unable to convert to bool: The value 'maybe' is not a "
     "valid boolean. Valid booleans include: y, yes, on, 1, true, t, 1.0, n, no, off, 0, false, f, 0.0"),
    ({"name": "x", "sub": {"b": 1}}, "missing required arguments: a found in sub"),
])
def test_argcheck_messages(params, msg):
    with pytest.raises(argcheck.ArgumentError) as e:
        _validator(OPTS).validate(params)
    assert str(e.value) == msg


def test_argcheck_rules_and_legacy():
    rules = {"mutually_exclusive": [["count", "items"]], "required_if": [["state", "absent", ["count"]]],
             "required_by": {"password": ["count"]}, "required_together": [["count", "enabled"]]}
    cases = [({"name": "x", "count": 1, "items": [1], "enabled": True}, "parameters are mutually exclusive: count, items"),
             ({"name": "x", "state": "absent"}, "state is absent but all of the following are missing: count"),
             ({"name": "x", "password": "p"}, "missing parameter(s) required by 'password': count"),
             ({"name": "x", "count": 1}, "parameters are required together: count, enabled")]
    for params, msg in cases:
        with pytest.raises(argcheck.ArgumentError) as e:
            _validator(OPTS, rules).validate(params)
        assert str(e.value) == msg
    legacy = _validator(OPTS, legacy=True)
    assert legacy.validate({"name": "x", "bogus": 1})["name"] == "x" and legacy.ignored == ["bogus"]
    with pytest.raises(argcheck.ArgumentError) as e:
        _validator(OPTS, legacy=True).validate({"name": "x", "state": "gone"})
    assert str(e.value) == "Get-AnsibleParam: Argument state needs to be one of present,absent but was gone."


def test_no_log_masked_in_invocation():
    v = _validator(OPTS)
    out = v.validate({"name": "x", "password": "s3cr3t-value"})
    masked = v.mask(out)
    assert masked["password"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
    assert "s3cr3t-value" not in repr(masked)


def test_registry_paths_and_values(tmp_path):
    assert norm_reg_path("HKEY_LOCAL_MACHINE\\Software\\X\\") == "HKLM:\\Software\\X"
    assert norm_reg_path("Registry::HKCU/a/b") == "HKCU:\\a\\b"
    with pytest.raises(SimulatedFailure):
        norm_reg_path("C:\\Windows")
    h = _host(tmp_path)
    h.reg_set_value("HKLM:\\SOFTWARE\\A\\B", "V", 1, "dword")
    assert h.reg_get_value("hklm\\software\\a\\b", "v")["data"] == 1
    assert h.reg_subkeys("HKLM:\\SOFTWARE\\A") == ["B"]
    assert h.reg_delete_key("HKLM:\\SOFTWARE\\A") and not h.reg_key_exists("HKLM:\\SOFTWARE\\A\\B")


def test_regedit_dword_conversion_and_diff(tmp_path):
    h = _host(tmp_path)
    args = {"path": "HKLM:\\SOFTWARE\\Lab", "name": "Big", "data": "0xffffffff", "type": "dword", "state": "present",
            "delete_key": True, "hive": None}
    r = regedit.simulate(h, args, False, True)
    assert r["changed"] and r["diff"]["after"]["HKLM:\\SOFTWARE\\Lab"]["Big"] == {"type": "DWord", "value": "0xffffffff"}
    assert h.reg_get_value("HKLM:\\SOFTWARE\\Lab", "Big")["data"] == -1  # stored as .NET reads it back
    assert regedit.simulate(h, dict(args, data=4294967295), False, False)["changed"] is False
    with pytest.raises(SimulatedFailure, match="larger than 0xffffffff"):
        regedit.simulate(h, dict(args, data=2 ** 32), False, False)
    with pytest.raises(SimulatedFailure, match="not a valid powershell path"):
        regedit.simulate(h, dict(args, path="HKLM\\SOFTWARE\\Lab"), False, False)


def test_service_check_mode_predicts(tmp_path):
    h = _host(tmp_path)
    before = copy.deepcopy(h.state)
    args = {k: None for k in ("dependencies", "description", "display_name", "path", "start_mode", "state",
                              "username", "password")}
    args.update(name="BITS", state="started", start_mode="auto", dependency_action="set")
    r = service.simulate(h, args, True, False)
    assert r["changed"] and r["state"] == "stopped" and h.state == before
    r = service.simulate(h, args, False, False)
    assert r["changed"] and h.service_get("bits")["state"] == "running"
    assert service.simulate(h, args, False, False)["changed"] is False


def test_installer_upgrade_keeps_registration(tmp_path):
    h = _host(tmp_path, "win2022-oldconnector")
    old = installers.LAYOUTS["old"]
    trust = h.file_read(old["data"] + "\\Config\\TrustSettings.xml")
    assert trust and installers.installed_layout(h) == ("old", "1.5.3437.0")
    info = installers.parse_blob(b"FAKE-MS-CONNECTOR-INSTALLER version=1.5.4892.0\nexit_code=3010\n")
    with pytest.raises(SimulatedFailure, match="REGISTERCONNECTOR"):
        installers.connector_installer(h, info, "/q", False)
    r = installers.connector_installer(h, info, 'REGISTERCONNECTOR="false" /q', False)
    assert r == {"rc": 3010, "stdout": "", "stderr": "", "changed": True}
    new = installers.LAYOUTS["new"]
    assert installers.installed_layout(h) == ("new", "1.5.4892.0")
    assert h.file_read(new["data"] + "\\Config\\TrustSettings.xml") == trust
    assert not h.file_exists(old["program"]) and h.package_get(old["product_id"]) is None
    assert h.service_get("WAPCSvc")["display_name"] == "Microsoft Entra private network connector"
    assert h.reboot_pending()
    h.reboot()
    assert not h.reboot_pending() and h.service_get("WAPCSvc")["state"] == "running"


def test_installer_needs_dotnet_472(tmp_path):
    h = _host(tmp_path, "win2016-net462")
    info = installers.parse_blob(b"FAKE-MS-CONNECTOR-INSTALLER version=1.5.4892.0")
    r = installers.connector_installer(h, info, 'REGISTERCONNECTOR="false" /q', False)
    assert r["rc"] == 1603 and installers.installed_layout(h) is None


def test_win_xml_element_attribute(tmp_path):
    h = _host(tmp_path)
    h.file_write("C:\\app.config", '<?xml version="1.0"?>\n<configuration><appSettings>'
                 '<add key="A" value="1"/></appSettings></configuration>')
    base = {"path": "C:\\app.config", "state": "present", "count": False, "attribute": None, "backup": False}
    r = win_xml.simulate(h, dict(base, xpath="/configuration", type="element",
                                 fragment='<system.net><defaultProxy enabled="false"/></system.net>'), False, False)
    assert r["changed"]
    r = win_xml.simulate(h, dict(base, xpath="/configuration", type="element",
                                 fragment='<system.net><defaultProxy enabled="false"/></system.net>'), False, False)
    assert not r["changed"]
    r = win_xml.simulate(h, dict(base, xpath="/configuration/appSettings/add[@key='A']", type="attribute",
                                 attribute="value", fragment="2"), False, False)
    text = h.file_read_text("C:\\app.config")
    assert r["changed"] and 'value="2"' in text and text.startswith('<?xml version="1.0"?>')
    r = win_xml.simulate(h, dict(base, xpath="/nothing", type="element", fragment="<a/>"), False, False)
    assert not r["changed"] and r["msg"].startswith("The supplied xpath did not match any nodes.")


def test_membership_needs_reachable_domain(tmp_path):
    h = _host(tmp_path)
    args = {"dns_domain_name": "contoso.example", "domain_admin_user": "CONTOSO\\a", "domain_admin_password": "p",
            "domain_ou_path": None, "domain_server": None, "hostname": None, "offline_join_blob": None,
            "reboot": False, "reboot_timeout": 600, "state": "domain", "workgroup_name": None}
    with pytest.raises(SimulatedFailure, match="could not be contacted"):
        membership.simulate(h, args, False, False)
    h.state["network"]["domains"] = ["contoso.example"]
    r = membership.simulate(h, args, False, True)
    assert r["changed"] and r["reboot_required"] and h.domain()["joined"]
    with h.ad("contoso.example") as ad:
        assert ad["computers"]["win2022-clean"]["dns_hostname"] == "win2022-clean.contoso.example"
    assert membership.simulate(h, args, False, False)["changed"] is False


@pytest.mark.parametrize("existing, fragment, present", [
    ('<proxy a="1" b="2"/>', '<proxy a="1" b="2"/>', True),
    ('<proxy b="2" a="1"/>', '<proxy a="1" b="2"/>', False),  # attributes compared in document order
    ('<Proxy A="True" b="X"/>', '<proxy a="true" B="x"/>', True),  # names and values case-insensitively
    ('<proxy a="1"/>', '<proxy a="1" b="2"/>', False),
    ('<p><q/></p>', '<p><q/><r/></p>', False),
    ('<p>Text</p>', '<p>text</p>', True),
    ('<p>text</p>', '<p/>', False),
])
def test_win_xml_compares_like_upstream(tmp_path, existing, fragment, present):
    h = _host(tmp_path)
    h.file_write("C:\\app.config", "<configuration><system.net>%s</system.net></configuration>" % existing)
    args = {"path": "C:\\app.config", "state": "present", "count": False, "attribute": None, "backup": False,
            "xpath": "/configuration/system.net", "type": "element", "fragment": fragment}
    assert win_xml.simulate(h, args, False, False)["changed"] is (not present)


def test_win_xml_last_matched_node_decides_changed(tmp_path):
    """Upstream resets $changed for each matched node: a change to an earlier node alone is not saved."""
    h = _host(tmp_path)
    h.file_write("C:\\app.config", '<c><s/><s><a/></s></c>')
    args = {"path": "C:\\app.config", "state": "present", "count": False, "attribute": None, "backup": False,
            "xpath": "/c/s", "type": "element", "fragment": "<a/>"}
    assert win_xml.simulate(h, args, False, False)["changed"] is False
    assert h.file_read_text("C:\\app.config") == '<c><s/><s><a/></s></c>'
