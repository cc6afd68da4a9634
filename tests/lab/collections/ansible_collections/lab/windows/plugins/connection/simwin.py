# -*- coding: utf-8 -*-
# Test-only connection plugin: a simulated Windows host. Never shipped (tests/lab is build_ignore'd).
from __future__ import annotations

DOCUMENTATION = r"""
name: simwin
short_description: Simulated Windows host for the entra.app_proxy lab (test double)
description:
  - Uses the C(powershell) shell, so ansible-core builds the same Windows module payload it would
    send over WinRM. Instead of sending it, the plugin decodes the module name and arguments,
    validates the arguments against the real module's documentation and answers from a per-host
    JSON state file through a simulation of the module (see tests/lab/README.md).
  - Not a Windows host. What each simulation models is listed in tests/lab/FIDELITY.md.
author: entra.app_proxy maintainers
version_added: 0.1.0
options:
  remote_addr:
    description: Host name, used for the state file name, facts and messages.
    type: str
    default: inventory_hostname
    vars:
      - name: inventory_hostname
  state_file:
    description:
      - JSON file holding the simulated host's state.
      - Defaults to C(<LAB_STATE_DIR or tests/lab/state>/<inventory_hostname>.json).
    type: path
    vars:
      - name: ansible_simwin_state_file
  roundtrip_report:
    description:
      - JSON file counting module executions, exec actions, raw commands and file transfers per host.
      - Defaults to C(<LAB_STATE_DIR or tests/lab/state>/roundtrips.json).
    type: path
    vars:
      - name: ansible_simwin_roundtrip_report
    env:
      - name: LAB_ROUNDTRIP_REPORT
"""

import datetime
import fcntl
import json
import os
import re
import typing as t

from ansible.errors import AnsibleConnectionFailure, AnsibleError
from ansible.plugins.connection import ConnectionBase
from ansible.utils.display import Display

from ansible_collections.lab.windows.plugins.module_utils import payload, runner
from ansible_collections.lab.windows.plugins.module_utils.host_state import HostState

display = Display()

_FILETIME_EPOCH = datetime.datetime(1601, 1, 1, tzinfo=datetime.timezone.utc)


def record_roundtrip(report_path: str, host: str, kind: str, module: str | None = None, downloads: int = 0) -> None:
    """Count one exchange with the host in the report (locked: forks write concurrently)."""
    os.makedirs(os.path.dirname(report_path) or ".", exist_ok=True)
    with open(report_path + ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        data: dict[str, t.Any] = {}
        if os.path.exists(report_path) and os.path.getsize(report_path):
            with open(report_path, encoding="utf-8") as f:
                data = json.load(f)
        zero = {"modules": 0, "exec_actions": 0, "put_file": 0, "fetch_file": 0, "raw": 0, "downloads": 0}
        h = data.setdefault("hosts", {}).setdefault(host, dict(zero, by_module={}))
        tot = data.setdefault("totals", dict(zero))
        h[kind] = h.get(kind, 0) + 1
        tot[kind] = tot.get(kind, 0) + 1
        if module:
            h["by_module"][module] = h["by_module"].get(module, 0) + 1
        if downloads:
            h["downloads"] += downloads
            tot["downloads"] += downloads
        tmp = report_path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=1, sort_keys=True)
        os.replace(tmp, report_path)


def _quoted(script: str, pattern: str) -> str | None:
    m = re.search(pattern, script, re.S)
    if not m:
        return None
    return m.group(1).replace("''", "'")


