# -*- coding: utf-8 -*-
# Copyright: Contributors to the entra.app_proxy collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures for the Graph module tests: an in-memory tenant standing in for GraphClient, and a runner."""

from __future__ import annotations

import contextlib
import json
import uuid
from unittest import mock

import pytest

from ansible.module_utils import basic
from ansible.module_utils.common.text.converters import to_bytes

from ansible_collections.entra.app_proxy.plugins.module_utils._graph_client import EntraGraphError
from ansible_collections.entra.app_proxy.plugins.module_utils._graph_module import GraphModule


class ModuleExit(Exception):
    def __init__(self, result, failed):
        super().__init__(result.get("msg"))
        self.result = result
        self.failed = failed


class FakeGraph:
    """Same methods as GraphClient, over dicts; enforces the tenant's rules and records every call.

    Like GraphClient, a read is cached until the next write, and ``reads`` lists the reads that
    would have reached Graph.
    """

    def __init__(self):
        self._seen = set()
        self.groups = {}
        self.connectors = {}
        self.member_of = {}      # connector id -> group id
        self.applications = {}   # group id -> [application]
        self.reads = []
        self.writes = []
        self.default = self.add_group("Default", "nam", default=True)

    # seeding
    def add_group(self, name, region=None, default=False):
        gid = str(uuid.uuid4())
        self.groups[gid] = {"id": gid, "name": name, "region": region, "isDefault": default,
                            "connectorGroupType": "applicationProxy"}
        self.applications[gid] = []
        return self.groups[gid]

    def add_connector(self, machine_name, group=None, status="active"):
        cid = str(uuid.uuid4())
        self.connectors[cid] = {"id": cid, "machineName": machine_name, "externalIp": "203.0.113.7",
                                "status": status, "version": "1.5.4522.0"}
        self.member_of[cid] = (group or self.default)["id"]
        return self.connectors[cid]

    def group_of(self, connector):
        return self.groups[self.member_of[connector["id"]]]

    # GraphClient API
    def _read(self, kind, table, key=None):
        """A read as GraphClient sends it (once until the next write): all of ``table``, or the object at
        ``key`` (404 when there is none)."""
        if (kind, key) not in self._seen:
            self._seen.add((kind, key))
            self.reads.append(kind)
        if key is None:
            return list(table.values())
        if key not in table:
            raise EntraGraphError(404, "Request_ResourceNotFound", "%s was not found" % key)
        return table[key]

    def list_connectors(self):
        return self._read("connectors", self.connectors)

    def get_connector(self, cid):
        return self._read("connector", self.connectors, cid)

    def connector_group_of(self, cid):
        return self.groups[self._read("memberOf", self.member_of, cid)]

    def list_groups(self):
        return self._read("groups", self.groups)

    def get_group(self, gid):
        return self._read("group", self.groups, gid)

    def list_group_members(self, gid):
        self._read("members", self.groups, gid)
        return [c for cid, c in self.connectors.items() if self.member_of[cid] == gid]

    def list_group_applications(self, gid):
        return list(self._read("applications", self.applications, gid))

    def _write(self, *record):
        self._seen.clear()
        self.writes.append(record)

    def _busy(self, gid):
        return self.list_group_members(gid) or self.applications[gid]

    def create_group(self, name, region=None):
        self._write("create", name, region)
        return dict(self.add_group(name, region))

    def update_group(self, gid, **fields):
        self._write("update", gid, fields)
        if "region" in fields and self._busy(gid):
            raise EntraGraphError(400, "BadRequest", "region can only be set on an empty group")
        self.groups[gid].update(fields)

    def delete_group(self, gid):
        self._write("delete", gid)
        if self.groups[gid]["isDefault"] or self._busy(gid):
            raise EntraGraphError(400, "BadRequest", "group is not empty or is the default")
        del self.groups[gid]

    def add_connector_to_group(self, cid, gid):
        self._write("move", cid, gid)
        self.member_of[cid] = gid


@contextlib.contextmanager
def _module_args(args):
    try:
        from ansible.module_utils.testing import patch_module_args  # ansible-core >= 2.19
    except ImportError:
        with mock.patch.object(basic, "_ANSIBLE_ARGS", to_bytes(json.dumps({"ANSIBLE_MODULE_ARGS": args}))):
            yield
    else:
        with patch_module_args(args):
            yield


@pytest.fixture
def graph():
    return FakeGraph()


@pytest.fixture
def run_module(graph):
    """run_module(main, args, check_mode=False, diff=False) -> ModuleExit (result + failed flag)."""

    def fail_json(self, **kwargs):
        raise ModuleExit(kwargs, failed=True)

    def run(main, args, check_mode=False, diff=False):
        args = dict(args, access_token="token-for-tests", _ansible_check_mode=check_mode, _ansible_diff=diff)
        warnings = []
        graph._seen.clear()  # a new module run starts with an empty cache

        def exit_json(self, **kwargs):
            raise ModuleExit(dict(kwargs, warnings=warnings), failed=False)

        with _module_args(args), \
                mock.patch.object(basic.AnsibleModule, "warn", lambda self, msg: warnings.append(msg)), \
                mock.patch.object(GraphModule, "client", new_callable=mock.PropertyMock, return_value=graph), \
                mock.patch.object(basic.AnsibleModule, "exit_json", exit_json), \
                mock.patch.object(basic.AnsibleModule, "fail_json", fail_json):
            with pytest.raises(ModuleExit) as exc:
                main()
        return exc.value

    return run


@pytest.fixture
def module_args():
    """module_args(dict): context manager that hands the dict to AnsibleModule as the task's arguments."""
    return _module_args


@pytest.fixture
def module_exit():
    """The exception the run_module fixture raises from exit_json/fail_json."""
    return ModuleExit
