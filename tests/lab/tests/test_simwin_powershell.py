"""The win_powershell simulation (RegisterConnector.ps1 in token mode) is as strict as Windows, and stricter where
our design says so: it refuses the in-runspace run, a token outside sensitive_parameters and a process without
TLS 1.2. The script under test is the collection's own (plugins/plugin_utils/_registration.py)."""
from __future__ import annotations

import base64
import copy
import json
import os
import sys

import pytest

import labkit  # noqa: E402

sys.path.insert(0, os.path.join(str(labkit.REPO), ".cache", "src"))  # the collection's source tree (tools/setup.sh links it)

from ansible_collections.entra.app_proxy.plugins.plugin_utils._registration import (  # noqa: E402
    PROXY_LINE, PROXY_PARAM, REGISTER_SCRIPT)
from ansible_collections.lab.windows.plugins.module_utils import installers, seed  # noqa: E402
from ansible_collections.lab.windows.plugins.module_utils.host_state import HostState, SimulatedFailure  # noqa: E402
from ansible_collections.lab.windows.plugins.module_utils.simulated import (  # noqa: E402
    ansible_windows_win_powershell as win_powershell)

NEW = installers.LAYOUTS["new"]
TOKEN = "eyJhbGciOiJub25lIn0.%s.sig" % base64.urlsafe_b64encode(json.dumps({"tid": "x"}).encode()).decode().rstrip("=")


def _host(tmp_path):
    state = seed.build_state("win2022-clean", seed.load_seed(os.path.join(str(labkit.LAB), "states"), "win2022-clean"), str(tmp_path))
    host = HostState("win2022-clean", state, str(tmp_path))
    installers.install_layout(host, "new", "1.5.4522.0")
    return host


def _args(**over):
    args = {
        "executable": "powershell.exe",
        "arguments": ["-NoProfile", "-ExecutionPolicy", "Bypass"],
        "script": REGISTER_SCRIPT % {"proxy_param": "", "proxy_line": ""},
        "parameters": {"ScriptPath": NEW["program"] + "\\RegisterConnector.ps1", "ModulePath": NEW["program"] + "\\Modules\\",
                       "ModuleName": NEW["module"], "TenantId": "11111111-2222-3333-4444-555555555555"},
        "sensitive_parameters": [{"name": "Token", "value": TOKEN}],
        "error_action": "continue",
    }
    args.update(over)
    return args


def test_our_script_with_a_proxy_is_still_the_registration_call():
    script = REGISTER_SCRIPT % {"proxy_param": PROXY_PARAM, "proxy_line": PROXY_LINE}
    assert win_powershell._REGISTER_CALL.search(script) and win_powershell._TLS12.search(script)
    assert win_powershell._DEFAULT_PROXY.search(script)


@pytest.mark.parametrize("over, needle", [
    ({"script": "Get-Process"}, "simulated only for RegisterConnector.ps1"),
    ({"executable": None}, "its own Windows PowerShell 5.1 process"),
    ({"parameters": None}, "mandatory parameter"),
    ({"sensitive_parameters": []}, "wants a SecureString"),
    ({"script": REGISTER_SCRIPT.replace("[SecureString]$Token", "[string]$Token") % {"proxy_param": "", "proxy_line": ""}},
     "wants a SecureString"),
])
def test_refusals(tmp_path, over, needle):
    host = _host(tmp_path)
    before = copy.deepcopy(host.state)
    with pytest.raises(SimulatedFailure, match=needle.replace(".", r"\.")):
        win_powershell.simulate(host, _args(**over), False, False)
    assert host.state == before


@pytest.mark.parametrize("where", ["parameters", "script", "arguments"])
def test_a_token_anywhere_but_sensitive_parameters_is_refused(tmp_path, where):
    host = _host(tmp_path)
    args = _args()
    if where == "parameters":
        args["parameters"] = dict(args["parameters"], Extra=TOKEN)
    elif where == "script":
        args["script"] += "\n# %s\n" % TOKEN
    else:
        args["arguments"] = args["arguments"] + ["-Token", TOKEN]
    with pytest.raises(SimulatedFailure) as err:
        win_powershell.simulate(host, args, False, False)
    assert "pass it only in sensitive_parameters" in err.value.msg and TOKEN not in err.value.msg


def test_without_tls12_the_script_fails_as_windows_powershell_51_does(tmp_path):
    host = _host(tmp_path)
    script = _args()["script"].replace("-bor [Net.SecurityProtocolType]::Tls12", "")
    result = win_powershell.simulate(host, _args(script=script), False, False)
    assert result["result"] == {"exit_code": 0, "succeeded": False}
    assert "unexpected error occurred on a send" in result["error"][0]["output"]
    assert not host.file_exists(NEW["data"] + "\\Config\\TrustSettings.xml")


def test_missing_script_and_module_are_error_records(tmp_path):
    host = _host(tmp_path)
    args = _args()
    args["parameters"] = dict(args["parameters"], ScriptPath="C:\\nowhere\\RegisterConnector.ps1")
    result = win_powershell.simulate(host, args, False, False)
    assert result["error"][0]["fully_qualified_error_id"] == "CommandNotFoundException"
    args["parameters"] = dict(_args()["parameters"], ModuleName="NoSuchModule")
    result = win_powershell.simulate(host, args, False, False)
    assert "NoSuchModule" in result["error"][0]["output"] and result["result"]["succeeded"] is False


def test_check_mode_runs_nothing(tmp_path):
    host = _host(tmp_path)
    before = copy.deepcopy(host.state)
    result = win_powershell.simulate(host, _args(), True, False)
    assert result["changed"] is True and host.state == before
