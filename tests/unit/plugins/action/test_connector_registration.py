# -*- coding: utf-8 -*-
# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The connector_registration action: server_info facts in, win_powershell out, sign-in faked."""
from __future__ import annotations

import base64
import copy
import json
import os
from unittest.mock import MagicMock

import pytest

from ansible_collections.entra.app_proxy.plugins.action.connector_registration import ActionModule
from ansible_collections.entra.app_proxy.plugins.plugin_utils import _registration, _token_action

from action_testlib import task_action

TENANT_GUID = "11111111-2222-3333-4444-555555555555"
PASSWORD = "Pa55-word-never-shown"
SCRIPT = r"C:\Program Files\Microsoft Entra private network connector\RegisterConnector.ps1"
CANDIDATES = [SCRIPT, r"C:\Program Files\Microsoft AAD App Proxy Connector\RegisterConnector.ps1"]


def jwt(claims):
    def part(data):
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
    return "%s.%s.sig" % (part({"alg": "none"}), part(claims))


def server_info(registered=False, state="not_registered", installed=True, script=SCRIPT):
    """The keys of entra.app_proxy.server_info the action reads (plugins/modules/server_info.yml)."""
    return {
        "connector": {"installed": installed, "layout": "new" if installed else "none", "register_script": script,
                      "register_script_candidates": CANDIDATES,
                      "module_path": "C:\\Program Files\\Microsoft Entra private network connector\\Modules\\",
                      "module_name": "MicrosoftEntraPrivateNetworkConnectorPSModule"},
        "registration": {"registered": registered, "state": state},
    }


class FakeBroker:
    """Stands in for TokenBroker and records what it was asked for."""

    calls = []
    error = None

    def __init__(self, settings, display=None):
        self.settings = settings

    def get_token(self, resource, force_refresh=False):
        FakeBroker.calls.append((resource, self.settings.auth_method, self.settings.tenant_id))
        if FakeBroker.error:
            raise FakeBroker.error
        return jwt({"tid": TENANT_GUID, "n": len(FakeBroker.calls)})


@pytest.fixture(autouse=True)
def broker(monkeypatch):
    FakeBroker.calls = []
    FakeBroker.error = None
    monkeypatch.setattr(_token_action, "TokenBroker", FakeBroker)
    for name in list(os.environ):
        if name.startswith("ENTRA_"):
            monkeypatch.delenv(name)
    return FakeBroker


def make_action(args, check_mode=False, diff=False):
    return task_action(ActionModule, "entra.app_proxy.connector_registration", args, check_mode, diff)


def powershell_returning(result):
    """An _execute_module stand-in for win_powershell that echoes what a careless module could leak."""
    seen = []

    def execute(module_name=None, module_args=None, task_vars=None, **kwargs):
        seen.append((module_name, copy.deepcopy(module_args)))
        out = dict(result)
        out["invocation"] = {"module_args": copy.deepcopy(module_args)}
        out["host_out"] = "%s token %s" % (result.get("host_out", ""), module_args["sensitive_parameters"][0]["value"])
        return out

    return execute, seen


OK = {"changed": True, "result": {"exit_code": 0, "succeeded": True}, "error": [], "host_out": "done",
      "host_err": "", "output": [], "warning": [], "verbose": [], "debug": [], "information": []}
BASE_ARGS = {"tenant_id": "contoso.example.com", "auth_method": "password", "username": "admin@contoso.example.com",
             "password": PASSWORD, "token_cache": False}


