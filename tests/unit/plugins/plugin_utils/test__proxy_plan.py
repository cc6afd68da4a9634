# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The proxy role's plan on reads decoded from the recorded hosts: the settings check, the notes, and
only the writes that differ."""

from __future__ import annotations

import copy
import json

import pytest

from ansible.errors import AnsibleFilterError
from ansible_collections.entra.app_proxy.plugins.filter.role_plans import FilterModule
from ansible_collections.entra.app_proxy.plugins.plugin_utils import _host_facts, _proxy_plan
from recorded_hosts import decoded as host

URL = "http://proxy.contoso.com:8080"
plan = FilterModule().filters()["proxy_plan"]


def with_proxy(server, **values):
    server = copy.deepcopy(server)
    server["proxy"].update(values)
    return server


def config(server, role, layout="new"):
    return next(f for f in server["proxy"]["config_files"] if f["role"] == role and f["layout"] == layout)


# ------------------------------------------------------------------------------------------ the settings check
@pytest.mark.parametrize("url", ["http://admin:S3cr3tPa55@proxy.contoso.com:8080", "https://S3cr3tPa55.contoso.com:443",
                                 "http://S3cr3tPa55.contoso.com", "ftp://S3cr3tPa55:21"])
def test_a_refused_url_names_the_variable_and_the_fix_and_never_repeats_the_value(url):
    result = plan({}, url=url)
    assert len(result["problems"]) == 1
    assert result["problems"][0].startswith("proxy_url (default: app_proxy_outbound_proxy) is refused: ")
    assert result["problems"][0].endswith("Leave it empty for a direct connection.")
    # Nowhere in the plan, not only not in the message: the plan feeds task arguments.
    assert "S3cr3tPa55" not in json.dumps(result)


def test_explicit_without_a_url_is_refused_with_the_choices():
    assert plan({}, mode="explicit")["problems"] == [_proxy_plan.TEXTS["explicit_without_url"]]
    assert "Set app_proxy_outbound_proxy to http://host:port" in _proxy_plan.TEXTS["explicit_without_url"]
    assert plan({}, mode="explicit", url=URL)["problems"] == []


@pytest.mark.parametrize("bypass", ["<local>", ["<local>;*.contoso.com"], [""], ["http://x"]])
def test_a_bad_bypass_list_names_the_variable_and_the_fix(bypass):
    problems = plan({}, url=URL, bypass=bypass)["problems"]
    assert len(problems) == 1 and problems[0].startswith("proxy_bypass is refused: ")
    assert problems[0].endswith("for example ['<local>', '*.contoso.com'].")


def test_every_problem_is_reported_at_once():
    assert len(plan({}, url="proxy:8080", mode="explicit", bypass="x")["problems"]) == 2
    assert len(plan({}, url="", mode="explicit", bypass="x")["problems"]) == 2


def test_disabled_checks_nothing_says_so_and_has_no_work():
    result = plan({}, enabled="false", url="https://x", mode="explicit", bypass="x")
    assert result["problems"] == []
    assert result["notes"] == [_proxy_plan.TEXTS["disabled"]]
    assert result["todo"] is False


# ------------------------------------------------------------------------------------------ the notes
def test_notes_say_what_the_role_leaves_alone():
    texts = _proxy_plan.TEXTS
    assert plan({}, stage="all")["notes"] == [texts["direct"], texts["unmanaged"]]
    assert plan({}, stage="machine")["notes"] == [texts["direct"]]
    assert plan({}, stage="connector")["notes"] == [texts["unmanaged"]]
    assert plan({}, stage="connector", mode="bypass")["notes"] == []
    assert plan({}, stage="all", url=URL, mode="unmanaged")["notes"] == [texts["unmanaged"]]
    assert plan({}, state="absent")["notes"] == [texts["nothing_to_remove"]]
    assert plan({}, state="absent", url=URL)["notes"] == []
    assert plan({}, url=URL)["notes"] == []


# ------------------------------------------------------------------------------------------ mode and host:port
def test_auto_is_explicit_with_a_url_and_unmanaged_without():
    assert plan({}, url=URL)["mode"] == "explicit"
    assert plan({})["mode"] == "unmanaged"
    assert plan({}, url=URL, mode="system")["mode"] == "system"


def test_host_port_drops_the_scheme_in_any_case_and_a_trailing_slash():
    assert plan({}, url="HTTP://Proxy.Contoso.com:3128/")["host_port"] == "Proxy.Contoso.com:3128"
    assert plan({}, url="http://[2001:db8::1]:8080")["host_port"] == "[2001:db8::1]:8080"


def test_unknown_choices_are_refused():
    with pytest.raises(AnsibleFilterError, match="proxy_plan: proxy_state, proxy_stage or proxy_mode"):
        plan({}, stage="both")


# ------------------------------------------------------------------------------------------ machine stage
def test_machine_settings_shown_met_are_not_written():
    # registered-machine-store: WinHTTP proxy.contoso.com:8080 bypass "<local>;*.contoso.com", Internet Options
    # per machine with bypass "<local>" and no automatic detection.
    server = host("registered-machine-store")
    both = plan(server, stage="machine", url=URL, bypass=["<local>", "*.contoso.com"], wininet_per_machine=True)
    assert both["machine"] == {"per_machine": False, "winhttp": False, "wininet": True}
    local = plan(server, stage="machine", url=URL + "/", wininet_per_machine=True)
    assert local["machine"] == {"per_machine": False, "winhttp": True, "wininet": False}
    assert local["todo"] is True
    met = with_proxy(server, inet_bypass="<local>;*.contoso.com")
    assert plan(met, stage="machine", url=URL, bypass=["<local>", "*.contoso.com"])["todo"] is False


def test_without_a_read_every_machine_setting_is_written_and_without_a_url_none():
    assert plan({}, stage="machine", url=URL)["machine"] == {"per_machine": False, "winhttp": True, "wininet": True}
    assert plan({}, stage="machine", url=URL, winhttp=False, wininet="no")["todo"] is False
    empty = plan(host("clean-notconfigured"), stage="machine", wininet_per_machine=True)
    assert empty["machine"] == {"per_machine": True, "winhttp": False, "wininet": False}


def test_internet_options_with_detection_a_setup_script_or_unknown_are_not_met():
    server = with_proxy(host("registered-machine-store"), winhttp_bypass="<local>")
    assert plan(server, stage="machine", url=URL)["todo"] is False
    for drift in ({"inet_auto_detect": True}, {"inet_auto_detect": None},
                  {"inet_auto_config_url": "http://wpad.contoso.com/proxy.pac"}):
        assert plan(with_proxy(server, **drift), stage="machine", url=URL)["machine"]["wininet"] is True
    # A read taken as SYSTEM (KCD host) cannot tell the connecting account's Internet Options.
    kcd = with_proxy(host("kcd-ad-account-system"), inet_proxy="proxy.contoso.com:8080", inet_bypass="<local>")
    assert plan(kcd, stage="machine", url=URL, winhttp=False)["machine"]["wininet"] is True


# ------------------------------------------------------------------------------------------ connector stage
def test_files_are_known_only_from_a_read_that_shows_a_connector_installed():
    assert plan(host("registered-machine-store"), stage="connector", url=URL)["read_files"] is False
    before_install = plan(host("clean-notconfigured"), stage="connector", url=URL)
    assert before_install["read_files"] is True and before_install["todo"] is True
    assert plan({}, stage="connector", url=URL)["todo"] is True


def test_the_own_read_decides_where_the_given_read_cannot_tell_and_a_skipped_read_counts_for_nothing():
    own = host("registered-machine-store")
    result = plan(host("clean-notconfigured"), read=own, stage="connector", url=URL)
    assert [f["role"] for f in result["files_to_change"]] == ["updater"]
    assert result["connector_found"] == 2
    skipped = plan(host("clean-notconfigured"), read={"skipped": True, "changed": False}, stage="connector", url=URL)
    assert skipped["connector_found"] == 0 and skipped["files_to_change"] == []
    # A read from earlier in the play is not used where proxy_server_info shows the files.
    stale = plan(own, read=host("renewed-registry-blob"), stage="connector", url=URL)
    assert [f["path"] for f in stale["files_to_change"]] == [config(own, "updater")["path"]]


def test_explicit_adds_system_net_where_a_file_has_none_and_leaves_a_matching_file():
    server = host("registered-machine-store")
    files = plan(server, stage="connector", url=URL)["files_to_change"]
    assert len(files) == 1
    assert files[0]["path"] == config(server, "updater")["path"]
    assert files[0]["remove"] is False
    assert files[0]["add"] == {
        "xpath": "/configuration",
        "fragment": '<system.net><defaultProxy><proxy proxyaddress="http://proxy.contoso.com:8080" '
                    'bypassonlocal="True" usesystemdefault="True" /></defaultProxy></system.net>'}


def test_a_different_proxy_is_removed_before_the_wanted_one_is_added_to_system_net():
    files = plan(host("registered-machine-store"), stage="connector", url="http://other:3128")["files_to_change"]
    connector = next(f for f in files if f["role"] == "connector")
    assert connector["remove"] is True
    assert connector["add"]["xpath"] == "/configuration/system.net"
    assert 'proxyaddress="http://other:3128"' in connector["add"]["fragment"]


@pytest.mark.parametrize("mode", ["explicit", "bypass"])
def test_a_written_fragment_read_back_as_windows_stores_it_needs_no_change(mode):
    server = host("registered-machine-store")
    first = plan(server, stage="connector", url=URL, mode=mode)["files_to_change"]
    assert first
    for change in first:
        fragment = change["add"]["fragment"]
        if change["add"]["xpath"] == "/configuration/system.net":
            fragment = "<system.net>%s</system.net>" % fragment
        xml = ("<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<configuration>%s</configuration>" % fragment)
        parsed = _host_facts.default_proxy_config(xml.encode("utf-8"))
        entry = config(server, change["role"])
        entry.update(system_net_present=parsed["system_net_present"], default_proxies=parsed["default_proxies"])
    assert plan(server, stage="connector", url=URL, mode=mode)["files_to_change"] == []


def test_system_removes_every_default_proxy_and_adds_none():
    files = plan(host("registered-machine-store"), stage="connector", url=URL, mode="system")["files_to_change"]
    assert [(f["role"], f["remove"], f["add"]) for f in files] == [("connector", True, None)]


def test_bypass_writes_enabled_false_to_every_existing_file():
    files = plan(host("registered-machine-store"), stage="connector", mode="bypass")["files_to_change"]
    assert [(f["role"], f["remove"], f["add"]["fragment"]) for f in files] == [
        ("connector", True, '<defaultProxy enabled="false" />'),
        ("updater", False, '<system.net><defaultProxy enabled="false" /></system.net>')]


def test_unmanaged_leaves_the_files_alone():
    result = plan(host("registered-machine-store"), stage="connector", url=URL, mode="unmanaged")
    assert result["files_to_change"] == []


def test_backend_value_changes_only_on_installed_layouts_that_differ():
    server = host("registered-machine-store")  # new layout, UseDefaultProxyForBackendRequests 1
    assert plan(server, stage="connector", url=URL, backend_use_default_proxy=True)["backend_changes"] == []
    assert plan(server, stage="connector", url=URL)["backend_changes"] == [
        {"layout": "new", "path": server["connector"]["layouts"]["new"]["registry_key"], "state": "absent"}]
    old = host("renewed-registry-blob")  # old layout, no value
    assert plan(old, stage="connector", backend_use_default_proxy="yes")["backend_changes"] == [
        {"layout": "old", "path": old["connector"]["layouts"]["old"]["registry_key"], "state": "present"}]


def test_a_compliant_connector_host_has_no_work():
    server = with_proxy(host("registered-machine-store"))
    assert plan(server, stage="connector", url=URL, backend_use_default_proxy=True)["todo"] is True
    config(server, "updater").update(system_net_present=True,
                                     default_proxies=config(server, "connector")["default_proxies"])
    assert plan(server, stage="connector", url=URL, backend_use_default_proxy=True)["todo"] is False
    met_machine = with_proxy(server, winhttp_bypass="<local>")
    assert plan(met_machine, stage="all", url=URL, backend_use_default_proxy=True, wininet_per_machine=True)["todo"] \
        is False


# ------------------------------------------------------------------------------------------ state absent
def test_absent_clears_only_settings_that_still_are_the_proxy():
    server = host("registered-machine-store")
    mine = plan(server, state="absent", url=URL)
    assert mine["absent"] == {"winhttp": True, "wininet": True} and mine["todo"] is True
    other = plan(with_proxy(server, inet_proxy="other:3128"), state="absent", url=URL)
    assert other["absent"] == {"winhttp": True, "wininet": False}
    assert plan(server, state="absent", url="http://other:3128")["todo"] is False
    assert plan(server, state="absent")["todo"] is False


def test_absent_reads_the_host_where_the_read_cannot_tell_internet_options():
    kcd = host("kcd-ad-account-system")  # SYSTEM read: inet_auto_detect None
    before = plan(kcd, state="absent", url=URL)
    assert before["read_absent"] is True and before["todo"] is True
    assert before["absent"] == {"winhttp": False, "wininet": False}
    after = plan(kcd, read=host("registered-machine-store"), state="absent", url=URL)
    assert after["absent"] == {"winhttp": True, "wininet": True}
    assert plan({}, state="absent", url=URL)["read_absent"] is True


# ------------------------------------------------------------------------------------------ the task files to run
def test_a_compliant_host_with_nothing_to_say_runs_no_task_file():
    server = with_proxy(host("registered-machine-store"), winhttp_bypass="<local>")
    config(server, "updater").update(system_net_present=True,
                                     default_proxies=config(server, "connector")["default_proxies"])
    for stage in ("machine", "connector", "all"):
        assert plan(server, stage=stage, url=URL, backend_use_default_proxy=True)["include"] == []


def test_bad_input_runs_the_check_alone_before_any_stage():
    assert plan({}, url="https://proxy:8443", stage="all")["include"] == ["check"]
    assert plan({}, url=URL, bypass="x", state="absent")["include"] == ["check"]


def test_a_note_runs_the_check_then_the_stages_with_work():
    assert plan(host("registered-machine-store"), stage="machine")["include"] == ["check"]  # direct: nothing to set
    assert plan({}, stage="all")["include"] == ["check", "connector"]  # the connector stage must read the files
    assert plan({}, enabled=False, url=URL)["include"] == ["check"]


def test_stages_run_machine_first_and_only_where_there_is_work():
    assert plan({}, url=URL)["include"] == ["machine", "connector"]
    server = with_proxy(host("registered-machine-store"), winhttp_bypass="<local>")
    assert plan(server, url=URL)["include"] == ["connector"]  # the updater file differs
    assert plan(server, url=URL, bypass=["<local>", "*.contoso.com"], backend_use_default_proxy=True)["include"] \
        == ["machine", "connector"]
    assert plan({}, state="absent", url=URL)["include"] == ["absent"]
    assert plan(host("registered-machine-store"), state="absent", url="http://other:3128")["include"] == []
