"""lab.windows.simwin through the real ansible-core of the venv running pytest (2.16 or 2.21)."""
from __future__ import annotations

import glob
import json
import os

import ansible.release
import pytest

# labkit puts the lab collection on sys.path
import labkit  # noqa: F401 pylint: disable=unused-import

from ansible_collections.lab.windows.plugins.module_utils import payload  # noqa: E402

CORE = tuple(int(x) for x in ansible.release.__version__.split(".")[:2])


def _result(proc) -> dict:
    """JSON result of a one-line ad-hoc run."""
    line = next((ln for ln in proc.stdout.splitlines() if "=>" in ln), None)
    assert line, proc.stdout + proc.stderr
    return json.loads(line.split("=>", 1)[1])


def test_decode_real_payload(simlab, tmp_path):
    """Decode what this ansible-core really sends: 2.19+ manifest or <= 2.18 wrapper + manifest."""
    dump = str(tmp_path / "dump")
    proc = simlab.adhoc("win2022-clean", "ansible.windows.win_regedit",
                        r"path=HKLM:\SOFTWARE\Lab name=Answer data=42 type=dword", env={"LAB_SIMWIN_DUMP_DIR": dump})
    assert proc.rc == 0, proc.stdout + proc.stderr
    reqs = []
    for stdin in sorted(glob.glob(os.path.join(dump, "*.stdin"))):
        with open(stdin[:-6] + ".cmd", encoding="utf-8") as f:
            cmd = f.read()
        with open(stdin, "rb") as f:
            reqs.append(payload.decode(cmd, f.read()))
    modules = [r for r in reqs if r["kind"] == "module"]
    assert len(modules) == 1
    req = modules[0]
    assert req["format"] == ("2.19+" if CORE >= (2, 19) else "<=2.18")
    assert req["module"] in ("ansible.windows.win_regedit", "win_regedit")
    assert req["args"]["path"] == "HKLM:\\SOFTWARE\\Lab"
    assert str(req["args"]["data"]) == "42" and req["args"]["type"] == "dword"
    state = simlab.state("win2022-clean")
    assert state["registry"]["hklm:\\software\\lab"]["values"]["answer"] == {"name": "Answer", "type": "dword", "data": 42}


def test_wrong_option_rejected_like_ansible_basic(simlab):
    before = simlab.raw("win2022-clean")
    res = _result(simlab.adhoc("win2022-clean", "ansible.windows.win_regedit", r"path=HKLM:\SOFTWARE\Lab bogus=1"))
    assert res["msg"] == ("Unsupported parameters for (ansible.windows.win_regedit) module: bogus. Supported parameters "
                          "include: data, datatype, delete_key, entry, hive, key, name, path, state, type, value")
    res = _result(simlab.adhoc("win2022-clean", "ansible.windows.win_regedit", r"path=HKLM:\SOFTWARE\Lab state=bogus"))
    assert res["msg"] == "value of state must be one of: present, absent. Got no match for: bogus"
    res = _result(simlab.adhoc("win2022-clean", "ansible.windows.win_service", "state=started"))
    assert res["msg"] == "missing required arguments: name"
    res = _result(simlab.adhoc("win2022-clean", "ansible.windows.win_service", "name=BITS password=x"))
    assert res["msg"] == "missing parameter(s) required by 'password': username"
    res = _result(simlab.adhoc("win2022-clean", "ansible.windows.win_get_url",
                               "url=https://x/y dest=C:\\y checksum=a checksum_url=https://x/z"))
    assert res["msg"] == "parameters are mutually exclusive: checksum, checksum_url"
    assert simlab.raw("win2022-clean") == before


def test_legacy_module_ignores_unknown_option_with_warning(simlab):
    proc = simlab.adhoc("win2022-clean", "ansible.windows.win_file", r"path=C:\Lab state=directory bogus=1", oneline=False)
    assert proc.rc == 0 and "CHANGED" in proc.stdout, proc.stdout + proc.stderr
    assert "ignored unknown option(s) bogus" in proc.stdout + proc.stderr
    assert simlab.state("win2022-clean")["files"]["c:\\lab"]["type"] == "directory"


def test_unknown_module_fails_loudly(simlab):
    proc = simlab.adhoc("win2022-clean", "ansible.windows.win_timezone", "timezone=UTC")
    assert proc.rc != 0
    assert "simwin: module ansible.windows.win_timezone is not simulated" in _result(proc)["msg"]