class Connection(ConnectionBase):
    """Pretend Windows host: PowerShell shell, pipelined .ps1 modules, answered from a JSON state."""

    transport = "lab.windows.simwin"
    module_implementation_preferences = (".ps1", ".exe", "")
    allow_executable = False
    has_pipelining = True
    allow_extras = True

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        self.always_pipeline_modules = True
        self.has_native_async = False
        self._shell_type = "powershell"
        super().__init__(*args, **kwargs)

    # ------------------------------------------------------------------ helpers
    @property
    def _host(self) -> str:
        return self.get_option("remote_addr")

    def _state_path(self) -> str:
        return self.get_option("state_file") or os.path.join(runner.state_dir(), "%s.json" % self._host)

    def _report_path(self) -> str:
        return self.get_option("roundtrip_report") or os.path.join(runner.state_dir(), "roundtrips.json")

    def _count(self, kind: str, module: str | None = None, downloads: int = 0) -> None:
        record_roundtrip(self._report_path(), self._host, kind, module, downloads)

    # ------------------------------------------------------------------ ConnectionBase
    def _connect(self) -> "Connection":
        if not self._connected:
            if not os.path.exists(self._state_path()):
                raise AnsibleConnectionFailure("simwin: no state file %s for host %s (run tests/lab/labctl.py reset)"
                                               % (self._state_path(), self._host))
            self._connected = True
        return self

    def reset(self) -> None:
        self._connected = False

    def close(self) -> None:
        self._connected = False

    def exec_command(self, cmd: str, in_data: bytes | None = None, sudoable: bool = True) -> tuple[int, bytes, bytes]:
        super().exec_command(cmd, in_data=in_data, sudoable=sudoable)
        req = payload.decode(cmd, in_data)
        display.vvv("SIMWIN %s %s" % (req["kind"], req.get("module") or req.get("action") or ""), host=self._host)
        secrets: set[str] = set()
        try:
            if req["kind"] == "module":
                return self._module(req, secrets)
            if req["kind"] == "exec_action":
                self._count("exec_actions")
                return self._exec_action(req)
            if req["kind"] == "unsupported":
                return 1, b"", ("simwin: %s is not simulated (async tasks are not supported by the lab)" % req["action"]).encode()
            self._count("raw")
            return self._raw(req["script"])
        finally:
            self._dump(cmd, in_data, secrets)

    @staticmethod
    def _dump(cmd: str, in_data: bytes | None, secrets: set[str]) -> None:
        """LAB_SIMWIN_DUMP_DIR keeps what ansible-core really sent (debugging, decoder tests), no_log values masked."""
        dump = os.environ.get("LAB_SIMWIN_DUMP_DIR")
        if not dump:
            return
        data = in_data or b""
        for secret in sorted(secrets, key=len, reverse=True):
            for form in (secret, json.dumps(secret)[1:-1]):
                data = data.replace(form.encode("utf-8"), b"********")
        os.makedirs(dump, exist_ok=True)
        n = len([f for f in os.listdir(dump) if f.endswith(".stdin")])
        with open(os.path.join(dump, "%03d.cmd" % n), "w", encoding="utf-8") as f:
            f.write(cmd)
        with open(os.path.join(dump, "%03d.stdin" % n), "wb") as f:
            f.write(data)

    def _module(self, req: dict[str, t.Any], secrets: set[str]) -> tuple[int, bytes, bytes]:
        fqcn = runner.resolve_module_name(req["module"])
        result, host = runner.run_module(fqcn, req["args"], self._host, self._state_path(),
                                         ps_sources=req.get("ps_sources"), secrets=secrets, become=req.get("become", False))
        self._count("modules", fqcn, downloads=host.downloads if host else 0)
        return (1 if result.get("failed") else 0), json.dumps(result).encode(), b""

    def _exec_action(self, req: dict[str, t.Any]) -> tuple[int, bytes, bytes]:
        p = req.get("params", {})
        host = self._view()
        if req["action"] == "powershell_mkdtemp.ps1":
            path = host.expand(p["Directory"]).rstrip("\\") + "\\" + p["Name"]
            # ansible's own temp dirs are transport plumbing, not host state: put_file creates what it needs
            return 0, (path + "\r\n").encode(), b""
        if req["action"] == "powershell_expand_user.ps1":
            return 0, (host.expand(p["Path"]) + "\r\n").encode(), b""
        return 1, b"", ("simwin: exec action %s is not simulated" % req["action"]).encode()

    def _view(self) -> HostState:
        with runner.locked_state(self._state_path()) as holder:
            return HostState(self._host, holder["state"], runner.state_dir(), runner.lab_info())

    def _mutate(self, fn: t.Callable[[HostState], t.Any]) -> t.Any:
        with runner.locked_state(self._state_path()) as holder:
            host = HostState(self._host, holder["state"], runner.state_dir(), runner.lab_info())
            out = fn(host)
            holder["save"] = True
            return out

    def _raw(self, script: str) -> tuple[int, bytes, bytes]:
        """The few raw PowerShell scripts ansible-core and win_reboot send; anything else fails loudly."""
        host = self._view()
        # ansible-core <= 2.18 mkdtemp / expand_user / remove (>= 2.19 uses exec actions for the first two)
        name = _quoted(script, r"New-Item -Type Directory -Path \$tmp_path -Name '((?:[^']|'')*)'")
        if name is not None:
            base = _quoted(script, r"ExpandEnvironmentVariables\('((?:[^']|'')*)'\)") or "%TEMP%"
            path = host.expand(base).rstrip("\\") + "\\" + name
            # ansible's own temp dirs are transport plumbing, not host state: put_file creates what it needs
            return 0, (path + "\r\n").encode(), b""
        if "(Get-Location).Path" in script:
            suffix = _quoted(script, r"\(Get-Location\)\.Path \+ '((?:[^']|'')*)'") or ""
            return 0, (host.expand("~") + suffix + "\r\n").encode(), b""
        m = re.search(r"Remove-Item (?:-LiteralPath )?(?:'((?:[^']|'')*)'|(\S+)) -Force", script)
        if m and "shutdown.exe" not in script:
            path = m.group(1).replace("''", "'") if m.group(1) is not None else m.group(2)
            path = path[:-2] if path.endswith("\\.") else path
            self._mutate(lambda h: h.file_delete(path))
            return 0, b"", b""
        # ansible.windows.win_reboot
        if "LastBootUpTime.ToFileTime()" in script:
            bt = host.boot_time()
            ft = int((bt - _FILETIME_EPOCH).total_seconds() * 10_000_000)
            return 0, ("%d\r\n" % ft).encode(), b""
        if "shutdown.exe /r" in script:
            self._mutate(lambda h: h.reboot())
            return 0, json.dumps({"stdout": "", "stderr": "", "rc": 0}).encode(), b""
        if "shutdown.exe /a" in script:
            return 1116, b"", b"Unable to abort the system shutdown because no shutdown was in progress.(1116)"
        m = re.search(r"Get-Item -LiteralPath '((?:[^']|'')*)' -ErrorAction Stop; '((?:[^']|'')*)'", script)
        if m:  # win_reboot's post-reboot test: LogonUI recreates this key once the host is up
            path = m.group(1).replace("''", "'")
            found = host.reg_key_exists(path) if re.match(r"^HK[A-Z]+:", path, re.I) else host.file_exists(path)
            if found:
                return 0, ("%s\r\n%s\r\n" % (path, m.group(2))).encode(), b""
            return 1, b"", ("Get-Item : Cannot find path '%s' because it does not exist." % path).encode()
        stripped = script.replace("Set-StrictMode -Version Latest", "").strip()
        if re.match(r"^whoami(\.exe)?\b", stripped):
            return 0, ("%s\\administrator\r\n" % host.hostname.lower()).encode(), b""
        first = next((ln for ln in script.splitlines() if ln.strip()), "")
        return 1, b"", ("simwin: raw command is not simulated: %s" % first[:200]).encode()

    def put_file(self, in_path: str, out_path: str) -> None:
        super().put_file(in_path, out_path)
        with open(in_path, "rb") as f:
            data = f.read()
        self._mutate(lambda h: h.file_write(out_path, data))
        self._count("put_file")

    def fetch_file(self, in_path: str, out_path: str) -> None:
        super().fetch_file(in_path, out_path)
        data = self._view().file_read(in_path)
        if data is None:
            raise AnsibleError("simwin: %s does not exist on %s" % (in_path, self._host))
        with open(out_path, "wb") as f:
            f.write(data)
        self._count("fetch_file")


__all__ = ["Connection", "record_roundtrip"]
