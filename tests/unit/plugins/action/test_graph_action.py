# -*- coding: utf-8 -*-
# Copyright: Contributors to the entra.app_proxy collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""GraphActionBase through a real action plugin (connector_group), with the module run and the sign-in faked."""
from __future__ import annotations

import json
from unittest.mock import MagicMock

import pytest

from ansible_collections.entra.app_proxy.plugins.action.connector_group import ActionModule
from ansible_collections.entra.app_proxy.plugins.plugin_utils import _token_action

from action_testlib import task_action

TENANT = "contoso.onmicrosoft.com"
PASSWORD = "Pa55-word-never-shown"


class FakeBroker:
    """Stands in for TokenBroker: hands out numbered tokens and counts the calls."""

    calls = []
    forced = []

    def __init__(self, settings, display=None):
        self.settings = settings

    def get_token(self, resource, force_refresh=False):
        FakeBroker.calls.append((resource, self.settings.auth_method))
        FakeBroker.forced.append(force_refresh)
        return "graph-token-%d.secret" % len(FakeBroker.calls)


@pytest.fixture(autouse=True)
def broker(monkeypatch):
    FakeBroker.calls = []
    FakeBroker.forced = []
    monkeypatch.setattr(_token_action, "TokenBroker", FakeBroker)
    for name in list(__import__("os").environ):
        if name.startswith("ENTRA_"):
            monkeypatch.delenv(name)
    return FakeBroker


def make_action(args, shell_family="sh"):
    connection = MagicMock()
    connection._shell.SHELL_FAMILY = shell_family
    action = task_action(ActionModule, "entra.app_proxy.connector_group", args, connection=connection)
    action._task.get_name.return_value = "manage group"
    return action


def module_returning(*results):
    """An _execute_module replacement that echoes what a careless module could leak, and records its args."""
    seen = []

    def execute(module_name=None, module_args=None, task_vars=None, **kwargs):
        seen.append((module_name, dict(module_args)))
        result = dict(results[len(seen) - 1])
        result["invocation"] = {"module_args": dict(module_args)}
        result["echo"] = "used %s" % module_args["access_token"]
        return result

    return execute, seen


def test_token_obtained_once_and_never_returned():
    args = {"name": "Europe", "region": "eur", "tenant_id": TENANT, "auth_method": "password",
            "username": "admin@contoso.test", "password": PASSWORD, "token_cache": False}
    action = make_action(args)
    action._execute_module, seen = module_returning({"changed": True, "group": {"name": "Europe"}})

    result = action.run(task_vars={})

    assert FakeBroker.calls == [("graph", "password")]
    module_name, module_args = seen[0]
    assert module_name == "entra.app_proxy.connector_group"
    assert module_args["access_token"] == "graph-token-1.secret"
    assert module_args["auth_method"] == "access_token"
    assert module_args["graph_endpoint"] == "https://graph.microsoft.com"
    assert module_args["tenant_id"] == TENANT
    # the module gets a token, never the password
    assert "password" not in module_args and "username" not in module_args
    assert (module_args["name"], module_args["region"]) == ("Europe", "eur")

    assert result["changed"] is True
    assert result["invocation"] == {"module_args": dict(args, password="VALUE_SPECIFIED_IN_NO_LOG_PARAMETER")}
    text = json.dumps(result)
    assert "graph-token-1" not in text and PASSWORD not in text
    assert result["echo"] == "used VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"


def test_bad_module_option_fails_before_sign_in():
    action = make_action({"name": "Europe", "region": "mars", "tenant_id": TENANT})
    action._execute_module = MagicMock()

    result = action.run(task_vars={})

    assert result["failed"] is True
    assert "region" in result["msg"] and "mars" in result["msg"]
    assert FakeBroker.calls == []
    action._execute_module.assert_not_called()


def test_internal_option_rejected_before_sign_in():
    action = make_action({"name": "Europe", "tenant_id": TENANT, "_graph_token": "x"})
    action._execute_module = MagicMock()

    result = action.run(task_vars={})

    assert result == {"failed": True, "msg": "_graph_token is internal and cannot be set in a task; remove it."}
    assert FakeBroker.calls == []


def test_auth_settings_checked_before_sign_in():
    action = make_action({"name": "Europe", "tenant_id": TENANT, "auth_method": "password",
                          "password": PASSWORD})
    action._execute_module = MagicMock()

    result = action.run(task_vars={})

    assert result["failed"] is True
    assert result["msg"] == ("username is required when auth_method=password: set username or the ENTRA_USERNAME "
                             "environment variable.")
    assert PASSWORD not in json.dumps(result)
    assert FakeBroker.calls == []


def test_windows_host_gets_a_clear_error():
    action = make_action({"name": "Europe", "tenant_id": TENANT}, shell_family="powershell")
    action._execute_module = MagicMock()

    result = action.run(task_vars={})

    assert result["failed"] is True
    assert result["msg"].startswith("entra.app_proxy.connector_group talks to Microsoft Graph from the Ansible "
                                    "controller and cannot run on the Windows host")
    assert "delegate_to: localhost" in result["msg"]
    assert FakeBroker.calls == []


def test_expired_token_is_replaced_once_and_the_module_rerun():
    expired = {"failed": True, "msg": "The access token expired before Microsoft Graph accepted it (HTTP 401)",
               "graph_error": {"status": 401, "code": "InvalidAuthenticationToken", "request_id": None}}
    action = make_action({"name": "Europe", "tenant_id": TENANT, "auth_method": "device_code",
                          "token_cache": False})
    action._execute_module, seen = module_returning(expired, {"changed": False, "group": {"name": "Europe"}})

    result = action.run(task_vars={})

    assert len(FakeBroker.calls) == 2
    # the retry asks the broker to drop the refused token and refresh (tested in test__token.py)
    assert FakeBroker.forced == [False, True]
    assert [args["access_token"] for name, args in seen] == ["graph-token-1.secret", "graph-token-2.secret"]
    assert result.get("failed") is not True and result["changed"] is False
    assert "graph-token" not in json.dumps(result)


def test_supplied_token_is_not_retried_on_expiry():
    expired = {"failed": True, "msg": "The access token expired before Microsoft Graph accepted it (HTTP 401)",
               "graph_error": {"status": 401, "code": "InvalidAuthenticationToken", "request_id": None}}
    action = make_action({"name": "Europe", "auth_method": "access_token", "access_token": "user-supplied.jwt.x"})
    action._execute_module, seen = module_returning(expired)

    result = action.run(task_vars={})

    assert len(seen) == 1
    assert result["failed"] is True
    assert result["invocation"]["module_args"]["access_token"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
    assert "user-supplied.jwt.x" not in json.dumps(result)