def test_check_mode_touches_nothing(simlab):
    host = "win2019-kcd"
    before = simlab.raw(host)
    domains_before = simlab.domains()
    proc = simlab.playbook(os.path.join(os.path.dirname(__file__), "..", "playbooks", "simulated_modules.yml"),
                           "--check", "-e", "lab_target=%s" % host)
    r = proc.host(host)
    assert r["failed"] == 0 and r["changed"] >= 10, proc.stdout[-3000:]
    assert simlab.raw(host) == before
    assert simlab.domains() == domains_before


def test_reboot_is_modelled(simlab):
    host = "win2022-clean"
    s0 = simlab.state(host)
    res = _result(simlab.adhoc(host, "ansible.windows.win_regedit",
                               r"path=HKLM:\SOFTWARE\Lab name=x data=1 type=dword"))
    assert res["changed"]
    proc = simlab.adhoc(host, "ansible.windows.win_reboot", "reboot_timeout=60")
    res = _result(proc)
    assert res.get("rebooted") is True, proc.stdout
    s1 = simlab.state(host)
    assert s1["boot"]["boot_count"] == s0["boot"]["boot_count"] + 1
    assert s1["boot"]["last_boot_time"] > s0["boot"]["last_boot_time"]
    assert s1["boot"]["pending"] == []
    report = simlab.roundtrips()["hosts"][host]
    assert report["raw"] >= 2  # boot time queries and the shutdown command, counted apart from modules


def test_package_reboot_flag_and_failure_leaves_state(simlab, tmp_path):
    """win2019-kcd: TLS 1.2 client disabled -> the installer fails (rc 1603) and nothing changes;
    enabled -> it installs, rc 3010, reboot_required, pending reboot visible in facts."""
    host = "win2019-kcd"
    blob = tmp_path / "installer.exe"
    blob.write_text("FAKE-MS-CONNECTOR-INSTALLER version=1.5.4892.0\n")
    res = _result(simlab.adhoc(host, "ansible.windows.win_copy", "src=%s dest=C:\\Lab\\" % blob))
    assert res["changed"], res
    before = simlab.raw(host)
    pkg = 'path=C:\\Lab\\installer.exe product_id={A1E4D6D0-5E6B-4E8C-9A51-0C0FFEE00001} arguments="REGISTERCONNECTOR=\\"false\\" /q"'
    res = _result(simlab.adhoc(host, "ansible.windows.win_package", pkg))
    assert res["rc"] == 1603 and res["msg"].startswith("unexpected rc from"), res
    assert simlab.raw(host) == before
    tls = r"HKLM:\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.2\Client"
    _result(simlab.adhoc(host, "ansible.windows.win_regedit", "path='%s' name=Enabled data=1 type=dword" % tls))
    res = _result(simlab.adhoc(host, "ansible.windows.win_package", pkg))
    assert res["rc"] == 3010 and res["reboot_required"] is True and res["changed"] is True, res
    state = simlab.state(host)
    assert state["services"]["wapcsvc"]["username"] == "NT AUTHORITY\\NetworkService"
    assert state["boot"]["pending"]
    facts = _result(simlab.adhoc(host, "ansible.windows.setup"))["ansible_facts"]
    assert facts["ansible_reboot_pending"] is True
    res = _result(simlab.adhoc(host, "ansible.windows.win_package", pkg))
    assert res["changed"] is False


@pytest.mark.parametrize("host,marker", [("win2022-proxy", "only the proxy"), ("win2022-noport80", "Block outbound HTTP")])
def test_network_model(simlab, host, marker):
    from ansible_collections.lab.windows.plugins.module_utils.host_state import HostState
    h = HostState(host, simlab.state(host), simlab.state_dir)
    if host == "win2022-proxy":
        assert not h.reach("login.microsoftonline.com", 443)["ok"]
        assert marker in h.reach("login.microsoftonline.com", 443)["error"]
        assert h.reach("login.microsoftonline.com", 443, proxy="http://proxy.contoso.example:8080")["ok"]
    else:
        assert h.reach("login.microsoftonline.com", 443)["ok"]
        r = h.reach("crl3.digicert.com", 80)
        assert not r["ok"] and marker in r["error"]
