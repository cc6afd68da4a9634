# Copyright (c) 2026 entra.app_proxy maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

from ansible_collections.entra.app_proxy.plugins.action.connectivity_test import ActionModule

from action_testlib import recording_action

PROXY = "http://proxy.contoso.example:8080"
INSPECTED = {"host": "login.microsoftonline.com", "port": 443, "tls": True, "dns_addresses": ["20.190.160.1"],
             "dns_error": None, "dns_timed_out": False, "tcp_connected": True, "tcp_error": None, "tcp_timed_out": False,
             "proxy_status_line": "HTTP/1.1 200 Connection established", "tls_issuer": "CN=Contoso Inspection CA",
             "tls_subject": "CN=login.microsoftonline.com", "tls_policy_errors": "None", "tls_chain_status": [],
             "tls_error": None, "elapsed_ms": 7}


def make_action(args, module_result):
    return recording_action(ActionModule, "entra.app_proxy.connectivity_test", args, module_result)


def test_the_module_measures_and_the_action_decides():
    endpoints = [{"host": "login.microsoftonline.com", "port": 443, "tls": True}]
    module = {"changed": False, "raw": {"endpoints": [INSPECTED]}, "warnings": ["from the host"]}
    action, calls = make_action({"endpoints": endpoints, "proxy": PROXY, "timeout": "7"}, module)
    result = action.run(task_vars={})
    # trusted_issuers stays on the controller; the timeout is passed as the int the action checked
    assert calls == [("entra.app_proxy.connectivity_test", {"endpoints": endpoints, "proxy": PROXY, "timeout": 7})]
    assert result["changed"] is False and result["raw"] == module["raw"]
    assert result["all_ok"] is True and result["proxy_used"] == PROXY
    (ep,) = result["endpoints"]
    assert ep["ok"] and ep["via_proxy"] and ep["tls_inspection_suspected"] is True and ep["elapsed_ms"] == 7
    assert result["warnings"][0] == "from the host"
    assert result["warnings"][1].startswith("TLS inspection suspected on login.microsoftonline.com:443")


def test_trusted_issuers_of_the_task_are_used():
    action, _calls = make_action({"endpoints": [], "trusted_issuers": ["Contoso"]},
                                 {"changed": False, "raw": {"endpoints": [dict(INSPECTED, proxy_status_line=None)]}})
    result = action.run(task_vars={})
    assert result["endpoints"][0]["tls_inspection_suspected"] is False and "warnings" not in result
    assert result["proxy_used"] is None


def test_a_bad_proxy_fails_before_the_host_is_asked_without_repeating_it():
    action, calls = make_action({"endpoints": [], "proxy": "http://bob:Secret1@proxy.contoso.example:8080"}, {})
    result = action.run(task_vars={})
    assert result["failed"] and result["msg"].startswith("proxy is not valid") and "Secret1" not in str(result)
    assert calls == []


def test_a_bad_timeout_fails_before_the_host_is_asked():
    action, calls = make_action({"endpoints": [], "timeout": "soon"}, {})
    result = action.run(task_vars={})
    assert result["failed"] and "timeout" in result["msg"] and calls == []


def test_a_module_failure_is_passed_on():
    action, _calls = make_action({}, {"failed": True, "msg": "missing required arguments: endpoints"})
    result = action.run(task_vars={})
    assert result["failed"] and result["msg"] == "missing required arguments: endpoints" and "all_ok" not in result