def test_registers_in_its_own_process_with_the_token_as_a_secure_parameter():
    action = make_action(dict(BASE_ARGS, server_info=server_info()))
    action._execute_module, seen = powershell_returning(OK)

    result = action.run(task_vars={})

    assert FakeBroker.calls == [("registration", "password", "contoso.example.com")]
    module_name, args = seen[0]
    assert module_name == "ansible.windows.win_powershell"
    assert args["executable"] == "powershell.exe"
    assert args["arguments"] == ["-NoProfile", "-ExecutionPolicy", "Bypass"]
    assert args["error_action"] == "continue"
    token = args["sensitive_parameters"][0]["value"]
    assert args["sensitive_parameters"] == [{"name": "Token", "value": token}]
    # RegisterConnector.ps1 wants the GUID: it comes from the token's tid claim.
    assert args["parameters"] == {"ScriptPath": SCRIPT, "ModulePath": server_info()["connector"]["module_path"],
                                  "ModuleName": "MicrosoftEntraPrivateNetworkConnectorPSModule",
                                  "TenantId": TENANT_GUID}
    assert token not in args["script"] and token not in json.dumps(args["parameters"])
    assert "-bor [Net.SecurityProtocolType]::Tls12" in args["script"]
    assert "[SecureString]$Token" in args["script"] and "$Proxy" not in args["script"]
    text = json.dumps(result)
    assert token not in text and PASSWORD not in text
    assert result["changed"] is True and result["registered"] is True and result.get("failed") is not True
    assert (result["reason"], result["layout"], result["script_path"], result["exit_code"]) == (
        "not_registered", "new", SCRIPT, 0)
    assert result["host_out"] == "done token VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
    assert result["invocation"]["module_args"]["password"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
    assert "sensitive_parameters" not in json.dumps(result["invocation"])


def test_proxy_becomes_the_process_default_proxy():
    action = make_action(dict(BASE_ARGS, server_info=server_info(), proxy="http://proxy.contoso.example:8080"))
    action._execute_module, seen = powershell_returning(OK)

    action.run(task_vars={})

    args = seen[0][1]
    assert args["parameters"]["Proxy"] == "http://proxy.contoso.example:8080"
    assert "[Net.WebRequest]::DefaultWebProxy = New-Object -TypeName Net.WebProxy -ArgumentList $Proxy" in args["script"]
    assert "[string]$Proxy" in args["script"]


def test_registered_host_needs_no_sign_in_and_no_round_trip():
    action = make_action(dict(BASE_ARGS, server_info=server_info(registered=True, state="registered")), diff=True)
    action._execute_module = MagicMock()

    result = action.run(task_vars={})

    assert FakeBroker.calls == []
    action._execute_module.assert_not_called()
    assert result["changed"] is False and result["registered"] is True and result["reason"] is None
    assert result["diff"] == {"before": {"registered": True}, "after": {"registered": True}}


def test_force_registers_a_registered_host():
    action = make_action(dict(BASE_ARGS, force=True, server_info=server_info(registered=True, state="registered")))
    action._execute_module, seen = powershell_returning(OK)

    result = action.run(task_vars={})

    assert len(seen) == 1 and result["reason"] == "forced" and result["changed"] is True


@pytest.mark.parametrize("state", ["expired", "missing", "not_registered"])
def test_check_mode_predicts_from_the_facts_without_a_token(state):
    action = make_action(dict(BASE_ARGS, server_info=server_info(state=state)), check_mode=True, diff=True)
    action._execute_module = MagicMock()

    result = action.run(task_vars={})

    assert FakeBroker.calls == []
    action._execute_module.assert_not_called()
    assert result["changed"] is True and result["reason"] == state
    assert result["diff"] == {"before": {"registered": False}, "after": {"registered": True}}


def test_check_mode_after_a_virtual_install():
    action = make_action(dict(BASE_ARGS, server_info=server_info(installed=False, script=None)), check_mode=True)
    action._execute_module = MagicMock()

    result = action.run(task_vars={})

    assert result["changed"] is True and result["reason"] == "not_installed"
    assert FakeBroker.calls == []


def test_missing_script_names_every_path_tried_before_sign_in():
    action = make_action(dict(BASE_ARGS, server_info=server_info(script=None)))
    action._execute_module = MagicMock()

    result = action.run(task_vars={})

    assert result["failed"] is True
    assert result["msg"] == ("RegisterConnector.ps1 was not found on this host; tried '%s', '%s'. Repair or reinstall "
                             "the connector." % tuple(CANDIDATES))
    assert FakeBroker.calls == []
    action._execute_module.assert_not_called()


def test_not_installed_fails_before_sign_in():
    action = make_action(dict(BASE_ARGS, server_info=server_info(installed=False, script=None)))
    action._execute_module = MagicMock()

    result = action.run(task_vars={})

    assert result["failed"] is True and "not installed" in result["msg"]
    assert FakeBroker.calls == []


def test_server_info_that_is_not_server_info_is_refused():
    action = make_action(dict(BASE_ARGS, server_info={"changed": False}))
    action._execute_module = MagicMock()

    result = action.run(task_vars={})

    assert result["failed"] is True and "entra.app_proxy.server_info" in result["msg"]
    assert FakeBroker.calls == []


def test_server_info_is_required():
    action = make_action(dict(BASE_ARGS))
    action._execute_module = MagicMock()

    result = action.run(task_vars={})

    assert result["failed"] is True and "server_info" in result["msg"]
    assert FakeBroker.calls == []


def test_internal_option_is_refused_before_sign_in():
    action = make_action(dict(BASE_ARGS, server_info=server_info(), _token="smuggled"))
    action._execute_module = MagicMock()

    result = action.run(task_vars={})

    assert result["failed"] is True
    assert "_token is internal" in result["msg"]
    assert FakeBroker.calls == []


def test_unknown_option_fails_naming_it():
    action = make_action(dict(BASE_ARGS, server_info=server_info(), forse=True))
    action._execute_module = MagicMock()

    result = action.run(task_vars={})

    assert result["failed"] is True and "forse" in result["msg"]
    assert FakeBroker.calls == []


def test_sign_in_failure_hides_the_password():
    from ansible_collections.entra.app_proxy.plugins.module_utils._auth import EntraAuthError

    FakeBroker.error = EntraAuthError("refused (password %s)" % PASSWORD)
    action = make_action(dict(BASE_ARGS, server_info=server_info()))
    action._execute_module = MagicMock()

    result = action.run(task_vars={})

    assert result["failed"] is True and PASSWORD not in result["msg"]
    action._execute_module.assert_not_called()


def test_denied_registration_fails_with_the_role_advice():
    denied = dict(OK, result={"exit_code": 0, "succeeded": False},
                  error=[{"output": "Connector registration failed: RegistrationDenied The registration request was "
                                    "denied.", "exception": {"message": "x"}}])
    action = make_action(dict(BASE_ARGS, server_info=server_info()))
    action._execute_module, seen = powershell_returning(denied)

    result = action.run(task_vars={})

    assert result["failed"] is True
    assert result["msg"].startswith("RegisterConnector.ps1 failed (exit code 0): Connector registration failed: ")
    assert "Application Administrator" in result["msg"]
    assert result["registered"] is False
    assert seen[0][1]["sensitive_parameters"][0]["value"] not in json.dumps(result)


@pytest.mark.parametrize("result, failed", [
    (OK, False),
    (dict(OK, result={}), False),  # the script set no exit code and $? was not read: nothing says it failed
    (dict(OK, failed=True, error=[{"output": "boom"}]), True),  # terminating exception
    (dict(OK, error=[{"output": "Import-Module: not found"}]), True),  # error record under error_action=continue
    (dict(OK, result={"exit_code": 3, "succeeded": True}), True),
    (dict(OK, result={"exit_code": 0, "succeeded": False}), True),
])
def test_registration_outcome(result, failed):
    assert (_registration.registration_outcome(result) is not None) is failed


def test_outcome_message_uses_the_error_records():
    message = _registration.registration_outcome(dict(OK, error=[{"output": "first"}, {"exception": {"message": "second"}}],
                                                      result={"exit_code": 1}))
    assert message == "RegisterConnector.ps1 failed (exit code 1): first; second"


@pytest.mark.parametrize("text, needle", [
    ("AADSTS50059: No tenant-identifying information found", "Microsoft account"),
    ("AADSTS50020: User account from identity provider does not exist in tenant", "guest"),
    ("Connector registration failed: guest users cannot register connectors", "Guest accounts"),
    ("Connector registration failed: TokenExpired Lifetime validation failed, the token is expired", "expired"),
    ("Connector registration failed: InvalidAudience", "registration_scope"),
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
