# Copyright (c) 2026 entra.app_proxy maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.entra.app_proxy.plugins.action.server_info import ActionModule, normalize_since
from ansible_collections.entra.app_proxy.plugins.plugin_utils import _host_facts

from action_testlib import recording_action
from recorded_hosts import recorded as read_recording


READS = _host_facts.registry_reads()


def make_action(args, module_result):
    return recording_action(ActionModule, "entra.app_proxy.server_info", args, module_result)


def test_decodes_the_module_raw_facts_and_keeps_them():
    recorded = read_recording("registered-machine-store")
    action, calls = make_action({"events_since": "2026-11-27T09:00:00+01:00"}, dict(recorded, changed=False))
    result = action.run(task_vars={})
    assert calls == [("entra.app_proxy.server_info", dict(READS, events_since="2026-11-27T08:00:00Z"))]
    assert result["changed"] is False and result["raw"] == recorded["raw"]
    assert result["connector"]["layout"] == "new" and result["registration"]["state"] in ("registered", "expired")
    assert result["os"]["last_boot_time"] == "2026-11-27T06:00:00Z"
    # the window the result holds, so a role reusing a shared read can tell whether it covers its own
    assert result["events_since"] == "2026-11-27T08:00:00Z"


def test_without_events_since_the_window_is_empty():
    recorded = read_recording("registered-machine-store")
    action, _calls = make_action({}, dict(recorded, changed=False))
    assert action.run(task_vars={})["events_since"] == ""


def test_bad_events_since_fails_before_the_host_is_asked():
    action, calls = make_action({"events_since": "yesterday"}, {})
    result = action.run(task_vars={})
    assert result["failed"] and "events_since" in result["msg"] and "2026-01-31T08:00:00Z" in result["msg"]
    assert calls == []


def test_module_failure_is_passed_through():
    action, _calls = make_action({}, {"failed": True, "msg": "Access is denied"})
    result = action.run(task_vars={})
    assert result["failed"] and result["msg"] == "Access is denied" and "connector" not in result


@pytest.mark.parametrize("given, wanted", [
    ("2026-01-31T08:00:00Z", "2026-01-31T08:00:00Z"),
    ("2026-01-31T08:00:00", "2026-01-31T08:00:00Z"),  # no zone: UTC, as documented
    ("2026-01-31T10:00:00+02:00", "2026-01-31T08:00:00Z"),
    ("", None),
    (None, None),
])
def test_normalize_since(given, wanted):
    assert normalize_since(given) == wanted


def test_missing_cryptography_fails_with_the_fix(monkeypatch):
    from ansible_collections.entra.app_proxy.plugins.plugin_utils import _x509
    monkeypatch.setattr(_x509, "x509", None)
    recorded = read_recording("registered-machine-store")
    action, _calls = make_action({}, dict(recorded, changed=False))
    result = action.run(task_vars={})
    assert result["failed"] and "pip install cryptography" in result["msg"]


def test_ad_account_is_asked_only_when_wanted_and_decoded():
    recorded = read_recording("kcd-ad-account-system")
    action, calls = make_action({"ad_account": "yes"}, dict(recorded, changed=False))
    result = action.run(task_vars={})
    assert calls == [("entra.app_proxy.server_info", dict(READS, ad_account=True))]
    assert result["ad_account"]["found"] is True and "S-1-5-32-560" in result["ad_account"]["token_groups"]
    action, calls = make_action({"ad_account": False}, dict(recorded, changed=False))
    action.run(task_vars={})
    assert calls == [("entra.app_proxy.server_info", READS)]


def test_bad_ad_account_fails_before_the_host_is_asked():
    action, calls = make_action({"ad_account": "maybe"}, {})
    result = action.run(task_vars={})
    assert result["failed"] and result["msg"].startswith("ad_account must be true or false")
    assert calls == []


def test_return_raw_false_leaves_the_raw_facts_out_and_never_reaches_the_host():
    recorded = read_recording("registered-machine-store")
    action, calls = make_action({"return_raw": False}, dict(recorded, changed=False))
    small = action.run(task_vars={})
    assert calls == [("entra.app_proxy.server_info", READS)]
    assert "raw" not in small and small["registration"]["state"] == "registered"
    action, _calls = make_action({}, dict(recorded, changed=False))
    full = action.run(task_vars={})
    assert full["raw"] == recorded["raw"]
    assert {k: v for k, v in full.items() if k != "raw"} == small
    action, calls = make_action({"return_raw": "sometimes"}, {})
    assert action.run(task_vars={})["msg"].startswith("return_raw must be true or false") and calls == []


def test_the_module_is_given_exactly_the_read_table():
    recorded = read_recording("registered-machine-store")
    action, calls = make_action({}, dict(recorded, changed=False))
    action.run(task_vars={})
    ((_name, args),) = calls
    assert args == {"registry_values": {slot: [path, name] for slot, (path, name) in _host_facts.REGISTRY_VALUES.items()},
                    "registry_keys": _host_facts.REGISTRY_KEYS}
    # every read is a PowerShell provider path the module's Get-RawRegistryValue and Test-Path take as is
    places = [path for path, _name in args["registry_values"].values()] + list(args["registry_keys"].values())
    assert all(path.startswith(("HKLM:\\", "HKCU:\\")) and "/" not in path for path in places)
    # small: the tables travel in every server_info payload
    import json
    assert len(json.dumps(args)) < 4096  # 2.9 KB today


@pytest.mark.parametrize("arg", ["registry_values", "registry_keys"])
def test_a_task_cannot_set_the_read_table(arg):
    from ansible.errors import AnsibleActionFail
    action, calls = make_action({arg: {"x": "HKLM:\\SOFTWARE"}}, {})
    with pytest.raises(AnsibleActionFail, match="Invalid options.*" + arg):
        action.run(task_vars={})
    assert calls == []
