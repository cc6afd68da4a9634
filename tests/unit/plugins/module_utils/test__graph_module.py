# -*- coding: utf-8 -*-
# Copyright: Contributors to the entra.app_proxy collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

from ansible_collections.entra.app_proxy.plugins.module_utils._auth import AUTH_ARGSPEC
from ansible_collections.entra.app_proxy.plugins.module_utils._graph_module import by_name, graph_module_spec


def test_by_name_ignores_case_then_orders_by_id():
    views = [{"name": "beta", "id": "2"}, {"name": None, "id": "9"}, {"name": "Alpha", "id": "7"},
             {"name": "alpha", "id": "3"}]
    assert [v["id"] for v in by_name(views)] == ["9", "3", "7", "2"]
    machines = [{"machine_name": "B.contoso.com", "id": "1"}, {"machine_name": "a.contoso.com", "id": None}]
    assert [v["machine_name"] for v in by_name(machines, "machine_name")] == ["a.contoso.com", "B.contoso.com"]


def test_graph_module_spec_adds_the_auth_options_without_sharing_the_tables():
    options = {"name": {"type": "str"}}
    spec = graph_module_spec(options, {"required_one_of": [("name",)]})
    assert set(spec["argument_spec"]) == set(AUTH_ARGSPEC) | {"name"}
    assert spec["supports_check_mode"] is True
    assert spec["required_one_of"] == [("name",)]
    spec["argument_spec"]["name"]["required"] = True
    spec["argument_spec"]["tenant_id"]["required"] = True
    assert options == {"name": {"type": "str"}}
    assert "required" not in AUTH_ARGSPEC["tenant_id"]
    assert graph_module_spec(options) == dict(argument_spec=dict(AUTH_ARGSPEC, name={"type": "str"}), supports_check_mode=True)
