# -*- coding: utf-8 -*-
# Simulation of ansible.windows.win_service_info (ansible.windows 3.3.0).
from __future__ import annotations

import fnmatch


# The lab stores the service controller's view ("running"); the module reports its own word for it.
_STATE_WORDS = {"running": "started"}


def info(host, svc):
    others = host.services()
    state = svc.get("state", "stopped")
    return {
        "name": svc["name"], "display_name": svc.get("display_name", svc["name"]), "path": svc.get("path"),
        "state": _STATE_WORDS.get(state, state), "start_mode": svc.get("start_mode", "manual"),
        "username": svc.get("username", "LocalSystem"), "description": svc.get("description", ""),
        "dependencies": list(svc.get("dependencies", [])),
        "dependency_of": sorted(o["name"] for o in others
                                if svc["name"].lower() in [d.lower() for d in o.get("dependencies", [])]),
        "desktop_interact": False, "error_control": "normal", "service_type": "win32_own_process",
        "process_id": 4242 if state == "running" else 0, "win32_exitcode": 0, "service_exit_code": 0,
        "checkpoint": 0, "wait_hint_ms": 0, "controls_accepted": ["stop"] if state == "running" else [],
        "failure_actions": [], "required_privileges": [], "triggers": [], "service_flags": [],
        "sid_info": "none", "launch_protection": "none", "load_order_group": "", "preferred_node": None,
        "pre_shutdown_timeout_ms": 180000, "failure_reset_period_sec": 0, "failure_command": None,
        "failure_reboot_msg": None, "failure_action_on_non_crash_failure": False,
    }


def simulate(host, args, check_mode, diff):
    name = args["name"]
    svcs = host.services()
    if name:
        pat = name.lower()
        svcs = [s for s in svcs if fnmatch.fnmatch(s["name"].lower(), pat)
                or fnmatch.fnmatch(s.get("display_name", "").lower(), pat)]
    return {"changed": False, "exists": bool(svcs),
            "services": [info(host, s) for s in sorted(svcs, key=lambda s: s["name"].lower())]}
