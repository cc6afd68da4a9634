# -*- coding: utf-8 -*-
# Simulation of ansible.windows.win_service (ansible.windows 3.3.0): create, start/stop/restart,
# start mode, account, display name, description, path, dependencies, absent.
from __future__ import annotations

import copy

REQUIRED_BY = {"password": ["username"]}

_ACCOUNTS = {"localsystem": "LocalSystem", "nt authority\\system": "LocalSystem", ".\\localsystem": "LocalSystem",
             "nt authority\\networkservice": "NT AUTHORITY\\NetworkService",
             "nt authority\\network service": "NT AUTHORITY\\NetworkService",
             "nt authority\\localservice": "NT AUTHORITY\\LocalService",
             "nt authority\\local service": "NT AUTHORITY\\LocalService"}


def _ret(svc):
    if svc is None:
        return {"exists": False}
    return {"exists": True, "name": svc["name"], "display_name": svc.get("display_name"), "path": svc.get("path"),
            "state": svc["state"], "start_mode": svc["start_mode"], "username": svc.get("username"),
            "description": svc.get("description", ""), "desktop_interact": False,
            "dependencies": list(svc.get("dependencies", [])), "depended_by": [], "can_pause_and_continue": False}


def simulate(host, args, check_mode, diff):
    name = args["name"]
    cur = host.service_get(name)
    state = args["state"]
    if state == "absent":
        if cur is None:
            return {"changed": False, "exists": False}
        if not check_mode:
            host.service_delete(cur["name"])
        return {"changed": True, "exists": False}
    new = copy.deepcopy(cur) if cur else None
    if new is None:
        if not args["path"]:
            raise host.fail("Service '%s' is not installed, need to set 'path' to create a new service" % name)
        new = {"name": name, "display_name": name, "path": args["path"], "state": "stopped", "start_mode": "auto",
               "username": "LocalSystem", "description": "", "dependencies": []}
    for key in ("display_name", "description", "path"):
        if args[key] is not None:
            new[key] = args[key]
    if args["username"] is not None:
        new["username"] = _ACCOUNTS.get(args["username"].lower(), args["username"])
    if args["dependencies"] is not None:
        deps = [str(d) for d in args["dependencies"]]
        have = list(new.get("dependencies", []))
        if args["dependency_action"] == "set":
            have = deps
        elif args["dependency_action"] == "add":
            have += [d for d in deps if d.lower() not in [h.lower() for h in have]]
        else:
            have = [h for h in have if h.lower() not in [d.lower() for d in deps]]
        new["dependencies"] = have
    if args["start_mode"]:
        new["start_mode"] = args["start_mode"]
    if state in ("started", "restarted"):
        if new["start_mode"] == "disabled":
            raise host.fail("Failed to start service %s: the service is disabled" % name)
        new["state"] = "running"
    elif state == "stopped":
        new["state"] = "stopped"
    elif state == "paused":
        raise host.fail("Service '%s' cannot be paused" % name)
    changed = new != cur or state == "restarted"
    if changed and not check_mode:
        host.service_put(new)
        if state == "restarted":
            host.record("service_restart", name=new["name"])
    result = dict(_ret(cur if check_mode else new), changed=changed)
    if check_mode and cur is None:
        result = dict(_ret(new), changed=True)
    if diff:
        result["diff"] = {"before": _ret(cur), "after": _ret(new)}
    return result
