# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The firewall role's plan on reads decoded from the recorded hosts: only rules that differ are sent."""

from __future__ import annotations

import copy

import pytest

from ansible.errors import AnsibleFilterError
from ansible_collections.entra.app_proxy.plugins.filter.role_plans import FilterModule
from ansible_collections.entra.app_proxy.plugins.plugin_utils import _firewall, _host_facts
from recorded_hosts import NOW, raw

GROUP = "Microsoft Entra private network connector (entra.app_proxy)"
plan = FilterModule().filters()["firewall_plan"]


def com_rule(rule):
    """A wanted rule as the firewall COM API (INetFwRule) stores it, which server_info returns raw."""
    bits = {"domain": 1, "private": 2, "public": 4}
    return {"name": rule["name"], "grouping": rule["group"], "description": rule["description"], "enabled": True,
            "direction": 2, "action": 1, "protocol": 6, "remote_ports": rule["remoteport"],
            "application_name": None if rule["program"] == "any" else rule["program"],
            "profiles": sum(bits[p] for p in rule["profiles"])}


def host_with(rules, name="clean-notconfigured"):
    """The host's read after Windows stored these rules, decoded as the server_info action does."""
    data = copy.deepcopy(raw(name))
    data["firewall"]["rules"] = [com_rule(r) for r in rules]
    return _host_facts.decode(data, NOW)


def applied(changes):
    return [dict((k, v) for k, v in c.items() if k != "state") for c in changes if c["state"] == "present"]


def test_a_bare_host_gets_the_four_program_rules_of_both_layouts_and_nothing_removed():
    server = host_with([])
    result = plan(server, group=GROUP)
    present = [c for c in result["changes"] if c["state"] == "present"]
    assert [c["name"] for c in present] == [
        "entra.app_proxy outbound - connector service", "entra.app_proxy outbound - updater service",
        "entra.app_proxy outbound - connector service (AAD App Proxy layout)",
        "entra.app_proxy outbound - updater service (AAD App Proxy layout)"]
    layouts = server["connector"]["layouts"]
    assert [c["program"] for c in present] == [layouts["new"]["service_exe"], layouts["new"]["updater_exe"],
                                               layouts["old"]["service_exe"], layouts["old"]["updater_exe"]]
    assert {c["remoteport"] for c in present} == {"80,443"}
    # The any-program rule is not on the host, so there is nothing to remove.
    assert [c for c in result["changes"] if c["state"] == "absent"] == []


def test_rules_as_windows_stores_them_need_no_change():
    first = plan(host_with([]), group=GROUP, profiles=["public", "Domain"])
    again = plan(host_with(applied(first["changes"])), group=GROUP, profiles=["public", "Domain"])
    assert again["changes"] == []


def test_a_drifted_rule_is_rewritten_and_a_missing_one_added():
    rules = applied(plan(host_with([]), group=GROUP)["changes"])
    rules[0] = dict(rules[0], remoteport="443")
    del rules[3]
    changes = plan(host_with(rules), group=GROUP)["changes"]
    assert [(c["name"], c["remoteport"]) for c in changes] == [
        ("entra.app_proxy outbound - connector service", "80,443"),
        ("entra.app_proxy outbound - updater service (AAD App Proxy layout)", "80,443")]


def test_switching_scope_removes_the_other_scope_by_name_case_insensitively():
    program_rules = applied(plan(host_with([]), group=GROUP)["changes"])
    program_rules[1] = dict(program_rules[1], name=program_rules[1]["name"].upper())
    changes = plan(host_with(program_rules), scope="any", group=GROUP, legacy_ports=True)["changes"]
    assert [c["state"] for c in changes] == ["absent", "absent", "absent", "absent", "present"]
    assert changes[1]["name"] == "entra.app_proxy outbound - updater service"
    assert changes[-1]["program"] == "any"
    assert changes[-1]["remoteport"] == "80,443," + _firewall.LEGACY_PORTS


def test_legacy_ports_go_to_the_old_layout_only():
    present = plan(host_with([]), group=GROUP, legacy_ports=True)["changes"]
    assert [c["remoteport"].endswith(_firewall.LEGACY_PORTS) for c in present] == [False, False, True, True]


def test_absent_removes_only_our_rules_that_exist():
    rules = applied(plan(host_with([]), group=GROUP)["changes"])[:2]
    other = {"name": "block outbound http", "group": GROUP, "description": "", "remoteport": "80", "program": "any",
             "profiles": ["public"]}
    changes = plan(host_with(rules + [other]), state="absent", group=GROUP)["changes"]
    assert changes == [{"name": rules[0]["name"], "state": "absent"}, {"name": rules[1]["name"], "state": "absent"}]


def test_without_a_rule_list_every_rule_is_sent_and_the_module_decides():
    server = host_with([])
    del server["firewall"]
    changes = plan(server, scope="any", group=GROUP)["changes"]
    assert [c["state"] for c in changes] == ["absent"] * 4 + ["present"]


def test_the_report_names_profiles_and_warns_for_program_scope_where_outbound_is_blocked():
    # clean-notconfigured: Domain NotConfigured (Windows' default: allow), Private Block, Public Allow.
    report = plan(host_with([]), group=GROUP)["report"]
    assert report[0].startswith("Windows Firewall allows outbound traffic by default on the Domain, Public profile(s).")
    assert "blocks outbound traffic by default on the Private profile(s)" in report[1] and GROUP in report[1]
    assert report[2].startswith("WARNING: outbound traffic is blocked by default on the Private profile(s)")
    assert "Set firewall_scope to any" in report[2]
    assert len(plan(host_with([]), scope="any", group=GROUP)["report"]) == 2
    assert len(plan(host_with([]), state="absent", group=GROUP)["report"]) == 2


def test_a_stopped_firewall_service_is_said_in_the_report_and_every_rule_is_sent():
    server = _host_facts.decode(raw("firewall-stopped-leftovers"), NOW)
    result = plan(server, group=GROUP)
    assert result["report"] == ["Could not read the default outbound action (%s). This is only a report; the rules "
                                "are set either way." % server["firewall"]["error"]]
    assert len([c for c in result["changes"] if c["state"] == "present"]) == 4


def test_a_read_without_layouts_is_refused_with_the_fix():
    with pytest.raises(AnsibleFilterError, match="read the host with entra.app_proxy.server_info first"):
        plan({"firewall": {"rules": []}})
