# -*- coding: utf-8 -*-
# Copyright: Contributors to the entra.app_proxy collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

import pytest

from ansible_collections.entra.app_proxy.plugins.modules.connector_info import main


def _seed(graph):
    europe = graph.add_group("Europe", "eur")
    asia = graph.add_group("Asia", "asia")
    conns = [graph.add_connector("eu%d.contoso.test" % i, europe) for i in range(3)]
    conns.append(graph.add_connector("asia1.contoso.test", asia, status="inactive"))
    conns.append(graph.add_connector("lone.contoso.test"))
    return europe, asia, conns


def test_lists_all_connectors_with_their_group(graph, run_module):
    europe, asia, conns = _seed(graph)

    out = run_module(main, {})

    result = out.result["connectors"]
    assert [c["machine_name"] for c in result] == ["asia1.contoso.test", "eu0.contoso.test", "eu1.contoso.test",
                                                   "eu2.contoso.test", "lone.contoso.test"]
    assert result[0] == {"id": conns[3]["id"], "machine_name": "asia1.contoso.test", "external_ip": "203.0.113.7",
                         "status": "inactive", "version": "1.5.4522.0", "group": {"id": asia["id"], "name": "Asia"}}
    assert result[-1]["group"] == {"id": graph.default["id"], "name": "Default"}
    # one read of connectors, one of groups, one of each group's members; never one memberOf per connector
    assert graph.reads.count("memberOf") == 0
    assert len(graph.reads) == 2 + len(graph.groups)
    assert out.result["changed"] is False


def test_machine_name_filter_uses_member_of_for_one_connector(graph, run_module):
    europe, asia, conns = _seed(graph)

    out = run_module(main, {"machine_name": "EU1"})

    assert [c["id"] for c in out.result["connectors"]] == [conns[1]["id"]]
    assert out.result["connectors"][0]["group"]["name"] == "Europe"
    assert graph.reads == ["connectors", "memberOf"]


def test_status_filter(graph, run_module):
    _seed(graph)

    out = run_module(main, {"status": "inactive"})

    assert [c["machine_name"] for c in out.result["connectors"]] == ["asia1.contoso.test"]


def test_group_filter_by_name_or_id_reads_only_that_group(graph, run_module):
    europe, asia, conns = _seed(graph)

    by_name = run_module(main, {"group": "europe", "status": "active"})
    assert [c["machine_name"] for c in by_name.result["connectors"]] == ["eu0.contoso.test", "eu1.contoso.test",
                                                                         "eu2.contoso.test"]
    assert graph.reads == ["groups", "members"]

    by_id = run_module(main, {"group": asia["id"]})
    assert [c["group"]["name"] for c in by_id.result["connectors"]] == ["Asia"]


def test_unknown_group_warns_and_returns_nothing(graph, run_module):
    _seed(graph)

    out = run_module(main, {"group": "Mars"})

    assert out.result["connectors"] == []
    assert out.result["warnings"] == ["No connector group has the name or id 'Mars'."]


def test_module_without_a_token_says_how_to_run_it(monkeypatch, module_args, module_exit):
    from ansible.module_utils import basic

    def fail_json(self, **kwargs):
        raise module_exit(kwargs, failed=True)

    monkeypatch.delenv("ENTRA_ACCESS_TOKEN", raising=False)
    monkeypatch.setenv("ENTRA_AUTH_METHOD", "access_token")
    monkeypatch.setattr(basic.AnsibleModule, "fail_json", fail_json)
    with module_args({"graph_endpoint": "https://graph.example.test"}):
        with pytest.raises(module_exit) as exc:
            main()
    out = exc.value
    assert out.failed
    assert out.result["msg"] == ("access_token is required when auth_method=access_token: set access_token or the "
                                 "ENTRA_ACCESS_TOKEN environment variable.")


def test_module_builds_its_client_from_the_options(monkeypatch, module_args):
    from ansible_collections.entra.app_proxy.plugins.module_utils._graph_module import GraphModule, graph_module_spec
    from ansible_collections.entra.app_proxy.plugins.modules.connector_info import OPTIONS

    for name in ("ENTRA_AUTH_METHOD", "ENTRA_GRAPH_ENDPOINT", "ENTRA_CLOUD"):
        monkeypatch.delenv(name, raising=False)
    args = {"auth_method": "access_token", "access_token": "header.payload.sig",
            "graph_endpoint": "https://graph.example.test/", "timeout": 12}
    with module_args(args):
        module = GraphModule(**graph_module_spec(OPTIONS))
    client = module.client

    assert client.base_url == "https://graph.example.test/beta/onPremisesPublishingProfiles/applicationProxy"
    assert client.timeout == 12
    assert client is module.client  # built once per run
