"""The prerequisites role on every lab host, through the lab harness (tests/lab/labkit.py).

Each test gets a private lab (simlab) and reads the role's results from
ansible's json callback, and the hosts' state from their state files, independently of the role.
"""
from __future__ import annotations

import json
import re

import pytest

import labkit

HOSTS = labkit.lab_hosts()
UNFIT = labkit.unfit_hosts()
SCHANNEL = r"hklm:\system\currentcontrolset\control\securityproviders\schannel\protocols\tls 1.2"
NETFX = r"hklm:\software\microsoft\.netframework\v4.0.30319"
FATAL = re.compile(r"^fatal: \[(?P<host>[^\]]+)\]: FAILED! => (?P<result>\{.*\})$", re.M)
# The second play saves, on the controller, what the role recorded for every host (failed ones included).
PLAYBOOK = """\
- name: Check the connector servers
  hosts: connectors
  gather_facts: false
  roles:
    - role: entra.app_proxy.prerequisites

- name: Save the readiness reports
  hosts: localhost
  gather_facts: false
  vars:
    ansible_connection: local
    ansible_shell_type: sh
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
  tasks:
    - name: Save the reports
      check_mode: false
      ansible.builtin.copy:
        dest: "{{ report_file }}"
        mode: "0600"
        content: >-
          {{ {'hosts': groups['connectors'] | map('extract', hostvars) | selectattr('app_proxy_readiness', 'defined')
                 | map(attribute='app_proxy_readiness') | list,
              'fleet': hostvars[groups['connectors'][0]].app_proxy_fleet_readiness | default(none),
              'shared': dict(__shared | map(attribute='inventory_hostname') | zip(__shared | map(attribute='app_proxy_server_info')))}
              | to_json }}
      vars:
        __shared: "{{ groups['connectors'] | map('extract', hostvars) | selectattr('app_proxy_server_info', 'defined') | list }}"
"""


class LabRun:
    def __init__(self, run: labkit.Run, saved: dict) -> None:
        self.rc, self.stdout = run.rc, run.output
        self.readiness = {r["host"]: r for r in saved.get("hosts", [])}
        self.fleet = saved.get("fleet")
        self.shared = saved.get("shared", {})
        self.failures = {m["host"]: json.loads(m["result"]) for m in FATAL.finditer(run.stdout)}
        self.changed = {h: c["changed"] for h, c in run.recap.items() if h != "localhost"}

    def check(self, host: str, name: str) -> dict:
        return next(c for c in self.readiness[host]["checks"] if c["name"] == name)


class PrerequisitesLab:
    """A private lab that runs PLAYBOOK and reads back what the role recorded."""

    def __init__(self, lab: labkit.Lab) -> None:
        self.lab = lab
        self.playbook = lab.path("prerequisites.yml")
        self.playbook.write_text(PLAYBOOK)
        self.report_file = lab.path("readiness.json")

    def run(self, *extra: str) -> LabRun:
        self.report_file.unlink(missing_ok=True)
        run = self.lab.playbook(self.playbook, "-e", "report_file=%s" % self.report_file, *extra,
                                env={"ANSIBLE_CALLBACK_RESULT_FORMAT": "json"})
        saved = json.loads(self.report_file.read_text()) if self.report_file.exists() else {}
        return LabRun(run, saved)

    def state(self, host: str) -> dict:
        return self.lab.state(host)

    def raw(self, host: str) -> bytes:
        return self.lab.raw(host)

    def report(self) -> dict:
        return self.lab.roundtrips()


@pytest.fixture()
def lab(simlab):
    return PrerequisitesLab(simlab)


def _reg(state: dict, path: str, name: str):
    value = state["registry"].get(path.lower(), {}).get("values", {}).get(name.lower())
    return None if value is None else value["data"]


def test_check_mode_predicts_and_changes_nothing(lab):
    before = {h: lab.raw(h) for h in HOSTS}
    run = lab.run("--check", "-e", "prerequisites_fail_mode=report")
    assert run.rc == 0, run.stdout[-3000:]
    assert {h: lab.raw(h) for h in HOSTS} == before
    kcd = run.readiness["win2019-kcd"]
    assert run.check("win2019-kcd", "tls12")["remediated"] is True
    assert run.check("win2019-kcd", "http2")["remediated"] is True
    assert kcd["reboot_required"] is True
    assert sorted(run.readiness) == HOSTS
    assert run.changed["win2019-kcd"] > 0
    # the server_info read is shared with the later roles as app_proxy_server_info, for every host
    for host in HOSTS:
        shared, state = run.shared[host], lab.state(host)
        assert shared["os"]["computer_name"] == host.upper()[:15], host
        assert shared["dotnet"]["release"] == _reg(state, r"HKLM:\SOFTWARE\Microsoft\NET Framework Setup\NDP\v4\Full", "Release")
        assert shared["firewall"]["rules"] == [] and set(shared["firewall"]["default_outbound_action"]) == {"domain", "private", "public"}
        assert shared["connector"]["installed"] == (host == "win2022-oldconnector")


