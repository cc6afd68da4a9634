# -*- coding: utf-8 -*-
# Copyright: Contributors to the entra.app_proxy collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

from ansible_collections.entra.app_proxy.plugins.modules.connector_group_member import main


def test_check_mode_predicts_move_and_writes_nothing(graph, run_module):
    europe = graph.add_group("Europe", "eur")
    conn = graph.add_connector("conn1.contoso.test")

    out = run_module(main, {"machine_name": "CONN1.contoso.test", "group": "Europe"}, check_mode=True, diff=True)

    assert out.result["changed"] is True
    assert out.result["diff"] == {
        "before": {"connectors": {"conn1.contoso.test (%s)" % conn["id"]: "Default"}},
        "after": {"connectors": {"conn1.contoso.test (%s)" % conn["id"]: "Europe"}}}
    assert out.result["connectors"][0]["previous_group"] == {"id": graph.default["id"], "name": "Default"}
    assert out.result["connectors"][0]["group"] == {"id": europe["id"], "name": "Europe"}
    assert graph.writes == []
    assert graph.group_of(conn) is graph.default


def test_move_then_rerun_is_idempotent(graph, run_module):
    europe = graph.add_group("Europe", "eur")
    conn = graph.add_connector("conn1.contoso.test")

    out = run_module(main, {"machine_name": "conn1", "group_id": europe["id"]})
    assert out.result["changed"] is True
    assert graph.writes == [("move", conn["id"], europe["id"])]
    assert graph.group_of(conn) is europe

    again = run_module(main, {"machine_name": "conn1", "group_id": europe["id"]})
    assert again.result["changed"] is False
    assert again.result["connectors"][0]["changed"] is False
    assert len(graph.writes) == 1


def test_reinstalled_server_picks_the_active_connector(graph, run_module):
    europe = graph.add_group("Europe")
    graph.add_connector("conn1.contoso.test", status="inactive")
    new = graph.add_connector("conn1.contoso.test", status="active")

    out = run_module(main, {"machine_name": "conn1.contoso.test", "group": "Europe"})

    assert graph.writes == [("move", new["id"], europe["id"])]
    assert out.result["connectors"][0]["id"] == new["id"]


def test_ambiguous_machine_name_fails_listing_connectors(graph, run_module):
    graph.add_group("Europe")
    one = graph.add_connector("conn1.contoso.test", status="active")
    two = graph.add_connector("conn1.contoso.test", status="active")

    out = run_module(main, {"machine_name": "conn1.contoso.test", "group": "Europe"})

    assert out.failed
    assert out.result["msg"] == (
        "Machine name 'conn1.contoso.test' matches 2 connectors and 2 are active: conn1.contoso.test (%s, active), "
        "conn1.contoso.test (%s, active). Set connector_id to choose one." % (one["id"], two["id"]))
    assert graph.writes == []


def test_all_inactive_twins_are_ambiguous(graph, run_module):
    graph.add_group("Europe")
    graph.add_connector("conn1.contoso.test", status="inactive")
    graph.add_connector("conn1.contoso.test", status="inactive")

    out = run_module(main, {"machine_name": "conn1.contoso.test", "group": "Europe"})

    assert out.failed
    assert "matches 2 connectors and none is active" in out.result["msg"]


def test_missing_group_fails_without_creating_it(graph, run_module):
    graph.add_connector("conn1.contoso.test")

    out = run_module(main, {"machine_name": "conn1.contoso.test", "group": "Nowhere"})

    assert out.failed
    assert out.result["msg"] == ("Connector group 'Nowhere' does not exist. Create it first with "
                                 "entra.app_proxy.connector_group.")
    assert graph.writes == []


def test_unknown_machine_name_fails(graph, run_module):
    graph.add_group("Europe")

    out = run_module(main, {"machine_name": "ghost.contoso.test", "group": "Europe"})

    assert out.failed
    assert out.result["msg"] == (
        "No connector with machine name 'ghost.contoso.test' is registered in the tenant. Check machine_name (Graph "
        "reports the server's FQDN) or register the connector first.")


def test_unknown_connector_id_fails(graph, run_module):
    graph.add_group("Europe")

    out = run_module(main, {"connector_id": "c-404", "group": "Europe"})

    assert out.failed
    assert out.result["msg"] == "No connector has id 'c-404'. List the connectors with entra.app_proxy.connector_info."


def test_many_connectors_reads_do_not_grow_with_their_number(graph, run_module):
    groups = [graph.add_group("G%d" % i) for i in range(3)]
    names = []
    for i in range(20):
        names.append(graph.add_connector("conn%02d.contoso.test" % i, groups[i % 3])["machineName"])
    target = graph.add_group("Europe")

    out = run_module(main, {"machine_name": names, "group": "Europe"})
    first_reads = list(graph.reads)
    assert out.result["changed"] is True
    assert len(graph.writes) == 20
    # groups (name look-up) + connectors + each group's members once (the target's, then the others' for
    # the diff): 20 connectors cost 7 reads, and 200 would too
    assert len(first_reads) == 2 + len(graph.groups)
    assert first_reads.count("memberOf") == 0
    assert all(c["group"]["id"] == target["id"] for c in out.result["connectors"])

    graph.reads.clear()
    again = run_module(main, {"machine_name": names, "group": "Europe"})
    assert again.result["changed"] is False
    assert graph.reads == ["groups", "connectors", "members"]
    assert len(graph.writes) == 20


def test_warns_when_the_group_has_fewer_than_two_active_connectors(graph, run_module):
    europe = graph.add_group("Europe")
    graph.add_connector("eu1.contoso.test", europe, status="inactive")
    graph.add_connector("eu2.contoso.test")

    one = run_module(main, {"machine_name": "eu2.contoso.test", "group": "Europe"}, check_mode=True)
    assert one.result["warnings"] == ["Connector group 'Europe' has 1 active connector(s); Microsoft advises at "
                                      "least two per group."]

    graph.add_connector("eu3.contoso.test", europe)
    two = run_module(main, {"machine_name": "eu2.contoso.test", "group": "Europe"})
    assert two.result["warnings"] == []


def test_check_mode_tolerates_a_group_an_earlier_task_would_create(graph, run_module):
    conn = graph.add_connector("conn1.contoso.test")

    out = run_module(main, {"machine_name": "conn1.contoso.test", "group": "Europe"}, check_mode=True, diff=True)

    assert not out.failed
    assert out.result["changed"] is True
    assert out.result["warnings"][0] == ("Connector group 'Europe' does not exist yet; check mode assumes an earlier "
                                         "task creates it.")
    assert out.result["diff"]["after"] == {"connectors": {"conn1.contoso.test (%s)" % conn["id"]: "Europe"}}
    assert graph.writes == []
