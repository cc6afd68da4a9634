# -*- coding: utf-8 -*-
# Copyright: Contributors to the entra.app_proxy collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

from ansible_collections.entra.app_proxy.plugins.modules.connector_group import main


def test_create_check_mode_writes_nothing(graph, run_module):
    out = run_module(main, {"name": "Europe", "region": "eur"}, check_mode=True, diff=True)

    assert not out.failed
    assert out.result["changed"] is True
    assert out.result["group"]["name"] == "Europe" and out.result["group"]["id"] is None
    assert out.result["diff"] == {"before": {"state": "absent"},
                                  "after": {"state": "present", "name": "Europe", "region": "eur"}}
    assert graph.writes == []
    assert [g["name"] for g in graph.groups.values()] == ["Default"]


def test_create_then_rerun_is_idempotent(graph, run_module):
    out = run_module(main, {"name": "Europe", "region": "eur"})
    assert out.result["changed"] is True
    assert graph.writes == [("create", "Europe", "eur")]
    created = [g for g in graph.groups.values() if g["name"] == "Europe"]
    assert out.result["group"]["id"] == created[0]["id"]

    again = run_module(main, {"name": "europe", "region": "eur"})
    assert again.result["changed"] is False
    assert len(graph.writes) == 1


def test_region_change_on_empty_group(graph, run_module):
    group = graph.add_group("Asia", "aus")

    out = run_module(main, {"name": "Asia", "region": "asia"}, diff=True)

    assert out.result["changed"] is True
    assert graph.writes == [("update", group["id"], {"region": "asia"})]
    assert graph.groups[group["id"]]["region"] == "asia"
    assert out.result["diff"]["before"]["region"] == "aus" and out.result["diff"]["after"]["region"] == "asia"


def test_region_change_with_members_fails_naming_them(graph, run_module):
    group = graph.add_group("Europe", "eur")
    conn = graph.add_connector("conn1.contoso.test", group)
    graph.applications[group["id"]].append({"id": "app-1", "displayName": "Intranet"})

    for check_mode in (True, False):
        out = run_module(main, {"name": "Europe", "region": "nam"}, check_mode=check_mode)
        assert out.failed
        assert out.result["msg"] == (
            "Cannot change the region of connector group 'Europe' (%s) from 'eur' to 'nam': the region can only be "
            "set while no connectors or applications are assigned, and it has 1 connector(s): conn1.contoso.test "
            "(%s, active) and 1 application(s): Intranet (app-1). Create a new group in region 'nam' and move them, "
            "or leave region unset." % (group["id"], conn["id"]))
    assert graph.writes == []


def test_unset_region_leaves_group_alone(graph, run_module):
    group = graph.add_group("Europe", "eur")
    graph.add_connector("conn1.contoso.test", group)

    out = run_module(main, {"name": "Europe"})

    assert out.result["changed"] is False
    assert out.result["group"]["region"] == "eur"
    assert graph.writes == []


def test_rename_by_id(graph, run_module):
    group = graph.add_group("Europe", "eur")

    out = run_module(main, {"group_id": group["id"], "name": "Europe West"}, diff=True)

    assert out.result["changed"] is True
    assert graph.groups[group["id"]]["name"] == "Europe West"
    assert out.result["diff"]["after"]["name"] == "Europe West"


def test_unknown_group_id_fails(graph, run_module):
    out = run_module(main, {"group_id": "nope"})

    assert out.failed
    assert out.result["msg"] == ("No connector group has id 'nope'. To create a group, set name and leave group_id "
                                 "out.")


def test_delete_default_group_refused(graph, run_module):
    out = run_module(main, {"name": "Default", "state": "absent"})

    assert out.failed
    assert out.result["msg"] == ("Cannot delete connector group 'Default' (%s): it is the tenant's default group, "
                                 "which always exists." % graph.default["id"])
    assert graph.writes == []


def test_delete_group_with_members_fails_naming_them(graph, run_module):
    group = graph.add_group("Lab")
    old = graph.add_connector("lab1.contoso.test", group, status="inactive")

    out = run_module(main, {"name": "Lab", "state": "absent"})

    assert out.failed
    assert out.result["msg"] == (
        "Cannot delete connector group 'Lab' (%s): it still has 1 connector(s): lab1.contoso.test (%s, inactive). "
        "Move the connectors to another group (entra.app_proxy.connector_group_member) and the applications to "
        "another group first." % (group["id"], old["id"]))
    assert graph.writes == []


def test_delete_empty_group_check_then_real_then_rerun(graph, run_module):
    group = graph.add_group("Lab")

    check = run_module(main, {"name": "Lab", "state": "absent"}, check_mode=True, diff=True)
    assert check.result["changed"] is True
    assert check.result["diff"] == {"before": {"state": "present", "name": "Lab", "region": None},
                                    "after": {"state": "absent"}}
    assert graph.writes == [] and group["id"] in graph.groups

    real = run_module(main, {"name": "Lab", "state": "absent"})
    assert real.result["changed"] is True
    assert group["id"] not in graph.groups

    rerun = run_module(main, {"name": "Lab", "state": "absent"})
    assert rerun.result["changed"] is False
    assert len(graph.writes) == 1


def test_two_groups_with_one_name_is_ambiguous(graph, run_module):
    first = graph.add_group("Europe")
    second = graph.add_group("EUROPE")

    out = run_module(main, {"name": "Europe", "region": "eur"})

    assert out.failed
    assert out.result["msg"] == ("2 connector groups are named 'Europe': Europe (%s), EUROPE (%s). Set group_id to "
                                 "choose one." % (first["id"], second["id"]))