def test_run_fails_unfit_hosts_fixes_the_rest_and_rerun_changes_nothing(lab):
    seeds = {h: lab.raw(h) for h in HOSTS}
    run = lab.run()
    assert run.rc != 0
    failed = {h: r["msg"] for h, r in run.failures.items()}
    assert set(failed) == UNFIT

    assert "Windows Server 2012 R2 Standard (build 9600) is older than Windows Server 2016" in failed["win2012r2"]
    assert "Older pages of the same documentation still say Windows Server 2012 R2" in failed["win2012r2"]
    assert "Fix: Use Windows Server 2016 or later" in failed["win2012r2"]
    assert ".NET Framework 4.6.2 (Release 394802) is older than 4.7.2 (Release 461808)" in failed["win2016-net462"]
    assert "Fix: Install .NET Framework 4.8" in failed["win2016-net462"]
    assert "endpoints_crl: 8 of 8 certificate revocation (CRL/OCSP) endpoints unreachable" in failed["win2022-noport80"]
    assert "crl.microsoft.com" in failed["win2022-noport80"]
    assert "Fix: Allow outbound TCP 80" in failed["win2022-noport80"]
    assert run.check("win2022-noport80", "endpoints_https")["ok"] is True
    for host in UNFIT:  # they failed before any change
        assert lab.raw(host) == seeds[host], host

    # The fleet summary covers every host, failed ones included.
    summary = run.fleet
    assert summary["hosts"] == 7
    assert sorted(summary["ready"]) == sorted(set(HOSTS) - UNFIT)
    assert sorted(summary["not_ready"]) == sorted(UNFIT)
    assert summary["not_ready"]["win2016-net462"] == ["dotnet"]
    assert summary["not_ready"]["win2022-noport80"] == ["endpoints_crl"]
    assert "os" in summary["not_ready"]["win2012r2"]
    assert summary["reboot_required"] == ["win2019-kcd"]

    # Server 2019 with KCD: TLS 1.2 values and HTTP/2 off, read back from the host's state.
    kcd = lab.state("win2019-kcd")
    assert _reg(kcd, SCHANNEL + r"\client", "Enabled") == 1
    assert _reg(kcd, SCHANNEL + r"\client", "DisabledByDefault") == 0
    assert _reg(kcd, SCHANNEL + r"\server", "Enabled") == 1
    assert _reg(kcd, SCHANNEL + r"\server", "DisabledByDefault") == 0
    assert _reg(kcd, NETFX, "SchUseStrongCrypto") == 1
    assert _reg(kcd, NETFX, "SystemDefaultTlsVersions") == 1
    assert _reg(kcd, r"HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp", "EnableDefaultHTTP2") == 0
    assert run.readiness["win2019-kcd"]["reboot_required"] is True
    assert kcd["boot"].get("boot_count", 0) == 0  # not allowed to restart
    # Absent values already meant TLS 1.2 on a clean 2022: set, but no restart asked for.
    clean = lab.state("win2022-clean")
    assert _reg(clean, NETFX, "SystemDefaultTlsVersions") == 1
    assert run.readiness["win2022-clean"]["reboot_required"] is False
    assert _reg(clean, r"HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp", "EnableDefaultHTTP2") is None
    # The proxy-only host reached everything through app_proxy_outbound_proxy.
    assert "through the proxy http://proxy.contoso.example:8080" in run.check("win2022-proxy", "endpoints_https")["detail"]
    assert "1.5.3437.0 (old layout)" in run.check("win2022-oldconnector", "existing_install")["detail"]

    rerun = lab.run()
    assert set(rerun.failures) == UNFIT
    assert rerun.changed == {h: 0 for h in HOSTS}
    modules = {h: v["modules"] for h, v in lab.report()["hosts"].items()}
    assert modules == {h: 2 for h in HOSTS}  # server_info + connectivity_test
    reboot = rerun.check("win2019-kcd", "reboot")
    assert not reboot["ok"] and "entra.app_proxy" in reboot["detail"]
    assert rerun.readiness["win2019-kcd"]["reboot_required"] is True


def test_restart_only_when_allowed_and_needed(lab):
    first = lab.run("--limit", "win2019-kcd,win2022-clean,localhost")
    assert first.rc == 0, first.stdout[-3000:]
    assert lab.state("win2019-kcd")["boot"].get("boot_count", 0) == 0

    allowed = lab.run("--limit", "win2019-kcd,win2022-clean,localhost", "-e", "prerequisites_reboot_allowed=true")
    assert allowed.rc == 0, allowed.stdout[-3000:]
    assert lab.state("win2019-kcd")["boot"]["boot_count"] == 1
    assert lab.state("win2022-clean")["boot"].get("boot_count", 0) == 0  # nothing waited for a restart
    assert allowed.check("win2019-kcd", "reboot")["remediated"] is True

    after = lab.run("--limit", "win2019-kcd,localhost")
    assert after.rc == 0
    assert after.readiness["win2019-kcd"]["reboot_required"] is False
    assert after.check("win2019-kcd", "reboot")["ok"] is True
    assert after.changed == {"win2019-kcd": 0}
