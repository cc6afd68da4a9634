# -*- coding: utf-8 -*-
# Test-only: the framework around each simulation (load state, check args, simulate, save, count).
from __future__ import annotations

import contextlib
import copy
import fcntl
import importlib
import json
import os
import pkgutil
import typing as t

from ansible_collections.lab.windows.plugins.module_utils import argcheck
from ansible_collections.lab.windows.plugins.module_utils.host_state import HostState, SimulatedFailure

SIM_PACKAGE = "ansible_collections.lab.windows.plugins.module_utils.simulated"
SIM_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "simulated")
# tests/lab/state, from tests/lab/collections/ansible_collections/lab/windows/plugins/module_utils
DEFAULT_STATE_DIR = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), *([".."] * 7), "state"))


def state_dir() -> str:
    return os.environ.get("LAB_STATE_DIR") or DEFAULT_STATE_DIR


def sim_file_name(fqcn: str) -> str:
    return fqcn.replace(".", "_")


def available() -> dict[str, str]:
    """Simulation module name -> file, e.g. ansible_windows_win_regedit."""
    return {m.name: m.name for m in pkgutil.iter_modules([SIM_DIR]) if not m.name.startswith("_")}


def load_simulation(fqcn: str) -> t.Any:
    name = sim_file_name(fqcn)
    if name not in available():
        return None
    return importlib.import_module("%s.%s" % (SIM_PACKAGE, name))


def resolve_module_name(name: str) -> str:
    """Payloads of ansible-core <= 2.18 may carry a short name (win_ping, ansible.legacy.setup).

    ansible-core rewrites builtin/legacy Windows module names to ansible.windows, and the
    ansible.builtin routing redirects win_* there too, so prefer ansible.windows.<leaf>.
    """
    bits = name.split(".")
    if len(bits) >= 3 and not name.startswith(("ansible.builtin.", "ansible.legacy.")):
        return name
    leaf = bits[-1]
    sims = available()
    if "ansible_windows_" + leaf in sims:
        return "ansible.windows." + leaf
    matches = [m for m in sims if m.endswith("_" + leaf)]
    if len(matches) == 1:
        mod = importlib.import_module("%s.%s" % (SIM_PACKAGE, matches[0]))
        return getattr(mod, "FQCN", None) or name
    return name


@contextlib.contextmanager
def locked_state(path: str) -> t.Iterator[dict[str, t.Any]]:
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path + ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        state: dict[str, t.Any] = {}
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                state = json.load(f)
        holder = {"state": state, "save": False}
        yield holder
        if holder["save"]:
            tmp = path + ".tmp"
            with open(tmp, "w", encoding="utf-8") as f:
                json.dump(holder["state"], f, indent=1, sort_keys=True)
            os.replace(tmp, path)


def lab_info() -> dict[str, t.Any]:
    p = os.path.join(state_dir(), "tenant.json")
    if os.path.exists(p):
        with open(p, encoding="utf-8") as f:
            return json.load(f)
    return {}


def run_module(fqcn: str, raw_args: dict[str, t.Any], host_name: str, state_path: str,
               ps_sources: list[str] | None = None, secrets: set[str] | None = None,
               become: bool = False) -> tuple[dict[str, t.Any], HostState | None]:
    """Run one simulated module execution; returns (result, host) - host None when it never ran.

    ps_sources: the module's PowerShell and module_utils from the payload (no_log options come from
    their $spec; None reads the installed files). secrets: filled with the no_log values seen, so the
    caller can keep them out of anything else it writes. become: the task runs with become (runas), so
    network shares are reached as the computer account; without it a WinRM logon has no credentials to
    pass on (no delegation), and UNC paths are unreachable.
    """
    module_name = raw_args.get("_ansible_module_name") or fqcn.rsplit(".", 1)[-1]
    check_mode = bool(raw_args.get("_ansible_check_mode", False))
    diff = bool(raw_args.get("_ansible_diff", False))
    sim = load_simulation(fqcn)
    if sim is None:
        return {"failed": True, "msg": "simwin: module %s is not simulated (add tests/lab/collections/ansible_collections/"
                "lab/windows/plugins/module_utils/simulated/%s.py, see tests/lab/README.md)" % (fqcn, sim_file_name(fqcn)),
                "simwin_unsimulated": fqcn}, None
    try:
        args, validator = argcheck.validate(fqcn, module_name, raw_args, sim, ps_sources)
    except argcheck.ArgumentError as e:
        return {"failed": True, "msg": str(e)}, None
    if secrets is not None:
        secrets.update(validator.no_log_values)

    if check_mode and not getattr(sim, "SUPPORTS_CHECK_MODE", True):
        return {"changed": False, "skipped": True,
                "msg": "remote module (%s) does not support check mode" % module_name}, None

    with locked_state(state_path) as holder:
        before = copy.deepcopy(holder["state"])
        host = HostState(host_name, holder["state"], state_dir(), lab_info())
        host._check_mode = check_mode
        host.become = become
        try:
            result = sim.simulate(host, args, check_mode, diff)
        except SimulatedFailure as e:
            result = dict(e.result, failed=True, msg=e.msg)
            # a failed module leaves the host as it was: nothing is saved
        else:
            if check_mode and host.state != HostState(host_name, copy.deepcopy(before), state_dir()).state:
                result = {"failed": True, "msg": "simwin: %s changed state in check mode (simulation bug)" % fqcn}
            elif not check_mode:
                holder["save"] = True
    result = dict(result)
    result.setdefault("changed", False)
    if validator.ignored:
        host.warnings.append("simwin: %s ignored unknown option(s) %s (the real module uses Ansible.ModuleUtils.Legacy, "
                             "which does not reject them)" % (fqcn, ", ".join(validator.ignored)))
    if host.warnings:
        result.setdefault("warnings", []).extend(host.warnings)
    if result.get("failed") and "msg" in result:
        result["msg"] = validator.mask(result["msg"])  # FailJson runs msg through RemoveNoLogValues
    leaked = argcheck.find_no_log_values(result, validator.no_log_values)
    if leaked:
        # Ansible.Basic masks only invocation and a failure's msg: a real module returning a secret
        # elsewhere would disclose it. The lab never shows it, but says where it would have leaked.
        result = argcheck.remove_no_log_values(result, validator.no_log_values)
        result.setdefault("warnings", []).append(
            "simwin: %s returned a no_log value in %s; Ansible.Basic does not mask it there, so the real "
            "module would disclose it" % (fqcn, ", ".join(leaked)))
    result["invocation"] = {"module_args": validator.mask(args)}
    if result.get("failed"):
        result["changed"] = result.get("changed", False)
    return result, host
