# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The connector role's plan on reads decoded from the recorded hosts and on tenant lists as connector_info returns them."""

from __future__ import annotations

import pytest

from ansible.errors import AnsibleFilterError
from ansible_collections.entra.app_proxy.plugins.filter.role_plans import FilterModule
from ansible_collections.entra.app_proxy.plugins.test import connector_version
from recorded_hosts import decoded as host

MIN = "1.5.3829.0"
plan = FilterModule().filters()["connector_plan"]
is_version = connector_version.TestModule().tests()["connector_version"]


def entry(name="conn01.contoso.com", status="active", group="Branch"):
    return {"id": "c-" + name + status, "machine_name": name, "status": status,
            "group": {"id": "g-" + group, "name": group}}


CURRENT = "registered-machine-store"  # connector 1.5.4522.0, new layout, trust in the machine store
OLD = "renewed-registry-blob"         # connector 1.5.3437.0, old layout
BARE = "clean-notconfigured"          # no connector


def test_a_current_registered_grouped_connector_needs_nothing():
    result = plan(host(CURRENT), [entry()], min_version=MIN, group="Branch")
    assert result == {"machine_name": "conn01.contoso.com", "needs_install": False, "tenant_entry": entry(),
                      "needs_registration": False, "registration_force": False, "move": {}}


def test_a_bare_host_needs_install_registration_and_a_move():
    result = plan(host(BARE), [], min_version=MIN, group="Branch")
    assert result["needs_install"] and result["needs_registration"]
    assert not result["registration_force"]  # no trust on the host to replace
    assert result["move"] == {"group": "Branch", "name": "conn01.contoso.com"}


def test_an_older_connector_is_upgraded_and_the_comparison_is_numeric():
    assert plan(host(OLD), [entry()], min_version=MIN)["needs_install"]  # 3437 < 3829
    assert not plan(host(OLD), [entry()], min_version="1.5.400.0")["needs_install"]  # 3437 > 400, not as text
    assert not plan(host(CURRENT), [entry()], min_version="1.5.4522")["needs_install"]  # equal counts as current
    server = host(CURRENT)
    server["connector"]["version"] = "1.5.4522"
    assert not plan(server, [entry()], min_version="1.5.4522.0")["needs_install"]  # a missing part is 0


def test_an_inactive_entry_is_kept_but_a_missing_one_calls_for_a_forced_registration():
    inactive = plan(host(CURRENT), [entry(status="inactive")], min_version=MIN)
    assert not inactive["needs_registration"] and not inactive["registration_force"]
    missing = plan(host(CURRENT), [entry("other.contoso.com")], min_version=MIN)
    assert missing["needs_registration"] and missing["registration_force"]
    assert missing["tenant_entry"] == {}


def test_force_registers_again():
    result = plan(host(CURRENT), [entry()], min_version=MIN, force=True)
    assert result["needs_registration"] and result["registration_force"]


def test_the_active_twin_and_the_short_name_are_matched():
    twins = [entry(status="inactive", group="Old"), entry(status="active", group="Branch")]
    assert plan(host(CURRENT), twins, min_version=MIN, group="Branch")["move"] == {}
    short = plan(host(CURRENT), [entry("CONN01", group="Branch")], min_version=MIN, group="Branch")
    assert short["tenant_entry"]["machine_name"] == "CONN01" and not short["needs_registration"]


def test_a_connector_in_another_group_is_moved_under_its_tenant_name_and_case_does_not_count():
    result = plan(host(CURRENT), [entry("CONN01.Contoso.com", group="Default")], min_version=MIN, group="Branch")
    assert result["move"] == {"group": "Branch", "name": "CONN01.Contoso.com"}
    assert plan(host(CURRENT), [entry(group="BRANCH")], min_version=MIN, group="branch")["move"] == {}


def test_no_group_means_no_move_and_check_mode_moves_no_connector_the_tenant_does_not_list_yet():
    assert plan(host(BARE), [], min_version=MIN, group="")["move"] == {}
    assert plan(host(BARE), [], min_version=MIN, group="Branch", check_mode=True)["move"] == {}
    # A listed connector is moved in check mode too, so the diff shows it.
    assert plan(host(CURRENT), [entry(group="Default")], min_version=MIN, group="Branch", check_mode=True)["move"]


@pytest.mark.parametrize("good", ["1.5.3829.0", "1.5.3829", "1.0", " 1.5.3829.0 "])
def test_the_version_test_and_the_plan_accept_the_same_versions(good):
    assert is_version(good)
    assert plan(host(CURRENT), [], min_version=good)["needs_install"] is False


@pytest.mark.parametrize("bad", ["1.5.x", "", "   ", "1", "v1.5", "1.5-beta", "1.2.3.4.5", None, 1.5])
def test_a_version_that_is_not_dotted_numbers_is_refused_by_the_test_and_named_by_the_plan(bad):
    assert not is_version(bad)
    with pytest.raises(AnsibleFilterError, match="connector_plan: connector_min_version must be a version"):
        plan(host(CURRENT), [], min_version=bad)


def test_an_unreadable_installed_version_is_an_error_not_a_reinstall_on_every_run():
    server = host(CURRENT)
    server["connector"]["version"] = "garbage"
    with pytest.raises(AnsibleFilterError, match="installed connector version"):
        plan(server, [], min_version=MIN)


def test_an_install_without_a_version_is_installed_again():
    server = host(CURRENT)
    server["connector"]["version"] = None
    assert plan(server, [entry()], min_version=MIN)["needs_install"]
