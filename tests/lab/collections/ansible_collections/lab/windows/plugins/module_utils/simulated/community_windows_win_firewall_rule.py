# -*- coding: utf-8 -*-
# Simulation of community.windows.win_firewall_rule (community.windows 3.1.0).
from __future__ import annotations

_FIELDS = ["description", "group", "enabled", "action", "direction", "protocol", "localport", "remoteport",
           "localip", "remoteip", "program", "service", "profiles", "icmp_type_code"]
_DEFAULTS = {"enabled": True, "action": "allow", "direction": "in", "protocol": "any", "localport": "any",
             "remoteport": "any", "localip": "any", "remoteip": "any", "program": "any", "service": "any",
             "profiles": ["domain", "private", "public"], "description": "", "group": "", "icmp_type_code": []}


def _norm(field, value):
    if field == "profiles":
        return sorted(p.lower() for p in (value if isinstance(value, list) else str(value).split(",")))
    if field in ("localport", "remoteport", "localip", "remoteip"):
        return ",".join(x.strip() for x in str(value).split(",")).lower()
    if field in ("action", "direction", "protocol"):
        return str(value).lower()
    return value


def simulate(host, args, check_mode, diff):
    name = args["name"]
    cur = host.firewall_rule_get(name)
    if args["state"] == "absent":
        if cur is None:
            return {"changed": False}
        if not check_mode:
            host.firewall_rule_delete(name)
        return {"changed": True, "diff": {"before": cur, "after": {}}} if diff else {"changed": True}
    new = dict(cur) if cur else dict(_DEFAULTS, name=name)
    for f in _FIELDS:
        if args.get(f) is not None:
            new[f] = _norm(f, args[f])
    if str(new.get("protocol")) in ("any",) and (new["localport"] != "any" or new["remoteport"] != "any"):
        raise host.fail("Failed to set property LocalPorts: The parameter is incorrect. (protocol must be tcp or udp "
                        "when ports are set)")
    changed = new != cur
    if changed and not check_mode:
        host.firewall_rule_put(new)
    result = {"changed": changed}
    if diff:
        result["diff"] = {"before": cur or {}, "after": new}
    return result
