# -*- coding: utf-8 -*-
# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""TokenActionBase: the walk and each hook, through a small subclass with the sign-in and the module faked."""
from __future__ import annotations

import json
import os
from unittest.mock import MagicMock

import pytest

from ansible.errors import AnsibleActionFail

from ansible_collections.entra.app_proxy.plugins.plugin_utils import _token_action
from ansible_collections.entra.app_proxy.plugins.plugin_utils._token_action import TokenActionBase

from action_testlib import task_action

TENANT = "contoso.onmicrosoft.com"
PASSWORD = "Pa55-word-never-shown"
ENV_SECRET = "client-secret-from-env-Zq9"


class FakeBroker:
    calls = []

    def __init__(self, settings, display=None):
        self.settings = settings

    def get_token(self, resource, force_refresh=False):
        FakeBroker.calls.append((resource, force_refresh))
        return "tok-%d.secret" % len(FakeBroker.calls)


@pytest.fixture(autouse=True)
def broker(monkeypatch):
    FakeBroker.calls = []
    monkeypatch.setattr(_token_action, "TokenBroker", FakeBroker)
    for name in list(os.environ):
        if name.startswith("ENTRA_"):
            monkeypatch.delenv(name)


class Probe(TokenActionBase):
    """A subclass whose hooks record what they were given."""

    RESOURCE = "registration"
    finished = None
    expired_once = False

    def _argument_spec(self):
        return {"argument_spec": {"colour": {"type": "str", "choices": ["red", "blue"], "required": True}}}

    def _check_task(self, params, settings, task_vars):
        self.seen_check = (params["colour"], settings.tenant_id, task_vars)
        if params["colour"] == "red":
            raise AnsibleActionFail("red is refused (password %s)" % PASSWORD)
        return self.finished

    def _module_name(self):
        return "ns.coll.probe"

    def _module_args(self, settings, token, params):
        return {"colour": params["colour"], "token": token}

    def _token_expired(self, result):
        return result.get("expired", False)

    def _process_result(self, result, params, settings):
        return dict(result, processed=params["colour"])


def make(args):
    return task_action(Probe, "ns.coll.probe", args)


def runs(*results):
    seen = []

    def execute(module_name=None, module_args=None, task_vars=None, **kwargs):
        seen.append((module_name, dict(module_args)))
        return dict(results[len(seen) - 1], echo="got %s" % module_args["token"],
                    invocation={"module_args": dict(module_args)})

    return execute, seen


ARGS = {"colour": "blue", "tenant_id": TENANT, "auth_method": "password", "username": "a@contoso.test",
        "password": PASSWORD}


def test_walk_signs_in_for_the_resource_runs_the_module_and_scrubs(monkeypatch):
    monkeypatch.setenv("ENTRA_CLIENT_SECRET", ENV_SECRET)
    action = make(dict(ARGS))
    action._execute_module, seen = runs({"changed": True, "said": "secret %s" % ENV_SECRET})

    result = action.run(task_vars={"x": 1})

    assert FakeBroker.calls == [("registration", False)]
    assert action.seen_check == ("blue", TENANT, {"x": 1})
    assert seen == [("ns.coll.probe", {"colour": "blue", "token": "tok-1.secret"})]
    assert result["processed"] == "blue" and result["changed"] is True
    assert result["echo"] == "got VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
    assert result["said"] == "secret VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
    assert result["invocation"] == {"module_args": dict(ARGS, password="VALUE_SPECIFIED_IN_NO_LOG_PARAMETER")}


def test_check_task_can_finish_without_a_token():
    action = make(dict(ARGS))
    action.finished = {"changed": False, "why": "nothing to do"}
    action._execute_module = MagicMock()

    result = action.run(task_vars={})

    assert FakeBroker.calls == []
    action._execute_module.assert_not_called()
    assert result["why"] == "nothing to do" and "processed" not in result and "invocation" not in result


def test_check_task_failure_is_scrubbed_and_stops_before_sign_in():
    action = make(dict(ARGS, colour="red"))
    action._execute_module = MagicMock()

    result = action.run(task_vars={})

    assert result == {"failed": True, "msg": "red is refused (password VALUE_SPECIFIED_IN_NO_LOG_PARAMETER)"}
    assert FakeBroker.calls == []


@pytest.mark.parametrize("args, needle", [
    (dict(ARGS, colour="green"), "colour"),               # the subclass's own spec
    (dict(ARGS, timeout="soon"), "timeout"),              # the auth spec is added to it
    ({k: v for k, v in ARGS.items() if k != "colour"}, "colour"),
    (dict(ARGS, _internal=1), "_internal is internal"),
])
def test_arguments_are_validated_before_sign_in(args, needle):
    action = make(args)
    action._execute_module = MagicMock()

    result = action.run(task_vars={})

    assert result["failed"] is True and needle in result["msg"]
    assert FakeBroker.calls == []
    assert PASSWORD not in json.dumps(result)


def test_settings_are_resolved_once_from_validated_params(monkeypatch):
    calls = []
    real = _token_action.resolve_settings
    monkeypatch.setattr(_token_action, "resolve_settings", lambda params: calls.append(dict(params)) or real(params))
    action = make({"colour": "blue", "tenant_id": TENANT})
    action._execute_module, seen = runs({"changed": False})

    action.run(task_vars={})

    assert len(calls) == 1
    # the argument spec's defaults are already applied: resolve_settings does not read the environment itself
    assert calls[0]["auth_method"] == "device_code" and calls[0]["timeout"] == 30


def test_expired_token_is_replaced_once():
    action = make(dict(ARGS))
    action._execute_module, seen = runs({"failed": True, "expired": True}, {"changed": True})

    result = action.run(task_vars={})

    assert FakeBroker.calls == [("registration", False), ("registration", True)]
    assert [a["token"] for n, a in seen] == ["tok-1.secret", "tok-2.secret"]
    assert result.get("failed") is not True and "tok-" not in json.dumps(result)


def test_expired_supplied_token_is_not_retried():
    action = make({"colour": "blue", "auth_method": "access_token", "access_token": "supplied.jwt.x"})
    action._execute_module, seen = runs({"failed": True, "expired": True})

    result = action.run(task_vars={})

    assert len(seen) == 1 and result["failed"] is True
    assert "supplied.jwt.x" not in json.dumps(result)
