# -*- coding: utf-8 -*-
# Copyright: Contributors to the entra.app_proxy collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

from ansible_collections.entra.app_proxy.plugins.modules.connector_group_info import main


def test_lists_groups_with_members_and_counts(graph, run_module):
    europe = graph.add_group("Europe", "eur")
    graph.add_connector("eu2.contoso.test", europe)
    graph.add_connector("eu1.contoso.test", europe, status="inactive")

    out = run_module(main, {})

    groups = out.result["groups"]
    assert [g["name"] for g in groups] == ["Default", "Europe"]
    eu = groups[1]
    assert eu["id"] == europe["id"] and eu["region"] == "eur" and eu["is_default"] is False
    assert [c["machine_name"] for c in eu["connectors"]] == ["eu1.contoso.test", "eu2.contoso.test"]
    assert "group" not in eu["connectors"][0]
    assert (eu["connector_count"], eu["active_connector_count"]) == (2, 1)
    assert groups[0]["is_default"] is True and groups[0]["connector_count"] == 0
    assert out.result["changed"] is False


def test_filter_by_name_without_members(graph, run_module):
    europe = graph.add_group("Europe", "eur")
    graph.add_connector("eu1.contoso.test", europe)

    out = run_module(main, {"name": "EUROPE", "include_members": False})

    assert out.result["groups"] == [{"id": europe["id"], "name": "Europe", "region": "eur", "is_default": False,
                                     "connector_group_type": "applicationProxy"}]
    assert graph.reads == ["groups"]


def test_filter_by_id_and_unknown_id(graph, run_module):
    europe = graph.add_group("Europe", "eur")

    found = run_module(main, {"group_id": europe["id"]})
    assert [g["id"] for g in found.result["groups"]] == [europe["id"]]

    missing = run_module(main, {"group_id": "nope"})
    assert missing.result["groups"] == []
    assert not missing.failed


def test_name_and_id_are_exclusive(graph, run_module):
    out = run_module(main, {"name": "Europe", "group_id": "x"})

    assert out.failed
    assert out.result["msg"] == "parameters are mutually exclusive: name|group_id"
