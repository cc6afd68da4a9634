# -*- coding: utf-8 -*-
# Copyright (c) 2026 entra.app_proxy maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The connector_registration action plugin, with the Windows module and the sign-in faked."""
from __future__ import annotations

import base64
import json
import os
from unittest.mock import MagicMock

import pytest

from ansible.playbook.task import Task

from ansible_collections.entra.app_proxy.plugins.action.connector_registration import ActionModule
from ansible_collections.entra.app_proxy.plugins.plugin_utils import _registration

TENANT_GUID = "11111111-2222-3333-4444-555555555555"
PASSWORD = "Pa55-word-never-shown"


def jwt(claims):
    def part(data):
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
    return "%s.%s.sig" % (part({"alg": "none"}), part(claims))


class FakeBroker:
    """Stands in for TokenBroker and records what it was asked for."""

    calls = []
    error = None

    def __init__(self, settings, display=None):
        self.settings = settings

    def get_token(self, resource):
        FakeBroker.calls.append((resource, self.settings.auth_method, self.settings.tenant_id))
        if FakeBroker.error:
            raise FakeBroker.error
        return jwt({"tid": TENANT_GUID, "n": len(FakeBroker.calls)})


@pytest.fixture(autouse=True)
def broker(monkeypatch):
    from ansible_collections.entra.app_proxy.plugins.plugin_utils import _token

    FakeBroker.calls = []
    FakeBroker.error = None
    monkeypatch.setattr(_token, "TokenBroker", FakeBroker)
    for name in list(os.environ):
        if name.startswith("ENTRA_"):
            monkeypatch.delenv(name)
    return FakeBroker


def make_action(args, check_mode=False):
    task = MagicMock(Task)
    task.args = args
    task.async_val = 0
    task.check_mode = check_mode
    task.action = "entra.app_proxy.connector_registration"
    play_context = MagicMock()
    play_context.check_mode = check_mode
    action = ActionModule(task, MagicMock(), play_context, loader=None, templar=None, shared_loader_obj=None)
    action._load_name = "entra.app_proxy.connector_registration"  # set by the plugin loader in a real run
    return action


def module_returning(result):
    """An _execute_module stand-in that echoes everything a careless module could leak."""
    seen = []

    def execute(module_name=None, module_args=None, task_vars=None, **kwargs):
        seen.append((module_name, dict(module_args)))
        out = dict(result)
        out["invocation"] = {"module_args": dict(module_args)}
        out["output"] = "registered with token %s" % module_args.get("access_token")
        return out

    return execute, seen


BASE_ARGS = {"tenant_id": "contoso.example.com", "auth_method": "password", "username": "admin@contoso.example.com",
             "password": PASSWORD, "token_cache": False}


def test_token_goes_to_the_module_and_nowhere_else():
    action = make_action(dict(BASE_ARGS, force=True))
    action._execute_module, seen = module_returning({"changed": True, "registered": True})

    result = action.run(task_vars={})

    assert FakeBroker.calls == [("registration", "password", "contoso.example.com")]
    module_name, module_args = seen[0]
    assert module_name == "entra.app_proxy.connector_registration"
    token = module_args["access_token"]
    # Only the module's own options and the token travel to Windows: no password, no other auth option.
    assert sorted(module_args) == ["access_token", "force", "install_path", "tenant_id"]
    assert module_args["force"] is True
    # RegisterConnector.ps1 wants the GUID: it comes from the token's tid claim.
    assert module_args["tenant_id"] == TENANT_GUID
    text = json.dumps(result)
    assert token not in text and PASSWORD not in text
    assert result["invocation"] == {"module_args": {"force": True, "install_path": None,
                                                    "tenant_id": "contoso.example.com"}}
    assert result["changed"] is True


def test_check_mode_asks_for_no_token():
    action = make_action(dict(BASE_ARGS), check_mode=True)
    action._execute_module, seen = module_returning({"changed": True, "reason": "trust_missing"})

    result = action.run(task_vars={})

    assert FakeBroker.calls == []
    assert "access_token" not in seen[0][1]
    assert seen[0][1]["tenant_id"] == "contoso.example.com"
    assert result["changed"] is True


def test_internal_option_is_refused_before_sign_in():
    action = make_action(dict(BASE_ARGS, _token="smuggled"))
    action._execute_module, seen = module_returning({})

    result = action.run(task_vars={})

    assert result["failed"] is True
    assert "_token is internal" in result["msg"]
    assert FakeBroker.calls == [] and seen == []


def test_missing_tenant_names_the_settings():
    args = dict(BASE_ARGS)
    del args["tenant_id"]
    action = make_action(args)
    action._execute_module, seen = module_returning({})

    result = action.run(task_vars={})

    assert result["failed"] is True
    assert "tenant_id is required" in result["msg"]
    assert seen == []


def test_unknown_option_fails_naming_it():
    action = make_action(dict(BASE_ARGS, forse=True))
    action._execute_module, seen = module_returning({})

    result = action.run(task_vars={})

    assert result["failed"] is True
    assert "forse" in result["msg"]
    assert seen == []


def test_sign_in_failure_gets_advice_and_hides_the_password():
    from ansible_collections.entra.app_proxy.plugins.module_utils._auth import EntraAuthError

    FakeBroker.error = EntraAuthError("AADSTS50076: you must use multi-factor authentication (password %s)" % PASSWORD)
    action = make_action(dict(BASE_ARGS))
    action._execute_module, seen = module_returning({})

    result = action.run(task_vars={})

    assert result["failed"] is True
    assert "device_code" in result["msg"]
    assert PASSWORD not in result["msg"]
    assert seen == []


def test_denied_registration_gets_the_role_advice():
    action = make_action(dict(BASE_ARGS))
    action._execute_module, seen = module_returning({
        "failed": True,
        "msg": "Failed to register the connector with 'C:\\x\\RegisterConnector.ps1': Connector registration failed: "
               "The registration request was denied."})

    result = action.run(task_vars={})

    assert result["failed"] is True
    assert "Application Administrator" in result["msg"]
    assert seen[0][1]["access_token"] not in json.dumps(result)


@pytest.mark.parametrize("text, needle", [
    ("AADSTS50059: No tenant-identifying information found", "Microsoft account"),
    ("AADSTS50020: User account from identity provider does not exist in tenant", "guest"),
    ("Connector registration failed: guest users cannot register connectors", "Guest accounts"),
    ("Connector registration failed: The token is expired", "expired"),
    ("Connector registration failed: invalid audience", "registration_scope"),
])
def test_failure_hints(text, needle):
    assert needle in _registration.failure_hint(text)


def test_no_hint_for_unknown_failures():
    assert _registration.failure_hint("Something else broke") is None


def test_tenant_guid_from_token():
    assert _registration.tenant_guid_from_token(jwt({"tid": TENANT_GUID})) == TENANT_GUID
    assert _registration.tenant_guid_from_token(jwt({"oid": "x"})) is None
    assert _registration.tenant_guid_from_token("not-a-jwt") is None
    assert _registration.tenant_guid_from_token("a.%%%.b") is None
